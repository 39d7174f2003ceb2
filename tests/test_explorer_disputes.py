"""The explorer's disputes board for coordinators, in a real headless Chromium at 1366×768.

A coordinator with a token turns a conflict of the demo data into a dispute,
reads its evidence, statutory route and history, starts coordination and
decides it — every action through the board's forms, which send the GraphQL
dispute mutations — and the who-leads answer changes from the decision date.
Without a token the board is read-only and the API refuses the mutation.
Expected answers come from :mod:`dutygraph.analysis.disputes` on the same
store. No request leaves 127.0.0.1.

Needs Debian's chromium and Playwright (skips without them, fails under ``CI=true``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dutygraph.analysis import disputes as dsp
from dutygraph.analysis.resolve import who_leads
from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.store import EmbeddedStore, Store

from .conftest import need
from .explorer_pages import answered, chinese_page, fits_the_window, screenshot_dir, snap
from .servers import Visit, importable, serve_asgi

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AS_OF = "2025-06-01"
COORDINATOR = "coord-token-for-tests"
VIEWER = "viewer-token-for-tests"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """A fresh demo store (the board writes) behind the real app, with two tokens."""
    for module in ("strawberry", "starlette", "uvicorn"):
        need(importable(module), f"{module} is not installed (the api extra)")
    from dutygraph.api.app import create_app

    store = EmbeddedStore(tmp_path / "demo.db")
    load(store, [DEMO_PATH])
    tokens = {COORDINATOR: "coordinator", VIEWER: "viewer"}
    with serve_asgi(create_app(store, tokens=tokens)) as url:
        yield url, store
    store.close()


@pytest.fixture
def coordinator(browser: Any) -> Iterator[Visit]:
    with chinese_page(browser) as v:
        yield v


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory)


def open_board(v: Visit, base: str, extra: str = "") -> None:
    v.page.goto(f"{base}/?view=disputes&as_of={AS_OF}{extra}", wait_until="load")
    answered(v)


def sign_in(v: Visit, token: str, name: str) -> None:
    """Type the token and the person's name, as a coordinator does; the board reloads."""
    page = v.page
    page.locator("#token").fill(token)
    page.locator("#by").fill(name)
    page.locator("#token").press("Tab")  # 'change' fires on leaving the field
    answered(v)


def act(v: Visit, button: Any, expect: str) -> None:
    """Press an action button and wait for the board to say it was done."""
    button.click()
    v.page.locator("#status", has_text=expect).wait_for(timeout=15_000)
    answered(v)


def column(v: Visit, title: str) -> list[str]:
    return v.page.locator(f'.column[aria-label="{title}"] .card').evaluate_all(
        "cards => cards.map(c => c.dataset.id)"
    )


def test_a_coordinator_takes_a_conflict_through_coordination_to_a_decision(
    coordinator: Visit, served: tuple[str, Store], shots: Path
) -> None:
    base, store = served
    page = coordinator.page
    open_board(coordinator, base)
    assert page.locator("#read-only").count() == 1
    sign_in(coordinator, COORDINATOR, "张三")
    assert page.locator("#read-only").count() == 0
    # the conflicts that could become disputes, each explained in Chinese
    row = page.locator("#from-conflicts .row", has_text="I-SELFBUILT")
    assert "成都市应急管理局 (CD-YJJ)" in row.inner_text()
    act(coordinator, row.locator("button.act"), "已办理：由冲突立案")
    (dispute,) = dsp.list_disputes(store.graph())
    assert column(coordinator, "待协调") == [dispute.id]
    assert parse_qs(urlsplit(page.url).query)["dispute"] == [dispute.id]
    words = page.locator("#words")
    assert f"{dispute.id} 职责分工争议" in words.locator("h2").inner_text()
    assert "成都市 (510100) 的经营性自建房安全监管 (I-SELFBUILT)" in words.inner_text()
    # evidence: each party's duties with their bases, which open on click
    evidence = page.locator("#evidence")
    g = store.graph()
    for p in dsp.evidence(g, dispute.id, AS_OF)["parties"]:
        assert f"{p['department']['name']} ({p['department']['id']})" in evidence.inner_text()
        for duty in p["duties"]:
            assert duty["source"] in evidence.inner_text()
    evidence.locator("button.basis", has_text="权责清单").first.click()
    page.locator("#detail h2", has_text="B-CD-PL").wait_for()
    # the statutory route in Chinese, with the coordinator the analysis names
    route = dsp.route(g, dispute.id, AS_OF)
    coordinator_body = route["coordinator"]["department"]
    text = page.locator("#route").inner_text()
    assert f"协调机关：{coordinator_body['name']} ({coordinator_body['id']})" in text
    assert "部门职责分工协调办法 第七条" in text and "协调期间各方按现有分工继续履职" in text
    # history: who did it, by name
    history = page.locator("#history tbody tr")
    assert history.count() == 1 and "立案" in history.inner_text()
    assert "张三" in history.inner_text()
    # coordinate, then decide: the card moves across the board
    act(coordinator, page.locator('form[data-action="coordinate"] button'), "已办理：开始协调")
    assert column(coordinator, "协调中") == [dispute.id]
    decide = page.locator('form[data-action="decide"]')
    decide.locator('select[name="lead"]').select_option("CD-ZJJ")
    decide.locator('input[name="assists"][value="CD-YJJ"]').check()
    decide.locator("textarea").fill(
        "经营性自建房的房屋安全由住房城乡建设部门牵头，应急管理部门配合。"
    )
    assert decide.locator('input[name="decider"]').input_value() == route["steps"][-1]["by"]["name"]
    act(coordinator, decide.locator("button"), "已办理：作出决定")
    assert column(coordinator, "已办结") == [dispute.id]
    assert page.locator("#actions").count() == 0
    decision = page.locator("#decision").inner_text()
    assert "决定由 成都市住房和城乡建设局 (CD-ZJJ) 牵头" in decision
    assert "成都市应急管理局 (CD-YJJ) 协办" in decision
    ops = [e["op"] for e in dsp.dispute_history(store, dispute.id)]
    assert ops == ["dispute.open", "dispute.status", "dispute.decide"]
    assert page.locator("#history tbody tr").count() == 3
    assert all("张三" in e["by"] for e in dsp.dispute_history(store, dispute.id))
    fits_the_window(coordinator)
    snap(coordinator, shots, "explorer-disputes.png")
    # who leads now follows the decision, in the explorer too
    res = who_leads(store.graph(), "I-SELFBUILT", "510100", AS_OF)
    assert [a.department.id for a in res.answers] == ["CD-ZJJ"]
    page.goto(f"{base}/?view=lead&item=I-SELFBUILT&region=510100&as_of={AS_OF}")
    answered(coordinator)
    assert "成都市住房和城乡建设局 (CD-ZJJ) 牵头" in page.locator("#words").inner_text()
    assert f"DEC-{dispute.id}" in page.locator("#answer-table").inner_html()
    assert coordinator.errors == [] and coordinator.foreign() == []


def test_an_enforcement_dispute_opened_by_form_shows_the_penalty_law_route_and_can_be_withdrawn(
    coordinator: Visit, served: tuple[str, Store]
) -> None:
    base, store = served
    page = coordinator.page
    open_board(coordinator, base)
    sign_in(coordinator, COORDINATOR, "李四")
    form = page.locator("#open-form")
    form.locator('input[name="parties"]').fill("JJ-SCJ、锦江区卫生健康局")
    form.locator('input[name="subject"]').fill("食品销售监督检查")
    form.locator('input[name="region"]').fill("锦江区")
    form.locator('select[name="kind"]').select_option("enforcement")
    act(coordinator, form.locator("button"), "已办理：立案")
    (dispute,) = dsp.list_disputes(store.graph(), "open")
    assert dispute.parties == ("JJ-SCJ", "JJ-WJJ") and dispute.attrs["kind"] == "enforcement"
    assert "执法管辖争议" in page.locator("#words h2").inner_text()
    route = page.locator("#route").inner_text()
    assert "违法行为发生地（中华人民共和国行政处罚法 第二十二条）" in route
    assert "指定管辖" in route
    justice = dsp.route(store.graph(), dispute.id, AS_OF)["coordinator"]
    assert justice["name"] in route
    act(coordinator, page.locator('form[data-action="withdraw"] button'), "已办理：撤回")
    assert column(coordinator, "已办结") == [dispute.id]
    assert store.graph().disputes[dispute.id].status == "withdrawn"
    assert "已撤回" in page.locator("#words h2").inner_text()
    assert coordinator.errors == [] and coordinator.foreign() == []


def test_without_a_coordinator_token_the_board_is_read_only_and_the_api_refuses(
    coordinator: Visit, served: tuple[str, Store]
) -> None:
    base, store = served
    dsp.dispute_from_conflict(store, "I-SELFBUILT", "510100", AS_OF, by="测试")
    page = coordinator.page
    open_board(coordinator, base)
    sign_in(coordinator, VIEWER, "王五")  # a viewer may read, not decide
    assert page.locator("#read-only").count() == 1
    assert "（只读）" in page.locator("#status").inner_text()
    assert page.locator("#actions button").count() >= 3
    assert page.locator("#actions button:enabled").count() == 0
    assert page.locator("#open-form button").is_disabled()
    # the board shows the evidence and route all the same
    assert "法定路径" in page.locator("#route").inner_text()
    # and the server, not the page, is what refuses: the mutation sent anyway fails
    refused = page.evaluate(
        """t => fetch('/graphql', {method: 'POST', headers: {'Content-Type': 'application/json',
             Authorization: 'Bearer ' + t}, body: JSON.stringify({query:
             'mutation { withdrawDispute(id: "DSP-0001", by: "x") { status } }'})})
             .then(r => r.json())""",
        VIEWER,
    )
    assert refused.get("errors")
    assert store.graph().disputes["DSP-0001"].status == "open"
    assert coordinator.errors == [] and coordinator.foreign() == []


def test_a_refused_action_is_told_and_changes_nothing(
    coordinator: Visit, served: tuple[str, Store]
) -> None:
    base, store = served
    page = coordinator.page
    open_board(coordinator, base)
    sign_in(coordinator, COORDINATOR, "张三")
    form = page.locator("#open-form")
    form.locator('input[name="parties"]').fill("JJ-SCJ, NO-SUCH-DEPT")
    form.locator('input[name="subject"]').fill("I-FOOD")
    form.locator('input[name="region"]').fill("510104")
    form.locator("button").click()
    status = page.locator("#status.error")
    status.wait_for()
    assert status.inner_text().startswith("办理失败：") and "NO-SUCH-DEPT" in status.inner_text()
    assert dsp.list_disputes(store.graph()) == []
    assert coordinator.errors == [] and coordinator.foreign() == []


def test_the_url_reopens_a_dispute_and_the_keyboard_selects_cards(
    coordinator: Visit, served: tuple[str, Store]
) -> None:
    base, store = served
    first = dsp.dispute_from_conflict(store, "I-SELFBUILT", "510100", AS_OF, by="测试")
    second = dsp.dispute_from_conflict(store, "I-MEDBEAUTY", "510000", AS_OF, by="测试")
    page = coordinator.page
    open_board(coordinator, base, f"&dispute={second.id}")
    assert page.locator(f'.card[data-id="{second.id}"]').get_attribute("aria-pressed") == "true"
    assert "医疗美容服务监管" in page.locator("#words").inner_text()
    # keyboard: focus the other card and press Enter
    page.locator(f'.card[data-id="{first.id}"]').focus()
    page.keyboard.press("Enter")
    page.locator("#words h2", has_text=first.id).wait_for()
    assert parse_qs(urlsplit(page.url).query)["dispute"] == [first.id]
    link = page.locator("#graphiql").get_attribute("href") or ""
    assert "disputeRoute" in parse_qs(urlsplit(link).query)["q"][0]
    assert f'"id": "{first.id}"' in parse_qs(urlsplit(link).query)["variables"][0]
    page.go_back()
    page.locator("#words h2", has_text=second.id).wait_for()
    assert coordinator.errors == [] and coordinator.foreign() == []
