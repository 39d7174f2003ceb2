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

from collections.abc import Iterable, Mapping
from typing import Any

from .reader import GraphReader

__all__ = [
    "DISPUTE_KIND_ZH",
    "FIELDS",
    "HEADERS",
    "KIND_ZH",
    "LEVEL_ZH",
    "LINE_ZH",
    "OP_ZH",
    "REASONS",
    "RECORD_ZH",
    "STATUS_ZH",
    "STEP_ZH",
    "VIA_ZH",
    "explain_assignment_note",
    "explain_conflict",
    "explain_dispute",
    "explain_finding",
    "explain_gap",
    "explain_route",
    "field",
    "field_value",
    "header",
    "kind_zh",
    "line_zh",
    "named",
    "names_of",
    "record_kind",
    "say",
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

#: lines (条) of departments: every line of the catalogue's and the demo's departments
#: (the national departments of ``data/catalogue/departments.csv`` name them); the CLI,
#: the explorer and the RDF line concepts all read this one table
LINE_ZH = {
    "agriculture": "农业农村",
    "audit": "审计",
    "central-bank": "人民银行",
    "civil-affairs": "民政",
    "civil-aviation": "民用航空",
    "commerce": "商务",
    "copyright": "版权",
    "cultural-heritage": "文物",
    "culture-tourism": "文化和旅游",
    "customs": "海关",
    "cyberspace": "网信",
    "data": "数据",
    "development-reform": "发展改革",
    "disease-control": "疾病预防控制",
    "drug-regulation": "药品监管",
    "ecology-environment": "生态环境",
    "economy": "经济和信息化",
    "education": "教育",
    "emergency": "应急管理",
    "energy": "能源",
    "establishment": "机构编制",
    "film": "电影",
    "finance": "财政",
    "financial-regulation": "金融监管",
    "fire-rescue": "消防救援",
    "foreign-exchange": "外汇管理",
    "forestry-grassland": "林业和草原",
    "grain-reserves": "粮食和物资储备",
    "health": "卫生健康",
    "housing": "住房城乡建设",
    "human-resources": "人力资源社会保障",
    "immigration": "移民管理",
    "industry-it": "工业和信息化",
    "intellectual-property": "知识产权",
    "justice": "司法行政",
    "market-regulation": "市场监管",
    "medical-security": "医疗保障",
    "mine-safety": "矿山安全",
    "natural-resources": "自然资源",
    "postal": "邮政",
    "press-publication": "新闻出版",
    "public-security": "公安",
    "radio-tv": "广播电视",
    "railway": "铁路",
    "science-technology": "科学技术",
    "securities": "证券监管",
    "social-work": "社会工作",
    "meteorology": "气象",
    "ethnic-affairs": "民族事务",
    "religious-affairs": "宗教事务",
    "sports": "体育",
    "state-assets": "国有资产监管",
    "statistics": "统计",
    "taxation": "税务",
    "tcm": "中医药",
    "tobacco": "烟草专卖",
    "transport": "交通运输",
    "veterans": "退役军人事务",
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
    "id": "编号 id",
    "status": "状态 status",
    "parties": "当事部门 parties",
    "subject": "争议事项 subject",
    "raised_on": "提出日期 raised_on",
}

#: the field labels of ``dutygraph show`` (a record's fields and its neighbours), Chinese first
FIELDS = {
    **HEADERS,
    "kind": "类别 kind",
    "aliases": "别名 aliases",
    "article": "条款 article",
    "assist": "协办 assist",
    "attrs": "其他属性 attrs",
    "basis": "依据 basis",
    "behaviors": "行为特征 behaviors",
    "children": "下级 children",
    "claims": "各方主张 claims",
    "code": "代码 code",
    "decision": "决定 decision",
    "description": "描述 description",
    "domain": "领域 domain",
    "duties": "职责 duties",
    "in_force": "现行有效 in_force",
    "issuer": "制定机关 issuer",
    "key_item": "重点事项 key_item",
    "keywords": "关键词 keywords",
    "law_from": "法律版本起 law_from",
    "law_to": "法律版本止 law_to",
    "law_version": "法律版本 law_version",
    "lead": "牵头 lead",
    "level": "层级 level",
    "levels": "层级 levels",
    "members": "成员 members",
    "objects": "监管对象 objects",
    "origin": "来源 origin",
    "parent": "上级 parent",
    "path": "路径 path",
    "power_type": "权力类型 power_type",
    "predecessors": "前身 predecessors",
    "settled_on": "办结日期 settled_on",
    "successor": "继任部门 successor",
    "superior": "上级部门 superior",
    "systems": "条线 systems",
    "title": "标题 title",
    "valid_from": "起始 valid_from",
    "valid_to": "终止 valid_to",
    "vertical": "垂直管理 vertical",
    "also_matches": "同名的其他记录 also_matches",
}

#: the kinds of record, Chinese first (``dutygraph show``'s 类别)
RECORD_ZH = {
    "item": "事项",
    "region": "地区",
    "department": "部门",
    "basis": "依据",
    "behavior": "行为特征",
    "business_form": "新业态",
    "region_group": "地区组",
    "dispute": "争议",
}


#: government levels, Chinese first
LEVEL_ZH = {
    "national": "国家",
    "province": "省级",
    "prefecture": "市级",
    "county": "县级",
    "township": "乡镇",
}


def field_value(key: str, value: Any, lang: str = "zh") -> str:
    """A field's value in ``dutygraph show``, Chinese first: an origin as the file and row it
    came from, levels by their Chinese names (English: the value as is).

    >>> field_value("origin", {"file": "items.csv", "row": 2})
    'items.csv 第 2 行 (items.csv, row 2)'
    >>> field_value("levels", ["national", "county"])
    '国家 (national)、县级 (county)'
    """
    if lang != "zh":
        return str(value)
    if key == "origin" and isinstance(value, dict) and "file" in value:
        row = value.get("row")
        if row is None:
            return f"{value['file']}"
        return f"{value['file']} 第 {row} 行 ({value['file']}, row {row})"
    if key in ("levels", "level"):
        items = value if isinstance(value, list | tuple) else [value]
        return "、".join(f"{LEVEL_ZH[v]} ({v})" if v in LEVEL_ZH else str(v) for v in items)
    return str(value)


def field(key: str, lang: str = "zh") -> str:
    """A field's label in ``dutygraph show``: ``'名称 name'``, or ``'name'`` in English.

    >>> field("successor"), field("successor", "en"), field("kind")
    ('继任部门 successor', 'successor', '类别 kind')
    """
    return FIELDS.get(key, key) if lang == "zh" else key


def record_kind(kind: str, lang: str = "zh") -> str:
    """``'部门 (department)'``; in English, or for an unknown kind, the kind as is."""
    return f"{RECORD_ZH[kind]} ({kind})" if lang == "zh" and kind in RECORD_ZH else kind


#: the reasons and findings of clue routing (:mod:`dutygraph.analysis.route`), Chinese first
#: and English on request (``--lang en``, ``Accept-Language: en``): one template per kind
REASONS: dict[str, dict[str, str]] = {
    "leads": {
        "zh": "在 {region} 牵头 {item}{inherited} — {why}；依据：{basis}",
        "en": "leads {item} in {region}{inherited} — {why}; basis: {basis}",
    },
    "inherited": {"zh": "（上级职责由本级承接）", "en": " (inherited)"},
    "assists": {
        "zh": "在 {region} 协办 {item}；依据：{basis}",
        "en": "assists {item} in {region}; basis: {basis}",
    },
    "also_leads": {
        "zh": "牵头线索同样涉及的 {item} — {why}",
        "en": "leads {item}, which the clue also concerns — {why}",
    },
    "basis_repealed": {
        "zh": "无有效依据（{bases} 已失效或尚未施行）",
        "en": "none in force ({bases} no longer is)",
    },
    "basis_none": {"zh": "未登记依据", "en": "no basis recorded"},
    "NO_MATCH": {
        "zh": "目录中没有事项、关键词或行为与这段文字相符；请人工分办，并把缺少的关键词补入目录。",
        "en": "no item, keyword or behaviour of the catalogue matches this text; "
        "route it by hand, and add the missing keywords to the catalogue",
    },
    "NO_LEGAL_BASIS": {
        "zh": "{department} 对 {item} 的职责在 {as_of} 没有有效的法律依据：线索仍交该部门，清单需要修正。",
        "en": "{department}'s duty on {item} rests on no basis in force on {as_of}: "
        "the clue still goes there, the list needs fixing",
    },
    "MULTIPLE_LEADS": {
        "zh": "本地有 {count} 个部门牵头 {item}：由它们商定谁接线索，或由协调机关决定。",
        "en": "{count} departments lead {item} here: they agree who takes the clue, "
        "or the coordinator decides",
    },
    "NO_LEAD": {
        "zh": "{region} 的 {item} 没有牵头部门：这是一个空白（事有人管）。",
        "en": "no lead resolves for {item} in {region}: a gap (事有人管)",
    },
    # one joint inspection (:mod:`dutygraph.analysis.inspect`): why this department leads it
    "inspect_alone": {
        "zh": "{department} 是本地唯一检查 {object} 的部门：无需联合检查。",
        "en": "{department} alone inspects {object} here: no joint inspection is due",
    },
    "inspect_most_items": {
        "zh": "{department} 牵头 {total} 个检查事项中的 {count} 个，多于其他参加部门。",
        "en": "{department} leads {count} of the {total} inspection items, "
        "more than any other participant",
    },
    "inspect_key_items": {
        "zh": "各参加部门都牵头 {count} 个事项；{department} 牵头 {n_key} 个重点事项"
        "（国办发〔2023〕1号 §四），多于其他部门。",
        "en": "each participant leads {count} item(s); {department} leads {n_key} key item(s) "
        "(国办发〔2023〕1号 §四), more than the others",
    },
    "inspect_specific": {
        "zh": "各参加部门都牵头 {count} 个事项（重点事项 {n_key} 个）；{department} 的事项"
        "对 {object} 最具针对性（所列其他监管对象最少）。",
        "en": "each participant leads {count} item(s) ({n_key} key); {department}'s item is "
        "the most specific to {object} (it names the fewest other objects)",
    },
    "inspect_no_lead": {
        "zh": "{item} 适用于本地，但没有牵头部门：不能列入检查计划（这是一个空白）。",
        "en": "{item} applies here but no lead resolves: it cannot join the plan (a gap)",
    },
    "inspect_tied": {
        "zh": "各参加部门在牵头事项数、重点事项数和针对性上都相同：由共同的人民政府指定牵头部门。",
        "en": "the participants tie on items led, key items and specificity: "
        "the common government designates the lead",
    },
}


def say(key: str, lang: str = "zh", **fields: Any) -> str:
    """The text ``key`` of :data:`REASONS` in ``lang`` (``en``, else Chinese), filled in.

    >>> say("basis_none"), say("basis_none", "en")
    ('未登记依据', 'no basis recorded')
    """
    texts = REASONS[key]
    return texts["en" if lang == "en" else "zh"].format(**fields)


def header(key: str, lang: str = "zh") -> str:
    """A CLI table header: ``'部门 department'`` (Chinese first), or ``'department'`` in English."""
    return HEADERS.get(key, key) if lang == "zh" else key


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


def names_of(g: GraphReader, ids: Iterable[str]) -> dict[str, str]:
    """``{id: name}`` for the departments, items and regions among ``ids`` (others left out)."""
    out = {}
    for ident in sorted(set(ids)):
        for table in (g.departments, g.items, g.regions):
            rec = table.get(ident)
            if rec is not None:
                out[ident] = rec.name
                break
    return out


def _where(g: GraphReader, row: Mapping[str, Any]) -> str:
    return f"{named(g, row['region'])} 的{named(g, row['item'])}"


def _english(g: GraphReader, row: Mapping[str, Any], where: bool) -> str:
    """A gap's, conflict's or finding's English: its kind and the analysis's own detail."""
    head = f"{named(g, row.get('item'))} in {named(g, row.get('region'))}: " if where else ""
    return f"{head}{row['kind']}: {row.get('detail', '')}".rstrip(": ")


def explain_gap(
    g: GraphReader, row: Mapping[str, Any], *, where: bool = True, lang: str = "zh"
) -> str:
    """One sentence in Chinese for a gap (a :func:`dutygraph.serialize.gap_dict` row).

    ``where=False`` leaves out the item and region it begins with (for a table
    that shows them in columns of their own); ``lang="en"`` gives the English
    (the kind and the analysis's detail).
    """
    if lang == "en":
        return _english(g, row, where)
    text = _explain_gap(g, row)
    return text if where else text.split("：", 1)[1]


def _explain_gap(g: GraphReader, row: Mapping[str, Any]) -> str:
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


def explain_finding(
    g: GraphReader, item: str, region: str, finding: Mapping[str, Any], lang: str = "zh"
) -> str:
    """A resolution's finding (``resolution_dict(...)["findings"]``) as its Chinese kind and sentence.

    >>> from dutygraph.fixtures import demo_graph
    >>> explain_finding(demo_graph(), "I-OIL", "510104", {"kind": "NO_LEAD", "detail": "…"})
    '无牵头部门 (NO_LEAD)：从本级到全国的地区路径上都没有牵头职责。'
    """
    kind = finding["kind"]
    if lang == "en":
        return _english(g, finding, False)
    if kind in ("NO_LEAD", "NO_COUNTERPART", "LEAD_ABOLISHED", "NO_LEGAL_BASIS"):
        row = {
            "item": item,
            "region": region,
            "kind": kind,
            "line": finding.get("line"),
            "abolished": finding.get("department"),
        }
        return f"{kind_zh(kind)}：{explain_gap(g, row, where=False)}"
    return f"{kind_zh(kind)}：{finding.get('detail', '')}"


def explain_assignment_note(g: GraphReader, row: Mapping[str, Any], lang: str = "zh") -> str:
    """A new business form's gap or conflict (``assignment_dict``'s ``gaps``/``conflicts``) in Chinese.

    >>> from dutygraph.fixtures import demo_graph
    >>> explain_assignment_note(demo_graph(), {"kind": "TOO_CLOSE_TO_CALL", "item": "I-SCRIPT",
    ...     "departments": ["N-MCT", "N-MPS"], "scores": [0.5, 0.48]})
    '难以判定 (TOO_CLOSE_TO_CALL)：剧本娱乐经营场所监管 (I-SCRIPT) 的前两位候选 文化和旅游部 (N-MCT)（0.50）、公安部 (N-MPS)（0.48）得分过近，建议按管辖争议立案协调。'
    """
    kind = row["kind"]
    if lang == "en":
        return _english(g, row, False)
    if kind == "UNCOVERED_BEHAVIOR":
        what = row.get("behavior") or named(g, row.get("item")) or "该业态"
        return (
            f"{kind_zh(kind)}：{what} 没有对应的监管事项；"
            "请把它的行为特征加入目录，或以决定认定归口。"
        )
    if kind == "TOO_CLOSE_TO_CALL":
        pairs = "、".join(
            f"{named(g, d)}（{s:.2f}）"
            for d, s in zip(row.get("departments", []), row.get("scores", []), strict=False)
        )
        return (
            f"难以判定 ({kind})：{named(g, row.get('item'))} 的前两位候选 {pairs}得分过近，"
            "建议按管辖争议立案协调。"
        )
    return f"{kind_zh(kind)}：{row.get('detail', '')}"


def explain_conflict(
    g: GraphReader, row: Mapping[str, Any], *, where: bool = True, lang: str = "zh"
) -> str:
    """One sentence in Chinese for a conflict (a :func:`dutygraph.serialize.conflict_dict` row)."""
    if lang == "en":
        return _english(g, row, where)
    text = _explain_conflict(g, row)
    return text if where else text.split("：", 1)[1]


def _explain_conflict(g: GraphReader, row: Mapping[str, Any]) -> str:
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


# -- disputes: statuses, kinds, the statutory route's steps, the audit log's operations ------

#: dispute statuses
STATUS_ZH = {"open": "待协调", "coordinating": "协调中", "decided": "已决定", "withdrawn": "已撤回"}
#: dispute kinds
DISPUTE_KIND_ZH = {"duty": "职责分工争议", "enforcement": "执法管辖争议"}
#: the steps of :func:`dutygraph.analysis.disputes.route`
STEP_ZH = {
    "place": "违法行为发生地",
    "level": "级别管辖",
    "first_filing": "最先立案",
    "negotiation": "协商",
    "designation": "指定管辖",
    "allocation": "核对职责分工",
    "consultation": "部门协商",
    "coordination": "编制部门协调",
    "decision": "报请决定",
}
#: operations of the audit log (``store.history()``)
OP_ZH = {
    "dispute.open": "立案",
    "dispute.status": "开始协调",
    "dispute.withdraw": "撤回",
    "dispute.decide": "作出决定",
}


def _names(g: GraphReader, ids: Any) -> str:
    return "、".join(named(g, x) for x in ids or ()) or "无"


def _body_name(body: Mapping[str, Any] | None) -> str:
    """A route's authority (a government or a department) as ``名称 (id)``."""
    if not body:
        return "（未找到）"
    dep = body.get("department")
    if isinstance(dep, Mapping) and dep.get("id"):
        return f"{dep.get('name', '')} ({dep['id']})"
    if body.get("id"):
        return f"{body.get('name', '')} ({body['id']})"
    return str(body.get("name") or body.get("government") or "")


def explain_dispute(g: GraphReader, d: Mapping[str, Any]) -> str:
    """One sentence for a dispute (a :func:`dutygraph.analysis.disputes.dispute_dict`).

    >>> from dutygraph.fixtures import demo_graph
    >>> explain_dispute(demo_graph(), {"id": "DSP-0001", "kind": "duty", "status": "open",
    ...     "parties": ["CD-YJJ", "CD-ZJJ"], "region": "510100", "raised_on": "2025-06-01",
    ...     "subject": {"kind": "item", "id": "I-SELFBUILT", "name": "经营性自建房安全监管"}})
    'DSP-0001 职责分工争议（待协调）：成都市 (510100) 的经营性自建房安全监管 (I-SELFBUILT)，当事部门 成都市应急管理局 (CD-YJJ)、成都市住房和城乡建设局 (CD-ZJJ)，2025-06-01 提出。'
    """
    subject = d.get("subject") or {}
    if subject.get("kind") == "case":
        what = f"案件「{subject.get('description') or subject.get('id', '')}」"
    else:
        what = f"{subject.get('name', '')} ({subject.get('id', '')})"
    kind = DISPUTE_KIND_ZH.get(d.get("kind", "duty"), d.get("kind", ""))
    status = STATUS_ZH.get(d["status"], d["status"])
    return (
        f"{d['id']} {kind}（{status}）：{named(g, d['region'])} 的{what}，"
        f"当事部门 {_names(g, d['parties'])}，{d['raised_on']} 提出。"
    )


def explain_route(g: GraphReader, r: Mapping[str, Any]) -> list[str]:
    """The statutory route (:func:`dutygraph.analysis.disputes.route`) as Chinese sentences.

    One sentence for who coordinates, one per step (its rule first), one for the
    interim rule, one for the outcome when the route settles it.

    >>> from dutygraph.fixtures import demo_graph
    >>> from dutygraph.analysis.disputes import route
    >>> from dutygraph.model import Dispute
    >>> g = demo_graph()
    >>> d = Dispute("DSP-X", ("JJ-SCJ", "JY-SCJ"), "I-FOOD-SALE", "510104", "2025-03-10",
    ...             attrs={"kind": "enforcement", "place": "510104",
    ...                    "filed": "JJ-SCJ=2025-03-02;JY-SCJ=2025-03-01"})
    >>> for line in explain_route(g, route(g, d, "2025-03-10"))[:3]: print(line)
    协调机关：四川省司法厅 (SC-SFT)（共同上级：四川省人民政府）。
    1. 违法行为发生地（中华人民共和国行政处罚法 第二十二条）：由违法行为发生地的行政机关管辖；发生地 锦江区 (510104)，符合的有 锦江区市场监督管理局 (JJ-SCJ)。
    2. 级别管辖（中华人民共和国行政处罚法 第二十三条）：由县级以上有行政处罚权的地方行政机关管辖；符合的有 锦江区市场监督管理局 (JJ-SCJ)。
    """
    sup = r.get("common_superior")
    out = [
        f"协调机关：{_body_name(r.get('coordinator'))}"
        + (f"（共同上级：{_body_name(sup)}）。" if sup else "。")
    ]
    for n, s in enumerate(r.get("steps", []), 1):
        step = s["step"]
        head = f"{n}. {STEP_ZH.get(step, step)}（{s.get('rule', '')}）："
        if step == "place":
            text = (
                f"由违法行为发生地的行政机关管辖；发生地 {named(g, s.get('place'))}，"
                f"符合的有 {_names(g, s.get('eligible'))}。"
            )
        elif step == "level":
            text = f"由县级以上有行政处罚权的地方行政机关管辖；符合的有 {_names(g, s.get('eligible'))}。"
        elif step == "first_filing":
            filed = "；".join(f"{named(g, p)} {day}" for p, day in (s.get("filed") or {}).items())
            text = (
                f"两个以上机关都有管辖权的，由最先立案的管辖；立案日期：{filed or '未登记'}，"
                f"最先立案：{_names(g, s.get('first'))}。"
            )
        elif step == "negotiation":
            text = f"管辖发生争议的，先由 {_names(g, s.get('between'))} 协商解决。"
        elif step == "designation":
            text = f"协商不成的，报请共同的上一级行政机关 {_body_name(s.get('by'))} 指定管辖。"
        elif step == "allocation":
            text = "核对三定规定、权责清单给各方的职责（见证据）。"
        elif step == "consultation":
            text = f"各方先协商，由 {named(g, s.get('host'))} 牵头组织。"
        elif step == "coordination":
            text = (
                f"协商不成的，由 {_body_name(s.get('by'))} 协调（一件事情原则上由一个部门负责）。"
            )
        elif step == "decision":
            text = f"仍有分歧的，报 {_body_name(s.get('by'))} 决定。"
        else:
            text = str(s.get("explain", ""))
        out.append(head + text)
    interim = r.get("interim") or {}
    out.append(
        "协调期间各方按现有分工继续履职，不留空白；现牵头部门："
        f"{_names(g, interim.get('current_leads'))}。"
    )
    outcome = r.get("outcome") or {}
    if outcome.get("department"):
        out.append(f"按上述规则可确定由 {named(g, outcome['department'])} 管辖。")
    return out
