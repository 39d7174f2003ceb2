"""A small write needs neither polars nor networkx, and checks the trees as before.

The duty table of a small bundle is read without polars (tests/test_bundle_small.py
shows it reads the same); the trees' cycle check asks networkx only when the links
met do come back on themselves (``validation._has_cycle``), so the answer and every
cycle message are networkx's as before, and a write without a cycle never imports it
(0.2 s of a one-shot command).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from dutygraph.validation import _has_cycle

from .test_fuzz import FUZZ

NODES = st.sampled_from(list("abcdefgh"))


@given(links=st.dictionaries(NODES, NODES, max_size=8))
@FUZZ
def test_a_cycle_is_found_exactly_when_networkx_finds_one(links: dict[str, str]) -> None:
    cycles = list(nx.simple_cycles(nx.DiGraph(list(links.items()))))
    assert _has_cycle(links) == bool(cycles)


def test_loading_the_demo_into_a_new_store_imports_neither_polars_nor_networkx(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from dutygraph import importer\n"
        "from dutygraph.fixtures import DEMO_PATH\n"
        "from dutygraph.store import EmbeddedStore\n"
        f"report = importer.load(EmbeddedStore({str(tmp_path / 's.db')!r}), [DEMO_PATH])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'polars', 'networkx'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
