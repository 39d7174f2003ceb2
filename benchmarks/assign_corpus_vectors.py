"""Experiment: corpus-learned near terms (PPMI + truncated SVD over the law corpus) as a second
source beside the thesaurus, measured on the tuning sets pooled and leave-one-set-out.

    python benchmarks/assign_corpus_vectors.py [--sim 0.8] [--share 0.2] [--k 3]

Every article in force of the packaged corpus is read into words (jieba with the indexes'
domain dictionary, the statutes' stock words dropped); words in 3 to 2 % of the articles
make the vocabulary; an article is a context (word-by-word co-occurrence counted per
article), weighted by positive PMI and reduced to 100 dimensions by truncated SVD. A
statutory term of the query (the text's own, or one the thesaurus gave) then brings its
``k`` nearest terms with cosine ≥ ``sim`` at ``share`` of its weight. Not part of the
method: this script patches :func:`dutygraph.analysis.match._everyday` for the run only,
and prints the build cost beside the figures (the neighbour table would have to be
stored with the word indexes to keep first use ≤ 2 s).
"""

from __future__ import annotations

import argparse
import collections
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

import assign_loso
from dutygraph.analysis import match
from dutygraph.analysis.lawtext import _corpus
from dutygraph.analysis.segment import Word
from dutygraph.fixtures import catalogue_graph


def neighbours(seg, sim: float, k: int, dims: int = 100) -> tuple[dict[str, list[str]], float]:
    t0 = time.process_time()
    bags, df = [], collections.Counter()
    for act in _corpus().acts.values():
        v = act.version_at(assign_loso.AS_OF)
        for a in v.articles if v else ():
            ws = {
                w.text
                for w in seg.plain_words(a.text)
                if len(w.text) >= 2 and w.text not in match.LEGAL_WORDS and match._CJK.search(w.text)
            }
            bags.append(ws)
            df.update(ws)
    vocab = [w for w, n in df.items() if 3 <= n <= 0.02 * len(bags)]
    idx = {w: i for i, w in enumerate(vocab)}
    rows, cols = [], []
    for r, b in enumerate(bags):
        for w in b:
            if w in idx:
                rows.append(r)
                cols.append(idx[w])
    x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), (len(bags), len(vocab)))
    c = (x.T @ x).tocoo()
    total, margin = c.data.sum(), np.asarray((x.T @ x).sum(1)).ravel()
    pmi = np.log(c.data * total / (margin[c.row] * margin[c.col]))
    keep = (pmi > 0) & (c.row != c.col)
    p = sp.csr_matrix((pmi[keep], (c.row[keep], c.col[keep])), c.shape)
    u, s, _ = svds(p, k=dims)
    e = u * np.sqrt(s)
    e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-9
    out: dict[str, list[str]] = {}
    for start in range(0, len(vocab), 2000):
        sims = e[start : start + 2000] @ e.T
        for r, row in enumerate(sims):
            i = start + r
            row[i] = -1
            top = np.argpartition(-row, k)[:k]
            out[vocab[i]] = [vocab[j] for j in top[np.argsort(-row[top])] if row[j] >= sim]
    return out, time.process_time() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sim", type=float, default=0.8)
    ap.add_argument("--share", type=float, default=0.2)
    ap.add_argument("--k", type=int, default=3)
    args = ap.parse_args()
    g = catalogue_graph()
    ix = match.indexes(g, assign_loso.AS_OF)
    near, cost = neighbours(ix.seg, args.sim, args.k)
    print(f"neighbour table: {len(near)} terms, built in {cost:.1f} s CPU")
    plain = match._everyday

    def with_near(ix_: match.Indexes, words: list[Word]) -> list[Word]:
        got = plain(ix_, words)
        have = {w.text for w in words} | {w.text for w in got}
        extra = []
        for w in [*words, *got]:
            if w.role in match.CONTEXT_ROLES:
                continue
            for t in near.get(w.text, ()):
                if t not in have:
                    have.add(t)
                    extra.append(Word(t, w.start, w.role, w.weight * args.share, w.via or w.text))
        return got + extra

    for label, fn in (("thesaurus only", plain), ("thesaurus + corpus near terms", with_near)):
        match._everyday = fn
        sets = {n: assign_loso.ask(g, assign_loso.read_eval_cases(assign_loso.DATA / n)) for n in assign_loso.FIT_SETS}
        pooled = [x for a in sets.values() for x in a]
        print(label)
        print(assign_loso.row("  pooled (shipped fit)", assign_loso.judged(pooled, assign_loso.COEFFICIENTS)))
        loso = []
        for n, asked in sets.items():
            others = [x for m, a in sets.items() if m != n for x in a]
            assign_loso.judged(asked, assign_loso.fit(assign_loso.samples(others)))
            loso.extend(asked)
        print(assign_loso.row("  leave-one-set-out", assign_loso.score([c for c, _ in loso])))
    match._everyday = plain
    return 0


if __name__ == "__main__":
    sys.exit(main())
