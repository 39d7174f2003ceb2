"""Chinese first: names for the controlled vocabularies and a sentence for each finding.

The analyses keep their machine-readable kinds (``NO_LEAD``, ``counterpart``)
and their short English ``detail``; what a person reads — the explorer, the CLI
tables — comes from here: Chinese first, ids beside the names, the English
term after it in parentheses where an analyst may grep for it.

>>> from dutygraph.fixtures import demo_graph
>>> g = demo_graph()
>>> named(g, "JJ-SCJ")
'锦江区市场监督管理局 (JJ-SCJ)'
>>> explain_gap(g, {"item": "I-PREPAID", "region": "510107", "kind": "LEAD_ABOLISHED",
...                 "line": "commerce", "abolished": "WH-SWJ"})
'武侯区 (510107) 的单用途预付卡监管 (I-PREPAID)：牵头部门武侯区商务局 (WH-SWJ)（商务条线）已撤销，且没有承接部门。'
>>> kind_zh("NO_COUNTERPART")
'无对口部门 (NO_COUNTERPART)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .reader import GraphReader

__all__ = [
    "HEADERS",
    "KIND_ZH",
    "LINE_ZH",
    "VIA_ZH",
    "explain_conflict",
    "explain_gap",
    "kind_zh",
    "line_zh",
    "named",
    "via_zh",
]

#: finding, gap and conflict kinds
KIND_ZH = {
    "NO_LEAD": "无牵头部门",
    "NO_COUNTERPART": "无对口部门",
    "LEAD_ABOLISHED": "牵头部门已撤销",
    "NO_LEGAL_BASIS": "无有效法律依据",
    "UNCOVERED_BEHAVIOR": "行为无人监管",
    "MULTIPLE_LEADS": "多头牵头",
    "SOURCE_DISAGREEMENT": "清单来源不一致",
    "OPEN_DISPUTE": "未决管辖争议",
    "SUCCESSOR": "由承接部门接替",
}

#: how an answer was found
VIA_ZH = {
    "explicit": "清单直接列明",
    "counterpart": "上级职责由本级对口部门承接",
    "vertical": "垂直管理系统",
}

#: lines (条) of departments
LINE_ZH = {
    "agriculture": "农业农村",
    "audit": "审计",
    "civil-affairs": "民政",
    "commerce": "商务",
    "cultural-heritage": "文物",
    "culture-tourism": "文化和旅游",
    "customs": "海关",
    "cyberspace": "网信",
    "development-reform": "发展改革",
    "drug-regulation": "药品监管",
    "ecology-environment": "生态环境",
    "economy": "经济和信息化",
    "education": "教育",
    "emergency": "应急管理",
    "establishment": "机构编制",
    "fire-rescue": "消防救援",
    "health": "卫生健康",
    "housing": "住房城乡建设",
    "human-resources": "人力资源社会保障",
    "industry-it": "工业和信息化",
    "justice": "司法行政",
    "market-regulation": "市场监管",
    "natural-resources": "自然资源",
    "public-security": "公安",
    "radio-tv": "广播电视",
    "sports": "体育",
    "taxation": "税务",
    "tobacco": "烟草专卖",
    "transport": "交通运输",
    "water": "水利",
}

#: CLI table headers, Chinese first
HEADERS = {
    "department": "部门 department",
    "name": "名称 name",
    "how": "方式 how",
    "line": "条线 line",
    "bases": "依据 bases",
    "item": "事项 item",
    "region": "地区 region",
    "kind": "类型 kind",
    "detail": "说明 detail",
    "departments": "部门 departments",
    "object": "监管对象 object",
    "items": "事项 items",
    "score": "得分 score",
    "why": "理由 why",
}


def kind_zh(kind: str) -> str:
    """``'无牵头部门 (NO_LEAD)'``; an unknown kind as is."""
    return f"{KIND_ZH[kind]} ({kind})" if kind in KIND_ZH else kind


def via_zh(via: str) -> str:
    return VIA_ZH.get(via, via)


def line_zh(line: str | None) -> str:
    """``'商务条线'`` for ``commerce``; an unknown line id as is."""
    if not line:
        return ""
    return f"{LINE_ZH.get(line, line)}条线"


def named(g: GraphReader, ident: str | None) -> str:
    """``'名称 (id)'`` for a department, item or region id; the id alone when unknown."""
    if not ident:
        return ""
    for table in (g.departments, g.items, g.regions):
        rec = table.get(ident)
        if rec is not None:
            return f"{rec.name} ({ident})"
    return ident


def _where(g: GraphReader, row: Mapping[str, Any]) -> str:
    return f"{named(g, row['region'])} 的{named(g, row['item'])}"


def explain_gap(g: GraphReader, row: Mapping[str, Any]) -> str:
    """One sentence in Chinese for a gap (a :func:`dutygraph.serialize.gap_dict` row)."""
    where = _where(g, row)
    kind = row["kind"]
    line = line_zh(row.get("line"))
    if kind == "NO_COUNTERPART":
        return f"{where}：上级职责要求本级{line}部门承接，但本级没有该条线的部门。"
    if kind == "LEAD_ABOLISHED":
        return (
            f"{where}：牵头部门{named(g, row.get('abolished'))}（{line}）已撤销，且没有承接部门。"
        )
    if kind == "NO_LEGAL_BASIS":
        return f"{where}：所用职责的法律依据在查询日均已失效或尚未施行。"
    if kind == "NO_LEAD":
        return f"{where}：从本级到全国的地区路径上都没有牵头职责。"
    if kind == "UNCOVERED_BEHAVIOR":
        return f"{where}：有经营行为没有任何事项覆盖（{row.get('detail', '')}）。"
    return f"{where}：{kind_zh(kind)}，{row.get('detail', '')}"


def explain_conflict(g: GraphReader, row: Mapping[str, Any]) -> str:
    """One sentence in Chinese for a conflict (a :func:`dutygraph.serialize.conflict_dict` row)."""
    where = _where(g, row)
    depts = "、".join(named(g, d) for d in row.get("departments", []))
    kind = row["kind"]
    if kind == "MULTIPLE_LEADS":
        return f"{where}：同时有{len(row.get('departments', []))}个牵头部门：{depts}。"
    if kind == "SOURCE_DISAGREEMENT":
        parts = "；".join(
            f"清单 {src} 列 {'、'.join(named(g, d) for d in ds)}"
            for src, ds in sorted(row.get("sources", {}).items())
        )
        return f"{where}：不同清单对牵头部门说法不一（{parts}）。"
    if kind == "OPEN_DISPUTE":
        return f"{where}：有未决的管辖争议，涉及{depts}。"
    return f"{where}：{kind_zh(kind)}，{row.get('detail', '')}"
