"""The Neo4j store: the graph on a Neo4j server (or anything that speaks Bolt).

Open it with ``--store bolt://host:7687`` (one server) or ``neo4j://host``
(the routing scheme, for a cluster or Aura). Credentials come from the
environment only — ``DUTYGRAPH_NEO4J_USER`` (default ``neo4j``) and
``DUTYGRAPH_NEO4J_PASSWORD`` or ``DUTYGRAPH_NEO4J_PASSWORD_FILE`` — never from
a flag. The official ``neo4j`` driver is imported only by this module, and
its errors are mapped into :mod:`dutygraph.errors` where they occur
(:func:`_map_errors`).

Data model. One node per record, labelled by kind (``Region``,
``RegionGroup``, ``LegalBasis``, ``Department``, ``Item``, ``Duty``,
``Behavior``, ``BusinessForm``, ``Dispute``, ``Law``…), keyed by ``id`` (a
region's code, a duty's key joined by ``|``). Fields are properties:
multi-valued fields are lists, ``attrs``/``origin`` and a dispute's
``claims``/``decision`` are JSON text, dates native on Neo4j and ISO strings
on FalkorDB (:mod:`~dutygraph.store.neo4j_dialect`). The references are also
relationships (:data:`RELATIONSHIPS`), for people walking the graph:
``(:Department)-[:HOLDS {role}]->(:Duty)-[:ON]->(:Item)``,
``(:Duty)-[:IN]->(:Region)``, ``(:Duty)-[:RESTS_ON]->(:LegalBasis)``,
``(:Department)-[:OF]->(:Region)``, ``(:Department)-[:SUCCEEDED_BY]->(:Department)``
and the two ``PARENT`` trees, which the saved queries (``queries/*.cypher``)
walk in the database. ``:Log`` nodes hold the history; one ``:StoreMeta``
node holds the write sequence and is the writers' lock.

Writing. :meth:`Neo4jStore.write` runs in one managed write transaction
(retried by the driver on transient errors): it locks the ``:StoreMeta`` node
(serialising writers), reads what the plan reads — only the records its
``touches`` name, by key (the import's plan names them:
:func:`dutygraph.validation.touched`); for a plan marked ``reads_rows`` (the
dispute writes) what it asks for, through a reader in the transaction; or else
the whole graph — runs the
plan, and writes the records with ``UNWIND $rows AS r MERGE (n:Label {id:
r.id}) SET n += r`` in batches, then their relationships — so an import is
idempotent, and on a server with transactions all-or-nothing.
``queries_run`` and ``records_read`` count what every query returned.

Servers. The store asks the server what it is (its agent string, then
``dbms.components()``) and keeps the answer as its dialect
(:mod:`~dutygraph.store.neo4j_dialect`, the only module that knows): a real
Neo4j has ``transactions``, ``durable``, ``snapshots`` and ``cypher``, and
gets uniqueness constraints and indexes at the first write. FalkorDB (the
Bolt server the tests run on) reports itself as Neo4j but has no
transactions — a failed write leaves its earlier batches in place — so it
lacks ``transactions`` and ``snapshots``; it gets plain indexes, and batches
under its ~4 KB message limit.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import neo4j
import neo4j.exceptions as nx

from ..errors import (
    DutyGraphError,
    StoreError,
    StoreUnavailable,
    UsageError,
)
from ..graph import DutyGraph, record_id
from ..model import RECORD_TYPES, Department, Duty, Origin
from ..queries import cypher
from ..reader import GraphReader
from .base import ChangeSet
from .neo4j_dialect import FALKORDB, Dialect, detect, plain

if TYPE_CHECKING:
    from ..lawbook import LawBook
    from ..validation import Touches

__all__ = ["LABELS", "RELATIONSHIPS", "Nearest", "Neo4jStore", "credentials"]

#: record kind -> node label
LABELS = {
    "region": "Region",
    "region_group": "RegionGroup",
    "basis": "LegalBasis",
    "department": "Department",
    "item": "Item",
    "duty": "Duty",
    "behavior": "Behavior",
    "business_form": "BusinessForm",
    "dispute": "Dispute",
    "law": "Law",
    "law_version": "LawVersion",
    "article": "LawArticle",
}
_CLASSES = {cls.label: cls for cls in RECORD_TYPES}
_JSON_FIELDS = {"attrs", "claims", "decision"}
#: indexed properties besides ``id`` (the saved queries look duties up by these)
_INDEXES = [
    ("Duty", "item"),
    ("Duty", "region"),
    ("Duty", "department"),
    ("Department", "region"),
    ("Region", "parent"),
    ("Dispute", "region"),
    *((node, "name") for node in ("Region", "Department", "Item", "Behavior", "BusinessForm")),
    ("LegalBasis", "title"),
    ("LawVersion", "law"),
    ("LawArticle", "law"),
]
#: the relationships of the graph model, from the records' reference fields:
#: (kind, field, type, label at the other end, whether it points at the record)
RELATIONSHIPS = [
    ("duty", "department", "HOLDS", "Department", True),  # (:Department)-[:HOLDS {role}]->(:Duty)
    ("duty", "item", "ON", "Item", False),
    ("duty", "region", "IN", "Region", False),
    ("duty", "bases", "RESTS_ON", "LegalBasis", False),
    ("department", "region", "OF", "Region", False),
    ("department", "successor", "SUCCEEDED_BY", "Department", False),
    ("region", "parent", "PARENT", "Region", False),
    ("item", "parent", "PARENT", "Item", False),
]
#: a duty's department, item and region are part of its id: those never change
_FIXED = {("duty", "department"), ("duty", "item"), ("duty", "region")}


def _field_kinds() -> dict[str, dict[str, str]]:
    kinds: dict[str, dict[str, str]] = {}
    for label, cls in _CLASSES.items():
        kinds[label] = {}
        for f in fields(cls):
            t = str(f.type)
            if f.name == "origin":
                kinds[label][f.name] = "origin"
            elif f.name in _JSON_FIELDS:
                kinds[label][f.name] = "json"
            elif t.startswith("tuple"):
                kinds[label][f.name] = "tuple"
            else:
                kinds[label][f.name] = "plain"
    return kinds


_KINDS = _field_kinds()


def encode(rec: Any, dialect: Dialect = FALKORDB) -> dict[str, Any]:
    """A record as node properties (``None`` removes a property under ``SET +=``), dates as
    ``dialect`` stores them.

    >>> from dutygraph.model import Duty
    >>> encode(Duty("D", "I", "510000", "lead", bases=("B",)))["id"]
    'D|I|510000|lead||'
    """
    row: dict[str, Any] = {"id": record_id(rec)}
    for name, kind in _KINDS[rec.label].items():
        v = getattr(rec, name)
        if kind == "tuple":
            v = list(v)
        elif kind == "origin":
            v = None if v is None else json.dumps([v.file, v.row, v.sheet, v.version])
        elif kind == "json":
            v = json.dumps(v, ensure_ascii=False, sort_keys=True) if v else None
        row[name] = dialect.value(name, v)
    return row


def decode(label: str, props: dict[str, Any]) -> Any:
    """The record of kind ``label`` from its node properties (the inverse of :func:`encode`).

    >>> from dutygraph.model import Duty
    >>> d = Duty("D", "I", "510000", "lead", bases=("B",))
    >>> decode("duty", encode(d)) == d
    True
    """
    kwargs: dict[str, Any] = {}
    props = plain(props)
    for name, kind in _KINDS[label].items():
        if name not in props or props[name] is None:
            continue
        v = props[name]
        if kind == "tuple":
            v = tuple(v)
        elif kind == "origin":
            v = Origin(*json.loads(v, strict=False))
        elif kind == "json":
            # strict=False: FalkorDB's parameters unescape "\n" inside a string, so a
            # multi-line cell's JSON comes back with a raw newline (which is its value)
            v = json.loads(v, strict=False)
        kwargs[name] = v
    return _CLASSES[label](**kwargs)


def credentials() -> tuple[str, str] | None:
    """``(user, password)`` from the environment, or ``None`` when no password is set.

    ``DUTYGRAPH_NEO4J_PASSWORD`` wins over ``DUTYGRAPH_NEO4J_PASSWORD_FILE``
    (a file holding the password, as Docker and Kubernetes secrets are).
    """
    user = os.environ.get("DUTYGRAPH_NEO4J_USER") or "neo4j"
    password = os.environ.get("DUTYGRAPH_NEO4J_PASSWORD")
    if password is None and os.environ.get("DUTYGRAPH_NEO4J_PASSWORD_FILE"):
        path = os.environ["DUTYGRAPH_NEO4J_PASSWORD_FILE"]
        try:
            with open(path, encoding="utf-8") as fh:
                password = fh.read().strip()
        except OSError as exc:
            raise UsageError(
                f"DUTYGRAPH_NEO4J_PASSWORD_FILE={path}: cannot read it ({exc.strerror}); "
                "point it at a file holding the Neo4j password"
            ) from exc
    return None if password is None else (user, password)


@contextlib.contextmanager
def _map_errors(url: str, doing: str) -> Iterator[None]:
    """Map the driver's errors into dutygraph's tree; dutygraph's own pass through."""
    try:
        yield
    except DutyGraphError:
        raise
    except nx.AuthError as exc:
        raise StoreUnavailable(
            f"{url}: the server refused the credentials while {doing}; set "
            "DUTYGRAPH_NEO4J_USER and DUTYGRAPH_NEO4J_PASSWORD (or _PASSWORD_FILE)"
        ) from exc
    except (nx.ServiceUnavailable, nx.SessionExpired, nx.ConnectionAcquisitionTimeoutError) as exc:
        raise StoreUnavailable(
            f"{url}: cannot reach the Neo4j server while {doing} ({exc}); "
            "check that it runs and that the URL is right"
        ) from exc
    except (nx.ConfigurationError, ValueError) as exc:
        raise UsageError(f"{url}: not a usable Neo4j URL ({exc}); use bolt://host:port") from exc
    except nx.TransientError as exc:
        raise StoreUnavailable(
            f"{url}: the server stayed busy while {doing} ({exc.message}); try again"
        ) from exc
    except nx.Neo4jError as exc:
        raise StoreError(
            f"{url}: the server failed while {doing}: {exc.code}: {exc.message}"
        ) from exc
    except nx.DriverError as exc:
        raise StoreError(f"{url}: the Neo4j driver failed while {doing}: {exc}") from exc
    except OSError as exc:
        raise StoreUnavailable(f"{url}: network error while {doing}: {exc}") from exc


class _TouchedGraph(DutyGraph):
    """The records a write's plan reads (:meth:`Neo4jStore._touched_graph`), with the store's
    law corpus read as the plan asks for it."""

    def __init__(self, records: list[Any], store: Neo4jStore) -> None:
        super().__init__(records)
        self._store = store
        self._book: LawBook | None = None

    def lawbook(self) -> LawBook:
        if self._book is None:
            self._book = self._store.reader().lawbook()
        return self._book


@dataclass
class Nearest:
    """The explicit duties nearest to an (item, region), as a saved query found them."""

    duties: list[Duty]
    region_path: tuple[str, ...]
    item_path: tuple[str, ...]


def _close_quietly(driver: Any, limited: bool) -> None:
    """Close the driver; on FalkorDB, drop the sockets without Bolt GOODBYE.

    FalkorDB 4.16 mishandles GOODBYE: the next connection anyone opens hangs
    in the handshake. So its pooled connections are killed (closed without
    a message) before the driver closes.
    """
    if limited:
        pool = getattr(driver, "_pool", None)
        for conns in list(getattr(pool, "connections", {}).values()):
            for conn in list(conns):
                with contextlib.suppress(Exception):
                    conn.kill()
    with contextlib.suppress(Exception):
        driver.close()


class Neo4jStore:
    """The graph on a Neo4j server (or FalkorDB, for the tests).

    Parameters
    ----------
    url : str
        ``bolt://host:port`` or ``neo4j://host:port`` (``+s``/``+ssc`` for TLS).
    auth : (user, password), optional
        Default: :func:`credentials` (the environment); none when unset.
    database : str, optional
        Default: ``$DUTYGRAPH_NEO4J_DATABASE``, else the server's default.
    driver : neo4j.Driver, optional
        An open driver to share (the store then does not close it).
    """

    #: the bulk exports read :meth:`reader` page by page (``Neo4jReader.rows``), not graph()
    streams_exports = True
    #: every answer (CLI, GraphQL, ``/api/*``) is read through :meth:`reader`: a server on
    #: this store never reads the whole graph (:class:`dutygraph.api.state.Snapshots`)
    answers_in_store = True
    #: an import matches a published list's names through :meth:`reader` (by name, in
    #: Cypher: ``ids_named``, ``open_duties_of_list``...), not the whole graph
    row_reader = True
    #: an import's plan that compares with more than its keys (a published-list version, a
    #: law corpus) reads through a :class:`~.neo4j_reader.Neo4jReader` inside the write
    #: however many rows it has: by key, a few hundred a query, never the whole graph
    reads_by_key = True

    def __init__(
        self,
        url: str,
        *,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        driver: Any = None,
    ) -> None:
        self.url = url
        self.database = database or os.environ.get("DUTYGRAPH_NEO4J_DATABASE") or None
        self._owns_driver = driver is None
        if driver is None:
            with _map_errors(url, "opening the driver"):
                driver = neo4j.GraphDatabase.driver(
                    url,
                    auth=auth if auth is not None else credentials(),
                    connection_timeout=5.0,
                    connection_acquisition_timeout=5.0,
                    max_transaction_retry_time=15.0,
                    user_agent="dutygraph",
                )
        self._driver = driver
        #: queries run and records the server returned, reads and writes alike (the tests
        #: and benchmarks/bolt_store.py count with them)
        self.queries_run = 0
        self.records_read = 0
        self.dialect = FALKORDB
        self._connect()
        self.server, self.dialect = self._detect()
        self.capabilities = self.dialect.capabilities
        self._set_up = False
        self._cache: tuple[Any, DutyGraph] | None = None
        self._finalizer = (
            weakref.finalize(self, _close_quietly, driver, self.limited)
            if self._owns_driver
            else None
        )

    # -- connection ---------------------------------------------------------------

    def _connect(self) -> None:
        """Verify the server answers, retrying briefly (FalkorDB handshakes sometimes hang)."""
        try:
            for attempt in range(4):
                try:
                    with _map_errors(self.url, "connecting"):
                        self._driver.verify_connectivity()
                    return
                except StoreUnavailable as exc:
                    if isinstance(exc.__cause__, nx.AuthError) or attempt == 3:
                        raise
                    time.sleep(0.2 * attempt)
        except BaseException:
            if self._owns_driver:
                _close_quietly(self._driver, limited=False)
            raise

    def _detect(self) -> tuple[str, Dialect]:
        """The server's name and its :class:`~dutygraph.store.neo4j_dialect.Dialect`."""
        with _map_errors(self.url, "asking the server what it is"):
            agent = self._driver.get_server_info().agent or "unknown"
        components = None
        if agent.startswith("Neo4j/"):
            with contextlib.suppress(StoreError):
                components = self._run(
                    "CALL dbms.components() YIELD name, versions RETURN name, versions"
                )
        return detect(agent, components)

    @property
    def limited(self) -> bool:
        """A server without transactions and with small messages (FalkorDB)."""
        return self.dialect.limited

    def _session(self, **kw: Any) -> Any:
        return self._driver.session(database=self.database, **kw)

    def _run(self, query: str, _read: bool = False, **params: Any) -> list[dict[str, Any]]:
        """One query; its records as dicts.

        With ``_read`` it runs in a managed read transaction, which a cluster
        routes to a follower or read replica (FalkorDB answers an auto-commit
        query in READ mode with nothing, but a read transaction correctly).
        """
        params = self.dialect.params(params)
        with _map_errors(self.url, "running a query"), self._session() as s:
            if _read:
                rows: list[dict[str, Any]] = s.execute_read(lambda tx: tx.run(query, params).data())
            else:
                rows = [r.data() for r in s.run(query, params)]
        self.queries_run += 1
        self.records_read += len(rows)
        return rows

    def _tx_rows(self, tx: Any, query: str, **params: Any) -> list[dict[str, Any]]:
        """One query in transaction ``tx``; its records as dicts, counted."""
        rows: list[dict[str, Any]] = tx.run(query, self.dialect.params(params)).data()
        self.queries_run += 1
        self.records_read += len(rows)
        return rows

    def _read(self, work: Callable[[Any], Any]) -> Any:
        with _map_errors(self.url, "reading"), self._session() as s:
            return s.execute_read(work)

    # -- reading ------------------------------------------------------------------

    @staticmethod
    def _stamp(tx: Any) -> Any:
        rec = tx.run(
            "MATCH (m:StoreMeta {id: 'store'}) RETURN m.epoch AS epoch, m.seq AS seq"
        ).single()
        return None if rec is None else (rec["epoch"], rec["seq"])

    def _read_records(self, tx: Any) -> list[Any]:
        records: list[Any] = []
        page = 5000
        for label, node in LABELS.items():
            after = ""
            while True:
                rows = self._tx_rows(
                    tx,
                    f"MATCH (n:{node}) WHERE n.id > $after "
                    "RETURN properties(n) AS p ORDER BY n.id LIMIT $page",
                    after=after,
                    page=page,
                )
                records.extend(decode(label, r["p"]) for r in rows)
                if len(rows) < page:
                    break
                after = rows[-1]["p"]["id"]
        return records

    def _graph_in(self, tx: Any) -> tuple[Any, DutyGraph]:
        """The graph as ``tx`` sees it, from the cache when the write stamp is unchanged."""
        for _ in range(5):
            stamp = self._stamp(tx)
            if stamp is None:  # never written by dutygraph: read what is there, uncached
                return None, DutyGraph(self._read_records(tx))
            if self._cache is not None and self._cache[0] == stamp:
                return self._cache
            records = self._read_records(tx)
            if self._stamp(tx) == stamp:  # no write committed meanwhile
                self._cache = (stamp, DutyGraph(records))
                return self._cache
        raise StoreUnavailable(f"{self.url}: writes kept changing the graph while reading it")

    def graph(self) -> DutyGraph:
        return self._read(lambda tx: self._graph_in(tx)[1])  # type: ignore[no-any-return]

    def stamp(self) -> tuple[str, int]:
        """The ``:StoreMeta`` node's (epoch, write sequence): one small query.

        Every committed write increments the sequence in its own transaction;
        a cleared or re-created graph gets a new epoch. ``("", 0)``: never written.
        """
        return self._read(self._stamp) or ("", 0)  # type: ignore[no-any-return]

    def reader(self) -> GraphReader:
        """A :class:`~dutygraph.store.neo4j_reader.Neo4jReader`: answers read as they need, in Cypher."""
        from .neo4j_reader import Neo4jReader

        return Neo4jReader(self)

    def history(self) -> list[dict[str, Any]]:
        rows = self._run("MATCH (l:Log) RETURN l.entry AS entry ORDER BY l.seq", _read=True)
        return [json.loads(r["entry"]) for r in rows]

    # -- writing ------------------------------------------------------------------

    def _setup(self) -> None:
        """Create the indexes (and, on Neo4j, uniqueness constraints) once: the dialect's DDL."""
        if self._set_up:
            return
        labels = [*LABELS.values(), "Log", "StoreMeta"]
        if self.limited:
            have = {
                (r["label"], p)
                for r in self._run("CALL db.indexes() YIELD label, properties")
                for p in r["properties"]
            }
            statements = list(self.dialect.plain_indexes(labels, _INDEXES, have))
        else:
            statements = list(self.dialect.ddl(labels, _INDEXES))
        for stmt in statements:
            self._run(stmt)
        self._set_up = True

    def _batches(self, rows: list[Any], query: str) -> Iterator[list[Any]]:
        """Rows (or ids) in batches; on a limited server, each under its message size."""
        return self.dialect.batches(rows, query, where=self.url)

    def _fetch(self, tx: Any, label: str, ids: Iterable[str]) -> list[Any]:
        """The records of kind ``label`` with these ids, read by key in ``tx``."""
        query = f"UNWIND $ids AS id MATCH (n:{LABELS[label]} {{id: id}}) RETURN properties(n) AS p"
        out = []
        for batch in self._batches(sorted(ids), query):
            out += [decode(label, r["p"]) for r in self._tx_rows(tx, query, ids=batch)]
        return out

    def _touched_graph(self, tx: Any, touches: Touches) -> DutyGraph:
        """The records ``touches`` names, read by key in ``tx``, as a graph for the plan.

        The ids and duty keys one query per kind; each tree chain one query per
        level (so round trips are bounded by the trees' depth, records by the
        batch); the law corpus, when the plan asks for it, as the reader reads it.
        """
        from ..validation import TREE_FIELDS

        found: dict[str, dict[str, Any]] = {}
        asked: dict[str, set[str]] = {}

        def fetch(label: str, ids: Iterable[str]) -> None:
            want = set(ids) - asked.setdefault(label, set())
            asked[label] |= want
            have = found.setdefault(label, {})
            for rec in self._fetch(tx, label, want):
                have[record_id(rec)] = rec

        for label, ids in touches.ids.items():
            fetch(label, ids)
        fetch("duty", touches.duties)
        for kind, start in touches.chains.items():
            fieldname = TREE_FIELDS[kind]
            frontier, walked = set(start), set()
            while frontier:
                fetch(kind, frontier)
                walked |= frontier
                frontier = {
                    getattr(rec, fieldname)
                    for i in frontier
                    if (rec := found[kind].get(i)) is not None and getattr(rec, fieldname)
                } - walked
        records = [rec for label in LABELS for rec in found.get(label, {}).values()]
        return _TouchedGraph(records, self)

    def _stored(
        self, tx: Any, by_label: dict[str, dict[str, dict[str, Any]]], before: Any
    ) -> dict[str, set[str]]:
        """Which of the records about to be written are in the store already, by kind.

        From the graph the plan read when it is one (a snapshot, or the records
        read by key), else by key in ``tx`` — one query a batch of ids.
        """
        out: dict[str, set[str]] = {}
        for label, rows in by_label.items():
            if isinstance(before, DutyGraph):
                old = before.duties if label == "duty" else before.table(label)
                out[label] = {i for i in rows if i in old}
                continue
            query = f"UNWIND $ids AS id MATCH (n:{LABELS[label]} {{id: id}}) RETURN n.id AS id"
            out[label] = set()
            for batch in self._batches(sorted(rows), query):
                out[label].update(r["id"] for r in self._tx_rows(tx, query, ids=batch))
        return out

    def _write_relationships(
        self, tx: Any, by_label: dict[str, dict[str, dict[str, Any]]], stored: dict[str, set[str]]
    ) -> None:
        """The graph model's relationships (:data:`RELATIONSHIPS`) of the records written.

        A record that was in the store (``stored``) loses its old relationships of
        each changeable kind first; then each is merged from the record's fields.
        """
        for label, field, rel, target, inward in RELATIONSHIPS:
            rows = by_label.get(label)
            if not rows:
                continue
            node = LABELS[label]
            edge = f"<-[e:{rel}]-()" if inward else f"-[e:{rel}]->()"
            if (label, field) not in _FIXED:
                stale = [i for i in rows if i in stored.get(label, ())]
                query = f"UNWIND $ids AS id MATCH (n:{node} {{id: id}}){edge} DELETE e"
                for batch in self._batches(stale, query):
                    self._tx_rows(tx, query, ids=batch)
            links = []
            for i, row in rows.items():
                value = row.get(field)
                for to in value if isinstance(value, list) else [value] if value else []:
                    link = {"id": i, "to": to}
                    if rel == "HOLDS":
                        link["role"] = row["role"]
                    links.append(link)
            merge = (
                "MERGE (t)-[:HOLDS {role: r.role}]->(n)"
                if rel == "HOLDS"
                else f"MERGE (n)-[:{rel}]->(t)"
            )
            query = (
                f"UNWIND $rows AS r MATCH (n:{node} {{id: r.id}}) "
                f"MATCH (t:{target} {{id: r.to}}) {merge}"
            )
            for batch in self._batches(links, query):
                self._tx_rows(tx, query, rows=batch)

    def write(self, plan: Callable[[DutyGraph], ChangeSet]) -> ChangeSet:
        """Run ``plan`` and write what it returns, in one transaction (see the module docstring).

        A plan that says what it reads (``plan.touches()`` gives a
        :class:`~dutygraph.validation.Touches`: the import's does) runs on just
        those records, read by key inside the transaction; a plan marked
        :func:`~dutygraph.store.base.reads_rows` (a dispute opened, moved or
        decided) on a :class:`~dutygraph.store.neo4j_reader.Neo4jReader` whose
        queries run inside the transaction, reading what the plan asks for; any
        other plan on the whole graph.
        """
        self._setup()
        result: dict[str, Any] = {}
        touches_of: Callable[[], Touches] | None = getattr(plan, "touches", None)

        def work(tx: Any) -> Any:
            rows = self._tx_rows(
                tx,
                "MERGE (m:StoreMeta {id: 'store'}) "
                "ON CREATE SET m.epoch = $epoch, m.seq = 0 "
                "SET m.locked = true RETURN m.epoch AS epoch, m.seq AS seq",
                epoch=uuid.uuid4().hex,
            )
            meta = rows[0]
            stamp = (meta["epoch"], meta["seq"])
            graph: Any
            if self._cache is not None and self._cache[0] == stamp:
                graph = self._cache[1]
            elif touches_of is not None:
                graph = self._touched_graph(tx, touches_of())
            elif getattr(plan, "reads_rows", False):
                from .neo4j_reader import Neo4jReader

                graph = Neo4jReader(self, tx=tx)
            else:
                graph = DutyGraph(self._read_records(tx))
            changes = plan(graph)
            result["changes"] = changes
            if not changes:
                return None
            by_label: dict[str, dict[str, dict[str, Any]]] = {}
            records = changes.all_records()
            for rec in records:
                by_label.setdefault(rec.label, {})[record_id(rec)] = encode(rec, self.dialect)
            stored = self._stored(tx, by_label, graph)
            for label, rows_of in by_label.items():
                query = f"UNWIND $rows AS r MERGE (n:{LABELS[label]} {{id: r.id}}) SET n += r"
                for batch in self._batches(list(rows_of.values()), query):
                    tx.run(query, rows=batch).consume()
                    self.queries_run += 1
            self._write_relationships(tx, by_label, stored)
            seq = meta["seq"] + 1
            entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **changes.log}
            tx.run(
                "MATCH (m:StoreMeta {id: 'store'}) SET m.seq = $seq, m.locked = false "
                "CREATE (:Log {id: $id, seq: $seq, entry: $entry})",
                seq=seq,
                id=f"{meta['epoch']}-{seq}",
                entry=json.dumps(entry, ensure_ascii=False),
            ).consume()
            if isinstance(graph, _TouchedGraph) or not isinstance(graph, DutyGraph):
                return None  # not a snapshot: nothing to keep
            merged = {(r.label, record_id(r)): r for r in graph.records()}
            merged.update(((r.label, record_id(r)), r) for r in records)
            return ((meta["epoch"], seq), DutyGraph(merged.values()))

        with _map_errors(self.url, "writing"), self._session() as s:
            cached = s.execute_write(work)
        self._cache = cached
        return result["changes"]  # type: ignore[no-any-return]

    def clear(self) -> None:
        """Delete every node of the graph (tests and re-imports from scratch)."""
        self._run("MATCH (n) DETACH DELETE n")
        self._cache = None

    # -- answers computed in the database (capability ``cypher``) ------------------

    def nearest_duties(self, item: str, region: str, role: str, as_of: str) -> Nearest:
        """The active ``role`` duties nearest to ``item`` at ``region``, by a saved query.

        The explicit step of who-leads / who-assists (SPEC §3 rules 1-3); an
        empty answer has empty paths.
        """
        name = {"lead": "who_leads", "assist": "who_assists"}.get(role)
        if name is None:
            raise UsageError(f"role {role!r} has no saved query; use lead or assist")
        rows = self._run(cypher(name), _read=True, item=item, region=region, as_of=as_of)
        if not rows:
            return Nearest([], (), ())
        row = rows[0]
        return Nearest(
            [decode("duty", p) for p in row["duties"]],
            tuple(row["region_path"]),
            tuple(row["item_path"]),
        )

    def multiple_leads(
        self, region: str | None, as_of: str
    ) -> list[tuple[str, str, list[str], list[Duty]]]:
        """``MULTIPLE_LEADS`` conflicts in ``region``'s subtree (or everywhere), grouped in the database.

        Returns ``(item, region, departments, duties)`` with abolished
        departments replaced by their successors, sorted by region and item.
        """
        rows = self._run(cypher("multiple_leads"), _read=True, region=region, as_of=as_of)
        wanted = {d for r in rows for d in r["departments"]}
        known: dict[str, Department] = {}
        while wanted:
            found = self._run(cypher("departments_by_id"), _read=True, ids=sorted(wanted))
            for r in found:
                dep = decode("department", r["department"])
                known[dep.id] = dep
            wanted = {d.successor for d in known.values() if d.successor} - set(known)
        lookup = DutyGraph(known.values())
        out = []
        for r in rows:
            current = set()
            for d in r["departments"]:
                cur, _ = lookup.current(d, as_of)
                current.add(cur.id if cur is not None else d)
            if len(current) >= 2:
                duties = [decode("duty", p) for p in r["duties"]]
                out.append((r["item"], r["region"], sorted(current), duties))
        return out

    # -- closing ------------------------------------------------------------------

    def close(self) -> None:
        self._cache = None
        if self._finalizer is not None:
            self._finalizer()

    def __repr__(self) -> str:
        return f"Neo4jStore({self.url!r})"
