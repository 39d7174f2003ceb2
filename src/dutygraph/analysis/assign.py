"""Who should take a new business form (新业态): 领域归口, 业务相近 and the main behaviours.

From a name, a description and optional behaviours (国办发〔2023〕1号 §五):

1. **behaviours → items**: the behaviours named, and those the text matches
   (keywords and names verbatim, then bigram similarity), lead to their linked
   items; the text may also name items directly (keywords, supervised objects);
2. **lead candidates** from the items' resolved leads, weighted by how well
   each item matched — the main behaviour counts most;
3. **领域归口**: the main item's domain points to the lines competent for it;
4. **业务相近**: the most similar settled business forms (precedents) and
   their leads;
5. ranked candidates with scores and reasons; assisting departments from the
   other behaviours and the items' assist duties; an ``UNCOVERED_BEHAVIOR``
   gap when nothing matches (no guess); a conflict when the top two are too
   close to call.

With a region, candidates are that region's departments, through the
resolution rules of :mod:`dutygraph.analysis.resolve`.

>>> from dutygraph.fixtures import demo_graph
>>> a = assign_business_form(demo_graph(), "密室逃脱", "沉浸式密室解谜娱乐场所", region="510104",
...                          as_of="2025-01-01")
>>> a.candidates[0].department.id
'JJ-WTL'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import NotFound
from ..graph import DutyGraph
from ..model import Department, today
from .resolve import Finding, counterparts_for, resolve
from .text import TextIndex, phrases_in

__all__ = ["Assignment", "Candidate", "assign_business_form"]

W_ITEM, W_PRECEDENT, W_DOMAIN = 1.0, 0.6, 0.25
TOO_CLOSE = 0.9  # the runner-up within 10 % of the top: too close to call
MIN_SIMILARITY = 0.3


@dataclass
class Candidate:
    """A department proposed to lead (or assist), its score in [0, 1] and why."""

    department: Department
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Assignment:
    """The answer for one business form."""

    name: str
    description: str
    region: str | None
    as_of: str
    behaviors: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    precedents: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    assists: list[Candidate] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)


@lru_cache(maxsize=8)
def _indexes(g: DutyGraph) -> tuple[TextIndex, TextIndex, TextIndex]:
    behaviors = TextIndex({b.id: " ".join((b.name, *b.keywords)) for b in g.behaviors.values()})
    items = TextIndex({i.id: " ".join((i.name, *i.keywords, *i.objects)) for i in g.items.values()})
    forms = TextIndex(
        {f.id: f"{f.name} {f.description}" for f in g.business_forms.values() if f.settled}
    )
    return behaviors, items, forms


def _match_behaviors(g: DutyGraph, text: str, idx: TextIndex) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for b in g.behaviors.values():
        hits = phrases_in(text, (b.name, *b.keywords))
        if hits:
            out[b.id] = (float(sum(len(h) for h in hits)), "text says " + "、".join(hits))
    for bid, sim in idx.similar(text, MIN_SIMILARITY):
        score, why = out.get(bid, (0.0, ""))
        out[bid] = (score + 4 * sim, (why + "; " if why else "") + f"similar wording ({sim:.2f})")
    return out


def _region_departments(
    g: DutyGraph, dept_id: str, region: str | None, as_of: str
) -> list[Department]:
    """The department(s) standing for ``dept_id`` in ``region`` (itself, or its successor)."""
    dep = g.departments.get(dept_id)
    if dep is None:
        return []
    if region is None or region == dep.region:
        cur, _ = g.current(dep.id, as_of)
        return [cur] if cur else []
    path = g.region_path(region)
    if dep.region in path:
        path = path[: path.index(dep.region) + 1]
    findings: list[Finding] = []
    return [d for d, *_ in counterparts_for(g, dep, dep.systems, path, as_of, findings)]


def assign_business_form(
    g: DutyGraph,
    name: str,
    description: str = "",
    behaviors: Iterable[str] = (),
    region: str | None = None,
    as_of: str | None = None,
    exclude: Iterable[str] = (),
) -> Assignment:
    """Propose lead and assisting departments for a new business form.

    Parameters
    ----------
    g : DutyGraph
    name, description : str
        What the business is and does, in the user's words.
    behaviors : behaviour ids, names, or free text
        Known behaviours count fully; free text is matched like the description.
    region : region code or name, optional
        Name this region's departments (default: the departments as recorded).
    as_of : ISO date, optional
    exclude : business-form ids not to use as precedents (for leave-one-out evaluation)
    """
    as_of = as_of or today()
    code = g.find("region", region).code if region else None
    out = Assignment(name, description, code, as_of)
    text = f"{name} {description}"
    b_idx, i_idx, f_idx = _indexes(g)

    matched: dict[str, tuple[float, str]] = {}
    for given in behaviors:
        try:
            b = g.find("behavior", given)
            matched[b.id] = (10.0, f"named behaviour {b.name}")
        except NotFound:
            found = _match_behaviors(g, given, b_idx)
            if not found:
                out.gaps.append(
                    {
                        "item": None,
                        "region": code,
                        "kind": "UNCOVERED_BEHAVIOR",
                        "behavior": given,
                        "detail": f"behaviour {given!r} matches no item",
                    }
                )
            matched.update(found)
            text += " " + given
    for bid, hit in _match_behaviors(g, text, b_idx).items():
        if bid not in matched or matched[bid][0] < hit[0]:
            matched[bid] = hit

    item_scores: dict[str, float] = defaultdict(float)
    item_reasons: dict[str, list[str]] = defaultdict(list)
    for bid, (score, why) in matched.items():
        b = g.behaviors[bid]
        out.behaviors.append({"id": bid, "name": b.name, "score": round(score, 3), "reason": why})
        if not b.items:
            out.gaps.append(
                {
                    "item": None,
                    "region": code,
                    "kind": "UNCOVERED_BEHAVIOR",
                    "behavior": bid,
                    "detail": f"behaviour {b.name} is linked to no item",
                }
            )
        for iid in b.items:
            if iid in g.items:
                item_scores[iid] += score
                item_reasons[iid].append(f"behaviour {b.name} ({why})")
    for item in g.items.values():
        hits = phrases_in(text, (item.name, *item.keywords, *item.objects))
        if hits:
            item_scores[item.id] += sum(len(h) for h in hits)
            item_reasons[item.id].append("text names " + "、".join(hits))
    for iid, sim in i_idx.similar(text, MIN_SIMILARITY):
        item_scores[iid] += 4 * sim
        item_reasons[iid].append(f"similar wording ({sim:.2f})")

    if not item_scores:
        out.gaps.append(
            {
                "item": None,
                "region": code,
                "kind": "UNCOVERED_BEHAVIOR",
                "behavior": name,
                "detail": "no behaviour or item matches this business form; "
                "add its behaviours to the catalogue or settle it by decision",
            }
        )
        return out

    ranked = sorted(item_scores.items(), key=lambda kv: (-kv[1], kv[0]))
    top = ranked[0][1]
    out.items = [
        {"id": i, "name": g.items[i].name, "score": round(s / top, 3), "reasons": item_reasons[i]}
        for i, s in ranked
    ]
    main = g.items[ranked[0][0]]
    at = code or g.region_path(next(iter(g.regions)))[-1]

    cands: dict[str, Candidate] = {}

    def credit(dep: Department, score: float, reason: str) -> None:
        c = cands.setdefault(dep.id, Candidate(dep, 0.0))
        c.score += score
        if reason not in c.reasons:
            c.reasons.append(reason)

    lead_lines: set[str] = set()
    for iid, s in ranked:
        res = resolve(g, iid, at, "lead", as_of)
        for a in res.answers:
            credit(
                a.department,
                W_ITEM * s / top,
                f"行为特征: leads {g.items[iid].name} ({iid}) in {at}, matched by {item_reasons[iid][0]}",
            )
            if iid == main.id:
                lead_lines.update(a.lines or a.department.systems)

    # 领域归口: lines that lead items of the main item's domain
    if main.domain:
        domain_lines: set[str] = set()
        for item in g.items.values():
            if item.domain == main.domain:
                for d in g.duties_on(item.id):
                    dep = g.departments.get(d.department)
                    if d.role == "lead" and d.active(as_of) and dep is not None:
                        domain_lines.update((d.line,) if d.line else dep.systems)
        for c in list(cands.values()):
            shared = sorted(domain_lines & set(c.department.systems))
            if shared:
                c.score += W_DOMAIN
                c.reasons.append(
                    f"领域归口: domain {main.domain} belongs to line {', '.join(shared)}"
                )

    # 业务相近: the nearest settled precedents
    excluded = set(exclude)
    matched_b = set(matched)
    for fid, sim in f_idx.similar(text, 0.1):
        form = g.business_forms[fid]
        if fid in excluded:
            continue
        overlap = len(matched_b & set(form.behaviors)) / max(len(set(form.behaviors)), 1)
        score = 0.5 * sim + 0.5 * overlap
        if score < 0.15 or len(out.precedents) >= 3:
            continue
        out.precedents.append(
            {
                "id": fid,
                "name": form.name,
                "lead": form.lead,
                "settled_on": form.settled_on,
                "basis": form.basis,
                "similarity": round(score, 3),
            }
        )
        for dep in _region_departments(g, form.lead or "", code, as_of):
            credit(
                dep,
                W_PRECEDENT * score,
                f"业务相近: like {form.name} ({fid}), settled {form.settled_on} on {form.basis}",
            )

    ranked_c = sorted(cands.values(), key=lambda c: (-c.score, c.department.id))
    if ranked_c:
        best = ranked_c[0].score
        for c in ranked_c:
            c.score = round(c.score / best, 3)
    out.candidates = ranked_c
    if len(ranked_c) >= 2 and ranked_c[1].score >= TOO_CLOSE:
        out.conflicts.append(
            {
                "item": main.id,
                "region": code,
                "kind": "TOO_CLOSE_TO_CALL",
                "departments": [c.department.id for c in ranked_c[:2]],
                "detail": "the top two candidates are too close to call: open a dispute",
            }
        )

    # assists: the main item's assist duties, and the other candidates
    lead_id = ranked_c[0].department.id if ranked_c else None
    assists: dict[str, Candidate] = {}
    for a in resolve(g, main.id, at, "assist", as_of).answers:
        if a.department.id != lead_id:
            assists.setdefault(a.department.id, Candidate(a.department, 1.0)).reasons.append(
                f"assists {main.name} ({main.id}) in {at}"
            )
    for c in ranked_c[1:]:
        if c.department.id not in assists:
            assists[c.department.id] = Candidate(c.department, c.score, list(c.reasons))
    out.assists = sorted(assists.values(), key=lambda c: (-c.score, c.department.id))
    return out
