"""Clue routing (线索分办): a complaint to the items it concerns, then to who takes it.

A clue — a 12345 hotline record, a letter, an inspection finding — is matched
to items by the same matcher a new business form is (:func:`dutygraph.analysis.assign.match_items`:
the text read into jieba words weighted by role, each voting once per item for
its names, keywords, supervised objects and behaviours). The best item's resolved lead in the region
takes the clue; its assisting departments, and the leads of the other items
the clue also concerns, assist. Every department carries its score and the
reasons: the words that matched, the item, and the duty's legal basis.
Nothing matched means nothing is guessed: the answer says so.

>>> from dutygraph.fixtures import demo_graph
>>> r = route_clue(demo_graph(), "小区门口超市卖过期的预包装食品，吃了拉肚子", "510104", "2025-06-01")
>>> [(c.department.id, c.score) for c in r.leads]
[('JJ-SCJ', 1.0)]
>>> r.items[0]["id"]
'I-FOOD-SALE'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..explain import named, say
from ..model import Department, today
from ..reader import GraphReader, dispatchable
from .assign import Candidate, match_items
from .resolve import Answer, has_basis_in_force, resolve

__all__ = ["Routing", "route_clue"]

#: items a clue is routed on: at most this many, scoring at least this share of the best
MAX_ITEMS, MIN_SHARE = 3, 0.35
ASSIST_WEIGHT = 0.5  # an assist duty on the main item, against the lead's 1.0


@dataclass
class Routing:
    """Where a clue goes: the items it concerns, the leading and assisting departments."""

    text: str
    region: str
    as_of: str
    items: list[dict[str, Any]] = field(default_factory=list)
    leads: list[Candidate] = field(default_factory=list)
    assists: list[Candidate] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return bool(self.items)


def _basis_note(g: GraphReader, a: Answer, as_of: str, lang: str = "zh") -> str:
    """The duty's legal bases in force (at most two), or why there is none."""
    in_force: list[str] = []
    repealed: list[str] = []
    for d in a.duties:
        for bid in d.bases:
            b = g.bases.get(bid)
            if b is not None:
                note = b.title + (f" {b.article}" if b.article else "")
                target = in_force if b.in_force(as_of) else repealed
                if note not in target:
                    target.append(note)
    sep = "; " if lang == "en" else "；"
    if in_force:
        return sep.join(in_force[:2])
    if repealed:
        return say("basis_repealed", lang, bases=sep.join(repealed[:2]))
    return say("basis_none", lang)


@dispatchable
def route_clue(
    g: GraphReader,
    text: str,
    region: str | None = None,
    as_of: str | None = None,
    lang: str = "zh",
) -> Routing:
    """Route a complaint text to lead and assisting departments in ``region``.

    Parameters
    ----------
    g : DutyGraph
    text : str
        The clue, in the complainant's words.
    region : region code or name, optional
        Where it happened (default: the root of the region tree).
    as_of : ISO date, optional
    lang : ``zh`` (the default) or ``en``
        The language of the reasons and findings' details (:data:`dutygraph.explain.REASONS`).

    Examples
    --------
    >>> from dutygraph.fixtures import demo_graph
    >>> route_clue(demo_graph(), "楼上邻居半夜弹钢琴", "510104", "2025-06-01").matched
    False
    """
    as_of = as_of or today()
    code = g.find("region", region).code if region else g.region_path(next(iter(g.regions)))[-1]
    out = Routing(text, code, as_of)
    found, _ = match_items(g, "", text, as_of=as_of)
    if not found:
        out.findings.append(
            {
                "kind": "NO_MATCH",
                "detail": say("NO_MATCH", lang),
            }
        )
        return out
    top = found[0].score
    kept = [m for m in found[:MAX_ITEMS] if m.score >= MIN_SHARE * top]
    out.items = [
        {
            "id": m.item,
            "name": g.items[m.item].name,
            "score": round(m.score / top, 3),
            "reasons": m.reasons,
        }
        for m in kept
    ]
    leads: dict[str, Candidate] = {}
    assists: dict[str, Candidate] = {}

    def credit(pool: dict[str, Candidate], dep: Department, score: float, why: str) -> None:
        c = pool.setdefault(dep.id, Candidate(dep, 0.0))
        c.score = max(c.score, score)
        if why not in c.reasons:
            c.reasons.append(why)

    main = kept[0]
    res = resolve(g, main.item, code, "lead", as_of)
    item = g.items[main.item]
    for a in res.answers:
        credit(
            leads,
            a.department,
            1.0,
            say(
                "leads",
                lang,
                item=named(g, item.id),
                region=named(g, code),
                inherited=say("inherited", lang) if a.inherited else "",
                why=main.reasons[0],
                basis=_basis_note(g, a, as_of, lang),
            ),
        )
    for f in res.findings:
        out.findings.append({"kind": f.kind, "item": item.id, "detail": f.detail})
    for a in res.answers:
        if not has_basis_in_force(g, a.duties, as_of):
            out.findings.append(
                {
                    "kind": "NO_LEGAL_BASIS",
                    "item": item.id,
                    "department": a.department.id,
                    "detail": say(
                        "NO_LEGAL_BASIS",
                        lang,
                        department=named(g, a.department.id),
                        item=named(g, item.id),
                        as_of=as_of,
                    ),
                }
            )
    if len(res.answers) > 1:
        out.findings.append(
            {
                "kind": "MULTIPLE_LEADS",
                "item": item.id,
                "detail": say(
                    "MULTIPLE_LEADS", lang, count=len(res.answers), item=named(g, item.id)
                ),
            }
        )
    for a in resolve(g, main.item, code, "assist", as_of).answers:
        if a.department.id not in leads:
            credit(
                assists,
                a.department,
                ASSIST_WEIGHT,
                say(
                    "assists",
                    lang,
                    item=named(g, item.id),
                    region=named(g, code),
                    basis=_basis_note(g, a, as_of, lang),
                ),
            )
    for m in kept[1:]:
        other = g.items[m.item]
        for a in resolve(g, m.item, code, "lead", as_of).answers:
            if a.department.id not in leads:
                credit(
                    assists,
                    a.department,
                    round(m.score / top, 3),
                    say("also_leads", lang, item=named(g, other.id), why=m.reasons[0]),
                )
    out.leads = sorted(leads.values(), key=lambda c: (-c.score, c.department.id))
    out.assists = sorted(assists.values(), key=lambda c: (-c.score, c.department.id))
    if not out.leads:
        out.findings.append(
            {
                "kind": "NO_LEAD",
                "item": item.id,
                "detail": say("NO_LEAD", lang, item=named(g, item.id), region=named(g, code)),
            }
        )
    return out
