"""The demo data set: a small, realistic bundle shipped in the package.

Four governments deep (全国 → 四川省 → 成都市 → 锦江区/武侯区, and 绵阳市 →
江油市, 重庆市 → 渝中区), with lines and counterparts, a merged
comprehensive-enforcement body, a vertical line (tobacco), an abolished
department with and one without a successor, a province that names two leads,
a city whose 三定 and power list disagree, a duty resting on a repealed law,
and two business forms settled as precedents. The demo, the doctests and the
tests all use it.

>>> g = demo_graph()
>>> g.departments["JY-ZHZF"].systems
('culture-tourism', 'housing', 'emergency')
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .graph import DutyGraph
from .io.bundle import read_bundle

__all__ = ["DEMO_PATH", "demo_graph"]

#: the demo bundle folder
DEMO_PATH = Path(str(files("dutygraph") / "data" / "demo"))


@lru_cache(maxsize=1)
def demo_graph() -> DutyGraph:
    """The demo bundle as an in-memory graph (no store needed)."""
    batch = read_bundle(DEMO_PATH)
    return DutyGraph(row.record for row in batch.rows)
