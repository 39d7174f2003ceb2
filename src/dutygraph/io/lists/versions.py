"""Versions of a published list: each import is one; closing what a new version drops."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ...errors import Problem, ValidationFailed
from ...graph import DutyGraph
from ...model import Duty, active


@dataclass
class ListVersion:
    """One version of one list, as read from one file."""

    list_id: str
    version: str
    effective: str | None
    format: str
    title: str
    file: str
    #: rows in error, skipped: the duties they would have made are not "removed"
    partial: bool = False


def _source_list(source: str | None) -> str | None:
    return source.split("#", 1)[0] if source else None


def _content(d: Duty) -> tuple[str, str, str, str, str]:
    return (d.department, d.item, d.region, d.role, d.line or "")


def _brief(d: Duty) -> dict[str, Any]:
    return {
        "department": d.department,
        "item": d.item,
        "region": d.region,
        "role": d.role,
        "bases": list(d.bases),
        "source": d.source,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
    }


def _same(a: Duty, b: Duty) -> bool:
    return a.bases == b.bases and a.attrs == b.attrs


def apply_versions(
    graph: DutyGraph, versions: list[ListVersion], records: list[Any]
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Fold new list versions into the store's history; returns records to write and the diffs.

    For each version, its duties are compared with the open duties of the
    same list in ``graph`` by department, item, region, role and line: a duty
    in both with the same bases and attributes is left as it is (the new row
    is dropped); one whose bases or attributes changed is closed at the
    effective date and the new one opens there; one the new version no longer
    has is closed at the effective date (``valid_to``) — never deleted.
    Re-importing the same version corrects it in place.

    Raises
    ------
    ValidationFailed
        A changed list with no effective date, or a version older than the
        one in force.
    """
    diffs: list[dict[str, Any]] = []
    if not versions:
        return records, diffs
    by_list = {v.list_id: v for v in versions}
    new_by: dict[str, list[Duty]] = {k: [] for k in by_list}
    keep: list[Any] = []
    for rec in records:
        if rec.label == "duty" and (lid := _source_list(rec.source)) in new_by:
            new_by[lid].append(rec)
        else:
            keep.append(rec)
    old_by: dict[str, list[Duty]] = {k: [] for k in by_list}
    of_list = getattr(graph, "open_duties_of_list", None)
    if of_list is not None:  # a graph's source column, a lazy reader's indexed query
        for lid in old_by:
            old_by[lid] = of_list(lid)
    else:
        for d in graph.duty_list():
            lid = _source_list(d.source)
            if lid in old_by and d.valid_to is None:
                old_by[lid].append(d)
    problems: list[Problem] = []
    for lid, v in by_list.items():
        new, old = new_by[lid], old_by[lid]
        eff = v.effective
        old_at = {_content(d): d for d in old}
        new_at = {_content(d): d for d in new}
        added = [d for k, d in new_at.items() if k not in old_at]
        removed = [d for k, d in old_at.items() if k not in new_at]
        changed = [
            (old_at[k], d) for k, d in new_at.items() if k in old_at and not _same(old_at[k], d)
        ]
        same = [old_at[k] for k, d in new_at.items() if k in old_at and _same(old_at[k], d)]
        if v.partial:
            removed = []  # rows were skipped: absence proves nothing
        starts = {d.valid_from for d in old}
        if (added or removed or changed) and old and eff is None:
            problems.append(
                Problem(
                    v.file,
                    None,
                    None,
                    f"this file changes list {lid} but has no effective date",
                    "pass --effective YYYY-MM-DD (the date the new version takes effect)",
                    code="no-effective-date",
                )
            )
            continue
        latest = max((s for s in starts if s), default=None)
        if (
            eff is not None
            and latest is not None
            and eff < latest
            and (added or removed or changed)
        ):
            problems.append(
                Problem(
                    v.file,
                    None,
                    None,
                    f"version {eff} of list {lid} is older than the version in force ({latest})",
                    "import versions in order of their effective dates",
                    code="old-version",
                )
            )
            continue
        keep.extend(same)  # the importer counts them unchanged
        keep.extend(added)
        for o, n in changed:
            if o.valid_from != n.valid_from:
                keep.append(dataclasses.replace(o, valid_to=eff))
            keep.append(n)
        for o in removed:
            keep.append(dataclasses.replace(o, valid_to=eff if eff else o.valid_from))
        diffs.append(
            {
                "list": lid,
                "format": v.format,
                "version": v.version,
                "effective": eff,
                "previous": latest,
                "added": [_brief(d) for d in added],
                "removed": [_brief(d) for d in removed],
                "changed": [{"old": _brief(o), "new": _brief(n)} for o, n in changed],
                "unchanged": len(same),
            }
        )
    if problems:
        raise ValidationFailed(problems)
    return keep, diffs


def list_versions(graph: DutyGraph) -> dict[str, list[str]]:
    """Every list in the graph with its versions (effective dates, oldest first).

    >>> list_versions(DutyGraph())
    {}
    """
    out: dict[str, set[str]] = {}
    for d in graph.duty_list():
        if d.source and "#" in d.source:
            out.setdefault(d.source.split("#", 1)[0], set()).add(d.valid_from or "undated")
    return {k: sorted(v, key=lambda s: "" if s == "undated" else s) for k, v in sorted(out.items())}


def diff_versions(graph: DutyGraph, list_id: str, old: str, new: str) -> dict[str, Any]:
    """What changed in list ``list_id`` between versions ``old`` and ``new`` (effective dates).

    A version's content is the list's duties in force on its date.
    """

    def at(date: str) -> dict[tuple[str, ...], Duty]:
        day = "0001-01-01" if date == "undated" else date
        return {
            _content(d): d
            for d in graph.duty_list()
            if _source_list(d.source) == list_id and active(d.valid_from, d.valid_to, day)
        }

    a, b = at(old), at(new)
    return {
        "list": list_id,
        "old": old,
        "new": new,
        "added": [_brief(d) for k, d in b.items() if k not in a],
        "removed": [_brief(d) for k, d in a.items() if k not in b],
        "changed": [
            {"old": _brief(a[k]), "new": _brief(d)}
            for k, d in b.items()
            if k in a and not _same(a[k], d)
        ],
        "unchanged": sum(1 for k, d in b.items() if k in a and _same(a[k], d)),
    }
