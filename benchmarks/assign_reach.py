"""Every national department in force: is it reachable by ``assign``? (issue #15 item 5)

    python benchmarks/assign_reach.py [--out results/assign_reach_s15.txt]

For each department of the catalogue in force at :data:`AS_OF` (region 000000), the
figures that give it reach — its line(s), its rows in the competence clauses table
(``data/assign/clauses.tsv``, by line), its catalogue duties (lead / assist) and the
items and behaviours under its led items — and whether ``assign`` on a plain
description of its core matter (:data:`PROBES`, written from the department's 三定 line
for this benchmark, not from any evaluation set) proposes it first / in the top 3.
Deterministic counters only; no timing.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2025-06-01"

from dutygraph.analysis.assign import assign_business_form  # noqa: E402
from dutygraph.fixtures import catalogue_graph  # noqa: E402

CLAUSES = HERE.parent / "src" / "dutygraph" / "data" / "assign" / "clauses.tsv"

# department id -> (name of the business, description): the department's core matter in
# plain words, from its 三定 line. Written for this benchmark only.
PROBES: dict[str, tuple[str, str]] = {
    "N-NDRC": ("固定资产投资项目核准", "企业新建大型投资项目需要办理项目核准和备案"),
    "N-MOE": ("民办学校", "开办一所招收适龄学生的民办中小学，实施学历教育"),
    "N-MOST": ("科技成果转化服务", "帮助高校把科研成果转让给企业，做技术合同登记"),
    "N-MIIT": ("工业互联网平台", "为制造企业提供工业互联网和电信增值业务接入"),
    "N-MPS": ("开锁服务", "上门开锁换锁，需要登记治安信息"),
    "N-MCA": ("养老机构", "开办养老院，为老年人提供住养和照料服务"),
    "N-MOJ": ("公证和法律援助服务", "为群众办理公证、提供律师法律服务"),
    "N-MOF": ("政府采购代理", "代理机关单位的政府采购项目招标"),
    "N-MOHRSS": ("人力资源服务机构", "开办职业中介，为求职者介绍工作"),
    "N-MNR": ("土地测绘服务", "承接地籍测绘和不动产测量，涉及国土空间规划"),
    "N-MEE": ("危险废物处置", "收集、贮存和处置工业危险废物，排放污染物"),
    "N-MOHURD": ("房屋中介", "从事房地产经纪，代理房屋买卖和租赁"),
    "N-MOT": ("道路货运", "用货车从事道路货物运输经营"),
    "N-MWR": ("河道采砂", "在河道内开采砂石，取用水资源"),
    "N-MARA": ("兽药经营", "销售兽药和饲料，给养殖户防治动物疫病"),
    "N-MOFCOM": ("二手车交易市场", "开办二手车交易市场，从事对外贸易经营"),
    "N-MCT": ("旅行社", "组织游客出境旅游，安排导游"),
    "N-NHC": ("医疗美容诊所", "开办诊所，由医师提供医疗服务"),
    "N-MVA": ("退役军人就业服务", "帮助退役军人安置就业，办理优抚"),
    "N-MEM": ("危险化学品经营", "储存和销售危险化学品，防范安全生产事故"),
    "N-PBC": ("第三方支付", "为商户提供网络支付和收单服务"),
    "N-NAO": ("国有企业审计", "对使用财政资金的单位进行审计监督"),
    "N-SASAC": ("中央企业国有资产", "监管中央企业的国有资产保值增值和产权转让"),
    "N-GACC": ("跨境电商进口", "从境外进口商品，办理报关和进出境检验检疫"),
    "N-STA": ("代理记账报税", "为小微企业代办纳税申报和开具发票"),
    "N-SAMR": ("奶茶店", "现场制作售卖奶茶饮品"),
    "N-NFRA": ("小额贷款公司", "向个人发放小额贷款，经营保险代理"),
    "N-CSRC": ("证券投资咨询", "向投资者提供股票证券投资咨询，发行期货"),
    "N-NRTA": ("网络视听节目", "制作和播出网络视听节目和广播电视节目"),
    "N-GAS": ("健身房", "开办健身房，提供游泳和体育健身服务"),
    "N-NBS": ("统计调查公司", "受托开展统计调查，采集企业统计数据，填报统计报表"),
    "N-CNIPA": ("专利代理", "为发明人代办专利申请和商标注册"),
    "N-NHSA": ("医保定点药店", "药店接入医保，刷医保卡结算医疗保障基金"),
    "N-NFSRA": ("粮食收购", "向农民收购粮食并储存在粮库"),
    "N-NEA": ("光伏发电", "建设屋顶光伏电站并网发电，经营电力业务"),
    "N-NDA": ("数据交易服务", "搭建平台撮合数据交易，开发利用公共数据资源"),
    "N-STMA": ("卷烟零售", "便利店零售卷烟，需要烟草专卖零售许可证"),
    "N-NIA": ("出入境中介", "代办出入境证件，办理签证和外国人居留"),
    "N-NFGA": ("苗木和野生动物驯养", "人工繁育野生动物，经营林木种苗"),
    "N-NRA": ("铁路运输设备制造", "生产铁路机车车辆，从事铁路运输"),
    "N-CAAC": ("无人机航拍", "使用无人驾驶航空器进行航拍飞行"),
    "N-SPB": ("快递网点", "开设快递网点，收寄和投递快件"),
    "N-NCHA": ("文物商店", "收购和销售文物，举办文物拍卖"),
    "N-NATCM": ("中医馆", "开办中医诊所，提供针灸推拿中医药服务"),
    "N-NDCPA": ("疫苗接种门诊", "为儿童接种疫苗，开展传染病防控和消毒"),
    "N-NMSA": ("煤矿开采", "开采煤矿，组织井下作业，防范矿山事故"),
    "N-FIRE": ("消防设施维保", "为大楼检测和维修保养消防设施，组织火灾扑救"),
    "N-SAFE": ("跨境换汇服务", "帮客户办理外汇兑换和跨境外汇收支"),
    "N-NMPA": ("化妆品生产", "生产和销售化妆品、医疗器械"),
    "N-CAC": ("互联网新闻信息服务", "运营网站发布互联网新闻信息，处理用户个人信息"),
    "N-NPPA": ("出版物发行", "开书店批发零售图书和出版物，从事印刷"),
    "N-CFA": ("电影院", "开办电影院放映电影"),
    "N-CSWD": ("志愿服务组织", "组织社区志愿者开展志愿服务"),
    "N-CMA": ("气象信息服务", "向公众发布天气预报，开展人工影响天气"),
    "N-NEAC": ("清真食品", "生产和销售清真食品，涉及民族风俗"),
    "N-SARA": ("宗教活动场所", "设立宗教活动场所，组织宗教活动"),
}


def clause_lines() -> Counter[str]:
    n: Counter[str] = Counter()
    for line in CLAUSES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) > 3:
            n[cols[3]] += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    g = catalogue_graph()
    clauses = clause_lines()
    rows = []
    unreachable = []
    for d in sorted(g.departments.values(), key=lambda d: d.id):
        if d.region != "000000" or (d.valid_to and d.valid_to <= AS_OF):
            continue
        systems = [s for s in (d.systems or ()) if s]
        duties = [
            x
            for x in g.duties.values()
            if x.department == d.id and (not x.valid_to or x.valid_to > AS_OF)
        ]
        lead = sorted({x.item for x in duties if x.role == "lead"})
        assist = sorted({x.item for x in duties if x.role != "lead"})
        behaviours = sorted({b.id for b in g.behaviors.values() if set(b.items) & set(lead)})
        ncl = sum(clauses[s] for s in systems)
        probe = PROBES.get(d.id)
        rank = "-"
        top = ""
        if probe:
            a = assign_business_form(g, probe[0], probe[1], as_of=AS_OF)
            got = [c.department.id for c in a.candidates]
            top = got[0] if got else "(abstains: no candidate)"
            rank = str(got.index(d.id) + 1) if d.id in got else "none"
        ok = rank in ("1", "2", "3")
        if not ok:
            unreachable.append(d.id)
        rows.append(
            f"{d.id:<10} {d.name:<16} {';'.join(systems):<28} clauses={ncl:<4} lead={len(lead):<3} "
            f"assist={len(assist):<3} behaviours={len(behaviours):<3} rank={rank:<5} top={top:<10} "
            f"{'ok' if ok else 'UNREACHABLE'}  probe: {probe[0] if probe else '(none)'}"
        )
    out = [
        f"# assign reach: every national department in force on {AS_OF}; probe = own plain description of its 三定 core matter",
        "# clauses = rows of data/assign/clauses.tsv on its line(s); lead/assist = catalogue duties; behaviours under its led items",
        "# rank = where assign puts it for its probe (top 3 = reachable)",
        *rows,
        f"# reachable (top 3): {len(rows) - len(unreachable)}/{len(rows)}; top-1: {sum(' rank=1 ' in r for r in rows)}/{len(rows)}",
        f"# unreachable: {' '.join(unreachable) or '(none)'}",
    ]
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
