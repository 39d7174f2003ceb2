"""The in-memory duty graph: one consistent snapshot of a store, with its indexes.

:class:`DutyGraph` is what every analysis reads. Its hierarchies (the region
tree, the item tree, departments' superiors and successors) are networkx
digraphs, so the tree algorithms are networkx's own; the duty table is indexed
by (item, region), by department and by line, so that a who-leads answer is a
handful of dictionary look-ups rather than a graph traversal.

>>> from dutygraph.fixtures import demo_graph
>>> g = demo_graph()
>>> g.region_path("510104")
('510104', '510100', '510000', '000000')
>>> [d.id for d in g.counterparts("510104", "market-regulation", "2025-01-01")]
['JJ-SCJ']
"""

from __future__ import annotations

import copy
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from .columns import DutyColumns, DutySites
from .errors import Ambiguous, NotFound
from .lawbook import GroupedTable, LawBook, LawLookups, packaged_lawbook
from .model import (
    RECORD_TYPES,
    Behavior,
    BusinessForm,
    Department,
    Dispute,
    Duty,
    Item,
    Law,
    LawArticle,
    LawVersion,
    LegalBasis,
    Region,
    RegionGroup,
    canonical_region_code,
)

if TYPE_CHECKING:  # networkx takes a third of a second to import: only when used
    import networkx as nx

__all__ = ["DutyGraph", "find_in", "identity", "record_id", "walk_down"]

Record = (
    Region
    | RegionGroup
    | Department
    | Item
    | LegalBasis
    | Duty
    | Behavior
    | BusinessForm
    | Dispute
    | Law
    | LawVersion
    | LawArticle
)


_DUTY_FIELDS = [f.name for f in fields(Duty)]
_DUTY_DEPARTMENT = _DUTY_FIELDS.index("department")
_DUTY_ITEM = _DUTY_FIELDS.index("item")
_DUTY_LINE = _DUTY_FIELDS.index("line")
_DUTY_SOURCE = _DUTY_FIELDS.index("source")
_DUTY_REGION = _DUTY_FIELDS.index("region")
_DUTY_ROLE = _DUTY_FIELDS.index("role")
_DUTY_FROM = _DUTY_FIELDS.index("valid_from")
_DUTY_TO = _DUTY_FIELDS.index("valid_to")
assert _DUTY_FIELDS[-1] == "origin"  # the columns of the fields before it are in this order


def walk_down(top: str, children: Callable[[str], Iterable[str] | None]) -> list[str]:
    """``top`` and every node under it, parents before children (breadth first), each
    once even where the tree has a cycle or a node listed twice.

    >>> walk_down("a", {"a": ["b", "c"], "b": ["d", "a"]}.get)
    ['a', 'b', 'c', 'd']
    """
    out, seen, k = [top], {top}, 0
    while k < len(out):
        for child in children(out[k]) or ():
            if child not in seen:
                seen.add(child)
                out.append(child)
        k += 1
    return out


def record_id(record: Any) -> str:
    """The id of a record within its kind (a duty's is its key joined with ``|``)."""
    return record.id  # type: ignore[no-any-return]


def identity(record: Any) -> Any:
    """What makes a record the same record: its id, or a duty's key tuple (cheaper than its id)."""
    return record.key if record.label == "duty" else record.id


class DutyGraph(LawLookups):
    """An immutable snapshot of the graph, indexed for the questions of SPEC §3.

    Parameters
    ----------
    records : iterable of records
        Regions, departments, items, bases, duties, behaviours, business
        forms and disputes, in any order. Later records with the same id
        replace earlier ones.
    """

    #: never changes once built: answers on it may be memoised (analysis.resolve)
    immutable = True
    # the trees as networkx digraphs, built when first asked for (the properties below)
    _region_tree: nx.DiGraph | None
    _item_tree: nx.DiGraph | None
    _department_tree: nx.DiGraph | None

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        duty_columns: DutyColumns | None = None,
        lazy: Mapping[str, GroupedTable] | None = None,
        duty_sites: DutySites | None = None,
    ) -> None:
        self.regions: dict[str, Region] = {}
        self.region_groups: dict[str, RegionGroup] = {}
        self.departments: dict[str, Department] = {}
        self.items: dict[str, Item] = {}
        self.bases: dict[str, LegalBasis] = {}
        # duties are kept as columns (from a store) and built into objects when first used
        self._duty_table = duty_columns if duty_columns else None
        self._duty_cols = self._duty_table.columns if self._duty_table is not None else None
        self._duty_objs: list[Duty | None] = [None] * len(duty_columns) if duty_columns else []
        self._all_built = not duty_columns
        self._duty_dict: dict[str, Duty] | None = None
        self._duty_keys: dict[tuple[str, ...], Duty] | None = None
        self._duty_index: dict[tuple[str, ...], int] | None = None
        self.behaviors: dict[str, Behavior] = {}
        self.business_forms: dict[str, BusinessForm] = {}
        self.disputes: dict[str, Dispute] = {}
        # the law corpus the store holds (the lawbook() answers from it, or the packaged one)
        self._laws: dict[str, Law] = {}
        self._law_versions: dict[str, LawVersion] = {}
        tables: dict[str, dict[str, Any]] = {
            cls.label: getattr(self, _ATTR[cls.label])
            for cls in RECORD_TYPES
            if cls is not Duty and cls.lazy is None
        }
        duties: dict[tuple[str, ...], Duty] = {}
        grouped: dict[str, list[Any]] = {cls.label: [] for cls in _LAZY}
        for r in records:
            if isinstance(r, Duty):
                duties[r.key] = r  # a later duty with the same key replaces an earlier one
            elif r.lazy is not None:
                grouped[r.label].append(r)
            else:
                tables[r.label][record_id(r)] = r
        if duties:
            self._duty_objs.extend(duties.values())
        for cls in _LAZY:  # kept apart by the store and read on demand, or grouped here
            table = (lazy or {}).get(cls.label)
            if table is None or grouped[cls.label]:
                table = GroupedTable.of_records(
                    [*(table.values() if table is not None else ()), *grouped[cls.label]],
                    cls.lazy,  # type: ignore[arg-type]
                    _GROUP_OF[cls.label],
                )
            setattr(self, _ATTR[cls.label], table)
        self._lawbook: LawBook | None = None
        self._build_indexes(duty_sites if duty_columns and not duties else None)

    def _duty(self, k: int) -> Duty:
        """Duty number ``k``, built from the columns on first use."""
        d = self._duty_objs[k]
        if d is None:
            assert self._duty_table is not None
            d = self._duty_objs[k] = self._duty_table.record(k)
        return d

    def build_duties(self, rows: Iterable[int]) -> None:
        """Build duties number ``rows`` now, those not built yet, in one pass
        (:meth:`DutyColumns.records`): a scan that knows which duties its answers hold."""
        if self._duty_table is None:
            return
        objs = self._duty_objs
        todo = [k for k in dict.fromkeys(rows) if objs[k] is None]
        if todo:
            for k, d in zip(todo, self._duty_table.records(todo), strict=True):
                objs[k] = d

    @property
    def _duty_list(self) -> list[Duty]:
        if not self._all_built:
            objs = self._duty_objs
            for k in range(len(objs)):
                if objs[k] is None:
                    self._duty(k)
            self._all_built = True
        return self._duty_objs  # type: ignore[return-value]

    def active_duties_at(self, item: str, region: str, role: str, as_of: str) -> list[Duty]:
        """The duties of ``role`` recorded for ``item`` at ``region`` and in force at ``as_of``.

        Like filtering :meth:`duties_at`, but a stored graph reads the role and date
        columns first and builds only the duties kept: the first question about a
        place builds its one lead, not its assists too.
        """
        found = self.active_rows_at(item, region, role, as_of)
        if found and found[0].__class__ is int:
            objs, table = self._duty_objs, self._duty_table
            assert table is not None  # row numbers index a stored graph's columns
            out = []
            for k in found:  # _duty(k) with the item and region known: two columns not read
                d = objs[k]
                if d is None:
                    d = objs[k] = table.record_at(k, item, region)
                out.append(d)
            return out
        return found

    def active_rows_at(self, item: str, region: str, role: str, as_of: str) -> list[Any]:
        """:meth:`active_duties_at` without building a duty: a stored graph answers with the
        duties' row numbers in :meth:`duty_columns` (in row order), a graph of records with
        its duty objects. For scans that read a few columns of many places (the gap scan)."""
        sites = self._duties_at
        if role == "lead" and type(sites) is DutySites and sites.leads is not None:
            # the store kept each pair's lead rows: the role column is not read (at national
            # size each read is a cache miss) and no list of the pair's rows is made
            leads = sites.lead_rows((item, region))
            return self._in_force(leads, None, as_of) if leads else []
        bucket = sites.get((item, region))
        if not bucket:
            return []
        if bucket[0].__class__ is not int:
            return [d for d in bucket if d.role == role and d.active(as_of)]
        return self._in_force(bucket, role, as_of)

    def _in_force(self, rows: list[int], role: str | None, as_of: str) -> list[int]:
        """Those of ``rows`` (row numbers in the columns) whose role is ``role`` (``None``:
        not read, the rows are of the role asked) in force at ``as_of``."""
        cols, table = self._duty_cols, self._duty_table
        assert cols is not None and table is not None  # row numbers index a stored graph's
        roles, starts, ends = cols[_DUTY_ROLE], cols[_DUTY_FROM], cols[_DUTY_TO]
        if table.open_ended():  # no row has an end: at national size each read is a cache miss
            if role is None:
                return [k for k in rows if (f := starts[k]) is None or f <= as_of]
            return [
                k for k in rows if roles[k] == role and ((f := starts[k]) is None or f <= as_of)
            ]
        return [
            k
            for k in rows
            if (role is None or roles[k] == role)
            and ((f := starts[k]) is None or f <= as_of)
            and ((t := ends[k]) is None or as_of < t)
        ]

    def rows_at(self, item: str, region: str) -> list[Any]:
        """What :meth:`active_rows_at` filters: the duties recorded for ``item`` at ``region``
        (any role, any date) as row numbers in :meth:`duty_columns` on a stored graph, as
        duty objects on a graph of records or once :meth:`duties_at` built them. The
        graph's own list: do not change it."""
        return self._duties_at.get((item, region)) or []

    def duty_buckets(self) -> Iterator[tuple[tuple[str, str], list[Duty]]]:
        """Every (item, region) with the duties recorded there."""
        for key in self._duties_at:
            yield key, self.duties_at(*key)

    @property
    def duties(self) -> dict[str, Duty]:
        """Every duty by its id (built on first use: scans and look-ups use the indexes)."""
        if self._duty_dict is None:
            self._duty_dict = {d.id: d for d in self._duty_list}
            if len(self._duty_dict) != len(self._duty_objs):  # later duplicates replaced earlier
                self._duty_objs = list(self._duty_dict.values())
                self._build_indexes()
        return self._duty_dict

    # -- construction ---------------------------------------------------------

    @property
    def region_tree(self) -> nx.DiGraph:
        """The region tree as a networkx digraph, child -> parent (built on first use:
        importing networkx costs a fresh process a tenth of a second the answers never need)."""
        if self._region_tree is None:
            self._region_tree = _tree(
                self.regions, ((c, r.parent) for c, r in self.regions.items())
            )
        return self._region_tree

    @property
    def item_tree(self) -> nx.DiGraph:
        """The catalogue's item tree as a networkx digraph, child -> parent (built on first use)."""
        if self._item_tree is None:
            self._item_tree = _tree(self.items, ((i, it.parent) for i, it in self.items.items()))
        return self._item_tree

    @property
    def department_tree(self) -> nx.DiGraph:
        """Departments as a networkx digraph, department -> superior (built on first use)."""
        if self._department_tree is None:
            import networkx as nx

            tree = nx.DiGraph()
            tree.add_nodes_from(self.departments)
            tree.add_edges_from(
                (d, dep.superior) for d, dep in self.departments.items() if dep.superior
            )
            self._department_tree = tree
        return self._department_tree

    def _build_indexes(self, sites: DutySites | None = None) -> None:
        """The indexes; ``sites``: the (item, region) index of the duty columns, as
        :meth:`duty_sites_index` gives it, made before (a store keeps it beside its columns,
        :class:`~dutygraph.columns.DutySites`: grouping half a million rows into lists took
        most of opening a province)."""
        self._region_tree = None
        self._item_tree = None
        self._region_children: dict[str, list[str]] = defaultdict(list)
        for code, r in self.regions.items():
            if r.parent:
                self._region_children[r.parent].append(code)
        self._region_paths: dict[str, tuple[str, ...]] = {}
        self._item_paths: dict[str, tuple[str, ...]] = {}

        self._index_departments()

        self._duties_at: Mapping[tuple[str, str], list[Any]] = (
            sites if sites is not None else self._group_sites()
        )
        self._duties_of: dict[str, list[Duty]] | None = None
        self._multi_lead: list[tuple[str, str]] | None = None
        self._duties_on: dict[str, list[Duty]] | None = None
        self._duties_by_basis: dict[str, list[Duty]] | None = None

        self._lawbook = None
        self._names: dict[str, dict[str, list[str]]] = {}
        self._index_names("item", "region", "department", "basis", "behavior", "business_form")

    def _group_sites(self) -> Mapping[tuple[str, str], list[Any]]:
        """The duties by (item, region): a stored graph's row numbers in its columns, as
        arrays (:class:`~dutygraph.columns.DutySites`: each pair's list made when asked for;
        duties are built when asked for), a graph of records' duty objects."""
        if self._duty_cols is not None:
            cols = self._duty_cols
            return DutySites.of(cols[_DUTY_ITEM], cols[_DUTY_REGION], cols[_DUTY_ROLE])
        at: dict[tuple[str, str], list[Any]] = {}
        for d in self._duty_objs:
            assert d is not None  # a graph of records holds every duty
            bucket = at.get((d.item, d.region))
            if bucket is None:
                at[d.item, d.region] = [d]
            else:
                bucket.append(d)
        return at

    def with_changes(
        self, records: Iterable[Record], duties: DutyColumns | None = None
    ) -> DutyGraph | None:
        """This graph with ``records`` and ``duties`` written over it (as a store writes them:
        a record replaces the one of its kind and id, a duty the one of its key, a new one
        comes after the others), or ``None`` if they touch the trees or the law.

        A write of bases, behaviours, business forms or disputes (a dispute opened,
        moved or decided on a business form) leaves every index but the names alone: the
        new graph shares the duties, the trees and the other tables with this one and
        copies only the changed kinds' tables. Duties and departments (a small bundle or
        list import, a decision) are applied with :meth:`patched`: the duty index is this
        one's, remade at the (item, region) pairs they touch. A long-lived process keeps
        its graph after such a write instead of reading the store again. Items and regions
        (a list's new items, a division list) replace their tables and reset their tree (its
        paths, children and the networkx digraph are made again when asked for). A region
        group or the law corpus gives ``None``: read the graph again. This graph is left as
        it was (it is an immutable snapshot).

        >>> from dutygraph.fixtures import demo_graph
        >>> from dutygraph.model import Dispute
        >>> g = demo_graph()
        >>> d = Dispute("DSP-9", ("JJ-SCJ", "JJ-WJJ"), "I-FOOD", "510104", "2025-01-02", "open",
        ...             {}, None, {})
        >>> g2 = g.with_changes([d])
        >>> "DSP-9" in g2.disputes, "DSP-9" in g.disputes, g2.duty_list() is g.duty_list()
        (True, False, True)
        >>> g.with_changes([g.region_groups[next(iter(g.region_groups))]]) is None
        True
        >>> from dutygraph.model import Region
        >>> g4 = g.with_changes([Region("510199", "新区", "county", "510100")])
        >>> g4.region_path("510199"), "510199" in g.region_children("510100")
        (('510199', '510100', '510000', '000000'), False)
        >>> from dataclasses import replace
        >>> lead = g.active_duties_at("I-FOOD", "510000", "lead", "2025-01-01")[0]
        >>> g3 = g.with_changes([replace(lead, valid_to="2025-01-01")])
        >>> g3.active_duties_at("I-FOOD", "510000", "lead", "2025-01-01"), len(g3.duty_list())
        ([], 31)
        """
        by_label: dict[str, list[Any]] = {}
        changed: list[Duty] = []
        for r in records:
            if r.label == "duty":
                changed.append(r)  # type: ignore[arg-type]
            elif r.label not in _PLAIN and r.label not in _TREES and r.label != "department":
                return None
            else:
                by_label.setdefault(r.label, []).append(r)
        if duties:
            changed.extend(duties)
        new = self
        if changed or "department" in by_label:
            departments = self.departments  # the same table: its indexes are kept
            if "department" in by_label:
                departments = dict(self.departments)
                for dep in by_label.pop("department"):
                    departments[dep.id] = dep
            rows, added = self._rows_of(changed)
            new = self.patched(departments, self.bases, rows, added)
        new = copy.copy(new)
        new._names = dict(new._names)
        for label, recs in by_label.items():
            table = dict(new.table(label))
            for r in recs:
                table[record_id(r)] = r
            setattr(new, _ATTR[label], table)
            if label in new._names:
                new._names[label] = _name_index(table)
        if "item" in by_label:  # the item tree and its paths: built again when asked for
            new._item_tree, new._item_paths = None, {}
        if "region" in by_label:
            new._region_tree, new._region_paths = None, {}
            new._region_children = defaultdict(list)
            for code, reg in new.regions.items():
                if reg.parent:
                    new._region_children[reg.parent].append(code)
        return new

    def _rows_of(self, duties: Iterable[Duty]) -> tuple[dict[int, Duty], list[Duty]]:
        """``duties`` as a store writes them over this graph: by row number (in
        :meth:`duty_columns`) those replacing a duty of the same key, and the new ones in
        order (a later duty of a key replaces an earlier one). Looked up in the (item,
        region) buckets, not in an index of every duty."""
        rows: dict[int, Duty] = {}
        new: dict[tuple[str, ...], Duty] = {}
        objects: dict[int, tuple[str, ...]] = {}  # id() of a built duty -> its key
        wanted: dict[tuple[str, ...], Duty] = {}
        cols = self._duty_cols
        for d in duties:
            key: tuple[str, ...] = d.key
            if key in new:
                new[key] = d
                continue
            found = None
            for e in self._duties_at.get((d.item, d.region), ()):
                if e.__class__ is int:
                    assert cols is not None
                    if self._duty_key(e) == key:
                        found = e
                        break
                elif e.key == key:
                    objects[id(e)] = key
                    found = -1
                    break
            if found is None:
                new[key] = d
            elif found >= 0:
                rows[found] = d
            else:
                wanted[key] = d
        if wanted:  # built duties: their row numbers (the index of keys if it is built)
            if self._duty_index is not None:
                for wkey, d in wanted.items():
                    rows[self._duty_index[wkey]] = d
            else:
                for k, o in enumerate(self._duty_objs):
                    if o is not None and id(o) in objects:
                        rows[k] = wanted[objects[id(o)]]
        return rows, list(new.values())

    def changes_since(self, older: DutyGraph) -> list[Record] | None:
        """The records :meth:`with_changes` wrote over ``older`` to make this graph, or ``None``
        if it was not made so (read afresh, a record removed, an index changed).

        What a process holding ``older`` needs to make this graph itself
        (``older.with_changes(...)``) instead of reading it whole.

        >>> from dutygraph.fixtures import demo_graph
        >>> from dutygraph.model import Dispute
        >>> g = demo_graph()
        >>> d = Dispute("DSP-9", ("JJ-SCJ", "JJ-WJJ"), "I-FOOD", "510104", "2025-01-02", "open",
        ...             {}, None, {})
        >>> g2 = g.with_changes([d])
        >>> g2.changes_since(g) == [d], g2.changes_since(g2), g.changes_since(g2)
        (True, [], None)
        >>> DutyGraph().changes_since(g) is None  # another graph, not a patched copy
        True
        """
        mine, theirs = vars(self), vars(older)
        if mine.keys() != theirs.keys():
            return None
        tables = {_ATTR[label]: label for label in _PLAIN}
        out: list[Record] = []
        for name, value in mine.items():
            old = theirs[name]
            if value is old or name == "_names":
                continue
            if name not in tables:
                return None  # another index or table: not a with_changes of older
            if not old.keys() <= value.keys():
                return None  # a record removed
            out += [r for k, r in value.items() if old.get(k) is not r]
        return out

    def _duty_key(self, k: int) -> tuple[str, ...]:
        """:attr:`Duty.key` of duty number ``k``, read from the columns."""
        cols = self._duty_cols
        assert cols is not None
        return (
            cols[_DUTY_DEPARTMENT][k],
            cols[_DUTY_ITEM][k],
            cols[_DUTY_REGION][k],
            cols[_DUTY_ROLE][k],
            cols[_DUTY_LINE][k] or "",
            cols[_DUTY_FROM][k] or "",
        )

    def _index_departments(self) -> None:
        """The departments by region and by (region, line); by superior when first asked."""
        self._department_tree = None
        self._by_region_line: dict[tuple[str, str], list[Department]] = defaultdict(list)
        self._by_region: dict[str, list[Department]] = defaultdict(list)
        for dep in self.departments.values():
            self._by_region[dep.region].append(dep)
            for s in dep.systems:
                self._by_region_line[(dep.region, s)].append(dep)

    def _index_names(self, *labels: str) -> None:
        """The ids bearing each name (and alias), for these kinds."""
        for label in labels:
            self._names[label] = _name_index(self.table(label))

    # -- sizes and iteration --------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Number of records of each kind.

        >>> from dutygraph.fixtures import demo_graph
        >>> demo_graph().counts()["region"]
        9
        """
        return {
            cls.label: len(self._duty_objs) if cls is Duty else len(getattr(self, _ATTR[cls.label]))
            for cls in RECORD_TYPES
        }

    # -- the law ----------------------------------------------------------------

    def lawbook(self) -> LawBook:
        """The law the answers read: the corpus this graph holds, or (holding none) the one
        the package ships (:mod:`dutygraph.lawbook`)."""
        if self._lawbook is None:
            if self._laws:
                articles: GroupedTable = self._articles  # type: ignore[attr-defined]
                self._lawbook = LawBook(self._laws, self._law_versions, articles.group)
            else:
                self._lawbook = packaged_lawbook()
        return self._lawbook

    def records(self) -> Iterator[Record]:
        """Every record, kinds in load order."""
        for cls in RECORD_TYPES:
            if cls is Duty:
                yield from self._duty_list
            else:
                yield from getattr(self, _ATTR[cls.label]).values()

    def by_identity(self, label: str) -> Mapping[Any, Any]:
        """The records of one kind keyed by :func:`identity` (duties by key tuple)."""
        if label != "duty":
            return self.table(label)
        if self._duty_keys is None:
            self._duty_keys = {d.key: d for d in self._duty_list}
        return self._duty_keys

    def duty_columns(self) -> DutyColumns:
        """Every duty as columns, in store order (the store's own lists: do not change them)."""
        if self._duty_table is not None:
            return self._duty_table
        return DutyColumns.from_records(self._duty_objs)  # type: ignore[arg-type]

    def duty_index(self) -> dict[tuple[str, ...], int]:
        """Row number in :meth:`duty_columns` by duty key."""
        if self._duty_index is None:
            self._duty_index = self.duty_columns().index() if self._duty_objs else {}
        return self._duty_index

    def duty_list(self) -> list[Duty]:
        """Every duty, in store order (cheaper than ``duties`` when ids are not needed)."""
        return self._duty_list

    def table(self, label: str) -> Mapping[str, Any]:
        """The records of one kind by id (``label`` as in :data:`model.RECORD_TYPES`)."""
        return getattr(self, _ATTR[label])  # type: ignore[no-any-return]

    # -- look-ups by id or name -----------------------------------------------

    def find(self, label: str, key: str) -> Any:
        """The record of kind ``label`` whose id (or region code) or exact name is ``key``.

        Region codes may be given with 6 or 12 digits. A name that matches
        several records raises :class:`~dutygraph.errors.Ambiguous` listing them.

        >>> from dutygraph.fixtures import demo_graph
        >>> demo_graph().find("region", "510104000000").name
        '锦江区'
        >>> demo_graph().find("item", "食品安全监督管理").id
        'I-FOOD'
        """
        table = self.table(label)
        rec = table.get(key)
        if rec is not None and key == key.strip():  # an id as it is: what find_in finds first
            return rec
        names = self._names.get(label, {})
        return find_in(table, label, key, lambda k: names.get(k, []), lambda k: names)

    # -- the region and item trees --------------------------------------------

    def region_path(self, code: str) -> tuple[str, ...]:
        """``code`` and its ancestors, nearest first, up to the root."""
        path = self._region_paths.get(code)
        return path if path is not None else _path_up(self.regions, self._region_paths, code)

    def item_path(self, item: str) -> tuple[str, ...]:
        """``item`` and its ancestors in the catalogue tree, nearest first."""
        path = self._item_paths.get(item)
        return path if path is not None else _path_up(self.items, self._item_paths, item)

    def region_children(self, code: str) -> list[str]:
        return self._region_children.get(code, [])

    def subtree(self, code: str) -> list[str]:
        """``code`` and every region below it, parents before children."""
        return walk_down(code, self._region_children.get)

    # -- departments ----------------------------------------------------------

    def departments_in(self, region: str) -> list[Department]:
        """Every department of the government of ``region`` (active or not)."""
        return self._by_region.get(region, [])

    def departments_of_line(self, region: str, line: str) -> list[Department]:
        """Departments of ``region`` carrying ``line`` (active or not)."""
        return self._by_region_line.get((region, line), [])

    def current(self, dept_id: str, as_of: str) -> tuple[Department | None, list[str]]:
        """The department that holds ``dept_id``'s duties at ``as_of``.

        An abolished department is replaced by its successor, following the
        chain; the second value lists the abolished departments passed. With
        no active successor the first value is ``None``.
        """
        dep = self.departments.get(dept_id)
        if dep is not None and (
            ((f := dep.valid_from) is None or f <= as_of)
            and ((t := dep.valid_to) is None or as_of < t)
        ):  # active (Department.active inlined: every answer asks it)
            return dep, []
        passed: list[str] = []
        while dep is not None and not dep.active(as_of):
            if dep.valid_from is not None and as_of < dep.valid_from:
                return None, passed  # not yet established
            passed.append(dep.id)
            if not dep.successor or dep.successor in passed:
                return None, passed
            dep = self.departments.get(dep.successor)
        return dep, passed

    def counterparts(self, region: str, line: str, as_of: str) -> list[Department]:
        """The departments of ``region`` that hold ``line`` at ``as_of``.

        An active department carrying the line counts (so a merged local body
        does); an abolished one counts through its active successor.
        """
        out: list[Department] = []
        for dep in self.departments_of_line(region, line):
            cur, _ = self.current(dep.id, as_of)
            if cur is not None and cur not in out:
                out.append(cur)
        return out

    # -- duties ---------------------------------------------------------------

    def duties_at(self, item: str, region: str) -> list[Duty]:
        """Duties recorded for ``item`` at ``region`` (any role, any date)."""
        bucket = self._duties_at.get((item, region))
        if not bucket:
            return []
        if bucket[0].__class__ is int:
            bucket[:] = [self._duty(k) for k in bucket]
        return bucket

    def duties_of(self, department: str) -> list[Duty]:
        """Duties a department holds (any item, role or date)."""
        if self._duties_of is None:
            of: dict[str, list[Duty]] = defaultdict(list)
            for d in self._duty_list:
                of[d.department].append(d)
            self._duties_of = of
        return self._duties_of.get(department, [])

    def duties_on(self, item: str) -> list[Duty]:
        """Duties on an item, in every region."""
        if self._duties_on is None:
            on: dict[str, list[Duty]] = defaultdict(list)
            for d in self._duty_list:
                on[d.item].append(d)
            self._duties_on = on
        return self._duties_on.get(item, [])

    def duties_resting_on(self, basis: str) -> list[Duty]:
        """Duties whose bases include ``basis`` (any item, region, role or date).

        >>> from dutygraph.fixtures import demo_graph
        >>> len(demo_graph().duties_resting_on("B-FSL-6")) > 0
        True
        """
        if self._duties_by_basis is None:
            by: dict[str, list[Duty]] = defaultdict(list)
            for d in self._duty_list:
                for b in d.bases:
                    by[b].append(d)
            self._duties_by_basis = by
        return self._duties_by_basis.get(basis, [])

    def open_duties_of_list(self, list_id: str) -> list[Duty]:
        """The duties published list ``list_id`` gave (``source`` the list, or ``list#row``)
        still open (no end date), in store order: what a new version of it is compared with.
        A stored graph reads its source and end columns and builds only those duties."""
        prefix = f"{list_id}#"
        if self._duty_cols is None:
            return [
                d
                for d in self._duty_list
                if d.valid_to is None
                and d.source
                and (d.source == list_id or d.source.startswith(prefix))
            ]
        sources, ends = self._duty_cols[_DUTY_SOURCE], self._duty_cols[_DUTY_TO]
        return [
            self._duty(k)
            for k, s in enumerate(sources)
            if s and (s == list_id or s.startswith(prefix)) and ends[k] is None
        ]

    def multi_lead_sites(self) -> list[tuple[str, str]]:
        """The (item, region) pairs recorded with two or more lead duties (at any dates)."""
        if self._multi_lead is None and isinstance(self._duties_at, DutySites):
            assert self._duty_cols is not None  # the index of a stored graph's columns
            self._multi_lead = self._duties_at.multi_lead(self._duty_cols[_DUTY_ROLE])
        if self._multi_lead is None:
            roles = self._duty_cols[_DUTY_ROLE] if self._duty_cols is not None else None

            def role(entry: Any) -> str:
                return roles[entry] if entry.__class__ is int else entry.role  # type: ignore[index]

            self._multi_lead = [
                key
                for key, bucket in self._duties_at.items()
                if len(bucket) > 1 and sum(role(e) == "lead" for e in bucket) > 1
            ]
        return self._multi_lead

    def duty_sites_index(self) -> DutySites | None:
        """The duties' row numbers in :meth:`duty_columns` by (item, region), as a store
        keeps them to give back to ``DutyGraph(duty_sites=...)``; ``None``: this graph's
        index is not of its columns alone (a graph of records, a patched one)."""
        at = self._duties_at
        return at if isinstance(at, DutySites) else None

    def duty_sites(self) -> Iterator[tuple[str, str]]:
        """Every (item, region) pair that has recorded duties."""
        return iter(self._duties_at)

    def patched(
        self,
        departments: Mapping[str, Department],
        bases: Mapping[str, LegalBasis],
        rows: Mapping[int, Duty],
        new: Iterable[Duty] = (),
    ) -> DutyGraph:
        """A new graph: this one with these departments and bases, duty number ``k`` (in
        :meth:`duty_columns`) replaced by ``rows[k]``, and the duties ``new`` added after.

        This graph is left as it is. The new one shares its unchanged tables, duty objects
        and trees, and its duty index is this one's patched at the (item, region) pairs
        the changes touch — not rebuilt: a what-if moving a line in every county of a
        province changes a few thousand of half a million duties.

        >>> from dataclasses import replace
        >>> from dutygraph.fixtures import demo_graph
        >>> g = demo_graph()
        >>> d = g.active_duties_at("I-FOOD", "510000", "lead", "2025-01-01")[0]
        >>> k = g.duty_index()[d.key]
        >>> h = g.patched(g.departments, g.bases, {k: replace(d, valid_to="2025-01-01")})
        >>> h.active_duties_at("I-FOOD", "510000", "lead", "2025-01-01"), len(h.duty_list())
        ([], 31)
        >>> g.active_duties_at("I-FOOD", "510000", "lead", "2025-01-01") == [d]
        True
        """
        out = self.__class__.__new__(self.__class__)
        out.__dict__.update(self.__dict__)  # regions, items, the law, the trees: shared
        out.departments = self.departments if departments is self.departments else dict(departments)
        out.bases = self.bases if bases is self.bases else dict(bases)
        added = list(new)
        n = len(self._duty_objs)
        objs = list(self._duty_objs)  # the duties built so far are shared
        for k, d in rows.items():
            objs[k] = d
        objs.extend(added)
        out._duty_objs = objs
        if self._duty_table is not None:
            cols = DutyColumns.wrap([list(c) for c in self._duty_table.columns])
            if rows:
                ks = sorted(rows)
                over = DutyColumns.from_records([rows[k] for k in ks])
                for col, src in zip(cols.columns, over.columns, strict=True):
                    for k, v in zip(ks, src, strict=True):
                        col[k] = v
            if added:
                cols.extend(DutyColumns.from_records(added))
            out._duty_table, out._duty_cols = cols, cols.columns
        # the index: this one's, with the buckets of the changed (item, region) pairs remade
        # as a rebuild would make them (row order; a bucket holds row numbers or duty objects)
        changed: dict[tuple[str, str], list[Any]] = {}  # empty: the pair gone
        was: dict[int, tuple[str, str]] = {}
        for k in rows:
            o = self._duty_objs[k]
            if o is not None:
                was[k] = (o.item, o.region)
            else:
                assert self._duty_cols is not None
                was[k] = (self._duty_cols[_DUTY_ITEM][k], self._duty_cols[_DUTY_REGION][k])
        by_obj = {id(self._duty_objs[k]): k for k in rows if self._duty_objs[k] is not None}
        # rows moving into another (item, region), and the new rows, by (item, region)
        coming: dict[tuple[str, str], list[int]] = defaultdict(list)
        for k in sorted(rows):
            if (to := (rows[k].item, rows[k].region)) != was[k]:
                coming[to].append(k)
        for j, d in enumerate(added):
            coming[(d.item, d.region)].append(n + j)
        for key in dict.fromkeys([*was.values(), *coming]):
            bucket = self._duties_at.get(key, [])
            entries: list[Any] = []
            for e in bucket:
                row: int | None = e if e.__class__ is int else by_obj.get(id(e))
                if row is None or row not in rows:
                    entries.append(e)
                elif (rows[row].item, rows[row].region) == key:
                    entries.append(e if e.__class__ is int else rows[row])
            entries.extend(coming.get(key, ()))
            if self._duty_table is None or (bucket and bucket[0].__class__ is not int):
                entries = [out._duty(e) if e.__class__ is int else e for e in entries]
            else:
                entries.sort()
            changed[key] = entries
        base = self._duties_at
        if isinstance(base, DutySites):
            out._duties_at = base.patched(changed)
        else:
            at = dict(base)
            for key, entries in changed.items():
                if entries:
                    at[key] = entries
                else:
                    at.pop(key, None)
            out._duties_at = at
        out._all_built = self._all_built
        for cache in ("_duty_dict", "_duty_keys", "_duty_index", "_duties_of", "_multi_lead"):
            setattr(out, cache, None)
        out._duties_on = out._duties_by_basis = None
        # departments and bases changed: their indexes are remade (a few thousand records);
        # the very tables of this graph, given back, are unchanged: their indexes shared
        out._names = dict(self._names)
        if departments is not self.departments:
            out._index_departments()
            out._index_names("department")
        if bases is not self.bases:
            out._index_names("basis")
        return out

    def native(self, name: str) -> None:
        """No analysis of its own: the in-memory graph is what the Python analyses read
        (:mod:`dutygraph.reader`)."""
        return None

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as one networkx multigraph, for graph algorithms and drawing.

        Nodes are ``(label, id)`` with the record as ``data``; duties are
        edges from department to item keyed by the duty's id.
        """
        import networkx as nx

        G = nx.MultiDiGraph()
        for rec in self.records():
            if isinstance(rec, Duty):
                continue
            G.add_node((rec.label, record_id(rec)), data=rec)
        for code, r in self.regions.items():
            if r.parent:
                G.add_edge(("region", code), ("region", r.parent), key="parent")
        for i, it in self.items.items():
            if it.parent:
                G.add_edge(("item", i), ("item", it.parent), key="parent")
        for d, dep in self.departments.items():
            G.add_edge(("department", d), ("region", dep.region), key="region")
            if dep.superior:
                G.add_edge(("department", d), ("department", dep.superior), key="superior")
            if dep.successor:
                G.add_edge(("department", d), ("department", dep.successor), key="successor")
        for duty in self.duties.values():
            G.add_edge(("department", duty.department), ("item", duty.item), key=duty.id, data=duty)
        return G


_ATTR = {
    "law": "_laws",
    "law_version": "_law_versions",
    "article": "_articles",
    "region": "regions",
    "region_group": "region_groups",
    "department": "departments",
    "item": "items",
    "basis": "bases",
    "duty": "duties",
    "behavior": "behaviors",
    "business_form": "business_forms",
    "dispute": "disputes",
}


#: the kinds stores keep apart (``lazy``), and how to find an id's group
_LAZY = [cls for cls in RECORD_TYPES if cls.lazy is not None]
#: kinds no index of the graph is built from but the names (see DutyGraph.with_changes)
_PLAIN = frozenset({"basis", "behavior", "business_form", "dispute"})
#: kinds with_changes applies by resetting the tree they make (its paths built again)
_TREES = frozenset({"item", "region"})
_GROUP_OF = {"article": lambda rid: rid.partition("@")[0]}


def _path_up(
    table: Mapping[str, Any], paths: dict[str, tuple[str, ...]], key: str
) -> tuple[str, ...]:
    """``key`` and its ancestors in ``table`` (records with a ``parent``), nearest first, each
    once (a cycle ends the walk), kept in ``paths``. A walk that ends at the root keeps its
    ancestors' paths too, and one whose parent's path is kept is that path after ``key``:
    a first question in a county walks no further than where a sibling's walked."""
    rec = table.get(key)
    parent = rec.parent if rec is not None else None
    up = paths.get(parent) if parent and parent in table else None
    if up is not None and key not in up:  # the walk from key would go on as the parent's did
        path = paths[key] = (key, *up)
        return path
    out = [key]
    seen = {key}
    while parent and parent in table and parent not in seen:
        out.append(parent)
        seen.add(parent)
        parent = table[parent].parent
    path = paths[key] = tuple(out)
    if not (parent and parent in table):  # ended at the root, not at a cycle: every suffix
        for k in range(1, len(path)):  # is its first node's own walk
            paths.setdefault(path[k], path[k:])
    return path


def _tree(nodes: Iterable[str], edges: Iterable[tuple[str, str | None]]) -> nx.DiGraph:
    """A child -> parent digraph of ``nodes``, with the ``edges`` whose parent is a node."""
    import networkx as nx

    tree = nx.DiGraph()
    tree.add_nodes_from(nodes)
    tree.add_edges_from((c, p) for c, p in edges if p in tree)
    return tree


def _name_of(rec: Any) -> str:
    return getattr(rec, "name", None) or getattr(rec, "title", None) or record_id(rec)


def _name_index(table: Mapping[str, Any]) -> dict[str, list[str]]:
    """Ids by each name and alias of the records of ``table`` (``find``'s look-up)."""
    names: dict[str, list[str]] = defaultdict(list)
    for rid, rec in table.items():
        for name in _names_of(rec):
            if rid not in names[name]:
                names[name].append(rid)
    return names


def _names_of(rec: Any) -> list[str]:
    names = [_name_of(rec)]
    names.extend(getattr(rec, "aliases", ()))
    return names


def name_key(name: str) -> str:
    """A name as names are compared when matched: full-width forms folded (NFKC), spaces
    dropped (the department matcher's key; the store keeps it beside each name).

    >>> name_key("成都市 锦江区ＡＢ")
    '成都市锦江区AB'
    """
    return unicodedata.normalize("NFKC", name).replace(" ", "")


def find_in(
    table: Mapping[str, Any],
    label: str,
    key: str,
    named: Callable[[str], list[str]],
    names: Callable[[str], Iterable[str]],
) -> Any:
    """:meth:`DutyGraph.find` over any table: ``named(key)`` gives the ids bearing the
    name ``key``, ``names(key)`` the names to suggest from (shared by the store readers)."""
    key = key.strip()
    if key in table:
        return table[key]
    if label == "region" and key.isdigit():
        code = canonical_region_code(key)
        if code in table:
            return table[code]
    hits = named(key)
    if len(hits) == 1:
        return table[hits[0]]
    if len(hits) > 1:
        raise Ambiguous(label, key, [(h, _name_of(table[h])) for h in hits])
    raise NotFound(label, key, _suggest(key, names(key)))


def _suggest(key: str, names: Iterable[str]) -> str:
    close = [n for n in names if key in n or n in key][:5]
    if close:
        return "did you mean " + ", ".join(f"{n!r}" for n in close) + "?"
    return "give an id, a code or an exact name"
