"""Crash safety of every write path of the embedded store, proven on real processes.

Each write — a catalogue import, a published-list version, a law corpus, a dispute
decision — runs in its own Python process on a real store file, and that process is
SIGKILLed: once at a known point inside its transaction (a pause hook in the child
after the rows are written, before the commit), and at random moments. A power cut
is simulated by freezing a writing process (SIGSTOP) at random moments, copying the
store's files (the database, its ``-wal`` and ``-shm``) as they are at that instant,
and letting it go on. Every store killed and every copy opens, passes SQLite's
``integrity_check``, and holds exactly the state before the write or after it — as
read by SQLite from the tables, the log's entries included (all but their times).

What this cannot show: a write the disk itself never made durable (a power cut
loses what the OS had not flushed); that is SQLite's ``synchronous=FULL`` fsync,
which these copies (taken from the page cache) take as done.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dutygraph import load
from dutygraph.analysis.disputes import open_dispute
from dutygraph.fixtures import DEMO_PATH
from dutygraph.store import EmbeddedStore

from .published_lists import power_list_xlsx
from .test_versions import _v2_rows

_SUFFIXES = ("", "-wal", "-shm")


def fingerprint(path: Path) -> dict[str, object]:
    """What the store at ``path`` holds, as SQLite reads it: each table's rows in order
    (hashed), and the log's entries without the time each was written."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'history'"
                " ORDER BY name"
            )
        ]
        out: dict[str, object] = {}
        for t in tables:
            h = hashlib.sha256()
            n = 0
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid'):
                h.update(repr(row).encode())
                n += 1
            out[t] = (n, h.hexdigest())
        log = []
        for (entry,) in conn.execute("SELECT entry FROM history ORDER BY seq"):
            e = json.loads(entry)
            e.pop("at", None)
            log.append(e)
        out["history"] = log
    finally:
        conn.close()
    return out


def copy_store(src: Path, dest: Path) -> int:
    """Copy the store's files as they are (the database, ``-wal``, ``-shm``); returns the
    size of the ``-wal`` copied (0: none)."""
    wal = 0
    for suffix in _SUFFIXES:
        f = Path(f"{src}{suffix}")
        try:
            shutil.copyfile(f, f"{dest}{suffix}")
        except FileNotFoundError:
            Path(f"{dest}{suffix}").unlink(missing_ok=True)
            continue
        if suffix == "-wal":
            wal = Path(f"{dest}{suffix}").stat().st_size
    return wal


# the write each child makes: argv[1] the store, argv[2] an input
_WRITES = {
    "catalogue": "load(EmbeddedStore(sys.argv[1]), [CATALOGUE_PATH])",
    "list-version": "load(EmbeddedStore(sys.argv[1]), [sys.argv[2]])",
    "law-corpus": "load(EmbeddedStore(sys.argv[1]), [SAMPLE_CORPUS])",
    "decision": (
        "decide(EmbeddedStore(sys.argv[1]), 'DSP-0001', 'JJ-WJJ', [], '2025-02-01',"
        " '锦江区人民政府', '理由', '规则', by='crash-test')"
    ),
}

_CHILD = """
import sys, time
from dutygraph import load
from dutygraph.analysis.disputes import decide
from dutygraph.fixtures import CATALOGUE_PATH
from dutygraph.io.laws import SAMPLE_CORPUS
from dutygraph.store import EmbeddedStore, embedded
from dutygraph.store.sqlite import bulk
if sys.argv[3] == "pause":  # stop inside the transaction, its rows written, not committed
    def paused(written):
        def write(conn, changes):
            written(conn, changes)
            print("written", flush=True)
            time.sleep(600)
        return write
    embedded.apply_changes = paused(embedded.apply_changes)
    bulk.write_bulk = paused(bulk.write_bulk)  # a big write (the law corpus) takes this path
print("ready", flush=True)
{write}
print("done", flush=True)
"""


def _child(kind: str, path: Path, arg: str, mode: str) -> subprocess.Popen[str]:
    code = _CHILD.replace("{write}", _WRITES[kind])
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path), arg, mode], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    return proc


def _kill(proc: subprocess.Popen[str]) -> bool:
    """SIGKILL ``proc``; whether it was still running (killed, not finished)."""
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
    return proc.returncode == -signal.SIGKILL


def _before(kind: str, folder: Path) -> tuple[Path, str]:
    """The store each write starts from, and the input the write takes."""
    path = folder / "before.db"
    store = EmbeddedStore(path)
    load(store, [DEMO_PATH])
    arg = ""
    if kind == "list-version":
        load(store, [power_list_xlsx(folder / "v1.xlsx")])
        v2 = power_list_xlsx(
            folder / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
        )
        arg = str(v2)
    elif kind == "decision":
        open_dispute(store, ["JJ-SCJ", "JJ-WJJ"], "I-FOOD", "510104", "2025-01-05", by="t")
    store.close()
    return path, arg


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """Per write: (the store before it, its input, the state before, the state after —
    the write made whole by a child process that was not killed)."""
    out = {}
    for kind in _WRITES:
        folder = tmp_path_factory.mktemp(kind)
        before, arg = _before(kind, folder)
        after = folder / "after.db"
        copy_store(before, after)
        proc = _child(kind, after, arg, "run")
        assert proc.wait(timeout=300) == 0
        proc.stdout.close()  # type: ignore[union-attr]
        old, new = fingerprint(before), fingerprint(after)
        assert old != new, f"{kind}: the write changed nothing"
        out[kind] = (before, arg, old, new)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(_WRITES))
def test_sigkill_amid_each_write_path_leaves_the_old_or_the_new_store(kind, states, tmp_path):
    before, arg, old, new = states[kind]
    rng = random.Random(f"crash-{kind}")
    # inside the transaction, every row written, no commit: exactly the old store
    path = tmp_path / "paused.db"
    copy_store(before, path)
    proc = _child(kind, path, arg, "pause")
    assert proc.stdout is not None
    assert proc.stdout.readline() == "written\n"
    assert _kill(proc)
    assert EmbeddedStore(path).check(full=True) == []
    assert fingerprint(path) == old, f"{kind}: a write killed before its commit left a trace"
    # at random moments: the old store or the new one, never part of the write
    retried = False
    for attempt in range(2 if kind == "law-corpus" else 3):
        path = tmp_path / f"random-{attempt}.db"
        copy_store(before, path)
        proc = _child(kind, path, arg, "run")
        time.sleep(rng.uniform(0.0, 0.6 if kind != "law-corpus" else 6.0))
        _kill(proc)
        assert EmbeddedStore(path).check(full=True) == []
        got = fingerprint(path)
        assert got in (old, new), f"{kind}, attempt {attempt}: the store is half-written"
        if got == old and not retried:  # and a killed store takes the write again, whole
            again = _child(kind, path, arg, "run")
            assert again.wait(timeout=300) == 0
            again.stdout.close()  # type: ignore[union-attr]
            assert fingerprint(path) == new
            retried = True


def _freeze_and_copy(proc, path: Path, folder: Path, rng, gap: tuple[float, float]):
    """While ``proc`` writes the store at ``path``: at random moments, stop it, copy the
    store's files, let it go on; returns (copy, -wal bytes copied) for each copy."""
    copies: list[tuple[Path, int]] = []
    while proc.poll() is None:
        time.sleep(rng.uniform(*gap))
        try:
            proc.send_signal(signal.SIGSTOP)
        except ProcessLookupError:
            break
        try:
            dest = folder / f"cut-{len(copies)}.db"
            copies.append((dest, copy_store(path, dest)))
        finally:
            proc.send_signal(signal.SIGCONT)
    return copies


@pytest.mark.slow
def test_a_power_cut_amid_a_law_corpus_write_opens_as_the_old_or_the_new_store(states, tmp_path):
    """The 52,000-article corpus, one transaction that spills into the WAL long before it
    commits: copies taken while it is written open as the old store, copies taken after
    its commit (before or after the WAL is folded back) as the new one."""
    before, arg, old, new = states["law-corpus"]
    path = tmp_path / "live.db"
    copy_store(before, path)
    rng = random.Random(1616)
    proc = _child("law-corpus", path, arg, "run")
    # the rows reach the WAL in the last ~0.3 s of the child's own time (most of it goes
    # to reading the corpus), so a gap shorter than that window (SIGSTOP stops the
    # child's clock while a copy is taken) lands in it however busy the machine is
    copies = _freeze_and_copy(proc, path, tmp_path, rng, (0.01, 0.05))
    assert proc.wait() == 0
    proc.stdout.close()  # type: ignore[union-attr]
    copies.append((tmp_path / "cut-end.db", copy_store(path, tmp_path / "cut-end.db")))
    outcomes = []
    for copy, wal in copies:
        assert EmbeddedStore(copy).check(full=True) == [], copy
        got = fingerprint(copy)
        assert got in (old, new), f"{copy.name} (-wal {wal:,} bytes) is half-written"
        outcomes.append((wal, got == new))
    assert any(wal > 1_000_000 and not is_new for wal, is_new in outcomes), (
        "no copy was taken while the transaction was in the WAL",
        outcomes,
    )
    assert outcomes[-1][1], "the store after the write does not hold it"


_SMALL_IMPORTS = """
import csv, datetime, pathlib, sys, tempfile
from dutygraph import load
from dutygraph.store import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
work = pathlib.Path(tempfile.mkdtemp())
print("ready", flush=True)
for n in range(int(sys.argv[2])):  # ten new duties a bundle, each bundle one import
    folder = work / str(n)
    folder.mkdir()
    with open(folder / "duties.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["department", "item", "region", "role", "bases", "valid_from", "line"])
        for k in range(10):
            day = datetime.date(2200, 1, 1) + datetime.timedelta(days=10 * n + k)
            w.writerow(["JJ-SCJ", "I-FOOD-SALE", "510104", "assist", "B-FHL", day.isoformat(), ""])
    load(store, [folder])
"""


@pytest.mark.slow
def test_a_power_cut_amid_small_imports_opens_with_every_import_whole_or_absent(demo_db, tmp_path):
    """A process importing 10-row bundles one after another (each one commit, on a kept
    connection, the WAL never folded back while it runs), its files copied at random
    moments: each copy holds ten duties for each import its log holds, never part of one."""
    rng = random.Random(16)
    proc = subprocess.Popen(
        # enough imports to outlast several copies: since a small import skips polars and
        # networkx (store7) 60 of them end before the second copy
        [sys.executable, "-c", _SMALL_IMPORTS, str(demo_db), "400"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    copies = _freeze_and_copy(proc, demo_db, tmp_path, rng, (0.01, 0.15))
    assert proc.wait() == 0
    proc.stdout.close()
    counts = set()
    for copy, _ in copies:
        store = EmbeddedStore(copy)
        assert store.check(full=True) == [], copy
        imports = [e for e in store.history() if e["op"] == "import"]
        assert [e["added"] for e in imports[1:]] == [{"duty": 10}] * (len(imports) - 1)
        assert store.reader().duties.__len__() == 31 + 10 * (len(imports) - 1)
        counts.add(len(imports))
        store.close()
    assert len(counts) > 2, f"the copies caught too few states: {sorted(counts)}"
