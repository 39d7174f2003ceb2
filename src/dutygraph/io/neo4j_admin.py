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
from contextlib import ExitStack
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

from ..errors import UsageError
from ..graph import DutyGraph, record_id
from ..model import RECORD_TYPES
from ..store.neo4j import _INDEXES, LABELS, RELATIONSHIPS, encode
from ..store.neo4j_dialect import DATE_FIELDS, NEO4J
from .source import Source, source, streamed

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


#: a relationship file being written: (field, inward, HOLDS?, target ids, file, type)
_Join = tuple[str, bool, bool, set[str], IO[str], str]


def _write(src: Source, out: Path, region: str | None, item: str | None) -> int:
    """One pass over the records, kinds in load order and each in its table's order: a
    node row and its relationship rows written as the record is read (memory: one page,
    and the ids of the kinds that relationships point to)."""
    (out / "nodes").mkdir()
    (out / "relationships").mkdir()
    keep = set(src.subtree(src.find("region", region).code)) if region else None
    targets = {_label_of(t) for _, _, _, t, _ in RELATIONSHIPS}
    wanted = {label: src.ids(label) for label in sorted(targets)}  # ids of no duty: unfiltered
    n = 0
    nodes: list[str] = []
    rels: dict[str, str] = {}  # one per RELATIONSHIPS entry with holders, in that order
    with ExitStack() as files:
        for cls in RECORD_TYPES:
            label = cls.label
            fh: IO[str] | None = None
            cols: list[tuple[str, str]] = []
            joins: list[_Join] = []
            for rec in src.rows(label, item=item if label == "duty" else None):
                if label == "duty" and keep is not None and rec.region not in keep:
                    continue
                if fh is None:  # the kind's files, opened at its first record
                    fh, joins = _open(files, out, label, nodes, rels, wanted)
                    cols = header(label)
                row = encode(rec)  # ISO dates: the importer parses them by the :date type
                fh.write(_line([row.get(f) for f, _ in cols] + [LABELS[label]]))
                n += 1
                for field, inward, holds, to_ids, rel_fh, rel in joins:
                    value = getattr(rec, field)
                    for to in value if isinstance(value, tuple) else (value,) if value else ():
                        if to not in to_ids:
                            continue  # left out by --region/--item, or dangling
                        a, b = (to, record_id(rec)) if inward else (record_id(rec), to)
                        rel_fh.write(_line([a, b, *([rec.role] if holds else []), rel]))
    with open(out / "nodes/StoreMeta.csv", "w", encoding="utf-8", newline="") as meta:
        meta.write("id:ID(StoreMeta),epoch,seq:int,locked:boolean,:LABEL\n")
        meta.write(_line(["store", uuid.uuid4().hex, 1, False, "StoreMeta"]))
    nodes.append("nodes/StoreMeta.csv")
    order = [_rel_name(label, rel) for label, _, rel, _, _ in RELATIONSHIPS]
    _scripts(out, nodes, [name for name in order if name in rels])
    return n


def _rel_name(label: str, rel: str) -> str:
    # PARENT joins regions and items, two id spaces: one file for each
    return (
        f"relationships/{rel}_{LABELS[label]}.csv"
        if rel == "PARENT"
        else f"relationships/{rel}.csv"
    )


def _create(files: ExitStack, path: Path) -> IO[str]:
    """A new UTF-8 file, closed when ``files`` closes."""
    return files.enter_context(open(path, "w", encoding="utf-8", newline=""))


def _open(
    files: ExitStack,
    out: Path,
    label: str,
    nodes: list[str],
    rels: dict[str, str],
    wanted: dict[str, set[str]],
) -> tuple[IO[str], list[_Join]]:
    """The node file of ``label`` and the relationship files its records start, headers
    written."""
    name = f"nodes/{LABELS[label]}.csv"
    nodes.append(name)
    fh = _create(files, out / name)
    fh.write(",".join(cell for _, cell in header(label)) + ",:LABEL\n")
    joins: list[_Join] = []
    for holder, field, rel, target, inward in RELATIONSHIPS:
        if holder != label:
            continue
        node = LABELS[label]
        rel_name = _rel_name(label, rel)
        rels[rel_name] = rel
        start, end = (target, node) if inward else (node, target)
        holds = rel == "HOLDS"
        rfh = _create(files, out / rel_name)
        rfh.write(f":START_ID({start}),:END_ID({end}){',role' if holds else ''},:TYPE\n")
        joins.append((field, inward, holds, wanted[_label_of(target)], rfh, rel))
    return fh, joins


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
    g: DutyGraph | Source,
    out: str | os.PathLike[str],
    format: str = "neo4j-admin",
    region: str | None = None,
    item: str | None = None,
    **_: Any,
) -> int:
    """Write the folder ``out`` (new, or empty) for ``g``; returns the records written.

    ``g``: a graph, or a streaming :class:`~dutygraph.io.source.Source` (a Bolt store's
    reader: read page by page, never whole). Written whole or not at all: into a
    temporary folder beside it, renamed at the end (after checking, for a store, that no
    write committed meanwhile).
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
        src = source(g)
        n = streamed(src, lambda: _write(src, tmp, region, item))
        if target.exists():
            target.rmdir()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n
