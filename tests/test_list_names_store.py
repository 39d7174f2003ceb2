"""A published list's names matched through the store's row reader, reading only what they
need, with the answers (departments, located errors, their candidates) of the matcher built
over every department."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dutygraph.errors import Ambiguous
from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.io.departments import DepartmentMatcher
from dutygraph.io.lists import read_published_list
from dutygraph.model import Department
from dutygraph.store import EmbeddedStore

from .published_lists import joint_list_xlsx, power_list_csv, write_csv

#: departments beside the demo's: names NFKC folds (a space, full-width forms), a short name
#: two governments' departments share, a department without a line
EXTRA = [
    "X-CG1,成都市城市 管理委员会,510100,,,,城管委；成都市城管委,,,",
    "X-CG2,绵阳市城市管理局,510700,,,,城管委,,,",
    "X-ZH1,锦江区综合行政执法局（城管）,510104,housing,,,锦江区ＺＨ执法局,,,",
    "X-OLD,锦江区城市管理局,510104,,,,,,2023-01-01,X-ZH1",
    "X-WH1,武侯区城市管理局,510107,,,,,,,",
    "X-NAT,国家城市管理总局,000000,,,,城管　总局,,,",
]


@pytest.fixture
def store(tmp_path: Path):
    bundle = tmp_path / "bundle"
    shutil.copytree(DEMO_PATH, bundle)
    with open(bundle / "departments.csv", "a", encoding="utf-8") as fh:
        fh.write("\n".join(EXTRA) + "\n")
    s = EmbeddedStore(tmp_path / "names.db")
    load(s, [bundle])
    yield s
    s.close()


def _answer(m: DepartmentMatcher, name: str, region: str | None) -> object:
    try:
        dep = m.match(name, region=region)
    except Ambiguous as exc:
        return ("ambiguous", str(exc))
    return None if dep is None else dep.id


def _probes(store: EmbeddedStore) -> list[str]:
    g = store.graph()
    names = {n for d in g.departments.values() for n in (d.id, d.name, *d.aliases)}
    for n in list(names):  # without their government's name, full-width, spaced
        for r in g.regions.values():
            if n.startswith(r.name):
                names.add(n[len(r.name) :])
        names.add(n.replace("市", "市 ").replace("局", "局　"))
        names.add("".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in n))
    names |= {"市场监管局", "市场监管部门", "商务局", "卫生健康部门", "文化和旅游部门", "城管委"}
    names |= {"城市管理局", "锦江区城市管理局", "某某局", "司法局", "编办", "应急管理部门"}
    names |= {"成都市锦江区市场监管局", "四川省成都市司法局", "教育部门", "综合行政执法局"}
    names |= {
        "成都市城市管理委员会",
        "锦江区综合行政执法局(城管)",
        "锦江区ZH执法局",
        "城管总局",
    }  # folded
    return sorted(names)


def test_store_matcher_answers_as_the_whole_matcher(store):
    reader = store.reader()
    whole = DepartmentMatcher(reader)  # every department read and indexed, as before
    lazy = DepartmentMatcher.of(reader)
    assert type(lazy) is not DepartmentMatcher
    regions = [None, *reader.regions]
    probes = _probes(store)
    assert len(probes) > 200
    answers = {}
    for name in probes:
        assert lazy.region_of(name) == whole.region_of(name), name
        assert lazy.core(name) == core if (core := whole.core(name)) else True
        for region in regions:
            answers[name, region] = got = _answer(whole, name, region)
            assert _answer(lazy, name, region) == got, (name, region)
    # the names NFKC folds (a space, full-width forms, an ideographic space) are found by
    # the store's folded names, one query each
    folded = {
        "成都市城市管理委员会": "X-CG1",
        "锦江区综合行政执法局(城管)": "X-ZH1",
        "城管总局": "X-NAT",
    }
    for key, did in folded.items():
        assert [d.id for d in reader.records_named("department", key, folded=True)] == [did], key
    kinds = {
        type(a).__name__ if not isinstance(a, tuple) else "ambiguous" for a in answers.values()
    }
    assert kinds == {"str", "NoneType", "ambiguous"}  # the probes reach every outcome
    # departments the loader creates are found by both afterwards, the same way
    new = [
        Department("D-510104-aaaa", "锦江区城市管理局", "510104"),
        Department("D-510107-bbbb", "武侯区市场监管局", "510107", systems=("market-regulation",)),
    ]
    for dep in new:
        whole.add(dep)
        lazy.add(dep)
    for name in [*probes, "锦江区城市管理局", "武侯区市场监管局"]:
        for region in regions:
            assert _answer(lazy, name, region) == _answer(whole, name, region), (name, region)
    reader.close()


def test_a_store_of_schema_3_gains_the_folded_names_and_matches_as_before(store, tmp_path):
    """A store as schema 3 wrote it (no ``folded`` column in ``names``) is brought to this
    schema on first open: every name's folded form filled in (what the matcher folds it
    to), its index used, the records untouched, and the matcher's answers those of a store
    written by this schema."""
    import sqlite3

    from dutygraph.graph import name_key
    from dutygraph.store.sqlite import schema

    old = tmp_path / "schema3.db"
    store.close()
    shutil.copyfile(store.path, old)
    with sqlite3.connect(old) as conn:  # as schema 3 wrote it
        conn.execute("DROP INDEX names_by_folded")
        conn.execute("ALTER TABLE names DROP COLUMN folded")
        conn.execute("PRAGMA user_version=3")
    before = EmbeddedStore(store.path).graph().counts()
    migrated = EmbeddedStore(old)
    reader = migrated.reader()
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION >= 4
        rows = conn.execute("SELECT name, folded FROM names").fetchall()
        plan = " ".join(
            r[3]
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM names WHERE label = 'department'"
                " AND folded = 'x'"
            )
        )
    assert len(rows) > 100 and all(f == name_key(n) for n, f in rows)
    assert any(f != n for n, f in rows)  # some names do fold
    assert "names_by_folded" in plan
    assert migrated.graph().counts() == before
    current = store.reader()
    lazy, fresh = DepartmentMatcher.of(reader), DepartmentMatcher.of(current)
    for name in _probes(store):
        for region in (None, "510104", "510100"):
            assert _answer(lazy, name, region) == _answer(fresh, name, region), (name, region)
    reader.close()
    current.close()


def test_store_matcher_reads_only_the_departments_a_name_can_be(store):
    reader = store.reader()
    m = DepartmentMatcher.of(reader)
    assert m.match("锦江区市场监管局").id == "JJ-SCJ"  # an alias: by the names index
    assert set(reader.departments.cache) == {"JJ-SCJ"}
    assert m.match("卫生健康部门", region="510107").id == "WH-WJJ"  # a core name: 武侯区's only
    assert {d.region for d in reader.departments.cache.values()} == {"510104", "510107"}
    assert len(reader.departments.cache) < len(store.graph().departments) / 3
    reader.close()


def _read(path: Path, graph, **options):
    batch = read_published_list(path, graph=graph, **options)
    return [(r.record, r.origin) for r in batch.rows], [
        (p.file, p.sheet, p.row, p.column, p.code, p.severity, p.message, p.fix)
        for p in batch.problems
    ]


@pytest.mark.parametrize("kind", ["power", "again", "joint", "key", "owner"])
def test_a_list_reads_the_same_through_the_reader_as_over_the_graph(store, tmp_path, kind):
    if kind in ("power", "again"):
        path, options = power_list_csv(tmp_path / "power.csv"), {}
        if kind == "again":  # its items and bases now in the store
            load(store, [path])
    elif kind == "joint":
        path, options = joint_list_xlsx(tmp_path / "joint.xlsx"), {}
    elif kind == "key":  # ambiguous names, a name of a new department, a catalogue item's name
        rows = [["序号", "监管事项", "牵头部门", "配合部门"]]
        rows += [["1", "某事项", "商务局", "市场监管局"], ["2", "食品安全监督管理", "城管委", ""]]
        rows += [["3", "某事项", "锦江区城市管理局", "锦江区新设局"]]
        path, options = write_csv(tmp_path / "key.csv", rows), {}
    else:  # the benchmark's shape: an owner given, its rows naming none
        rows = [["事项名称", "实施主体", "实施依据"], ["对某行为的处罚", "", "《某某条例》第三条"]]
        rows += [["食品安全监督管理", "城管委", "《中华人民共和国食品安全法》第一百一十条"]]
        path, options = write_csv(tmp_path / "o.csv", rows), {"department": "WH-SCJ"}
    for region in (None, "510104", "510107"):
        if region is not None and kind == "owner":
            continue
        opts = {**options, **({"region": region} if region else {})}
        reader = store.reader()
        got = _read(path, reader, **opts)
        assert got == _read(path, store.graph(), **opts), (kind, region)
        reader.close()
        labels = {rec.label for rec, _ in got[0]}
        if kind in ("power", "again"):  # stored bases are not new
            assert ("basis" in labels) == (kind == "power"), labels
