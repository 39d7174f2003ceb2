"""Export for ``neo4j-admin database import full``: ``dutygraph export --format neo4j-admin DIR``.

The bulk path into a new Neo4j database: much faster than any Bolt import for
a province or the nation, and the same graph as the Neo4j store writes
(:mod:`dutygraph.store.neo4j`: one node per record keyed by ``id``, the
relationships of :data:`~dutygraph.store.neo4j.RELATIONSHIPS`, a
``StoreMeta`` node), so ``--store bolt://…`` reads it straight away. The
folder holds:

* ``nodes/LABEL.csv`` — one per record kind (and ``StoreMeta``), header in the
  importer's syntax: ``id:ID(Duty)`` (the id, kept as the ``id`` property, in
  that kind's id space), typed columns (``valid_from:date``,
  ``bases:string[]``, ``vertical:boolean``, ``number:int``), ``:LABEL``;
* ``relationships/TYPE.csv`` — ``:START_ID(Department)``, ``:END_ID(Duty)``,
  properties (``role`` on ``HOLDS``), ``:TYPE``;
* ``import.sh`` — the ``neo4j-admin`` command line for these files;
* ``indexes.cypher`` — the constraints and indexes the store creates (the
  importer builds none), to run with ``cypher-shell -f`` after the import.

Every value is written in double quotes (a quote doubled), an absent one as an
empty field (no property); lists are joined by ``;`` (``--array-delimiter``),
so a list value holding ``;`` is refused. Multi-line texts need
``--multiline-fields=true``, which ``import.sh`` passes.

>>> import tempfile
>>> from pathlib import Path
>>> from dutygraph.fixtures import demo_graph
>>> out = Path(tempfile.mkdtemp()) / "admin"
>>> write_neo4j_admin(demo_graph(), out)
136
>>> (out / "nodes" / "Duty.csv").read_text(encoding="utf-8").splitlines()[0][:60]
'id:ID(Duty),department,item,region,role,bases:string[],valid'
"""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..graph import DutyGraph, record_id
from ..model import RECORD_TYPES, Duty
from ..store.neo4j import _INDEXES, LABELS, RELATIONSHIPS, encode
from ..store.neo4j_dialect import DATE_FIELDS, NEO4J

__all__ = ["ARRAY_DELIMITER", "header", "write_neo4j_admin"]

ARRAY_DELIMITER = ";"
_CLASSES = {cls.label: cls for cls in RECORD_TYPES}


def _column_type(name: str, annotation: str) -> str:
    """The importer's type of a record field (``""``: a string, the default)."""
    if name in DATE_FIELDS:
        return "date"
    if annotation.startswith("tuple"):
        return "string[]"
    if annotation.startswith("bool"):
        return "boolean"
    if annotation.startswith("int"):
        return "int"
    return ""


def header(label: str) -> list[tuple[str, str]]:
    """(field, header cell) of a record kind's node file, the id first.

    >>> header("region")[:2]
    [('id', 'id:ID(Region)'), ('code', 'code')]
    """
    node = LABELS[label]
    out = [("id", f"id:ID({node})")]
    for f in fields(_CLASSES[label]):
        if f.name == "id":
            continue
        kind = _column_type(f.name, str(f.type))
        out.append((f.name, f"{f.name}:{kind}" if kind else f.name))
    return out


def _cell(value: Any) -> str:
    """One CSV field: quoted, or empty for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        for v in value:
            if ARRAY_DELIMITER in str(v):
                raise UsageError(
                    f"neo4j-admin export: the list value {v!r} holds {ARRAY_DELIMITER!r}, the "
                    "importer's array delimiter; rename it or export with --format cypher"
                )
        value = ARRAY_DELIMITER.join(map(str, value))
    return '"' + str(value).replace('"', '""') + '"'


def _line(values: list[Any]) -> str:
    return ",".join(map(_cell, values)) + "\n"


def _kept(g: DutyGraph, region: str | None, item: str | None) -> Iterator[Any]:
    """Every record, the duties only in ``region``'s subtree and on ``item`` when given."""
    keep = set(g.subtree(g.find("region", region).code)) if region else None
    for rec in g.records():
        if isinstance(rec, Duty) and (
            (keep is not None and rec.region not in keep) or (item and rec.item != item)
        ):
            continue
        yield rec


def _write(g: DutyGraph, out: Path, region: str | None, item: str | None) -> int:
    (out / "nodes").mkdir()
    (out / "relationships").mkdir()
    by_label: dict[str, list[Any]] = {}
    for rec in _kept(g, region, item):
        by_label.setdefault(rec.label, []).append(rec)
    ids: dict[str, set[str]] = {
        label: {record_id(r) for r in recs} for label, recs in by_label.items()
    }
    n = 0
    nodes: list[str] = []
    for label, recs in by_label.items():
        cols = header(label)
        name = f"nodes/{LABELS[label]}.csv"
        nodes.append(name)
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(cell for _, cell in cols) + ",:LABEL\n")
            for rec in recs:
                row = encode(rec)  # ISO dates: the importer parses them by the :date type
                fh.write(_line([row.get(f) for f, _ in cols] + [LABELS[label]]))
                n += 1
    with open(out / "nodes/StoreMeta.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("id:ID(StoreMeta),epoch,seq:int,locked:boolean,:LABEL\n")
        fh.write(_line(["store", uuid.uuid4().hex, 1, False, "StoreMeta"]))
    nodes.append("nodes/StoreMeta.csv")
    rels: list[str] = []
    for label, field, rel, target, inward in RELATIONSHIPS:
        holders = by_label.get(label)
        if not holders:
            continue
        node = LABELS[label]
        # PARENT joins regions and items, two id spaces: one file for each
        name = f"relationships/{rel}_{node}.csv" if rel == "PARENT" else f"relationships/{rel}.csv"
        rels.append(name)
        start, end = (target, node) if inward else (node, target)
        holds = rel == "HOLDS"
        wanted = ids.get(_label_of(target), set())
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            fh.write(f":START_ID({start}),:END_ID({end}){',role' if holds else ''},:TYPE\n")
            for rec in holders:
                value = getattr(rec, field)
                for to in value if isinstance(value, tuple) else (value,) if value else ():
                    if to not in wanted:
                        continue  # left out by --region/--item, or dangling
                    a, b = (to, record_id(rec)) if inward else (record_id(rec), to)
                    fh.write(_line([a, b, *([rec.role] if holds else []), rel]))
    _scripts(out, nodes, rels)
    return n


def _label_of(node: str) -> str:
    return next(label for label, n in LABELS.items() if n == node)


def _scripts(out: Path, nodes: list[str], rels: list[str]) -> None:
    args = [
        "neo4j-admin",
        "database",
        "import",
        "full",
        "${DATABASE:-neo4j}",
        "--overwrite-destination=${OVERWRITE:-false}",
        f"--array-delimiter={ARRAY_DELIMITER}",
        "--multiline-fields=true",
        *(f"--nodes={name}" for name in nodes),
        *(f"--relationships={name}" for name in rels),
    ]
    cmd = " \\\n  ".join(a if "$" in a else shlex.quote(a) for a in args)
    (out / "import.sh").write_text(
        "#!/bin/sh\n"
        "# dutygraph export --format neo4j-admin: load these files into a new Neo4j database,\n"
        '# then run indexes.cypher (cypher-shell -d "$DATABASE" -f indexes.cypher).\n'
        "# DATABASE (default neo4j) must be stopped; OVERWRITE=true replaces it.\n"
        'cd "$(dirname "$0")" || exit 1\n'
        f"exec {cmd}\n",
        encoding="utf-8",
    )
    os.chmod(out / "import.sh", 0o755)
    labels = [*LABELS.values(), "Log", "StoreMeta"]
    ddl = list(NEO4J.ddl(labels, _INDEXES))
    (out / "indexes.cypher").write_text(
        "// the constraints and indexes of dutygraph's Neo4j store; run after import.sh\n"
        + "".join(s + ";\n" for s in ddl),
        encoding="utf-8",
    )


def write_neo4j_admin(
    g: DutyGraph,
    out: str | os.PathLike[str],
    format: str = "neo4j-admin",
    region: str | None = None,
    item: str | None = None,
    **_: Any,
) -> int:
    """Write the folder ``out`` (new, or empty) for ``g``; returns the records written.

    Written whole or not at all: into a temporary folder beside it, renamed at the end.
    """
    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(
            f"{target}: the neo4j-admin export writes a folder of its own; name a new or "
            "empty folder (nothing was written)"
        )
    parent = target.resolve().parent
    if not parent.is_dir():
        raise UsageError(f"{target}: the folder {parent} does not exist; create it first")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        n = _write(g, tmp, region, item)
        if target.exists():
            target.rmdir()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n
