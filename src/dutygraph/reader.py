"""What the analyses read: the :class:`GraphReader` contract, and answers a backend computes itself.

Every question of SPEC §3 is a free function taking a *reader* first
(``who_leads(g, item, region, as_of)``). A :class:`~dutygraph.graph.DutyGraph`
— the whole graph in memory — is one reader; a store can hand out others
(:meth:`dutygraph.store.base.Store.reader`) that read only what an answer
walks: the embedded store's tables row by row, a Neo4j server through Cypher.
The analyses use nothing but the members below, so they run unchanged on any
of them.

A reader may also compute an answer itself — a Cypher query that resolves a
lead in the database, a scan that builds the in-memory graph first — the way
networkx hands an algorithm to a backend that ``can_run`` it. Each public
analysis is :func:`dispatchable`: it first asks the reader's :meth:`native`
for an implementation under its own name and runs that, with the same
arguments and the same result type, when there is one.

>>> from dutygraph.fixtures import demo_graph
>>> from dutygraph.analysis.resolve import who_leads
>>> g = demo_graph()
>>> isinstance(g, GraphReader), g.native("who_leads") is None
(True, True)
>>> class Counting:  # a reader that answers who_leads itself, over the demo graph
...     def __init__(self, g): self.g, self.asked = g, 0
...     def __getattr__(self, name): return getattr(self.g, name)
...     def native(self, name):
...         if name == "who_leads":
...             def run(item, region, as_of=None):
...                 self.asked += 1
...                 return who_leads.python(self.g, item, region, as_of)
...             return run
...         return None
>>> r = Counting(g)
>>> who_leads(r, "I-FOOD", "锦江区", "2025-06-01").departments(), r.asked
(['JJ-SCJ'], 1)
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast, runtime_checkable

from .errors import UnsupportedOperation
from .model import (
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
)

#: a record type (anything with an ``id``)
R = TypeVar("R")

if TYPE_CHECKING:
    from .graph import DutyGraph
    from .lawbook import LawBook

__all__ = [
    "GraphReader",
    "answers_in_store",
    "dispatchable",
    "in_key_order",
    "scenario_cells",
    "scope_graph",
    "whole_graph",
]


@runtime_checkable
class GraphReader(Protocol):
    """The read side of the graph that every analysis uses (a ``DutyGraph`` is one).

    The tables are mappings by id (a lazy reader fetches a record when it is
    first asked for); the methods are those of :class:`~dutygraph.graph.DutyGraph`,
    with the same meaning.
    """

    @property
    def regions(self) -> Mapping[str, Region]: ...

    @property
    def region_groups(self) -> Mapping[str, RegionGroup]: ...

    @property
    def departments(self) -> Mapping[str, Department]: ...

    @property
    def items(self) -> Mapping[str, Item]: ...

    @property
    def bases(self) -> Mapping[str, LegalBasis]: ...

    @property
    def behaviors(self) -> Mapping[str, Behavior]: ...

    @property
    def business_forms(self) -> Mapping[str, BusinessForm]: ...

    @property
    def disputes(self) -> Mapping[str, Dispute]: ...

    def find(self, label: str, key: str) -> Any:
        """The record of kind ``label`` with id/code or exact name ``key`` (NotFound, Ambiguous)."""
        ...

    def region_path(self, code: str) -> tuple[str, ...]:
        """``code`` and its ancestors, nearest first."""
        ...

    def item_path(self, item: str) -> tuple[str, ...]:
        """``item`` and its ancestors in the catalogue tree, nearest first."""
        ...

    def region_children(self, code: str) -> list[str]: ...

    def subtree(self, code: str) -> list[str]:
        """``code`` and every region below it, parents before children."""
        ...

    def departments_in(self, region: str) -> list[Department]: ...

    def departments_of_line(self, region: str, line: str) -> list[Department]: ...

    def current(self, dept_id: str, as_of: str) -> tuple[Department | None, list[str]]:
        """The department holding ``dept_id``'s duties at ``as_of`` (successors followed)."""
        ...

    def counterparts(self, region: str, line: str, as_of: str) -> list[Department]: ...

    def active_duties_at(self, item: str, region: str, role: str, as_of: str) -> list[Duty]:
        """Duties of ``role`` recorded for ``item`` at ``region``, in force at ``as_of``."""
        ...

    def duties_at(self, item: str, region: str) -> list[Duty]: ...

    def duties_of(self, department: str) -> list[Duty]: ...

    def duties_on(self, item: str) -> list[Duty]: ...

    def duties_resting_on(self, basis: str) -> list[Duty]:
        """Duties whose bases include ``basis`` (any item, region, role or date)."""
        ...

    # -- the law (SPEC §6): the store's corpus, or the one the package ships

    def lawbook(self) -> LawBook:
        """The law corpus by key (:class:`~dutygraph.lawbook.LawBook`, which a lazy reader
        builds over its own look-ups)."""
        ...

    @property
    def laws(self) -> Mapping[str, Law]:
        """Every act of the law corpus the answers read, by id."""
        ...

    def law(self, key: str) -> Law:
        """The act with id or title ``key`` (NotFound, with the nearest titles)."""
        ...

    def law_versions(self, law: str) -> list[LawVersion]:
        """The versions of act ``law``, oldest first."""
        ...

    def law_articles(self, version: str) -> list[LawArticle]:
        """The articles of a version, in order."""
        ...

    def article(self, law: str, ref: str, as_of: str | None = None) -> LawArticle | None:
        """Article ``ref`` (key or label) of act ``law`` in the version in force on ``as_of``."""
        ...

    def __hash__(self) -> int:
        """Readers are hashable (by identity): analyses cache their indexes per reader."""
        ...

    def native(self, name: str) -> Callable[..., Any] | None:
        """This reader's own implementation of the analysis ``name``, or ``None``."""
        ...


F = TypeVar("F", bound=Callable[..., Any])


def dispatchable(fn: F) -> F:
    """Let the reader passed first compute ``fn`` itself (see the module docstring).

    The pure-Python implementation stays reachable as ``fn.python`` — what a
    native implementation calls when it has narrowed the graph it needs.
    """
    name = fn.__name__

    @functools.wraps(fn)
    def run(g: Any, *args: Any, **kwargs: Any) -> Any:
        native = getattr(g, "native", None)
        impl = native(name) if native is not None else None
        if impl is not None:
            return impl(*args, **kwargs)
        return fn(g, *args, **kwargs)

    run.python = fn  # type: ignore[attr-defined]
    return cast(F, run)


def in_key_order(records: Iterable[R]) -> list[R]:
    """``records`` sorted by their key (``id``): the one order in which every store lists
    the duties of an answer — a resolution's nearest duties, a conflict's leads — so the
    embedded and the Neo4j store answer with the same lists, not just the same sets.

    >>> from dutygraph.model import Duty
    >>> [d.department for d in in_key_order([Duty("B", "I", "1", "lead"), Duty("A", "I", "1", "lead")])]
    ['A', 'B']
    """
    out = list(records)
    if len(out) > 1:  # one record is in order: its key (a duty's joined id) is not made
        out.sort(key=_key)
    return out


def _key(rec: Any) -> str:
    return rec.id  # type: ignore[no-any-return]


def whole_graph(g: GraphReader, analysis: str) -> DutyGraph:
    """``g`` as the whole in-memory graph, for an analysis that reads all of it.

    A reader that is not the whole graph must answer such an analysis itself
    (:meth:`GraphReader.native`); reaching here with one is a bug in that reader,
    said as :class:`~dutygraph.errors.UnsupportedOperation`, never a silent load.
    """
    from .graph import DutyGraph

    if isinstance(g, DutyGraph):
        return g
    raise UnsupportedOperation(
        analysis,
        type(g).__name__,
        "it reads the whole graph, and this reader does not answer it itself",
    )


def answers_in_store(store: Any) -> bool:
    """Whether ``store`` answers every question through its :meth:`reader` (saved queries
    in its database, the Neo4j store), so that nothing is to read its whole graph: a
    server then never calls ``store.graph()`` (:class:`dutygraph.api.state.Snapshots`)."""
    return bool(getattr(store, "answers_in_store", False))


def scope_graph(
    g: GraphReader, region: str | None, analysis: str, scenario: Any = None
) -> DutyGraph:
    """``g`` as an in-memory graph an ``analysis`` over ``region``'s subtree can run on.

    The whole graph is itself; a reader that can (the Neo4j store's
    ``regional_graph``) reads the region's subtree, the regions above it, their
    departments and duties, the bases those rest on, the item catalogue and the
    subtree's disputes — what every answer inside the subtree reads — plus the
    departments a what-if ``scenario`` names (ids or exact names) wherever they are,
    so that its changes apply as on the whole graph. Without a region there is no
    bound: a :class:`~dutygraph.errors.UsageError` asks for one.
    """
    from .errors import UsageError
    from .graph import DutyGraph

    if isinstance(g, DutyGraph):
        return g
    regional = getattr(g, "regional_graph", None)
    if region and regional is not None:
        named = _departments_named(g, scenario) if scenario is not None else set()
        return regional(region, also=named)  # type: ignore[no-any-return]
    raise UsageError(
        f"{analysis} 在此存储上需要给出地区（只读该地区子树及其上级，不读整个图谱）"
        f" ({analysis} on this store needs a region: it reads that region's subtree and the "
        "regions above it, never the whole graph)"
    )


def scenario_cells(scenario: Any) -> set[str]:
    """Every non-empty text a scenario's changes hold (a cell, or each of a list's)."""
    cells: set[str] = set()
    for change in scenario.changes:
        for value in change.values.values():
            for v in value if isinstance(value, tuple) else (value,):
                if isinstance(v, str) and v:
                    cells.add(v)
    return cells


def _departments_named(g: GraphReader, scenario: Any) -> set[str]:
    """The ids of the departments a scenario's cells name, and of those in the regions its
    cells name (a look-up per distinct cell)."""
    from .errors import Ambiguous, NotFound

    found: set[str] = set()
    for v in sorted(scenario_cells(scenario)):
        if v in g.departments:
            found.add(v)
            continue
        if v in g.regions:  # a region a change happens in: its departments (lines move there)
            found.update(d.id for d in g.departments_in(v))
            continue
        with contextlib.suppress(NotFound, Ambiguous):  # a line, a date...: not a department
            found.add(g.find("department", v).id)
    return found
