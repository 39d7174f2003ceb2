"""Candidate (b) of session 15 (#15), measured and NOT shipped: the corpus vectors per department.

    python benchmarks/assign_dept_vectors.py [--out results/assign_dept_vectors_s15.txt]

The cases whose lead ``assign`` proposes nowhere — no candidate at all (kind 5 of
``assign_loso.py --kinds``) or candidates without the lead (kind 1's, read here as "the lead not
among the candidates") — on the tuning sets (:data:`~dutygraph.analysis.assign_eval.FIT_SETS`), each asked with its own
precedent left out. For each, the text's words (channel, place, customer and near terms left
out) are averaged into one corpus vector (``near.vectors()``: unit word vectors, mean, unit),
and the departments are ranked by cosine to

* ``dept-mean``: one vector per department, the mean of the words of its competence clauses'
  matters (clauses.tsv, as ``match.indexes(...).clauses`` holds them) and of the names,
  keywords and objects of the catalogue items it leads;
* ``matter-max``: one vector per competence matter; a department scores by its nearest matter
  (the evidence would name it).

Printed: how many of those cases have a vector, the right department first / in the first
three, and above a cosine threshold how many are proposed and how many of those are right.
Deterministic (no timing).
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

import numpy as np
from bench_out import emit

from dutygraph.analysis import match, near, segment
from dutygraph.analysis.assign_eval import FIT_SETS, ask, read_eval_cases
from dutygraph.fixtures import catalogue_graph

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
AS_OF = "2025-06-01"
SILENT = frozenset({"channel", "place", "customer", "near"})
THRESHOLDS = (0.0, 0.45, 0.6)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    g = catalogue_graph()
    ix = match.indexes(g, AS_OF)
    vs = near.vectors()
    assert vs is not None, "no shipped vectors"
    tok = segment._tokenizer()

    def words(text: str) -> list[str]:
        return [w for w in tok.lcut(text) if len(w) >= 2]

    def vec(ws: list[str]) -> np.ndarray | None:
        idx = [vs.index[w] for w in ws if w in vs.index]
        if not idx:
            return None
        v = vs.e[idx]
        v = v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-12)
        m = v.mean(0)
        return m / (np.linalg.norm(m) + 1e-12)

    dept_words: dict[str, list[str]] = collections.defaultdict(list)
    matters: list[tuple[str, str, np.ndarray]] = []
    for row in ix.clauses.rows.values():
        dept, matter = row[0], row[3]
        dept_words[dept] += words(matter)
        v = vec(words(matter))
        if v is not None:
            matters.append((dept, matter, v))
    for d in g.departments:
        for du in g.duties_of(d):
            it = g.items.get(du.item) if du.role == "lead" else None
            if it is not None:
                for t in (it.name, *it.keywords, *it.objects):
                    dept_words[d] += words(t)
    means = [(d, v) for d, ws in dept_words.items() if (v := vec(ws)) is not None]
    dm = np.array([v for _, v in means])
    mm = np.array([v for _, _, v in matters])

    lines = [
        f"department vectors: {len(means)} departments (dept-mean), "
        f"{len(matters)} competence matters (matter-max)"
    ]
    tally: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    shown: list[str] = []
    for name in FIT_SETS:
        for c in read_eval_cases(DATA / name):
            if c.disputed:
                continue
            a = ask(g, c, AS_OF)
            if a.candidates and c.expected_lead in {x.department.id for x in a.candidates}:
                continue
            group = "kind 1" if a.candidates else "kind 5"
            qw = [
                w.text for w in match.query_words(ix, c.name, c.description) if w.role not in SILENT
            ]
            v = vec(qw)
            for how in ("dept-mean", "matter-max"):
                tally[f"{group} {how}"]["cases"] += 1
                tally[f"{group} {how}"]["with a vector"] += v is not None
            if v is None:
                continue
            ranked = {
                "dept-mean": sorted(
                    zip(dm @ v, (d for d, _ in means), strict=True), key=lambda p: -p[0]
                ),
            }
            best: dict[str, float] = {}
            near_matter: dict[str, str] = {}
            for s, (d, m, _) in zip(mm @ v, matters, strict=True):
                if s > best.get(d, -2.0):
                    best[d], near_matter[d] = float(s), m
            ranked["matter-max"] = sorted(((s, d) for d, s in best.items()), key=lambda p: -p[0])
            for how, r in ranked.items():
                t = tally[f"{group} {how}"]
                top = [d for _, d in r[:3]]
                t["top-1"] += top[0] == c.expected_lead
                t["top-3"] += c.expected_lead in top
                for th in THRESHOLDS:
                    if r[0][0] >= th:
                        t[f"proposed at >= {th}"] += 1
                        t[f"right at >= {th}"] += top[0] == c.expected_lead
            s, d = ranked["matter-max"][0]
            if group == "kind 5":
                shown.append(
                    f"  {c.name}: want {c.expected_lead}; matter-max {d} {s:.3f} "
                    f"({near_matter[d][:16]}); dept-mean {ranked['dept-mean'][0][1]} "
                    f"{ranked['dept-mean'][0][0]:.3f}"
                )
    for how, t in tally.items():
        lines.append(f"{how}: " + ", ".join(f"{k} {v}" for k, v in t.items()))
    lines.append("kind 5 cases (no candidate):")
    lines += shown
    text = "\n".join(lines)
    emit(text, args.out)


if __name__ == "__main__":
    main()
