"""Rules that reject a whole kind of competence clause whichever reader found it (issue #14 item 4, session 15):
``competence.rejected``, each on the real clause it was written from (the false clauses of fresh9 and fresh10
adjudicated) and each naming the rule of docs/competence-rules.md it enforces."""

from __future__ import annotations

import pytest

from dutygraph.io.laws.competence import core, extract, extract_by_rules, rejected

from .laws import law_version


def _kept(title: str, article: str) -> set[tuple[str, str]]:
    """(level, department core) of one article as the shipped extractor and the rule reader keep it."""
    v = law_version(title)
    return {
        (c.level, core(c.department))
        for c in [*extract(v), *extract_by_rules(v)]
        if c.article == article
    }


@pytest.mark.parametrize(
    ("department", "matter", "text", "rule"),
    [
        # rules 9, 36: a provider of a service, market infrastructure, a unit's own party committee
        (
            "退役军人服务机构",
            "退役军人就业创业扶持等服务保障工作",
            "退役军人服务中心、服务站点等退役军人服务机构应当加强与退役军人联系沟通，做好退役军人就业创业扶持等服务保障工作。",
            "9",
        ),
        (
            "动物诊疗机构",
            "诊疗废弃物处置等工作",
            "动物诊疗机构应当…做好诊疗废弃物处置等工作。",
            "9",
        ),
        ("期货结算机构", "组织期货交易的结算、交割", "期货结算机构履行下列职责：", "9"),
        (
            "中国共产党高等学校基层委员会",
            "学校工作",
            "中国共产党高等学校基层委员会…统一领导学校工作",
            "9",
        ),
        # rules 8, 24: an unnamed body, a delegate
        (
            "机关其他部门",
            "预备役人员有关工作",
            "中央军事委员会机关其他部门按照职责分工负责预备役人员有关工作。",
            "8",
        ),
        (
            "委托的卫生健康监督机构",
            "行政执法工作",
            "…卫生健康主管部门及其委托的卫生健康监督机构，依法开展…行政执法工作。",
            "8",
        ),
        # rule 16: the phrase cut short (公安部 | 督察委员会领导…)
        (
            "公安部",
            "委员会领导全国公安机关的督察工作",
            "公安部督察委员会领导全国公安机关的督察工作",
            "16",
        ),
        # rule 29: a conduct norm
        (
            "银行业监督管理机构",
            "银行业",
            "银行业监督管理机构对银行业实施监督管理，应当遵循依法、公开、公正和效率的原则。",
            "29",
        ),
        # rule 40: a top body's 统一领导 of its whole system
        (
            "中央军事委员会",
            "全军文职人员管理工作",
            "中央军事委员会统一领导全军文职人员管理工作。",
            "40",
        ),
        (
            "军事委员会",
            "全军文职人员管理工作",
            "中央军事委员会统一领导全军文职人员管理工作。",
            "40",
        ),
    ],
)
def test_a_kind_the_rules_rule_out_is_rejected_with_its_rule(department, matter, text, rule):
    assert rejected(department, matter, text) == rule


@pytest.mark.parametrize(
    ("department", "matter", "text"),
    [
        # a standing department's field stays (rule 1), and so does a top body's own line (rule 40)
        ("草原行政主管部门", "全国草原防火工作", "国务院草原行政主管部门主管全国草原防火工作。"),
        ("中央军事委员会", "全国武装力量", "中央军事委员会领导全国武装力量。"),
        # 国防法 第三十一条: its own line, 统一领导 or not (rule 40)
        (
            "军事委员会",
            "边防、海防、空防和其他重大安全领域的防卫工作",
            "中央军事委员会统一领导边防、海防、空防和其他重大安全领域的防卫工作。",
        ),
        (
            "政务服务管理机构",
            "在线政务服务工作",
            "县级以上地方人民政府政务服务管理机构负责本行政区域在线政务服务工作。",
        ),
        # 「密切配合，共同做好」 is its own field done with the others (农业机械化促进法 第六条, rule 8 counts it)
        (
            "农业行政主管部门",
            "农业机械化促进工作",
            "国务院农业行政主管部门和其他负责农业机械化有关工作的部门，按照各自的职责分工，密切配合，共同做好农业机械化促进工作。",
        ),
        # a matter that begins with 机关 as a class of objects is no phrase cut short (保守国家秘密法 第五十一条)
        (
            "保密行政管理部门",
            "机关、单位遵守保密法律法规和相关制度的情况",
            "保密行政管理部门依法对机关、单位遵守保密法律法规和相关制度的情况进行检查；",
        ),
        # 配合 said of another body, after the verb, is not this body's verb
        (
            "公安机关",
            "道路交通安全管理工作",
            "公安机关负责道路交通安全管理工作，有关部门予以配合。",
        ),
    ],
)
def test_a_field_of_a_named_authority_is_not_rejected(department, matter, text):
    assert rejected(department, matter, text) is None


@pytest.mark.parametrize(
    ("title", "article", "gone"),
    [
        ("退役军人保障法", "第六十六条", ("any", core("退役军人服务机构"))),
        ("动物防疫法", "第六十四条", ("any", core("动物诊疗机构"))),
        ("期货和衍生品法", "第九十四条", ("any", core("期货结算机构"))),
        ("高等教育法", "第三十九条", ("any", core("中国共产党高等学校基层委员会"))),
        ("预备役人员法", "第五条", ("national", core("机关其他部门"))),
        ("基本医疗卫生与健康促进法", "第九十四条", ("local", core("委托的卫生健康监督机构"))),
        ("公安机关督察条例", "第二条", ("national", "公安部")),
        ("公安机关督察条例", "第二条", ("local", core("公安机关"))),
        ("银行业监督管理法", "第四条", ("any", core("银行业监督管理机构"))),
    ],
)
def test_the_real_false_clause_is_kept_by_neither_reader(title, article, gone):
    assert gone not in _kept(title, article)


def test_the_real_clauses_beside_them_stay():
    # 预备役人员法 第五条: the two named CMC departments stay (rule 10), only 机关其他部门 goes
    kept = _kept("预备役人员法", "第五条")
    assert ("national", core("政治工作部门")) in kept
    # 银行业监督管理法 第二条 gives the field (国务院银行业监督管理机构负责对全国银行业金融机构…实施监督管理)
    assert any(d == core("银行业监督管理机构") for _, d in _kept("银行业监督管理法", "第二条"))
    # 基本医疗卫生与健康促进法 第九十四条: the department itself stays
    assert ("local", core("卫生健康主管部门")) in _kept("基本医疗卫生与健康促进法", "第九十四条")


def test_the_cmc_unified_leadership_of_the_civilian_staff_is_no_clause():
    # 中国人民解放军文职人员条例 第六条 (rule 40, fresh8 adjudicated: 中央军事委员会「统一领导全军文职人员管理工作」不计)
    v = law_version("中国人民解放军文职人员条例")
    assert not any(
        c.article == "第六条"
        and c.department in ("中央军事委员会", "军事委员会")  # 中央 read as the level
        for c in [*extract(v), *extract_by_rules(v)]
    )
