"""Strict readers (issue #22): every bad input of the issue, built for real, through ``dutygraph load``.

A refused input exits 2 with a message that locates the problem (never exit 1,
never a traceback) and leaves the store byte-identical; an input that is fine
imports every row, however its workbook describes itself. The cases are in
:mod:`tests.bad_inputs`.
"""

from __future__ import annotations

import json

import pytest

from dutygraph.fixtures import DEMO_PATH

from .bad_inputs import CASES, LIST_GBK_OK, OK, Case


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_is_refused_with_its_place_or_read_whole(case: Case, tmp_path, cli):
    path = case.build(tmp_path)
    cli("load", str(DEMO_PATH))  # a store holding something: a refusal must leave it as it was
    before = cli.store_path.read_bytes()
    proc = cli("load", str(path), *case.args, "--json", check=False)
    if case.outcome == OK:
        assert proc.returncode == 0, proc.stderr
        read = json.loads(proc.stdout)["read"]
        for kind, rows in case.reads.items():
            assert read.get(kind) == rows, (kind, read)
        return
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    for words in case.says:
        assert words in proc.stderr, (words, proc.stderr)
    assert cli.store_path.read_bytes() == before, "a refused input changed the store"


def test_a_gb18030_list_reads_where_the_user_says_so(tmp_path, cli):
    cli("load", str(DEMO_PATH))
    out = cli("load", str(LIST_GBK_OK.build(tmp_path)), *LIST_GBK_OK.args, "--json")
    assert out["read"]["duty"] > 0
