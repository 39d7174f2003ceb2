"""Issue #16/#22: how soon an over-long CSV is refused (``max_rows``), new check vs the old.

One CSV of ``--rows`` data rows (no quotes, like the generated duty tables), over
``max_rows`` (the default 2,000,000). Each case runs in its own child process, which
prints its wall time and its peak RSS:

- ``early``: ``read_csv(stream=True)`` then ``table_frame`` as the importer calls them
  (the line count in ``read_csv`` refuses the file before it is decoded);
- ``frame``: the old path in the same run: ``read_csv(stream=True)`` with the count out of
  the way (max_rows raised for it), which decodes the text and reads the header, then
  polars reads the whole frame and its height is checked against 2,000,000 (what
  ``table_frame`` did before).

    python benchmarks/csv_row_limit.py --rows 2200000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_common import child_env

CHILD = r"""
import io, resource, sys, time
from pathlib import Path
t = time.perf_counter()
from dutygraph.config import Settings, current
from dutygraph.errors import LoadError
from dutygraph.io.tables import read_csv, table_frame
import polars as pl
refused = False
try:
    if sys.argv[2] == "early":
        table_frame(read_csv(Path(sys.argv[1]), stream=True))
    else:
        raised = Settings().replace(max_rows=10**9)
        table = read_csv(Path(sys.argv[1]), stream=True, limits=raised)
        frame = pl.read_csv(io.BytesIO(table.data), infer_schema=False)
        if frame.height > current().max_rows:
            raise LoadError("over max_rows")
except LoadError:
    refused = True
wall = time.perf_counter() - t
print(f"{wall:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} {refused}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "duties.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write("事项编号,部门编号,地区编号,角色,依据,起始,终止\r\n")
            for i in range(args.rows):
                out.write(
                    f"I{i % 9973:05d},D{i % 211:04d},R{i % 3380:05d},lead,L{i % 97},2020-01-01,\r\n"
                )
        size = path.stat().st_size
        print(f"file: {args.rows:,} data rows, {size / 1e6:.1f} MB; max_rows = 2,000,000 (default)")
        figures = {}
        for case in ("early", "frame", "early", "frame"):
            out_ = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), case],
                capture_output=True,
                text=True,
                check=True,
                env=child_env(),
            ).stdout.split()
            wall, rss, refused = float(out_[0]), int(out_[1]), out_[2] == "True"
            print(f"{case:6s} wall {wall:7.3f} s  peak RSS {rss:6,} MB  refused {refused}")
            figures.setdefault(case, []).append((wall, rss))
        early = min(w for w, _ in figures["early"])
        frame = min(w for w, _ in figures["frame"])
        print(f"best wall: early {early:.3f} s vs frame {frame:.3f} s = {early / frame:.2f}x")
        print(
            f"peak RSS: early {min(r for _, r in figures['early']):,} MB vs frame "
            f"{min(r for _, r in figures['frame']):,} MB"
        )


if __name__ == "__main__":
    main()
