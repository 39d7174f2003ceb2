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
from .io.bundle import Batch, read_bundle

__all__ = ["DEMO_PATH", "demo_graph"]

#: the demo bundle folder
DEMO_PATH = Path(str(files("dutygraph") / "data" / "demo"))


@lru_cache(maxsize=1)
def demo_graph() -> DutyGraph:
    """The demo bundle as an in-memory graph (no store needed), its bases resolved to the
    law corpus the package ships, as an import resolves them (:mod:`dutygraph.io.laws.cite`)."""
    return DutyGraph(_resolved(read_bundle(DEMO_PATH)).records())


def _resolved(batch: Batch) -> Batch:
    from .io.laws.cite import resolve_citations

    resolve_citations(batch, DutyGraph())
    return batch


# -- the reference national catalogue ------------------------------------------------------

#: the reference national catalogue bundle folder (central departments, items, behaviours,
#: settled business forms; its sources in ``SOURCES.md``)
CATALOGUE_PATH = Path(str(files("dutygraph") / "data" / "catalogue"))


def catalogue_path() -> Path:
    """The folder of the reference national catalogue bundle shipped in the package.

    >>> (catalogue_path() / "items.csv").is_file()
    True
    """
    return CATALOGUE_PATH


@lru_cache(maxsize=2)
def catalogue_graph(with_demo: bool = False) -> DutyGraph:
    """The reference national catalogue as an in-memory graph (no store needed).

    With ``with_demo`` the demo's regions and local departments come too; the
    catalogue is read last, so its national records replace the demo's
    records with the same ids (the demo's items are a subset of the catalogue's).

    >>> g = catalogue_graph()
    >>> len(g.items) >= 80, len(g.behaviors) >= 150
    (True, True)
    >>> catalogue_graph(with_demo=True).regions["510104"].name
    '锦江区'
    """
    paths = [DEMO_PATH, CATALOGUE_PATH] if with_demo else [CATALOGUE_PATH]
    records: dict[tuple[str, object], object] = {}
    for p in paths:  # a later record with the same identity replaces the earlier one
        for r in _resolved(read_bundle(p)).records():
            records[(r.label, r.key if r.label == "duty" else r.id)] = r
    return DutyGraph(records.values())  # type: ignore[arg-type]


__all__ += ["CATALOGUE_PATH", "catalogue_graph", "catalogue_path"]


# -- worked what-if examples ---------------------------------------------------------------

#: the worked what-if scenarios shipped with the demo (``dutygraph whatif``)
SCENARIOS_PATH = DEMO_PATH / "scenarios"
#: the financial-regulation line as of 2022, a small bundle apart from the demo, that the
#: 2023 reform scenario (``scenarios/finance-reform-2023.toml``) changes
FINANCE_2022_PATH = DEMO_PATH / "finance-2022"


@lru_cache(maxsize=1)
def finance_graph() -> DutyGraph:
    """The finance-2022 bundle as an in-memory graph.

    >>> finance_graph().departments["N-CBIRC"].name
    '中国银行保险监督管理委员会'
    """
    return DutyGraph(read_bundle(FINANCE_2022_PATH).records())


__all__ += ["FINANCE_2022_PATH", "SCENARIOS_PATH", "finance_graph"]
