"""Helpers for the explorer's browser tests: wait for an answer, take a checked screenshot."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .servers import Visit

#: the smallest screen the explorer promises to fit
VIEWPORT = {"width": 1366, "height": 768}


@contextmanager
def chinese_page(browser: Any) -> Iterator[Visit]:
    """A page as policy staff and coordinators have it: 1366×768, Chinese locale."""
    v = Visit(browser, viewport=VIEWPORT, locale="zh-CN")
    try:
        yield v
    finally:
        v.close()


def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``$DUTYGRAPH_SCREENSHOTS`` when set, else a folder in the test run's output."""
    out = os.environ.get("DUTYGRAPH_SCREENSHOTS")
    return Path(out) if out else tmp_path_factory.mktemp("screenshots")


def answered(v: Visit) -> None:
    """Wait until the page has drawn its answer (``#result`` no longer busy)."""
    v.page.locator('#result[aria-busy="false"]').wait_for(timeout=15_000)
    assert not v.page.locator("#status.error").count(), v.page.locator("#status").inner_text()


def snap(v: Visit, shots: Path, name: str) -> Path:
    """A screenshot of the whole 1366×768 window, checked to be that PNG."""
    path = shots / name
    v.page.screenshot(path=str(path))
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (VIEWPORT["width"], VIEWPORT["height"])
    return path


def fits_the_window(v: Visit) -> None:
    """Nothing scrolls sideways and the answer's panels start inside the 1366×768 window."""
    width = v.page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= VIEWPORT["width"]
    for sel in ("#question", "#words"):
        box = v.page.locator(sel).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]
        assert box["y"] < VIEWPORT["height"]
