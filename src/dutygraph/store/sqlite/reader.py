"""A :class:`~dutygraph.reader.GraphReader` over the SQLite store's tables, read as asked.

Each table is a lazy mapping (a record is fetched by id when first asked for and
kept); each method of the reader contract is an indexed query (duties by
(item, region, role), by department, by item, by basis; departments by region;
regions and items by parent). One reader is one read transaction: it sees one
state of the store however long it lives. The analyses that read the whole
graph (the gap and conflict scans) are answered natively over the whole graph,
read once from the same transaction.

>>> import os, tempfile
>>> from dutygraph import load
>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.store import EmbeddedStore
>>> from dutygraph.analysis.resolve import who_leads
>>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "doc.db")); _ = load(store, [DEMO_PATH])
>>> r = store.reader()
>>> who_leads(r, "I-FOOD", "锦江区", "2025-06-01").departments()
['JJ-SCJ']
>>> r.region_path("510104"), len(r.items.cache)  # only what the answer walked was read
(('510104', '510100', '510000', '000000'), 1)
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ...graph import DutyGraph, find_in, walk_down
from ...lawbook import LawBook, LawLookups, packaged_lawbook
from ...model import Department, Duty
from .guard import Guarded
from .schema import TABLES, Table

__all__ = ["LazyTable", "SqliteReader"]

#: analyses that read the whole graph, answered over it (name -> module)
_WHOLE = {
    "find_gaps": "dutygraph.analysis.gaps",
    "find_conflicts": "dutygraph.analysis.conflicts",
    "duplicate_inspections": "dutygraph.analysis.conflicts",
}


class LazyTable(Mapping[str, Any]):
    """The records of one kind by id, each read from its table when first asked for."""

    def __init__(self, conn: Guarded, table: Table, present: bool) -> None:
        self._conn = conn
        self._table = table
        self._present = present
        self.cache: dict[str, Any] = {}
        self._missing: set[str] = set()
        self._all: list[str] | None = None if present else []

    def __getitem__(self, key: str) -> Any:
        rec = self.cache.get(key)
        if rec is not None:
            return rec
        if key in self._missing or self._all is not None or not isinstance(key, str):
            raise KeyError(key)
        got = self.where(*self._table.match([key]))
        if not got:
            self._missing.add(key)
            raise KeyError(key)
        return got[0]

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def where(self, condition: str, params: tuple[Any, ...]) -> list[Any]:
        """The records matching an SQL ``condition``, in store order (kept in the cache)."""
        if not self._present:
            return []
        t = self._table
        rows = self._conn.execute(t.select_sql(condition, with_id=True), params).fetchall()
        recs = t.decode([r[1:] for r in rows])
        out = []
        for (rid, *_), rec in zip(rows, recs, strict=True):
            out.append(self.cache.setdefault(rid, rec))
        return out

    def present(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` the table holds: one indexed query, nothing decoded."""
        wanted = [i for i in dict.fromkeys(ids) if isinstance(i, str)]
        if not wanted or not self._present:
            return set()
        held = {i for i in wanted if i in self.cache}
        asked = [i for i in wanted if i not in held and i not in self._missing]
        if asked and self._all is None:
            where, params = self._table.match(asked)
            rows = self._conn.execute(f"SELECT id FROM {self._table.name} WHERE {where}", params)
            held.update(r[0] for r in rows)
        return held

    def fetch(self, ids: Iterable[str]) -> dict[str, Any]:
        """The records of ``ids`` the table holds, by id: one indexed query (kept in the cache)."""
        wanted = [i for i in dict.fromkeys(ids) if isinstance(i, str)]
        asked = [i for i in wanted if i not in self.cache and i not in self._missing]
        if asked and self._all is None:
            self.where(*self._table.match(asked))
        return {i: self.cache[i] for i in wanted if i in self.cache}

    def group(self, key: str) -> list[Any]:
        """A kind kept in groups (the law's articles, by act): the records of group ``key``,
        in store order (as :meth:`~dutygraph.lawbook.GroupedTable.group`)."""
        field = getattr(self._table.cls, "lazy", None)
        if field is None:
            raise TypeError(f"{self._table.label} is not kept in groups")
        return self.where(f'"{field}" = ?', (key,))

    def _everything(self) -> list[str]:
        if self._all is None:
            rows = self._conn.execute(
                f"SELECT id FROM {self._table.name} ORDER BY rowid"
            ).fetchall()
            ids = [r[0] for r in rows]
            missing = [i for i in ids if i not in self.cache]
            if missing:
                self.where("1", ())
            self._all = ids
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __bool__(self) -> bool:
        """Whether the table holds any record: one row looked for, none counted."""
        if self._all is not None or self.cache:
            return bool(self._all or self.cache)
        return (
            self._conn.execute(f"SELECT 1 FROM {self._table.name} LIMIT 1").fetchone() is not None
        )

    def __len__(self) -> int:
        if self._all is not None:
            return len(self._all)
        row = self._conn.execute(f"SELECT count(*) FROM {self._table.name}").fetchone()
        return int(row[0])


class _DutiesByKey(Mapping[tuple[str, ...], Duty]):
    """Stored duties by key tuple, each read by its id (the key joined with ``|``)."""

    def __init__(self, duties: LazyTable) -> None:
        self._duties = duties

    def __getitem__(self, key: tuple[str, ...]) -> Duty:
        if not isinstance(key, tuple):
            raise KeyError(key)
        return self._duties["|".join(key)]  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return (self._duties[i].key for i in self._duties)

    def __len__(self) -> int:
        return len(self._duties)


class SqliteReader(LawLookups):
    """The reader contract over one read transaction of the store (see the module docstring)."""

    #: one read transaction: it sees one state, so answers on it may be memoised
    immutable = True

    def __init__(
        self,
        conn: Guarded,
        whole: Callable[[], DutyGraph],
        kept: Callable[[str, Callable[[], Any], Any], bytes] | None = None,
    ) -> None:
        self._conn = conn
        self._whole = whole
        self._kept = kept
        present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self._present = present
        self._tables = {label: LazyTable(conn, t, label in present) for label, t in TABLES.items()}
        self._region_paths: dict[str, tuple[str, ...]] = {}
        self._item_paths: dict[str, tuple[str, ...]] = {}
        self._duties = self._tables["duty"]
        self._lawbook: LawBook | None = None

    # -- the tables -------------------------------------------------------------

    def table(self, label: str) -> LazyTable:
        return self._tables[label]

    @property
    def regions(self) -> LazyTable:
        return self._tables["region"]

    @property
    def region_groups(self) -> LazyTable:
        return self._tables["region_group"]

    @property
    def departments(self) -> LazyTable:
        return self._tables["department"]

    @property
    def items(self) -> LazyTable:
        return self._tables["item"]

    @property
    def bases(self) -> LazyTable:
        return self._tables["basis"]

    @property
    def behaviors(self) -> LazyTable:
        return self._tables["behavior"]

    @property
    def business_forms(self) -> LazyTable:
        return self._tables["business_form"]

    @property
    def disputes(self) -> LazyTable:
        return self._tables["dispute"]

    @property
    def duties(self) -> LazyTable:
        """Duties by id, each read when asked for (as ``DutyGraph.duties``, without building all)."""
        return self._duties

    # -- look-ups ---------------------------------------------------------------

    def by_identity(self, label: str) -> Mapping[Any, Any]:
        """As :meth:`DutyGraph.by_identity`: the records of one kind by id, duties by key."""
        return _DutiesByKey(self._duties) if label == "duty" else self.table(label)

    def duties_by_key(self, keys: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], Duty]:
        """The stored duties with these keys (:attr:`Duty.key`), by key: one indexed query."""
        got = self._duties.fetch("|".join(k) for k in keys)
        return {d.key: d for d in got.values()}

    def find(self, label: str, key: str) -> Any:
        """As :meth:`DutyGraph.find`: by id (or region code), else by exact name or alias."""
        return find_in(
            self.table(label),
            label,
            key,
            lambda k: list(
                dict.fromkeys(
                    r[0]
                    for r in self._conn.execute(
                        "SELECT id FROM names WHERE label = ? AND name = ? ORDER BY rowid",
                        (label, k),
                    )
                )
            ),
            lambda k: [
                r[0]
                for r in self._conn.execute(
                    "SELECT DISTINCT name FROM names WHERE label = ?"
                    " AND (instr(name, ?) OR instr(?, name)) ORDER BY rowid LIMIT 5",
                    (label, k, k),
                )
            ],
        )

    # -- names, for matching the names a published list writes ------------------

    def ids_named(self, label: str, names: Iterable[str]) -> list[str]:
        """The ids of the records of ``label`` with one of ``names`` as their name or an
        alias (exactly as written), each once: one query on the ``names`` index."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return []
        rows = self._conn.execute(
            "SELECT id FROM names WHERE label = ? AND name IN (SELECT value FROM json_each(?))"
            " ORDER BY rowid",
            (label, json.dumps(wanted, ensure_ascii=False)),
        )
        return list(dict.fromkeys(r[0] for r in rows))

    def records_named(self, label: str, name: str, *, folded: bool = False) -> list[Any]:
        """The records of ``label`` with ``name`` as their name or an alias, in store order:
        one query on the ``names`` index (kept in the table's cache). ``folded``: ``name``
        is a :func:`~dutygraph.graph.name_key` (full-width forms folded, spaces dropped),
        matched against each stored name's (the ``folded`` column's index)."""
        column = "folded" if folded else "name"
        return self.table(label).where(
            f"id IN (SELECT id FROM names WHERE label = ? AND {column} = ?)", (label, name)
        )

    def region_names(self) -> list[tuple[str, str]]:
        """(code, name) of every region, in store order (as ``DutyGraph.regions`` iterates):
        two columns of the tree, no region record decoded."""
        if "region" not in self._present:
            return []
        return [
            (r[0], r[1]) for r in self._conn.execute("SELECT id, name FROM region ORDER BY rowid")
        ]

    def in_store_order(self, label: str, ids: Iterable[str]) -> list[Any]:
        """The records of ``ids`` the table ``label`` holds, in store order (one query)."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        got = self.table(label).fetch(wanted)
        where, params = TABLES[label].match(wanted)
        order = self._conn.execute(
            f"SELECT id FROM {TABLES[label].name} WHERE {where} ORDER BY rowid", params
        )
        return [got[r[0]] for r in order if r[0] in got]

    def _path(
        self, table: LazyTable, paths: dict[str, tuple[str, ...]], start: str
    ) -> tuple[str, ...]:
        path = paths.get(start)
        if path is None:
            out = [start]
            seen = {start}
            parent = table[start].parent if start in table else None
            while parent and parent in table and parent not in seen:
                out.append(parent)
                seen.add(parent)
                parent = table[parent].parent
            path = paths[start] = tuple(out)
        return path

    def region_path(self, code: str) -> tuple[str, ...]:
        return self._path(self.regions, self._region_paths, code)

    def item_path(self, item: str) -> tuple[str, ...]:
        return self._path(self.items, self._item_paths, item)

    def region_children(self, code: str) -> list[str]:
        return [r.code for r in self.regions.where("parent = ?", (code,))]

    def subtree(self, code: str) -> list[str]:
        return walk_down(code, self.region_children)

    def departments_in(self, region: str) -> list[Department]:
        return self.departments.where("region = ?", (region,))

    def departments_of_line(self, region: str, line: str) -> list[Department]:
        return [d for d in self.departments_in(region) if line in d.systems]

    def current(self, dept_id: str, as_of: str) -> tuple[Department | None, list[str]]:
        return DutyGraph.current(self, dept_id, as_of)  # type: ignore[arg-type]

    def counterparts(self, region: str, line: str, as_of: str) -> list[Department]:
        return DutyGraph.counterparts(self, region, line, as_of)  # type: ignore[arg-type]

    # -- the law ------------------------------------------------------------------

    def lawbook(self) -> LawBook:
        """The store's law corpus, read an act at a time (its articles by one indexed query),
        or — the store holding none — the one the package ships."""
        if self._lawbook is None:
            laws = self._tables["law"]
            if laws:
                articles = self._tables["article"]
                self._lawbook = LawBook(
                    laws,
                    self._tables["law_version"],
                    lambda law: articles.where("law = ?", (law,)),
                )
            else:
                self._lawbook = packaged_lawbook()
        return self._lawbook

    # -- duties -----------------------------------------------------------------

    def active_duties_at(self, item: str, region: str, role: str, as_of: str) -> list[Duty]:
        return self._duties.where(
            "item = ? AND region = ? AND role = ? AND (valid_from IS NULL OR valid_from <= ?)"
            " AND (valid_to IS NULL OR ? < valid_to)",
            (item, region, role, as_of, as_of),
        )

    def duties_at(self, item: str, region: str) -> list[Duty]:
        return self._duties.where("item = ? AND region = ?", (item, region))

    def duties_of(self, department: str) -> list[Duty]:
        return self._duties.where("department = ?", (department,))

    def duties_on(self, item: str) -> list[Duty]:
        return self._duties.where("item = ?", (item,))

    def duties_resting_on(self, basis: str) -> list[Duty]:
        return self._duties.where("n IN (SELECT duty FROM duty_basis WHERE basis = ?)", (basis,))

    def open_duties_of_list(self, list_id: str) -> list[Duty]:
        """The duties published list ``list_id`` gave (``source`` the list, or ``list#row``)
        still open (no end date), in store order: what a new version of it is compared with
        (:func:`~dutygraph.io.lists.versions.apply_versions`). By the index on ``source``."""
        return self._duties.where(
            "(source = ? OR (source >= ? AND source < ?)) AND valid_to IS NULL",
            (list_id, f"{list_id}#", f"{list_id}$"),  # "$" follows "#": every "list#…"
        )

    # -- answers over the whole graph ---------------------------------------------

    def whole(self) -> DutyGraph:
        """The whole graph as this reader's transaction sees it (read once, then kept)."""
        return self._whole()

    def kept_answer(
        self, key: str, compute: Callable[[], Any], patch: Callable[..., Any] | None = None
    ) -> bytes:
        """The answer ``key`` (a scan's JSON) on this reader's snapshot: kept beside the store
        for its state (:mod:`.answers`), else one of an older state brought up to it by
        ``patch`` (:data:`.answers.Patch`), else ``compute()`` (the bytes, or the bytes
        and what a patch needs), and kept. ``key`` names the question whole (the scan and
        every argument that changes its rows)."""
        if self._kept is not None:
            return self._kept(key, compute, patch)
        got = compute()
        return got if isinstance(got, bytes) else got[0]

    def native(self, name: str) -> Callable[..., Any] | None:
        """The whole-graph scans, run over :meth:`whole`; every other analysis reads the tables."""
        module = _WHOLE.get(name)
        if module is None:
            return None
        fn = getattr(importlib.import_module(module), name).python
        return lambda *args, **kwargs: fn(self.whole(), *args, **kwargs)

    def close(self) -> None:
        self._conn.close()

    def __repr__(self) -> str:
        return "<SqliteReader>"
