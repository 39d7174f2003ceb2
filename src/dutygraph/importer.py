"""Import inputs into a store: read, check, plan the changes, write them at once.

An import is all-or-nothing: any error in any row of any input stops it before
the store is touched, with every problem listed (:class:`ValidationFailed`).
With ``skip_invalid`` the valid rows go in and the rest are reported. A record
that is already in the store unchanged is left alone, so importing the same
input twice changes nothing.

The plan says what it reads (``plan.touches()``, a
:class:`~dutygraph.validation.Touches`, worked out when asked) unless the batch holds a law corpus or
published-list versions (those compare with whole tables): a store without a
cheap snapshot (the Neo4j store) then reads only those records. A small import
(:data:`SMALL_IMPORT` rows at most: a bundle, a list version, a law act) is
marked :func:`~dutygraph.store.base.reads_rows`, and a store with a row reader
(``row_reader``: the embedded store) has it, the list's name matching and a
corpus's merge read only the rows they ask for, not the whole graph.

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

import contextlib
import functools
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._gc import gc_paused
from .columns import DutyColumns
from .errors import Problem, ValidationFailed
from .graph import DutyGraph, identity
from .io import read_input
from .io.bundle import Batch, DutyStream, StreamFallback
from .model import LAW_KINDS
from .store.base import ChangeSet, Store, reads_rows
from .validation import check_batch, duty_checks, summarize, touched

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
    #: published lists: per list version, the duties added, removed and changed
    lists: list[dict[str, Any]] = field(default_factory=list)
    #: data rows read from published lists
    rows_read: int = 0

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notes(self) -> list[Problem]:
        """How rows were read, nothing to fix (severity ``note``)."""
        return [p for p in self.problems if p.severity == "note"]

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
            "rows_read": self.rows_read,
            "lists": self.lists,
        }


def _plan(
    graph: DutyGraph, rows: Sequence[Any], duties: DutyColumns, report: ImportReport
) -> tuple[list[Any], DutyColumns]:
    """What to write: the records and duties that are new or changed, counted in ``report``."""
    added: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    unchanged: Counter[str] = Counter()
    duties = _plan_duties(graph, duties, added, changed, unchanged)
    _fetch_stored(graph, rows)
    # duties among the records (a list version's): the stored ones of their keys, looked
    # up as the duty columns' are (not an index of every duty built for a few)
    keys = [identity(r) for r in rows if r.label == "duty"]
    stored = _duties_with_keys(graph, keys) if keys else None
    out: dict[tuple[str, Any], Any] = {}
    for rec in rows:
        key = (rec.label, identity(rec))
        old = out.get(key) or (
            stored.get(key[1])
            if stored is not None and rec.label == "duty"
            else graph.by_identity(rec.label).get(key[1])
        )
        if old is None:
            added[rec.label] += 1
        elif old == rec and old.attrs == rec.attrs:
            unchanged[rec.label] += 1
            continue
        else:
            changed[rec.label] += 1
        out[key] = rec
    report.added, report.changed, report.unchanged = dict(added), dict(changed), dict(unchanged)
    return list(out.values()), duties


def _fetch_stored(graph: Any, rows: Sequence[Any]) -> None:
    """Have a lazy reader read the stored records of ``rows`` a kind at a time (one indexed
    query each, kept in its tables) rather than one query a record; a graph has them."""
    if isinstance(graph, DutyGraph):
        return
    ids: dict[str, list[Any]] = {}
    for rec in rows:
        ids.setdefault(rec.label, []).append(identity(rec))
    for label, keys in ids.items():
        if label != "duty":  # duties: _duties_with_keys
            fetch = getattr(graph.table(label), "fetch", None)
            if fetch is not None:
                fetch(keys)


def _plan_duties(
    graph: DutyGraph,
    duties: DutyColumns,
    added: Counter[str],
    changed: Counter[str],
    unchanged: Counter[str],
) -> DutyColumns:
    """The duties read as columns that are new or differ from the store's (a later row
    with the same key replaces an earlier one), compared a column at a time."""
    if not duties:
        return duties
    if not duties.unique():
        last = {key: k for k, key in enumerate(duties.keys())}
        duties = duties.take(sorted(last.values()))
    index, theirs, keys = _stored_duties(graph, duties)
    if not index:
        added["duty"] += len(duties)
        return duties
    # each duty's compared fields made one at a time, not a list of half a million tuples
    mine = duties.each_value()
    keep = [
        (j := index.get(key)) is None or theirs[j] != value
        for key, value in zip(keys, mine, strict=True)
    ]
    new = sum(key not in index for key in keys)
    kept = sum(keep)
    if new:
        added["duty"] += new
    if kept > new:
        changed["duty"] += kept - new
    if len(keys) > kept:
        unchanged["duty"] += len(keys) - kept
    return duties if kept == len(keys) else duties.take(mask=keep)


def _stored_duties(
    graph: Any, duties: DutyColumns
) -> tuple[dict[tuple[str, ...], int], list[tuple[Any, ...]], list[tuple[str, ...]]]:
    """The stored duties with the keys of ``duties``: row number by key, each row's
    compared values (``{}`` when none is stored), and the keys of ``duties`` (``[]`` then).
    A lazy reader reads only those duties
    (:meth:`~dutygraph.store.sqlite.reader.SqliteReader.duties_by_key`), a graph looks a
    small import's up by (item, region), a big one's in the index of every duty. The keys
    are made once, and not at all for a big import into a store with no duties (a
    province's take ~55 MB)."""
    if _by_key(graph, len(duties)):
        keys = duties.keys()
        found = _duties_with_keys(graph, keys)
        assert found is not None
        if not found:
            return {}, [], []
        return (
            {key: j for j, key in enumerate(found)},
            DutyColumns.from_records(found.values()).values(),
            keys,
        )
    index = graph.duty_index()
    if not index:
        return {}, [], []
    keys = duties.keys()
    if index.keys().isdisjoint(keys):
        return {}, [], []
    return index, graph.duty_columns().values(), keys


def _duties_with_keys(graph: Any, keys: list[tuple[str, ...]]) -> dict[tuple[str, ...], Any] | None:
    """The stored duties with these keys, by key, where that is cheap: a lazy reader's
    indexed query, or a graph's (item, region) buckets for a small import; ``None`` for a
    big one (the caller uses the index of every duty)."""
    if not _by_key(graph, len(keys)):
        return None
    by_key = getattr(graph, "duties_by_key", None)
    if by_key is not None:
        return by_key(keys)  # type: ignore[no-any-return]
    wanted = set(keys)
    pairs = dict.fromkeys((k[1], k[2]) for k in keys)  # a key is (department, item, region, …)
    return {d.key: d for pair in pairs for d in graph.duties_at(*pair) if d.key in wanted}


def _by_key(graph: Any, n: int) -> bool:
    """Whether ``n`` stored duties are looked up by key (:func:`_duties_with_keys`): on a lazy
    reader always, on a graph for a small import only."""
    return getattr(graph, "duties_by_key", None) is not None or n <= SMALL_IMPORT


#: an import of at most this many rows (and no law corpus or published list) reads only
#: the stored rows its checks ask for, not the whole graph (a store that can: the
#: embedded store's lazy reader); a bigger one reads the whole graph, cheaper in bulk
SMALL_IMPORT = 5_000


#: a bundle's duty table of more than this many lines, imported alone into an embedded store
#: that holds no duties, is read, checked and written a slice at a time (:class:`_Stream`)
STREAM_FROM = 50_000


class _Stream:
    """The duties of a :class:`~dutygraph.io.bundle.DutyStream`, each slice checked as
    :func:`~dutygraph.validation.check_batch` checks duties (``check``) before the write
    takes it; at the end, the keys of every slice compared (a hash each, as
    :meth:`~dutygraph.columns.DutyColumns.unique` does) and the counts put in ``report``.
    Anything the whole import would report — a problem in a slice, a repeated key, an
    error while reading — raises :class:`StreamFallback`: the write rolls back and
    :func:`load` imports the input whole, for the exact report. Stands for the change
    set's duty columns: ``len`` is the file's lines (at least its rows: the write takes
    the bulk path, keeps no link and drops its graph); the store writes :meth:`slices`."""

    def __init__(
        self, duties: DutyStream, check: Callable[[DutyColumns], list[Any]], report: ImportReport
    ) -> None:
        self.duties, self.check, self.report = duties, check, report

    def __len__(self) -> int:
        return len(self.duties)

    def __bool__(self) -> bool:
        return True

    def slices(self) -> Iterator[DutyColumns]:
        hashes = array("q")
        try:
            for part in self.duties.slices():
                if self.check(part):
                    raise StreamFallback("a problem in a slice")
                hashes.extend(map(hash, part.keys()))
                yield part
                part = None  # type: ignore[assignment]  # not held while the next is made
            if not hashes:
                raise StreamFallback("no duties")  # the whole import may write nothing
            import polars as pl

            if pl.Series(hashes, dtype=pl.Int64).n_unique() != len(hashes):
                raise StreamFallback("a repeated key")  # (or two keys of one hash)
        except StreamFallback:
            raise
        except Exception as exc:  # a read error: the whole read raises it, in its order
            raise StreamFallback(str(exc)) from exc
        n = len(hashes)
        assert n == self.duties.read
        self.report.read["duty"] = n
        added = {"duty": n, **self.report.added}  # first, as _plan_duties counts them
        self.report.added.clear()  # the same dict: the write's log entry holds it
        self.report.added.update(added)


def _streams(
    store: Store, sources: list[str], skip_invalid: bool, dry_run: bool, options: dict[str, Any]
) -> bool:
    """Whether an import may read its duty table a slice at a time: one bundle folder into
    an embedded store, all or nothing, written."""
    from .store.embedded import EmbeddedStore

    return (
        isinstance(store, EmbeddedStore)
        and not skip_invalid
        and not dry_run
        and len(sources) == 1
        and options.get("format") in (None, "bundle")
        and Path(sources[0]).is_dir()
    )


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
    strict : bool
        A citation the law corpus contradicts (unknown law, missing article, not in
        force on the duty's dates: :mod:`dutygraph.io.laws.cite`) is an error, not a warning.
    small_import : int
        The most rows an import may have to be planned on a lazy reader (default
        :data:`SMALL_IMPORT`); a store with ``reads_by_key`` uses its reader whatever the size.
    **options
        Passed to the readers (e.g. ``format``, ``region``, ``effective``).

    Raises
    ------
    ValidationFailed
        When an input has errors and ``skip_invalid`` is false; nothing is written.
    LoadError
        When an input cannot be read at all.
    """
    sources = [os.fspath(p) for p in paths]
    stream_from = options.pop("stream_from", STREAM_FROM)
    if stream_from is not None and _streams(store, sources, skip_invalid, dry_run, options):
        from .store.embedded import PATCH_AT_MOST
        from .store.sqlite.bulk import BULK_AT_LEAST

        # never below the bulk write's size: the write takes the bulk path, keeps no link
        stream_from = max(int(stream_from), BULK_AT_LEAST, PATCH_AT_MOST)
        fresh = not Path(store.path).exists()  # type: ignore[attr-defined]
        try:
            return _load(store, sources, skip_invalid, dry_run, stream_from, options)
        except StreamFallback:
            if fresh:  # the write that gave up made the file: as if it never had
                _unmake(store)
    return _load(store, sources, skip_invalid, dry_run, None, options)


def _unmake(store: Any) -> None:
    """Remove the store file a write that rolled back made (no write in it), as a failed
    import into a new path leaves none."""
    if not Path(store.path).exists() or store.history():
        return  # none made, or another process wrote into it meanwhile: theirs now
    store.close()
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{store.path}{suffix}")


def _load(
    store: Store,
    sources: list[str],
    skip_invalid: bool,
    dry_run: bool,
    stream_from: int | None,
    options: dict[str, Any],
) -> ImportReport:
    options = dict(options)
    strict = bool(options.pop("strict", False))
    small_import = int(options.pop("small_import", SMALL_IMPORT))
    if stream_from is not None:
        options["stream_duties"] = stream_from
    batch = Batch()
    versions: list[Any] = []  # published-list versions (dutygraph.io.lists.ListVersion)
    # what published lists match names against and a law corpus merges with: the store's
    # row reader where it has one (the tables read as asked), else its whole graph
    view = functools.cache(store.reader if getattr(store, "row_reader", False) else store.graph)
    options.setdefault("graph", view)
    rows_read = 0
    try:
        with gc_paused():
            for path in sources:
                got = read_input(path, **options)
                batch.extend(got)
                versions.extend(getattr(got, "versions", ()))
                rows_read += getattr(got, "rows_read", 0)
    finally:
        if view.cache_info().currsize:
            close = getattr(view(), "close", None)
            if close is not None and not isinstance(view(), DutyGraph):
                close()  # the reader's read transaction, not held through the write
    stream = batch.stream
    if stream is not None and (
        versions or batch.duties or any(r.record.label in LAW_KINDS for r in batch.rows)
    ):
        raise StreamFallback("more than one duty table")
    report = ImportReport(sources=sources, dry_run=dry_run, rows_read=rows_read)
    report.read = batch.counts()

    def plan(graph: DutyGraph) -> ChangeSet:
        from .io.laws.cite import resolve_citations

        resolve_citations(batch, graph, strict=strict)
        rows, duties = check_batch(batch, graph, skip_invalid=skip_invalid)
        report.problems = list(batch.problems)
        if batch.errors and not skip_invalid:
            if stream is not None:
                raise StreamFallback("errors")  # the whole read lists the duties' too
            raise ValidationFailed(batch.problems)
        report.skipped_rows = len({(p.file, p.sheet, p.row) for p in batch.errors})
        records = [r.record for r in rows]
        if versions:
            from .io.lists import apply_versions

            records, report.lists = apply_versions(graph, versions, [*records, *duties])
            duties = DutyColumns()
        records, duties = _plan(graph, records, duties, report)
        if stream is not None:
            if not isinstance(graph, DutyGraph) or graph.duty_columns():
                raise StreamFallback("the store holds duties")  # compared whole, as before
            duties = _Stream(stream, duty_checks(rows, graph), report)  # type: ignore[assignment]
        if dry_run:
            return ChangeSet()
        log: dict[str, Any] = {
            "op": "import",
            "sources": sources,
            "added": report.added,
            "changed": report.changed,
        }
        if report.lists:
            log["lists"] = [
                {k: d[k] for k in ("list", "version", "effective", "previous")}
                for d in report.lists
            ]
        return ChangeSet(records, log, duties)

    if not versions and not any(r.record.label in LAW_KINDS for r in batch.rows):
        # what the plan reads, by key: a store without a cheap snapshot (Neo4j) reads only
        # that (a law corpus or a list version compares with more than its keys); worked
        # out only when the store asks (the embedded store never does: a province's set of
        # half a million joined duty keys held ~40 MB through its write for nothing)
        plan.touches = functools.cache(functools.partial(touched, batch))  # type: ignore[attr-defined]
    size = len(batch.rows) + len(batch.duties) + (len(stream) if stream is not None else 0)
    if size <= small_import or getattr(store, "reads_by_key", False):
        # the embedded store gives a small import its lazy reader (indexed queries): a
        # bundle, a published-list version (the list's open duties), a law act; a store
        # that reads by key whatever the size (Neo4j: no whole graph in the write) always
        plan = reads_rows(plan)
    store.write(plan)
    return report
