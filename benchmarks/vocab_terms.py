"""The terms enforcement articles regulate, ranked by how many acts use them (issue #15).

    python benchmarks/vocab_terms.py [--top 600] [--unreached] [--out results/vocab_terms_s16.txt]

A business form is described in a caller's words and settled by an enforcement or obligation
article in statutory words; the thesaurus (``data/thesaurus/everyday.csv``) bridges the two.
This lists, from the packaged corpus as in force at :data:`AS_OF`, the nouns of the
behaviour spans of the enforcement articles — every article of a 法律责任 (罚则) chapter, and
any article where a department orders, fines, warns, confiscates or revokes
(:data:`PENALTY`) — so that the thesaurus can be written from the law outward.

A behaviour span (:func:`spans`) is what a sentence says was done: from 违反/未/擅自/不… up
to its ``的，`` (``未取得食品经营许可从事食品经营活动的，由…``), and each item (项) of a
paragraph listing 下列行为/情形. Its words are read with the segmenter assign reads with
(the catalogue's phrases and the corpus's defined terms kept whole, :func:`match.indexes`);
nouns only (jieba's ``n*`` and ``vn``), two characters or more, legal stock words
(:data:`~dutygraph.analysis.match.LEGAL_WORDS`, :data:`~dutygraph.analysis.segment.GENERIC_WORDS`,
:data:`STOCK`) left out. Each term is ranked by the number of acts whose behaviour spans use
it, then the number of articles, and shown with where it is already reached from
(``T``: some thesaurus row's term; ``W``: a thesaurus word itself; ``D``: a term the
statutes' own definitions give, :func:`match._definitions`) and the act and article using it
most (the basis a clerk checks). Deterministic: no timing, no sampling.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2025-06-01"

from bench_out import emit  # noqa: E402

from dutygraph.analysis import match, thesaurus  # noqa: E402
from dutygraph.analysis.segment import (  # noqa: E402
    CHANNEL_WORDS,
    GENERIC_WORDS,
    MODE_WORDS,
    PLACE_WORDS,
)
from dutygraph.fixtures import catalogue_graph  # noqa: E402
from dutygraph.io.laws import packaged_corpus  # noqa: E402
from dutygraph.io.laws.competence import in_force  # noqa: E402

#: an article outside a 法律责任 chapter that enforces all the same
PENALTY = re.compile(r"由[^。；]{0,60}?部门[^。；]{0,40}?(?:责令|罚款|警告|没收|吊销)")
#: the chapters of enforcement articles (spaces removed: 法 律 责 任)
CHAPTERS = ("法律责任", "罚则")
_SENTENCE = re.compile(r"[^。；\n]+")
#: where a behaviour span starts (the first of these in the sentence)
_START = re.compile(r"违反|未|擅自|不|拒绝|拒不|伪造|变造|买卖|出租|出借|转让|隐瞒|提供虚假|以欺骗")
#: where it ends: the 的 before the consequence
_END = re.compile(r"的[，,]")
_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_LISTS = re.compile(r"下列(?:行为|情形|违法行为|规定)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
#: the parts of speech of a noun that names a thing (not a place, a person or a body)
_NOUN_FLAGS = frozenset({"n", "nz", "vn", "nl", "ng"})
_STOCK = """
    许可 许可证 证书 证件 证明 规定 行为 情形 标准 要求 手续 登记 批准 备案 条件 资格 程序 义务
    责任 措施 期限 事项 材料 文件 报告 信息 资料 数量 内容 情况 事实 原因 结果 方案 计划 目的
    用途 名义 职务 权利 权限 处罚 罚款 违法 所得 违法所得 本规定 本细则 有关部门 主管部门 部门
    许可证件 证照 执照 营业执照 决定 命令 通知 意见 批准文件 审批 核准 审查 检查 监督检查 调查
    申请 申报 报送 说明 记录 凭证 账簿 台账 档案 数据 样品 真实 虚假 合法 非法 违规 期间 时间
    日期 年度 地点 场地 地区 区域 当事人 负责人 主要负责人 直接负责 主管人员 责任人员 直接责任人员
    工作人员 从业人员 人员 机关 行政机关 当地 所在地 单位 本单位 他人 公民 法人 法人或者其他组织
    问题 后果 损失 损害 危害 隐患 事故 影响 秩序 利益 权益 合法权益 公共利益 财产 经济 效益
    质量 安全 能力 水平 技术 方法 方式 形式 种类 类别 范围 规模 比例 总额 金额 价值 价款 费用
    资金 款项 收入 条款 合同 协议 约定 期满 届满 有效期 规范 规程 规则 制度 职责 工作 单位或者个人
    行政处罚 处分 处理 改正 整改 纠正 停业 停产 吊销 撤销 没收 警告 通报 批评 赔偿 责令
    主体 对象 项目 工程 设施 设备 产品 商品 物品 服务 活动 业务 经营 生产 使用 销售 生产经营
    措施 管理制度 安全生产 技术标准 国家标准 强制性标准 行业标准 相关规定 专业 职业 岗位
    依法 治安管理 利用 办理 合格 国家有关 手段 设置 履行职责 过程 情节严重 法定 变相 符合国家
    采取措施 名称 任务 管理机构 符合规定 定期 行政许可 专用 系统 行政部门 证据 产生 公安机关
    待遇 公告 考核 建设单位 经费 强制性 证明文件 采取有效 威胁 人财物 分支机构 未办理 管理人员
    补救措施 动用 人民法院 调整 法律法规 重点 指标 未备案 法定条件 申请人 实际 全部 指令 状况
    评价 资质 资质等级 资质证书 性质 采取相应 重大损失 符合条件 前款 功能 指导 基本 业务范围
    法定代表 文书 专项 合作 法定期限 期限内 核定 检查人员 书面 来源 标明 职权 规章制度 情节
    控制措施 名录 规章 时限 普通 状态 符合要求 限期 事件 原则 委员会 成果 明令 建立健全 建议
    无故 核查 调查取证 代表 行使 民用 基础 陈述 不合理 款物 经营性 协商 法定程序 关系 关联
    利用职权 合理 启动 备查 安全措施 工商行政 提供者 收益 无法 民事 永久性 理由 生命 申请材料
    经营范围 营利性 距离 部分 因素 结论 专职 公正 决策 政策 效能 之日起 交由 免费 副本 双方
    定额 数额 管理工作 责任制 非法手段 含有本 主管机关 型式 技术支持 线索 法律责任 注意事项
    目标 纪律 经常性 经验 领导 设区 运用 错误 阶段 综合 达成协议 大众 大量 同类 变动 变化 分析
    核心 事务 交流 优先 报经 的经营者 的商业秘密 法和本 监管部门 主管机构 所需 全面 客观 对方
    意愿 程度 类型 方向 领域 齐全 负责管理 必要措施 紧急措施 实质性 关键 会同 会议 任命 体系
    国家机关 执行公务 公务 司法机关 教育法 土地管理法 行政复议 办理手续 书面报告 动态 附件
"""
#: the law's stock words of behaviour spans: they say what kind of wrong, not what was dealt in
#: (read off the ranked list of session 16: words of every field, naming no thing or act)
STOCK = frozenset(_STOCK.split())


def enforcement_articles(versions):
    """(act title, article) of every enforcement article of the versions (see the module)."""
    for v in versions:
        for a in v.articles:
            chapter = "".join(a.chapter).replace(" ", "").replace("\u3000", "")
            if any(c in chapter for c in CHAPTERS) or PENALTY.search(a.text):
                yield v.title, a


def spans(article_text: str) -> list[str]:
    """The behaviour spans of an article: each sentence's 违反/未/擅自/不…的, and the items of a
    paragraph that lists 下列行为/情形.

    >>> spans("未取得食品经营许可从事食品经营活动的，由县级以上人民政府食品安全监督管理部门没收违法所得。")
    ['未取得食品经营许可从事食品经营活动']
    >>> spans("有下列行为之一的，处一万元罚款：\\n（一）涂改许可证的；\\n（二）转让药品批准证明文件的。")
    ['涂改许可证', '转让药品批准证明文件']
    """
    out = []
    lists = bool(_LISTS.search(article_text))
    for line in article_text.split("\n"):
        line = line.strip()
        if lists and _ITEM.match(line):
            out.append(_ITEM.sub("", line).rstrip("。；;，, ").removesuffix("的"))
            continue
        for s in _SENTENCE.findall(line):
            end = _END.search(s)
            if end is None:
                continue
            start = _START.search(s, 0, end.start())
            if start is not None and start.start() < end.start():
                out.append(s[start.start() : end.start()])
    return [s for s in out if s]


def nouns(seg, text: str) -> list[str]:
    """The content nouns of a span, stock words left out."""
    out = []
    for w, flag, _start in seg.tokens(text):
        if len(w) < 2 or not _CJK.search(w) or flag not in _NOUN_FLAGS:
            continue
        if w in match.LEGAL_WORDS or w in GENERIC_WORDS or w in STOCK:
            continue
        if w in CHANNEL_WORDS or w in MODE_WORDS or w in PLACE_WORDS:
            continue
        out.append(w)
    return out


def ranked(as_of: str = AS_OF):
    """(term, acts, articles, reached, basis) by acts, then articles, then term."""
    ix = match.indexes(catalogue_graph(), as_of)
    seg = ix.seg
    acts: dict[str, set[str]] = defaultdict(set)
    articles: Counter[str] = Counter()
    where: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    versions = sorted(in_force(packaged_corpus(), as_of), key=lambda v: (v.title, v.id))
    for title, a in enforcement_articles(versions):
        seen = set()
        for s in spans(a.text):
            for w in nouns(seg, s):
                where[w][(title, a.label)] += 1
                if w not in seen:
                    seen.add(w)
                    acts[w].add(title)
                    articles[w] += 1
    table = thesaurus.load()
    terms = {e.term for es in table.values() for e in es}
    defined = {t for ts in ix.defines.values() for t in ts}
    out = []
    for w in acts:
        reached = "".join(
            flag for flag, yes in (("T", w in terms), ("W", w in table), ("D", w in defined)) if yes
        )
        (title, label), _n = min(where[w].items(), key=lambda kv: (-kv[1], kv[0]))
        out.append((w, len(acts[w]), articles[w], reached, f"《{title}》{label}"))
    out.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=600, help="how many terms to print")
    ap.add_argument("--unreached", action="store_true", help="only the terms nothing reaches yet")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    rows = ranked()
    shown = [r for r in rows if not (args.unreached and r[3])][: args.top]
    lines = [
        f"terms of the behaviour spans of enforcement articles in force on {AS_OF}: {len(rows)} "
        f"terms, {sum(1 for r in rows if not r[3])} reached by neither the thesaurus nor a "
        "definition (T thesaurus term, W thesaurus word, D defined term)",
        f"{'rank':>4}  {'term':<12} {'acts':>4} {'arts':>5}  reach  basis",
    ]
    for k, (w, n_acts, n_arts, reached, basis) in enumerate(shown, start=1):
        lines.append(f"{k:>4}  {w:<12} {n_acts:>4} {n_arts:>5}  {reached or '-':<5}  {basis}")
    emit(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
