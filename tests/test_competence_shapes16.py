"""Competence clauses of the shapes fresh11 showed (issue #14 item 4, session 16; docs/competence-rules.md §十一),
each on the real article of the packaged corpus it was read from: what both readers read (the rule reader,
``extract_by_rules``, and the shipped combination, ``extract``) and what neither may keep."""

from __future__ import annotations

import pytest

from dutygraph.io.laws.competence import core, extract, extract_by_rules, rejected

from .laws import law_version


def _rules(title: str, article: str) -> set[tuple[str, str]]:
    return {
        (c.level, core(c.department))
        for c in extract_by_rules(law_version(title))
        if c.article == article
    }


def _shipped(title: str, article: str) -> set[tuple[str, str]]:
    return {
        (c.level, core(c.department)) for c in extract(law_version(title)) if c.article == article
    }


@pytest.mark.parametrize(
    ("title", "article", "clauses"),
    [
        # rule 14: 省级以上人民政府兽医行政管理部门 takes in the State Council's department (all), not local
        ("兽药管理条例", "第七条", {("all", "兽医行政管理")}),
        ("兽药管理条例", "第十四条", {("all", "兽医行政管理")}),
        # rule 1: 行使兽药监督管理权, the field in the verb
        ("兽药管理条例", "第四十四条", {("all", "兽医行政管理")}),
        # rule 18: 渔业主管部门及其所属的渔政监督管理机构 — two bodies, the one it owns at no level said
        ("兽药管理条例", "第七十四条", {("all", "渔业"), ("any", core("渔政监督管理机构"))}),
        # rule 19 and 在X指导下 (an adverbial like 在X领导下): 国务院和县级以上地方各级人民政府X机构 is two rows
        (
            "公共机构节能条例",
            "第四条",
            {
                ("national", "管理节能工作的"),
                ("national", "管理机关事务工作的"),
                ("local", "管理机关事务工作的"),
            },
        ),
        # adverbials 按照统筹层次, 密切配合、相互协作
        (
            "社会保险经办条例",
            "第四条",
            {
                ("national", "人力资源社会保障"),
                ("national", "医疗保障"),
                ("local", "人力资源社会保障"),
                ("local", "医疗保障"),
            },
        ),
        (
            "社会保险经办条例",
            "第五条",
            {("national", "人力资源社会保障"), ("national", "医疗保障")},
        ),
        # 按照管理权限 (rules 1, 14: 县级以上各级 is all)
        ("地方各级人民政府机构设置和编制管理条例", "第二十一条", {("all", "机构编制管理")}),
        # rules 5, 25: 广告的管理机关是X
        (
            "广告管理条例",
            "第五条",
            {("national", "工商行政管理"), ("local", "工商行政管理")},
        ),
        # rules 10, 24: 国务院建立X协调机制，统筹协调…
        ("职业教育法", "第八条", {("national", "职业教育工作协调机制")}),
    ],
)
def test_the_rule_reader_reads_these_shapes(title, article, clauses):
    assert clauses <= _rules(title, article)


@pytest.mark.parametrize(
    ("title", "article", "clause"),
    [
        ("兽药管理条例", "第七条", ("all", "兽医行政管理")),
        ("公共机构节能条例", "第四条", ("national", "管理机关事务工作的")),
        ("社会保险经办条例", "第四条", ("local", "医疗保障")),
        ("出口管制法", "第五条", ("national", "出口管制工作协调机制")),
        ("广告管理条例", "第五条", ("national", "工商行政管理")),
    ],
)
def test_the_shipped_combination_keeps_them(title, article, clause):
    assert clause in _shipped(title, article)


def test_a_wrong_level_is_no_longer_read():
    # 省级以上 was read local (兽药管理条例 第七条), 国务院和县级以上地方… cut at the 机关 inside the name
    assert ("local", "兽医行政管理") not in _rules("兽药管理条例", "第七条") | _shipped(
        "兽药管理条例", "第七条"
    )
    assert ("national", "管理") not in _rules("公共机构节能条例", "第四条")


@pytest.mark.parametrize(
    ("title", "article", "gone"),
    [
        # rule 8: 行政机关 names every administrative body, none
        ("行政强制法", "第十六条", ("any", "行政")),
        # rule 9: 开展本级系统内…工作, a line's own system
        ("公共机构节能条例", "第四条", ("any", "教育")),
        # rule 7: 单独或者会同 — 单独 is no part of the name
        ("出口管制法", "第二十九条", ("national", core("出口管制管理部门单独部门"))),
    ],
)
def test_neither_reader_keeps_these(title, article, gone):
    assert gone not in _rules(title, article) | _shipped(title, article)


def test_an_own_system_is_rejected_by_rule_9():
    text = "教育、科技、文化、卫生、体育等系统各级主管部门在同级管理机关事务工作的机构指导下，开展本级系统内公共机构节能工作。"
    assert rejected("教育主管部门", "本级系统内公共机构节能工作", text) == "9"
    # the same line's own level is a field (公共机构节能条例 第四条第二款: 负责本级公共机构节能监督管理工作)
    assert rejected("管理机关事务工作的机构", "本级公共机构节能监督管理工作", text) is None
