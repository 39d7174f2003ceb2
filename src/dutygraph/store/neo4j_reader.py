"""Answers read from a Neo4j server as they are needed: :class:`Neo4jReader`.

:meth:`Neo4jStore.reader() <dutygraph.store.neo4j.Neo4jStore.reader>` hands
this out instead of the whole graph. It is a
:class:`~dutygraph.reader.GraphReader` whose every member is a saved,
parameterised query (``queries/*.cypher``) or a look-up by id, so a question
reads only what its answer walks:

* the tables (``regions``, ``departments``, ``bases``…) are mappings that
  fetch a record by id when first asked for (and keep it for this reader);
  iterating one reads that one table, never the graph;
* the tree walks (``region_path``, ``item_path``, ``subtree``) are one query
  each, the duty and department look-ups (``active_duties_at``,
  ``departments_of_line``…) one query on the indexed properties;
* the explicit step of who-leads / who-assists (SPEC §3 rules 1-3: item tree ×
  region tree, half-open validity) is the saved ``who_leads`` /
  ``who_assists`` query: one round trip, the nearest duties only
  (:meth:`native` ``"nearest_duties"``); the counterpart, vertical-line and
  successor steps that follow are a few look-ups, each bounded by the depth of
  the trees;
* the scans over a region (``find_gaps``, ``find_conflicts``,
  ``duplicate_inspections`` with ``region``) read that region's subtree, its
  ancestors, their departments and duties, the bases those rest on and the
  item catalogue — never the rest of the country — and run the Python scan on
  that (:meth:`regional_graph`). Without a region a scan goes region by
  region — a subtree of at most :data:`PIECE_REGIONS` regions at a time, a
  larger one as its root alone and its children's subtrees — and puts the
  findings in the snapshot's order (:meth:`national_scan`): the client never
  holds the nation's records.

* a published list's names (an import's matching: ``ids_named``,
  ``records_named``, ``named_ahead``, ``region_names``, ``in_store_order``,
  ``open_duties_of_list``, ``duties_by_key``) are queries on the names and
  keys, a batch of them a query, as the embedded store's row reader answers them;
* the exports (:meth:`rows`) read one kind page by page, kept nowhere (or, with
  ``keep``, kept in its table for the look-ups that follow).

Answers are the Python analyses' own, on the same records in the same order
(every query orders by id, as the snapshot does), so they equal the
snapshot's answers; ``tests/test_neo4j_reader.py`` holds both to that.

Counting. ``queries`` and ``records`` count the round trips and the records
the server returned — what the tests and ``benchmarks/bolt_store.py`` use to
show that an answer reads a bounded part of the graph.

Consistency. A reader is one view for one question (a CLI command, a
request). On a server with transactions each query sees committed data; the
reader does not hold one transaction across its queries, so a write committed
between two of them can show in the later one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from ..errors import Ambiguous, NotFound
from ..graph import DutyGraph, _name_of, _suggest, walk_down
from ..lawbook import LawBook, LawLookups, packaged_lawbook
from ..model import (
    RECORD_TYPES,
    Department,
    Duty,
    LegalBasis,
    canonical_region_code,
)
from ..queries import cypher

if TYPE_CHECKING:
    from .neo4j import Neo4jStore

__all__ = ["Neo4jReader"]

_MISSING = object()
#: a national scan reads a subtree of at most this many regions in one piece (a prefecture
#: and its counties: ~10-20), a larger one as its root alone and its children's subtrees
PIECE_REGIONS = 32


class _Table(Mapping[str, Any]):
    """One kind of record by id, fetched from the server when first asked for."""

    def __init__(self, reader: Neo4jReader, label: str) -> None:
        from .neo4j import LABELS

        self._reader = reader
        self._label = label
        self._node = LABELS[label]
        self._cache: dict[str, Any] = {}
        self._all: list[str] | None = None

    def __getitem__(self, key: str) -> Any:
        got = self._cache.get(key, _MISSING)
        if got is _MISSING:
            if self._all is not None or not isinstance(key, str):
                raise KeyError(key)
            rows = self._reader._rows(
                f"MATCH (n:{self._node} {{id: $id}}) RETURN properties(n) AS p", id=key
            )
            got = self._reader._decode(self._label, rows[0]["p"]) if rows else None
            self._cache[key] = got
        if got is None:
            raise KeyError(key)
        return got

    def fetch(self, keys: Iterable[str]) -> dict[str, Any]:
        """The records of ``keys`` this table holds, by id (one query for those not yet read)."""
        asked = list(dict.fromkeys(keys))
        wanted = [k for k in asked if k not in self._cache]
        query = f"MATCH (n:{self._node}) WHERE n.id IN $ids RETURN properties(n) AS p"
        # FalkorDB: each batch under its 4 KB message (a longer one crashes the server)
        for part in self._reader.store._batches(wanted, query):
            rows = self._reader._rows(query, ids=part)
            got = {r["p"]["id"]: self._reader._decode(self._label, r["p"]) for r in rows}
            for k in part:
                self._cache[k] = got.get(k)
        return {k: self._cache[k] for k in asked if self._cache.get(k) is not None}

    def present(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` this table holds: those not yet read by one query a batch on
        the ids alone (as the SQLite reader's tables answer the import's reference check)."""
        asked = set(keys)
        out = {k for k in asked if self._cache.get(k) is not None}
        wanted = sorted(k for k in asked - out if k not in self._cache)
        query = f"MATCH (n:{self._node}) WHERE n.id IN $ids RETURN n.id AS id"
        for part in self._reader.store._batches(wanted, query):
            got = {r["id"] for r in self._reader._rows(query, ids=part)}
            out |= got
            for k in set(part) - got:
                self._cache[k] = None  # known absent: a later look-up needs no round trip
        return out

    def put(self, rec: Any) -> Any:
        """Keep ``rec`` (read by another query) so that a later look-up needs no round trip."""
        self._cache.setdefault(rec.id, rec)
        return self._cache[rec.id]

    def _load_all(self) -> list[str]:
        if self._all is None:  # paged by id: one table, however long, kept
            recs = self._reader.rows(self._label, page=5000, keep=True)
            self._all = [rec.id for rec in recs]
            self._cache = {k: v for k, v in self._cache.items() if v is not None}
        return self._all

    def __iter__(self) -> Iterator[str]:
        return iter(self._load_all())

    def __len__(self) -> int:
        return len(self._load_all())


class _Articles(_Table):
    """The law articles by id, and an act's articles by one query on the indexed ``law``
    (as the snapshot's :class:`~dutygraph.lawbook.GroupedTable`)."""

    def group(self, law: str) -> list[Any]:
        """Every article of every version of act ``law``, in id order, kept in the table."""
        got = self._reader._rows(
            f"MATCH (n:{self._node} {{law: $law}}) RETURN properties(n) AS p ORDER BY n.id",
            law=law,
        )
        return [self.put(self._reader._decode(self._label, r["p"])) for r in got]


class Neo4jReader(LawLookups):
    """A :class:`~dutygraph.reader.GraphReader` over a Neo4j store (see the module docstring)."""

    def __init__(self, store: Neo4jStore, tx: Any = None) -> None:
        self.store = store
        #: a transaction to read in (a write's plan reads inside the write), else each
        #: query in its own read transaction
        self._tx = tx
        #: round trips made, and records the server returned
        self.queries = 0
        self.records = 0
        self._tables = {
            cls.label: (_Articles if cls.label == "article" else _Table)(self, cls.label)
            for cls in RECORD_TYPES
        }
        self._paths: dict[tuple[str, str], tuple[str, ...]] = {}
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._scopes: dict[str | None, DutyGraph] = {}
        self._lawbook: LawBook | None = None
        #: the most regions one piece of a national scan holds (:meth:`national_pieces`)
        self.piece_regions = PIECE_REGIONS
        #: the records one page of :meth:`rows` (a streaming export) holds
        self.page = 1000

    # -- running queries ------------------------------------------------------------

    def _rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        if self._tx is not None:
            rows = self.store._tx_rows(self._tx, query, **params)
        else:
            rows = self.store._run(query, _read=True, **params)
        self.queries += 1
        self.records += len(rows)
        return rows

    def _saved(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._rows(cypher(name), **params)

    def _decode(self, label: str, props: dict[str, Any]) -> Any:
        from .neo4j import decode

        return decode(label, props)

    def _records(self, label: str, name: str, **params: Any) -> list[Any]:
        """The records a saved query returns as ``p``, by id, each kept in its table."""
        key = (name, *sorted(params.items()))
        got = self._memo.get(key)
        if got is None:
            table = self._tables[label]
            recs = [self._decode(label, r["p"]) for r in self._saved(name, **params)]
            if label != "duty":
                recs = [table.put(r) for r in recs]
            got = self._memo[key] = sorted(recs, key=lambda r: r.id)
        return cast(list[Any], got)

    # -- streaming (exports) --------------------------------------------------------

    def rows(
        self, label: str, *, item: str | None = None, page: int | None = None, keep: bool = False
    ) -> Iterator[Any]:
        """Every record of one kind in id order, read page by page by key (``n.id >
        $after ... LIMIT $page``) and kept nowhere: an export's memory is one page.

        ``item``: only the duties on that item (filtered in the query); ``page``: default
        :attr:`page`; ``keep``: keep each record in its table, so that a later look-up by
        id needs no round trip (the RDF export's names of departments and items).
        """
        table = self._tables[label] if keep else None
        from .neo4j import LABELS

        page = page or self.page
        where = "n.id > $after" + (" AND n.item = $item" if item else "")
        params: dict[str, Any] = {"item": item} if item else {}
        after = ""
        while True:
            rows = self._rows(
                f"MATCH (n:{LABELS[label]}) WHERE {where} "
                "RETURN properties(n) AS p ORDER BY n.id LIMIT $page",
                after=after,
                page=page,
                **params,
            )
            for r in rows:
                rec = self._decode(label, r["p"])
                yield table.put(rec) if table is not None else rec
            if len(rows) < page:
                return
            after = rows[-1]["p"]["id"]

    def count(self, label: str, *, item: str | None = None, regions: set[str] | None = None) -> int:
        """How many records of one kind (duties: on ``item``, in ``regions``), counted on
        the server: one query, or with ``regions`` one a batch of regions (a list of
        regions may be too long for one message; each region is in one batch)."""
        from .neo4j import LABELS

        conds = ["n.item = $item"] if item else []
        params: dict[str, Any] = {"item": item} if item else {}
        if regions is None:
            where = " WHERE " + " AND ".join(conds) if conds else ""
            q = f"MATCH (n:{LABELS[label]}){where} RETURN count(n) AS n"
            return int(self._rows(q, **params)[0]["n"])
        where = " AND ".join(["n.region IN $regions", *conds])
        q = f"MATCH (n:{LABELS[label]}) WHERE {where} RETURN count(n) AS n"
        return sum(
            int(self._rows(q, regions=part, **params)[0]["n"])
            for part in self.store._batches(sorted(regions), q)
        )

    def ids(self, label: str, *, page: int = 20000) -> set[str]:
        """The ids of one kind of record (paged by key, ids only)."""
        from .neo4j import LABELS

        out: set[str] = set()
        after = ""
        while True:
            rows = self._rows(
                f"MATCH (n:{LABELS[label]}) WHERE n.id > $after "
                "RETURN n.id AS id ORDER BY n.id LIMIT $page",
                after=after,
                page=page,
            )
            out.update(r["id"] for r in rows)
            if len(rows) < page:
                return out
            after = rows[-1]["id"]

    # -- published lists (diff) -----------------------------------------------------

    def list_versions(self) -> dict[str, list[str]]:
        """:func:`~dutygraph.io.lists.list_versions` asked of the server: one query over the
        duties' sources, returning each (list, effective date) pair once."""
        rows = self._rows(
            "MATCH (d:Duty) WHERE d.source CONTAINS '#' "
            "RETURN DISTINCT split(d.source, '#')[0] AS list, d.valid_from AS v"
        )
        out: dict[str, set[str]] = {}
        for r in rows:
            out.setdefault(r["list"], set()).add(str(r["v"]) if r["v"] else "undated")
        return {
            k: sorted(v, key=lambda s: "" if s == "undated" else s) for k, v in sorted(out.items())
        }

    def list_duties(self, list_id: str) -> list[Duty]:
        """The duties one published list wrote (``source`` ``LIST#…``), in id order, paged
        by key: what :func:`~dutygraph.io.lists.diff_versions` compares, nothing else."""
        out: list[Duty] = []
        after, page = "", self.page
        while True:
            rows = self._rows(
                "MATCH (n:Duty) WHERE n.source STARTS WITH $prefix AND n.id > $after "
                "RETURN properties(n) AS p ORDER BY n.id LIMIT $page",
                prefix=list_id + "#",
                after=after,
                page=page,
            )
            out.extend(self._decode("duty", r["p"]) for r in rows)
            if len(rows) < page:
                return out
            after = rows[-1]["p"]["id"]

    # -- names, for matching the names a published list writes (as the SQLite reader) --

    def ids_named(self, label: str, names: Iterable[str]) -> list[str]:
        """The ids of the records of ``label`` with one of ``names`` as their name or an
        alias (exactly as written), each once, in id order: one query a batch of names."""
        from .neo4j import LABELS

        query = (
            f"MATCH (n:{LABELS[label]}) WHERE n.name IN $names OR "
            "any(a IN coalesce(n.aliases, []) WHERE a IN $names) RETURN n.id AS id"
        )
        found: set[str] = set()
        # FalkorDB: each batch of names under its 4 KB message
        for part in self.store._batches(list(dict.fromkeys(names)), query):
            found.update(r["id"] for r in self._rows(query, names=part))
        return sorted(found)

    def _names(self, label: str) -> Iterator[tuple[str, str]]:
        """(id, name) of every name and alias of ``label``, in id order: two properties,
        paged by key (20,000 records a query)."""
        from .neo4j import LABELS

        after = ""
        while True:
            rows = self._rows(
                f"MATCH (n:{LABELS[label]}) WHERE n.id > $after RETURN n.id AS id, "
                "n.name AS name, n.aliases AS aliases ORDER BY n.id LIMIT 20000",
                after=after,
            )
            for r in rows:
                for n in (r["name"], *(r["aliases"] or ())):
                    if n:
                        yield r["id"], n
            if len(rows) < 20000:
                return
            after = rows[-1]["id"]

    def records_named(self, label: str, name: str, *, folded: bool = False) -> list[Any]:
        """The records of ``label`` with ``name`` as their name or an alias, in id order (the
        snapshot's), kept in the table (as the SQLite reader's). Exactly as written: one
        query. ``folded`` (``name`` a :func:`~dutygraph.graph.name_key`): the server keeps
        no folded names, so the first such look-up reads the kind's names and aliases once
        (two properties a record, :meth:`_names`) and folds them here; later ones read only
        the records named."""
        ids = self._folded(label).get(name, []) if folded else self.ids_named(label, [name])
        return self.in_store_order(label, ids)

    def _folded(self, label: str) -> dict[str, list[str]]:
        """Folded name (:func:`~dutygraph.graph.name_key`) -> ids of ``label``, read once."""
        index = self._memo.get(("folded", label))
        if index is None:
            from ..graph import name_key

            index = {}
            for i, n in self._names(label):
                ids_of = index.setdefault(name_key(n), [])
                if i not in ids_of:
                    ids_of.append(i)
            self._memo[("folded", label)] = index
        return cast(dict[str, list[str]], index)

    def named_ahead(self, label: str, keys: Iterable[str]) -> None:
        """Read ahead what looking each of ``keys`` up as an id (``table[key]``) and as a
        folded name (:meth:`records_named` ``folded``) will ask for, a query a batch of
        keys, so that those look-ups then need no round trip (a published list's
        department names: O(names / batch) queries, not two a name)."""
        keys = list(dict.fromkeys(keys))
        table = self._tables[label]
        table.fetch(keys)
        index = self._folded(label)
        table.fetch(i for k in keys for i in index.get(k, ()))

    def region_names(self) -> list[tuple[str, str]]:
        """(code, name) of every region, in id order (the store's snapshot order): two
        properties of the tree, no region record decoded."""
        rows = self._rows("MATCH (r:Region) RETURN r.id AS id, r.name AS name ORDER BY r.id")
        return [(r["id"], r["name"]) for r in rows]

    def in_store_order(self, label: str, ids: Iterable[str]) -> list[Any]:
        """The records of ``ids`` the table ``label`` holds, in id order (the snapshot's)."""
        got = self._tables[label].fetch(ids)  # type: ignore[attr-defined]
        return [got[k] for k in sorted(got)]

    def open_duties_of_list(self, list_id: str) -> list[Duty]:
        """The duties published list ``list_id`` gave (``source`` the list, or ``list#row``)
        still open (no end date), in id order: what a new version of it is compared with
        (:func:`~dutygraph.io.lists.versions.apply_versions`). One query on ``source``."""
        rows = self._rows(
            "MATCH (n:Duty) WHERE (n.source = $list OR n.source STARTS WITH $prefix) "
            "AND n.valid_to IS NULL RETURN properties(n) AS p ORDER BY n.id",
            list=list_id,
            prefix=list_id + "#",
        )
        return [self._decode("duty", r["p"]) for r in rows]

    def bases_citing(self, acts: Iterable[str]) -> list[LegalBasis]:
        """The stored bases resolved to a version of one of ``acts`` (``law_version`` is
        ``act@…``: FalkorDB fails STARTS WITH on a computed prefix, hence ``split``), in id
        order, kept in the table: what a corpus import resolves again
        (:func:`~dutygraph.io.laws.cite.resolve_citations`), acts in batches."""
        table = self._tables["basis"]
        found: dict[str, LegalBasis] = {}
        query = (
            "MATCH (n:LegalBasis) WHERE n.law_version IS NOT NULL AND "
            "split(n.law_version, '@')[0] IN $acts RETURN properties(n) AS p"
        )
        for part in self.store._batches(sorted(set(acts)), query):
            rows = self._rows(query, acts=part)
            for r in rows:
                rec = table.put(self._decode("basis", r["p"]))
                found[rec.id] = rec
        return [found[k] for k in sorted(found)]

    def stamp(self) -> tuple[str, int]:
        """The store's write stamp (:meth:`Neo4jStore.stamp`): an export checks it is
        unchanged at its end."""
        return self.store.stamp()

    # -- the tables -----------------------------------------------------------------

    @property
    def regions(self) -> Mapping[str, Any]:
        return self._tables["region"]

    @property
    def region_groups(self) -> Mapping[str, Any]:
        return self._tables["region_group"]

    @property
    def departments(self) -> Mapping[str, Any]:
        return self._tables["department"]

    @property
    def items(self) -> Mapping[str, Any]:
        return self._tables["item"]

    @property
    def bases(self) -> Mapping[str, Any]:
        return self._tables["basis"]

    @property
    def behaviors(self) -> Mapping[str, Any]:
        return self._tables["behavior"]

    @property
    def business_forms(self) -> Mapping[str, Any]:
        return self._tables["business_form"]

    @property
    def disputes(self) -> Mapping[str, Any]:
        return self._tables["dispute"]

    @property
    def duties(self) -> Mapping[str, Any]:
        """The duties by id: a look-up is one query (iterating reads every duty: avoid it)."""
        return self._tables["duty"]

    def table(self, label: str) -> Mapping[str, Any]:
        """The records of one kind by id."""
        return self._tables[label]

    def by_identity(self, label: str) -> Mapping[Any, Any]:
        """As :meth:`DutyGraph.by_identity`: the records of one kind by id, duties by key
        (a look-up by the key joined with ``|``, the duty's id)."""
        from .sqlite.reader import _DutiesByKey  # (any table of duties by id will do)

        if label == "duty":
            return _DutiesByKey(self._tables["duty"])  # type: ignore[arg-type]
        return self._tables[label]

    def duties_by_key(self, keys: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], Duty]:
        """The stored duties with these keys (:attr:`Duty.key`), by key: one query a 200."""
        got = self._tables["duty"].fetch("|".join(k) for k in keys)
        return {d.key: d for d in got.values()}

    # -- look-ups -------------------------------------------------------------------

    def find(self, label: str, key: str) -> Any:
        """As :meth:`DutyGraph.find`: by id (a region by 6 or 12 digits), else by exact name or alias."""
        from .neo4j import LABELS

        table = self._tables[label]
        key = key.strip()
        if key in table:
            return table[key]
        if label == "region" and key.isdigit():
            code = canonical_region_code(key)
            if code in table:
                return table[code]
        if label == "duty":
            raise NotFound(label, key, "give a duty id")
        node = LABELS[label]
        rows = self._rows(
            f"MATCH (n:{node}) WHERE n.name = $key OR n.title = $key "
            "OR $key IN coalesce(n.aliases, []) RETURN properties(n) AS p ORDER BY n.id",
            key=key,
        )
        hits = [self._tables[label].put(self._decode(label, r["p"])) for r in rows]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise Ambiguous(label, key, [(h.id, _name_of(h)) for h in hits])
        rows = self._rows(
            f"MATCH (n:{node}) WHERE n.name CONTAINS $key OR $key CONTAINS n.name "
            "OR n.title CONTAINS $key OR $key CONTAINS n.title "
            "OR any(a IN coalesce(n.aliases, []) WHERE a CONTAINS $key OR $key CONTAINS a) "
            "RETURN properties(n) AS p ORDER BY n.id",
            key=key,
        )
        names: dict[str, list[str]] = {}
        for r in rows:
            rec = self._decode(label, r["p"])
            for name in (_name_of(rec), *getattr(rec, "aliases", ())):
                names.setdefault(name, []).append(rec.id)
        raise NotFound(label, key, _suggest(key, names))

    def _path(self, kind: str, key: str) -> tuple[str, ...]:
        got = self._paths.get((kind, key))
        if got is None:
            param = "code" if kind == "region" else "item"
            rows = self._saved(f"{kind}_path", **{param: key})
            out: list[str] = []
            for node in rows[0]["path"] if rows else [key]:
                if node in out:  # a cycle: stop where it closes, as the snapshot does
                    break
                out.append(node)
            got = self._paths[(kind, key)] = tuple(out)
        return got

    def region_path(self, code: str) -> tuple[str, ...]:
        """``code`` and its ancestors, nearest first (one query)."""
        return self._path("region", code)

    def item_path(self, item: str) -> tuple[str, ...]:
        """``item`` and its ancestors in the catalogue tree, nearest first (one query)."""
        return self._path("item", item)

    def _tree(self, code: str) -> dict[str, list[str]]:
        key = ("subtree", code)
        got = self._memo.get(key)
        if got is None:
            children: dict[str, list[str]] = {}
            for r in self._saved("subtree", code=code):
                if r["id"] != code:
                    children.setdefault(r["parent"], []).append(r["id"])
            for kids in children.values():
                kids.sort()
            got = self._memo[key] = children
        return cast(dict[str, list[str]], got)

    def region_children(self, code: str) -> list[str]:
        return list(self._tree(code).get(code, []))

    def subtree(self, code: str) -> list[str]:
        """``code`` and every region below it, parents before children (one query)."""
        return walk_down(code, self._tree(code).get)

    def departments_in(self, region: str) -> list[Department]:
        return self._records("department", "departments_in", region=region)

    def departments_of_line(self, region: str, line: str) -> list[Department]:
        return self._records("department", "departments_of_line", region=region, line=line)

    def departments_with_line(self, line: str) -> list[Department]:
        """Every department carrying ``line``, in any region (a what-if's set-vertical)."""
        return self._records("department", "departments_with_line", line=line)

    def current(self, dept_id: str, as_of: str) -> tuple[Department | None, list[str]]:
        """As :meth:`DutyGraph.current`: successors followed, one look-up per step."""
        return DutyGraph.current(cast(DutyGraph, self), dept_id, as_of)

    def counterparts(self, region: str, line: str, as_of: str) -> list[Department]:
        return DutyGraph.counterparts(cast(DutyGraph, self), region, line, as_of)

    def active_duties_at(self, item: str, region: str, role: str, as_of: str) -> list[Duty]:
        return self._records(
            "duty", "active_duties", item=item, region=region, role=role, as_of=as_of
        )

    def duties_at(self, item: str, region: str) -> list[Duty]:
        return self._records("duty", "duties_at", item=item, region=region)

    def duties_of(self, department: str) -> list[Duty]:
        return self._records("duty", "duties_of", department=department)

    def duties_on(self, item: str) -> list[Duty]:
        return self._records("duty", "duties_on", item=item)

    def duties_resting_on(self, basis: str) -> list[Duty]:
        return self._records("duty", "duties_resting_on", basis=basis)

    # -- the law ----------------------------------------------------------------------

    def lawbook(self) -> LawBook:
        """The store's law corpus (an act's articles by one query on the indexed ``law``), or
        — the store holding none — the one the package ships."""
        if self._lawbook is None:
            rows = self._rows("MATCH (n:Law) RETURN n.id AS id LIMIT 1")
            if rows:
                articles = cast(_Articles, self._tables["article"])
                self._lawbook = LawBook(
                    self._tables["law"], self._tables["law_version"], articles.group
                )
            else:
                self._lawbook = packaged_lawbook()
        return self._lawbook

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    # -- answers computed here ------------------------------------------------------

    def nearest_duties(
        self, item: str, region: str, role: str, as_of: str
    ) -> tuple[list[Duty], tuple[str, ...], tuple[str, ...]]:
        """SPEC §3 rules 1-3 in one saved query (``who_leads`` / ``who_assists``)."""
        name = {"lead": "who_leads", "assist": "who_assists"}[role]
        rows = self._saved(name, item=item, region=region, as_of=as_of)
        if not rows:
            return [], self.region_path(region), self.item_path(item)
        row = rows[0]
        duties = sorted((self._decode("duty", p) for p in row["duties"]), key=lambda d: d.id)
        return duties, tuple(row["region_path"]), tuple(row["item_path"])

    def regional_graph(
        self,
        region: str,
        *,
        below: bool = True,
        keep: bool = True,
        also: Iterable[str] = (),
    ) -> DutyGraph:
        """What a scan over ``region``'s subtree reads, as an in-memory graph.

        The subtree and the path above it; the departments of those
        governments, and the departments their duties name or succeed to; the
        duties recorded there and the bases they rest on; the item catalogue;
        the disputes raised in the subtree. ``below=False``: ``region`` alone
        and the path above it (a national scan's piece for a root, see
        :meth:`national_scan`); ``keep=False``: not kept for later scans; ``also``: these
        departments too, wherever they are (those a what-if scenario names).
        """
        code = self.find("region", region).code
        also = set(also)
        keep = keep and not also
        got = self._scopes.get(code) if below and not also else None
        if got is not None:
            return got
        above = self.region_path(code)[1:]
        if below:
            regions = [
                self._decode("region", r["p"]) for r in self._saved("scope_regions", code=code)
            ]
            duties = [self._decode("duty", r["p"]) for r in self._saved("scope_duties", code=code)]
            deps = [
                self._decode("department", r["p"])
                for r in self._saved("scope_departments", code=code)
            ]
            disputes = [
                self._decode("dispute", r["p"]) for r in self._saved("scope_disputes", code=code)
            ]
        else:
            regions = [self.regions[code]]
            duties = list(self.duties_in_region(code))
            deps = list(self.departments_in(code))
            disputes = [
                self._decode("dispute", r["p"])
                for r in self._rows(
                    "MATCH (x:Dispute {region: $code}) RETURN properties(x) AS p", code=code
                )
            ]
        tables = self._tables
        regions += tables["region"].fetch(above).values()
        for c in above:
            duties += self.duties_in_region(c)
            deps += self.departments_in(c)
        known = {d.id for d in deps}
        wanted = {d.department for d in duties} | {d.successor for d in deps if d.successor}
        wanted |= also
        while wanted - known:  # departments named from elsewhere, and successor chains
            named = tables["department"].fetch(sorted(wanted - known))  # a query a batch
            found = [named[d] for d in sorted(named)]
            known |= wanted
            deps += found
            wanted = {d.successor for d in found if d.successor}
        if also:  # the named departments' regions (a region row each, not their subtrees)
            have = {r.code for r in regions}
            homes = {d.region for d in deps if d.id in also} - have
            regions += tables["region"].fetch(sorted(homes)).values()
        cited = tables["basis"].fetch(sorted({b for d in duties for b in d.bases}))
        bases = list(cited.values())
        records: list[Any] = []
        for group in (regions, deps, list(self.items.values()), bases, duties, disputes):
            records += sorted(group, key=lambda r: r.id)
        got = DutyGraph(records)
        if below and keep:
            self._scopes[code] = got
        return got

    def national_pieces(self) -> tuple[dict[str, int], list[tuple[str, bool]]]:
        """How a national scan goes region by region: the national order and the pieces.

        The order is every region's rank in the snapshot's national scope (each
        root — a region with no parent in the store — then its subtree, parents
        before children, codes in id order), from one query on the regions' codes
        and parents. The pieces: a subtree of at most :attr:`piece_regions`
        regions is one piece (``(code, True)``); a larger one is its root alone
        (``(code, False)``) and then its children's subtrees, split the same way —
        so a piece is a prefecture and its counties, not a province or the nation.
        """
        rows = self._rows("MATCH (r:Region) RETURN r.id AS id, r.parent AS parent ORDER BY r.id")
        known = {r["id"] for r in rows}
        children: dict[str, list[str]] = {}
        for r in rows:
            if r["parent"]:
                children.setdefault(r["parent"], []).append(r["id"])
        roots = [r["id"] for r in rows if not r["parent"] or r["parent"] not in known]
        order: dict[str, int] = {}
        size: dict[str, int] = {}
        for root in roots:
            todo = [root]
            i = 0
            while i < len(todo):  # as DutyGraph.subtree: parents before children
                todo.extend(children.get(todo[i], ()))
                i += 1
            for code in todo:
                order.setdefault(code, len(order))
            for code in reversed(todo):  # children before parents: subtree sizes
                size[code] = 1 + sum(size[c] for c in children.get(code, ()))
        pieces: list[tuple[str, bool]] = []
        todo = list(reversed(roots))
        while todo:
            code = todo.pop()
            if size[code] <= self.piece_regions:
                pieces.append((code, True))
            else:
                pieces.append((code, False))
                todo.extend(reversed(children.get(code, ())))
        return order, pieces

    def national_scan(
        self, name: str, scan: Callable[..., list[Any]], *args: Any, **kwargs: Any
    ) -> list[Any]:
        """A scan with no region, region by region (:meth:`national_pieces`).

        Each piece is read (:meth:`regional_graph`), scanned by the Python scan
        and let go, so the client holds one piece's records at a time (a
        prefecture's, and the path above it), never the nation's. A finding at a region depends only on that region's path
        and the records there, which its piece holds; the findings are put in
        the snapshot's order — by the region's national rank (a stable sort, so
        each region keeps its items' order), and a conflict scan's open disputes
        last, by dispute id, as :func:`~dutygraph.analysis.conflicts.find_conflicts`
        lists them.
        """
        order, pieces = self.national_pieces()
        found: list[Any] = []
        for code, below in pieces:
            found += scan(self.regional_graph(code, below=below, keep=False), code, *args, **kwargs)
        last = len(order)

        def key(x: Any) -> tuple[Any, ...]:
            if name == "find_conflicts" and x.kind == "OPEN_DISPUTE":
                return (1, x.extra["dispute"])
            if name == "find_conflicts":
                return (0, order.get(x.region, last), x.item)
            return (0, order.get(x.region, last))

        return sorted(found, key=key)

    def duties_in_region(self, code: str) -> list[Duty]:
        """Every duty recorded at ``code`` (any item, role or date)."""
        return self._records("duty", "duties_in_region", region=code)

    def native(self, name: str) -> Callable[..., Any] | None:
        """``nearest_duties`` in Cypher; the regional scans on :meth:`regional_graph`."""
        if name == "nearest_duties":
            return self.nearest_duties
        scan = _SCANS.get(name)
        if scan is None:
            return None
        fn = scan()

        def run(region: str | None = None, *args: Any, **kwargs: Any) -> Any:
            if region is None:
                return self.national_scan(name, fn.python, *args, **kwargs)
            return fn.python(self.regional_graph(region), region, *args, **kwargs)

        return run

    def __repr__(self) -> str:
        return f"Neo4jReader({self.store.url!r})"


def _gaps() -> Any:
    from ..analysis.gaps import find_gaps

    return find_gaps


def _conflicts() -> Any:
    from ..analysis.conflicts import find_conflicts

    return find_conflicts


def _inspections() -> Any:
    from ..analysis.conflicts import duplicate_inspections

    return duplicate_inspections


#: the scans a reader runs on the graph of a region's subtree (imported when first run)
_SCANS: dict[str, Callable[[], Any]] = {
    "find_gaps": _gaps,
    "find_conflicts": _conflicts,
    "duplicate_inspections": _inspections,
}
