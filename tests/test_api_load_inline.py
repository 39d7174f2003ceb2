"""Cheap lookups answered on the event loop itself (#22 p99 under load), over a real uvicorn server.

A ``whoLeads`` costs about a millisecond; sent to a light thread it also paid
two thread switches and a wait for the interpreter lock behind the other
threads (the snapshot reader's, the heavy lane's). Only operations of lookup
fields whose cost is at most ``INLINE_COST`` run on the loop; anything bigger,
and anything before the whole graph is read, still goes to a thread.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph import config  # noqa: E402
from dutygraph.api.app import create_app  # noqa: E402
from dutygraph.api.loaders import GraphAccess  # noqa: E402
from dutygraph.api.saved import default_queries_dir, load_saved  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402

from .servers import serve_asgi  # noqa: E402

(WHO_LEADS,) = [q.query for q in load_saved(default_queries_dir()) if q.name == "01-who-leads"]
BIG = '{ item(id: "I-FOOD") { key duties(first: 500) { nodes { key } } } }'


class Where(GraphAccess):
    """The batched accessor, noting the thread each request's snapshot was read on."""

    threads: ClassVar[list[str]] = []

    def __init__(self, graph: Any) -> None:
        super().__init__(graph)
        Where.threads.append(threading.current_thread().name)


def test_a_cheap_lookup_is_answered_on_the_event_loop_and_a_big_one_on_a_thread(
    demo_db: Path,
) -> None:
    config.use(config.Settings().replace(analysis_processes=0))
    try:
        app = create_app(EmbeddedStore(demo_db), access=Where)
        with serve_asgi(app) as url, httpx.Client(timeout=60) as c:
            c.get(f"{url}/api/lead", params={"item": "I-FOOD", "region": "510104"})
            assert app.state.snapshots.wait(60)
            app.state.snapshots.graph()
            variables = {"item": "I-FOOD", "region": "510104", "asOf": "2025-06-01"}
            Where.threads.clear()
            inline = c.post(f"{url}/graphql", json={"query": WHO_LEADS, "variables": variables})
            big = c.post(f"{url}/graphql", json={"query": BIG})
            # the saved route runs the same operation on a light thread, as before
            saved = c.get(
                f"{url}/graphql/saved/01-who-leads",
                params=variables,
            )
    finally:
        config.use(None)
    loop, on_big, on_saved = Where.threads
    assert loop.startswith("uvicorn-")  # the server's event loop thread
    assert on_big.startswith("dutygraph-light-") and on_saved.startswith("dutygraph-light-")
    assert inline.status_code == big.status_code == saved.status_code == 200
    assert "errors" not in inline.json() and "errors" not in big.json()
    assert inline.json() == saved.json()
    assert inline.json()["data"]["whoLeads"]["answers"]
