"""Chinese first, English where asked: ``--lang en`` in the CLI, ``Accept-Language: en`` over HTTP.

The same question, asked over a real HTTP server (GraphQL, saved queries, the
explorer's JSON) and through the real CLI, answers in Chinese by default and in
English when asked; and the demo's answers, as the CLI prints them by default,
carry no English-only text (runs of ASCII words outside ids and codes).
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("uvicorn")

from dutygraph.api.app import create_app
from dutygraph.store.base import Store

from .servers import serve_asgi

CLUE = "小区门口超市卖过期的预包装食品，吃了拉肚子"
ROUTE = """query($text: String!) { routeClue(text: $text, region: "510104", asOf: "2025-06-01") {
  leads { department { key } reasons } findings { kind detail } } }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from dutygraph.fixtures import DEMO_PATH
    from dutygraph.importer import load
    from dutygraph.store import EmbeddedStore

    store: Store = EmbeddedStore(tmp_path_factory.mktemp("lang") / "demo.db")
    load(store, [DEMO_PATH])
    with serve_asgi(create_app(store)) as url:
        yield url


def _get(url: str, lang: str | None = None, body: dict[str, Any] | None = None) -> Any:
    headers = {"content-type": "application/json"}
    if lang is not None:
        headers["accept-language"] = lang
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def _route(server: str, lang: str | None) -> dict[str, Any]:
    out = _get(server + "/graphql", lang, {"query": ROUTE, "variables": {"text": CLUE}})
    assert "errors" not in out, out
    return out["data"]["routeClue"]


def test_graphql_reasons_are_chinese_by_default_and_english_when_asked(server: str) -> None:
    zh, en = _route(server, None), _route(server, "en-US,en;q=0.9")
    assert _route(server, "zh-CN,zh;q=0.9,en;q=0.8") == zh  # English second is not English
    # the same departments, whatever the language
    assert [x["department"]["key"] for x in zh["leads"]] == ["JJ-SCJ"]
    assert [x["department"]["key"] for x in en["leads"]] == ["JJ-SCJ"]
    why_zh, why_en = zh["leads"][0]["reasons"][0], en["leads"][0]["reasons"][0]
    assert why_zh.startswith("在 锦江区 (510104) 牵头 食品销售监督检查 (I-FOOD-SALE)")
    assert "依据：" in why_zh and "无有效依据" in why_zh
    assert why_en.startswith("leads 食品销售监督检查 (I-FOOD-SALE) in 锦江区 (510104)")
    assert "none in force" in why_en
    no_basis = {f["kind"]: f["detail"] for f in zh["findings"]}["NO_LEGAL_BASIS"]
    assert "没有有效的法律依据" in no_basis
    assert "rests on no basis" in {f["kind"]: f["detail"] for f in en["findings"]}["NO_LEGAL_BASIS"]


def test_explorer_gaps_follow_accept_language(server: str) -> None:
    url = server + "/explorer/gaps?" + urllib.parse.urlencode({"region": "510107"})
    zh, en = _get(url), _get(url, "en")
    assert [r["kind"] for r in zh["rows"]] == [r["kind"] for r in en["rows"]]
    abolished = [
        (a["explain"], b["explain"])
        for a, b in zip(zh["rows"], en["rows"], strict=True)
        if a["kind"] == "LEAD_ABOLISHED"
    ]
    assert abolished
    text_zh, text_en = abolished[0]
    assert "已撤销" in text_zh and "武侯区商务局 (WH-SWJ)" in text_zh
    assert "LEAD_ABOLISHED" in text_en and "abolished" in text_en


def test_graphql_and_saved_query_explain_gaps_in_the_language_asked(server: str) -> None:
    query = """{ gaps(region: "510107", asOf: "2025-06-01", kinds: [LEAD_ABOLISHED]) {
      nodes { kind explain } }
      conflicts(region: "510100", asOf: "2025-06-01") { nodes { kind explain } } }"""
    zh = _get(server + "/graphql", None, {"query": query})["data"]
    en = _get(server + "/graphql", "en", {"query": query})["data"]
    gap_zh, gap_en = zh["gaps"]["nodes"][0]["explain"], en["gaps"]["nodes"][0]["explain"]
    assert gap_zh.startswith("武侯区 (510107) 的") and "武侯区商务局 (WH-SWJ)" in gap_zh
    assert "已撤销" in gap_zh and "LEAD_ABOLISHED" not in gap_zh
    assert gap_en.startswith("单用途预付卡监管 (I-PREPAID) in 武侯区 (510107): LEAD_ABOLISHED")
    multi = [c["explain"] for c in zh["conflicts"]["nodes"] if c["kind"] == "MULTIPLE_LEADS"]
    assert multi and "同时有2个牵头部门" in multi[0]
    assert all(
        "MULTIPLE_LEADS" in c["explain"] or c["kind"] != "MULTIPLE_LEADS"
        for c in en["conflicts"]["nodes"]
    )
    # a saved query by name honours the header too
    url = server + "/graphql/saved/03-gaps-in-region?region=510107&asOf=2025-06-01"
    rows_zh = _get(url)["data"]["gaps"]["nodes"]
    rows_en = _get(url, "en-GB")["data"]["gaps"]["nodes"]
    assert [r["kind"] for r in rows_zh] == [r["kind"] for r in rows_en]
    assert all(r["kind"] not in r["explain"] for r in rows_zh)
    assert all(r["kind"] in r["explain"] for r in rows_en)


def test_graphql_who_leads_findings_explain_in_the_language_asked(server: str) -> None:
    query = """{ whoLeads(item: "I-PREPAID", region: "510107", asOf: "2025-06-01") {
      findings { kind explain } } }"""
    zh = _get(server + "/graphql", None, {"query": query})["data"]["whoLeads"]["findings"]
    en = _get(server + "/graphql", "en", {"query": query})["data"]["whoLeads"]["findings"]
    assert [f["kind"] for f in zh] == [f["kind"] for f in en] == ["LEAD_ABOLISHED"]
    assert zh[0]["explain"].startswith("牵头部门已撤销 (LEAD_ABOLISHED)：")
    assert "武侯区商务局 (WH-SWJ)" in zh[0]["explain"]
    assert en[0]["explain"].startswith("LEAD_ABOLISHED: ")


def test_cli_route_in_chinese_by_default_and_in_english_with_lang_en(cli: Any) -> None:
    cli("demo")
    args = ("route", CLUE, "--region", "锦江区", "--as-of", "2025-06-01")
    zh = cli(*args).stdout
    en = cli("--lang", "en", *args).stdout
    assert "在 锦江区 (510104) 牵头" in zh and "无有效依据" in zh
    assert "leads 食品销售监督检查 (I-FOOD-SALE) in 锦江区 (510104)" in en
    assert "none in force" in en and "在 锦江区" not in en


#: the command line the demo suggests (``dutygraph lead … --store /tmp/…``)
_BESIDE = {"dutygraph", "lead", "tmp"}


def _english_runs(text: str) -> list[str]:
    """Lines with English prose: two or more plain lower-case words, not ids or codes.

    English in parentheses right after Chinese (``未能分派 (not routed)``) or one word
    after it (a table header's ``部门 department``) is the English beside the Chinese,
    not English alone, and is left out.
    """
    text = re.sub(r"(?<=[^\x00-\x7f])\s*\([ -~]*?\)", "", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff]) [a-z_]+\b", "", text)
    out = []
    for line in text.splitlines():
        words = re.findall(r"[A-Za-z0-9'_./-]+", line)
        prose = [w for w in words if re.fullmatch(r"[a-z']{2,}", w) and w not in _BESIDE]
        if len(prose) >= 2:
            out.append(line.strip())
    return out


def test_the_scan_finds_english_prose_and_passes_ids() -> None:
    assert _english_runs("JJ-SCJ: 500000 has no department of line 'health'")
    assert _english_runs("牵头 N-SAMR leads 餐饮服务监督检查 (I-FOOD-CATER) in 000000 — basis: x")
    assert not _english_runs("锦江区市场监督管理局 (JJ-SCJ)  部门 department  B-FSL-6, B-SC-LIST")
    assert not _english_runs("未能分派 (not routed)：目录中没有事项 清单 cd-3d-housing 列")


@pytest.mark.parametrize(
    "args",
    [
        ("demo",),
        ("lead", "食品安全监督管理", "锦江区"),
        ("assist", "食品安全监督管理", "锦江区"),
        ("lead", "I-PREPAID", "510107"),
        ("gaps",),
        ("conflicts",),
        ("route", CLUE, "--region", "锦江区"),
        ("route", "楼上邻居半夜弹钢琴", "--region", "510104"),
        ("assign", "--name", "剧本杀", "--behavior", "剧本"),
        ("inspections",),
        ("inspect", "加油站", "--region", "锦江区"),
        ("dispute", "list"),
        ("show", "JJ-SCJ"),
        ("show", "I-FOOD"),
    ],
    ids=lambda a: a[0] if isinstance(a, tuple) else str(a),
)
def test_no_english_only_text_in_the_demo_answers(cli: Any, args: tuple[str, ...]) -> None:
    if args != ("demo",):
        cli("demo")
    out = cli(*args, "--as-of", "2025-06-01") if args[0] not in ("dispute", "show") else cli(*args)
    assert not _english_runs(out.stdout), _english_runs(out.stdout)
