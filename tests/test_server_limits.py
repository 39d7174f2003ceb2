"""The HTTP layer's limits over a real uvicorn server (#22): bodies, texts, time, the event loop, logs.

Each test sends real requests over loopback to ``create_app`` under uvicorn
(:func:`tests.servers.serve_asgi`) and reads what a client reads: the status,
the JSON, and what the server logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import pytest

pytest.importorskip("strawberry", reason="the API needs the api extra (strawberry-graphql)")
httpx = pytest.importorskip("httpx", reason="the HTTP tests need httpx (the test extra)")
pytest.importorskip("uvicorn", reason="the HTTP tests need uvicorn (the api extra)")

from dutygraph import config  # noqa: E402
from dutygraph.analysis.disputes.lifecycle import open_dispute  # noqa: E402
from dutygraph.api.app import create_app  # noqa: E402
from dutygraph.api.loaders import GraphAccess  # noqa: E402
from dutygraph.api.workers import LANES  # noqa: E402
from dutygraph.fixtures import DEMO_PATH  # noqa: E402
from dutygraph.importer import load  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402

from .servers import serve_asgi  # noqa: E402

WHO_LEADS = (
    '{ whoLeads(item: "I-FOOD", region: "510104", asOf: "2025-06-01") '
    "{ answers { department { key } } } }"
)
TOKENS = {"coord-token-1234": "coordinator", "load-token-1234": "loader"}


@pytest.fixture
def demo(demo_db: Path) -> EmbeddedStore:
    """The demo data in an embedded store of this test's own (conftest's ``demo_db``)."""
    return EmbeddedStore(demo_db)


@contextmanager
def served(store: Any, access: Any = GraphAccess, **settings: Any) -> Iterator[str]:
    """``store`` served over loopback with ``settings`` in force; the base URL."""
    config.use(config.Settings().replace(**settings))
    try:
        with serve_asgi(create_app(store, tokens=TOKENS, access=access)) as url:
            yield url
    finally:
        config.use(None)


def gql(url: str, query: str, variables: Any = None, **kw: Any) -> httpx.Response:
    return httpx.post(
        f"{url}/graphql", json={"query": query, "variables": variables}, timeout=60, **kw
    )


def error_of(r: httpx.Response) -> tuple[str, str]:
    """(code, message) of a refusal."""
    err = r.json()["errors"][0]
    return err.get("extensions", {}).get("code", ""), err["message"]


# -- 1. bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'"hello"', "不是 str"),
        (b"null", "不是 null"),
        (b"[]", "不是 list"),
        (b"{bad", "不是有效的 JSON"),
        (b"", "不是有效的 JSON"),
        (b'{"query": 5}', "请求无效"),
    ],
)
def test_a_body_that_is_not_an_operation_is_a_400_that_says_why(
    demo: EmbeddedStore, caplog: pytest.LogCaptureFixture, body: bytes, says: str
) -> None:
    with caplog.at_level(logging.INFO), served(demo) as url:
        r = httpx.post(
            f"{url}/graphql", content=body, headers={"content-type": "application/json"}, timeout=30
        )
    assert r.status_code == 400, r.text
    code, message = error_of(r)
    assert code == "BAD_REQUEST" and says in message, message
    assert not [rec for rec in caplog.records if rec.exc_info], "a user's error logged a traceback"


def test_a_body_over_the_limit_is_a_413_announced_or_streamed(demo: EmbeddedStore) -> None:
    big = b'{"query": "{ __typename }", "pad": "' + b"x" * 5000 + b'"}'
    with served(demo, max_body_bytes=4096) as url:
        announced = httpx.post(
            f"{url}/graphql", content=big, headers={"content-type": "application/json"}, timeout=30
        )
        streamed = httpx.post(
            f"{url}/graphql",
            content=iter([big[:3000], big[3000:]]),  # no Content-Length: chunked
            headers={"content-type": "application/json"},
            timeout=30,
        )
        small = gql(url, "{ __typename }")
    for r in (announced, streamed):
        assert r.status_code == 413, r.text
        code, message = error_of(r)
        assert code == "BODY_TOO_LARGE" and "请求体超过上限 4,096 字节" in message
    assert small.json() == {"data": {"__typename": "Query"}}


def test_a_users_mistake_logs_no_traceback_but_an_internal_error_does(
    demo: EmbeddedStore, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(GraphAccess):
        def departments(self, ids: Any) -> Any:
            raise RuntimeError("a bug in the accessor")

    with caplog.at_level(logging.INFO), served(demo, access=Broken) as url:
        mistake = gql(url, '{ whoLeads(item: "I-FOOD", region: "不存在区") { role } }').json()
        bug = gql(url, WHO_LEADS).json()
    assert "不存在区" in mistake["errors"][0]["message"]
    assert bug["errors"][0]["message"].startswith("unexpected internal error")
    traced = [r for r in caplog.records if r.exc_info]
    assert [str(r.exc_info[1]) for r in traced] == ["a bug in the accessor"]  # type: ignore[index]
    assert any("不存在区" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)


# -- 2. texts, time, the event loop ----------------------------------------------------------


def test_a_free_text_over_the_limit_is_refused_naming_the_argument(demo: EmbeddedStore) -> None:
    route = "query($t: String!) { routeClue(text: $t) { json } }"
    with served(demo, max_text_chars=100) as url:
        by_variable = gql(url, route, {"t": "餐馆卫生差" * 30})
        inline = gql(url, '{ routeClue(text: "' + "餐馆" * 60 + '") { json } }')
        fits = gql(url, route, {"t": "锦江区餐馆卫生差"})
        api = httpx.get(
            f"{url}/api/assign", params={"name": "宠物殡葬", "description": "火化" * 60}, timeout=30
        )
    assert by_variable.status_code == 400
    code, message = error_of(by_variable)
    assert code == "BAD_INPUT" and message.startswith("$t: 文本过长，150 字符，上限 100")
    assert inline.status_code == 400 and "上限 100" in error_of(inline)[1]
    assert fits.status_code == 200 and "errors" not in fits.json()
    assert api.status_code == 400 and api.json()["error"].startswith("description: 文本过长")


class _Gate(GraphAccess):
    """An accessor whose department reads wait for a gate: work that takes as long as the test says."""

    gate = threading.Event()
    entered = threading.Event()
    stopped: ClassVar[list[int]] = []

    def departments(self, ids: Any) -> Any:
        type(self).entered.set()
        try:
            while not type(self).gate.wait(0.01):
                pass
        except BaseException:
            type(self).stopped.append(threading.get_ident())  # interrupted here: it unwinds
            raise
        return super().departments(ids)


@pytest.fixture
def gate() -> Iterator[type[_Gate]]:
    _Gate.gate, _Gate.entered, _Gate.stopped = threading.Event(), threading.Event(), []
    yield _Gate
    _Gate.gate.set()


def test_a_long_operation_does_not_hold_up_the_others(
    demo: EmbeddedStore, gate: type[_Gate]
) -> None:
    slow: dict[str, Any] = {}
    with served(demo, access=gate) as url:
        worker = threading.Thread(target=lambda: slow.update(r=gql(url, WHO_LEADS)))
        worker.start()
        assert gate.entered.wait(30)  # the slow one is running, on a worker
        quick = gql(url, "{ __typename }")
        lookup = httpx.get(
            f"{url}/api/lead", params={"item": "I-FOOD", "region": "510104"}, timeout=30
        )
        answered_while_running = not gate.gate.is_set()
        gate.gate.set()
        worker.join(60)
    assert answered_while_running
    assert quick.json() == {"data": {"__typename": "Query"}}
    assert lookup.json()["answers"][0]["department"]["id"] == "JJ-SCJ"
    assert slow["r"].json()["data"]["whoLeads"]["answers"] == [{"department": {"key": "JJ-SCJ"}}]


def test_an_operation_over_the_time_limit_is_stopped_and_its_worker_freed(
    demo: EmbeddedStore, gate: type[_Gate]
) -> None:
    lanes = LANES["light"]
    with served(demo, access=gate, request_timeout=0.5) as url:
        # as many stuck lookups as there are light workers: each is stopped at the limit ...
        answers: list[httpx.Response] = []
        stuck = [
            threading.Thread(target=lambda: answers.append(gql(url, WHO_LEADS)))
            for _ in range(lanes)
        ]
        for t in stuck:
            t.start()
        for t in stuck:
            t.join(60)
        # ... and its worker freed: a lookup still finds one (else it would wait and time out)
        after = gql(url, "{ __typename }")
    assert len(gate.stopped) == lanes == len(set(gate.stopped))  # every worker was interrupted
    for r in answers:
        assert r.status_code == 504
        code, message = error_of(r)
        assert code == "TIMEOUT" and "请求超过时限 0.5 秒" in message
    assert after.json() == {"data": {"__typename": "Query"}}


# -- 3. snapshots after a write ----------------------------------------------------------------


class _SlowStore(EmbeddedStore):
    """An embedded store whose whole-graph read waits for a gate once told to."""

    hold = threading.Event()
    reading = threading.Event()

    def graph(self) -> Any:
        if self.hold.is_set():
            self.reading.set()
            while self.hold.is_set():
                time.sleep(0.01)
        return super().graph()


OPEN = """mutation { openDispute(parties: ["N-GAS", "N-SAMR"], subject: "BF-GYM-PREPAID",
  region: "000000", raisedOn: "2025-06-01") { id } }"""
DISPUTES = "{ disputes { totalCount } }"


def test_reads_do_not_wait_for_the_reload_after_a_write_and_the_writer_reads_its_write(
    tmp_path: Path,
) -> None:
    store = _SlowStore(tmp_path / "slow.db")
    load(store, [DEMO_PATH])
    store.hold, store.reading = threading.Event(), threading.Event()
    token = {"Authorization": "Bearer coord-token-1234"}
    with served(store) as url:
        before = gql(url, DISPUTES).json()["data"]["disputes"]["totalCount"]
        # the writer's answer comes after its write is swapped in: it reads its own write
        opened = gql(url, OPEN, headers=token).json()
        assert "errors" not in opened, opened
        assert gql(url, DISPUTES).json()["data"]["disputes"]["totalCount"] == before + 1
        # a write by another process: its whole-graph read is held up ...
        store.hold.set()
        open_dispute(  # a case between two other departments: a second dispute
            EmbeddedStore(store.path), ["JJ-SCJ", "WH-SCJ"], "网店销售过期食品案", "510104",
            "2025-06-01", kind="enforcement", by="another process",
            case={"place": "510107", "filed": {"JJ-SCJ": "2025-01-02", "WH-SCJ": "2025-01-04"}},
)  # fmt: skip
        # ... and reads go on, on the last whole graph, while it is read
        meanwhile = gql(url, DISPUTES).json()["data"]["disputes"]["totalCount"]
        assert store.reading.wait(30)
        still = gql(url, WHO_LEADS).json()
        store.hold.clear()
        seen = before + 1
        for _ in range(500):  # the swap comes once the read ends
            seen = gql(url, DISPUTES).json()["data"]["disputes"]["totalCount"]
            if seen == before + 2:
                break
    assert meanwhile == before + 1
    assert still["data"]["whoLeads"]["answers"] == [{"department": {"key": "JJ-SCJ"}}]
    assert seen == before + 2


# -- 4. loadBundle: an upload instead of a path ----------------------------------------------

LOAD_FILE = """mutation($file: Upload!) {
  loadBundle(file: $file) { sources added { kind count } problems { file message } }
}"""


def upload(url: str, path: Path, name: str, token: str = "load-token-1234") -> httpx.Response:
    """``loadBundle(file:)`` as a GraphQL multipart request, the file sent as ``name``."""
    import json

    return httpx.post(
        f"{url}/graphql",
        data={
            "operations": json.dumps({"query": LOAD_FILE, "variables": {"file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        files={"0": (name, path.read_bytes(), "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )


def test_a_loader_uploads_a_bundle_workbook_and_reads_it_at_once(
    demo: EmbeddedStore, tmp_path: Path
) -> None:
    from .bundles import to_workbook
    from .conftest import ACCEPTANCE

    book = to_workbook(ACCEPTANCE, tmp_path / "scenario.xlsx")
    lead = (
        '{ whoLeads(item: "I-FOOD", region: "330106", asOf: "2025-06-01") '
        "{ answers { department { key } } } }"
    )
    with served(demo) as url:  # no import folder: a path is refused, an upload is not
        r = upload(url, book, "../../浙江 scenario.xlsx")
        after = gql(url, lead).json()
    out = r.json()
    assert r.status_code == 200 and "errors" not in out, out
    report = out["data"]["loadBundle"]
    assert report["sources"] == ["浙江 scenario.xlsx"]  # its base name: no path, no temp folder
    assert {a["kind"]: a["count"] for a in report["added"]}["duty"] > 0
    assert after["data"]["whoLeads"]["answers"] == [{"department": {"key": "ZX-SCJ"}}]


def test_a_bad_upload_is_refused_naming_the_file_and_nothing_changes(
    demo: EmbeddedStore, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    stamp = demo.stamp()
    with served(demo, max_body_bytes=4096) as url:
        bad = upload(url, junk, "权责.xlsx")
        viewer = upload(url, junk, "权责.xlsx", token="coord-token-1234")
        big = tmp_path / "big.xlsx"
        big.write_bytes(b"x" * 10_000)
        too_big = upload(url, big, "big.xlsx")
        no_file = gql(
            url,
            "mutation { loadBundle { sources } }",
            headers={"Authorization": "Bearer load-token-1234"},
        )
    message = bad.json()["errors"][0]["message"]
    assert "权责.xlsx" in message and "dutygraph-upload-" not in message, message
    assert "may not load" in viewer.json()["errors"][0]["message"]
    assert too_big.status_code == 413
    assert "give exactly one of path" in no_file.json()["errors"][0]["message"]
    assert demo.stamp() == stamp


def test_a_swapped_out_snapshot_is_released_after_routing_and_assignment_ran_on_it(
    demo: EmbeddedStore,
) -> None:
    """What kept the server's RSS growing after writes: old graphs held by a per-snapshot cache."""
    import gc
    import weakref

    from dutygraph.analysis.assign import assign_business_form
    from dutygraph.analysis.route import route_clue
    from dutygraph.api.state import Snapshots

    snaps = Snapshots(demo, background=False)
    graphs: list[weakref.ref[Any]] = []
    for n in range(3):
        g = snaps.graph()
        route_clue(g, "锦江区一家餐馆卖过期食品，后厨有老鼠", None, "2025-06-01")
        assign_business_form(
            g, "宠物殡葬", "宠物遗体火化与骨灰寄存", region="510104", as_of="2025-06-01"
        )
        graphs.append(weakref.ref(g))
        del g
        open_dispute(
            demo, ["JJ-SCJ", "WH-SCJ"], f"案件{n}", "510104", "2025-06-01", kind="enforcement",
            case={"place": "510107", "filed": {"JJ-SCJ": "2025-01-02"}}, by="test",
        )  # fmt: skip
    current = snaps.graph()
    gc.collect()
    assert [ref() is None for ref in graphs] == [True, True, True]
    assert len(current.disputes) == 3


def test_a_write_made_while_the_last_graph_is_still_being_handed_on_is_read_too(
    demo: EmbeddedStore,
) -> None:
    """A write that landed after the background read's last look at the store, while its graph
    was handed to the worker pool (whose warm-up takes seconds), was never read: the server
    answered from the state before it until the next write."""
    from dutygraph.api.state import Snapshots

    snaps = Snapshots(demo)
    told = threading.Event()
    go_on = threading.Event()

    def slow_listener(stamp: Any, graph: Any) -> None:  # as the worker pool's warm-up
        told.set()
        go_on.wait(10)

    snaps.on_swap.append(slow_listener)
    snaps.current()  # starts the background read of the whole graph
    assert told.wait(30)
    open_dispute(
        demo, ["JJ-SCJ", "WH-SCJ"], "案件", "510104", "2025-06-01", kind="enforcement",
        case={"place": "510107", "filed": {"JJ-SCJ": "2025-01-02"}}, by="test",
    )  # fmt: skip
    snaps.current()  # the server's next request sees the new stamp
    go_on.set()
    deadline = time.monotonic() + 30
    while len(snaps.graph().disputes) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(snaps.graph().disputes) == 1
