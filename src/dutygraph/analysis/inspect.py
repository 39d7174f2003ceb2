"""Joint inspection (综合查一次): one plan instead of every department inspecting on its own.

For a supervised object (监管对象) in a region, every 行政检查 item whose
objects match it and that applies at the region's level, resolved to its
lead department(s) there (inherited or not, as :func:`dutygraph.analysis.resolve.resolve`
answers). The plan merges them: the participants, the merged item list with
each item's legal bases, and one lead, chosen and explained:

1. the department leading the most of the items;
2. tied: the one leading more key items (国办发〔2023〕1号 §四 lists them);
3. still tied: the one whose item is most specific to the object (the fewest
   supervised objects besides it) — the item that exists *for* this object;
4. still tied: no lead is chosen; the finding says the common government decides.

For an object named exactly as the items name it, the participants and items
are those :func:`dutygraph.analysis.conflicts.duplicate_inspections` reports
for the same region and object.

>>> from dutygraph.fixtures import demo_graph
>>> p = plan_inspection(demo_graph(), "加油站", "510104", "2025-10-01")
>>> p.lead.id, [x["department"].id for x in p.participants]
('JJ-JXJ', ['JJ-JXJ', 'JJ-SCJ', 'JJ-YJJ', 'JJ-ZJJ'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFound
from ..explain import named, say
from ..model import INSPECTION, Department, today
from ..reader import GraphReader, dispatchable
from .resolve import basis_evidence, resolve

__all__ = ["InspectionPlan", "matching_objects", "plan_inspection"]


@dataclass
class InspectionPlan:
    """One joint inspection of an object in a region: lead, participants, items with bases."""

    object: str
    region: str
    as_of: str
    objects: list[str] = field(default_factory=list)  # the catalogue's objects that matched
    lead: Department | None = None
    lead_reasons: list[str] = field(default_factory=list)
    participants: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def joint(self) -> bool:
        """Whether two or more departments inspect the object (a joint inspection is due)."""
        return len(self.participants) >= 2


def matching_objects(g: GraphReader, obj: str) -> list[str]:
    """The supervised objects of 行政检查 items that ``obj`` names: exactly, else by containment.

    >>> from dutygraph.fixtures import demo_graph
    >>> matching_objects(demo_graph(), "加油站"), matching_objects(demo_graph(), "燃气")
    (['加油站'], ['燃气经营企业'])
    """
    obj = obj.strip()
    every = sorted({o for i in g.items.values() if i.power_type == INSPECTION for o in i.objects})
    if obj in every:
        return [obj]
    return [o for o in every if len(obj) >= 2 and (obj in o or o in obj)]


@dispatchable
def plan_inspection(
    g: GraphReader, obj: str, region: str, as_of: str | None = None, lang: str = "zh"
) -> InspectionPlan:
    """Plan one joint inspection of ``obj`` (a supervised object) in ``region``.

    ``lang`` (``zh``, the default, or ``en``) is the language of the lead's
    reasons and the findings' details (:data:`dutygraph.explain.REASONS`).

    Raises :class:`~dutygraph.errors.NotFound` when no inspection item names the
    object (the message lists near objects).
    """
    as_of = as_of or today()
    code = g.find("region", region).code
    level = g.regions[code].level
    objects = matching_objects(g, obj)
    if not objects:
        near = sorted(
            {
                o
                for i in g.items.values()
                if i.power_type == INSPECTION
                for o in i.objects
                if set(o) & set(obj)
            }
        )[:8]
        hint = "no 行政检查 item names it as a supervised object"
        if near:
            hint += f"; objects with shared characters: {', '.join(near)}"
        raise NotFound("supervised object", obj, hint)
    plan = InspectionPlan(obj, code, as_of, objects)
    wanted = set(objects)
    led: dict[str, dict[str, Any]] = {}
    for item in g.items.values():  # in catalogue order, as the duplicate-inspection scan
        if item.power_type != INSPECTION or not wanted & set(item.objects):
            continue
        if not item.applies_at(level):
            continue
        res = resolve(g, item.id, code, "lead", as_of)
        if not res.answers:
            plan.findings.append(
                {
                    "kind": "NO_LEAD",
                    "item": item.id,
                    "detail": say("inspect_no_lead", lang, item=named(g, item.id)),
                }
            )
            continue
        bases: list[dict[str, Any]] = []
        for a in res.answers:
            for d in a.duties:
                for bid in d.bases:
                    if all(b["id"] != bid for b in bases):
                        bases.append(basis_evidence(g, bid, as_of))
        plan.items.append(
            {
                "id": item.id,
                "name": item.name,
                "key_item": item.key_item,
                "objects": list(item.objects),
                "departments": [a.department.id for a in res.answers],
                "inherited": any(a.inherited for a in res.answers),
                "bases": bases,
            }
        )
        for a in res.answers:
            entry = led.setdefault(
                a.department.id, {"department": a.department, "items": [], "key_items": 0}
            )
            entry["items"].append(item.id)
            entry["key_items"] += item.key_item
            specificity = 1.0 / len(item.objects)
            entry["specificity"] = max(entry.get("specificity", 0.0), specificity)
    plan.participants = [led[k] for k in sorted(led)]
    if not led:
        return plan

    def rank(e: dict[str, Any]) -> tuple[int, int, float]:
        return (len(e["items"]), e["key_items"], e["specificity"])

    ordered = sorted(led.values(), key=lambda e: (tuple(-x for x in rank(e)), e["department"].id))
    best = ordered[0]
    tied = [e for e in ordered if rank(e) == rank(best)]
    n_items, n_key, _ = rank(best)
    name = named(g, best["department"].id)
    if len(ordered) == 1:
        plan.lead = best["department"]
        plan.lead_reasons.append(say("inspect_alone", lang, department=name, object=obj))
    elif len(tied) == 1:
        plan.lead = best["department"]
        runner = ordered[1]
        if n_items > len(runner["items"]):
            plan.lead_reasons.append(
                say(
                    "inspect_most_items",
                    lang,
                    department=name,
                    count=n_items,
                    total=len(plan.items),
                )
            )
        elif n_key > runner["key_items"]:
            plan.lead_reasons.append(
                say("inspect_key_items", lang, department=name, count=n_items, n_key=n_key)
            )
        else:
            plan.lead_reasons.append(
                say(
                    "inspect_specific",
                    lang,
                    department=name,
                    count=n_items,
                    n_key=n_key,
                    object=obj,
                )
            )
    else:
        plan.findings.append(
            {
                "kind": "LEAD_TIED",
                "departments": [e["department"].id for e in tied],
                "detail": say("inspect_tied", lang),
            }
        )
    return plan
