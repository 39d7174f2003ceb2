"""The explorer's routes run off the event loop (#22 item 2), over a real uvicorn server.

A scan behind ``/explorer/gaps``, or a what-if, that takes long (held here by a gate) used to
run on the server's one event loop: every other request waited for it. Now it
runs on a worker thread (or a worker process), and ``{ __typename }`` answers
meanwhile.
"""

from __future__ import annotations

import threading
import time
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


def test_a_slow_explorer_scan_does_not_hold_up_other_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EmbeddedStore(tmp_path / "demo.db")
    load(store, [DEMO_PATH])
    gate, entered = threading.Event(), threading.Event()
    scan = explorer_app._scan

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        gate.wait(20)  # released by the test, or at worst after 20 s
        return scan(*args, **kwargs)

    monkeypatch.setattr(explorer_app, "_scan", held)
    slow: dict[str, httpx.Response] = {}
    # threads (analysis_processes 0): the patched scan is this process's
    with served(store, analysis_processes=0) as url:
        worker = threading.Thread(
            target=lambda: slow.update(r=httpx.get(f"{url}/explorer/gaps", timeout=60))
        )
        worker.start()
        assert entered.wait(30)
        t0 = time.monotonic()
        quick = gql(url, "{ __typename }")
        waited = time.monotonic() - t0
        answered_while_held = not gate.is_set()
        gate.set()
        worker.join(60)
    assert answered_while_held and waited < 10
    assert quick.json() == {"data": {"__typename": "Query"}}
    assert slow["r"].status_code == 200 and slow["r"].json()["as_of"]


def test_a_slow_what_if_does_not_hold_up_other_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dutygraph.api import explorer_whatif

    store = EmbeddedStore(tmp_path / "demo.db")
    load(store, [DEMO_PATH])
    gate, entered = threading.Event(), threading.Event()
    whatif_map = explorer_whatif.whatif_map

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        gate.wait(20)
        return whatif_map(*args, **kwargs)

    monkeypatch.setattr(explorer_whatif, "whatif_map", held)
    slow: dict[str, httpx.Response] = {}
    body = {"example": "gas-regulation-repeal-2026.csv"}
    with served(store, analysis_processes=0) as url:
        worker = threading.Thread(
            target=lambda: slow.update(
                r=httpx.post(f"{url}/explorer/whatif", json=body, timeout=60)
            )
        )
        worker.start()
        assert entered.wait(30)
        t0 = time.monotonic()
        quick = gql(url, "{ __typename }")
        waited = time.monotonic() - t0
        gate.set()
        worker.join(60)
    assert waited < 10
    assert quick.json() == {"data": {"__typename": "Query"}}
    assert slow["r"].status_code == 200, slow["r"].text
