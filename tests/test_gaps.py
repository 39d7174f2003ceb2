"""Gaps (事有人管): each kind on its own, scoping by region and level, on every backend."""

from __future__ import annotations

from dutygraph import find_gaps


def kinds(store, as_of, region=None):
    out: dict[tuple[str, str], set[str]] = {}
    for gap in find_gaps(store.graph(), region, as_of):
        out.setdefault((gap.item, gap.region), set()).add(gap.kind)
    return out


def test_no_lead_anywhere_on_the_path(demo_store):
    found = kinds(demo_store, "2025-01-01")
    # the 成品油 duty starts only on 2025-09-01
    assert found[("I-OIL", "510104")] == {"NO_LEAD"}
    assert ("I-OIL", "510104") not in kinds(demo_store, "2025-10-01")


def test_no_counterpart_for_an_inherited_line(demo_store):
    found = kinds(demo_store, "2025-01-01")
    assert found[("I-GAS", "510107")] == {"NO_COUNTERPART"}
    assert found[("I-SCRIPT", "510700")] == {"NO_COUNTERPART"}  # a prefecture with no culture line


def test_lead_abolished_without_successor(demo_store):
    assert kinds(demo_store, "2025-01-01")[("I-PREPAID", "510107")] == {"LEAD_ABOLISHED"}
    assert ("I-PREPAID", "510107") not in kinds(demo_store, "2023-06-01")


def test_no_legal_basis_in_force(demo_store):
    # 锦江区's own duty rests on the 食品卫生法, repealed in 2009
    assert kinds(demo_store, "2025-01-01")[("I-FOOD-SALE", "510104")] == {"NO_LEGAL_BASIS"}


def test_well_resolved_pairs_are_not_reported(demo_store):
    found = kinds(demo_store, "2025-01-01")
    for pair in [
        ("I-FOOD", "510104"),
        ("I-SCRIPT", "510781"),
        ("I-PREPAID", "510104"),
        ("I-ECIG", "510104"),
        ("I-GAS", "510781"),
    ]:
        assert pair not in found, pair


def test_items_apply_only_at_their_levels(demo_store):
    found = kinds(demo_store, "2025-01-01")
    # I-FOOD-SALE is a county item: never reported at a province or prefecture
    assert not any(i == "I-FOOD-SALE" and r in ("510000", "510100") for i, r in found)


def test_region_scope_is_the_subtree(demo_store):
    scoped = kinds(demo_store, "2025-01-01", region="成都市")
    assert scoped and {r for _, r in scoped} <= {"510100", "510104", "510107"}


def test_the_fast_scan_agrees_with_full_resolution_on_every_pair(demo_store):
    """find_gaps resolves in full only the pairs its scanner flags: the two must agree."""
    from dutygraph.analysis.gaps import _Scanner, gaps_of
    from dutygraph.analysis.resolve import resolve

    g = demo_store.graph()
    for as_of in ("2021-01-01", "2023-06-01", "2024-03-01", "2025-01-01", "2025-10-01"):
        scanner = _Scanner(g, as_of)
        for code, region in g.regions.items():
            for item in g.items.values():
                if item.applies_at(region.level):
                    full = bool(gaps_of(g, resolve(g, item.id, code, "lead", as_of)))
                    assert scanner.bad(item.id, code) == full, (item.id, code, as_of)


def test_the_scan_flags_exactly_the_pairs_with_gaps(demo_store):
    from dutygraph.analysis.gaps import _Scanner, gaps_of, scope
    from dutygraph.analysis.resolve import resolve

    g = demo_store.graph()
    for as_of in ("2023-06-01", "2025-10-01"):
        truth = {
            (item.id, code)
            for code, region in g.regions.items()
            for item in g.items.values()
            if item.applies_at(region.level)
            and gaps_of(g, resolve(g, item.id, code, "lead", as_of))
        }
        flagged = set(_Scanner(g, as_of).bad_pairs(scope(g, None), list(g.items.values())))
        assert flagged == truth and truth  # the demo has gaps on both dates
