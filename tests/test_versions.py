"""Versions of a published list: the diff, closing at the effective date, as-of on both sides."""

from __future__ import annotations

import copy

import pytest

from dutygraph.analysis.resolve import resolve
from dutygraph.errors import ValidationFailed
from dutygraph.fixtures import DEMO_PATH
from dutygraph.importer import load
from dutygraph.io.citations import basis_id
from dutygraph.io.lists import diff_versions, list_versions

from .published_lists import POWER_ROWS, power_list_xlsx

LIST = "power_list:JJ-SCJ"


def _v2_rows():
    """Version 2: the 餐饮 sub-item cites one article fewer (changed), the punishment of
    row 7 is gone (removed), and a new item is added (it names no body: the owner)."""
    rows = copy.deepcopy(POWER_ROWS)
    rows[1][4] = "《食品安全法》第一百一十条"  # changed: one article fewer
    del rows[3]  # removed: the punishment (row 7 in version 1)
    rows.append(
        [
            "５",
            "对特种设备使用的监督检查",
            "",
            "行政检查",
            "《特种设备安全法》第五十七条",
            "",
            "",
            "县级",
            "",
            "",
        ]
    )
    return rows


@pytest.fixture
def two_versions(embedded_store, tmp_path):
    load(embedded_store, [DEMO_PATH])
    v1 = power_list_xlsx(tmp_path / "v1.xlsx")
    v2 = power_list_xlsx(
        tmp_path / "v2.xlsx", _v2_rows(), note="备注：本清单自2025年1月1日起施行。"
    )
    load(embedded_store, [v1])
    return embedded_store, v2


def _item(g, name):
    (hit,) = [i for i in g.items.values() if i.name == name and i.id.startswith("L-")]
    return hit


def test_new_version_diff_and_as_of_on_both_sides(two_versions):
    store, v2 = two_versions
    dry = load(store, [v2], dry_run=True)
    (diff,) = dry.lists
    assert (diff["list"], diff["version"], diff["previous"]) == (LIST, "2025-01-01", "2024-03-01")
    g = store.graph()
    punish = _item(g, "对未取得食品经营许可从事食品经营活动的处罚")
    cater = _item(g, "餐饮服务监督检查")
    assert [(d["item"], d["role"]) for d in diff["removed"]] == [(punish.id, "lead")]
    assert [c["new"]["item"] for c in diff["changed"]] == [cater.id]
    assert [d["department"] for d in diff["added"]] == ["JJ-SCJ"]  # the owner takes row 8's item
    assert diff["unchanged"] == 4
    assert store.graph().counts() == g.counts()  # --dry-run wrote nothing

    load(store, [v2])
    g = store.graph()
    # the removed duty is closed, not deleted: as of before 2025 the old version answers
    (old,) = [d for d in g.duty_list() if d.item == punish.id]
    assert (old.valid_from, old.valid_to) == ("2024-03-01", "2025-01-01")
    assert [
        a.department.id for a in resolve(g, punish.id, "510104", "lead", "2024-12-31").answers
    ] == ["JJ-SCJ"]
    after = resolve(g, punish.id, "510104", "lead", "2025-01-01").answers
    assert all(a.inherited for a in after)  # no explicit lead any more
    # the changed duty: the old one closed, the new one open from the effective date
    fsl = basis_id("食品安全法")
    cater_duties = sorted(
        (d.valid_from, d.valid_to, tuple(b for b in d.bases if b.startswith(fsl)))
        for d in g.duties_at(cater.id, "510104")
    )
    assert cater_duties == [
        ("2024-03-01", "2025-01-01", (f"{fsl}:110", f"{fsl}:114")),
        ("2025-01-01", None, (f"{fsl}:110",)),
    ]
    new_item = _item(g, "对特种设备使用的监督检查")
    assert resolve(g, new_item.id, "510104", "lead", "2024-12-31").answers == [] or all(
        a.inherited for a in resolve(g, new_item.id, "510104", "lead", "2024-12-31").answers
    )
    assert [
        a.department.id for a in resolve(g, new_item.id, "510104", "lead", "2025-06-01").answers
    ] == ["JJ-SCJ"]
    # unchanged duties keep their first version's row and date
    defence = _item(g, "对人防工程维护管理的监督检查")
    (kept,) = g.duties_at(defence.id, "510104")
    assert (kept.valid_from, kept.valid_to, kept.origin.version) == (
        "2024-03-01",
        None,
        "2024-03-01",
    )

    # the same version again changes nothing; the store's versions and their diff
    again = load(store, [v2])
    assert again.added == {} and again.changed == {}
    assert list_versions(g)[LIST] == ["2024-03-01", "2025-01-01"]
    stored = diff_versions(g, LIST, "2024-03-01", "2025-01-01")
    assert [d["item"] for d in stored["removed"]] == [punish.id]
    assert [d["item"] for d in stored["added"]] == [new_item.id]
    assert [c["new"]["item"] for c in stored["changed"]] == [cater.id]


def test_a_changed_list_needs_an_effective_date(two_versions, tmp_path):
    store, _ = two_versions
    undated = power_list_xlsx(tmp_path / "undated.xlsx", _v2_rows(), note=None)
    with pytest.raises(ValidationFailed, match="no effective date"):
        load(store, [undated])
    report = load(store, [undated], effective="2025-02-01")
    assert report.lists[0]["version"] == "2025-02-01"


def test_an_older_version_after_a_newer_one_is_refused(two_versions, tmp_path):
    store, v2 = two_versions
    load(store, [v2])
    old = power_list_xlsx(tmp_path / "old.xlsx")
    with pytest.raises(ValidationFailed, match="older than the version in force"):
        load(store, [old], effective="2024-06-01")


def test_cli_diff_and_dry_run(cli, two_versions, tmp_path):
    _, v2 = two_versions
    cli("load", str(DEMO_PATH))
    cli("load", str(power_list_xlsx(tmp_path / "v1.xlsx")))
    dry = cli("load", str(v2), "--dry-run").stdout
    assert (
        "清单 power_list:JJ-SCJ 版本 2025-01-01（上一版 2024-03-01）：新增 1，删除 1，变更 1，未变 4"
        in dry
    )
    dry = cli("load", str(v2), "--dry-run", "--lang", "en").stdout
    assert (
        "list power_list:JJ-SCJ version 2025-01-01 (previous 2024-03-01): 1 added, 1 removed, 1 changed, 4 unchanged"
        in dry
    )
    assert cli("diff", "--json")[LIST] == ["2024-03-01"]
    cli("load", str(v2))
    assert cli("diff", "--json")[LIST] == ["2024-03-01", "2025-01-01"]
    got = cli("diff", LIST, "--json")
    assert (
        got["old"],
        got["new"],
        len(got["added"]),
        len(got["removed"]),
        len(got["changed"]),
    ) == (
        "2024-03-01",
        "2025-01-01",
        1,
        1,
        1,
    )
    text = cli("diff", LIST).stdout
    assert "新增 1，删除 1，变更 1" in text and "  - lead" in text
    text = cli("diff", LIST, "--lang", "en").stdout
    assert "1 added, 1 removed, 1 changed" in text and "  - lead" in text
    missing = cli("diff", "nope", check=False)
    assert missing.returncode == 2 and "power_list:JJ-SCJ" in missing.stderr
