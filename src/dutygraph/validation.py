"""Check a batch of records against itself and the store before anything is written.

Cell-level problems (bad dates, unknown roles, bad codes) are found while
reading; this module finds what needs the whole picture: duplicate ids,
references to nothing (in the batch or already in the store), and cycles in
the region, item and department trees. Each problem names the row and column
that hold the bad value.

With ``skip_invalid`` the rows in error are dropped and the check repeats, so a
row that referred to a dropped row is reported too; what is left is consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .columns import DutyColumns
from .errors import Problem
from .graph import DutyGraph, identity, record_id
from .io.bundle import Batch, Row
from .io.tables import control_character
from .model import Origin

if TYPE_CHECKING:  # networkx takes a third of a second to import: only when used
    pass

__all__ = ["Touches", "check_batch", "duty_checks", "touched"]

# kind -> [(field, referenced kind, column label)]
_REFS: dict[str, list[tuple[str, str]]] = {
    "region": [("parent", "region")],
    "region_group": [("members", "region")],
    "department": [("region", "region"), ("superior", "department"), ("successor", "department")],
    "item": [("parent", "item")],
    "duty": [
        ("department", "department"),
        ("item", "item"),
        ("region", "region"),
        ("bases", "basis"),
    ],
    "behavior": [("items", "item")],
    "business_form": [
        ("behaviors", "behavior"),
        ("lead", "department"),
        ("assist", "department"),
        ("basis", "basis"),
    ],
    "dispute": [("parties", "department"), ("region", "region")],
}

_TREES = {
    "region": ("parent", "region tree"),
    "item": ("parent", "item tree"),
    "department": ("superior", "department tree (superior)"),
}
#: Chinese names of the record kinds and trees, for messages (Chinese first, English after)
_ZH = {
    "region": "地区",
    "region_group": "区域",
    "department": "部门",
    "item": "事项",
    "basis": "依据",
    "duty": "职责",
    "behavior": "行为特征",
    "business_form": "新业态",
    "dispute": "争议",
    "region tree": "地区树",
    "item tree": "事项树",
    "department tree (superior)": "部门上下级",
}


def _problem(
    at: Row | Origin, column: str | None, message: str, fix: str, code: str, **kw: Any
) -> Problem:
    o = at.origin if isinstance(at, Row) else at
    return Problem(o.file, o.row, column, message, fix, o.sheet, code=code, **kw)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    got = _FIELD_NAMES.get(cls)
    if got is None:
        got = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return got


def _all_texts(rec: Any) -> str:
    """Every text of ``rec`` joined by tabs (which no check flags): one search for the
    common case of none (the 52,000 articles of a law corpus)."""
    texts: list[str] = []
    for name in _field_names(type(rec)):
        value = getattr(rec, name)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, tuple):
            texts.extend(t for t in value if isinstance(t, str))
        elif name == "attrs" and isinstance(value, dict) and value:
            texts.extend(t for t in (*value.keys(), *value.values()) if isinstance(t, str))
    return "\t".join(texts)


def _control_characters(row: Row) -> Iterator[Problem]:
    """A control character (other than tab and line breaks) in any text of ``row``'s record."""
    rec = row.record
    if control_character(_all_texts(rec)) is None:
        return
    for f in fields(rec):
        value = getattr(rec, f.name)
        texts = value if isinstance(value, tuple) else (value,)
        if f.name == "attrs" and isinstance(value, dict):
            texts = (*value.keys(), *value.values())
        for text in texts:
            if isinstance(text, str) and (what := control_character(text)):
                yield _problem(
                    row,
                    f.name,
                    f"{f.name} 含控制字符 {what} (a control character)",
                    "删除它：文本只能含制表符和换行 (delete it: a text may hold tab and line "
                    "breaks, no other control character)",
                    "control-character",
                )
                break


def _values(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    return (value,)


def _check(
    rows: list[Row], duties: DutyColumns, graph: DutyGraph
) -> tuple[list[Problem], set[int], set[int]]:
    """The problems of ``rows`` and ``duties``, and the rows and duties in error."""
    problems: list[Problem] = []
    bad: set[int] = set()
    bad_duties: set[int] = set()

    def flag(i: int, p: Problem) -> None:
        problems.append(p)
        if p.severity == "error":
            bad.add(i)

    def flag_duty(k: int, p: Problem) -> None:
        problems.append(p)
        if p.severity == "error":
            bad_duties.add(k)

    # texts no reader may hand out (the RDF reader and library callers meet no cell check)
    for i, row in enumerate(rows):
        for p in _control_characters(row):
            flag(i, p)

    # duplicates within the batch; ids of each kind the batch brings
    seen: dict[tuple[str, Any], int] = {}
    batch_ids: dict[str, set[str]] = {kind: set() for kind in _ATTRS}
    by_label: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        rec = row.record
        label = rec.label
        by_label.setdefault(label, []).append(i)
        key = (label, identity(rec))
        j = seen.setdefault(key, i)
        if j == i:
            if label != "duty":
                batch_ids.setdefault(label, set()).add(key[1])
            continue
        first = rows[j]
        flag(i, _duplicate(row.origin, first.origin, first.record == rec, rec))
    if duties:
        _duplicate_duties(duties, seen, rows, flag_duty)

    # references: check each distinct value once, then find the rows that hold a bad one
    known = _Known(graph, batch_ids)
    for label, indexes in by_label.items():
        records = [rows[i].record for i in indexes]
        for fieldname, kind in _REFS.get(label, ()):
            column = list(map(attrgetter(fieldname), records))
            values: set[str] = set()
            if fieldname in _MULTI:
                values.update(*set(column))
            else:
                values.update(column)
                values.discard(None)  # type: ignore[arg-type]
            missing = known.missing(kind, values)
            if not missing:
                continue
            for i in indexes:
                row = rows[i]
                for value in _values(getattr(row.record, fieldname)):
                    if value in missing:
                        flag(i, _unknown(row, fieldname, value, kind))
    if duties:
        _duty_references(duties, known, flag_duty)
    departments = graph.table("department")
    batch_departments = {r.record.id: r.record for r in rows if r.record.label == "department"}
    if hasattr(departments, "fetch"):  # a lazy reader: the departments of lined duties at once
        departments.fetch(_lined_departments(rows, duties) - batch_departments.keys())
    if duties:
        _duty_lines_and_bases(duties, batch_departments, departments, flag_duty)
    for i in by_label.get("duty", ()):
        row = rows[i]
        rec = row.record
        if rec.line:
            dep = batch_departments.get(rec.department) or departments.get(rec.department)
            if dep is not None and rec.line not in dep.systems:
                flag(i, _wrong_line(row, rec.department, rec.line, dep))
        if not rec.bases:
            flag(i, _no_basis(row))
    for i in by_label.get("region", ()):
        row = rows[i]
        if row.record.parent == row.record.code:
            flag(
                i,
                _problem(
                    row,
                    "parent",
                    "地区不能以自己为上级 (a region cannot be its own parent)",
                    "填写上一级地区的代码 (give the code of the region above it)",
                    "cycle",
                ),
            )

    # cycles in the trees, over the batch and the store together: only a cycle through a
    # row of the batch is reported, and each record has one link, so following the links
    # from the batch's records finds every such cycle (reading only the stored records met)
    for kind, (fieldname, tree_name) in _TREES.items():
        row_of: dict[str, tuple[int, Row]] = {}
        mine: dict[str, str | None] = {}
        for i, row in enumerate(rows):
            rec = row.record
            if rec.label == kind:
                rid = record_id(rec)
                mine.pop(rid, None)
                mine[rid] = getattr(rec, fieldname) or None
                row_of[rid] = (i, row)
        if not row_of:
            continue
        links = _links_from(mine, graph.table(kind), fieldname)
        if not _has_cycle(links):
            continue  # the usual case, known without networkx (its import alone is 0.2 s)
        import networkx as nx

        g = nx.DiGraph(list(links.items()))
        for cycle in nx.simple_cycles(g):
            members = " → ".join([*cycle, cycle[0]])
            for key in cycle:
                if key in row_of:
                    i, row = row_of[key]
                    flag(
                        i,
                        _problem(
                            row,
                            fieldname,
                            f"{_ZH[tree_name]}成环 (cycle in the {tree_name})：{members}",
                            f"改正其中一条的 {fieldname} (correct the {fieldname} of one of them)",
                            "cycle",
                        ),
                    )
    return problems, bad, bad_duties


class _Known:
    """Which referenced ids exist, in the batch or the store: each kind's ids asked of the
    store at once (a lazy reader: one indexed query; a graph: its table)."""

    def __init__(self, graph: Any, batch_ids: dict[str, set[str]]) -> None:
        self._graph = graph
        self._batch = batch_ids

    def missing(self, kind: str, values: set[str]) -> set[str]:
        """The ``values`` that are no ``kind`` of the batch or the store."""
        rest = values - self._batch[kind]
        if not rest:
            return rest
        table = self._graph.table(kind)
        present = getattr(table, "present", None)
        if present is not None:
            return rest - present(rest)
        return {v for v in rest if v not in table}


def _lined_departments(rows: list[Row], duties: DutyColumns) -> set[str]:
    """The departments of the duties that name a line (whose lines are checked)."""
    out = {r.record.department for r in rows if r.record.label == "duty" and r.record.line}
    if duties:
        out.update(
            d
            for d, line in zip(duties.column("department"), duties.column("line"), strict=False)
            if line
        )
    return out


def _links_from(mine: dict[str, str | None], table: Any, fieldname: str) -> dict[str, str]:
    """The tree links reachable from the batch's records (``mine``: id -> its link), a
    batch record's own link in place of the stored one's; in the order met."""
    links: dict[str, str] = {}
    done: set[str] = set()
    for start in mine:
        node: str | None = start
        while node is not None and node not in done:
            done.add(node)
            if node in mine:
                target = mine[node]
            else:
                rec = table.get(node)
                target = getattr(rec, fieldname) if rec is not None else None
            if target:
                links[node] = target
            node = target or None
    return links


def _has_cycle(links: dict[str, str]) -> bool:
    """Whether following the links (one per node) ever comes back to a node.

    >>> _has_cycle({"a": "b", "b": "c"}), _has_cycle({"a": "b", "b": "c", "c": "b"})
    (False, True)
    """
    done: set[str] = set()
    for start in links:
        path: set[str] = set()
        node: str | None = start
        while node is not None and node not in done:
            if node in path:
                return True
            path.add(node)
            node = links.get(node)
        done |= path
    return False


_NOWHERE = Origin("(a duty with no origin)")


def _place(duties: DutyColumns, k: int) -> Origin:
    return duties.origin(k) or _NOWHERE


def _duplicate(at: Origin, first: Origin, same: bool, rec: Any) -> Problem:
    """A record whose identity an earlier row of the batch has: a warning when it repeats
    that row, an error when it differs."""
    if same:
        return _problem(
            at,
            None,
            f"与 {first} 重复 (repeats {first})",
            "删除其中一行 (delete one of the two rows)",
            "duplicate-row",
            severity="warning",
        )
    column = {"duty": None, "region": "code"}.get(rec.label, "id")
    what = "duty" if rec.label == "duty" else f"{rec.label} id {record_id(rec)!r}"
    zh = _ZH.get(rec.label, rec.label) + ("" if rec.label == "duty" else f" {record_id(rec)!r}")
    return _problem(
        at,
        column,
        f"重复的{zh}，另见 {first} (duplicate {what}: also at {first})",
        "每行用自己的编号，或合并这两行 (give each row its own id, or merge the two rows)",
        "duplicate-id",
    )


def _duplicate_duties(
    duties: DutyColumns,
    seen: dict[tuple[str, Any], int],
    rows: list[Row],
    flag: Any,
) -> None:
    """Duties read as columns whose key an earlier duty of the batch has."""
    earlier = {key[1] for key in seen if key[0] == "duty"}
    if duties.unique() and (not earlier or earlier.isdisjoint(duties.keys())):
        return  # the usual case, found in C
    keys = duties.keys()
    first: dict[tuple[str, ...], int] = {}
    for k, key in enumerate(keys):
        j = first.setdefault(key, k)
        at = _place(duties, k)
        if ("duty", key) in seen:
            row = rows[seen[("duty", key)]]
            rec = duties.record(k)
            flag(
                k,
                _duplicate(
                    at, row.origin, rec == row.record and rec.attrs == row.record.attrs, rec
                ),
            )
        elif j != k:
            rec = duties.record(k)
            flag(k, _duplicate(at, _place(duties, j), duties.record(j) == rec, rec))


def _duty_references(duties: DutyColumns, known: _Known, flag: Any) -> None:
    """References of duties read as columns: each distinct value checked once."""
    for fieldname, kind in _REFS["duty"]:
        column = duties.column(fieldname)
        distinct = set(column)
        values = set().union(*distinct) if fieldname in _MULTI else distinct - {None}
        missing = known.missing(kind, values)
        if not missing:
            continue
        holding = {v for v in distinct if set(_values(v)) & missing}
        for k, value in enumerate(column):
            if value in holding:
                for v in _values(value):
                    if v in missing:
                        flag(k, _unknown(_place(duties, k), fieldname, v, kind))


def _unknown(at: Row | Origin, fieldname: str, value: str, kind: str) -> Problem:
    return _problem(
        at,
        fieldname,
        f"{fieldname} {value!r}：没有这个{_ZH.get(kind, kind)} (no such {kind})",
        f"先把{_ZH.get(kind, kind)} {value!r} 加入数据包（或存储），或改正编号 "
        f"(add {kind} {value!r} to the bundle (or the store) first, or correct the id)",
        f"unknown-{kind.replace('_', '-')}",
    )


def _duty_lines_and_bases(
    duties: DutyColumns,
    batch_departments: dict[str, Any],
    departments: Any,
    flag: Any,
) -> None:
    """Lines a department does not carry; duties with no legal basis (a warning)."""
    deps, lines, bases = duties.column("department"), duties.column("line"), duties.column("bases")
    wrong_line: dict[tuple[str, str], Any] = {}
    for dep_id, line in set(zip(deps, lines, strict=False)):
        if line:
            dep = batch_departments.get(dep_id) or departments.get(dep_id)
            if dep is not None and line not in dep.systems:
                wrong_line[(dep_id, line)] = dep
    rows: set[int] = set()
    if wrong_line:
        rows.update(
            k for k, pair in enumerate(zip(deps, lines, strict=False)) if pair in wrong_line
        )
    if () in bases:
        rows.update(k for k, b in enumerate(bases) if not b)
    for k in sorted(rows):
        at = _place(duties, k)
        dep = wrong_line.get((deps[k], lines[k]))
        if dep is not None:
            flag(k, _wrong_line(at, deps[k], lines[k], dep))
        if not bases[k]:
            flag(k, _no_basis(at))


def _wrong_line(at: Row | Origin, dep_id: str, line: str, dep: Any) -> Problem:
    return _problem(
        at,
        "line",
        f"部门 {dep_id} 没有 {line!r} 条线 (department {dep_id} does not carry line {line!r})",
        f"改用它的条线之一 (use one of its systems)：{', '.join(dep.systems) or '（无）'}",
        "unknown-line",
    )


def _no_basis(at: Row | Origin) -> Problem:
    return _problem(
        at,
        "bases",
        "职责没有法律依据 (duty has no legal basis)",
        "写明它所依据的法律、三定规定或权责清单 (name the law, 三定 provision or power list it rests on)",
        "no-basis",
        severity="warning",
    )


#: the reference fields that hold several ids
_MULTI = {"members", "bases", "items", "behaviors", "assist", "parties"}

_ATTRS = (
    "region",
    "region_group",
    "department",
    "item",
    "basis",
    "duty",
    "behavior",
    "business_form",
    "dispute",
)


def check_batch(
    batch: Batch, graph: DutyGraph, *, skip_invalid: bool = False
) -> tuple[list[Row], DutyColumns]:
    """Check ``batch`` against itself and ``graph``; add the problems to the batch.

    Returns the rows and the duties read as columns that may be imported: all
    of them when there is no error, none when there is one (unless
    ``skip_invalid``: then the valid ones, after repeating the check without
    those in error).

    >>> from dutygraph.fixtures import DEMO_PATH
    >>> from dutygraph.io.bundle import read_bundle
    >>> batch = read_bundle(DEMO_PATH)
    >>> rows, duties = check_batch(batch, DutyGraph())
    >>> len(rows) == len(batch.rows), len(duties) == len(batch.duties)
    (True, True)
    """
    rows = list(batch.rows)
    duties = batch.duties
    reported: set[tuple[Any, ...]] = set()
    has_error = bool(batch.errors)
    while True:
        problems, bad, bad_duties = _check(rows, duties, graph)
        for p in problems:
            key = (p.file, p.sheet, p.row, p.column, p.message)
            if key not in reported:
                reported.add(key)
                batch.problems.append(p)
        has_error = has_error or bool(bad) or bool(bad_duties)
        if not bad and not bad_duties:
            break
        if not skip_invalid:
            return [], DutyColumns()
        rows = [r for i, r in enumerate(rows) if i not in bad]
        if bad_duties:
            duties = duties.take(mask=[k not in bad_duties for k in range(len(duties))])
    if has_error and not skip_invalid:
        return [], DutyColumns()
    return rows, duties


def duty_checks(rows: list[Row], graph: DutyGraph) -> Callable[[DutyColumns], list[Problem]]:
    """The checks :func:`check_batch` makes of duties read as columns that need one duty
    at a time — references (against ``rows``, the batch's checked records, and the store),
    lines and bases — as a function of a slice of such duties: its problems, in the order
    :func:`check_batch` reports them within the slice. Duplicate keys are not among them
    (they need every slice: the caller counts keys)."""
    batch_ids: dict[str, set[str]] = {kind: set() for kind in _ATTRS}
    for row in rows:
        if row.record.label != "duty":
            batch_ids.setdefault(row.record.label, set()).add(identity(row.record))
    known = _Known(graph, batch_ids)
    departments = graph.table("department")
    batch_departments = {r.record.id: r.record for r in rows if r.record.label == "department"}

    def check(duties: DutyColumns) -> list[Problem]:
        problems: list[Problem] = []
        flag = lambda k, p: problems.append(p)  # noqa: E731
        _duty_references(duties, known, flag)
        if hasattr(departments, "fetch"):
            departments.fetch(_lined_departments([], duties) - batch_departments.keys())
        _duty_lines_and_bases(duties, batch_departments, departments, flag)
        return problems

    return check


@dataclass
class Touches:
    """What checking and planning a batch reads from the store, by key.

    A store that cannot hand out a snapshot cheaply (the Neo4j store) reads
    just these records inside the write's transaction and runs the plan on
    them: the records the batch brings (to compare), the duties of the same
    keys, the records the batch refers to (to check the references and the
    lines), and the chains up the trees from the batch's tree records (to find
    cycles through them). :func:`check_batch` and the import's plan read
    nothing else from a graph for a batch that holds no law corpus.
    """

    #: record kind -> ids
    ids: dict[str, set[str]] = field(default_factory=dict)
    #: duty ids (the key joined by ``|``)
    duties: set[str] = field(default_factory=set)
    #: tree kind -> ids to read with their ancestors (by the tree's field: ``_TREES``)
    chains: dict[str, set[str]] = field(default_factory=dict)


#: the tree field of each tree kind, for a store walking a chain
TREE_FIELDS = {kind: fieldname for kind, (fieldname, _) in _TREES.items()}


def touched(batch: Batch) -> Touches:
    """The keys :func:`check_batch` and the import's plan read for ``batch`` (see :class:`Touches`).

    >>> from dutygraph.fixtures import DEMO_PATH
    >>> from dutygraph.io.bundle import read_bundle
    >>> t = touched(read_bundle(DEMO_PATH))
    >>> len(t.duties), sorted(t.chains)
    (31, ['department', 'item', 'region'])
    """
    out = Touches()

    def add(kind: str, values: Iterable[Any]) -> None:
        out.ids.setdefault(kind, set()).update(v for v in values if v)

    for row in batch.rows:
        rec = row.record
        if rec.label == "duty":
            out.duties.add(rec.id)
        else:
            add(rec.label, (rec.id,))
        for fieldname, kind in _REFS.get(rec.label, ()):
            add(kind, _values(getattr(rec, fieldname)))
        tree = _TREES.get(rec.label)
        if tree is not None and getattr(rec, tree[0]):
            out.chains.setdefault(rec.label, set()).add(getattr(rec, tree[0]))
    duties = batch.duties
    if duties:
        keys = duties.keys()  # a list of key tuples, not a mapping's keys
        out.duties.update(map("|".join, keys))
        for fieldname, kind in _REFS["duty"]:
            distinct = set(duties.column(fieldname))
            add(kind, set().union(*distinct) if fieldname in _MULTI else distinct)
    return out


def summarize(problems: Iterable[Problem]) -> dict[str, int]:
    """Count problems by severity and code, e.g. ``{"warning:no-basis": 3}``."""
    out: dict[str, int] = {}
    for p in problems:
        k = f"{p.severity}:{p.code}"
        out[k] = out.get(k, 0) + 1
    return out
