"""The heavy lane in worker processes (#22, #17's several workers), over a real uvicorn server.

The analyses (routeClue, scans, assign) run in processes forked from the
server over its snapshot: the answers are those of the thread lane, a job past
the time limit kills its worker (and a new one answers the next), and after a
write the workers serve the new state while those of the old one end.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")
if not sys.platform.startswith("linux"):
    pytest.skip("worker processes are forked on Linux only", allow_module_level=True)

from dutygraph import config  # noqa: E402
from dutygraph.analysis.disputes.lifecycle import open_dispute  # noqa: E402
from dutygraph.api.app import create_app  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402

from .servers import process_ended, serve_asgi  # noqa: E402

ROUTE = "query($t: String!) { routeClue(text: $t) { json } }"
TEXT = "锦江区一家餐馆卖过期食品，后厨有老鼠，还无证经营。" * 20
HEAVY = [
    {"query": ROUTE, "variables": {"t": TEXT}},
    {"query": "{ gaps(first: 50) { totalCount nodes { kind item { key } region { code } } } }"},
    {"query": "{ conflicts(first: 50) { totalCount nodes { item { key } region { code } } } }"},
    {"query": '{ routeClue(text: "餐馆", asOf: "garbage") { json } }'},  # an error, carried
]
GETS = [
    ("/api/gaps", {"region": "510104", "asOf": "2025-06-01"}),
    ("/api/assign", {"name": "宠物殡葬", "description": "宠物遗体火化", "region": "510104"}),
    ("/api/gaps", {"asOf": "not a date"}),
    ("/graphql/saved/03-gaps-in-region", {"region": '"510104"', "asOf": '"2025-06-01"'}),
]


@pytest.fixture
def demo(demo_db: Path) -> EmbeddedStore:
    """The demo data in an embedded store of this test's own (conftest's ``demo_db``)."""
    return EmbeddedStore(demo_db)


@contextmanager
def served(store: EmbeddedStore, **settings: Any) -> Iterator[tuple[str, Any]]:
    """``store`` served with ``settings``; (base URL, the app's state), the whole graph read."""
    config.use(config.Settings().replace(**settings))
    try:
        app = create_app(store)
        with serve_asgi(app) as url:
            httpx.get(f"{url}/api/lead", params={"item": "I-FOOD", "region": "510104"})
            assert app.state.snapshots.wait(60)
            app.state.snapshots.graph()
            yield url, app.state
    finally:
        config.use(None)


def answers(url: str) -> list[Any]:
    out: list[Any] = []
    with httpx.Client(timeout=60) as c:
        for body in HEAVY:
            r = c.post(f"{url}/graphql", json=body)
            out.append((r.status_code, r.json()))
        for path, params in GETS:
            r = c.get(f"{url}{path}", params=params)
            out.append((r.status_code, r.json()))
    return out


def test_analyses_answer_in_worker_processes_as_on_threads(demo: EmbeddedStore) -> None:
    with served(demo, analysis_processes=0) as (url, state):
        on_threads = answers(url)
        assert state.workers.processes is None
    with served(demo, analysis_processes=2) as (url, state):
        in_processes = answers(url)
        procs = state.workers.processes
        forked, pids = procs.forked, procs.pids()
    assert forked >= 1 and pids and os.getpid() not in pids
    assert [s for s, _ in on_threads] == [200, 200, 200, 200, 200, 200, 400, 200]
    assert "garbage" in on_threads[3][1]["errors"][0]["message"]  # the bad asOf, refused
    assert in_processes == on_threads


def test_an_analysis_past_the_limit_kills_its_worker_and_a_new_one_answers(
    demo: EmbeddedStore,
) -> None:
    with served(demo, analysis_processes=1) as (url, state):
        procs = state.workers.processes
        first = httpx.post(f"{url}/graphql", json=HEAVY[1], timeout=60)
        (pid,) = procs.pids()
        config.use(config.Settings().replace(analysis_processes=1, request_timeout=0.001))
        late = httpx.post(f"{url}/graphql", json=HEAVY[0], timeout=60)
        config.use(config.Settings().replace(analysis_processes=1))
        again = httpx.post(f"{url}/graphql", json=HEAVY[1], timeout=60)
        (new,) = procs.pids()
        killed = procs.killed
    assert first.status_code == 200 and again.json() == first.json()
    assert late.status_code == 504
    assert late.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    assert killed == 1 and new != pid
    assert process_ended(pid)


def test_after_a_write_the_workers_serve_the_new_state_and_the_old_ones_end(
    demo: EmbeddedStore,
) -> None:
    with served(demo, analysis_processes=1) as (url, state):
        procs, snaps = state.workers.processes, state.snapshots
        procs.register("probe", lambda stamp, g: (stamp, len(g.disputes), os.getpid()))
        before = procs.call("probe", (), time.monotonic() + 30)
        forked, swaps = procs.forked, snaps.swaps
        open_dispute(demo, ["N-GAS", "N-SAMR"], "BF-GYM-PREPAID", "000000", "2025-06-01", by="t")
        deadline = time.monotonic() + 60
        while snaps.swaps == swaps and time.monotonic() < deadline:  # a request starts the read
            httpx.post(f"{url}/graphql", json={"query": "{ disputes { totalCount } }"})
            time.sleep(0.05)
        # a dispute leaves the indexes alone: the worker applies the change set itself
        after = procs.call("probe", (), time.monotonic() + 30)
        followed = procs.forked - forked
        # a graph that is not a patched copy of the last (a new import, say): forked afresh
        fresh = EmbeddedStore(demo.path).graph()
        procs.offer("another state", fresh)
        anew = procs.call("probe", (), time.monotonic() + 30)
    assert snaps.swaps == swaps + 1
    assert after[0] == demo.stamp() != before[0]
    assert after[1] == before[1] + 1
    assert after[2] == before[2] and followed == 0
    assert anew[:2] == ("another state", after[1])
    assert anew[2] != after[2] and process_ended(after[2])


def test_an_operation_reading_the_store_runs_on_threads_not_in_a_worker(
    demo: EmbeddedStore,
) -> None:
    """A heavy field beside ``disputeHistory`` (which reads the store's log, not the snapshot):
    in a worker the inherited store failed with "disk I/O error"; it runs on threads now."""
    key = open_dispute(
        demo, ["N-GAS", "N-SAMR"], "BF-GYM-PREPAID", "000000", "2025-06-01", by="t"
    ).id
    body = {
        "query": "query($id: String!) { gaps(first: 1) { totalCount } "
        "disputeHistory(id: $id) { op by } }",
        "variables": {"id": key},
    }
    got = {}
    for n in (0, 1):
        with served(demo, analysis_processes=n) as (url, state):
            got[n] = httpx.post(f"{url}/graphql", json=body, timeout=60).json()
            if n:
                # should one reach a worker all the same, it is refused, saying so
                from dutygraph.api.processes import WorkerFailed, without_store

                procs, held = state.workers.processes, without_store(demo)
                procs.register("history", lambda stamp, g, s=held: s.history())
                with pytest.raises(WorkerFailed, match="分析进程中不读取存储"):
                    procs.call("history", (), time.monotonic() + 30)
    assert "errors" not in got[1], got[1]
    assert got[1] == got[0]
    assert got[0]["data"]["disputeHistory"] == [{"op": "dispute.open", "by": "t"}]


def test_a_workers_store_refuses_a_flag_read_as_well_as_a_call(tmp_path):
    """A flag read off a worker's store (``getattr(store, "row_reader", False)``) refuses as a
    call does: it never reads as true and sends the worker down a path that reads the store."""
    from dutygraph.api.processes import without_store
    from dutygraph.errors import StoreUnavailable
    from dutygraph.store import EmbeddedStore

    held = without_store(EmbeddedStore(tmp_path / "s.db"))
    assert held.capabilities == EmbeddedStore.capabilities
    with pytest.raises(StoreUnavailable, match="分析进程中不读取存储"):
        bool(getattr(held, "row_reader", False))
    with pytest.raises(StoreUnavailable, match=r"store\.graph"):
        held.graph()
