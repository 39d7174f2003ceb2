"""What the issue-17 benchmarks share: the date, the stores they make, percentiles, the machine line."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from generate import generate

from dutygraph.importer import load
from dutygraph.store import EmbeddedStore

AS_OF = "2025-06-01"

#: the SQLite peer's scan: the multiple-lead sites, by a GROUP BY on the store's own file
GROUP_BY = """SELECT item, region, count(DISTINCT department) AS n FROM duty
WHERE role = 'lead' AND (valid_from IS NULL OR valid_from <= ?) AND (valid_to IS NULL OR ? < valid_to)
GROUP BY item, region HAVING n > 1"""


def store_for(size: str, workdir: Path) -> Path:
    """The embedded store of the generated bundle ``size`` in ``workdir`` (made once)."""
    bundle = workdir / size
    if not (bundle / "expected.json").exists():
        generate(size, bundle)
    path = workdir / f"{size}-cli.db"
    if not path.exists():
        load(EmbeddedStore(path), [bundle])
    return path


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a measured child process: as an installed package runs.

    ``PYTHONDONTWRITEBYTECODE`` (set on this machine) makes every fresh process compile
    dutygraph's modules from source again (0.7 s of a 1.5 s command); a pip-installed
    package has its bytecode. The caller runs the command once, untimed, to write it.
    """
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def pct(xs: list[float], p: float) -> float:
    """The ``p``-th percentile of ``xs``."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def machine() -> str:
    """``2 cores (shared machine, load 7.1), Python 3.11.7``: said with every figure."""
    return (
        f"{os.cpu_count()} cores (shared machine, load {os.getloadavg()[0]:.1f}), "
        f"Python {platform.python_version()}"
    )
