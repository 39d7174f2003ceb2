"""Small writes to the embedded store read only the rows they touch, and a process that
holds the whole graph keeps it across its own small writes instead of reading it again."""

from __future__ import annotations

import pytest

from dutygraph import load
from dutygraph.analysis.disputes import decide, open_dispute, set_status
from dutygraph.errors import NotFound
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import EmbeddedStore

DAY = "2025-01-05"


class Counting(EmbeddedStore):
    """The real store, counting how often it reads the whole graph from the file."""

    loads = 0

    def _load(self, conn):  # type: ignore[no-untyped-def]
        self.loads += 1
        return super()._load(conn)


@pytest.fixture
def path(demo_db):
    return demo_db


def test_opening_a_dispute_reads_only_the_rows_it_touches(path):
    store = Counting(path)
    d = open_dispute(store, ["JJ-SCJ", "锦江区卫生健康局"], "I-FOOD", "锦江区", DAY, by="alice")
    assert store.loads == 0
    assert (d.id, d.parties, d.region) == ("DSP-0001", ("JJ-SCJ", "JJ-WJJ"), "510104")
    again = open_dispute(store, ["JJ-SCJ", "WH-SCJ"], "I-FOOD", "510107", DAY, by="bob")
    moved = set_status(store, again.id, "coordinating", DAY, by="bob")
    assert store.loads == 0 and again.id == "DSP-0002"
    fresh = EmbeddedStore(path).graph()
    assert fresh.disputes == {d.id: d, again.id: moved}
    assert [e["op"] for e in fresh_history(path)][-3:] == [
        "dispute.open",
        "dispute.open",
        "dispute.status",
    ]


def fresh_history(path):
    return EmbeddedStore(path).history()


def assert_same_graph(got, fresh):
    """``got`` holds what ``fresh`` (read whole from the file) holds, in the same order,
    and answers from the same indexes."""
    recs = [(r.label, r, r.origin, r.attrs) for r in got.records()]
    assert recs == [(r.label, r, r.origin, r.attrs) for r in fresh.records()]
    assert got.counts() == fresh.counts()
    assert list(got.duty_sites()) == list(fresh.duty_sites())
    for item, region in fresh.duty_sites():
        assert got.duties_at(item, region) == fresh.duties_at(item, region)
    assert got.multi_lead_sites() == fresh.multi_lead_sites()
    assert got.duty_index() == fresh.duty_index()
    for code in fresh.regions:
        assert got.departments_in(code) == fresh.departments_in(code)
    for dep in fresh.departments.values():
        assert got.find("department", dep.name) == dep


def test_a_bad_dispute_read_from_rows_is_refused_as_before_and_writes_nothing(path):
    store = Counting(path)
    with pytest.raises(NotFound, match="NO-SUCH-DEPT"):
        open_dispute(store, ["JJ-SCJ", "NO-SUCH-DEPT"], "I-FOOD", "510104", DAY, by="a")
    assert store.loads == 0 and EmbeddedStore(path).graph().disputes == {}
    assert [e["op"] for e in fresh_history(path)] == ["import"]


def test_a_held_graph_takes_a_dispute_without_reading_the_store_again(path):
    store = Counting(path)
    before = store.graph()
    d = open_dispute(store, ["JJ-SCJ", "JJ-WJJ"], "I-FOOD", "510104", DAY, by="alice")
    after = store.graph()
    assert store.loads == 1
    assert d.id not in before.disputes  # the snapshot read before the write is unchanged
    fresh = EmbeddedStore(path).graph()
    assert after.disputes == fresh.disputes and after.counts() == fresh.counts()
    assert after.duty_list() == fresh.duty_list()


def test_a_decision_that_changes_duties_is_applied_and_answers_as_a_fresh_open(path):
    from dutygraph.analysis.resolve import who_leads

    store = Counting(path)
    d = open_dispute(store, ["JJ-SCJ", "JJ-WJJ"], "I-FOOD", "510104", DAY, by="alice")
    store.graph()
    decided = decide(
        store, d.id, "JJ-WJJ", [], "2025-02-01", "锦江区人民政府", "理由", "规则", by="b"
    )
    assert decided.decision["opened"]
    after = store.graph()
    assert store.loads == 1  # duties changed: applied to the held graph, not read again
    fresh = EmbeddedStore(path).graph()
    assert_same_graph(after, fresh)
    assert who_leads(after, "I-FOOD", "510104", "2025-03-01").departments() == ["JJ-WJJ"]
    assert who_leads(fresh, "I-FOOD", "510104", "2025-03-01").departments() == ["JJ-WJJ"]


def test_another_process_write_is_seen_while_this_process_keeps_connections(tmp_path):
    """A store object keeps its write connection open; another object's opening check
    must not drop that connection's locks (closing any handle on the file drops them
    all), or the other process, closing what it takes for the last connection,
    checkpoints the WAL away under this process's connections, which then read the
    old state (they did: 31 duties after the other process had written 131)."""
    import subprocess
    import sys

    from .bundles import big_bundle

    path = tmp_path / "s.db"
    keeper = EmbeddedStore(path)
    load(keeper, [DEMO_PATH])  # keeps its write connection
    assert EmbeddedStore(path).graph().counts()["duty"] == 31  # a second object opens it
    bundle = big_bundle(tmp_path / "b", counties=10, items=10)
    cmd = [sys.executable, "-m", "dutygraph", "load", str(bundle), "--store", str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    assert EmbeddedStore(path).graph().counts()["duty"] == 131
    assert keeper.graph().counts()["duty"] == 131
    assert [e["op"] for e in keeper.history()] == ["import", "import"]
    keeper.close()


_DISPUTE_LOOP = """
import sys
from dutygraph.analysis.disputes import decide, open_dispute
from dutygraph.store import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
n = 0
while True:  # open a dispute, decide every third (that one also closes and opens duties)
    d = open_dispute(store, ["JJ-SCJ", "JJ-WJJ"], f"case {sys.argv[2]}-{n}", "510104", "2025-01-05",
                     kind="enforcement", case={"place": "510104"}, by="loop")
    if n % 3 == 0:
        decide(store, d.id, "JJ-SCJ", [], "2025-01-06", "锦江区人民政府", "r", "rule", by="loop")
    if n == 0:  # the first write is in: the kill lands amid the later ones, however busy the machine
        print("ready", flush=True)
    n += 1
"""


def _kill_at_random(loop: str, path, run: int, after: float) -> None:
    """Run the writing ``loop`` on the store at ``path`` and SIGKILL it ``after`` seconds
    from its first write."""
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [sys.executable, "-c", loop, str(path), str(run)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    with proc.stdout:
        assert proc.stdout.readline() == "ready\n"
        time.sleep(after)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_sigkill_amid_dispute_writes_leaves_every_write_whole_or_absent(path):
    """A process writing disputes as fast as it can (each write reading only its rows, on a
    kept connection) killed at random moments: the store is sound, and what it holds is
    exactly the writes its log holds — each dispute with its log entry, each decision
    with its basis — never half of one."""
    import random

    rng = random.Random(16)
    for run in range(3):
        _kill_at_random(_DISPUTE_LOOP, path, run, rng.uniform(0.3, 1.2))
        store = EmbeddedStore(path)
        assert store.check(full=True) == []
        g = store.graph()
        log = store.history()
        opened = [e["dispute"] for e in log if e["op"] == "dispute.open"]
        decided = [e["dispute"] for e in log if e["op"] == "dispute.decide"]
        assert sorted(g.disputes) == sorted(opened)
        assert sorted(d.id for d in g.disputes.values() if d.status == "decided") == sorted(decided)
        assert {b for b in g.bases if b.startswith("DEC-")} == {f"DEC-{d}" for d in decided}
        store.close()
    assert opened, "no write committed before the kills"


# -- small imports: a 10-row bundle reads only the rows its checks ask for ------------------

_DUTY_HEAD = (DEMO_PATH / "duties.csv").read_text(encoding="utf-8").splitlines()[0].split(",")


def _small_bundle(folder, duties, items=()):
    """A bundle folder of ``duties`` (rows of duties.csv) and optional ``items`` rows."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "duties.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([_DUTY_HEAD, *duties])
    if items:
        head = ["id", "name", "parent", "domain", "power_type", "objects", "keywords", "levels"]
        with open(folder / "items.csv", "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([head, *items])
    return folder


def _ten_duties(start_year=2030):
    """Ten duties the demo store does not hold (new start dates), one of them repeating a
    stored duty's key with other bases (a change), one repeating a stored duty as it is."""
    rows = [
        [
            "JJ-SCJ",
            "I-FOOD-SALE",
            "510104",
            "assist",
            "B-FHL",
            f"{start_year + k}-01-01",
            "",
            "t",
            "",
        ]
        for k in range(8)
    ]
    rows.append(["JJ-SCJ", "I-FOOD-SALE", "510104", "lead", "B-FSL-6", "2005-01-01", "", "t", ""])
    rows.append(
        [
            "JJ-ZJJ",
            "I-SELFBUILT",
            "510104",
            "territorial",
            "B-SELFBUILT",
            "2022-05-24",
            "",
            "jj-power-list#40",
            "",
        ]
    )
    return rows


def _twin(path, tmp_path, name):
    """A copy of the store file ``path`` (the same state, another file)."""
    import shutil

    dest = tmp_path / name
    shutil.copyfile(path, dest)
    return dest


def test_a_ten_row_bundle_reads_only_its_rows_and_imports_as_over_the_whole_graph(path, tmp_path):
    bundle = _small_bundle(tmp_path / "ten", _ten_duties())
    lazy = Counting(path)
    whole = Counting(_twin(path, tmp_path, "whole.db"))
    whole.graph()  # held and current: its plans read the whole graph
    got = load(lazy, [bundle])
    assert lazy.loads == 0, "a 10-row bundle read the whole graph"
    expected = load(whole, [bundle])
    assert got.as_dict() | {"sources": None} == expected.as_dict() | {"sources": None}
    assert (got.added, got.changed, got.unchanged) == ({"duty": 8}, {"duty": 1}, {"duty": 1})
    a, b = EmbeddedStore(path).graph(), EmbeddedStore(whole.path).graph()
    assert sorted(d.key for d in a.duty_list()) == sorted(d.key for d in b.duty_list())
    assert a.duties == b.duties
    again = load(Counting(path), [bundle])  # the same input twice changes nothing
    assert (again.added, again.changed, again.unchanged["duty"]) == ({}, {}, 10)
    assert [e["op"] for e in fresh_history(path)] == ["import", "import"]


def test_a_bad_small_bundle_is_refused_with_the_same_located_errors_and_writes_nothing(
    path, tmp_path
):
    from dutygraph.errors import ValidationFailed

    bad = [
        ["JJ-SCJ", "I-NO-SUCH", "510104", "lead", "B-FHL", "2031-01-01", "", "t", ""],
        ["NO-SUCH-DEPT", "I-FOOD-SALE", "510104", "lead", "B-FHL", "2031-01-01", "", "t", ""],
        ["JJ-SCJ", "I-FOOD-SALE", "999999", "lead", "B-NO-SUCH", "2031-01-01", "", "t", ""],
        ["JJ-WJJ", "I-FOOD-SALE", "510104", "assist", "B-FHL", "2031-01-01", "", "t", "housing"],
    ]
    # I-FOOD under I-FOOD-SALE, which the store holds under I-FOOD: a cycle through the store
    items = [
        ["I-FOOD", "食品安全监督管理", "I-FOOD-SALE", "食品", "行政检查", "x", "食品", "county"]
    ]
    bundle = _small_bundle(tmp_path / "bad", bad, items)
    twin = _twin(path, tmp_path, "whole.db")
    outcomes = []
    for store, hold in ((Counting(path), False), (Counting(twin), True)):
        if hold:
            store.graph()
        with pytest.raises(ValidationFailed) as err:
            load(store, [bundle])
        outcomes.append(
            [(p.file, p.sheet, p.row, p.column, p.code, p.message) for p in err.value.problems]
        )
        assert store.loads == int(hold)
    lazy, whole = outcomes
    assert sorted(lazy) == sorted(whole)
    codes = sorted(c for *_, c, _ in lazy)
    assert codes == [
        "cycle",
        "unknown-basis",
        "unknown-department",
        "unknown-item",
        "unknown-line",
        "unknown-region",
    ]
    where = {c: (f.endswith(".csv"), r, col) for f, _, r, col, c, _ in lazy}
    assert where["unknown-item"] == (True, 2, "item")
    assert where["unknown-department"] == (True, 3, "department")
    assert where["unknown-line"] == (True, 5, "line")
    assert where["cycle"] == (True, 2, "parent")
    cycle = next(m for *_, c, m in lazy if c == "cycle")
    assert "I-FOOD" in cycle and "I-FOOD-SALE" in cycle
    assert [e["op"] for e in fresh_history(path)] == ["import"]
    assert EmbeddedStore(path).graph().counts() == EmbeddedStore(twin).graph().counts()


_IMPORT_LOOP = """
import csv, datetime, sys, tempfile, pathlib
from dutygraph import load
from dutygraph.store import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
work = pathlib.Path(tempfile.mkdtemp())
n = 0
while True:  # ten new duties a bundle, each bundle one import (reading only its rows)
    start = datetime.date(2100 + 100 * int(sys.argv[2]), 1, 1)
    folder = work / str(n)
    folder.mkdir()
    with open(folder / "duties.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["department", "item", "region", "role", "bases", "valid_from", "line"])
        for k in range(10):
            w.writerow(["JJ-SCJ", "I-FOOD-SALE", "510104", "assist", "B-FHL",
                        (start + datetime.timedelta(days=10 * n + k)).isoformat(), ""])
    load(store, [folder])
    if n == 0:  # the first import is in: the kill lands amid the later ones, however busy
        print("ready", flush=True)
    n += 1
"""


@pytest.mark.slow
def test_sigkill_amid_small_bundle_imports_leaves_every_import_whole_or_absent(path):
    """A process importing 10-row bundles as fast as it can (each reading only its rows)
    killed at random moments: the store is sound and holds ten duties per import its log
    holds — never part of a bundle."""
    import random

    rng = random.Random(1610)
    for run in range(3):
        _kill_at_random(_IMPORT_LOOP, path, run, rng.uniform(0.5, 1.5))
        store = EmbeddedStore(path)
        assert store.check(full=True) == []
        imports = [e for e in store.history() if e["op"] == "import"]
        assert [e["added"] for e in imports[1:]] == [{"duty": 10}] * (len(imports) - 1)
        assert store.graph().counts()["duty"] == 31 + 10 * (len(imports) - 1)
        store.close()
    assert len(imports) > 1, "no import committed before the kills"


def test_skip_invalid_on_a_small_bundle_keeps_the_valid_rows_as_the_whole_graph_path(
    path, tmp_path
):
    rows = [
        *_ten_duties()[:3],
        ["JJ-SCJ", "I-NO-SUCH", "510104", "lead", "B-FHL", "2031-01-01", "", "t", ""],
    ]
    bundle = _small_bundle(tmp_path / "mixed", rows)
    twin = _twin(path, tmp_path, "whole.db")
    lazy, whole = Counting(path), Counting(twin)
    whole.graph()
    got = load(lazy, [bundle], skip_invalid=True)
    expected = load(whole, [bundle], skip_invalid=True)
    assert lazy.loads == 0
    assert got.as_dict() | {"sources": None} == expected.as_dict() | {"sources": None}
    assert (got.added, got.skipped_rows) == ({"duty": 3}, 1)
    assert EmbeddedStore(path).graph().duties == EmbeddedStore(twin).graph().duties


# -- a process holding the graph keeps it across a small duty import ------------------------


@pytest.mark.parametrize("built", [False, True], ids=["from-columns", "duties-built"])
def test_a_held_graph_takes_a_small_duty_import_without_reading_the_store_again(
    built, path, tmp_path
):
    """A 10-row bundle (8 new duties, 1 changed, 1 unchanged) and a new department with a
    duty of its own, imported by a process that holds the whole graph: its graph() is the
    graph a fresh process reads from the file — same records in the same order, same
    indexes — and it was not read again. ``built``: the held graph had built every duty
    object (as after a scan), so the changed duty is found by object, not row number."""
    import csv

    store = Counting(path)
    before = store.graph()
    if built:  # as a scan leaves it: every (item, region) bucket holds built duties
        for item, region in list(before.duty_sites()):
            before.duties_at(item, region)
    n = len(before.duty_list())
    rows = [
        *_ten_duties(),
        ["JJ-NEW", "I-FOOD-SALE", "510104", "assist", "B-FHL", "2031-01-01", "", "t", ""],
    ]
    bundle = _small_bundle(tmp_path / "ten", rows)
    with open(bundle / "departments.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["id", "name", "region", "systems"], ["JJ-NEW", "锦江区新设局", "510104", "t"]]
        )
    report = load(store, [bundle])
    assert (report.added, report.changed) == ({"duty": 9, "department": 1}, {"duty": 1})
    # a second small write before the graph is asked for: both applied when it is
    open_dispute(store, ["JJ-SCJ", "JJ-NEW"], "I-FOOD-SALE", "510104", DAY, by="alice")
    after = store.graph()
    assert store.loads == 1, "the held graph was read again after a small duty import"
    assert len(before.duty_list()) == n  # the snapshot read before the write is unchanged
    assert_same_graph(after, EmbeddedStore(path).graph())
    again = store.graph()
    assert again is after and store.loads == 1


def test_a_held_graph_takes_new_items_and_regions_without_reading_the_store_again(path, tmp_path):
    """A published list bringing new items (and their duties and bases), then a division
    table bringing new regions under the demo's: a process holding the graph applies both
    (the trees reset, their paths made again) and answers as a fresh read of the file."""
    from dutygraph.analysis.resolve import who_leads

    from .published_lists import division_csv, power_list_csv

    store = Counting(path)
    before = store.graph()
    assert before.region_path("510104")  # paths memoised on the held graph before the writes
    report = load(store, [power_list_csv(tmp_path / "power.csv")])
    assert report.added.get("item", 0) >= 3
    rows = [["510000", "四川省"], ["510100", "成都市"], ["510199", "测试新区"]]
    rows += [["510199001000", "测试街道"]]
    load(store, [division_csv(tmp_path / "codes.csv", rows)])
    after = store.graph()
    assert store.loads == 1, "the held graph was read again after an items/regions write"
    fresh = EmbeddedStore(path).graph()
    assert_same_graph(after, fresh)
    for code in fresh.regions:
        assert after.region_path(code) == fresh.region_path(code)
        assert after.region_children(code) == fresh.region_children(code)
    for iid in fresh.items:
        assert after.item_path(iid) == fresh.item_path(iid)
    assert after.region_path("510199001000") == (
        "510199001000",
        "510199",
        "510100",
        "510000",
        "000000",
    )
    assert (
        "510199" not in before.regions
        and before.region_children("510100") == fresh.region_children("510100")[:-1]
    )
    new_items = [i for i in fresh.items if i not in before.items]
    for iid in new_items:
        for region in ("510104", "510199"):
            got = who_leads(after, iid, region, "2025-01-01").departments()
            assert got == who_leads(fresh, iid, region, "2025-01-01").departments()


def test_with_changes_makes_the_trees_again_when_a_parent_changes():
    """An item or region moved under another parent: the new graph's paths, children and
    digraphs follow the move (the old graph's memoised ones are not carried over)."""
    from dataclasses import replace

    from dutygraph.fixtures import demo_graph

    g = demo_graph()
    assert g.item_path("I-FOOD-SALE") == ("I-FOOD-SALE", "I-FOOD")
    assert g.region_path("510104")[1] == "510100" and g.region_tree.has_edge("510104", "510100")
    _ = g.item_tree
    moved = g.with_changes(
        [
            replace(g.items["I-FOOD-SALE"], parent="I-PREPAID"),
            replace(g.regions["510104"], parent="510700"),
        ]
    )
    assert moved is not None
    assert moved.item_path("I-FOOD-SALE") == ("I-FOOD-SALE", "I-PREPAID")
    assert moved.item_tree.has_edge("I-FOOD-SALE", "I-PREPAID")
    assert moved.region_path("510104") == ("510104", "510700", "510000", "000000")
    assert "510104" in moved.region_children("510700")
    assert "510104" not in moved.region_children("510100")
    assert moved.region_tree.has_edge("510104", "510700")
    assert g.region_path("510104")[1] == "510100"  # the old snapshot as it was
    assert g.item_path("I-FOOD-SALE") == ("I-FOOD-SALE", "I-FOOD")
