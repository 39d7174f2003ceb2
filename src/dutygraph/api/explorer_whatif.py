"""The explorer's what-if (情景推演): the region-tree map of gaps, before and after a scenario.

* ``GET /explorer/whatif`` — the page (``static/explorer/whatif.js`` with the
  explorer's style): a scenario file chosen (TOML, CSV or XLSX, read in the
  browser and sent as is) or one of the worked examples shipped with the demo,
  a region and a date.
* ``POST /explorer/whatif`` — ``{"filename", "content"`` (base64) ``| "example",
  "region", "as_of"}`` → :func:`whatif_map`: the same region tree drawn twice,
  each region with its gaps before and after (the gaps map of the explorer), and
  every change of the diff (:func:`dutygraph.analysis.whatif.what_if`, exactly
  ``dutygraph whatif --json`` without the evidence) under the region it is in,
  with a Chinese sentence each. A malformed scenario is a 400 listing every
  located problem (file, row, column, how to fix); nothing is ever written.

Reading follows the explorer's rule (this machine without a token, elsewhere
with a bearer token): :func:`whatif_routes` takes the explorer's own check.

>>> from dutygraph.fixtures import SCENARIOS_PATH, demo_graph
>>> from dutygraph.io.scenario import read_scenario
>>> m = whatif_map(demo_graph(), read_scenario(SCENARIOS_PATH / "gas-regulation-repeal-2026.csv"))
>>> m["as_of"], m["after"]["510104"] - m["before"]["510104"], m["changes"]["510104"][0]["text"]
('2026-07-01', 1, '新增空白：燃气经营安全监管 (I-GAS) — 无有效法律依据 (NO_LEGAL_BASIS)')
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import config
from ..analysis.gaps import find_gaps
from ..analysis.whatif import what_if
from ..analysis.whatif.report import whatif_dict
from ..errors import DutyGraphError, LoadError, NotFound, UsageError, ValidationFailed
from ..explain import kind_zh, names_of
from ..fixtures import SCENARIOS_PATH
from ..graph import DutyGraph
from ..io.scenario import SUFFIXES, Scenario, read_scenario, read_uploaded_scenario
from ..reader import answers_in_store, scope_graph
from ..store.base import Store
from .explorer_app import _region_tree
from .workers import TimedOut, Workers

__all__ = ["examples", "whatif_map", "whatif_routes"]

_ROLE = {"lead": "牵头", "assist": "协办"}
_SIDE = {"new": "新增空白", "resolved": "消除空白"}
_CONFLICT = {"new": "新增冲突", "resolved": "消除冲突"}
_INSPECTION = {"appears": "出现重复检查", "vanishes": "重复检查消除", "changes": "重复检查部门变化"}


def examples() -> list[str]:
    """The worked scenarios shipped with the demo (their file names)."""
    return sorted(p.name for p in SCENARIOS_PATH.iterdir() if p.suffix.lower() in SUFFIXES)


def _who(people: list[dict[str, Any]]) -> str:
    return (
        "、".join(f"{d['name']} ({d['id']})" if d.get("name") else d["id"] for d in people)
        or "（无）"
    )


def whatif_map(
    g: DutyGraph, scenario: Scenario, region: str | None = None, as_of: str | None = None
) -> dict[str, Any]:
    """The what-if as the explorer draws it: the region tree, each region's own gap count
    before and after, and the diff's changes by region, each with a sentence."""
    w = what_if(g, scenario, region, as_of)
    out = whatif_dict(w, evidence=False)
    tree = _region_tree(g, w.region)
    before = {r["code"]: 0 for r in tree}
    for gap in find_gaps(g, w.region, w.as_of):
        before[gap.region] = before.get(gap.region, 0) + 1
    after = dict(before)
    changes: dict[str, list[dict[str, Any]]] = {r["code"]: [] for r in tree}

    def add(code: str, kind: str, text: str, row: dict[str, Any]) -> None:
        changes.setdefault(code, []).append({"kind": kind, "text": text, "row": row})

    for c in out["leads"]:
        text = (
            f"{_ROLE[c['role']]}变化：{c['item']['name']} ({c['item']['id']})："
            f"{_who(c['before'])} → {_who(c['after'])}"
        )
        add(c["region"]["code"], c["role"], text, c)
    ids: set[str] = {r["code"] for r in tree}
    for side, sign in (("new", 1), ("resolved", -1)):
        for gap in out["gaps"][side]:
            after[gap["region"]] = after.get(gap["region"], 0) + sign
            name = g.items[gap["item"]].name if gap["item"] in g.items else gap["item"]
            text = f"{_SIDE[side]}：{name} ({gap['item']}) — {kind_zh(gap['kind'])}"
            add(gap["region"], "gap_" + side, text, gap)
        for c in out["conflicts"][side]:
            ids.update(c["departments"])
            text = f"{_CONFLICT[side]}：{c['item']} — {kind_zh(c['kind'])}：" + "、".join(
                c["departments"]
            )
            add(c["region"], "conflict_" + side, text, c)
    for x in out["inspections"]:
        text = (
            f"{_INSPECTION[x['change']]}：{x['object']}："
            f"{'、'.join(x['before']) or '（无）'} → {'、'.join(x['after']) or '（无）'}"
        )
        add(x["region"]["code"], "inspection", text, x)
    for d in out["disputes"]:
        text = f"争议 {d['dispute']} 的当事方 {d['party']['id']} 撤销，由 " + (
            d["successor"]["id"] if d["successor"] else "（无承接部门）"
        )
        add(d["region"], "dispute", text, d)
    return {
        "scenario": out["scenario"],
        "as_of": out["as_of"],
        "region": out["region"],
        "counts": out["counts"],
        "regions": tree,
        "before": before,
        "after": after,
        "changes": changes,
        "lists": len(out["lists"]),
        "names": names_of(g, ids),
    }


def _scenario(body: dict[str, Any]) -> Scenario:
    """The scenario a request sends: a file (its name and base64 content) or an example."""
    example = body.get("example")
    if example:
        if example not in examples():
            raise NotFound("scenario", str(example), "可选：" + "、".join(examples()))
        return read_scenario(SCENARIOS_PATH / example)
    filename = str(body.get("filename") or "")
    try:
        data = base64.b64decode(str(body.get("content") or ""), validate=True)
    except (binascii.Error, ValueError):
        raise UsageError(f"{filename}: 文件内容不是 base64 (content must be base64)") from None
    if not data:
        raise UsageError("请选择情景文件或示例 (choose a scenario file or an example)")
    return read_uploaded_scenario(data, filename)


def _problems(exc: DutyGraphError) -> list[dict[str, Any]]:
    if not isinstance(exc, ValidationFailed):
        return []
    return [
        {
            "file": p.file,
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "message": p.message,
            "fix": p.fix,
        }
        for p in exc.problems
        if p.severity == "error"
    ]


def whatif_routes(
    store: Store,
    refused: Callable[[Request], Response | None],
    workers: Workers | None = None,
) -> list[BaseRoute]:
    """The what-if page and its answer, reading ``store``'s current snapshot (never writing),
    on a heavy-lane worker thread of ``workers`` (never on the event loop)."""
    pool = workers if workers is not None else Workers()

    async def page(request: Request) -> Response:
        refusal = refused(request)
        if refusal is not None:
            return refusal
        return HTMLResponse(_PAGE.format(examples=json.dumps(examples(), ensure_ascii=False)))

    async def answer(request: Request) -> Response:
        refusal = refused(request)
        if refusal is not None:
            return refusal
        try:
            try:
                body = await request.json()
            except (ValueError, UnicodeDecodeError):
                raise UsageError("请求应为 JSON (the request body must be JSON)") from None
            if not isinstance(body, dict):
                raise UsageError("请求应为 JSON 对象 (a JSON object)")
            out = await pool.run(
                "heavy",
                lambda: _whatif(store, _scenario(body), body.get("region") or None, body),
                timeout=config.current().request_timeout,
            )
        except TimedOut as exc:
            return JSONResponse({"error": str(exc)}, status_code=504)
        except DutyGraphError as exc:  # a bad scenario or question: located, in Chinese first
            status = 404 if isinstance(exc, NotFound) and not isinstance(exc, LoadError) else 400
            return JSONResponse({"error": str(exc), "problems": _problems(exc)}, status_code=status)
        return JSONResponse(out)

    def _whatif(store: Store, scenario: Scenario, region: str | None, body: Any) -> Any:
        # a store that answers in its database: the region's subtree only (never graph())
        g = (
            scope_graph(store.reader(), region, "情景推演", scenario)
            if answers_in_store(store)
            else store.graph()
        )
        return whatif_map(g, scenario, region, body.get("as_of") or None)

    return [Route("/explorer/whatif", page, methods=["GET"]),
            Route("/explorer/whatif", answer, methods=["POST"])]  # fmt: skip


_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>情景推演 · dutygraph 监管职责查询</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/explorer/explorer.css">
<style>
.whatif-tree {{ flex: 1; min-width: 0; overflow: auto; padding: 6px; background: #fff;
  border: 1px solid #d5dde6; }}
.whatif-tree h2 {{ font-size: 15px; margin: 0 0 6px; }}
.tree-node .delta {{ font-size: 12px; margin-left: 6px; color: #123a63; }}
.row[data-kind="gap_new"] .kind, .row[data-kind="conflict_new"] .kind {{ background: #fde3d6; }}
.row[data-kind="gap_resolved"] .kind, .row[data-kind="conflict_resolved"] .kind {{
  background: #e3f0e1; color: #2f5f29; }}
.row[data-kind="lead"] .kind, .row[data-kind="assist"] .kind {{ background: #dcebf8;
  color: #123a63; }}
</style>
</head>
<body>
<header>
  <h1>情景推演 <small>dutygraph · 机构改革或法规变化生效前看后果</small></h1>
  <nav aria-label="返回"><a href="/" style="color:#dbe7f3">← 监管职责查询</a></nav>
</header>
<form id="scenario-form" autocomplete="off">
  <label>情景文件 <input id="file" type="file" accept=".toml,.csv,.xlsx"></label>
  <label>或示例 <select id="example"><option value="">（不用示例）</option></select></label>
  <label>地区 <input id="region" placeholder="代码或名称，留空为全部"></label>
  <label>比较日期 <input id="as_of" type="date"></label>
  <button type="submit" id="run">推演</button>
</form>
<main>
  <p id="status" role="status" aria-live="polite">选择情景文件或示例，然后点“推演”。不会写入存储。</p>
  <section id="result" aria-busy="false">
    <div id="left" style="flex-direction:row;gap:8px;background:none;border:0">
      <div id="tree-before" class="whatif-tree" aria-label="推演前"></div>
      <div id="tree-after" class="whatif-tree" aria-label="推演后"></div>
    </div>
    <div id="right"><div id="words"></div></div>
  </section>
</main>
<script id="examples" type="application/json">{examples}</script>
<script src="/static/explorer/common.js"></script>
<script src="/static/explorer/whatif.js"></script>
</body>
</html>
"""
