"""Answers as plain data, in the shapes of SPEC §5 — shared by the CLI's ``--json`` and the API.

Field names are snake_case here; the GraphQL layer camel-cases the same names.

>>> from dutygraph.fixtures import demo_graph
>>> from dutygraph.analysis.resolve import who_leads
>>> g = demo_graph()
>>> out = resolution_dict(g, who_leads(g, "I-ECIG", "510104", "2025-01-01"))
>>> out["answers"][0]["department"]["id"], out["answers"][0]["inherited"], out["answers"][0]["via"]
('CD-YC', True, 'vertical')
"""

from __future__ import annotations

from typing import Any

import orjson

from .analysis.assign import Assignment, Candidate
from .analysis.conflicts import Conflict, DuplicateInspection
from .analysis.gaps import Gap
from .analysis.resolve import Resolution, duty_evidence
from .model import Department, Item, Law, LawArticle, LawVersion, Region
from .reader import GraphReader

__all__ = [
    "article_dict",
    "assignment_dict",
    "candidate_dict",
    "conflict_dict",
    "department_dict",
    "dumps",
    "gap_dict",
    "inspection_dict",
    "item_dict",
    "law_dict",
    "law_version_dict",
    "region_dict",
    "resolution_dict",
]


_OPTIONS = orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    """What orjson cannot write itself: tuples inside sets, paths, dates as text."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


def dumps(data: Any, *, pretty: bool = False) -> bytes:
    """``data`` as UTF-8 JSON bytes (not ASCII-escaped); ``pretty``: indented by two.

    The one encoder of the CLI's ``--json`` and the HTTP JSON routes (C speed), so both
    print the same text for the same answer.

    >>> dumps({"部门": "JJ-SCJ", "lines": ("L01",)})
    b'{"\\xe9\\x83\\xa8\\xe9\\x97\\xa8":"JJ-SCJ","lines":["L01"]}'
    >>> print(dumps({"a": [1]}, pretty=True).decode())
    {
      "a": [
        1
      ]
    }
    """
    option = _OPTIONS | orjson.OPT_INDENT_2 if pretty else _OPTIONS
    return orjson.dumps(data, default=_default, option=option)


def department_dict(d: Department) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "region": d.region,
        "systems": list(d.systems),
        "vertical": d.vertical,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
        "successor": d.successor,
    }


def item_dict(i: Item) -> dict[str, Any]:
    return {
        "id": i.id,
        "name": i.name,
        "parent": i.parent,
        "domain": i.domain,
        "power_type": i.power_type,
        "objects": list(i.objects),
        "levels": list(i.levels),
    }


def region_dict(r: Region) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "level": r.level, "parent": r.parent}


def resolution_dict(g: GraphReader, res: Resolution) -> dict[str, Any]:
    """``{"item", "region", "as_of", "role", "answers": [{"department", "inherited", "evidence"}], ...}``."""
    path = {"regions": list(res.path), "items": list(res.item_path)}
    answers = []
    for a in res.answers:
        answers.append(
            {
                "department": department_dict(a.department),
                "inherited": a.inherited,
                "via": a.via,
                "lines": a.lines,
                "replaces": a.replaced,
                "evidence": [duty_evidence(g, d, res.as_of) for d in a.duties],
                "path": path,
            }
        )
    return {
        "item": item_dict(res.item),
        "region": region_dict(res.region),
        "role": res.role,
        "as_of": res.as_of,
        "answers": answers,
        "source_region": res.source_region,
        "path": path,
        "findings": [
            {"kind": f.kind, "detail": f.detail, "line": f.line, "department": f.department}
            for f in res.findings
        ],
    }


def gap_dict(g: GraphReader, gap: Gap) -> dict[str, Any]:
    out: dict[str, Any] = {
        "item": gap.item,
        "region": gap.region,
        "kind": gap.kind,
        "detail": gap.detail,
        **gap.extra,
    }
    res = gap.resolution
    if res is not None:
        out["evidence"] = {
            "source_region": res.source_region,
            "path": list(res.path),
            "item_path": list(res.item_path),
            "duties": [duty_evidence(g, d, res.as_of) for d in res.duties],
        }
    return out


def conflict_dict(g: GraphReader, c: Conflict, as_of: str) -> dict[str, Any]:
    return {
        "item": c.item,
        "region": c.region,
        "kind": c.kind,
        "departments": c.departments,
        "detail": c.detail,
        **c.extra,
        "evidence": [duty_evidence(g, d, as_of) for d in c.duties],
    }


def inspection_dict(x: DuplicateInspection) -> dict[str, Any]:
    return {"region": x.region, "object": x.object, "departments": x.departments, "items": x.items}


def candidate_dict(c: Candidate) -> dict[str, Any]:
    """A proposed department as plain data: the department, its score, the reasons."""
    return {
        "department": department_dict(c.department),
        "score": c.score,
        "reasons": c.reasons,
        "articles": c.articles,
    }


def assignment_dict(a: Assignment) -> dict[str, object]:
    return {
        "name": a.name,
        "description": a.description,
        "region": a.region,
        "as_of": a.as_of,
        "confidence": a.confidence,
        "abstained": a.abstained,
        "candidates": [candidate_dict(c) for c in a.candidates],
        "assists": [candidate_dict(c) for c in a.assists],
        "gaps": a.gaps,
        "conflicts": a.conflicts,
        "behaviors": a.behaviors,
        "items": a.items,
        "precedents": a.precedents,
    }


def law_version_dict(v: LawVersion) -> dict[str, Any]:
    """One version of an act (``dutygraph law … --json``)."""
    return {
        "id": v.id,
        "title": v.title,
        "publish": v.publish,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "expired": v.expired,
        "dated_by": v.attrs.get("dated_by"),
        "history": list(v.history),
    }


def law_dict(law: Law) -> dict[str, Any]:
    """An act of the law corpus (``dutygraph law … --json``)."""
    return {
        "id": law.id,
        "title": law.title,
        "kind": law.kind,
        "level": law.level,
        "valid_from": law.valid_from,
        "valid_to": law.valid_to,
        "repealed_by": law.repealed_by,
    }


def article_dict(a: LawArticle) -> dict[str, Any]:
    """An article with its chapter path, paragraphs and text (``dutygraph law … --json``)."""
    return {
        "id": a.id,
        "key": a.key,
        "name": a.name,
        "chapter": list(a.chapter),
        "paragraphs": list(a.paragraphs),
        "text": a.text,
    }
