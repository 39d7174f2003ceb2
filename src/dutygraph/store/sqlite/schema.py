"""The SQLite store's tables: one per kind of record, its columns the record's fields.

Every kind of :data:`~dutygraph.model.RECORD_TYPES` is a table named by its label
(``region``, ``department``, ``duty``, …) whose columns are ``id`` (the record's
id; a duty's is its key joined with ``|``) and then its fields in order: plain
values as they are, tuples and mappings as JSON text, booleans as 0/1, the
origin as four columns (``origin_file``, ``origin_row``, ``origin_sheet``,
``origin_version``). So ``sqlite3 dutygraph.db 'select * from duty limit 3'``
reads like the bundle, and a new kind of record gets its table without a
change here. Beside them: ``names`` (every name and alias by kind, for
:meth:`find`), ``duty_basis`` (which duties rest on which basis), ``history``
(the log) and ``meta`` (the write counter).

The duty table (a national store holds 12.6 million rows) is slimmer (schema 5): its
rows are numbered by ``n`` (the INTEGER PRIMARY KEY, in the order duties were first
written), its ``id`` is a generated column (computed when read, never stored), and one
UNIQUE index on the key (:data:`KEY_SQL`: item, region, role, department, line, start)
finds a duty by its id (split at ``|``: :meth:`Table.match`) and the answers' duties by
(item, region, role); ``duty_basis`` holds the duty's ``n``. Above the store a duty's id
is its key joined with ``|`` as before, and ``select * from duty`` still shows it.

>>> t = TABLES["region"]
>>> t.columns[:4], t.columns[-4:]
(('id', 'code', 'name', 'level'), ('origin_file', 'origin_row', 'origin_sheet', 'origin_version'))
>>> from dutygraph.model import Region, Origin
>>> row = t.encode(Region("510104", "锦江区", "county", "510100", origin=Origin("r.csv", 3)))
>>> row[:5], row[-4:]
(('510104', '510104', '锦江区', 'county', '510100'), ('r.csv', 3, None, None))
>>> t.decode([row[1:]])[0] == Region("510104", "锦江区", "county", "510100")
True
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from typing import Any

from ...columns import DUTY_FIELDS, DutyColumns
from ...graph import name_key
from ...model import EMPTY_ATTRS, RECORD_TYPES, Origin

__all__ = [
    "APPLICATION_ID",
    "BASES_OF_DUTIES",
    "INDEXES",
    "KEY_EQ",
    "KEY_SQL",
    "SCHEMA_VERSION",
    "TABLES",
    "Table",
    "base_ddl",
    "duty_ids",
    "duty_insert",
    "duty_rows",
    "key_eq",
    "key_params",
    "make",
    "migrate",
    "table_for",
]

#: ``PRAGMA application_id`` of a dutygraph store ("dgst")
APPLICATION_ID = 0x64677374
#: ``PRAGMA user_version``: the schema this code writes (and the newest it reads); 2 added
#: the law corpus's tables (``law``, ``law_version``, ``article``) and the basis's
#: ``law_version``/``law_from``/``law_to`` columns (:func:`migrate` adds them to a store of 1);
#: 3 the index of duties by ``source`` (a published list's duties, for its next version);
#: 4 the ``names`` table's ``folded`` column (each name as the matcher compares it,
#: :func:`~dutygraph.graph.name_key`) and its index (:func:`migrate` fills it from the names);
#: 5 a slimmer duty table: an integer row number ``n`` as its primary key, the id a
#: generated column (not stored), a UNIQUE index on the key (:data:`KEY_SQL`) that serves
#: both the look-up by id and the answers' (item, region, role), and ``duty_basis`` holding
#: the duty's ``n``, not its id (:func:`migrate` rebuilds both tables of a store of 4)
SCHEMA_VERSION = 5
_ORIGIN = tuple(f"origin_{n}" for n in Origin._fields)


#: the duty table's unique key, in its index's order ((item, region, role) first: the
#: answers' look-up); a missing line or start is ``""`` in it, as in :attr:`Duty.key`
def _key_sql(alias: str = "") -> tuple[str, ...]:
    return tuple(
        f"ifnull({alias}{c}, '')" if c in ("line", "valid_from") else f"{alias}{c}"
        for c in ("item", "region", "role", "department", "line", "valid_from")
    )


KEY_SQL = _key_sql()
#: where each part of :data:`KEY_SQL` is in :attr:`Duty.key` (department, item, region,
#: role, line, valid_from)
_KEY_AT = (1, 2, 3, 0, 4, 5)
#: a duty's id from its columns (:attr:`Duty.id`: its key joined with ``|``)
_ID_SQL = " || '|' || ".join(
    ("department", "item", "region", "role", "ifnull(line, '')", "ifnull(valid_from, '')")
)


def key_eq(alias: str = "") -> str:
    """The condition of the duty table's row of one key (``alias``: the table as named in
    the query, e.g. ``"d."``), on its unique index; parameters :func:`key_params`."""
    return " AND ".join(f"{k} = ?" for k in _key_sql(alias))


#: the rows of the duty table with one key: its unique index's equality
KEY_EQ = key_eq()
_make_origin = functools.partial(tuple.__new__, Origin)
log = logging.getLogger("dutygraph.store")

#: the indexes the answers need, by table
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "region": [("parent",)],
    "item": [("parent",)],
    "department": [("region",)],
    "duty": [("department",), ("source",)],
    "law_version": [("law",)],
    "article": [("law",), ("version",)],
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _tuple_decoder() -> Callable[[list[Any]], list[Any]]:
    def decode(col: list[Any]) -> list[Any]:
        memo = {s: tuple(json.loads(s)) for s in set(col) if s is not None}
        return [memo[s] if s is not None else () for s in col]

    return decode


def _attrs_decoder(col: list[Any]) -> list[Any]:
    # equal attrs are shared between records, as EMPTY_ATTRS is (records are never mutated)
    memo = {s: json.loads(s) for s in set(col) if s is not None and s != "{}"}
    return [memo[s] if s is not None and s != "{}" else EMPTY_ATTRS for s in col]


def _json_decoder(col: list[Any]) -> list[Any]:
    return [json.loads(s) if s is not None else None for s in col]


def _bool_decoder(col: list[Any]) -> list[Any]:
    return [bool(v) for v in col]


class Table:
    """How records of one kind are written to and read from their table."""

    def __init__(self, cls: type) -> None:
        self.cls = cls
        self.label: str = cls.label  # type: ignore[attr-defined]
        self.fields = [f.name for f in fields(cls)]
        self.has_origin = "origin" in self.fields
        self.plain = [n for n in self.fields if n != "origin"]
        #: the stored columns of the fields (a record's ``id`` field is the ``id`` column)
        self.stored = [n for n in self.plain if n != "id"]
        self.columns: tuple[str, ...] = (
            "id",
            *self.stored,
            *(_ORIGIN if self.has_origin else ()),
        )
        self._encoders: list[Callable[[Any], Any] | None] = []
        self._decoders: list[Callable[[list[Any]], list[Any]] | None] = []
        for f in fields(cls):
            if f.name == "origin":
                continue
            kind = str(f.type)
            if f.name == "attrs":
                self._encoders.append(lambda v: _json(v) if v else "{}")
                self._decoders.append(_attrs_decoder)
            elif kind.startswith("tuple"):
                self._encoders.append(lambda v: _json(list(v)))
                self._decoders.append(_tuple_decoder())
            elif kind.startswith("dict"):
                self._encoders.append(lambda v: _json(v) if v is not None else None)
                self._decoders.append(_json_decoder)
            elif kind == "bool":
                self._encoders.append(lambda v: int(bool(v)))
                self._decoders.append(_bool_decoder)
            else:
                self._encoders.append(None)
                self._decoders.append(None)
        self.name = _q(self.label)
        #: the duty table (schema 5): rows numbered by ``n``, the id generated from the key,
        #: found through the key's unique index (:data:`KEY_SQL`)
        self.keyed = self.label == "duty"
        self._read_cols = ", ".join(map(_q, [*self.plain, *(_ORIGIN if self.has_origin else ())]))
        # each statement's text made once (a small write asks for the same few many times)
        self._selects: dict[tuple[str, str, bool], str] = {}
        self._upsert: str | None = None

    def ddl(self) -> list[str]:
        return [self.create_sql(), *self.index_ddl()]

    def create_sql(self, name: str | None = None) -> str:
        """The ``CREATE TABLE`` statement (``name``: under another name)."""
        if self.keyed:
            cols = ", ".join(
                [
                    '"n" INTEGER PRIMARY KEY',
                    f'"id" TEXT GENERATED ALWAYS AS ({_ID_SQL}) VIRTUAL',
                    *map(_q, self.columns[1:]),
                ]
            )
        else:
            cols = ", ".join(f"{_q(c)}{' PRIMARY KEY' if c == 'id' else ''}" for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {_q(name) if name else self.name} ({cols})"

    def index_ddl(self) -> list[str]:
        """The ``CREATE INDEX`` statements of the table's secondary indexes."""
        out = []
        if self.keyed:
            out.append(
                f"CREATE UNIQUE INDEX IF NOT EXISTS {_q(self.label + '_by_key')} "
                f"ON {self.name} ({', '.join(KEY_SQL)})"
            )
        for idx in INDEXES.get(self.label, []):
            iname = _q(f"{self.label}_by_{'_'.join(idx)}")
            out.append(
                f"CREATE INDEX IF NOT EXISTS {iname} ON {self.name} ({', '.join(map(_q, idx))})"
            )
        return out

    def upsert_sql(self) -> str:
        if self._upsert is None:
            self._upsert = self._make_upsert()
        return self._upsert

    def _make_upsert(self) -> str:
        sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in self.columns[1:])
        target = ", ".join(KEY_SQL) if self.keyed else "id"
        return f"{self.insert_sql()} ON CONFLICT({target}) DO UPDATE SET {sets}"

    def insert_sql(self) -> str:
        """The plain ``INSERT`` of a row (the duty table's: its columns without the id,
        which is generated; as :func:`duty_rows` makes them)."""
        cols = self.columns[1:] if self.keyed else self.columns
        marks = ", ".join("?" for _ in cols)
        return f"INSERT INTO {self.name} ({', '.join(map(_q, cols))}) VALUES ({marks})"

    def match(self, ids: Sequence[str]) -> tuple[str, tuple[Any, ...]]:
        """An SQL condition true of the rows with one of ``ids``, and its parameters: by the
        primary key; the duty table's by its key's unique index (each id split at ``|``
        into its six parts; an id with ``|`` inside a part is compared whole, unindexed).

        >>> TABLES["region"].match(["510104"])
        ('id = ?', ('510104',))
        >>> TABLES["duty"].match(["D1|I1|510104|lead||"])[1]
        ('I1', '510104', 'lead', 'D1', '', '')
        """
        if not self.keyed:
            if len(ids) == 1:
                return "id = ?", (ids[0],)
            return "id IN (SELECT value FROM json_each(?))", (_json(list(ids)),)
        split, whole = [], []
        for i in ids:
            parts = i.split("|")
            if len(parts) == 6:
                split.append(key_params(parts))
            else:
                whole.append(i)
        conds: list[str] = []
        params: list[Any] = []
        if len(split) == 1:
            conds.append(KEY_EQ)
            params.extend(split[0])
        elif split:
            on = " AND ".join(
                f"{k} = json_extract(k.value, '$[{j}]')" for j, k in enumerate(_key_sql("d."))
            )
            conds.append(
                f"n IN (SELECT d.n FROM json_each(?) AS k CROSS JOIN {self.name} AS d ON {on})"
            )
            params.append(_json(split))
        if whole:
            conds.append("id IN (SELECT value FROM json_each(?))")
            params.append(_json(whole))
        if not conds:
            return "0", ()
        if len(conds) == 1:
            return conds[0], tuple(params)
        return " OR ".join(f"({c})" for c in conds), tuple(params)

    def select_sql(self, where: str = "", order: str = "rowid", *, with_id: bool = False) -> str:
        """The statement reading the rows (``with_id``: the id first, then the columns
        :meth:`decode` takes), each made once."""
        sql = self._selects.get((where, order, with_id))
        if sql is None:
            sql = self._selects[where, order, with_id] = (
                f"SELECT {'id, ' if with_id else ''}{self._read_cols} FROM {self.name}"
                f"{' WHERE ' + where if where else ''} ORDER BY {order}"
            )
        return sql

    def encode(self, rec: Any) -> tuple[Any, ...]:
        """The row of ``rec``: its id, then its columns."""
        values = [
            enc(getattr(rec, n)) if enc is not None else getattr(rec, n)
            for n, enc in zip(self.plain, self._encoders, strict=True)
            if n != "id"
        ]
        if self.has_origin:
            values.extend(rec.origin if rec.origin is not None else (None, None, None, None))
        return (rec.id, *values)

    def decode_columns(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        """The rows (as :meth:`select_sql` reads them) as decoded columns, the origin's four last."""
        if not rows:
            return [[] for _ in self.columns[1:]]
        cols = [list(c) for c in zip(*rows, strict=True)]
        for i, dec in enumerate(self._decoders):
            if dec is not None:
                cols[i] = dec(cols[i])
        return cols

    def decode(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """The records of ``rows`` (as :meth:`select_sql` reads them)."""
        if not rows:
            return []
        cols = self.decode_columns(rows)
        if self.has_origin:
            n = len(self.plain)
            origins = [
                _make_origin(o) if o[0] is not None else None for o in zip(*cols[n:], strict=True)
            ]
            at = self.fields.index("origin")
            cols = [*cols[:n]]
            cols.insert(at, origins)
        cls = self.cls
        return [cls(*values) for values in zip(*cols, strict=True)]


TABLES: dict[str, Table] = {cls.label: Table(cls) for cls in RECORD_TYPES}
assert TABLES["duty"].columns[1:] == (*DUTY_FIELDS[:-1], *_ORIGIN)  # the DutyColumns order


def table_for(label: str) -> Table:
    return TABLES[label]


#: which duties rest on which basis: (the basis's id, the duty's ``n``)
_DUTY_BASIS = "CREATE TABLE IF NOT EXISTS duty_basis (basis TEXT, duty INTEGER)"
#: ``duty_basis`` filled from the duties' stored ``bases``, each duty's in their order (of
#: the duties the ``WHERE`` that follows picks, or all)
BASES_OF_DUTIES = "INSERT INTO duty_basis (basis, duty) SELECT b.value, d.n FROM duty AS d, json_each(d.bases) AS b"


def base_ddl() -> list[str]:
    """Every table and index of a new store."""
    out = [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)",
        "INSERT OR IGNORE INTO meta VALUES ('writes', 0)",
        "CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, at TEXT, op TEXT, entry TEXT)",
        "CREATE TABLE IF NOT EXISTS names (label TEXT, name TEXT, id TEXT, folded TEXT)",
        "CREATE INDEX IF NOT EXISTS names_by_name ON names (label, name)",
        "CREATE INDEX IF NOT EXISTS names_by_id ON names (label, id)",
        "CREATE INDEX IF NOT EXISTS names_by_folded ON names (label, folded)",
        _DUTY_BASIS,
        "CREATE INDEX IF NOT EXISTS duty_basis_by_basis ON duty_basis (basis)",
        "CREATE INDEX IF NOT EXISTS duty_basis_by_duty ON duty_basis (duty)",
    ]
    for t in TABLES.values():
        out.extend(t.ddl())
    return out


def make(conn: Any) -> None:
    """The tables of this schema, in the caller's transaction, and the file marked as a
    dutygraph store of this schema version (what a new store and an older one brought
    up to date both end as)."""
    migrate(conn)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def migrate(conn: Any) -> list[str]:
    """Bring an older store's tables up to this schema inside the caller's transaction: the
    missing tables and indexes are created and the missing record columns added (empty);
    the ``names`` table's ``folded`` column (schema 4) is added and filled from its names;
    the ``duty`` and ``duty_basis`` tables of a store of 4 or older are made again in
    schema 5's shape, the duties in their order (:func:`_slim_duties`, with a message).
    Nothing else is rewritten. The statements run, in order.

    >>> import sqlite3
    >>> conn = sqlite3.connect(":memory:")
    >>> _ = conn.execute('CREATE TABLE basis (id PRIMARY KEY, title)')
    >>> _ = conn.execute("CREATE TABLE names (label TEXT, name TEXT, id TEXT)")
    >>> _ = conn.execute("INSERT INTO names VALUES ('department', '锦江区 市场监管局', 'D1')")
    >>> done = migrate(conn)
    >>> [s.split(maxsplit=2)[2] for s in done if "law_" in s]
    ['"basis" ADD COLUMN "law_version"', '"basis" ADD COLUMN "law_from"', '"basis" ADD COLUMN "law_to"']
    >>> conn.execute("SELECT folded FROM names").fetchall()
    [('锦江区市场监管局',)]
    """
    done = []
    for stmt in base_ddl():
        if stmt.startswith("CREATE TABLE"):
            conn.execute(stmt)
    if "folded" not in {r[1] for r in conn.execute("PRAGMA table_info(names)")}:
        stmt = "ALTER TABLE names ADD COLUMN folded TEXT"
        conn.execute(stmt)
        done.append(stmt)
        # one statement over the table, not a Python round trip per name (a national
        # store has millions); the function lives only on this connection
        conn.create_function(
            "dutygraph_name_key",
            1,
            lambda n: None if n is None else name_key(n),
            deterministic=True,
        )
        conn.execute("UPDATE names SET folded = dutygraph_name_key(name)")
    for t in TABLES.values():
        have = {r[1] for r in conn.execute(f"PRAGMA table_xinfo({t.name})")}
        for col in t.columns:
            if col not in have:
                stmt = f"ALTER TABLE {t.name} ADD COLUMN {_q(col)}"
                conn.execute(stmt)
                done.append(stmt)
    done.extend(_slim_duties(conn))
    for stmt in base_ddl():
        if not stmt.startswith("CREATE TABLE"):
            conn.execute(stmt)
    return done


def _slim_duties(conn: Any) -> list[str]:
    """A store of schema 4 or older brought to 5's duty tables: ``duty`` made again with
    its rows numbered in store order (``rowid``) and no id column, ``duty_basis`` made
    again from the duties' ``bases``; their indexes follow (:func:`migrate`). Once: a
    ``duty`` table with ``n`` is left alone. The statements run."""
    t = TABLES["duty"]
    have = [r[1] for r in conn.execute("PRAGMA table_xinfo(duty)")]
    if "n" in have:
        return []
    held = conn.execute("SELECT count(*) FROM duty").fetchone()[0]
    where = conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:"
    if held:
        log.warning(
            "%s：正在将职责表升级为第 %s 版存储格式（%s 条职责，只做一次）"
            "(upgrading the store's duty tables to schema %s, once)",
            where,
            SCHEMA_VERSION,
            f"{held:,}",
            SCHEMA_VERSION,
        )
    cols = ", ".join(map(_q, t.columns[1:]))
    done = [
        t.create_sql("duty_v5"),
        f'INSERT INTO "duty_v5" ({cols}) SELECT {cols} FROM duty ORDER BY rowid',
        "DROP TABLE duty",
        'ALTER TABLE "duty_v5" RENAME TO duty',
        "DROP TABLE IF EXISTS duty_basis",
        _DUTY_BASIS,
        f"{BASES_OF_DUTIES} ORDER BY d.n",
    ]
    for stmt in done:
        conn.execute(stmt)
    return done


def key_params(key: Sequence[str]) -> tuple[str, ...]:
    """The parameters of :data:`KEY_EQ` for a duty's :attr:`~dutygraph.model.Duty.key`
    (or its id's six parts), a missing line or start as ``""``."""
    return tuple(key[at] or "" for at in _KEY_AT)


def duty_ids(duties: DutyColumns) -> list[str]:
    """The ids of the duties of ``duties`` (their keys joined with ``|``)."""
    return ["|".join(k) for k in duties.keys()]  # noqa: SIM118 - DutyColumns.keys()


def _encoded(i: int, col: list[Any]) -> list[Any]:
    """The duty table's column ``i`` (of :meth:`Table.insert_sql`'s) of the values ``col``."""
    t = TABLES["duty"]
    enc = t._encoders[i] if i < len(t._encoders) else None
    if enc is None:
        return col
    if t.plain[i] == "attrs":
        return [_json(v) if v else "{}" for v in col]
    memo: dict[Any, Any] = {}
    out = []
    for v in col:
        e = memo.get(v)
        if e is None:
            e = memo[v] = enc(v)
        out.append(e)
    return out


def duty_rows(duties: DutyColumns) -> Iterable[tuple[Any, ...]]:
    """The rows of the duty table for ``duties`` (encoded column by column; its columns
    after the id, which is generated: :meth:`Table.insert_sql`)."""
    return zip(*(_encoded(i, col) for i, col in enumerate(duties.columns)), strict=True)


def _literal(value: Any) -> str | None:
    """``value`` (``None`` or text) as an SQL literal; ``None``: not one to write so
    (another type, or text SQLite's statement text cannot carry)."""
    if value is None:
        return "NULL"
    if type(value) is not str or "\x00" in value:
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        return None
    return "'" + value.replace("'", "''") + "'"


def _constant(i: int, col: list[Any]) -> str | None:
    """The SQL literal of the duty table's column ``i`` when ``col`` (not empty) encodes
    to one ``None`` or text throughout, else ``None``."""
    t = TABLES["duty"]
    value = col[0]
    if i < len(t._encoders) and t._encoders[i] is not None:
        if t.plain[i] != "attrs" or value:
            return None
        value = "{}"  # every attrs equal to an empty one: "{}" each
    if col.count(col[0]) != len(col):
        return None
    return _literal(value)


def duty_insert(duties: DutyColumns) -> tuple[str, Iterable[tuple[Any, ...]]]:
    """The plain ``INSERT`` of ``duties``' rows into the duty table, and its rows: a
    column of one value throughout (an origin's file, sheet and version are one per
    file; attrs mostly ``{}``) is written once as a literal in the statement and not
    bound, the others as :func:`duty_rows` makes them. The rows stored are the same
    (binding is most of an insert's cost: 14 columns ~1.6 s CPU for 400k rows, 10 and
    four literals ~1.0 s)."""
    t = TABLES["duty"]
    cols = duties.columns
    consts = {i: c for i, col in enumerate(cols) if col and (c := _constant(i, col)) is not None}
    if consts and len(consts) == len(cols):
        del consts[max(consts)]  # one bound column at least: the rows are counted by it
    names = t.columns[1:]
    marks = ", ".join(consts.get(i, "?") for i in range(len(names)))
    sql = f"INSERT INTO {t.name} ({', '.join(map(_q, names))}) VALUES ({marks})"
    bound = [_encoded(i, col) for i, col in enumerate(cols) if i not in consts]
    return sql, zip(*bound, strict=True)
