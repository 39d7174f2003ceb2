"""Deterministic synthetic duty data in the bundle format, at named sizes.

    python benchmarks/generate.py province benchmarks/data/province

Sizes (governments, items):

=========== ============ ======= =====================================
size        governments  items   duties (about)
=========== ============ ======= =====================================
county      3            300     1.4 thousand
prefecture  13           1,000   19 thousand
province    136          3,000   500 thousand
national    3,000        3,000   12 million (on demand, never in CI)
=========== ============ ======= =====================================

The shape is realistic where the rules care: 40 lines with a department per line
in every government; at county level eight lines merged into one comprehensive
enforcement body; two vertically managed lines (tax, tobacco) with departments at
province and prefecture only; an item catalogue of main items and sub-items; each
government lists leads for four items in five (the fifth inherits); assists for
one item in two; departments abolished with and without a successor; one list
superseded by a second version. Gaps and conflicts are planted in known numbers,
written to ``expected.json`` beside the bundle.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from contextlib import ExitStack
from pathlib import Path
from typing import Any

SIZES = {
    # name: (provinces, prefectures per province, counties per prefecture, items)
    "county": (1, 1, 1, 300),
    "prefecture": (1, 1, 11, 1_000),
    "province": (1, 15, 8, 3_000),
    "region4": (4, 12, 8, 3_000),
    "national": (31, 12, 8, 3_000),
}
LINES = [f"L{n:02d}" for n in range(40)]
VERTICAL = {"L38", "L39"}
MERGED = [f"L{n:02d}" for n in range(30, 38)]  # carried by one body at county level
ABOLISHED_LINE = "L05"
PLANTED_GAP_LINE = "L07"


def _gov_codes(size: str) -> list[tuple[str, str, str | None]]:
    """(code, level, parent) for every government, parents first."""
    provinces, prefs, counties, _ = SIZES[size]
    out: list[tuple[str, str, str | None]] = [("000000", "national", None)]
    for p in range(provinces):
        pcode = f"{11 + p:02d}0000"
        out.append((pcode, "province", "000000"))
        for f in range(prefs):
            fcode = f"{pcode[:2]}{f + 1:02d}00"
            out.append((fcode, "prefecture", pcode))
            for c in range(counties):
                out.append((f"{fcode[:4]}{c + 1:02d}", "county", fcode))
    return out


def generate(size: str, dest: Path, seed: int = 2023) -> dict[str, Any]:
    """Write the bundle for ``size`` into ``dest``; return the planted counts."""
    rng = random.Random(seed)
    govs = _gov_codes(size)
    n_items = SIZES[size][3]
    dest.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Any] = {"size": size, "governments": len(govs)}
    with ExitStack() as stack:

        def writer(name: str, header: list[str]) -> Any:
            fh = stack.enter_context(open(dest / name, "w", newline="", encoding="utf-8"))
            w = csv.writer(fh)
            w.writerow(header)
            return w

        regions = writer("regions.csv", ["code", "name", "level", "parent"])
        depts = writer("departments.csv", ["id", "name", "region", "systems", "superior",
                                           "vertical", "aliases", "valid_from", "valid_to", "successor"])  # fmt: skip
        items = writer("items.csv", ["id", "name", "parent", "domain", "power_type", "objects",
                                     "keywords", "levels", "key_item"])  # fmt: skip
        bases = writer(
            "bases.csv", ["id", "title", "kind", "issuer", "article", "valid_from", "valid_to"]
        )
        duties = writer("duties.csv", ["department", "item", "region", "role", "bases",
                                       "valid_from", "valid_to", "source", "line"])  # fmt: skip

        for line in LINES:
            bases.writerow([f"B-{line}", f"{line}管理条例", "administrative-regulation", "国务院",
                            "第五条", "2015-01-01", ""])  # fmt: skip
        bases.writerow(
            [
                "B-OLD",
                "已废止的规定",
                "department-rule",
                "某部",
                "第三条",
                "2000-01-01",
                "2010-01-01",
            ]
        )
        for i in range(n_items):
            parent = f"I{i % 1000:04d}" if i >= 1000 else ""
            line = LINES[i % 40]
            obj = f"对象{i % 97}"
            items.writerow([f"I{i:04d}", f"事项{i}", parent, f"领域{line}",
                            "行政检查" if i % 3 else "行政许可", obj, f"关键词{i};{line}", "", ""])  # fmt: skip

        index: dict[str, int] = {}
        planted_gap_govs: list[str] = []
        abolished: dict[str, str | None] = {}
        n_duties = 0
        for k, (code, level, parent) in enumerate(govs):
            index[code] = k
            regions.writerow([code, f"地区{code}", level, parent or ""])
            county = level == "county"
            gap_here = county and k % 17 == 5
            if gap_here:
                planted_gap_govs.append(code)
            for line in LINES:
                if county and line in VERTICAL:
                    continue
                if county and line in MERGED[1:]:
                    continue
                if gap_here and line == PLANTED_GAP_LINE:
                    continue
                did = f"D{code}-{line}"
                systems = ";".join(MERGED) if county and line == MERGED[0] else line
                superior = ""
                if line in VERTICAL and parent:
                    superior = f"D{parent}-{line}"
                valid_to = successor = ""
                if county and line == ABOLISHED_LINE and k % 10 == 3:
                    valid_to = "2024-01-01"
                    if k % 20 == 3:
                        successor = f"D{code}-{line}N"
                        depts.writerow([successor, f"地区{code}新{line}局", code, line, "", "", "",
                                        "2024-01-01", "", ""])  # fmt: skip
                    abolished[code] = successor or None
                depts.writerow([did, f"地区{code}{line}局", code, systems, superior,
                                "yes" if line in VERTICAL else "", "", "", valid_to, successor])  # fmt: skip
            # the government's list: leads for four items in five, assists for one in two
            for i in range(n_items):
                line = LINES[i % 40]
                if county and line in VERTICAL:
                    continue
                if gap_here and line == PLANTED_GAP_LINE:
                    continue
                holder_line = MERGED[0] if county and line in MERGED else line
                did = f"D{code}-{holder_line}"
                if (i + k) % 5 and level != "national":
                    duties.writerow([did, f"I{i:04d}", code, "lead", f"B-{line}", "2020-01-01", "",
                                     f"list-{code}#{i + 2}", line if holder_line != line else ""])  # fmt: skip
                    n_duties += 1
                elif level == "national" and i < 1000:
                    duties.writerow([did, f"I{i:04d}", code, "lead", f"B-{line}", "2018-01-01", "",
                                     "national-catalogue", ""])  # fmt: skip
                    n_duties += 1
                if i % 2 == 0 or level == "national":
                    aline = LINES[(i + 1) % 40]
                    if county and aline in VERTICAL:
                        continue
                    aholder = MERGED[0] if county and aline in MERGED else aline
                    if gap_here and aline == PLANTED_GAP_LINE:
                        continue
                    duties.writerow([f"D{code}-{aholder}", f"I{i:04d}", code, "assist", f"B-{aline}",
                                     "2020-01-01", "", f"list-{code}#{i + 2}",
                                     aline if aholder != aline else ""])  # fmt: skip
                    n_duties += 1
        # planted conflicts: a second source names another lead for an item at a prefecture
        prefectures = [c for c, lvl, _ in govs if lvl == "prefecture"]
        planted_conflicts = []
        for j, code in enumerate(rng.sample(prefectures, min(len(prefectures), 5))):
            i = (index[code] * 7 + j * 5) % n_items
            while (i + index[code]) % 5 == 0:  # an item the government lists itself
                i = (i + 1) % n_items
            other = LINES[(i + 3) % 40]
            duties.writerow([f"D{code}-{other}", f"I{i:04d}", code, "lead", f"B-{other}", "2022-01-01",
                             "", f"three-determinations-{code}#{j + 2}", ""])  # fmt: skip
            n_duties += 1
            planted_conflicts.append([f"I{i:04d}", code])
    expected.update(
        duties=n_duties,
        items=n_items,
        planted_no_counterpart_governments=planted_gap_govs,
        planted_gap_line=PLANTED_GAP_LINE,
        planted_conflicts=planted_conflicts,
        abolished=abolished,
    )
    (dest / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), "utf-8")
    return expected


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size", choices=sorted(SIZES))
    ap.add_argument("dest", type=Path)
    ap.add_argument("--seed", type=int, default=2023)
    args = ap.parse_args()
    exp = generate(args.size, args.dest, args.seed)
    print(f"{args.size}: {exp['governments']} governments, {exp['items']} items, "
          f"{exp['duties']:,} duties → {args.dest}")  # fmt: skip


if __name__ == "__main__":
    main()
