"""The hot questions as the plain JSON data the CLI's ``--json`` prints: one piece for every path.

``dutygraph lead … --json``, ``GET /api/lead?…`` and the explorer's answers
are all :func:`answer` of the same question, so they cannot drift apart
(``tests/test_api_json.py`` holds them and GraphQL equal).

>>> from dutygraph.fixtures import demo_graph
>>> g = demo_graph()
>>> answer(g, "lead", item="I-FOOD", region="锦江区", as_of="2025-06-01")["answers"][0]["department"]["id"]
'JJ-SCJ'
>>> [(x["item"], x["kind"]) for x in answer(g, "gaps", region="510107", as_of="2025-01-01", kinds=["NO_LEAD"])]
[('I-OIL', 'NO_LEAD')]
>>> answer(g, "gaps", kinds=["NOPE"])
Traceback (most recent call last):
...
dutygraph.errors.UsageError: 未知的类别 'NOPE'：可用 NO_LEAD, NO_COUNTERPART, LEAD_ABOLISHED, NO_LEGAL_BASIS, UNCOVERED_BEHAVIOR (unknown kind)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .analysis.assign import assign_business_form
from .analysis.conflicts import CONFLICT_KINDS, duplicate_inspections, find_conflicts
from .analysis.gaps import GAP_KINDS, find_gaps
from .analysis.resolve import who_assists, who_leads
from .errors import UsageError
from .model import today
from .reader import GraphReader
from .serialize import assignment_dict, conflict_dict, gap_dict, inspection_dict, resolution_dict

__all__ = ["KINDS", "QUESTIONS", "SCANS", "answer", "rows"]

#: the questions :func:`answer` takes
QUESTIONS = ("lead", "assist", "gaps", "conflicts", "inspections", "assign")
#: those answered by a list of rows (:func:`rows`)
SCANS = ("gaps", "conflicts", "inspections")
#: the kinds a scan may be narrowed to
KINDS: dict[str, Sequence[str]] = {"gaps": GAP_KINDS, "conflicts": CONFLICT_KINDS}


def _kinds(question: str, kinds: Iterable[str] | None) -> list[str] | None:
    wanted = list(kinds or ())
    known = KINDS.get(question, ())
    for k in wanted:
        if k not in known:
            raise UsageError(f"未知的类别 {k!r}：可用 {', '.join(known)} (unknown kind)")
    return wanted or None


def rows(
    g: GraphReader,
    question: str,
    *,
    region: str | None = None,
    as_of: str | None = None,
    kinds: Iterable[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The rows of a scan (``gaps``, ``conflicts``, ``inspections``), each built as it is taken."""
    date = as_of or today()
    wanted = _kinds(question, kinds)
    if question == "gaps":
        return (gap_dict(g, x) for x in find_gaps(g, region, date, wanted))
    if question == "conflicts":
        return (conflict_dict(g, c, date) for c in find_conflicts(g, region, date, wanted))
    if question == "inspections":
        return (inspection_dict(x) for x in duplicate_inspections(g, region, date))
    raise UsageError(f"未知的扫描 {question!r}：可用 {', '.join(SCANS)} (unknown scan)")


def answer(
    g: GraphReader,
    question: str,
    *,
    item: str | None = None,
    region: str | None = None,
    as_of: str | None = None,
    kinds: Iterable[str] | None = None,
    name: str | None = None,
    description: str = "",
    behaviors: Sequence[str] = (),
) -> Any:
    """The CLI's ``--json`` for ``question`` (one of :data:`QUESTIONS`) on ``g``.

    ``lead``/``assist`` take ``item`` and ``region``; the scans an optional
    ``region`` and ``kinds``; ``assign`` a ``name`` and optionally
    ``description``, ``behaviors`` and ``region``. Every one takes ``as_of``
    (default today).
    """
    date = as_of or today()
    if question in ("lead", "assist"):
        if not item or not region:
            raise UsageError("谁牵头/谁协办需要事项和地区 (item and region are needed)")
        fn = who_leads if question == "lead" else who_assists
        return resolution_dict(g, fn(g, item, region, date))
    if question in SCANS:
        return list(rows(g, question, region=region, as_of=date, kinds=kinds))
    if question == "assign":
        if not name:
            raise UsageError("新业态归口需要业态名称 (a name is needed)")
        a = assign_business_form(g, name, description, list(behaviors), region, date)
        return assignment_dict(a)
    raise UsageError(f"未知的问题 {question!r}：可用 {', '.join(QUESTIONS)} (unknown question)")
