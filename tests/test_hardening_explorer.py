"""The explorer's routes run off the event loop (#22 item 2), over a real uvicorn server.

A scan behind ``/explorer/gaps``, or a what-if, that takes long (held here by a gate) used to
run on the server's one event loop: every other request waited for it. Now it
runs on a worker thread (or a worker process), and ``{ __typename }`` answers
meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph.api import explorer_app  # noqa: E402
from dutygraph.fixtures import DEMO_PATH  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402

from .test_server_limits import gql, served  # noqa: E402


def held_meanwhile(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    name: str,
    ask: Callable[[str], httpx.Response],
) -> tuple[float, httpx.Response, httpx.Response]:
    """``module.name`` held by a gate while ``ask(url)`` runs it; (seconds ``{ __typename }``
    took meanwhile, its answer, the held request's answer)."""
    store = EmbeddedStore(tmp_path / "demo.db")
    load(store, [DEMO_PATH])
    gate, entered = threading.Event(), threading.Event()
    real = getattr(module, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        gate.wait(20)  # released by the test, or at worst after 20 s
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    slow: dict[str, httpx.Response] = {}
    # threads (analysis_processes 0): the patched function is this process's
    with served(store, analysis_processes=0) as url:
        worker = threading.Thread(target=lambda: slow.update(r=ask(url)))
        worker.start()
        assert entered.wait(30)
        t0 = time.monotonic()
        quick = gql(url, "{ __typename }")
        waited = time.monotonic() - t0
        gate.set()
        worker.join(60)
    return waited, quick, slow["r"]


def test_a_slow_explorer_scan_does_not_hold_up_other_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waited, quick, slow = held_meanwhile(
        tmp_path,
        monkeypatch,
        explorer_app,
        "_scan",
        lambda url: httpx.get(f"{url}/explorer/gaps", timeout=60),
    )
    assert waited < 10  # on the event loop it waited for the gate: 20 s
    assert quick.json() == {"data": {"__typename": "Query"}}
    assert slow.status_code == 200 and slow.json()["as_of"]


def test_a_slow_what_if_does_not_hold_up_other_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dutygraph.api import explorer_whatif

    body = {"example": "gas-regulation-repeal-2026.csv"}
    waited, quick, slow = held_meanwhile(
        tmp_path,
        monkeypatch,
        explorer_whatif,
        "whatif_map",
        lambda url: httpx.post(f"{url}/explorer/whatif", json=body, timeout=60),
    )
    assert waited < 10
    assert quick.json() == {"data": {"__typename": "Query"}}
    assert slow.status_code == 200, slow.text
