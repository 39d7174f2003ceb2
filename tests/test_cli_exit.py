"""A scan on the command line ends without freeing its graph object by object, and the kept
duty columns share their repeated values: the same answers and the same store either way."""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys

from dutygraph.fixtures import DEMO_PATH
from dutygraph.model import EMPTY_ATTRS
from dutygraph.questions import answer
from dutygraph.store import EmbeddedStore
from dutygraph.store.sqlite import snapshot

DAY = "2025-06-01"


def test_a_scan_prints_the_library_answer_and_leaves_the_store_closed(cli):
    cli("load", str(DEMO_PATH))
    store = EmbeddedStore(cli.store_path)
    reader = store.reader()
    expected = {scan: answer(reader, scan, as_of=DAY) for scan in ("gaps", "conflicts")}
    reader.close()  # type: ignore[attr-defined]
    store.close()
    for scan, rows in expected.items():
        assert rows  # the demo has gaps and conflicts
        assert cli(scan, "--as-of", DAY, "--json") == rows
    # the scans' read transactions were closed before the process ended: the last
    # connection's close folded the log back into the file, as a normal exit does
    wal = cli.store_path.with_name(cli.store_path.name + "-wal")
    assert not wal.exists()
    with sqlite3.connect(cli.store_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_failing_scan_exits_with_its_code_and_message(cli):
    cli("load", str(DEMO_PATH))
    proc = cli("gaps", "--region", "nowhere", "--json", check=False)
    assert proc.returncode == 2 and "nowhere" in proc.stderr and proc.stdout == ""
    proc = cli("gaps", "--kind", "NOPE", "--json", check=False)
    assert proc.returncode == 2 and "NOPE" in proc.stderr


def test_output_cut_short_by_the_reader_is_no_error(cli):
    cli("load", str(DEMO_PATH))
    done = subprocess.run(
        f"{sys.executable} -m dutygraph gaps --as-of {DAY} --ndjson | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        env={"DUTYGRAPH_STORE": str(cli.store_path), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_repeated_values_are_kept_once_and_read_back_equal():
    rows = 1000
    columns = [
        [f"I-{k % 7}" for k in range(rows)],  # few values: kept once each
        [f"D-{k}" for k in range(rows)],  # all distinct: kept as they are
        [None] * rows,  # one value
        [("B1", "B2") if k % 3 else () for k in range(rows)],  # tuples
        [{"a": str(k % 2)} if k % 5 else {} for k in range(rows)],  # attrs: equal ones shared
        [{"a": [k]} for k in range(rows)],  # dicts of lists: kept as they are
        [f"R{k % 300}" for k in range(rows)],  # more than 255 values: two bytes a row
        [[k % 2] for k in range(rows)],  # unhashable: kept as they are
    ]
    coded = snapshot._encode(columns)
    assert [c.__class__ for c in coded] == [tuple, list, tuple, tuple, tuple, list, list, list]
    # 300 of 1,000 is too many to share (a quarter is the limit)
    assert coded[0][1] == "B" and len(coded[0][2]) == rows
    back = snapshot._decode(coded)
    assert back == columns
    assert len({id(v) for v in back[0]}) == 7  # one object per value
    assert len({id(v) for v in back[4]}) == 3 and back[4][0] is EMPTY_ATTRS
    assert snapshot._decode(snapshot._encode([[f"R{k % 300}" for k in range(2000)]])) == [
        [f"R{k % 300}" for k in range(2000)]
    ]
    assert snapshot._encode([[f"R{k % 300}" for k in range(2000)]])[0][1] == "H"
    empty = snapshot._decode(snapshot._encode([[{} for _ in range(10)]]))[0]
    assert empty == [{}] * 10 and all(a is EMPTY_ATTRS for a in empty)


def test_the_kept_file_of_the_old_format_is_not_read(demo_db):
    EmbeddedStore(demo_db).graph()
    kept = snapshot.path_of(demo_db)
    data = kept.read_bytes()
    assert data.startswith(snapshot._MAGIC)
    store = EmbeddedStore(demo_db)
    with store._read() as conn:
        state = store._state(conn)
    assert snapshot.read(demo_db, state) is not None
    old = snapshot._MAGIC + pickle.dumps({"version": 1, "state": list(state)})
    kept.write_bytes(old)
    assert snapshot.read(demo_db, state) is None
