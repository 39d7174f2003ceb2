"""A generated bundle made messy the way real lists are: expired bases, abolished leads, second leads.

    python benchmarks/mess.py benchmarks/data/province /tmp/province-mess [--seed 7]

From a bundle of ``generate.py`` it writes a copy where (deterministically, by seed):

* 1% of the lead duties rest on a basis that expired on 2024-01-01 (``NO_LEGAL_BASIS``
  where they are the nearest duties, and for every region inheriting them);
* 0.5% of the prefecture and county departments are abolished on 2024-06-01 with no
  successor (``LEAD_ABOLISHED`` for their own leads; ``NO_COUNTERPART`` or
  ``LEAD_ABOLISHED`` for the counties that inherit their line);
* 1% of the lead duties get a second lead from another list (``MULTIPLE_LEADS`` and
  ``SOURCE_DISAGREEMENT``);

and counties go on inheriting through the region tree where their list is silent (one
item in five, as generated). ``mess.json`` beside it says how many of each were made.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from pathlib import Path
from typing import Any

EXPIRED = "2024-01-01"
ABOLISHED = "2024-06-01"


def make_mess(src: Path, dest: Path, seed: int = 7) -> dict[str, Any]:
    """Write the messy copy of ``src`` into ``dest``; return what was changed."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    for f in src.glob("*.csv"):
        if f.name not in ("bases.csv", "departments.csv", "duties.csv"):
            shutil.copy(f, dest / f.name)
    with open(src / "bases.csv", encoding="utf-8", newline="") as fh:
        bases = list(csv.reader(fh))
    lines = sorted({row[0][2:] for row in bases[1:] if row[0].startswith("B-L")})
    for line in lines:  # the old version of each line's regulation
        bases.append([f"B-{line}-OLD", f"{line}管理办法（旧）", "department-rule", "某部", "第四条",
                      "2010-01-01", EXPIRED])  # fmt: skip
    with open(dest / "bases.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(bases)

    with open(src / "departments.csv", encoding="utf-8", newline="") as fh:
        depts = list(csv.reader(fh))
    head = depts[0]
    region_col, to_col, succ_col = (
        head.index("region"),
        head.index("valid_to"),
        head.index("successor"),
    )
    abolished = []
    for row in depts[1:]:
        local = not row[region_col].endswith("0000")  # prefectures and counties
        if local and not row[to_col] and not row[succ_col] and rng.random() < 0.005:
            row[to_col] = ABOLISHED
            abolished.append(row[0])
    with open(dest / "departments.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(depts)

    by_region: dict[str, list[str]] = {}
    for row in depts[1:]:
        if not row[to_col]:
            by_region.setdefault(row[region_col], []).append(row[0])
    expired = seconds = 0
    with (
        open(src / "duties.csv", encoding="utf-8", newline="") as fin,
        open(dest / "duties.csv", "w", encoding="utf-8", newline="") as fout,
    ):
        rows = csv.reader(fin)
        out = csv.writer(fout)
        dhead = next(rows)
        out.writerow(dhead)
        dep, reg, role, bcol, src_col = (
            dhead.index(c) for c in ("department", "region", "role", "bases", "source")
        )
        for row in rows:
            if row[role] == "lead":
                r = rng.random()
                if r < 0.01:
                    row[bcol] = row[bcol] + "-OLD"
                    expired += 1
                elif r < 0.02:
                    others = [d for d in by_region.get(row[reg], []) if d != row[dep]]
                    if others:
                        second = list(row)
                        second[dep] = rng.choice(others)
                        second[src_col] = f"three-determinations-{row[reg]}"
                        second[dhead.index("line")] = ""
                        out.writerow(second)
                        seconds += 1
            out.writerow(row)
    made = {
        "expired_bases": expired,
        "abolished_departments": len(abolished),
        "second_leads": seconds,
    }
    (dest / "mess.json").write_text(json.dumps(made, indent=1) + "\n", "utf-8")
    return made


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(make_mess(args.src, args.dest, args.seed))


if __name__ == "__main__":
    main()
