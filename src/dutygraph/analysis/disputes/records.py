"""Finding, listing and showing disputes: the records and their plain-data shape."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...errors import NotFound, UsageError
from ...model import Dispute
from ...reader import GraphReader

#: ``duty``: who owns a kind of matter (机构编制部门); ``enforcement``: who handles a case (司法行政)
DISPUTE_KINDS = ("duty", "enforcement")
#: statuses; ``decided`` and ``withdrawn`` are final
STATUSES = ("open", "coordinating", "decided", "withdrawn")


def find_dispute(g: GraphReader, dispute: str | Dispute) -> Dispute:
    """The dispute with that id (a record is returned as it is)."""
    if isinstance(dispute, Dispute):
        return dispute
    found = g.disputes.get(dispute.strip())
    if found is None:
        known = ", ".join(sorted(g.disputes)[:10]) or "none recorded"
        raise NotFound(
            "dispute", dispute, f"known disputes: {known}; list them with `dutygraph dispute list`"
        )
    return found


def list_disputes(
    g: GraphReader, status: str | None = None, region: str | None = None
) -> list[Dispute]:
    """Disputes by id; ``region`` keeps that region's subtree, ``status`` one status.

    >>> from dutygraph.fixtures import demo_graph
    >>> list_disputes(demo_graph())
    []
    """
    if status is not None and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    within = set(g.subtree(g.find("region", region).code)) if region else None
    return [
        d
        for d in sorted(g.disputes.values(), key=lambda d: d.id)
        if (status is None or d.status == status) and (within is None or d.region in within)
    ]


def _items_of(g: GraphReader, d: Dispute) -> list[str]:
    """The items a dispute is about: the item, the business form's behaviours' items, the case's item."""
    kind = d.attrs.get("subject_kind", "item")
    if kind == "business_form" and d.subject in g.business_forms:
        out: list[str] = []
        for b in g.business_forms[d.subject].behaviors:
            for i in g.behaviors[b].items if b in g.behaviors else ():
                if i in g.items and i not in out:
                    out.append(i)
        return out
    item = d.attrs.get("item") or (d.subject if kind == "item" else "")
    return [item] if item in g.items else []


def _subject_dict(g: GraphReader, d: Dispute) -> dict[str, Any]:
    kind = d.attrs.get("subject_kind", "item")
    out: dict[str, Any] = {"kind": kind, "id": d.subject, "items": _items_of(g, d)}
    if kind == "item" and d.subject in g.items:
        out["name"] = g.items[d.subject].name
    elif kind == "business_form" and d.subject in g.business_forms:
        out["name"] = g.business_forms[d.subject].name
    else:
        out["description"] = d.subject
    if d.attrs.get("place"):
        out["place"] = d.attrs["place"]
    if d.attrs.get("filed"):
        out["filed"] = _filed(d)
    return out


def _filed(d: Dispute) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (d.attrs.get("filed") or "").split(";"):
        if "=" in part:
            dept, _, date = part.partition("=")
            out[dept] = date
    return out


def _related_items(g: GraphReader, items: Iterable[str]) -> set[str]:
    """The items, the items above them and every sub-item below them (from the catalogue's
    ``parent`` fields: one pass over the items table, on a store's reader too)."""
    out: set[str] = set()
    children: dict[str, list[str]] | None = None
    for i in items:
        out.update(g.item_path(i))
        if children is None:
            children = {}
            for it in g.items.values():
                if it.parent:
                    children.setdefault(it.parent, []).append(it.id)
        todo, seen = [i], {i}
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        out |= seen
    return out


def dispute_dict(g: GraphReader, d: Dispute) -> dict[str, Any]:
    """A dispute as plain data (the CLI's ``--json`` shape)."""
    return {
        "id": d.id,
        "kind": d.attrs.get("kind", "duty"),
        "status": d.status,
        "parties": list(d.parties),
        "subject": _subject_dict(g, d),
        "region": d.region,
        "raised_on": d.raised_on,
        "claims": dict(d.claims),
        "decision": d.decision,
        "attrs": dict(d.attrs),
    }
