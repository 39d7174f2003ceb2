"""The evidence in a dispute: each party's duties and bases on the subject, and precedents."""

from __future__ import annotations

from typing import Any

from ...model import Dispute, today
from ...reader import GraphReader
from ...serialize import department_dict
from ..resolve import duty_evidence, resolve
from .records import _filed, _items_of, _related_items, _subject_dict, find_dispute


def evidence(g: GraphReader, dispute: str | Dispute, as_of: str | None = None) -> dict[str, Any]:
    """What each party's duties and bases say about the subject, and the precedents.

    For each party: its duties on the subject's items (and their parent and
    sub-items), in any region and at any date, each with its bases (title,
    kind, article, in force or not), source and validity interval, and whether
    it is active as of the date; and whether the resolution rules make it lead
    or assist in the dispute's region. Precedents: settled business forms
    that resemble the subject (linked behaviours, then wording), and decided
    disputes on the same items.

    >>> from dutygraph.fixtures import demo_graph
    >>> from dutygraph.model import Dispute
    >>> d = Dispute("DSP-X", ("SC-WJW", "SC-SCJ"), "I-MEDBEAUTY", "510000", "2025-01-10")
    >>> e = evidence(demo_graph(), d, "2025-01-10")
    >>> [(p["department"]["id"], p["resolved"]["lead"]) for p in e["parties"]]
    [('SC-WJW', True), ('SC-SCJ', True)]
    >>> e["parties"][0]["duties"][0]["bases"][0]["id"], e["parties"][0]["duties"][0]["source"]
    ('B-SC-LIST', 'sc-key-items-2023#7')
    """
    d = find_dispute(g, dispute)
    as_of = as_of or today()
    items = _items_of(g, d)
    related = _related_items(g, items)
    region = d.attrs.get("place") or d.region
    resolved: dict[str, dict[str, Any]] = {}
    for item in items:
        if region not in g.regions:
            break
        for role in ("lead", "assist"):
            for a in resolve(g, item, region, role, as_of).answers:
                entry = resolved.setdefault(a.department.id, {})
                entry.setdefault(role, []).append(
                    {"item": item, "via": a.via, "inherited": a.inherited}
                )
    parties = []
    for pid in d.parties:
        dep = g.departments.get(pid)
        duties = sorted(
            (x for x in g.duties_of(pid) if x.item in related),
            key=lambda x: (x.item, x.region, x.role, x.valid_from or ""),
        )
        mine = resolved.get(pid, {})
        parties.append(
            {
                "department": department_dict(dep) if dep else {"id": pid, "missing": True},
                "claim": d.claims.get(pid, ""),
                "duties": [
                    {**duty_evidence(g, x, as_of), "active": x.active(as_of)} for x in duties
                ],
                "resolved": {
                    "region": region,
                    "lead": bool(mine.get("lead")),
                    "assist": bool(mine.get("assist")),
                    "how": mine,
                },
                "filed_on": _filed(d).get(pid),
            }
        )
    return {
        "dispute": d.id,
        "as_of": as_of,
        "subject": _subject_dict(g, d),
        "parties": parties,
        "precedents": _precedents(g, d, items, as_of),
    }


def _precedents(g: GraphReader, d: Dispute, items: list[str], as_of: str) -> list[dict[str, Any]]:
    from .. import match  # the one matcher, the assignment's

    text_parts = [d.subject]
    for i in items:
        it = g.items[i]
        text_parts.extend((it.name, *it.keywords, *it.objects))
    if d.subject in g.business_forms:
        form = g.business_forms[d.subject]
        text_parts.extend((form.name, form.description))
    ix = match.indexes(g, as_of)
    words = match.query_words(ix, "", " ".join(text_parts))
    similar = {k: v for k, (v, _) in ix.similar_forms(words).items() if v >= 0.05}
    related = _related_items(g, items)
    scored: list[dict[str, Any]] = []
    for form in g.business_forms.values():
        if not form.settled or form.id == d.subject:
            continue
        linked = sorted(
            i
            for b in form.behaviors
            if b in g.behaviors
            for i in g.behaviors[b].items
            if i in related
        )
        score = (0.6 if linked else 0.0) + 0.4 * similar.get(form.id, 0.0)
        if score < 0.1:
            continue
        reasons = [f"its behaviours touch {', '.join(linked)}"] if linked else []
        if form.id in similar:
            reasons.append(f"similar wording ({similar[form.id]:.2f})")
        scored.append(
            {
                "kind": "business_form",
                "id": form.id,
                "name": form.name,
                "lead": form.lead,
                "assist": list(form.assist),
                "settled_on": form.settled_on,
                "basis": form.basis,
                "similarity": round(score, 3),
                "reasons": reasons,
            }
        )
    scored.sort(key=lambda p: (-p["similarity"], p["id"]))
    out = scored[:3]
    for other in sorted(g.disputes.values(), key=lambda x: x.id):
        if other.id != d.id and other.status == "decided" and set(_items_of(g, other)) & set(items):
            out.append(
                {
                    "kind": "dispute",
                    "id": other.id,
                    "region": other.region,
                    "lead": (other.decision or {}).get("lead"),
                    "assist": (other.decision or {}).get("assists", []),
                    "settled_on": (other.decision or {}).get("decided_on"),
                    "basis": (other.decision or {}).get("basis"),
                    "reasons": ["a decided dispute on the same item"],
                }
            )
    return out
