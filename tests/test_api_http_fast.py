"""The raw ASGI fast path of ``GET /api/lead`` and ``/api/assist`` (:class:`dutygraph.api.routes.Lookups`)
answers byte for byte as the Starlette routes do — answers, errors, status codes, headers — and
leaves everything else to them; the snapshot is asked once per event-loop iteration; saved
operations kept per snapshot answer as they did when executed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")

from dutygraph import config  # noqa: E402
from dutygraph.api.app import LOOPBACK_HOSTS, create_app  # noqa: E402
from dutygraph.api.saved import default_queries_dir, load_saved  # noqa: E402
from dutygraph.api.state import Snapshots  # noqa: E402
from dutygraph.model import Duty  # noqa: E402
from dutygraph.store import ChangeSet, Store  # noqa: E402

from .test_api_http import TOKENS  # noqa: E402

#: (path with query, headers, client address): every kind of answer and refusal
CASES: list[tuple[str, dict[str, str], str]] = [
    ("/api/lead?item=I-FOOD&region=510104&asOf=2025-06-01", {}, "127.0.0.1"),
    ("/api/lead?item=食品安全监督管理&region=锦江区&asOf=2025-06-01", {}, "127.0.0.1"),
    ("/api/lead?item=I-FOOD&region=510104&as_of=2024-01-01", {}, "127.0.0.1"),
    ("/api/lead?item=I-NOPE&item=I-FOOD&region=510104&asOf=2025-06-01", {}, "127.0.0.1"),
    ("/api/assist?item=I-SCRIPT&region=510104&asOf=2025-01-01", {}, "127.0.0.1"),
    ("/api/lead?item=I-FOOD", {}, "127.0.0.1"),  # no region: 400
    ("/api/lead?item=I-NOPE&region=510104", {}, "127.0.0.1"),  # unknown: 404
    ("/api/lead?item=I-FOOD&region=510104&asOf=2025-13-01", {}, "127.0.0.1"),  # bad date
    ("/api/lead?item=" + "长" * 40 + "&region=510104", {}, "127.0.0.1"),  # too long: 400
    ("/api/assist?item=I-FOOD&region=510104&asOf=2025-06-01", {}, "10.1.2.3"),  # no token: 401
    ("/api/lead?item=I-FOOD&region=510104", {"Authorization": "Bearer nope"}, "10.1.2.3"),
    (
        "/api/lead?item=I-FOOD&region=510104&asOf=2025-06-01",
        {"Authorization": "Bearer view-token-1234"},
        "10.1.2.3",
    ),
]


@pytest.fixture
def short_texts() -> Iterator[None]:
    config.use(config.Settings().replace(max_text_chars=32))
    try:
        yield
    finally:
        config.use(None)


def _ask(app: Any, path: str, headers: dict[str, str], client: str, method: str = "GET") -> Any:
    async def go() -> Any:
        transport = httpx.ASGITransport(app=app, client=(client, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.request(method, path, headers=headers)

    return asyncio.run(go())


def _reply(r: Any) -> tuple[Any, ...]:
    h = r.headers
    return (
        r.status_code,
        h.get("content-type"),
        h.get("x-dutygraph-reader"),
        h.get("www-authenticate"),
        r.content,
    )


def test_the_fast_path_answers_byte_for_byte_as_the_routes(
    demo_store: Store, short_texts: None
) -> None:
    app = create_app(demo_store, tokens=TOKENS)
    app.state.snapshots.refresh()  # the whole graph: what the fast path answers on the loop
    starlette = app.through_starlette  # the app without its fast path
    taken = []
    for path, headers, client in CASES:
        taken.append(
            app.lookups.takes(
                {"type": "http", "method": "GET", "path": path.split("?")[0], "headers": []}
            )
        )
        fast = _reply(_ask(app, path, headers, client))
        slow = _reply(_ask(starlette, path, headers, client))
        assert fast == slow, path
        again = _reply(_ask(app, path, headers, client))  # kept per snapshot: the same bytes
        assert again == fast, path
    assert set(taken) == {"lead", "assist"}
    statuses = [_ask(app, p, h, c).status_code for p, h, c in CASES]
    assert statuses == [200, 200, 200, 200, 200, 400, 404, 400, 400, 401, 401, 200]
    bad = _ask(app, "/api/lead?item=I-NOPE&region=510104", {}, "127.0.0.1").json()
    assert "I-NOPE" in bad["error"]  # (Chinese first, the id beside)


def test_the_fast_path_leaves_the_rest_to_the_app(demo_store: Store) -> None:
    app = create_app(demo_store, tokens=TOKENS, allowed_hosts=LOOPBACK_HOSTS)
    q = "/api/lead?item=I-FOOD&region=510104&asOf=2025-06-01"
    ok = _ask(app, q, {}, "127.0.0.1")
    assert ok.status_code == 200 and ok.headers["x-dutygraph-reader"] in ("graph", "tables")
    # a Host not allowed: refused by the app's own guard, as before
    foreign = _ask(app, q, {"Host": "evil.example"}, "127.0.0.1")
    assert foreign.status_code == 400 and foreign.text == "Invalid host header"
    # a body on a GET: the body limit decides first
    limit = config.current().max_body_bytes
    big = _ask(app, q, {"Content-Length": str(limit + 1)}, "127.0.0.1")
    assert big.status_code == 413
    # another method: the router's 405
    assert _ask(app, q, {}, "127.0.0.1", method="POST").status_code == 405
    scope = {"type": "http", "method": "GET", "headers": [(b"host", b"localhost:8000")]}
    assert app.lookups.takes({**scope, "path": "/api/lead"}) == "lead"
    assert app.lookups.takes({**scope, "path": "/api/gaps"}) is None  # a scan: the routes
    assert app.lookups.takes({**scope, "path": "/api/lead", "headers": [(b"host", b"[::1]:80")]})


class _Counting:
    """A store whose stamp counts how often it is asked."""

    url = "counting://"

    def __init__(self) -> None:
        self.asked = 0

    def stamp(self) -> Any:
        self.asked += 1
        return 1

    def reader(self) -> Any:
        return object()


def test_one_stamp_per_event_loop_iteration() -> None:
    store = _Counting()
    snaps = Snapshots(store, background=False)  # type: ignore[arg-type]

    async def many() -> list[Any]:
        first = [snaps.on_loop() for _ in range(5)]  # one iteration: one stamp
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return [*first, snaps.on_loop()]  # a later iteration asks again

    got = asyncio.run(many())
    assert store.asked == 2
    assert len({id(s) for s in got}) == 1  # the same state: the same snapshot
    asyncio.run(many())  # another loop: its own stamps
    assert store.asked == 4


def test_a_kept_saved_operation_answers_as_executed_and_sees_a_write(demo_store: Store) -> None:
    app = create_app(demo_store, tokens=TOKENS)
    app.state.snapshots.refresh()
    (text,) = [q.query for q in load_saved(default_queries_dir()) if q.name == "01-who-leads"]
    q = "/graphql/saved/01-who-leads?item=I-FOOD&region=510104&asOf=2025-06-01"
    v = {"item": "I-FOOD", "region": "510104", "asOf": "2025-06-01"}

    def posted() -> bytes:
        async def go() -> Any:
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                return await c.post("/graphql", json={"query": text, "variables": v})

        return asyncio.run(go()).json()

    first = _ask(app, q, {}, "127.0.0.1")
    kept = _ask(app, q, {}, "127.0.0.1")
    assert first.status_code == kept.status_code == 200
    assert first.content == kept.content
    assert kept.json() == posted()
    lead = kept.json()["data"]["whoLeads"]["answers"][0]["department"]["key"]
    assert lead == "JJ-SCJ"

    def plan(g: Any) -> ChangeSet:
        return ChangeSet([Duty("JJ-YJJ", "I-FOOD", "510104", "lead", source="t")], {"op": "t"})

    demo_store.write(plan)
    app.state.snapshots.refresh()
    after = _ask(app, q, {}, "127.0.0.1").json()
    assert after == posted()
    assert after["data"]["whoLeads"]["answers"][0]["department"]["key"] == "JJ-YJJ"
