"""Draw a blind precision spot check of competence clauses, old method vs new (session 8, law4).

    python benchmarks/competence_spot_law4.py draw    > /tmp/spot.txt   (the clauses, shuffled, no method)
    python benchmarks/competence_spot_law4.py score VERDICTS            (VERDICTS: one line "N ✓|✗" each)
    ... --seed 2028: the second check (after the fixes the first one showed)

30 clauses drawn with random.Random(2026) from each method's clauses over the texts in force in none of
the five hand-read samples and none of the earlier spot checks (their titles), the two lists merged,
deduplicated and shuffled (random.Random(2027)) so the reader does not see which method found a clause.
Judged by hand against docs/competence-rules.md; the verdicts are committed in
benchmarks/results/competence_spot_law4.txt with the method of each clause revealed after judging.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from competence_eval import read_sample  # noqa: E402

from dutygraph.io.laws import packaged_corpus  # noqa: E402
from dutygraph.io.laws.competence import extract, extract_by_rules, in_force  # noqa: E402

ROOT = HERE.parent
SETS = ("sample", "dev", "fresh", "fresh2", "fresh3")


def draw(seed: int = 2026) -> list[tuple[str, object]]:
    """The merged, shuffled clauses of the spot check drawn with ``seed`` (and ``seed + 1`` to shuffle).

    Both checks (2026, 2028) leave out the samples' texts and the session-5/7 spot checks' titles
    only: the second shares three texts (no clause) with the first."""
    seen = set()
    for name in SETS:
        seen |= set(read_sample(ROOT / "tests" / "data" / f"competence_{name}.csv")[0])
    spot_titles = set()
    for p in (HERE / "results").glob("competence_spot_precision*.txt"):
        spot_titles |= set(re.findall(r"^[✓✗] \d+\. (\S+)", p.read_text(encoding="utf-8"), re.M))
    texts = [
        v
        for v in in_force(packaged_corpus())
        if v.level != "宪法"
        and v.id not in seen
        and not any(v.title.startswith(t) for t in spot_titles)
    ]
    out = []
    for method, fn in (("new", extract), ("old", extract_by_rules)):
        clauses = [c for v in texts for c in fn(v)]
        out += [(method, c) for c in random.Random(seed).sample(clauses, 30)]
    merged: dict[tuple, list] = {}
    for method, c in out:
        merged.setdefault((c.version, c.article, c.level, c.department), [set(), c])[0].add(method)
    items = list(merged.values())
    random.Random(seed + 1).shuffle(items)
    return [("+".join(sorted(m)), c) for m, c in items]


def main(argv: list[str]) -> int:
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 2026
    items = draw(seed)
    if argv[:1] == ["draw"]:
        for i, (_, c) in enumerate(items, 1):
            print(f"{i}. {c.title} {c.article} [{c.level}] {c.department} | {c.matter} || {c.text}")
        return 0
    verdicts = {}
    for line in Path(argv[1]).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d+) ([✓✗])(.*)$", line.strip())
        if m:
            verdicts[int(m.group(1))] = (m.group(2), m.group(3).strip())
    for method in ("new", "old"):
        mine = [
            (i, v)
            for i, (m, _) in enumerate(items, 1)
            for v in [verdicts.get(i)]
            if method in m.split("+")
        ]
        right = sum(1 for _, v in mine if v and v[0] == "✓")
        print(f"{method}: {right}/{len(mine)} = {right / len(mine):.1%} correct")
    for i, (m, c) in enumerate(items, 1):
        v, why = verdicts.get(i, ("?", ""))
        print(
            f"{v} {i}. ({m}) {c.title} {c.article} [{c.level}] {c.department} | {c.matter}"
            + (f"\n     {why}" if why else "")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
