"""Candidate (a) of session 15 (#15), a ceiling measured and NOT shipped: activity words in the
full article texts.

    python benchmarks/assign_article_activity.py [--out results/assign_article_activity_s15.txt]

Every article in force (2025-06-01) of the packaged corpus is read for the activity it
regulates: the span after 从事/经营/开展/提供/举办/设立 up to 活动/业务/服务 or the clause's
punctuation, and the span before 应当取得/应当依法取得 (…许可). The words of those spans
(the index's plain words, legal stock words dropped) index the article; an article's act
gives its competent department (the statute index's: the head's competence clause). A
text's activity words (its words minus channel, place, customer and near terms) vote for
the departments of the acts whose articles regulate them: one vote per distinct word and
act, weighted by log(1 + acts / acts regulating the word).

Printed, deterministic: the index's size and build time, and over the tuning sets
(:data:`~dutygraph.analysis.assign_eval.FIT_SETS`, own precedent left out) the lead first /
in the first three of this proposer alone, on every case and on the cases whose lead
``assign`` proposes nowhere (kind 1's "lead not among the candidates" and kind 5's no
candidate at all).
"""

from __future__ import annotations

import argparse
import collections
import math
import re
import time
from pathlib import Path

from bench_out import emit

from dutygraph.analysis import match
from dutygraph.analysis.assign_eval import FIT_SETS, ask, read_eval_cases
from dutygraph.analysis.lawtext import _corpus
from dutygraph.fixtures import catalogue_graph

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
AS_OF = "2025-06-01"
SILENT = frozenset({"channel", "place", "customer", "near"})
AFTER = re.compile(
    r"(?:从事|经营|开展|提供|举办|设立)([^，。；：、]{1,24}?)(?:活动|业务|服务|[，。；：])"
)
BEFORE = re.compile(r"([^，。；：]{1,24}?)(?:的，)?应当(?:依法)?取得")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    g = catalogue_graph()
    ix = match.indexes(g, AS_OF)
    dept_of = {st.act: st.department for st in ix.statutes.statutes}
    t0 = time.perf_counter()
    by_word: dict[str, set[str]] = collections.defaultdict(set)  # word -> acts
    spans = 0
    for act in sorted(_corpus().acts.values(), key=lambda a: a.id):
        v = act.version_at(AS_OF)
        title = v.title if v else act.title
        if title not in dept_of:
            continue
        for a in v.articles if v else ():
            for m in (*AFTER.finditer(a.text), *BEFORE.finditer(a.text)):
                spans += 1
                for w in ix.seg.plain_words(m.group(1)):
                    if len(w.text) >= 2 and w.text not in match.LEGAL_WORDS:
                        by_word[w.text].add(title)
    built = time.perf_counter() - t0
    n_acts = len({a for acts in by_word.values() for a in acts})
    lines = [
        f"activity index: {spans} spans, {len(by_word)} words, {n_acts} acts with a department; "
        f"built in {built:.2f} s (this run)"
    ]
    tally: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    nowhere: collections.Counter[str] = collections.Counter()  # lead -> cases proposed nowhere
    for name in FIT_SETS:
        for c in read_eval_cases(DATA / name):
            if c.disputed:
                continue
            a = ask(g, c, AS_OF)
            proposed = {x.department.id for x in a.candidates}
            groups = ["all"]
            if c.expected_lead not in proposed:
                groups.append("kind 1" if a.candidates else "kind 5")
            votes: dict[str, float] = collections.defaultdict(float)
            seen = set()
            for w in match.query_words(ix, c.name, c.description):
                if w.role in SILENT or w.text in seen or w.text not in by_word:
                    continue
                seen.add(w.text)
                acts = by_word[w.text]
                idf = math.log(1 + n_acts / len(acts))
                for d in {dept_of[x] for x in acts}:
                    votes[d] += idf
            top = [d for d, _ in sorted(votes.items(), key=lambda p: (-p[1], p[0]))[:3]]
            if len(groups) > 1:
                nowhere[c.expected_lead] += 1
            for grp in groups:
                t = tally[grp]
                t["cases"] += 1
                t["proposes"] += bool(top)
                t["top-1"] += bool(top) and top[0] == c.expected_lead
                t["top-3"] += c.expected_lead in top
    for grp, t in tally.items():
        lines.append(f"{grp}: " + ", ".join(f"{k} {v}" for k, v in t.items()))
    acts_of = collections.Counter(dept_of.values())
    lines.append("leads proposed nowhere (kinds 1+5), cases: acts in force naming that department")
    lines += [
        f"  {d} {g.departments[d].name}: {k}: {acts_of.get(d, 0)}" for d, k in nowhere.most_common()
    ]
    text = "\n".join(lines)
    emit(text, args.out)


if __name__ == "__main__":
    main()
