"""A fresh process's first scan reads what the store kept with its columns (the lead rows by
(item, region) and by a few columns' values, each pair's number by a table): the same rows a
pass over the columns finds, the same gaps and conflicts as a graph read from the tables or
built from records — on the messy benchmark data at prefecture size, on every date of the mess.
A file without them (older code's) or with them damaged is read as before."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from dutygraph import find_gaps, load
from dutygraph.analysis.conflicts import find_conflicts
from dutygraph.analysis.gaps import _duty_table
from dutygraph.columns import DutySites, LeadRows
from dutygraph.graph import DutyGraph
from dutygraph.serialize import gap_dict, resolution_dict
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import snapshot

from .generated import generate, make_mess

DATES = ["2023-06-01", "2024-03-01", "2025-06-01"]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("first")
    generate("prefecture", folder / "clean")
    make_mess(folder / "clean", folder / "messy")
    path = folder / "messy.db"
    load(EmbeddedStore(path), [folder / "messy"])
    EmbeddedStore(path).graph()  # a whole read: the columns kept
    assert snapshot.path_of(path).exists()
    return path


def answers(g: DutyGraph, as_of: str) -> tuple[list[Any], list[Any]]:
    gaps = []
    for gap in find_gaps(g, None, as_of):
        out = gap_dict(g, gap)
        out["resolution"] = resolution_dict(g, gap.resolution)
        gaps.append(out)
    conflicts = [
        (c.item, c.region, c.kind, c.departments, c.detail, [d.id for d in c.duties], c.extra)
        for c in find_conflicts(g, None, as_of)
    ]
    return gaps, conflicts


def from_tables(path: Path) -> DutyGraph:
    snapshot.path_of(path).unlink(missing_ok=True)
    try:
        return EmbeddedStore(path).graph()
    finally:
        assert snapshot.path_of(path).exists()  # kept again by that read


def test_the_kept_lead_rows_are_those_a_pass_over_the_rows_finds(store_path: Path) -> None:
    g = EmbeddedStore(store_path).graph()
    sites = g.duty_sites_index()
    assert isinstance(sites, DutySites) and sites.leads is not None
    assert sites._direct is not None  # the pairs' table kept too
    cols = g.duty_columns()
    role = cols.column("role")
    leads = [k for k in range(len(cols)) if role[k] == "lead"]
    for key in sites:
        assert sites.lead_rows(key) == [k for k in sites[key] if role[k] == "lead"]
    assert sites.lead_rows(("I-NOPE", "nowhere")) == []
    for column in LeadRows.BY:
        col = cols.column(column)
        values = [*dict.fromkeys(col), "not a value"]
        want = {v: [k for k in leads if col[k] == v] for v in values}
        assert sites.leads.of_values(column, values) == want
    for column in LeadRows.DISTINCT:
        assert sites.leads.distinct(column) == set(cols.column(column))
    # the table finds every pair a bisection finds
    plain = DutySites.from_kept({**sites.kept(), "direct": None}, len(cols))
    assert plain is not None and plain._direct is None
    for key in [*sites, ("I-NOPE", "510000")]:
        assert sites._site(key) == plain._site(key)


def test_a_kept_graph_scans_as_the_tables_and_the_records_do(store_path: Path) -> None:
    kept = EmbeddedStore(store_path).graph()
    assert kept.duty_sites_index().leads is not None  # type: ignore[union-attr]
    tables = from_tables(store_path)
    assert tables.duty_sites_index().leads is None  # type: ignore[union-attr]
    records = DutyGraph(list(kept.records()))
    for as_of in DATES:
        want = answers(records, as_of)
        assert answers(tables, as_of) == want
        assert answers(kept, as_of) == want
        assert _duty_table(kept)._kept is not None  # the kept rows were read


def test_a_file_without_them_or_with_them_damaged_is_read_as_before(store_path: Path) -> None:
    want = answers(EmbeddedStore(store_path).graph(), DATES[-1])
    kept_file = snapshot.path_of(store_path)
    raw = kept_file.read_bytes()
    magic = raw[: raw.index(b"\n") + 1]
    try:
        for change in ("older code", "damaged"):
            body = pickle.loads(raw[len(magic) :])
            if change == "older code":
                del body["leads"]
                body["sites"].pop("direct")
            else:
                body["leads"]["site"] = (b"\x00\x01", b"")
                body["sites"]["direct"] = b"\x00" * 7
            kept_file.write_bytes(magic + pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL))
            g = EmbeddedStore(store_path).graph()
            sites = g.duty_sites_index()
            assert sites is not None and sites.leads is None and sites._direct is None
            assert answers(g, DATES[-1]) == want
    finally:
        kept_file.write_bytes(raw)


def test_a_patched_index_does_not_keep_the_rows_of_before(store_path: Path) -> None:
    g = EmbeddedStore(store_path).graph()
    sites = g.duty_sites_index()
    assert sites is not None and sites.leads is not None
    key = next(iter(sites))
    moved = sites.patched({key: []})
    assert moved.leads is None and moved.lead_rows(key) is None
    assert moved.get(key) is None
