"""The first gaps/conflicts answer after a small write: the answer kept for the state before,
brought up to the new one at the sites the change sets can reach — byte for byte the whole
scan's, for every write kind, on the demo and on a generated graph with inheritance; a
change not proven local, a missing link or a damaged index falls back to the whole scan."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dutygraph import load
from dutygraph.analysis.disputes import decide, open_dispute
from dutygraph.cli import scan_patch
from dutygraph.fixtures import CATALOGUE_PATH, DEMO_PATH
from dutygraph.model import Region
from dutygraph.questions import rows as answer_rows
from dutygraph.serialize import dumps
from dutygraph.store import EmbeddedStore
from dutygraph.store.base import ChangeSet
from dutygraph.store.sqlite import answers, snapshot

from .generated import generate
from .published_lists import power_list_xlsx
from .test_snapshot_chain import FromTables
from .test_versions import _v2_rows

AS_OF = "2025-06-01"
#: the questions asked before and after each write: (scan, region, kinds)
QUESTIONS: list[tuple[str, str | None, list[str] | None]] = [
    ("gaps", None, None),
    ("conflicts", None, None),
    ("gaps", None, ["NO_LEAD", "NO_LEGAL_BASIS"]),
    ("conflicts", None, ["OPEN_DISPUTE"]),
]


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each patch asked for was made (True) or fell back to the whole scan (False)."""
    made: list[bool] = []
    real = scan_patch.patch

    def spy(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        made.append(got is not None)
        return got

    monkeypatch.setattr(scan_patch, "patch", spy)
    return made


def ask(path: Path, scan: str, region: str | None = None, kinds: list[str] | None = None) -> bytes:
    """The CLI's ``--json`` bytes for the question on the store (kept, patched or scanned)."""
    r = EmbeddedStore(path).reader()
    try:
        return scan_patch.kept_answer(r, scan, region, AS_OF, kinds)
    finally:
        r.close()


def whole(
    path: Path, scan: str, region: str | None = None, kinds: list[str] | None = None
) -> bytes:
    """The whole scan on the graph the tables give (no columns, no links, no kept answer)."""
    g = FromTables(path).graph()
    return dumps(list(answer_rows(g, scan, region=region, as_of=AS_OF, kinds=kinds)))


def questions(path: Path) -> list[tuple[str, str | None, list[str] | None]]:
    """The questions, and one of a region's subtree (a prefecture of the store)."""
    g = FromTables(path).graph()
    mid = next(c for c, r in g.regions.items() if r.level == "prefecture")
    return [*QUESTIONS, ("gaps", mid, None), ("conflicts", mid, None)]


def bundle(path: Path, folder: Path, rows: list[dict[str, str]]) -> None:
    """Import a bundle of these duties (each a dict of the duty table's columns)."""
    folder.mkdir(parents=True)
    cols = [
        "department",
        "item",
        "region",
        "role",
        "bases",
        "valid_from",
        "valid_to",
        "source",
        "line",
    ]
    with open(folder / "duties.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, cols)
        w.writeheader()
        for row in rows:
            w.writerow({c: row.get(c, "") for c in cols})
    load(EmbeddedStore(path), [folder])


def row_of(d: Any, **changed: str) -> dict[str, str]:
    out = {
        "department": d.department,
        "item": d.item,
        "region": d.region,
        "role": d.role,
        "bases": ";".join(d.bases),
        "valid_from": d.valid_from or "",
        "valid_to": d.valid_to or "",
        "source": d.source or "",
        "line": d.line or "",
    }
    out.update(changed)
    return out


def _in_force_basis(g: Any) -> str:
    return next(b.id for b in g.bases.values() if b.in_force(AS_OF))


def _leads(g: Any) -> list[Any]:
    return [d for d in g.duty_list() if d.role == "lead" and d.valid_to is None]


# -- the writes ---------------------------------------------------------------------


def w_add(path: Path, tmp: Path) -> None:
    """New duties: a lead where a gap was, a second lead where one was, one far ahead."""
    g = FromTables(path).graph()
    gap = next(
        x for x in answer_rows(g, "gaps", as_of=AS_OF) if x["kind"] in ("NO_LEAD", "NO_COUNTERPART")
    )
    dep = next(d for d in g.departments_in(gap["region"]) if g.current(d.id, AS_OF)[0] is d)
    one = next(
        d
        for d in _leads(g)
        if len(g.active_duties_at(d.item, d.region, "lead", AS_OF)) == 1
        and any(o.id != d.department for o in g.departments_in(d.region))
    )
    other = next(o for o in g.departments_in(one.region) if o.id != one.department)
    basis = _in_force_basis(g)
    bundle(
        path,
        tmp / "add",
        [
            {"department": dep.id, "item": gap["item"], "region": gap["region"], "role": "lead",
             "bases": basis, "valid_from": "2020-01-01", "source": "patch-test"},
            {"department": other.id, "item": one.item, "region": one.region, "role": "lead",
             "bases": basis, "valid_from": "2021-01-01", "source": "patch-test-2"},
            row_of(one, valid_from="2600-01-01"),
        ],
    )  # fmt: skip


def w_replace(path: Path, tmp: Path) -> None:
    """A lead recorded above other regions closed before the date (the same key, replaced):
    the regions inheriting it answer otherwise."""
    g = FromTables(path).graph()
    above = next(d for d in _leads(g) if g.region_children(d.region) and d.valid_from)
    bundle(path, tmp / "replace", [row_of(above, valid_to="2025-01-01")])


def w_list_version(path: Path, tmp: Path) -> None:
    tmp.mkdir(parents=True)
    load(EmbeddedStore(path), [power_list_xlsx(tmp / "v1.xlsx")])
    v2 = power_list_xlsx(tmp / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。")
    load(EmbeddedStore(path), [v2])


def _dispute_site(g: Any) -> tuple[list[str], str, str]:
    d = _leads(g)[0]
    parties = [dep.id for dep in g.departments_in(d.region)][:2]
    return parties, d.item, d.region


def w_dispute(path: Path, tmp: Path) -> None:
    parties, item, region = _dispute_site(FromTables(path).graph())
    open_dispute(EmbeddedStore(path), parties, item, region, "2025-01-05", by="t")


def w_decision(path: Path, tmp: Path) -> None:
    w_dispute(path, tmp)
    g = FromTables(path).graph()
    d = next(iter(g.disputes.values()))
    decide(
        EmbeddedStore(path),
        d.id,
        d.parties[1],
        [],
        "2025-02-01",
        "人民政府",
        "理由",
        "规则",
        by="t",
    )


def w_catalogue(path: Path, tmp: Path) -> None:
    load(EmbeddedStore(path), [CATALOGUE_PATH])


def _write(path: Path, records: list[Any]) -> None:
    EmbeddedStore(path).write(lambda g: ChangeSet(records, {"op": "patch-test"}))


def w_basis(path: Path, tmp: Path) -> None:
    """A legal basis that duties rest on repealed before the date."""
    g = FromTables(path).graph()
    shown = [  # one the gaps' evidence shows in force: its rows change
        b["id"]
        for x in answer_rows(g, "gaps", as_of=AS_OF)
        for d in x.get("evidence", {}).get("duties", ())
        for b in d["bases"]
        if b["in_force"]
    ]
    used = {b for d in _leads(g) for b in d.bases}
    basis = next(b for b in g.bases.values() if b.id in (shown[:1] or used) and b.in_force(AS_OF))
    _write(path, [replace(basis, valid_to="2025-01-01")])


def w_department(path: Path, tmp: Path) -> None:
    """A department holding leads abolished before the date."""
    g = FromTables(path).graph()
    dep = g.departments[_leads(g)[-1].department]
    _write(path, [replace(dep, valid_to="2025-01-01", successor=None)])


def w_region(path: Path, tmp: Path) -> None:
    g = FromTables(path).graph()
    mid = next(c for c, r in g.regions.items() if r.level == "prefecture")
    _write(path, [Region(mid[:4] + "99", "新区", "county", mid)])


WRITES = {
    "add": w_add,
    "replace": w_replace,
    "list-version": w_list_version,
    "dispute": w_dispute,
    "decision": w_decision,
    "basis": w_basis,
    "catalogue": w_catalogue,
    "department": w_department,
    "region": w_region,
}
#: the writes whose change is proven local: their answers are patched, not scanned
LOCAL = {"add", "replace", "dispute", "decision", "basis"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated store (counties inheriting through the region tree), copied per test."""
    folder = tmp_path_factory.mktemp("generated")
    generate("prefecture", folder / "bundle")
    load(EmbeddedStore(folder / "gen.db"), [folder / "bundle"])
    return folder / "gen.db"


def fresh(source: Path, tmp: Path) -> Path:
    import sqlite3

    path = tmp / "store.db"
    src, dest = sqlite3.connect(source), sqlite3.connect(path)
    src.backup(dest)
    src.close(), dest.close()
    return path


def check(path: Path, tmp: Path, writes: list[str], patches: list[bool]) -> list[bytes]:
    EmbeddedStore(path).graph()  # the columns kept for the first state (the links follow it)
    asked = questions(path)
    before = [ask(path, *q) for q in asked]
    assert before == [whole(path, *q) for q in asked]
    for n, kind in enumerate(writes):
        WRITES[kind](path, tmp / f"w{n}")
    patches.clear()
    after = [ask(path, *q) for q in asked]
    for q, got in zip(asked, after, strict=True):
        assert got == whole(path, *q), (writes, q)
    assert [ask(path, *q) for q in asked] == after  # kept as the new state's answer
    return after


@pytest.mark.parametrize("kind", list(WRITES))
def test_the_patched_answer_is_the_whole_scan_on_the_demo(kind, demo_db, tmp_path, patches):
    before = [whole(demo_db, *q) for q in questions(demo_db)]
    after = check(demo_db, tmp_path, [kind], patches)
    if kind in LOCAL:
        assert patches and all(patches), patches
    if kind in ("add", "replace", "dispute", "basis"):  # the write changed some answer
        assert after != before


@pytest.mark.parametrize("kind", ["add", "replace", "dispute", "decision", "basis", "department"])
def test_the_patched_answer_is_the_whole_scan_on_a_generated_graph(
    kind, generated, tmp_path, patches
):
    path = fresh(generated, tmp_path)
    before = [whole(path, *q) for q in questions(path)]
    after = check(path, tmp_path, [kind], patches)
    if kind in LOCAL:
        assert patches and all(patches), patches
    if kind in ("add", "replace", "basis"):
        assert after != before


@pytest.mark.parametrize("db", ["demo", "generated"])
def test_a_chain_of_writes_is_patched_at_once(db, demo_db, generated, tmp_path, patches):
    path = demo_db if db == "demo" else fresh(generated, tmp_path)
    check(path, tmp_path, ["add", "dispute", "replace", "basis", "decision"], patches)
    assert patches and all(patches), patches


def test_patched_again_after_each_write(demo_db, tmp_path, patches):
    """Each write's first answer patched from the one patched before it."""
    EmbeddedStore(demo_db).graph()
    asked = questions(demo_db)
    [ask(demo_db, *q) for q in asked]
    for n, kind in enumerate(["add", "dispute", "replace", "basis"]):
        WRITES[kind](demo_db, tmp_path / f"w{n}")
        patches.clear()
        for q in asked:
            assert ask(demo_db, *q) == whole(demo_db, *q), (kind, q)
        assert patches and all(patches), (kind, patches)


def test_a_missing_link_falls_back_to_the_whole_scan(demo_db, tmp_path, patches):
    EmbeddedStore(demo_db).graph()
    [ask(demo_db, *q) for q in QUESTIONS]
    w_add(demo_db, tmp_path)
    w_dispute(demo_db, tmp_path)
    first = min(demo_db.parent.glob(f".{demo_db.name}.graph-link-*"))
    first.unlink()
    patches.clear()
    for q in QUESTIONS:
        assert ask(demo_db, *q) == whole(demo_db, *q)
    assert patches == []  # no chain of links: the patch is never tried


def test_a_damaged_index_falls_back_to_the_whole_scan(demo_db, tmp_path, patches):
    EmbeddedStore(demo_db).graph()
    ask(demo_db, "gaps")
    held = answers._read(demo_db)
    assert held is not None
    (entry,) = held["entries"].values()
    entry[2]["lengths"] = [*entry[2]["lengths"][:-1], entry[2]["lengths"][-1] + 3]
    answers.write_aside(
        answers.path_of(demo_db),
        lambda fh: (fh.write(answers._MAGIC), __import__("pickle").dump(held, fh)),
    )
    w_add(demo_db, tmp_path)
    assert ask(demo_db, "gaps") == whole(demo_db, "gaps")
    assert patches == [False]


def test_too_many_sites_fall_back(demo_db, tmp_path, patches, monkeypatch):
    monkeypatch.setattr(scan_patch, "PATCH_SITES", 0)
    EmbeddedStore(demo_db).graph()
    ask(demo_db, "gaps")
    w_add(demo_db, tmp_path)
    assert ask(demo_db, "gaps") == whole(demo_db, "gaps")
    assert patches == [False]


def test_the_cli_prints_the_patched_answer(cli, tmp_path):
    cli("load", str(DEMO_PATH))
    cli("gaps", "--as-of", AS_OF, "--json")
    cli("conflicts", "--as-of", AS_OF, "--json")
    w_add(cli.store_path, tmp_path)
    w_dispute(cli.store_path, tmp_path)
    for scan in ("gaps", "conflicts"):
        got = cli(scan, "--as-of", AS_OF, "--json", check=False).stdout
        assert got.encode() == whole(cli.store_path, scan) + b"\n"
        ndjson = cli(scan, "--as-of", AS_OF, "--ndjson", check=False).stdout
        assert ndjson == "".join(
            dumps(row).decode() + "\n"
            for row in answer_rows(FromTables(cli.store_path).graph(), scan, as_of=AS_OF)
        )


def test_no_link_kept_no_patch(demo_db, tmp_path, patches, monkeypatch):
    """With the links swept (a whole read since), the answer is scanned again."""
    EmbeddedStore(demo_db).graph()
    ask(demo_db, "gaps")
    w_add(demo_db, tmp_path)
    for p in demo_db.parent.glob(f".{demo_db.name}.graph-link-*"):
        p.unlink()
    snapshot.path_of(demo_db).unlink()
    assert ask(demo_db, "gaps") == whole(demo_db, "gaps")
    assert patches == []
