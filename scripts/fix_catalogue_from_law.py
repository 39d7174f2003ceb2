"""Re-derive the catalogue fixes of issue #14 item 5 from `dutygraph catalogue-check` (a maintainer tool).

    python scripts/fix_catalogue_from_law.py src/dutygraph/data/catalogue suggest|drop|manual|verified

Run on main's catalogue in the order suggest, suggest, drop, manual, verified (what was done for
the branch `competence`): suggest points a failing basis at the article of the same act that grounds
the role; drop removes a cited law that never names the department (and the duty, if nothing else
supports it; a lead is never dropped); manual applies the hand-made fixes (养犬, 消防救援 predecessors,
new bodies); verified writes the check's verdict into duties.csv.
"""
import csv, io, re, sys
from pathlib import Path
from dutygraph.io.laws.check import check_catalogue
from dutygraph.io.laws import packaged_corpus

CAT = Path(sys.argv[1])
PHASE = sys.argv[2]

def read(name):
    with (CAT / name).open(encoding="utf-8", newline="") as f:
        r = csv.DictReader(f); return r.fieldnames, list(r)

def write(name, fields, rows):
    out = io.StringIO(); w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    w.writeheader(); w.writerows(rows)
    (CAT / name).write_text(out.getvalue(), encoding="utf-8")

bf, bases = read("bases.csv"); df, duties = read("duties.csv"); pf, deps = read("departments.csv")
by_id = {b["id"]: b for b in bases}

def basis_for(old_id, article_label):
    """The basis of the same text at another article (an existing one, else a new row)."""
    old = by_id[old_id]
    art = re.search(r"第[^《》]+条(?:之[一二三四五六七八九十]+)?$", article_label).group()
    for b in bases:
        if b["title"] == old["title"] and b["article"] == art and b["kind"] == old["kind"]:
            return b["id"]
    from dutygraph.io.citations import chinese_number
    num = chinese_number(art[1:-1]) if "之" not in art else art
    stem = re.sub(r"-\d+$", "", old_id)
    new_id = f"{stem}-{num}"
    n = 2
    while new_id in by_id:
        new_id = f"{stem}-{num}-{n}"; n += 1
    row = dict(old, id=new_id, article=art, verified="")
    bases.append(row); by_id[new_id] = row
    return new_id

if PHASE == "suggest":
    report = check_catalogue(CAT)
    changed = 0
    for r in report.failing:
        if not r.suggestion: continue
        d = duties[r.row - 2]
        assert d["department"] == r.department and d["item"] == r.item
        old, label = r.suggestion
        new = basis_for(old, label)
        ids = [new if b == old else b for b in d["bases"].split(";")]
        d["bases"] = ";".join(dict.fromkeys(ids)); changed += 1
    print("suggestions applied:", changed)
    write("bases.csv", bf, bases); write("duties.csv", df, duties)

if PHASE == "verified":
    report = check_catalogue(CAT)
    for r in report.rows:
        d = duties[r.row - 2]
        d["verified"] = f"{r.basis} {r.article_label}" if r.verdict == "grounded" else "no"
    used = {r.basis for r in report.rows if r.verdict == "grounded"}
    write("duties.csv", df, duties)
    print(report.summary())

if PHASE == "drop":
    report = check_catalogue(CAT)
    drop_rows, trimmed = [], 0
    for r in report.failing:
        if r.suggestion: continue
        d = duties[r.row - 2]
        bad = {b for b in r.bases if any(x.startswith(b + "：") and ("未规定" in x or "没有第" in x or "未写条文" in x) for x in r.reasons)}
        keep = [b for b in r.bases if b not in bad]
        if keep:
            d["bases"] = ";".join(keep); trimmed += 1
        elif d["role"] == "lead":
            print("LEAD LEFT FAILING:", d["department"], d["item"])
        else:
            drop_rows.append(r.row - 2)
    print("trimmed", trimmed, "dropped", [(duties[i]["department"], duties[i]["item"], duties[i]["role"]) for i in drop_rows])
    duties = [d for i, d in enumerate(duties) if i not in set(drop_rows)]
    write("duties.csv", df, duties)

if PHASE == "manual":
    # 1. national dog duties rested on a Beijing regulation: the national text is 传染病防治法实施办法 第二十九条
    new = dict(by_id["LR-BJ-DOG"], id="R-IDCL-29", title="中华人民共和国传染病防治法实施办法", kind="administrative-regulation",
               issuer="卫生部（国务院批准）", article="第二十九条", valid_from="1991-12-06", valid_to="", verified="")
    bases.append(new); by_id["R-IDCL-29"] = new
    keep = []
    for d in duties:
        if d["item"] == "I-DOG" and d["bases"] == "LR-BJ-DOG":
            if d["department"] == "N-SAMR":
                continue  # no national text names market regulation for dogs
            d["bases"] = "R-IDCL-29"
            if d["department"] == "N-MPS":
                d["valid_from"] = "1991-12-06"
        keep.append(d)
    duties[:] = keep
    # 2. 国家消防救援局 from 2023-01-06; before it 应急管理部消防救援局 (2018-11-09) and 公安部消防局
    FIRE_FROM, MEM_FIRE_FROM = "2023-01-06", "2018-11-09"
    for p in deps:
        if p["id"] == "N-FIRE":
            p["valid_from"] = FIRE_FROM
    tmpl = next(p for p in deps if p["id"] == "N-FIRE")
    deps.append(dict(tmpl, id="N-MEM-FIRE", name="应急管理部消防救援局", superior="N-MEM", aliases="应急管理部消防局",
                     valid_from=MEM_FIRE_FROM, valid_to=FIRE_FROM, successor="N-FIRE", kind="已改设（2023年国家消防救援局）", verified="no"))
    deps.append(dict(tmpl, id="N-MPS-FIRE", name="公安部消防局", superior="N-MPS", aliases="公安消防部队;公安机关消防机构",
                     valid_from="", valid_to=MEM_FIRE_FROM, successor="N-MEM-FIRE", kind="已转制（2018年改革）", verified="no"))
    out = []
    for d in duties:
        if d["department"] != "N-FIRE" or d["valid_from"] >= FIRE_FROM:
            out.append(d); continue
        start, end = d["valid_from"], d["valid_to"]
        if start < MEM_FIRE_FROM:
            out.append(dict(d, department="N-MPS-FIRE", valid_to=MEM_FIRE_FROM if not end or end > MEM_FIRE_FROM else end))
        if (not end or end > MEM_FIRE_FROM):
            out.append(dict(d, department="N-MEM-FIRE", valid_from=max(start, MEM_FIRE_FROM), valid_to=FIRE_FROM if not end or end > FIRE_FROM else end))
        if not end or end > FIRE_FROM:
            out.append(dict(d, valid_from=FIRE_FROM))
    duties[:] = [d for d in out if not d["valid_to"] or d["valid_from"] < d["valid_to"]]
    # 3. State Council / central bodies the catalogue lacked
    deps.append(dict(tmpl, id="N-CFA", name="国家电影局", systems="film", superior="", vertical="", aliases="电影局",
                     valid_from="2018-04-16", valid_to="", successor="", kind="中央宣传部对外加挂牌子", verified="no"))
    deps.append(dict(tmpl, id="N-CSWD", name="中央社会工作部", systems="social-work", superior="", vertical="", aliases="中央社工部;社会工作部",
                     valid_from="2023-03-16", valid_to="", successor="", kind="党中央职能部门", verified="no"))
    write("bases.csv", bf, bases); write("duties.csv", df, duties); write("departments.csv", pf, deps)
    print(len(duties), "duties;", len(deps), "departments")
