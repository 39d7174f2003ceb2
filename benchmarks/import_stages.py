"""Peak and held RSS of one bundle import, stage by stage: where the import's memory goes.

    python benchmarks/import_stages.py BUNDLE [STORE.db]

Runs ``dutygraph load BUNDLE --store STORE.db`` (a new store; default a temporary one) in
this process, through the CLI, and prints before and after each stage — reading the input,
parsing the duty table (polars), resolving citations, checking, planning, the bulk write —
the process's peak RSS so far (``ru_maxrss``), its RSS now, and the seconds since start.
A stage whose "after" peak is above its "before" one raised the import's peak. Polars'
allocator keeps what it frees: RSS held after a stage counts that memory too.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

T0 = time.perf_counter()


def rss(tag: str) -> None:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open("/proc/self/statm") as f:
        now = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    print(
        f"{tag}: peak {peak:.0f} MB, now {now:.0f} MB, {time.perf_counter() - T0:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def _traced(module: Any, name: str) -> None:
    orig: Callable[..., Any] = getattr(module, name)

    def traced(*args: Any, **kwargs: Any) -> Any:
        rss(f"before {name}")
        out = orig(*args, **kwargs)
        rss(f"after {name}")
        return out

    setattr(module, name, traced)


def main() -> None:
    bundle = sys.argv[1]
    store = sys.argv[2] if len(sys.argv) > 2 else os.path.join(tempfile.mkdtemp(), "s.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(store + suffix):
            os.unlink(store + suffix)
    rss("start")
    from dutygraph import importer
    from dutygraph.cli.main import main as cli
    from dutygraph.io import bundle as bundle_io
    from dutygraph.io.laws import cite
    from dutygraph.store.sqlite import bulk

    for module, name in (
        (importer, "read_input"),
        (bundle_io, "table_frame"),
        (cite, "resolve_citations"),
        (importer, "check_batch"),
        (importer, "_plan"),
        (bulk, "write_bulk"),
    ):
        _traced(module, name)
    rss("imports")
    cli(["load", bundle, "--store", store])
    rss("end")


if __name__ == "__main__":
    main()
