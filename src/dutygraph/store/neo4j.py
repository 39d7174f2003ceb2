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
``Behavior``, ``BusinessForm``, ``Dispute``), keyed by ``id`` (a region's
code, a duty's key joined by ``|``). Fields are properties: dates stay ISO
strings, multi-valued fields are lists, ``attrs``/``origin`` and a dispute's
``claims``/``decision`` are JSON text. The two trees are relationships,
``(:Region)-[:PARENT]->(:Region)`` and ``(:Item)-[:PARENT]->(:Item)``, so the
saved queries (``queries/*.cypher``) walk them in the database. ``:Log``
nodes hold the history; one ``:StoreMeta`` node holds the write sequence.

Writing. :meth:`Neo4jStore.write` runs in one managed write transaction
(retried by the driver on transient errors): it locks the ``:StoreMeta`` node
(serialising writers), reads the graph, runs the plan, and writes the records
with ``UNWIND $rows AS r MERGE (n:Label {id: r.id}) SET n += r`` in batches —
so an import is idempotent, and on a server with transactions all-or-nothing.

Servers. The store asks the server what it is (its agent string, then
``dbms.components()``). A real Neo4j has ``transactions``, ``durable``,
``snapshots`` and ``cypher``; indexes and uniqueness constraints are created
at the first write. FalkorDB (the Bolt server the tests run on) reports itself
as Neo4j but has no transactions — a failed write leaves its earlier batches
in place — so it lacks ``transactions`` and ``snapshots``; it gets plain
indexes, and batches under its ~4 KB message limit.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any

import neo4j
import neo4j.exceptions as nx

from ..errors import (
    DutyGraphError,
    StoreError,
    StoreUnavailable,
    UnsupportedOperation,
    UsageError,
)
from ..graph import DutyGraph, record_id
from ..model import RECORD_TYPES, Department, Duty, Origin
from ..queries import cypher
from ..reader import GraphReader
from .base import ChangeSet

__all__ = ["LABELS", "Nearest", "Neo4jStore", "credentials"]

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
#: FalkorDB drops the connection (and crashes) on a Bolt message over ~4 KB
_LIMITED_MESSAGE_BYTES = 3200
_BATCH_ROWS = 500


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


def encode(rec: Any) -> dict[str, Any]:
    """A record as node properties (``None`` removes a property under ``SET +=``).

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
        row[name] = v
    return row


def decode(label: str, props: dict[str, Any]) -> Any:
    """The record of kind ``label`` from its node properties (the inverse of :func:`encode`).

    >>> from dutygraph.model import Duty
    >>> d = Duty("D", "I", "510000", "lead", bases=("B",))
    >>> decode("duty", encode(d)) == d
    True
    """
    kwargs: dict[str, Any] = {}
    for name, kind in _KINDS[label].items():
        if name not in props or props[name] is None:
            continue
        v = props[name]
        if kind == "tuple":
            v = tuple(v)
        elif kind == "origin":
            v = Origin(*json.loads(v))
        elif kind == "json":
            v = json.loads(v)
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
        self._connect()
        self.server, self.limited = self._detect()
        self.capabilities = (
            frozenset({"durable", "cypher"})
            if self.limited
            else frozenset({"transactions", "durable", "snapshots", "cypher"})
        )
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

    def _detect(self) -> tuple[str, bool]:
        """The server's name and version, and whether it is a limited (FalkorDB-like) one."""
        with _map_errors(self.url, "asking the server what it is"):
            agent = self._driver.get_server_info().agent or "unknown"
        if not agent.startswith("Neo4j/"):
            return agent, True
        try:
            rows = self._run("CALL dbms.components() YIELD name, versions RETURN name, versions")
        except StoreError:
            # FalkorDB says it is Neo4j/5.13.0 but has no dbms.components()
            return f"FalkorDB (as {agent})", True
        if rows and rows[0]["name"] == "Neo4j Kernel":
            return f"Neo4j {rows[0]['versions'][0]}", False
        return agent, True

    def _session(self, **kw: Any) -> Any:
        return self._driver.session(database=self.database, **kw)

    def _run(self, query: str, _read: bool = False, **params: Any) -> list[dict[str, Any]]:
        """One query; its records as dicts.

        With ``_read`` it runs in a managed read transaction, which a cluster
        routes to a follower or read replica (FalkorDB answers an auto-commit
        query in READ mode with nothing, but a read transaction correctly).
        """
        with _map_errors(self.url, "running a query"), self._session() as s:
            if _read:
                return s.execute_read(lambda tx: tx.run(query, params).data())  # type: ignore[no-any-return]
            return [r.data() for r in s.run(query, params)]

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
                rows = tx.run(
                    f"MATCH (n:{node}) WHERE n.id > $after "
                    "RETURN properties(n) AS p ORDER BY n.id LIMIT $page",
                    after=after,
                    page=page,
                ).data()
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
        """Create indexes (and, on Neo4j, uniqueness constraints) once."""
        if self._set_up:
            return
        if self.limited:
            have = {
                (r["label"], p)
                for r in self._run("CALL db.indexes() YIELD label, properties")
                for p in r["properties"]
            }
            wanted = [(n, "id") for n in (*LABELS.values(), "Log", "StoreMeta")] + _INDEXES
            for node, prop in wanted:
                if (node, prop) not in have:
                    self._run(f"CREATE INDEX FOR (n:{node}) ON (n.{prop})")
        else:
            for node in (*LABELS.values(), "Log", "StoreMeta"):
                self._run(
                    f"CREATE CONSTRAINT dutygraph_{node.lower()}_id IF NOT EXISTS "
                    f"FOR (n:{node}) REQUIRE n.id IS UNIQUE"
                )
            for node, prop in _INDEXES:
                self._run(
                    f"CREATE INDEX dutygraph_{node.lower()}_{prop} IF NOT EXISTS "
                    f"FOR (n:{node}) ON (n.{prop})"
                )
            # the who-leads step looks duties up by (item, region): one composite index
            self._run(
                "CREATE INDEX dutygraph_duty_item_region IF NOT EXISTS "
                "FOR (n:Duty) ON (n.item, n.region)"
            )
        self._set_up = True

    def _batches(self, rows: list[dict[str, Any]], query: str) -> Iterator[list[dict[str, Any]]]:
        """Rows in batches; on a limited server, each under its message size."""
        if not self.limited:
            for i in range(0, len(rows), _BATCH_ROWS):
                yield rows[i : i + _BATCH_ROWS]
            return
        budget = _LIMITED_MESSAGE_BYTES - len(query.encode())
        batch: list[dict[str, Any]] = []
        size = 0
        for row in rows:
            n = len(json.dumps(row, ensure_ascii=False).encode()) + 8
            if n > budget:
                raise UnsupportedOperation(
                    f"write the {row.get('id')!r} record ({n} bytes)",
                    self.url,
                    f"{self.server} accepts Bolt messages of about 4 KB only; "
                    "use a Neo4j server for records this large",
                )
            if batch and size + n > budget:
                yield batch
                batch, size = [], 0
            batch.append(row)
            size += n
        if batch:
            yield batch

    def write(self, plan: Callable[[DutyGraph], ChangeSet]) -> ChangeSet:
        """Run ``plan`` on the current graph and write what it returns (see the module docstring)."""
        self._setup()
        result: dict[str, Any] = {}

        def work(tx: Any) -> Any:
            meta = tx.run(
                "MERGE (m:StoreMeta {id: 'store'}) "
                "ON CREATE SET m.epoch = $epoch, m.seq = 0 "
                "SET m.locked = true RETURN m.epoch AS epoch, m.seq AS seq",
                epoch=uuid.uuid4().hex,
            ).single()
            stamp = (meta["epoch"], meta["seq"])
            if self._cache is not None and self._cache[0] == stamp:
                graph = self._cache[1]
            else:
                graph = DutyGraph(self._read_records(tx))
            changes = plan(graph)
            result["changes"] = changes
            if not changes:
                return None
            by_label: dict[str, dict[str, dict[str, Any]]] = {}
            records = changes.all_records()
            for rec in records:
                by_label.setdefault(rec.label, {})[record_id(rec)] = encode(rec)
            for label, rows in by_label.items():
                query = f"UNWIND $rows AS r MERGE (n:{LABELS[label]} {{id: r.id}}) SET n += r"
                for batch in self._batches(list(rows.values()), query):
                    tx.run(query, rows=batch).consume()
            for node in ("Region", "Item"):
                if any(LABELS[lb] == node for lb in by_label):
                    tx.run(
                        f"MATCH (n:{node})-[e:PARENT]->(p:{node}) "
                        "WHERE n.parent IS NULL OR p.id <> n.parent DELETE e"
                    ).consume()
                    tx.run(
                        f"MATCH (n:{node}) WHERE n.parent IS NOT NULL "
                        f"AND NOT (n)-[:PARENT]->(:{node}) "
                        f"MATCH (p:{node} {{id: n.parent}}) MERGE (n)-[:PARENT]->(p)"
                    ).consume()
            seq = meta["seq"] + 1
            entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **changes.log}
            tx.run(
                "MATCH (m:StoreMeta {id: 'store'}) SET m.seq = $seq, m.locked = false "
                "CREATE (:Log {id: $id, seq: $seq, entry: $entry})",
                seq=seq,
                id=f"{meta['epoch']}-{seq}",
                entry=json.dumps(entry, ensure_ascii=False),
            ).consume()
            merged = {(r.label, record_id(r)): r for r in graph.records()}
            merged.update(((r.label, record_id(r)), r) for r in records)
            return ((meta["epoch"], seq), DutyGraph(merged.values()))

        with _map_errors(self.url, "writing"), self._session() as s:
            cached = s.execute_write(work)
        if cached is not None:
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
