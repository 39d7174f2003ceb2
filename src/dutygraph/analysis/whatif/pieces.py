"""A what-if with no region on a store that answers in its database: region by region.

:func:`what_if_by_pieces` never holds the whole graph. The scenario is checked
once, on the records it touches read by key (:func:`scenario_graph`: the
departments it names, their successors, superiors and governments, the duties
of those departments, every basis and the duties resting on those it replaces,
the regions of all of these with the paths above them) — so a scenario the whole
graph refuses is refused with the same located problems. Then the region tree
goes in the pieces of the reader's national scan
(:meth:`~dutygraph.store.neo4j_reader.Neo4jReader.national_pieces`: a subtree
of at most ``piece_regions`` regions, or a larger subtree's root alone and its
children's subtrees split the same way). Each piece is read as
:meth:`~dutygraph.store.neo4j_reader.Neo4jReader.regional_graph` (the piece, the
regions above it, the departments the scenario names), compared only on the
piece's own regions (``what_if(..., within=...)``), rendered, and let go.

The pieces' regions are disjoint and every region is in one, so every (item,
region) change, gap, conflict, inspection, dispute and list row is found in
exactly one piece — by the piece holding its region, whose graph holds all an
answer there reads (the region's path, the duties and departments on it). The
regions above a piece are in its graph but outside its comparison: their
answers come once, from their own piece. The rows are then put in the whole
graph's order (regions by their national rank, items by the catalogue), and
the counts and summaries are computed from the merged rows.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...errors import Ambiguous, NotFound
from ...graph import DutyGraph
from ...io.scenario import Scenario
from ...reader import GraphReader, _departments_named, scenario_cells
from .apply import apply_scenario
from .compare import what_if
from .report import TableSet, scenario_table, sheets, summary_tables, whatif_dict

__all__ = ["PiecesReport", "scenario_graph", "what_if_by_pieces"]


def _fetch(table: Mapping[str, Any], ids: Iterable[str]) -> dict[str, Any]:
    """The records of ``ids`` a lazy table holds (a query a batch where it can)."""
    ids = sorted(set(ids))
    batch = getattr(table, "fetch", None)
    if batch is not None:
        return batch(ids)  # type: ignore[no-any-return]
    return {k: table[k] for k in ids if k in table}


def scenario_graph(g: GraphReader, scenario: Scenario) -> DutyGraph:
    """The records ``scenario`` touches, read by key from ``g``, as a graph it applies to
    as it does to the whole graph (the whole graph is itself).

    What :func:`~dutygraph.analysis.whatif.apply_scenario` reads: the departments the
    scenario names (every candidate of an ambiguous name, so the problem is the
    same), those of the regions it names and of the named departments' governments,
    the departments of every line it makes vertical or local, successor and superior
    chains; the duties of the named departments; every legal basis (matched by act
    title) and the duties resting on the bases it replaces; the item catalogue; the
    regions of all these and the paths above them.
    """
    from ...io.laws.parse import act_id

    if isinstance(g, DutyGraph):
        return g
    cells = scenario_cells(scenario)
    deps: dict[str, Any] = {}
    regions: set[str] = set()
    named = set(_departments_named(g, scenario))
    for v in sorted(cells):
        with contextlib.suppress(NotFound):  # Ambiguous is one
            regions.add(g.find("region", v).code)
        if v not in g.departments:
            try:
                g.find("department", v)
            except Ambiguous as exc:
                named.update(cid for cid, _ in exc.candidates)
            except NotFound:
                pass
    deps.update(_fetch(g.departments, named))
    for r in sorted({d.region for d in deps.values()} | regions):
        deps.update((d.id, d) for d in g.departments_in(r))
    with_line = getattr(g, "departments_with_line", None)
    for change in scenario.changes:
        if change.action == "set-vertical":
            line = change.get("line") or ""
            hits = (
                with_line(line)
                if with_line is not None
                else [d for d in g.departments.values() if line in d.systems]
            )
            deps.update((d.id, d) for d in hits)
    wanted = {x for d in deps.values() for x in (d.successor, d.superior) if x} - set(deps)
    while wanted:  # successor and superior chains, a query a batch
        found = _fetch(g.departments, wanted)
        deps.update(found)
        wanted = {x for d in found.values() for x in (d.successor, d.superior) if x} - set(deps)
    duties: dict[str, Any] = {}
    for dep_id in sorted(named):
        duties.update((d.id, d) for d in g.duties_of(dep_id))
    bases = {b.id: b for b in g.bases.values()}
    for change in scenario.changes:
        if change.action == "replace":
            name = change.get("basis") or ""
            act = act_id(bases[name].title) if name in bases else act_id(name)
            for b in bases.values():
                if b.id == name or act_id(b.title) == act:
                    duties.update((d.id, d) for d in g.duties_resting_on(b.id))
    codes = regions | {d.region for d in deps.values()} | {d.region for d in duties.values()}
    above: set[str] = set()
    for code in sorted(codes):
        if code in g.regions:
            above.update(g.region_path(code))
    records: list[Any] = []
    for group in (
        _fetch(g.regions, above).values(),
        deps.values(),
        g.items.values(),
        bases.values(),
        duties.values(),
    ):
        records += sorted(group, key=lambda r: r.id)
    return DutyGraph(records)


@dataclass
class PiecesReport:
    """A what-if computed by pieces, merged: what the CLI reports of a
    :class:`~dutygraph.analysis.whatif.WhatIf` — its JSON (:func:`whatif_dict`), its
    tables (:func:`~dutygraph.analysis.whatif.report.sheets`) and its counts."""

    scenario: Scenario
    as_of: str
    data: dict[str, Any]
    tables: TableSet
    pieces: int = 0
    #: the most duties one piece's graph held (the client's bound)
    largest: int = 0
    region: str | None = field(default=None)

    def counts(self) -> dict[str, int]:
        return dict(self.data["counts"])

    def as_dict(self, evidence: bool = True) -> dict[str, Any]:
        if evidence:
            return self.data
        leads = [{k: v for k, v in row.items() if k != "evidence"} for row in self.data["leads"]]
        return {**self.data, "leads": leads}


#: each list of the JSON, the table its rows are (in the same order), and the key that puts
#: the rows of every piece in the whole graph's order
_KINDS = (
    ("leads", None, "牵头与配合"),
    ("gaps", "new", "缺口"),
    ("gaps", "resolved", "缺口"),
    ("conflicts", "new", "冲突"),
    ("conflicts", "resolved", "冲突"),
    ("inspections", None, "重复检查"),
    ("disputes", None, "争议"),
    ("lists", None, "待修订清单"),
)


def what_if_by_pieces(reader: Any, scenario: Scenario, as_of: str | None = None) -> PiecesReport:
    """:func:`~dutygraph.analysis.whatif.what_if` over every region of ``reader`` (a
    Neo4j store's), one piece at a time (see the module docstring).

    Raises
    ------
    ScenarioInvalid
        A change cannot apply (checked on :func:`scenario_graph`, as on the whole graph).
    """
    checked_on = scenario_graph(reader, scenario)
    checked = apply_scenario(checked_on, scenario)  # the whole graph's problems, if any
    date = as_of or scenario.date
    kept = [c for c in scenario.changes if c.date <= date]
    if len(kept) != len(scenario.changes):
        checked = apply_scenario(checked_on, Scenario(scenario.title, kept, scenario.source))
    unversioned = list(checked.unversioned)
    del checked, checked_on
    named = _departments_named(reader, scenario)
    order, pieces = reader.national_pieces()
    last = len(order)

    def rank(code: str) -> int:
        return int(order.get(code, last))

    rows: dict[tuple[str, str | None], list[tuple[Any, dict[str, Any], list[Any]]]] = {
        (k, s): [] for k, s, _ in _KINDS
    }
    region_rows: list[dict[str, Any]] = []
    item_rank: dict[str, int] = {}
    head: dict[str, Any] = {}
    largest = 0
    headers: dict[str, list[str]] = {}
    for code, below in pieces:
        g = reader.regional_graph(code, below=below, keep=False, also=named)
        largest = max(largest, len(g.duties))
        within = set(g.subtree(code)) if below else {code}
        w = what_if(g, scenario, None, as_of, within=within)
        if not item_rank:
            item_rank = {i: n for n, i in enumerate(g.items)}
        d = whatif_dict(w)
        t = sheets(w)
        headers = {name: t[name][0] for name in t}
        head = {k: d[k] for k in ("scenario", "as_of", "region")}
        taken: dict[str, int] = {}
        for kind, sub, sheet in _KINDS:
            got = d[kind][sub] if sub else d[kind]
            start = taken.get(sheet, 0)
            table = t[sheet][1][start : start + len(got)]
            taken[sheet] = start + len(got)
            for x, line in zip(got, table, strict=True):
                rows[(kind, sub)].append((_key(kind, x, rank, item_rank), x, line))
        region_rows += d["summary"]["regions"]
        del g, w, d, t
    merged: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    table_rows: dict[str, list[list[Any]]] = {}
    for kind, sub, sheet in _KINDS:
        got = sorted(rows[(kind, sub)], key=lambda r: r[0])  # stable: a piece keeps its order
        merged[(kind, sub)] = [x for _, x, _ in got]
        table_rows.setdefault(sheet, []).extend(line for _, _, line in got)
    leads = merged[("leads", None)]
    top = "000000" in order
    region_rows.sort(
        key=lambda r: (rank(r["region"]["code"]) if top else 1 << 30, r["region"]["code"])
    )
    summary = {"regions": region_rows, "departments": _departments(leads)}
    counts = {
        "leads": sum(x["role"] == "lead" for x in leads),
        "assists": sum(x["role"] == "assist" for x in leads),
        "gaps_new": len(merged[("gaps", "new")]),
        "gaps_resolved": len(merged[("gaps", "resolved")]),
        "conflicts_new": len(merged[("conflicts", "new")]),
        "conflicts_resolved": len(merged[("conflicts", "resolved")]),
        "inspections": len(merged[("inspections", None)]),
        "disputes": len(merged[("disputes", None)]),
        "lists": len(merged[("lists", None)]),
    }
    if not head:
        head = {"scenario": _scenario_dict(scenario), "as_of": date, "region": None}
    data = {
        **head,
        "counts": counts,
        "summary": summary,
        "leads": leads,
        "gaps": {"new": merged[("gaps", "new")], "resolved": merged[("gaps", "resolved")]},
        "conflicts": {
            "new": merged[("conflicts", "new")],
            "resolved": merged[("conflicts", "resolved")],
        },
        "inspections": merged[("inspections", None)],
        "disputes": merged[("disputes", None)],
        "lists": merged[("lists", None)],
        "unversioned": unversioned,
    }
    tables: TableSet = {"情景": scenario_table(scenario), **summary_tables(summary)}
    for sheet in ("牵头与配合", "缺口", "冲突", "重复检查", "争议", "待修订清单"):
        tables[sheet] = (headers.get(sheet, []), table_rows[sheet])
    return PiecesReport(scenario, data["as_of"], data, tables, len(pieces), largest)


def _scenario_dict(scenario: Scenario) -> dict[str, Any]:
    from .report import change_dict

    return {
        "title": scenario.title,
        "source": scenario.source,
        "date": scenario.date,
        "changes": [change_dict(c) for c in scenario.changes],
    }


def _key(kind: str, x: dict[str, Any], rank: Any, item_rank: dict[str, int]) -> tuple[Any, ...]:
    """Where a row of ``kind`` stands in the whole graph's what-if."""
    if kind == "leads":
        return (x["role"] != "lead", rank(x["region"]["code"]), item_rank.get(x["item"]["id"], 0))
    if kind == "gaps":
        return (rank(x["region"]), item_rank.get(x["item"], 0))
    if kind == "conflicts":
        return (rank(x["region"]), x["item"])
    if kind == "inspections":
        return (rank(x["region"]["code"]),)
    if kind == "disputes":
        return (x["dispute"],)
    origin = x["origin"]
    return (
        x["source"],
        origin["file"] if origin else "",
        (origin["row"] or 0) if origin else 0,
    )


def _departments(leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary by department (:func:`~dutygraph.analysis.whatif.report.summary`'s),
    from the merged rows of who leads and assists."""
    gains: Counter[str] = Counter()
    loses: Counter[str] = Counter()
    names: dict[str, dict[str, Any]] = {}
    for c in leads:
        before = {d["id"] for d in c["before"]}
        after = {d["id"] for d in c["after"]}
        for d in (*c["before"], *c["after"]):
            names.setdefault(d["id"], d)
        for dep in after - before:
            gains[dep] += 1
        for dep in before - after:
            loses[dep] += 1
    deps = sorted(set(gains) | set(loses), key=lambda d: (-(gains[d] + loses[d]), d))
    return [{"department": names[d], "gains": gains[d], "loses": loses[d]} for d in deps]
