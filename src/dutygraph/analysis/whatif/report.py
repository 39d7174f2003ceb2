"""A what-if as plain data (the CLI's ``--json``, the API), a summary, and an XLSX workbook.

Names are shown Chinese first with the id beside (``锦江区综合行政执法局 (JJ-ZHZF)``);
the JSON keeps ids and names apart. Evidence is the analyses' own
(:func:`~dutygraph.serialize.resolution_dict`, :func:`~dutygraph.serialize.gap_dict`,
:func:`~dutygraph.serialize.conflict_dict`), each answer read on its own graph.

>>> from dutygraph.fixtures import SCENARIOS_PATH, demo_graph
>>> from dutygraph.io.scenario import read_scenario
>>> from dutygraph.analysis.whatif import what_if
>>> w = what_if(demo_graph(), read_scenario(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml"))
>>> [(r["region"]["code"], r["leads"], r["assists"]) for r in summary(w)["regions"]]
[('510104', 8, 3)]
>>> [(d["department"]["id"], d["gains"], d["loses"]) for d in summary(w)["departments"]][:2]
[('JJ-ZHZF', 11, 0), ('JJ-YJJ', 0, 5)]
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..._gc import gc_paused
from ...graph import DutyGraph
from ...io.outputs import atomic_output, xlsx_append
from ...io.scenario import Change, Scenario
from ..resolve import duty_evidence
from .apply import describe
from .compare import WhatIf

if TYPE_CHECKING:
    from .pieces import PiecesReport

__all__ = [
    "TableSet",
    "label",
    "scenario_table",
    "sheets",
    "summary",
    "summary_tables",
    "whatif_dict",
    "write_xlsx",
]

#: a what-if as tables: sheet name -> (headers, rows)
TableSet = dict[str, tuple[list[str], list[list[Any]]]]


def label(g: DutyGraph, kind: str, key: str) -> str:
    """``name (id)`` of a department, region or item, from ``g`` (the id alone when unknown).

    >>> from dutygraph.fixtures import demo_graph
    >>> label(demo_graph(), "department", "JJ-SCJ")
    '锦江区市场监督管理局 (JJ-SCJ)'
    """
    rec = g.table(kind).get(key)
    return f"{rec.name} ({key})" if rec is not None else key


def _named(w: WhatIf, kind: str, key: str) -> dict[str, Any]:
    rec = w.after.table(kind).get(key) or w.before.table(kind).get(key)
    field = "code" if kind == "region" else "id"
    return {field: key, "name": rec.name if rec is not None else None}


def _label(w: WhatIf, kind: str, key: str) -> str:
    return label(w.after if key in w.after.table(kind) else w.before, kind, key)


def change_dict(c: Change) -> dict[str, Any]:
    values = {k: (list(v) if isinstance(v, tuple) else v) for k, v in c.values.items()}
    place = {"file": c.file, "sheet": c.sheet, "row": c.row}
    return {"action": c.action, "date": c.date, "text": describe(c), "place": place, **values}


def summary(w: WhatIf) -> dict[str, list[dict[str, Any]]]:
    """Counts by region (leads, assists, gaps, conflicts, inspections, disputes) and by
    department (the answers it gains and loses), regions in tree order, departments by
    most answers touched."""
    by_region: dict[str, Counter[str]] = {}

    def add(region: str, what: str) -> None:
        by_region.setdefault(region, Counter())[what] += 1

    for c in w.leads:
        add(c.region, "leads" if c.role == "lead" else "assists")
    for gap in w.gaps_new:
        add(gap.region, "gaps_new")
    for gap in w.gaps_resolved:
        add(gap.region, "gaps_resolved")
    for x in w.conflicts_new:
        add(x.region, "conflicts_new")
    for x in w.conflicts_resolved:
        add(x.region, "conflicts_resolved")
    for i in w.inspections:
        add(i.region, "inspections")
    for d in w.disputes:
        add(d.dispute.region, "disputes")
    order = (
        {code: n for n, code in enumerate(w.before.subtree("000000"))}
        if ("000000" in w.before.regions)
        else {}
    )
    kinds = (
        "leads",
        "assists",
        "gaps_new",
        "gaps_resolved",
        "conflicts_new",
        "conflicts_resolved",
        "inspections",
        "disputes",
    )
    regions = [
        {"region": _named(w, "region", code), **{k: counts[k] for k in kinds}}
        for code, counts in sorted(
            by_region.items(), key=lambda kv: (order.get(kv[0], 1 << 30), kv[0])
        )
    ]
    gains: Counter[str] = Counter()
    loses: Counter[str] = Counter()
    for c in w.leads:
        for dep in set(c.after) - set(c.before):
            gains[dep] += 1
        for dep in set(c.before) - set(c.after):
            loses[dep] += 1
    deps = sorted(set(gains) | set(loses), key=lambda d: (-(gains[d] + loses[d]), d))
    departments = [
        {"department": _named(w, "department", d), "gains": gains[d], "loses": loses[d]}
        for d in deps
    ]
    return {"regions": regions, "departments": departments}


def whatif_dict(w: WhatIf | PiecesReport, *, evidence: bool = True) -> dict[str, Any]:
    """The what-if as JSON-ready data (snake_case; the API camel-cases the same names);
    one computed by pieces is merged already."""
    if not isinstance(w, WhatIf):
        return w.as_dict(evidence)
    with gc_paused():  # a province's diff is a few hundred thousand small dicts, no cycle
        return _whatif_dict(w, evidence)


def _whatif_dict(w: WhatIf, evidence: bool) -> dict[str, Any]:
    from ...serialize import conflict_dict, gap_dict, resolution_dict

    before, after, date = w.before, w.after, w.as_of
    leads = []
    for c in w.leads:
        row: dict[str, Any] = {
            "item": _named(w, "item", c.item),
            "region": _named(w, "region", c.region),
            "role": c.role,
            "before": [_named(w, "department", d) for d in c.before],
            "after": [_named(w, "department", d) for d in c.after],
            "why": [describe(x) for x in c.why],
        }
        if evidence:
            row["evidence"] = {
                "before": resolution_dict(before, c.before_res),
                "after": resolution_dict(after, c.after_res),
            }
        leads.append(row)
    return {
        "scenario": {
            "title": w.scenario.title,
            "source": w.scenario.source,
            "date": w.scenario.date,
            "changes": [change_dict(c) for c in w.scenario.changes],
        },
        "as_of": date,
        "region": w.region,
        "counts": w.counts(),
        "summary": summary(w),
        "leads": leads,
        "gaps": {
            "new": [gap_dict(after, x) for x in w.gaps_new],
            "resolved": [gap_dict(before, x) for x in w.gaps_resolved],
        },
        "conflicts": {
            "new": [conflict_dict(after, x, date) for x in w.conflicts_new],
            "resolved": [conflict_dict(before, x, date) for x in w.conflicts_resolved],
        },
        "inspections": [
            {
                "region": _named(w, "region", x.region),
                "object": x.object,
                "change": x.change,
                "before": x.before,
                "after": x.after,
                "items": x.items,
            }
            for x in w.inspections
        ],
        "disputes": [
            {
                "dispute": d.dispute.id,
                "region": d.dispute.region,
                "subject": d.dispute.subject,
                "status": d.dispute.status,
                "party": _named(w, "department", d.party),
                "successor": _named(w, "department", d.successor) if d.successor else None,
                "why": [describe(x) for x in d.why],
            }
            for d in w.disputes
        ],
        "lists": [
            {
                "source": r.source,
                "origin": r.duty.as_dict()["origin"],
                "change": r.change,
                "detail": r.detail,
                "duty": duty_evidence(before, r.duty, date),
                "new": duty_evidence(after, r.new, date) if r.new is not None else None,
                "why": [describe(x) for x in r.why],
            }
            for r in w.lists
        ],
        "unversioned": w.applied.unversioned,
    }


_ROLE = {"lead": "牵头", "assist": "配合", "territorial": "属地"}
_INSPECTION = {"appears": "出现", "vanishes": "消除", "changes": "变化"}


def scenario_table(scenario: Scenario) -> tuple[list[str], list[list[Any]]]:
    """The scenario's changes as a table (the workbook's first sheet)."""
    return (
        ["日期", "变动", "说明", "位置"],
        [
            [c.date, c.action, describe(c), f"{c.file} {c.sheet or ''} {c.row}".replace("  ", " ")]
            for c in scenario.changes
        ],
    )


def summary_tables(s: dict[str, list[dict[str, Any]]]) -> TableSet:
    """The summary (:func:`summary`) as its two tables, by region and by department."""
    out: TableSet = {}
    out["汇总-地区"] = (
        [
            "地区",
            "牵头变化",
            "配合变化",
            "新增缺口",
            "消除缺口",
            "新增冲突",
            "消除冲突",
            "重复检查",
            "争议",
        ],
        [
            [
                f"{r['region']['name']} ({r['region']['code']})",
                r["leads"],
                r["assists"],
                r["gaps_new"],
                r["gaps_resolved"],
                r["conflicts_new"],
                r["conflicts_resolved"],
                r["inspections"],
                r["disputes"],
            ]
            for r in s["regions"]
        ],
    )
    out["汇总-部门"] = (
        ["部门", "新承担", "不再承担"],
        [
            [f"{d['department']['name']} ({d['department']['id']})", d["gains"], d["loses"]]
            for d in s["departments"]
        ],
    )
    return out


def sheets(w: WhatIf | PiecesReport) -> TableSet:
    """The what-if as tables, one per kind (what the XLSX workbook and the CLI's tables show);
    one computed by pieces has them merged already."""
    if not isinstance(w, WhatIf):
        return w.tables
    lab = _label
    out: TableSet = {"情景": scenario_table(w.scenario), **summary_tables(summary(w))}
    out["牵头与配合"] = (
        ["事项", "地区", "角色", "改革前", "改革后", "原因"],
        [
            [
                lab(w, "item", c.item),
                lab(w, "region", c.region),
                _ROLE.get(c.role, c.role),
                "、".join(lab(w, "department", d) for d in c.before) or "（无）",
                "、".join(lab(w, "department", d) for d in c.after) or "（无）",
                "；".join(describe(x) for x in c.why),
            ]
            for c in w.leads
        ],
    )
    out["缺口"] = (
        ["变化", "事项", "地区", "类型", "说明"],
        [
            [change, lab(w, "item", x.item), lab(w, "region", x.region), x.kind, x.detail]
            for change, gaps in (("新增", w.gaps_new), ("消除", w.gaps_resolved))
            for x in gaps
        ],
    )
    out["冲突"] = (
        ["变化", "事项", "地区", "类型", "部门", "说明"],
        [
            [
                change,
                lab(w, "item", x.item),
                lab(w, "region", x.region),
                x.kind,
                "、".join(lab(w, "department", d) for d in x.departments),
                x.detail,
            ]
            for change, items in (("新增", w.conflicts_new), ("消除", w.conflicts_resolved))
            for x in items
        ],
    )
    out["重复检查"] = (
        ["地区", "监管对象", "变化", "改革前", "改革后", "事项"],
        [
            [
                lab(w, "region", x.region),
                x.object,
                _INSPECTION[x.change],
                "、".join(lab(w, "department", d) for d in x.before),
                "、".join(lab(w, "department", d) for d in x.after),
                "、".join(x.items),
            ]
            for x in w.inspections
        ],
    )
    out["争议"] = (
        ["争议", "地区", "当事方", "承接部门", "原因"],
        [
            [
                d.dispute.id,
                lab(w, "region", d.dispute.region),
                lab(w, "department", d.party),
                lab(w, "department", d.successor) if d.successor else "（无：需重新确定当事方）",
                "；".join(describe(x) for x in d.why),
            ]
            for d in w.disputes
        ],
    )
    out["待修订清单"] = (
        ["清单", "文件", "工作表", "行", "部门", "事项", "地区", "角色", "需修订", "原因"],
        [
            [
                r.source,
                r.duty.origin.file if r.duty.origin else "",
                (r.duty.origin.sheet or "") if r.duty.origin else "",
                r.duty.origin.row if r.duty.origin else "",
                lab(w, "department", r.duty.department),
                lab(w, "item", r.duty.item),
                lab(w, "region", r.duty.region),
                _ROLE.get(r.duty.role, r.duty.role),
                r.detail,
                "；".join(describe(x) for x in r.why),
            ]
            for r in w.lists
        ],
    )
    return out


def write_xlsx(w: WhatIf | PiecesReport, path: str | Path) -> Path:
    """Write the what-if as a workbook, one sheet per kind, for circulation.

    Every data cell is a string cell (never a formula); the file is written whole or
    not at all (:func:`~dutygraph.io.outputs.atomic_output`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in sheets(w).items():
        ws = wb.create_sheet(name)
        xlsx_append(ws, headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            xlsx_append(ws, row)
    path = Path(path)
    with atomic_output(path, binary=True, example="whatif.xlsx") as fh:
        wb.save(fh)
    return path
