"""The explorer at ``/`` on the demo data, in a real headless Chromium at 1366×768, offline.

A policy staffer opens the first screen and reads who leads 食品安全监督管理 in
锦江区 and under which article, without JSON; each of the five views draws its
answer (cytoscape's model for who leads/assists, the region tree for gaps and
conflicts, the ranked candidates for a new business form), the URL reproduces
the view, the keyboard alone can ask, and no request leaves 127.0.0.1.
Expected answers come from the library on the same demo data (the CLI's JSON),
not from copies of it. Screenshots go to ``$DUTYGRAPH_SCREENSHOTS`` when set,
else to the test's temporary output folder.

Needs Debian's chromium and Playwright (skips without them, fails under ``CI=true``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dutygraph.fixtures import DEMO_PATH, demo_graph
from dutygraph.importer import load
from dutygraph.store import EmbeddedStore

from .conftest import need
from .explorer_pages import answered, chinese_page, fits_the_window, screenshot_dir, snap
from .servers import Visit, importable, serve_asgi

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = "2025-06-01"  # the saved who-leads question's date (queries/01-who-leads.graphql)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for module in ("strawberry", "starlette", "uvicorn"):
        need(importable(module), f"{module} is not installed (the api extra)")
    from dutygraph.api.app import create_app

    store = EmbeddedStore(tmp_path_factory.mktemp("explorer-views") / "demo.db")
    load(store, [DEMO_PATH])
    with serve_asgi(create_app(store)) as url:
        yield url
    store.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory)


@pytest.fixture
def staff(browser: Any) -> Iterator[Visit]:
    with chinese_page(browser) as v:
        yield v


@pytest.fixture(scope="module")
def g() -> Any:
    return demo_graph()


def open_view(v: Visit, base: str, query: str) -> None:
    v.page.goto(f"{base}/?{query}", wait_until="load")
    answered(v)


def clean(v: Visit) -> None:
    """No script error, and nothing fetched from outside this machine."""
    assert v.errors == []
    assert v.foreign() == []
    assert any(urlsplit(u).path.startswith("/explorer/") for u in v.urls)


def cy(v: Visit, what: str) -> list[dict[str, Any]]:
    """Cytoscape's model: ``nodes`` or ``edges``, each as its data plus its classes."""
    return v.page.evaluate(
        f"window.dutygraphCy.{what}().map(e => Object.assign({{classes: e.classes()}}, e.data()))"
    )


def click_node(v: Visit, node_id: str) -> None:
    """A real mouse click on a drawn node (at its rendered position in the canvas)."""
    box = v.page.locator("#graph").bounding_box()
    assert box is not None
    pos = v.page.evaluate("id => window.dutygraphCy.getElementById(id).renderedPosition()", node_id)
    v.page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])


# -- done when: who leads 食品安全监督管理 in 锦江区, and under which article -----------------


def test_first_screen_answers_who_leads_food_safety_in_jinjiang_and_the_article(
    staff: Visit, demo_url: str, shots: Path, g: Any
) -> None:
    from dutygraph.analysis.resolve import who_leads
    from dutygraph.io.laws.parse import packaged_corpus

    page = staff.page
    page.goto(demo_url + "/", wait_until="load")  # nothing typed: the first screen
    answered(staff)
    words = page.locator("#words").inner_text()
    assert "锦江区 (510104) 的 食品安全监督管理 (I-FOOD) 由谁牵头？" in words
    assert "锦江区市场监督管理局 (JJ-SCJ) 牵头" in words
    res = who_leads(g, "I-FOOD", "510104", AS_OF)
    assert [a.department.id for a in res.answers] == ["JJ-SCJ"]
    table = page.locator("#answer-table").inner_text()
    assert "锦江区市场监督管理局 (JJ-SCJ)" in table and "承接上级职责" in table
    assert "《中华人民共和国食品安全法》第六条" in table
    # the article opens on click, its text from the law corpus shipped in the package
    page.locator("#answer-table button.basis", has_text="第六条").click()
    detail = page.locator("#detail .article-text")
    detail.wait_for()
    act = packaged_corpus().find("中华人民共和国食品安全法")
    text = act.version_at(AS_OF).article("第六条").text
    assert detail.inner_text().strip() == text.strip()
    assert "县级以上地方人民政府对本行政区域的食品安全监督管理工作负责" in detail.inner_text()
    assert "查询日有效" in page.locator("#detail").inner_text()
    fits_the_window(staff)
    snap(staff, shots, "explorer-who-leads.png")
    clean(staff)


def test_who_leads_draws_region_path_item_department_inherited_duty_and_bases(
    staff: Visit, demo_url: str, g: Any
) -> None:
    from dutygraph.analysis.resolve import who_leads
    from dutygraph.serialize import resolution_dict

    open_view(staff, demo_url, f"view=lead&item=I-FOOD&region=510104&as_of={AS_OF}")
    want = resolution_dict(g, who_leads(g, "I-FOOD", "510104", AS_OF))
    nodes = cy(staff, "nodes")
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for n in nodes:
        by_kind.setdefault(n["kind"], []).append(n)
    assert [n["code"] for n in by_kind["region"]] == want["path"]["regions"]
    assert [n["code"] for n in by_kind["item"]] == want["path"]["items"]
    assert [n["code"] for n in by_kind["department"]] == [
        a["department"]["id"] for a in want["answers"]
    ]
    assert "锦江区市场监督管理局" in by_kind["department"][0]["label"]
    # the duty it inherits (from 四川省's list), drawn as inherited
    duties = by_kind["duty"]
    assert len(duties) == len(want["answers"][0]["evidence"])
    assert all(d["inherited"] and "inherited" in d["classes"] for d in duties)
    bases = {b["id"] for e in want["answers"][0]["evidence"] for b in e["bases"]}
    assert {n["code"] for n in by_kind["basis"]} == bases
    edges = {(e["source"], e["target"], e["label"]) for e in cy(staff, "edges")}
    path = want["path"]["regions"]
    for lower, upper in itertools.pairwise(path):
        assert (f"region:{lower}", f"region:{upper}", "上级") in edges
    assert ("dept:JJ-SCJ", "item:I-FOOD", "牵头") in edges
    duty = duties[0]["id"]
    assert ("dept:JJ-SCJ", duty, "承接（对口承接）") in edges
    assert {(duty, f"basis:{b}", "依据") for b in bases} <= edges
    # clicking the basis drawn in the graph opens its article
    click_node(staff, "basis:B-FSL-6")
    staff.page.locator("#detail .article-text").wait_for()
    assert "食品安全法" in staff.page.locator("#detail h2").inner_text()
    clean(staff)


def test_who_assists_names_the_counterpart_and_draws_the_path_to_the_nation(
    staff: Visit, demo_url: str, shots: Path, g: Any
) -> None:
    from dutygraph.analysis.resolve import who_assists

    open_view(staff, demo_url, f"view=assist&item=I-FOOD&region=510104&as_of={AS_OF}")
    res = who_assists(g, "I-FOOD", "510104", AS_OF)
    words = staff.page.locator("#words").inner_text()
    assert "由谁协办？" in words
    for a in res.answers:
        assert f"{a.department.name} ({a.department.id}) 协办" in words
    assert staff.page.locator('nav button[data-view="assist"]').get_attribute("aria-selected") == (
        "true"
    )
    regions = [n["code"] for n in cy(staff, "nodes") if n["kind"] == "region"]
    assert regions == list(res.path) and regions[-1] == "000000"
    assert "锦江区 (510104) → 成都市 (510100) → 四川省 (510000) → 全国 (000000)" in words
    fits_the_window(staff)
    snap(staff, shots, "explorer-who-assists.png")
    clean(staff)


def test_gaps_tree_is_coloured_by_count_and_drills_down_to_explained_rows(
    staff: Visit, demo_url: str, shots: Path, g: Any
) -> None:
    from dutygraph.analysis.gaps import find_gaps

    open_view(staff, demo_url, f"view=gaps&region=510000&as_of={AS_OF}")
    gaps = find_gaps(g, "510000", AS_OF)
    page = staff.page
    top = page.locator('.tree-node[data-code="510000"]')
    assert top.locator(".count").inner_text().startswith(str(len(gaps)))
    assert page.locator("#rows .row").count() == len(gaps)
    # a region's count is its own and its subtree's; its colour darkens with the count
    wuhou = [x for x in gaps if x.region == "510107"]
    node = page.locator('.tree-node[data-code="510107"]')
    assert node.locator(".count").inner_text().replace(" ", "") == f"{len(wuhou)}({len(wuhou)})"
    empty = page.locator('.tree-node[data-code="510104"]')
    assert node.evaluate("e => e.style.background") != empty.evaluate("e => e.style.background")
    node.click()
    assert node.get_attribute("aria-pressed") == "true"
    rows = page.locator("#rows .row")
    assert rows.count() == len(wuhou)
    heading = page.locator("#words h2").inner_text()
    assert f"武侯区 (510107) 及下级：{len(wuhou)} 条监管空白" in heading
    abolished = page.locator('#rows .row[data-kind="LEAD_ABOLISHED"]').first
    text = abolished.inner_text()
    assert "牵头部门已撤销" in text and "武侯区商务局 (WH-SWJ)" in text and "已撤销" in text
    # its evidence opens: the region path and the duties the answer rests on
    abolished.locator("summary").click()
    evidence = abolished.locator("details")
    assert evidence.get_attribute("open") is not None
    assert "地区路径" in evidence.inner_text() and "WH-SWJ" in evidence.inner_text()
    fits_the_window(staff)
    snap(staff, shots, "explorer-gaps.png")
    clean(staff)


def test_conflicts_list_each_clash_once_with_its_departments_named(
    staff: Visit, demo_url: str, shots: Path, g: Any
) -> None:
    from dutygraph.analysis.conflicts import find_conflicts

    open_view(staff, demo_url, f"view=conflicts&as_of={AS_OF}")
    conflicts = find_conflicts(g, None, AS_OF)
    page = staff.page
    assert page.locator("#rows .row").count() == len(conflicts)
    chengdu = [c for c in conflicts if c.region == "510100"]
    page.locator('.tree-node[data-code="510100"]').click()
    rows = page.locator("#rows .row")
    assert rows.count() == len(chengdu)
    multiple = page.locator('#rows .row[data-kind="MULTIPLE_LEADS"]').inner_text()
    assert "多头牵头" in multiple
    assert "成都市应急管理局 (CD-YJJ)" in multiple and "成都市住房和城乡建设局 (CD-ZJJ)" in multiple
    fits_the_window(staff)
    snap(staff, shots, "explorer-conflicts.png")
    clean(staff)


def test_new_business_form_ranks_candidates_with_confidence_and_the_precedents_article(
    staff: Visit, demo_url: str, shots: Path, g: Any
) -> None:
    from dutygraph.analysis.assign import assign_business_form

    open_view(staff, demo_url, f"view=assign&name=密室逃脱&as_of={AS_OF}")
    want = assign_business_form(g, "密室逃脱", "", [], None, AS_OF)
    page = staff.page
    cands = page.locator("#candidates > li.cand")
    assert cands.count() == len(want.candidates) >= 1
    best = want.candidates[0]
    first = cands.first.inner_text()
    assert f"{best.department.name} ({best.department.id})" in first
    assert f"得分 {best.score:.2f}" in first
    assert f"置信度 {want.confidence:.2f}" in page.locator("#verdict").inner_text()
    assert cands.first.locator(".bar").evaluate("e => e.getBoundingClientRect().width") > 0
    # the precedent's basis is a link to its text
    basis = page.locator("#tree button.basis").first
    assert "剧本娱乐" in basis.inner_text()
    basis.click()
    page.locator("#detail h2", has_text="依据").wait_for()
    fits_the_window(staff)
    snap(staff, shots, "explorer-assign.png")
    clean(staff)


# -- the URL holds the question; GraphiQL runs the same question ------------------------------


def test_the_url_reproduces_the_view_and_back_returns_to_the_previous_one(
    staff: Visit, demo_url: str, browser: Any
) -> None:
    page = staff.page
    page.goto(demo_url + "/", wait_until="load")
    answered(staff)
    lead_words = page.locator("#words").inner_text()
    page.locator('nav button[data-view="gaps"]').click()
    answered(staff)
    q = parse_qs(urlsplit(page.url).query)
    assert q["view"] == ["gaps"] and q["as_of"] == [AS_OF]
    gaps_words = page.locator("#words").inner_text()
    assert page.locator("#permalink").get_attribute("href") == page.url.removeprefix(demo_url)
    # the same URL in a fresh window shows the same answer
    with chinese_page(browser) as other:
        other.page.goto(page.url, wait_until="load")
        answered(other)
        assert other.page.locator("#words").inner_text() == gaps_words
        clean(other)
    page.go_back()
    page.locator("#words h2", has_text="由谁牵头").wait_for()
    answered(staff)
    assert page.locator("#words").inner_text() == lead_words
    clean(staff)


def test_open_in_graphiql_runs_the_question_behind_the_view(staff: Visit, demo_url: str) -> None:
    page = staff.page
    open_view(staff, demo_url, f"view=lead&item=I-FOOD&region=510104&as_of={AS_OF}")
    link = page.locator("#graphiql").get_attribute("href")
    assert link is not None and link.startswith("/graphql?q=")
    params = parse_qs(urlsplit(link).query)
    assert "whoLeads" in params["q"][0]
    assert '"region": "510104"' in params["variables"][0]
    page.goto(demo_url + link, wait_until="load")
    text = staff.run_query_and_read_result("JJ-SCJ")
    assert "锦江区市场监督管理局" in text
    assert staff.foreign() == []


# -- keyboard only ---------------------------------------------------------------------------


def test_keyboard_alone_picks_item_and_region_by_pinyin_and_asks(
    staff: Visit, demo_url: str
) -> None:
    page = staff.page
    kb = page.keyboard
    open_view(staff, demo_url, f"view=lead&item=I-FOOD&region=510104&as_of={AS_OF}")
    page.locator('nav button[data-view="lead"]').focus()
    kb.press("Tab")
    assert page.evaluate("document.activeElement.id") == "item"
    kb.press("Control+A")
    kb.type("tzsb")  # 特种设备…, by pinyin initials
    option = page.locator("#item-list li", has_text="特种设备")
    option.first.wait_for()
    assert page.locator("#item").get_attribute("aria-expanded") == "true"
    kb.press("Enter")
    assert page.locator("#item-list.open").count() == 0
    kb.press("Tab")
    assert page.evaluate("document.activeElement.id") == "region"
    kb.press("Control+A")
    kb.type("mys")  # 绵阳市
    page.locator("#region-list li", has_text="绵阳市").first.wait_for()
    kb.press("Enter")
    assert page.locator("#region").input_value() == "绵阳市"
    kb.press("Enter")  # submits the question
    answered(staff)
    words = page.locator("#words").inner_text()
    assert "绵阳市 (510700) 的 特种设备" in words
    q = parse_qs(urlsplit(page.url).query)
    assert q["region"] == ["510700"] and q["item"][0].startswith("I-")
    # the tabs move with the arrow keys
    page.locator('nav button[data-view="lead"]').focus()
    kb.press("ArrowRight")
    answered(staff)
    assert page.evaluate("document.activeElement.dataset.view") == "assist"
    assert "由谁协办" in page.locator("#words").inner_text()
    # Escape closes an open list
    page.locator("#region").focus()
    kb.press("Control+A")
    kb.type("jj")
    page.locator("#region-list.open").wait_for()
    kb.press("Escape")
    assert page.locator("#region-list.open").count() == 0
    clean(staff)


def test_a_bad_question_is_told_in_chinese(staff: Visit, demo_url: str) -> None:
    page = staff.page
    page.goto(f"{demo_url}/?view=lead&item=I-NOPE&region=510104&as_of={AS_OF}", wait_until="load")
    page.locator('#result[aria-busy="false"]').wait_for()
    status = page.locator("#status.error").inner_text()
    assert status.startswith("查询失败：") and "I-NOPE" in status
    assert staff.errors == [] and staff.foreign() == []


def test_nobody_leads_and_an_uncovered_business_form_are_told_why_in_chinese(
    staff: Visit, demo_url: str
) -> None:
    page = staff.page
    open_view(staff, demo_url, f"view=lead&item=I-PREPAID&region=510107&as_of={AS_OF}")
    words = page.locator("#words").inner_text()
    assert "武侯区 (510107) 的单用途预付卡监管 (I-PREPAID) 没有牵头部门" in words
    assert "牵头部门已撤销 (LEAD_ABOLISHED)" in words and "武侯区商务局 (WH-SWJ)" in words
    assert "abolished" not in words  # the English detail stays in the JSON
    assert page.locator("#status").inner_text() == "没有牵头部门。"
    open_view(staff, demo_url, f"view=assign&name=无人机表演&description=夜间灯光秀&as_of={AS_OF}")
    note = page.locator("#tree .note-row").first.inner_text()
    assert note.startswith("注意：行为无人监管 (UNCOVERED_BEHAVIOR)") and "无人机表演" in note
    clean(staff)
