"""The fast gaps scan answers exactly as resolving every (item, region) pair in full.

:func:`~dutygraph.find_gaps` judges only the pairs that can be bad (see
``gaps._Scanner``). These tests hold it to the definition — resolve the lead of
every item applying at every region in scope and keep the gaps each
resolution shows — on random graphs built to hit every cause: no lead on the
path, abolished departments with and without successors, departments not yet
established, merged bodies and duties naming their line (one no department carries), vertical lines held
only higher up, bases repealed, not yet in force or missing, unknown
departments, items limited to some levels, a second root — at dates on both
sides of every change, in the whole graph and in subtrees, from records and
from a store's columns.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from dutygraph import find_gaps
from dutygraph.analysis.gaps import gaps_of, lead_resolutions
from dutygraph.graph import DutyGraph
from dutygraph.model import Department, Duty, Item, LegalBasis, Region
from dutygraph.serialize import gap_dict, resolution_dict
from dutygraph.store import EmbeddedStore
from dutygraph.store.base import ChangeSet

LINES = ["L0", "L1", "L2", "L3", "L4", "L5"]
VERTICAL = {"L5"}
DATES = ["2019-01-01", "2021-06-01", "2022-01-01", "2023-06-01", "2024-01-01", "2026-01-01"]
CHANGES = ["2020-01-01", "2022-01-01", "2024-01-01", "2025-01-01"]
#: regions with no department of the vertical line: below them, a national duty of that line
#: is covered only by the national department itself (and not once it is abolished)
NO_VERTICAL = {"120000", "120100"}


def random_records(seed: int) -> list[Any]:
    rng = random.Random(seed)
    regions = [Region("000000", "全国", "national")]
    for p in range(2):
        pcode = f"{11 + p}0000"
        regions.append(Region(pcode, f"省{p}", "province", "000000"))
        for f in range(2):
            fcode = f"{pcode[:2]}{f + 1:02d}00"
            regions.append(Region(fcode, f"市{p}{f}", "prefecture", pcode))
            for c in range(2):
                regions.append(Region(f"{fcode[:4]}{c + 1:02d}", f"县{p}{f}{c}", "county", fcode))
    # a second root: its parent is not in the graph
    regions.append(Region("710000", "孤岛", "province", "990000"))
    regions.append(Region("710100", "孤岛市", "prefecture", "710000"))

    def when() -> str | None:
        return rng.choice([None, None, *CHANGES])

    departments: list[Department] = []
    for r in regions:
        county = r.level == "county"
        for line in LINES:
            national = r.level == "national"
            if line in VERTICAL and (
                national or county or r.code in NO_VERTICAL or rng.random() < 0.3
            ):
                continue  # vertical lines are held higher up, and not everywhere (national: below)
            if rng.random() < 0.15 and not national:
                continue  # a region with no department of the line
            if county and line == "L3" and rng.random() < 0.5:
                continue  # carried by the merged body below, when there is one
            systems = ("L2", "L3") if county and line == "L2" else (line,)
            did = f"D{r.code}-{line}"
            valid_to = successor = None
            if rng.random() < 0.2:
                valid_to = rng.choice(CHANGES)
                if rng.random() < 0.5:
                    successor = did + "N"
                    departments.append(
                        Department(successor, successor, r.code, systems, valid_from=valid_to)
                    )
            valid_from = rng.choice(CHANGES) if rng.random() < 0.05 else None
            if valid_from and valid_to and valid_from >= valid_to:
                valid_from = None
            departments.append(
                Department(
                    did,
                    did,
                    r.code,
                    systems,
                    vertical=line in VERTICAL,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    successor=successor,
                )
            )
    # abolished with no successor: below NO_VERTICAL, nothing covers its line from then on
    departments.append(
        Department(
            "D000000-L5", "D000000-L5", "000000", ("L5",), vertical=True, valid_to="2024-01-01"
        )
    )
    by_region: dict[str, list[Department]] = {}
    for d in departments:
        by_region.setdefault(d.region, []).append(d)

    items = [Item(f"I{i}", f"事项{i}") for i in range(4)]
    for i in range(4, 9):
        parent = f"I{rng.randrange(4)}" if i < 8 else "I4"
        levels = rng.choice([(), (), ("county",), ("prefecture", "county"), ("province",)])
        items.append(Item(f"I{i}", f"事项{i}", parent, levels=levels))
    items.append(Item("I9", "事项9", levels=("county",)))  # has no duty anywhere

    bases = [
        LegalBasis("B-LAW", "法", valid_from="2015-01-01"),
        LegalBasis("B-OLD", "旧规定", valid_from="2010-01-01", valid_to="2022-01-01"),
        LegalBasis("B-NEW", "新规定", valid_from="2024-01-01"),
    ]
    basis_choices = [("B-LAW",), ("B-OLD",), ("B-NEW",), ("B-OLD", "B-NEW"), ("B-GONE",), ()]

    # the national vertical department leads I2 everywhere no one nearer does
    duties: list[Duty] = [Duty("D000000-L5", "I2", "000000", "lead", ("B-LAW",))]
    for r in regions:
        for item in items[:9]:
            if rng.random() > (0.6 if r.code == "000000" else 0.3):
                continue
            for _ in range(rng.choice([1, 1, 1, 2])):
                deps = by_region.get(r.code)
                if not deps or rng.random() < 0.05:
                    dep_id, line = f"DX{r.code}", None  # a department the graph does not know
                else:
                    dep = rng.choice(deps)
                    dep_id = dep.id
                    line = rng.choice(dep.systems) if len(dep.systems) > 1 else None
                    if rng.random() < 0.03:
                        line = "L9"  # a line no department carries
                start = when()
                end = when()
                if start and end and start >= end:
                    end = None
                duties.append(
                    Duty(
                        dep_id,
                        item.id,
                        r.code,
                        rng.choice(["lead", "lead", "lead", "assist"]),
                        rng.choice(basis_choices),
                        start,
                        end,
                        f"list-{rng.randrange(2)}#{len(duties)}",
                        line,
                    )
                )
    return [*regions, *departments, *items, *bases, *duties]


def by_definition(g: DutyGraph, region: str | None, as_of: str) -> list[dict[str, Any]]:
    return [
        describe(g, gap) for res in lead_resolutions(g, region, as_of) for gap in gaps_of(g, res)
    ]


def describe(g: DutyGraph, gap: Any) -> dict[str, Any]:
    out = gap_dict(g, gap)
    out["resolution"] = resolution_dict(g, gap.resolution)
    return out


def check(g: DutyGraph, scopes: list[str | None]) -> int:
    n = 0
    for as_of in DATES:
        for region in scopes:
            want = by_definition(g, region, as_of)
            got = [describe(g, gap) for gap in find_gaps(g, region, as_of)]
            assert got == want, (region, as_of)
            n += len(want)
        kinds = ["NO_COUNTERPART", "NO_LEGAL_BASIS"]
        want = [x for x in by_definition(g, None, as_of) if x["kind"] in kinds]
        assert [describe(g, gap) for gap in find_gaps(g, None, as_of, kinds)] == want
    return n


@pytest.mark.parametrize("seed", range(12))
def test_the_scan_answers_as_full_resolution_on_random_graphs(seed):
    g = DutyGraph(random_records(seed))
    assert check(g, [None, "110000", "110100", "120201", "710000"]) > 0


def test_every_gap_kind_is_exercised():
    """The random graphs are worth their keep only if they show every kind the scan finds."""
    seen = set()
    for seed in range(12):
        g = DutyGraph(random_records(seed))
        for as_of in DATES:
            seen.update(gap.kind for gap in find_gaps(g, None, as_of))
    assert seen == {"NO_LEAD", "NO_COUNTERPART", "LEAD_ABOLISHED", "NO_LEGAL_BASIS"}


@pytest.mark.parametrize("seed", [0, 5])
def test_the_scan_reads_a_stores_columns_alike(tmp_path, seed):
    """A store's graph holds duties as columns; the scan filters those without building them."""
    store = EmbeddedStore(tmp_path / "random.db")
    records = random_records(seed)
    store.write(lambda g: ChangeSet(records, {"op": "test"}))
    g = store.graph()
    assert check(g, [None, "110100"]) > 0
    from_records = DutyGraph(records)
    for as_of in DATES:
        assert [describe(g, x) for x in find_gaps(g, None, as_of)] == [
            describe(from_records, x) for x in find_gaps(from_records, None, as_of)
        ]


def test_a_duty_naming_a_line_its_department_does_not_carry():
    """The line a duty names is the one an inheriting region needs, carried or not upstream."""
    g = DutyGraph(
        [
            Region("000000", "全国", "national"),
            Region("110000", "省", "province", "000000"),
            Department("N-L0", "N-L0", "000000", ("L0",)),
            Department("P-L0", "P-L0", "110000", ("L0",)),
            Item("I0", "事项0"),
            Item("I1", "事项1"),
            LegalBasis("B-LAW", "法"),
            Duty("N-L0", "I0", "000000", "lead", ("B-LAW",), line="L9"),
            Duty("N-L0", "I1", "000000", "lead", ("B-LAW",)),
        ]
    )
    found = [(x.item, x.region, x.kind, x.extra) for x in find_gaps(g, None, "2025-01-01")]
    assert found == [("I0", "110000", "NO_COUNTERPART", {"line": "L9"})]
    assert [describe(g, x) for x in find_gaps(g, None, "2025-01-01")] == by_definition(
        g, None, "2025-01-01"
    )
