"""The duties by (item, region) a stored graph keeps as arrays (:class:`DutySites`): the same
pairs, in the same order, with the same rows as a graph of records groups — opened from the
columns file, read from the tables, and after a patch."""

from __future__ import annotations

from dataclasses import replace

from dutygraph.columns import DutySites
from dutygraph.graph import DutyGraph
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import snapshot


def index_of(g):
    """Every (item, region) with its duties, in the graph's order, and the multiple-lead sites."""
    return [(key, g.duties_at(*key)) for key in g.duty_sites()], g.multi_lead_sites()


def records_graph(g):
    return DutyGraph(list(g.records()))


def test_a_stored_graph_groups_its_duties_as_a_graph_of_records_does(demo_db):
    from_tables = EmbeddedStore(demo_db).graph()  # the tables read, the columns file kept
    assert snapshot.path_of(demo_db).exists()
    kept = EmbeddedStore(demo_db).graph()  # the columns file read, its sites with it
    for g in (from_tables, kept):
        assert isinstance(g.duty_sites_index(), DutySites)
        assert index_of(g) == index_of(records_graph(g))
        assert g.rows_at("I-NOPE", "510104") == [] and g.duties_at("I-FOOD", "nowhere") == []


def with_a_dict(g):
    """``g`` with its index as the dict of lists it was before it was kept as arrays."""
    out = g.patched(g.departments, g.bases, {})
    out._duties_at = {key: list(rows) for key, rows in g._duties_at.items()}
    return out


def test_a_patched_graph_keeps_the_order_a_dict_would(demo_db):
    g = EmbeddedStore(demo_db).graph()
    ref = with_a_dict(g)
    assert index_of(g) == index_of(ref)
    duties = g.duty_list()
    leads = [k for k, d in enumerate(duties) if d.role == "lead"]
    # one lead moved to another region, one made an assist, a pair emptied, duties added
    moved, demoted = leads[0], leads[1]
    alone = next(
        k for k, d in enumerate(duties) if len(g.rows_at(d.item, d.region)) == 1 and k > demoted
    )
    target = duties[leads[2]]
    rows = {
        moved: replace(duties[moved], region=target.region, item=target.item),
        demoted: replace(duties[demoted], role="assist"),
        alone: replace(duties[alone], item="I-NEW"),
    }
    new = [replace(duties[leads[3]], department="DEPT-X"), replace(duties[0], item="I-NEW2")]
    got = g.patched(g.departments, g.bases, rows, new)
    want = ref.patched(ref.departments, ref.bases, rows, new)
    assert index_of(got) == index_of(want)
    assert (target.item, target.region) in got.multi_lead_sites()
    again = got.patched(got.departments, got.bases, {alone: duties[alone]})  # and back
    ref_again = want.patched(want.departments, want.bases, {alone: duties[alone]})
    assert index_of(again) == index_of(ref_again)
    assert index_of(g) == index_of(ref)  # the graph patched is left as it was
