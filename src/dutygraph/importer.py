"""Import inputs into a store: read, check, plan the changes, write them at once.

An import is all-or-nothing: any error in any row of any input stops it before
the store is touched, with every problem listed (:class:`ValidationFailed`).
With ``skip_invalid`` the valid rows go in and the rest are reported. A record
that is already in the store unchanged is left alone, so importing the same
input twice changes nothing.

>>> import tempfile, os
>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.store import EmbeddedStore
>>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "demo.db"))
>>> load(store, [DEMO_PATH]).added["duty"]
31
>>> load(store, [DEMO_PATH]).added
{}
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._gc import gc_paused
from .errors import Problem, ValidationFailed
from .graph import DutyGraph, identity
from .io import read_input
from .io.bundle import Batch
from .store.base import ChangeSet, Store
from .validation import check_batch, summarize

__all__ = ["ImportReport", "load"]


@dataclass
class ImportReport:
    """What an import read, wrote, skipped and warned about."""

    sources: list[str]
    read: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    skipped_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "dry_run": self.dry_run,
            "read": self.read,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped_rows": self.skipped_rows,
            "problems_by_kind": summarize(self.problems),
            "problems": [p.as_dict() for p in self.problems],
        }


def _plan(graph: DutyGraph, rows: Sequence[Any], report: ImportReport) -> list[Any]:
    added: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    unchanged: Counter[str] = Counter()
    out: dict[tuple[str, Any], Any] = {}
    for rec in rows:
        key = (rec.label, identity(rec))
        old = out.get(key) or graph.by_identity(rec.label).get(key[1])
        if old is None:
            added[rec.label] += 1
        elif old == rec and old.attrs == rec.attrs:
            unchanged[rec.label] += 1
            continue
        else:
            changed[rec.label] += 1
        out[key] = rec
    report.added, report.changed, report.unchanged = dict(added), dict(changed), dict(unchanged)
    return list(out.values())


def load(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    **options: Any,
) -> ImportReport:
    """Import every input in ``paths`` into ``store`` as one all-or-nothing write.

    Parameters
    ----------
    store : Store
    paths : bundle folders, bundle workbooks, or published lists
    skip_invalid : bool
        Import the valid rows and report the others, instead of nothing.
    dry_run : bool
        Check and plan, but write nothing.
    **options
        Passed to the readers (e.g. ``format``, ``region``, ``effective``).

    Raises
    ------
    ValidationFailed
        When an input has errors and ``skip_invalid`` is false; nothing is written.
    LoadError
        When an input cannot be read at all.
    """
    paths = [os.fspath(p) for p in paths]
    batch = Batch()
    with gc_paused():
        for path in paths:
            batch.extend(read_input(path, **options))
    report = ImportReport(sources=paths, dry_run=dry_run)
    report.read = batch.counts()

    def plan(graph: DutyGraph) -> ChangeSet:
        rows = check_batch(batch, graph, skip_invalid=skip_invalid)
        report.problems = list(batch.problems)
        if batch.errors and not skip_invalid:
            raise ValidationFailed(batch.problems)
        report.skipped_rows = len({(p.file, p.sheet, p.row) for p in batch.errors})
        records = _plan(graph, [r.record for r in rows], report)
        if dry_run:
            return ChangeSet()
        log = {"op": "import", "sources": paths, "added": report.added, "changed": report.changed}
        return ChangeSet(records, log)

    store.write(plan)
    return report
