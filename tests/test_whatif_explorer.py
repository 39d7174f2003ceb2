"""The explorer's what-if page (#21 item 4): the region tree of gaps before and after.

A real server (uvicorn) on the demo store, asked over HTTP as the page asks, and
the page itself in Debian's headless Chromium at 1366×768: a policy officer picks
a worked example or uploads a scenario file, reads the two trees (the gaps map of
the explorer, before and after), clicks a region and reads its changes; a
malformed file lists its located problems. Expected figures come from the library
on the same data (what_if, find_gaps), not from copies. The store file is
byte-identical afterwards: nothing here writes.

Browser tests need Debian's chromium and Playwright (skip without them, fail under CI=true).
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dutygraph.analysis.gaps import find_gaps
from dutygraph.analysis.whatif import what_if
from dutygraph.fixtures import DEMO_PATH, SCENARIOS_PATH
from dutygraph.importer import load
from dutygraph.io.scenario import read_scenario
from dutygraph.store import EmbeddedStore

from .conftest import need
from .explorer_pages import answered, chinese_page, screenshot_dir, snap
from .servers import Visit, importable, serve_asgi

GAS = "gas-regulation-repeal-2026.csv"
JINJIANG = "jinjiang-enforcement-2026.toml"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, EmbeddedStore, Path]]:
    for module in ("strawberry", "starlette", "uvicorn"):
        need(importable(module), f"{module} is not installed (the api extra)")
    from dutygraph.api.app import create_app

    path = tmp_path_factory.mktemp("whatif-explorer") / "demo.db"
    store = EmbeddedStore(path)
    load(store, [DEMO_PATH])
    with serve_asgi(create_app(store)) as url:
        yield url, store, path
    store.close()


def _post(url: str, body: Any) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(
        f"{url}/explorer/whatif", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_map_counts_gaps_before_and_after_as_the_scans_do(served):
    url, store, path = served
    digest = _digest(path)
    status, out = _post(url, {"example": GAS})
    assert status == 200
    g = store.graph()
    w = what_if(g, read_scenario(SCENARIOS_PATH / GAS))
    before: dict[str, int] = {}
    for gap in find_gaps(g, None, w.as_of):
        before[gap.region] = before.get(gap.region, 0) + 1
    after = dict(before)
    for gap in w.gaps_new:
        after[gap.region] = after.get(gap.region, 0) + 1
    assert {c: n for c, n in out["before"].items() if n} == before
    assert {c: n for c, n in out["after"].items() if n} == {c: n for c, n in after.items() if n}
    assert out["regions"][0]["code"] == "000000"  # the whole tree, roots first
    texts = [x["text"] for x in out["changes"]["510781"]]
    assert texts == ["新增空白：燃气经营安全监管 (I-GAS) — 无有效法律依据 (NO_LEGAL_BASIS)"]
    assert out["counts"] == w.counts()
    assert _digest(path) == digest  # a what-if never writes


def test_an_uploaded_file_answers_as_the_same_file_read(served):
    url, store, _ = served
    g = store.graph()
    data = (SCENARIOS_PATH / JINJIANG).read_bytes()
    status, out = _post(
        url,
        {"filename": "改革.toml", "content": base64.b64encode(data).decode(), "region": "锦江区"},
    )
    assert status == 200, out
    assert out["region"] == "510104" and [r["code"] for r in out["regions"]] == ["510104"]
    leads = [x["text"] for x in out["changes"]["510104"] if x["kind"] == "lead"]
    assert leads[0] == (
        f"牵头变化：{g.items['I-SCRIPT'].name} (I-SCRIPT)：{g.departments['JJ-WTL'].name} (JJ-WTL)"
        " → 锦江区综合行政执法局 (JJ-ZHZF)"  # created by the scenario: named as it says
    )
    assert out["counts"]["leads"] == 8


def test_a_malformed_upload_is_a_400_naming_the_file_row_and_column(served):
    url, _, path = served
    digest = _digest(path)
    bad = "date,action,department,target\n2026-01-01,合并,JJ-SCJ,JJ-SCJ\n2026-01-01,撤销,NOPE,\n"
    status, out = _post(
        url, {"filename": "坏情景.csv", "content": base64.b64encode(bad.encode()).decode()}
    )
    assert status == 400
    assert [(p["file"], p["row"], p["column"]) for p in out["problems"]] == [
        ("坏情景.csv", 2, "target"),
        ("坏情景.csv", 3, "department"),
    ]
    assert "/tmp" not in out["error"]  # located by the upload's name, not where it was kept
    for body in ({"filename": "s.txt", "content": "eA=="}, {"content": "not base64!"}, b"[1]"):
        status, out = _post(url, body)
        assert status == 400 and out["error"], body
    assert _post(url, {"example": "../../etc/passwd"})[0] == 404
    assert _digest(path) == digest


# -- in the browser ---------------------------------------------------------------------------


@pytest.fixture
def officer(browser: Any) -> Iterator[Visit]:
    with chinese_page(browser) as v:
        yield v


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory)


def _node(v: Visit, side: str, code: str) -> Any:
    return v.page.locator(f'#tree-{side} .tree-node[data-code="{code}"]')


@pytest.mark.browser
@pytest.mark.slow
def test_the_page_draws_the_same_tree_before_and_after(officer, served, shots):
    url, _, _ = served
    officer.page.goto(f"{url}/explorer/whatif?example={GAS}", wait_until="load")
    answered(officer)
    # the same regions on both sides; 江油市 gains the gas gap, the whole tree four
    before = officer.page.locator("#tree-before .tree-node").evaluate_all(
        "bs => bs.map(b => b.dataset.code)"
    )
    after = officer.page.locator("#tree-after .tree-node").evaluate_all(
        "bs => bs.map(b => b.dataset.code)"
    )
    assert before == after and before[0] == "000000"
    root_before = int(_node(officer, "before", "000000").get_attribute("data-count"))
    assert int(_node(officer, "after", "000000").get_attribute("data-count")) == root_before + 4
    assert int(_node(officer, "after", "510781").get_attribute("data-count")) == (
        int(_node(officer, "before", "510781").get_attribute("data-count")) + 1
    )
    _node(officer, "after", "510781").click()
    rows = officer.page.locator("#rows .row")
    assert rows.count() == 1
    assert "燃气经营安全监管 (I-GAS)" in rows.first.inner_text()
    assert _node(officer, "before", "510781").get_attribute("aria-pressed") == "true"
    assert officer.errors == [] and officer.foreign() == []
    snap(officer, shots, "whatif-map.png")


@pytest.mark.browser
@pytest.mark.slow
def test_uploading_a_file_and_a_malformed_one(officer, served, shots, tmp_path):
    url, _, _ = served
    officer.page.goto(f"{url}/explorer/whatif", wait_until="load")
    officer.page.set_input_files("#file", str(SCENARIOS_PATH / JINJIANG))
    officer.page.locator("#status", has_text=JINJIANG).wait_for()
    officer.page.fill("#region", "510104")
    officer.page.click("#run")
    answered(officer)
    assert "JJ-ZHZF" in officer.page.locator("#rows").inner_text()
    bad = tmp_path / "坏情景.toml"
    bad.write_text(
        '[[change]]\ndate = 2026-01-01\naction = "合并"\ndepartment = "JJ-SCJ"\n'
        'target = "JJ-SCJ"\n',
        "utf-8",
    )
    officer.page.set_input_files("#file", str(bad))
    officer.page.locator("#status", has_text="坏情景.toml").wait_for()
    officer.page.click("#run")
    officer.page.locator("#problems li").first.wait_for()
    text = officer.page.locator("#problems").inner_text()
    assert "坏情景.toml" in text and "第 1 行" in text and "target" in text
    assert officer.page.locator("#status.error").count() == 1
    assert officer.page.locator("#tree-after .tree-node").count() == 0
    assert officer.errors == [] and officer.foreign() == []
    snap(officer, shots, "whatif-problems.png")
