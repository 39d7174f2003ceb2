"""``gaps --json`` / ``conflicts --json`` on the command line vs the same scan in process, one run.

    python benchmarks/cli_json.py [--size province] [--workdir /tmp/dutygraph-bench] [--repeat 3]
    python benchmarks/cli_json.py --mess ...    # that bundle made messy by mess.py first

``--mess``: the bundle made messy as ``scans_mess.py`` makes it (expired bases, abolished
leads with no successor, 1% second leads: thousands of gap and conflict rows, not the clean
province's thousand), in a store of its own (``SIZE-mess-cli.db``).

For each scan it prints, on the same generated bundle and store:

* the command (``dutygraph gaps --json``, a subprocess, stdout to a file): wall time, with
  the answer kept beside the store for its state (:mod:`dutygraph.store.sqlite.answers`:
  the same question asked again of an unchanged store), with ``DUTYGRAPH_CACHE=off`` (no
  answer kept: the graph opened from its columns kept beside the store,
  :mod:`dutygraph.store.sqlite.snapshot`), and first after a write (a 10-row bundle
  loaded untimed just before, :class:`Writes`: the kept answer of the state before it,
  brought up to the new state at the sites the change sets kept since can reach
  (:mod:`dutygraph.cli.scan_patch`; main's command opens the graph and scans again);
  bytecode written, as an installed package has it (``bench_common.child_env``); the
  three interleaved;
* in process: opening the whole graph, the scan, building the JSON's dicts, encoding them
  with orjson (what the CLI does) and with ``json.dump(indent=2)`` (what it did);
* the SQLite peer: a fresh process's ``GROUP BY`` of the multiple-lead sites on the same
  store file (far less work than either scan);

and the ratios: command / (open + scan), command / scan, encoders. (The conflict scan's
main work, the pairs with two or more leads, comes with the graph's index since that is
kept beside the store: its in-process "scan" is milliseconds, its cost in "open".) Medians of
``--repeat`` runs. The machine is shared and noisy: read the ratios.

``--before SRC`` also times the command of another source tree (``SRC`` put first on
``PYTHONPATH``: e.g. ``git archive REV src | tar -x -C /tmp/before``, then ``--before
/tmp/before/src``) on a copy of the same store, each before run interleaved with a run of
this tree's command, and checks the two print the same bytes; then the same with a write
made before each command (main's command reads the tables after it).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import AS_OF, GROUP_BY, child_env, store_for  # noqa: E402

from dutygraph._gc import gc_paused  # noqa: E402
from dutygraph.analysis.conflicts import find_conflicts  # noqa: E402
from dutygraph.analysis.gaps import find_gaps  # noqa: E402
from dutygraph.cli.output import dumps  # noqa: E402
from dutygraph.serialize import conflict_dict, gap_dict  # noqa: E402
from dutygraph.store import EmbeddedStore  # noqa: E402


class Writes:
    """Small writes into a store, untimed, before a "first after a write" command: a
    10-row bundle of a stored county duty with start dates from 2600 on (after every stored one) (ten new duties,
    none in force at ``AS_OF``: every scan prints the same bytes), written by this tree's
    code in this process, as a loader in another process would."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.bundles: Iterator[Path] | None = None

    def __call__(self, path: Path) -> None:
        from store_writes import duty_row, ten_row_bundles

        from dutygraph import importer

        if self.bundles is None:
            conn = sqlite3.connect(path)  # after every stored start (a run before this one's)
            (last,) = conn.execute("SELECT max(valid_from) FROM duty").fetchone()
            conn.close()
            year = max(2600, int(last[:4]) + 1)
            self.bundles = ten_row_bundles(
                self.workdir, duty_row(path), 0, year=year, name="cli-json-writes"
            )
        store = EmbeddedStore(path)
        try:
            report = importer.load(store, [next(self.bundles)])
        finally:
            store.close()  # no connection of this process left on the file
        assert report.added == {"duty": 10}, report.added


def command(
    path: Path,
    scan: str,
    out: Path,
    *,
    write: Callable[[Path], None] | None = None,
    source: Path | None = None,
    cache: str | None = None,
) -> float:
    """The command's wall time (``write``: made first, untimed — the first command after
    a write; ``source``: the package of that source tree; ``cache``: its
    ``DUTYGRAPH_CACHE``)."""
    if write is not None:
        write(path)
    extra = {"PYTHONPATH": str(source)} if source is not None else {}
    if cache is not None:
        extra["DUTYGRAPH_CACHE"] = cache
    t = time.perf_counter()
    with open(out, "wb") as fh:
        subprocess.run(
            [sys.executable, "-m", "dutygraph", scan, "--json", "--as-of", AS_OF],
            stdout=fh,
            check=True,
            env=child_env(DUTYGRAPH_STORE=str(path), **extra),
        )
    return time.perf_counter() - t


def before_and_now(
    path: Path,
    before: Path,
    workdir: Path,
    scan: str,
    repeat: int,
    write: Callable[[Path], None] | None = None,
) -> dict[str, Any]:
    """The command of the ``before`` tree against this one's, interleaved, on copies of one
    store (``write``: each made first, untimed, on the store the command then reads)."""
    copy = workdir / f"{path.stem}-before{path.suffix}"
    if not copy.exists():  # SQLite's backup: copying the file with open() and close() would
        # drop the POSIX locks this process's connections hold on it (SQLite's known trap)
        src, dest = sqlite3.connect(path), sqlite3.connect(copy)
        src.backup(dest)
        src.close(), dest.close()
    tag = "-after-write" if write else ""
    outs = {w: workdir / f"{scan}-{w}{tag}.json" for w in ("before", "now")}

    def run(which: str) -> float:
        if which == "before":
            return command(copy, scan, outs[which], source=before, write=write)
        return command(path, scan, outs[which], write=write)

    run("before"), run("now")  # untimed: bytecode written, the columns kept
    times: dict[str, list[float]] = {"before": [], "now": []}
    same = True
    for k in range(repeat):
        for which in ("before", "now") if k % 2 == 0 else ("now", "before"):
            times[which].append(run(which))
        same &= outs["before"].read_bytes() == outs["now"].read_bytes()
    return {
        "before_s": statistics.median(times["before"]),
        "now_s": statistics.median(times["now"]),
        "same_output": same,
    }


def sqlite_peer(path: Path) -> float:
    code = (
        "import sqlite3,sys;c=sqlite3.connect(sys.argv[1]);"
        f"rows=c.execute({GROUP_BY!r},(sys.argv[2],sys.argv[2])).fetchall();print(len(rows))"
    )
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, str(path), AS_OF],
        check=True,
        capture_output=True,
        env=child_env(),
    )
    return time.perf_counter() - t


def in_process(path: Path, scan: str) -> dict[str, float]:
    gc.collect()
    t0 = time.perf_counter()
    r = EmbeddedStore(path).reader()
    r.whole()  # type: ignore[attr-defined]
    t1 = time.perf_counter()
    if scan == "gaps":
        found: list[Any] = find_gaps(r, None, AS_OF)
        t2 = time.perf_counter()
        with gc_paused():
            rows = [gap_dict(r, x) for x in found]
    else:
        found = find_conflicts(r, None, AS_OF)
        t2 = time.perf_counter()
        with gc_paused():
            rows = [conflict_dict(r, c, AS_OF) for c in found]
    t3 = time.perf_counter()
    dumps(rows)
    t4 = time.perf_counter()
    json.dump(rows, io.StringIO(), ensure_ascii=False, indent=2, default=str)
    t5 = time.perf_counter()
    return {
        "open": t1 - t0,
        "scan": t2 - t1,
        "dicts": t3 - t2,
        "orjson": t4 - t3,
        "json_indent2": t5 - t4,
        "rows": len(rows),
    }


def in_process_of(source: Path, path: Path, scan: str) -> dict[str, float]:
    """:func:`in_process` of another source tree, in a child process (``--in-process``)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--in-process", str(path), scan]
    done = subprocess.run(
        cmd, env=child_env(PYTHONPATH=str(source)), capture_output=True, text=True, check=True
    )
    got = json.loads(done.stdout.splitlines()[-1])
    assert Path(got.pop("source")).resolve() == (source / "dutygraph").resolve()
    return got


def mess_store_for(size: str, workdir: Path) -> Path:
    """The embedded store of the generated bundle ``size`` made messy (``mess.py``, as
    ``scans_mess.py`` makes it), in ``workdir`` (made once; a store of its own: the
    benchmark writes into it)."""
    from generate import generate
    from mess import make_mess

    from dutygraph.importer import load

    bundle, messy = workdir / size, workdir / f"{size}-mess"
    if not (bundle / "expected.json").exists():
        generate(size, bundle)
    if not (messy / "mess.json").exists():
        make_mess(bundle, messy)
    path = workdir / f"{size}-mess-cli.db"
    if not path.exists():
        load(EmbeddedStore(path), [messy])
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--in-process", nargs=2, metavar=("STORE", "SCAN"), help=argparse.SUPPRESS)
    ap.add_argument("--size", default="province")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/dutygraph-bench"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, help="write the figures as JSON here too")
    ap.add_argument("--mess", action="store_true", help="the bundle made messy (mess.py)")
    ap.add_argument(
        "--before", type=Path, metavar="SRC", help="time this source tree's command too"
    )
    args = ap.parse_args()
    if args.in_process:
        import dutygraph

        got = in_process(Path(args.in_process[0]), args.in_process[1])
        print(json.dumps({"source": str(Path(dutygraph.__file__).parent), **got}))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = (
        mess_store_for(args.size, args.workdir) if args.mess else store_for(args.size, args.workdir)
    )
    load_avg = os.getloadavg()[0]
    print(
        f"CLI JSON vs in-process scan, {args.size}{' made messy' if args.mess else ''}, "
        f"{os.cpu_count()} cores (shared machine, "
        f"load {load_avg:.1f}), Python {platform.python_version()}, median of {args.repeat}"
    )
    results: dict[str, Any] = {"size": args.size, "mess": args.mess, "load_average": load_avg}
    peer = statistics.median(sqlite_peer(path) for _ in range(args.repeat))
    results["sqlite_group_by_process_s"] = peer
    print(f"SQLite peer: a process doing the multiple-leads GROUP BY: {peer:.2f} s")
    write = Writes(args.workdir)
    for scan in ("gaps", "conflicts"):
        out = args.workdir / f"{scan}.json"
        ref = args.workdir / f"{scan}-off.json"
        command(path, scan, ref, cache="off")  # untimed: bytecode written, the columns kept
        times: dict[str, list[float]] = {"cold": [], "kept": [], "off": []}
        runs = []
        same = True
        for _ in range(args.repeat):  # interleaved: the machine is shared
            times["cold"].append(command(path, scan, out, write=write))
            same &= out.read_bytes() == ref.read_bytes()
            times["kept"].append(command(path, scan, out))
            same &= out.read_bytes() == ref.read_bytes()
            times["off"].append(command(path, scan, out, cache="off"))
            same &= out.read_bytes() == ref.read_bytes()
            runs.append(in_process(path, scan))
        cold, cmd, off = (statistics.median(times[k]) for k in ("cold", "kept", "off"))
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        results[scan] = {
            "command_s": cmd,
            "command_cache_off_s": off,
            "command_cold_s": cold,
            "same_output": same,
            **med,
        }
        print(
            f"{scan} --json: command {cmd:.2f} s (answer kept), {off:.2f} s "
            f"(DUTYGRAPH_CACHE=off), first after a write {cold:.2f} s"
            f" | in process: open {med['open']:.2f} s, "
            f"scan {med['scan']:.2f} s, dicts {med['dicts']:.3f} s, orjson {med['orjson']:.3f} s "
            f"(json.dump indent=2 {med['json_indent2']:.3f} s, "
            f"{med['json_indent2'] / max(med['orjson'], 1e-9):.0f}x) | {int(med['rows'])} rows"
            f" | the same output every way: {same}"
        )
        whole = med["open"] + med["scan"]
        print(
            f"  ratios: command / scan {cmd / med['scan']:.2f} (answer kept), "
            f"{off / med['scan']:.2f} (cache off), {cold / med['scan']:.1f} (first after a "
            f"write); command / (open + scan) {cmd / whole:.2f} (answer kept), "
            f"{off / whole:.2f} (cache off), {cold / whole:.1f} (first after a write); "
            f"command / SQLite GROUP BY process {cmd / peer:.2f}"
        )
        if args.before:
            ab = before_and_now(path, args.before, args.workdir, scan, args.repeat)
            results[scan]["before_and_now"] = ab
            print(
                f"  before ({args.before}) {ab['before_s']:.2f} s, now {ab['now_s']:.2f} s "
                f"({ab['before_s'] / ab['now_s']:.2f}x faster; interleaved, median of "
                f"{args.repeat}); the same output: {ab['same_output']}"
            )
            aw = before_and_now(path, args.before, args.workdir, scan, args.repeat, write)
            results[scan]["before_and_now_after_a_write"] = aw
            print(
                f"  first after a write (a 10-row bundle): before {aw['before_s']:.2f} s, "
                f"now {aw['now_s']:.2f} s ({aw['before_s'] / aw['now_s']:.2f}x faster; "
                f"interleaved, median of {args.repeat}); the same output: {aw['same_output']}"
            )
            # each tree's command against its own in-process scan (fresh child processes,
            # alternating, on the same store file)
            scans: dict[str, list[float]] = {"before": [], "now": []}
            for k in range(args.repeat):
                for which in ("before", "now") if k % 2 == 0 else ("now", "before"):
                    src = args.before if which == "before" else HERE.parent / "src"
                    scans[which].append(in_process_of(src, path, scan)["scan"])
            ab["scan_s"] = {w: statistics.median(v) for w, v in scans.items()}
            b, n = ab["scan_s"]["before"], ab["scan_s"]["now"]
            print(
                f"  in-process scan (child processes, alternating): before {b:.2f} s, now "
                f"{n:.2f} s; command / scan: before {ab['before_s'] / b:.1f}, "
                f"now {ab['now_s'] / n:.1f}"
            )
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
