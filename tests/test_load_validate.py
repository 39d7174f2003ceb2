"""``dutygraph load --validate``: the SHACL shapes run first, and a violation imports nothing."""

from __future__ import annotations

from dutygraph.fixtures import DEMO_PATH

STRICT = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dg: <https://w3id.org/dutygraph#> .
@prefix ex: <https://example.org/shapes#> .
ex:EveryDepartmentHasAnAlias a sh:NodeShape ;
    sh:targetClass dg:Department ;
    sh:property [ sh:path dg:aliases ; sh:minCount 1 ;
                  sh:message "a department needs an alias (this site's rule)" ] .
"""


def test_conforming_input_is_checked_then_imported(cli):
    report = cli("load", str(DEMO_PATH), "--validate", "--json")
    assert report["added"]["duty"] == 31


def test_a_violation_stops_the_import_and_says_where(cli, tmp_path):
    shapes = tmp_path / "strict.ttl"
    shapes.write_text(STRICT, "utf-8")
    proc = cli(
        "load", str(DEMO_PATH), "--validate", check=False, env={"DUTYGRAPH_SHAPES": str(shapes)}
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "SHACL violation" in proc.stderr and "departments.csv" in proc.stderr
    assert "nothing was imported" in proc.stderr
    assert not cli.store_path.exists()
