"""The reference national catalogue (``src/dutygraph/data/catalogue``) and the
assignment evaluation set (``tests/data/assign_eval.csv``) hold together.

Stdlib only: these checks read the CSV files as text, so they hold whatever the
package's importer does, and they say which row is wrong.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "src" / "dutygraph" / "data" / "catalogue"
EVAL = ROOT / "tests" / "data" / "assign_eval.csv"

# SPEC §4: the columns every file must carry, in this order (extra columns may follow).
COLUMNS = {
    "regions.csv": ["code", "name", "level", "parent"],
    "departments.csv": [
        "id",
        "name",
        "region",
        "systems",
        "superior",
        "vertical",
        "aliases",
        "valid_from",
        "valid_to",
        "successor",
    ],
    "items.csv": [
        "id",
        "name",
        "parent",
        "domain",
        "power_type",
        "objects",
        "keywords",
        "levels",
        "key_item",
    ],
    "bases.csv": ["id", "title", "kind", "issuer", "article", "valid_from", "valid_to"],
    "duties.csv": [
        "department",
        "item",
        "region",
        "role",
        "bases",
        "valid_from",
        "valid_to",
        "source",
    ],
    "behaviors.csv": ["id", "name", "items", "keywords"],
    "business_forms.csv": [
        "id",
        "name",
        "description",
        "behaviors",
        "lead",
        "assist",
        "settled_on",
        "basis",
    ],
}
EVAL_COLUMNS = ["name", "description", "behaviors", "expected_lead", "source"]

POWER_TYPES = {
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
}
LEVELS = {"national", "province", "prefecture", "county", "township"}
KINDS = {
    "law",
    "administrative-regulation",
    "local-regulation",
    "department-rule",
    "local-rule",
    "normative-document",
    "three-determinations",
    "power-list",
    "decision",
}
ROLES = {"lead", "assist", "territorial"}


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: remove the UTF-8 BOM"
    text = raw.decode("utf-8")
    reader = csv.DictReader(text.splitlines())
    rows = list(reader)
    header = list(reader.fieldnames or [])
    for n, row in enumerate(rows, start=2):
        assert None not in row and None not in row.values(), (
            f"{path.name} row {n}: wrong number of cells"
        )
    return header, rows


def _multi(cell: str) -> list[str]:
    return [v.strip() for v in cell.replace("；", ";").replace("、", ";").split(";") if v.strip()]


def _date(cell: str, where: str) -> date | None:
    if not cell:
        return None
    try:
        return date.fromisoformat(cell)
    except ValueError:  # pragma: no cover - the message is the point
        pytest.fail(f"{where}: {cell!r} is not an ISO date")


@pytest.fixture(scope="module")
def cat() -> dict[str, list[dict[str, str]]]:
    out = {}
    for name, columns in COLUMNS.items():
        header, rows = _read(CATALOGUE / name)
        assert header[: len(columns)] == columns, f"{name}: header must start with {columns}"
        out[name] = rows
    return out


@pytest.fixture(scope="module")
def ids(cat: dict[str, list[dict[str, str]]]) -> dict[str, set[str]]:
    return {
        "region": {r["code"] for r in cat["regions.csv"]},
        "department": {r["id"] for r in cat["departments.csv"]},
        "item": {r["id"] for r in cat["items.csv"]},
        "basis": {r["id"] for r in cat["bases.csv"]},
        "behavior": {r["id"] for r in cat["behaviors.csv"]},
        "business_form": {r["id"] for r in cat["business_forms.csv"]},
    }


def test_counts(cat: dict[str, list[dict[str, str]]]) -> None:
    assert len(cat["items.csv"]) >= 80
    assert len(cat["behaviors.csv"]) >= 150
    assert len([f for f in cat["business_forms.csv"] if f["lead"] and f["settled_on"]]) >= 15
    assert len(_read(EVAL)[1]) >= 25


def test_ids_unique(cat: dict[str, list[dict[str, str]]]) -> None:
    for name, rows in cat.items():
        key = "code" if name == "regions.csv" else "id"
        if key not in rows[0]:
            continue
        seen: set[str] = set()
        for n, row in enumerate(rows, start=2):
            assert row[key] not in seen, f"{name} row {n}: duplicate id {row[key]}"
            seen.add(row[key])


def test_vocabularies(cat: dict[str, list[dict[str, str]]]) -> None:
    assert cat["regions.csv"] == [
        {"code": "000000", "name": "全国", "level": "national", "parent": ""}
    ]
    for n, it in enumerate(cat["items.csv"], start=2):
        assert it["power_type"] in POWER_TYPES, (
            f"items.csv row {n}: power_type {it['power_type']!r}"
        )
        assert set(_multi(it["levels"])) <= LEVELS, f"items.csv row {n}: levels {it['levels']!r}"
        assert it["key_item"] in {"", "yes"}, f"items.csv row {n}: key_item"
        assert it["domain"] and it["keywords"] and it["objects"], (
            f"items.csv row {n}: domain/keywords/objects"
        )
    for n, b in enumerate(cat["bases.csv"], start=2):
        assert b["kind"] in KINDS, f"bases.csv row {n}: kind {b['kind']!r}"
        start, end = (
            _date(b["valid_from"], f"bases.csv row {n}"),
            _date(b["valid_to"], f"bases.csv row {n}"),
        )
        assert start, f"bases.csv row {n}: valid_from is required here"
        assert end is None or start < end, f"bases.csv row {n}: empty interval"
    for n, d in enumerate(cat["departments.csv"], start=2):
        assert d["region"] == "000000" and d["systems"], f"departments.csv row {n}"
        assert d["vertical"] in {"", "yes"}, f"departments.csv row {n}: vertical"
        for line in _multi(d["systems"]):
            assert line == line.lower() and " " not in line, (
                f"departments.csv row {n}: line {line!r}"
            )
    for n, d in enumerate(cat["duties.csv"], start=2):
        assert d["role"] in ROLES and d["region"] == "000000", f"duties.csv row {n}"
        assert d["source"] == "national-catalogue", f"duties.csv row {n}: source"


def test_references(cat: dict[str, list[dict[str, str]]], ids: dict[str, set[str]]) -> None:
    def check(file: str, n: int, column: str, kind: str, cell: str) -> None:
        for value in _multi(cell):
            assert value in ids[kind], f"{file} row {n}: {column} {value!r}: no such {kind}"

    for n, d in enumerate(cat["departments.csv"], start=2):
        check("departments.csv", n, "superior", "department", d["superior"])
        check("departments.csv", n, "successor", "department", d["successor"])
        assert not d["successor"] or d["valid_to"], (
            f"departments.csv row {n}: successor without valid_to"
        )
    for n, it in enumerate(cat["items.csv"], start=2):
        check("items.csv", n, "parent", "item", it["parent"])
    for n, d in enumerate(cat["duties.csv"], start=2):
        check("duties.csv", n, "department", "department", d["department"])
        check("duties.csv", n, "item", "item", d["item"])
        check("duties.csv", n, "region", "region", d["region"])
        assert _multi(d["bases"]), f"duties.csv row {n}: every duty needs a basis"
        check("duties.csv", n, "bases", "basis", d["bases"])
    for n, b in enumerate(cat["behaviors.csv"], start=2):
        check("behaviors.csv", n, "items", "item", b["items"])
        assert b["keywords"], f"behaviors.csv row {n}: keywords"
    for n, f in enumerate(cat["business_forms.csv"], start=2):
        check("business_forms.csv", n, "behaviors", "behavior", f["behaviors"])
        check("business_forms.csv", n, "lead", "department", f["lead"])
        check("business_forms.csv", n, "assist", "department", f["assist"])
        check("business_forms.csv", n, "basis", "basis", f["basis"])
        if not f["lead"]:  # a known-unsettled form: an open question, and why it is one
            assert f.get("note") and not f["settled_on"], f"business_forms.csv row {n}: note"
            continue
        assert f["basis"] and _date(f["settled_on"], f"business_forms.csv row {n}")
        assert f["lead"] not in _multi(f["assist"]), (
            f"business_forms.csv row {n}: lead also assists"
        )


def test_trees_have_no_cycles(cat: dict[str, list[dict[str, str]]]) -> None:
    for file, key, parent in (
        ("items.csv", "id", "parent"),
        ("departments.csv", "id", "superior"),
        ("departments.csv", "id", "successor"),
    ):
        up = {r[key]: r[parent] for r in cat[file] if r[parent]}
        for start in up:
            seen, node = {start}, up[start]
            while node:
                assert node not in seen, f"{file}: {parent} cycle through {start}"
                seen.add(node)
                node = up.get(node, "")


def test_every_item_has_exactly_one_national_lead_at_any_date(
    cat: dict[str, list[dict[str, str]]],
) -> None:
    """From its first lead on, each item has one lead at 000000 on every date: the
    lead intervals neither overlap nor leave a hole, and the last stays open."""
    leads: dict[str, list[tuple[date, date | None, str]]] = defaultdict(list)
    for n, d in enumerate(cat["duties.csv"], start=2):
        where = f"duties.csv row {n}"
        start, end = _date(d["valid_from"], where), _date(d["valid_to"], where)
        assert start and (end is None or start < end), f"{where}: bad interval"
        if d["role"] == "lead" and d["region"] == "000000":
            leads[d["item"]].append((start, end, d["department"]))
    for it in cat["items.csv"]:
        spans = sorted(leads.get(it["id"], []), key=lambda s: s[0])
        assert spans, f"item {it['id']} has no lead at 000000"
        for (_s1, e1, d1), (s2, _e2, d2) in pairwise(spans):
            assert e1 is not None, f"item {it['id']}: {d1} (open) overlaps {d2} from {s2}"
            assert e1 == s2, (
                f"item {it['id']}: {d1} ends {e1} but {d2} starts {s2} (overlap or hole)"
            )
        assert spans[-1][1] is None, f"item {it['id']}: the last lead is closed; nobody leads today"


def test_duties_fall_within_their_departments_life(cat: dict[str, list[dict[str, str]]]) -> None:
    life = {d["id"]: d for d in cat["departments.csv"]}
    for n, d in enumerate(cat["duties.csv"], start=2):
        dept = life[d["department"]]
        if dept["valid_from"]:
            assert d["valid_from"] >= dept["valid_from"], (
                f"duties.csv row {n}: before {dept['id']} existed"
            )
        if dept["valid_to"] and not dept["successor"]:
            assert d["valid_to"] and d["valid_to"] <= dept["valid_to"], (
                f"duties.csv row {n}: outlives {dept['id']}, which has no successor"
            )


def test_eval_set(ids: dict[str, set[str]]) -> None:
    header, rows = _read(EVAL)
    assert header[: len(EVAL_COLUMNS)] == EVAL_COLUMNS
    with_form = 0
    for n, row in enumerate(rows, start=2):
        assert row["name"] and row["description"] and row["source"], f"assign_eval.csv row {n}"
        assert row["expected_lead"] in ids["department"], f"assign_eval.csv row {n}: expected_lead"
        for b in _multi(row["behaviors"]):
            assert b in ids["behavior"], f"assign_eval.csv row {n}: behavior {b!r}"
        form = row.get("business_form", "")
        if form:
            assert form in ids["business_form"], f"assign_eval.csv row {n}: business_form {form!r}"
            with_form += 1
    assert with_form > len(rows) / 2, "most evaluation cases should have a settled precedent"
    assert with_form < len(rows), "some cases must be answerable from behaviours and items alone"
