"""Check a batch of records against itself and the store before anything is written.

Cell-level problems (bad dates, unknown roles, bad codes) are found while
reading; this module finds what needs the whole picture: duplicate ids,
references to nothing (in the batch or already in the store), and cycles in
the region, item and department trees. Each problem names the row and column
that hold the bad value.

With ``skip_invalid`` the rows in error are dropped and the check repeats, so a
row that referred to a dropped row is reported too; what is left is consistent.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

import networkx as nx

from .errors import Problem
from .graph import DutyGraph, identity, record_id
from .io.bundle import Batch, Row

__all__ = ["check_batch"]

# kind -> [(field, referenced kind, column label)]
_REFS: dict[str, list[tuple[str, str]]] = {
    "region": [("parent", "region")],
    "region_group": [("members", "region")],
    "department": [("region", "region"), ("superior", "department"), ("successor", "department")],
    "item": [("parent", "item")],
    "duty": [
        ("department", "department"),
        ("item", "item"),
        ("region", "region"),
        ("bases", "basis"),
    ],
    "behavior": [("items", "item")],
    "business_form": [
        ("behaviors", "behavior"),
        ("lead", "department"),
        ("assist", "department"),
        ("basis", "basis"),
    ],
    "dispute": [("parties", "department"), ("region", "region")],
}

_TREES = {
    "region": ("parent", "region tree"),
    "item": ("parent", "item tree"),
    "department": ("superior", "department tree (superior)"),
}


def _problem(row: Row, column: str | None, message: str, fix: str, code: str, **kw: Any) -> Problem:
    o = row.origin
    return Problem(o.file, o.row, column, message, fix, o.sheet, code=code, **kw)


def _values(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    return (value,)


def _check(rows: list[Row], graph: DutyGraph) -> tuple[list[Problem], set[int]]:
    problems: list[Problem] = []
    bad: set[int] = set()

    def flag(i: int, p: Problem) -> None:
        problems.append(p)
        if p.severity == "error":
            bad.add(i)

    # duplicates within the batch; ids of each kind the batch brings
    seen: dict[tuple[str, Any], int] = {}
    batch_ids: dict[str, set[str]] = {kind: set() for kind in _ATTRS}
    by_label: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        rec = row.record
        label = rec.label
        by_label.setdefault(label, []).append(i)
        key = (label, identity(rec))
        j = seen.setdefault(key, i)
        if j == i:
            if label != "duty":
                batch_ids[label].add(key[1])
            continue
        first = rows[j]
        if first.record == rec:
            flag(
                i,
                _problem(
                    row,
                    None,
                    f"repeats {first.origin}",
                    "delete one of the two rows",
                    "duplicate-row",
                    severity="warning",
                ),
            )
            continue
        column = {"duty": None, "region": "code"}.get(rec.label, "id")
        what = "duty" if rec.label == "duty" else f"{rec.label} id {record_id(rec)!r}"
        flag(
            i,
            _problem(
                row,
                column,
                f"duplicate {what}: also at {first.origin}",
                "give each row its own id, or merge the two rows",
                "duplicate-id",
            ),
        )

    # references: check each distinct value once, then find the rows that hold a bad one
    known = {kind: graph.table(kind).keys() | batch_ids[kind] for kind in _ATTRS if kind != "duty"}
    for label, indexes in by_label.items():
        records = [rows[i].record for i in indexes]
        for fieldname, kind in _REFS.get(label, ()):
            column = list(map(attrgetter(fieldname), records))
            values: set[str] = set()
            if fieldname in _MULTI:
                values.update(*set(column))
            else:
                values.update(column)
                values.discard(None)  # type: ignore[arg-type]
            missing = values - known[kind]
            if not missing:
                continue
            for i in indexes:
                row = rows[i]
                for value in _values(getattr(row.record, fieldname)):
                    if value in missing:
                        flag(
                            i,
                            _problem(
                                row,
                                fieldname,
                                f"{fieldname} {value!r}: no such {kind}",
                                f"add {kind} {value!r} to the bundle (or the store) first, or correct the id",
                                f"unknown-{kind.replace('_', '-')}",
                            ),
                        )
    departments = graph.table("department")
    batch_departments = {r.record.id: r.record for r in rows if r.record.label == "department"}
    for i in by_label.get("duty", ()):
        row = rows[i]
        rec = row.record
        if rec.line:
            dep = batch_departments.get(rec.department) or departments.get(rec.department)
            if dep is not None and rec.line not in dep.systems:
                flag(
                    i,
                    _problem(
                        row,
                        "line",
                        f"department {rec.department} does not carry line {rec.line!r}",
                        f"use one of its systems: {', '.join(dep.systems) or '(none)'}",
                        "unknown-line",
                    ),
                )
        if not rec.bases:
            flag(
                i,
                _problem(
                    row,
                    "bases",
                    "duty has no legal basis",
                    "name the law, 三定 provision or power list it rests on",
                    "no-basis",
                    severity="warning",
                ),
            )
    for i in by_label.get("region", ()):
        row = rows[i]
        if row.record.parent == row.record.code:
            flag(
                i,
                _problem(
                    row,
                    "parent",
                    "a region cannot be its own parent",
                    "give the code of the region above it",
                    "cycle",
                ),
            )

    # cycles in the trees, over the batch and the store together
    for kind, (fieldname, tree_name) in _TREES.items():
        links: dict[str, str] = {}
        row_of: dict[str, tuple[int, Row]] = {}
        for key, rec in graph.table(kind).items():
            if getattr(rec, fieldname):
                links[key] = getattr(rec, fieldname)
        for i, row in enumerate(rows):
            rec = row.record
            if rec.label == kind:
                target = getattr(rec, fieldname)
                key = record_id(rec)
                links.pop(key, None)
                if target:
                    links[key] = target
                row_of[key] = (i, row)
        g = nx.DiGraph(list(links.items()))
        for cycle in nx.simple_cycles(g):
            members = " → ".join([*cycle, cycle[0]])
            for key in cycle:
                if key in row_of:
                    i, row = row_of[key]
                    flag(
                        i,
                        _problem(
                            row,
                            fieldname,
                            f"cycle in the {tree_name}: {members}",
                            f"correct the {fieldname} of one of them",
                            "cycle",
                        ),
                    )
    return problems, bad


#: the reference fields that hold several ids
_MULTI = {"members", "bases", "items", "behaviors", "assist", "parties"}

_ATTRS = (
    "region",
    "region_group",
    "department",
    "item",
    "basis",
    "duty",
    "behavior",
    "business_form",
    "dispute",
)


def check_batch(batch: Batch, graph: DutyGraph, *, skip_invalid: bool = False) -> list[Row]:
    """Check ``batch`` against itself and ``graph``; add the problems to the batch.

    Returns the rows that may be imported: all of them when there is no
    error, none when there is one (unless ``skip_invalid``: then the valid
    rows, after repeating the check without the rows in error).

    >>> from dutygraph.fixtures import DEMO_PATH
    >>> from dutygraph.io.bundle import read_bundle
    >>> batch = read_bundle(DEMO_PATH)
    >>> len(check_batch(batch, DutyGraph())) == len(batch.rows)
    True
    """
    rows = list(batch.rows)
    reported: set[tuple[Any, ...]] = set()
    has_error = bool(batch.errors)
    while True:
        problems, bad = _check(rows, graph)
        for p in problems:
            key = (p.file, p.sheet, p.row, p.column, p.message)
            if key not in reported:
                reported.add(key)
                batch.problems.append(p)
        has_error = has_error or bool(bad)
        if not bad:
            break
        if not skip_invalid:
            return []
        rows = [r for i, r in enumerate(rows) if i not in bad]
    if has_error and not skip_invalid:
        return []
    return rows


def summarize(problems: Iterable[Problem]) -> dict[str, int]:
    """Count problems by severity and code, e.g. ``{"warning:no-basis": 3}``."""
    out: dict[str, int] = {}
    for p in problems:
        k = f"{p.severity}:{p.code}"
        out[k] = out.get(k, 0) + 1
    return out
