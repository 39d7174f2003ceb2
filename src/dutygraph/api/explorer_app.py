"""The explorer at ``/``: a page in Chinese for policy staff, and the small JSON routes it reads.

* ``GET /`` — the page (``static/explorer/``: its script, its style and the
  vendored cytoscape.js + dagre); the URL's query string holds the question
  (``/?view=lead&item=I-FOOD&region=510104&as_of=2025-06-01``).
* ``GET /explorer/suggest?kind=item|region&q=…`` — pickers' search as you
  type: name, id or pinyin initials (``spjd`` finds 食品…监督…).
* ``GET /explorer/lead`` · ``/explorer/assist`` (``item``, ``region``,
  ``as_of``), ``/explorer/gaps`` · ``/explorer/conflicts`` (``region``,
  ``as_of``), ``/explorer/assign`` (``name``, ``description``, ``region``,
  ``as_of``) — ``{"answer": <exactly the CLI's --json>, "names": {id: name},
  "explain": [Chinese sentences]}`` (gaps and conflicts: ``rows`` with an
  ``explain`` each, and the region tree).
* ``GET /explorer/article?title=…&article=第六条&as_of=…`` — an article's text
  from the law corpus shipped in the package.
* ``GET /explorer/disputes?region=…&as_of=…`` — the coordinators' board
  (:mod:`dutygraph.api.explorer_disputes`): disputes with their evidence,
  statutory route and history, and the caller's ``role``; its forms send the
  GraphQL dispute mutations with the coordinator's token.

Reading follows the GraphQL endpoint's rule: from this machine without a token,
from elsewhere with a valid bearer token; a question that names nothing known
is a 400 with a Chinese message.

>>> from dutygraph.fixtures import demo_graph
>>> from dutygraph.analysis.resolve import who_leads
>>> g = demo_graph()
>>> [s["id"] for s in suggest(g, "region", "jj")]
['510104']
>>> out = resolution_answer(g, who_leads(g, "I-FOOD", "锦江区", "2025-06-01"))
>>> out["answer"]["answers"][0]["department"]["id"], out["names"]["510000"]
('JJ-SCJ', '四川省')
>>> print(out["explain"][0])
锦江区市场监督管理局 (JJ-SCJ) 牵头（上级职责由本级对口部门承接；市场监管条线）。四川省 (510000) 的清单把该事项交给 四川省市场监督管理局 (SC-SCJ)。依据：《中华人民共和国食品安全法》第六条、《四川省跨部门综合监管重点事项清单》。
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import config
from ..analysis.assign import assign_business_form
from ..analysis.conflicts import find_conflicts
from ..analysis.gaps import find_gaps
from ..analysis.resolve import Resolution, who_assists, who_leads
from ..errors import DutyGraphError, NotFound, UsageError
from ..explain import (
    explain_assignment_note,
    explain_conflict,
    explain_finding,
    explain_gap,
    kind_zh,
    line_zh,
    named,
    names_of,
    via_zh,
)
from ..reader import GraphReader
from ..serialize import assignment_dict, conflict_dict, gap_dict, region_dict, resolution_dict
from ..store.base import Store
from .auth import lang_of, may, role_of
from .explorer_disputes import BOARD_QUERY, MUTATIONS, board
from .saved import SavedQuery
from .workers import TimedOut, Workers

__all__ = ["explorer_routes", "initials", "page_html"]

#: view -> the saved GraphQL operation behind it ("open in GraphiQL")
GRAPHQL_OPERATION = {
    "lead": "01-who-leads",
    "assist": "02-who-assists",
    "gaps": "03-gaps-in-region",
    "conflicts": "04-conflicts",
    "assign": "05-assign-new-form",
}


@functools.lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Pinyin initials of ``name`` (``'jjq'`` for 锦江区); ``''`` without pypinyin.

    >>> initials("锦江区")
    'jjq'
    """
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # optional: search by name and id still works
        return ""
    return "".join(p[:1] for p in lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def page_html(saved: Sequence[SavedQuery], static_prefix: str = "/static") -> str:
    """The explorer page: Chinese, every asset from ``static_prefix``."""
    operations: dict[str, Any] = {
        view: {"query": q.query, "variables": q.variables}
        for view, stem in GRAPHQL_OPERATION.items()
        for q in saved
        if q.name == stem
    }
    operations["disputes"] = {"query": BOARD_QUERY, "variables": {}}
    operations["mutations"] = MUTATIONS  # the board's forms send these (api/disputes.py)
    data = json.dumps(operations, ensure_ascii=False).replace("</", "<\\/")
    s = static_prefix + "/explorer"
    return _PAGE.format(s=s, operations=data)


def _score(q: str, ident: str, name: str, extra: Sequence[str] = ()) -> int | None:
    """Rank of a match (lower is better), or ``None``."""
    q = q.lower()
    if not q:
        return 5
    if ident.lower() == q or name == q:
        return 0
    if name.startswith(q) or ident.lower().startswith(q):
        return 1
    if q in name or any(q in e for e in extra):
        return 2
    if q in ident.lower():
        return 3
    if initials(name).startswith(q):
        return 2
    if q in initials(name):
        return 4
    return None


def suggest(g: GraphReader, kind: str, q: str, limit: int = 12) -> list[dict[str, str]]:
    """Items, regions or departments whose name, id or pinyin initials match ``q``."""
    found: list[tuple[int, str, dict[str, str]]] = []
    if kind == "item":
        for i in g.items.values():
            r = _score(q, i.id, i.name, [i.domain or ""])
            if r is not None:
                found.append((r, i.id, {"id": i.id, "name": i.name, "hint": i.domain or ""}))
    elif kind == "region":
        for reg in g.regions.values():
            r = _score(q, reg.code, reg.name)
            if r is not None:
                parent = g.regions.get(reg.parent) if reg.parent else None
                hint = parent.name if parent else ""
                found.append((r, reg.code, {"id": reg.code, "name": reg.name, "hint": hint}))
    elif kind == "department":
        for d in g.departments.values():
            r = _score(q, d.id, d.name)
            if r is not None:
                found.append((r, d.id, {"id": d.id, "name": d.name, "hint": d.region}))
    else:
        raise UsageError(f"未知的类别 {kind!r}：用 item、region 或 department (unknown kind)")
    found.sort(key=lambda t: (t[0], t[1]))
    return [x for _, _, x in found[:limit]]


def _basis_label(b: Mapping[str, Any]) -> str:
    title = b.get("title") or b.get("id") or ""
    return f"《{title}》" + (b.get("article") or "")


def resolution_answer(g: GraphReader, res: Resolution, lang: str = "zh") -> dict[str, Any]:
    """The CLI's JSON for a who-leads/assists answer, with names and a sentence per answer.

    ``lang="en"`` gives the findings in English; the sentences stay Chinese.
    """
    answer = resolution_dict(g, res)
    findings = [
        explain_finding(g, res.item.id, res.region.code, f, lang).rstrip("。")
        for f in answer["findings"]
    ]
    ids = set(res.path) | set(res.item_path)
    role = "牵头" if res.role == "lead" else "协办"
    sentences = []
    for a in answer["answers"]:
        dept = a["department"]
        ids.add(dept["id"])
        ids.add(dept["region"])
        owners = []
        bases: list[str] = []
        for e in a["evidence"]:
            ids.update(x for x in (e["department"], e["region"], e["item"]) if x)
            owners.append(f"{named(g, e['region'])} 的清单把该事项交给 {named(g, e['department'])}")
            bases.extend(
                _basis_label(b) + ("" if b.get("in_force") else "（已失效）") for b in e["bases"]
            )
        how = via_zh(a["via"])
        if a["inherited"] and a["via"] != "counterpart":
            how = f"{how}，职责来自上级"
        lines = "、".join(line_zh(x) for x in a["lines"])
        text = f"{named(g, dept['id'])} {role}（{how}{'；' + lines if lines else ''}）。"
        if owners:
            text += "；".join(dict.fromkeys(owners)) + "。"
        if a["replaces"]:
            text += "接替已撤销的 " + "、".join(named(g, x) for x in a["replaces"]) + "。"
        if bases:
            text += "依据：" + "、".join(dict.fromkeys(bases)) + "。"
        sentences.append(text)
    if not answer["answers"]:
        nobody = "没有牵头部门" if res.role == "lead" else "没有协办部门"
        sentences.append(
            f"{named(g, res.region.code)} 的{named(g, res.item.id)} {nobody}："
            + "；".join(findings)
            + "。"
        )
    return {
        "answer": answer,
        "names": names_of(g, ids),
        "explain": sentences,
        "findings": findings,
    }


def assignment_answer(g: GraphReader, answer: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """The CLI's JSON for a new business form, with the names and the bases behind precedents."""
    ids = {c["department"]["id"] for c in answer["candidates"] + answer["assists"]}
    ids.update(p["lead"] for p in answer["precedents"] if p.get("lead"))
    if answer.get("region"):
        ids.add(answer["region"])
    bases = {}
    for p in answer["precedents"]:
        b = g.bases.get(p.get("basis") or "")
        if b is not None:
            bases[b.id] = {"id": b.id, "title": b.title, "article": b.article}
    notes = [explain_assignment_note(g, x, lang) for x in answer["gaps"] + answer["conflicts"]]
    return {"answer": answer, "names": names_of(g, ids), "bases": bases, "notes": notes}


def _region_tree(g: GraphReader, top: str | None) -> list[dict[str, Any]]:
    """The regions at and below ``top`` (all, without one), parents before children."""
    children: dict[str | None, list[str]] = {}
    for r in g.regions.values():
        children.setdefault(r.parent, []).append(r.code)
    roots = [top] if top else sorted(children.get(None, []))
    out: list[dict[str, Any]] = []

    def walk(code: str, depth: int) -> None:
        out.append({**region_dict(g.regions[code]), "depth": depth})
        for c in sorted(children.get(code, [])):
            walk(c, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


def _region_code(g: GraphReader, region: str | None) -> str | None:
    if not region:
        return None
    if region in g.regions:
        return region
    hits = [r.code for r in g.regions.values() if r.name == region]
    if len(hits) == 1:
        return hits[0]
    raise NotFound("region", region, f"没有名为 {region!r} 的地区")


def _scan(
    g: GraphReader, view: str, region: str | None, as_of: str, lang: str = "zh"
) -> dict[str, Any]:
    top = _region_code(g, region)
    if view == "gaps":
        rows = [gap_dict(g, x) for x in find_gaps(g, top, as_of)]
        explain: Callable[..., str] = explain_gap
    else:
        rows = [conflict_dict(g, c, as_of) for c in find_conflicts(g, top, as_of)]
        explain = explain_conflict
    tree = _region_tree(g, top)
    ids: set[str] = {r["code"] for r in tree}
    for row in rows:
        row["explain"] = explain(g, row, lang=lang)
        row["kind_zh"] = kind_zh(row["kind"])
        ids.update((row["item"], row["region"]))
        ids.update(row.get("departments", []))
    return {"rows": rows, "regions": tree, "names": names_of(g, ids), "as_of": as_of}


def _article(title: str, article: str, as_of: str) -> dict[str, Any]:
    from ..io.laws.parse import packaged_corpus

    act = packaged_corpus().find(title)
    if act is None:
        return {"title": title, "article": article, "found": False, "text": ""}
    version = act.version_at(as_of) or act.versions[-1]
    art = version.article(article) if article else None
    return {
        "title": act.title,
        "article": article,
        "found": art is not None,
        "version": version.id,
        "in_force": version.in_force(as_of),
        "text": art.text if art is not None else "",
    }


#: the explorer's questions that grow with the data or the text: the heavy lane
_HEAVY = frozenset({"gaps", "conflicts", "assign", "disputes"})
#: those that read the graph alone, so a worker process can answer them (the dispute board
#: reads the store's history too)
_GRAPH_ONLY = frozenset({"gaps", "conflicts", "assign"})
#: the name of an explorer question's job in a worker process (:mod:`.processes`)
EXPLORER_JOB = "explorer"


def explorer_answer(
    g: GraphReader,
    store: Store | None,
    view: str,
    items: Sequence[tuple[str, str]],
    as_of: str,
    lang: str,
    *,
    role: str | None = None,
) -> tuple[int, Any]:
    """(status, JSON) of the explorer's question ``view`` with query parameters ``items``."""
    p = QueryParams(list(items))
    try:
        out: dict[str, Any]
        if view == "suggest":
            return 200, suggest(g, p.get("kind", "item"), p.get("q", "").strip())
        if view == "disputes":
            assert store is not None
            out = board(store, p.get("region") or None, as_of)
            out.update(role=role, may_decide=may(role, "decide"))
            return 200, out
        if view == "article":
            return 200, _article(p.get("title", ""), p.get("article", ""), as_of)
        if view in ("lead", "assist"):
            fn = who_leads if view == "lead" else who_assists
            res = fn(g, _need(p, "item"), _need(p, "region"), as_of)
            out = resolution_answer(g, res, lang)
        elif view in ("gaps", "conflicts"):
            out = _scan(g, view, p.get("region") or None, as_of, lang)
        else:
            a = assign_business_form(
                g,
                _need(p, "name"),
                p.get("description", ""),
                p.getlist("behavior"),
                p.get("region") or None,
                as_of,
            )
            out = assignment_answer(g, assignment_dict(a), lang)
    except DutyGraphError as exc:  # bad question: say what, in Chinese first
        return 404 if isinstance(exc, NotFound) else 400, {"error": str(exc)}
    return 200, out


def _in_worker(stamp: Any, g: GraphReader, *job: Any) -> tuple[int, Any]:
    """An explorer question in a worker process: over its graph, never the store."""
    return explorer_answer(g, None, *job)


def explorer_routes(
    store: Store,
    *,
    tokens: Mapping[str, str] | None = None,
    saved: Sequence[SavedQuery] = (),
    loopback: Callable[[str | None], bool] | None = None,
    workers: Workers | None = None,
) -> list[BaseRoute]:
    """The routes of the explorer page and its JSON, reading ``store`` once per request, on
    ``workers`` (threads, or processes for the scans and assignment): never on the event loop."""
    from .app import is_loopback

    near = loopback or is_loopback
    allowed = dict(tokens or {})
    page = page_html(saved)

    def refused(request: Request) -> JSONResponse | None:
        client = request.client.host if request.client else None
        if near(client) or role_of(allowed, request.headers.get("authorization")) is not None:
            return None
        return JSONResponse(
            {
                "error": "从其他主机读取需要令牌：发送 'Authorization: Bearer <token>' (token needed)"
            },
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="dutygraph"'},
        )

    def today() -> str:
        import datetime as dt

        return dt.date.today().isoformat()

    pool = workers if workers is not None else Workers()
    if pool.processes is not None:  # the scans' and assignment's job, in worker processes
        pool.processes.register(EXPLORER_JOB, _in_worker)

    def answer(view: str) -> Callable[[Request], Any]:
        lane = "heavy" if view in _HEAVY else "light"

        async def handle(request: Request) -> Response:
            refusal = refused(request)
            if refusal is not None:
                return refusal
            items = request.query_params.multi_items()
            as_of = request.query_params.get("as_of") or today()
            lang = lang_of(request.headers)
            role = role_of(allowed, request.headers.get("authorization"))
            limit = config.current().request_timeout
            job = (view, items, as_of, lang)
            try:  # off the event loop: on a worker thread, or a worker process
                if view in _GRAPH_ONLY and pool.remote(job):
                    status, out = await pool.run_remote(EXPLORER_JOB, job, timeout=limit)
                else:
                    status, out = await pool.run(
                        lane,
                        lambda: explorer_answer(store.reader(), store, *job, role=role),
                        timeout=limit,
                    )
            except TimedOut as exc:
                return JSONResponse({"error": str(exc)}, status_code=504)
            return JSONResponse(out, status_code=status)

        return handle

    async def home(request: Request) -> HTMLResponse:
        _warm_corpus()  # the first article a person opens need not wait for the corpus
        return HTMLResponse(page)

    views = ("suggest", "article", "lead", "assist", "gaps", "conflicts", "assign", "disputes")
    routes: list[BaseRoute] = [Route("/", home)]
    from .explorer_whatif import whatif_routes  # the what-if page (#21), its own module

    return (
        routes
        + whatif_routes(store, refused, pool)
        + [Route(f"/explorer/{v}", answer(v)) for v in views]
    )


@functools.cache
def _warm_corpus() -> None:
    """Read the packaged law corpus once, in the background (``_article`` then finds it cached)."""
    import threading

    from ..io.laws.parse import packaged_corpus

    threading.Thread(target=packaged_corpus, name="dutygraph-corpus", daemon=True).start()


def _need(params: Mapping[str, str], key: str) -> str:
    value = (params.get(key) or "").strip()
    if not value:
        raise UsageError(f"缺少参数 {key} (missing {key})")
    return value


_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dutygraph 监管职责查询</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{s}/explorer.css">
</head>
<body>
<header>
  <h1>监管职责查询 <small>dutygraph</small></h1>
  <nav role="tablist" aria-label="问题">
    <button role="tab" data-view="lead">谁牵头</button>
    <button role="tab" data-view="assist">谁协办</button>
    <button role="tab" data-view="gaps">监管空白</button>
    <button role="tab" data-view="conflicts">管辖冲突</button>
    <button role="tab" data-view="assign">新业态归口</button>
    <button role="tab" data-view="disputes">争议协调</button>
  </nav>
</header>
<form id="question" autocomplete="off">
  <label class="f-item">事项 <span class="picker"><input id="item" name="item" data-kind="item"
    role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="item-list"
    placeholder="名称、编号或拼音首字母"><ul id="item-list" role="listbox"></ul></span></label>
  <label class="f-name">业态名称 <input id="name" name="name" placeholder="如：密室逃脱"></label>
  <label class="f-description">描述 <input id="description" name="description"
    placeholder="做什么，用平常话"></label>
  <label class="f-region">地区 <span class="picker"><input id="region" name="region"
    data-kind="region" role="combobox" aria-autocomplete="list" aria-expanded="false"
    aria-controls="region-list" placeholder="名称、代码或拼音首字母"><ul id="region-list"
    role="listbox"></ul></span></label>
  <label class="f-date">日期 <input id="as_of" name="as_of" type="date"></label>
  <label class="f-token">协调员令牌 <input id="token" type="password" autocomplete="off"
    placeholder="办理争议需要"></label>
  <label class="f-by">经办人 <input id="by" placeholder="姓名"></label>
  <button type="submit" id="ask">查询</button>
  <a id="permalink" href="/">本页链接</a>
  <a id="graphiql" href="/graphql" target="_blank" rel="noopener">在 GraphiQL 中打开</a>
  <a id="whatif-link" href="/explorer/whatif">情景推演（改革、修法前看影响）</a>
</form>
<main>
  <p id="status" role="status" aria-live="polite"></p>
  <section id="result" aria-busy="true">
    <div id="left"><div id="graph" aria-label="关系图"></div><div id="tree"></div></div>
    <div id="right"><div id="words"></div><aside id="detail" aria-live="polite"></aside></div>
  </section>
</main>
<script id="operations" type="application/json">{operations}</script>
<script src="{s}/vendor/cytoscape/cytoscape.min.js"></script>
<script src="{s}/vendor/dagre/dagre.min.js"></script>
<script src="{s}/vendor/cytoscape-dagre/cytoscape-dagre.js"></script>
<script src="{s}/common.js"></script>
<script src="{s}/disputes.js"></script>
<script src="{s}/explorer.js"></script>
</body>
</html>
"""
