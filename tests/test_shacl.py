"""SHACL validation against ontology/shapes.ttl: the demo conforms, a planted violation is found."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dutygraph.fixtures import DEMO_PATH, demo_graph
from dutygraph.io.bundle import read_bundle

pytest.importorskip("pyshacl")

from dutygraph.io.rdf import write_rdf
from dutygraph.shacl import shapes_path, validate_batch, validate_graph, validate_path

DUTY = "https://w3id.org/dutygraph/id/duty/N-SAMR%7CI-FOOD%7C000000%7Clead%7C%7C2018-09-10"


def test_the_shapes_are_the_published_ones():
    assert shapes_path().name == "shapes.ttl" and shapes_path().is_file()


def test_the_demo_export_conforms_and_two_leads_are_a_warning():
    report = validate_graph(demo_graph())
    assert report.conforms and report.violations == []
    warned = {r.record for r in report.results if r.severity == "warning"}
    assert ("duty", "SC-SCJ|I-MEDBEAUTY|510000|lead||2023-12-01") in warned


def test_a_planted_violation_is_flagged_with_its_node_and_row(tmp_path: Path):
    out = io.StringIO()
    write_rdf(demo_graph(), out, "nt")
    lines = [
        line
        for line in out.getvalue().splitlines(keepends=True)
        if not line.startswith(f"<{DUTY}> <https://w3id.org/dutygraph#department>")
    ]
    path = tmp_path / "planted.nt"
    path.write_text("".join(lines), "utf-8")
    report = validate_path(path)
    assert not report.conforms
    hits = [r for r in report.violations if r.focus == DUTY]
    assert any(r.path == "dg:department" and "exactly one department" in r.message for r in hits)
    assert any(r.origin and r.origin.file == "duties.csv" for r in hits)


def test_validate_command_exit_codes(cli, tmp_path: Path):
    ok = cli("validate", str(DEMO_PATH), check=False)
    assert ok.returncode == 0 and "conforms" in ok.stdout
    out = io.StringIO()
    write_rdf(demo_graph(), out, "ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text(out.getvalue().replace("dg:role dg:lead", "dg:role dg:leader", 1), "utf-8")
    res = cli("validate", str(bad), "--json", check=False)
    assert res.returncode == 1
    assert "unknown term dg:leader" in res.stdout
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n", "utf-8")
    res = cli("validate", str(broken), check=False)
    assert res.returncode == 2 and "line 1" in res.stderr


def test_a_batch_points_at_its_input_rows():
    report = validate_batch(read_bundle(DEMO_PATH))
    assert report.conforms
    assert any(str(r.origin).startswith("duties.csv, row ") for r in report.results)
