"""A store of schema 4 (the duty table keyed by its text id) is brought to schema 5 (rows
numbered, the id generated, a unique index on the key; ``duty_basis`` by row number) on
its first open, once, with a message, and answers as a store this code made.

``data/store_schema4_demo.sqlite`` was written by dutygraph at schema 4 (main cfec321) with::

    dutygraph load DEMO; dutygraph load DEMO/finance-2022
    dutygraph dispute open --party JJ-SCJ --party JJ-WJJ --subject I-FOOD --region 510104
        --raised-on 2025-03-01 --claim JJ-SCJ=属于卫健
    dutygraph dispute decide DSP-0001 --lead JJ-WJJ --assist JJ-SCJ --on 2025-04-01 ...
    dutygraph dispute open ... --raised-on 2025-05-01   (DSP-0002)
    dutygraph dispute decide DSP-0002 --lead JJ-SCJ --on 2025-06-01 ...

(``DUTYGRAPH_USER=fixture``): bulk and small writes, a duty closed and its row rewritten.
The test makes the same store with this code and compares them.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from dutygraph.analysis.resolve import who_leads
from dutygraph.cli.main import main
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import schema

FIXTURE = Path(__file__).parent / "data" / "store_schema4_demo.sqlite"


def _same_writes(path: Path) -> None:
    s = ["--store", str(path)]
    steps = [
        ["load", str(DEMO_PATH), *s],
        ["load", str(DEMO_PATH / "finance-2022"), *s],
        ["dispute", "open", *s, "--party", "JJ-SCJ", "--party", "JJ-WJJ", "--subject",
         "I-FOOD", "--region", "510104", "--raised-on", "2025-03-01", "--claim",
         "JJ-SCJ=属于卫健"],
        ["dispute", "decide", "DSP-0001", *s, "--lead", "JJ-WJJ", "--assist", "JJ-SCJ",
         "--on", "2025-04-01", "--decider", "锦江区人民政府", "--reasoning", "测试",
         "--rule", "测试规则"],
        ["dispute", "open", *s, "--party", "JJ-SCJ", "--party", "JJ-WJJ", "--subject",
         "I-FOOD", "--region", "510104", "--raised-on", "2025-05-01"],
        ["dispute", "decide", "DSP-0002", *s, "--lead", "JJ-SCJ", "--on", "2025-06-01",
         "--decider", "锦江区人民政府", "--reasoning", "再议", "--rule", "测试规则"],
    ]  # fmt: skip
    for argv in steps:
        assert main(argv) == 0, argv


@pytest.fixture
def stores(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DUTYGRAPH_USER", "fixture")
    monkeypatch.setenv("DUTYGRAPH_CACHE", "off")
    old = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, old)
    fresh = tmp_path / "fresh.db"
    _same_writes(fresh)
    capsys.readouterr()
    return old, fresh


def _duties(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM duty ORDER BY n").fetchall()


def test_a_schema_4_store_is_upgraded_once_and_answers_as_a_fresh_one(stores, caplog):
    old, fresh = stores
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
        held = conn.execute("SELECT * FROM duty ORDER BY rowid").fetchall()
        bases = conn.execute("SELECT basis, duty FROM duty_basis ORDER BY basis, duty").fetchall()
    with caplog.at_level(logging.WARNING, logger="dutygraph.store"):
        store = EmbeddedStore(old)
        graph = store.graph()
    assert any("第 5 版" in r.getMessage() for r in caplog.records)
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == 5
        cols = [r[1] for r in conn.execute("PRAGMA table_xinfo(duty)")]
        assert cols[:2] == ["n", "id"]
        # the same rows in the same order: the id as it was, the columns as they were
        assert conn.execute("SELECT * FROM duty ORDER BY n").fetchall() == [
            (n, *row) for n, row in enumerate(held, 1)
        ]
        assert (
            conn.execute(
                "SELECT b.basis, d.id FROM duty_basis AS b JOIN duty AS d ON d.n = b.duty"
                " ORDER BY b.basis, d.id"
            ).fetchall()
            == bases
        )
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "duty_by_key" in indexes and "duty_by_item_region_role" not in indexes
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # as the store this code makes by the same writes
    assert _duties(old) == _duties(fresh)
    new = EmbeddedStore(fresh)
    assert graph.counts() == new.graph().counts()
    assert list(graph.duties.values()) == list(new.graph().duties.values())
    assert [e["op"] for e in store.history()] == [e["op"] for e in new.history()]
    a, b = store.reader(), new.reader()
    try:
        for item in ("I-FOOD", "I-FOOD-LICENCE", "I-MEDBEAUTY"):
            for region in ("510104", "510107", "510100", "510000"):
                for day in ("2025-03-15", "2025-05-01", "2025-07-01"):
                    assert (
                        who_leads(a, item, region, day).departments()
                        == who_leads(b, item, region, day).departments()
                    )
        for d in list(new.graph().duties.values())[:20]:
            assert a.duties[d.id] == d
            assert a.duties_by_key([d.key]) == {d.key: d}
        for basis in ("B-FSL-6", "B-FSL-35", "B-MEDBEAUTY"):
            assert a.duties_resting_on(basis) == b.duties_resting_on(basis)
    finally:
        a.close()
        b.close()
    # once: a second open finds schema 5 and rewrites nothing
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dutygraph.store"):
        assert EmbeddedStore(old).graph().counts() == graph.counts()
    assert not any("第 5 版" in r.getMessage() for r in caplog.records)


def test_an_upgraded_store_takes_writes_as_a_fresh_one(stores):
    old, fresh = stores
    for path in (old, fresh):
        s = ["--store", str(path)]
        assert main(["dispute", "open", *s, "--party", "JJ-SCJ", "--party", "JJ-WJJ",
                     "--subject", "I-FOOD", "--region", "510104",
                     "--raised-on", "2025-08-01"]) == 0  # fmt: skip
        assert main(["dispute", "decide", "DSP-0003", *s, "--lead", "JJ-WJJ", "--on",
                     "2025-09-01", "--decider", "锦江区人民政府", "--reasoning", "三议",
                     "--rule", "测试规则"]) == 0  # fmt: skip
    assert _duties(old) == _duties(fresh)
    with sqlite3.connect(old) as a, sqlite3.connect(fresh) as b:
        q = "SELECT basis, duty FROM duty_basis ORDER BY basis, duty"
        assert a.execute(q).fetchall() == b.execute(q).fetchall()
