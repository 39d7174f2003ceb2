"""Near statutory terms learned from the law corpus: PPMI + truncated SVD over its articles.

The thesaurus (:mod:`dutygraph.analysis.thesaurus`) brings a citizen's word to a statutory
term; the corpus then says which other terms the statutes use beside it (快递 → 快件,
收寄; 放射源 → 射线装置). Every article in force of the packaged corpus is read into words
(jieba with the reference catalogue's domain dictionary, the statutes' stock words
dropped); words in at least :data:`MIN_ARTICLES` articles and at most :data:`MAX_SHARE`
of them form the vocabulary; two words co-occur when one article holds both; the counts
are weighted by positive PMI and reduced to :data:`DIMENSIONS` dimensions by truncated
SVD; a term's near terms are its :data:`K` nearest by cosine, from :data:`MIN_COSINE`.

Building takes ~40 s CPU, so the table is built once from the corpus and shipped
(``data/thesaurus/corpus_near.tsv``, first line the sha256 of the corpus archive it was
built from): ``python -m dutygraph.analysis.near`` rebuilds it. A table built from
another corpus is not used (:func:`load` returns nothing) and a test says it is stale.
In a query a statutory word — the text's own or one the thesaurus gave — brings its near
terms at :data:`dutygraph.analysis.match.NEAR_SHARE` of its weight, voting under the
text's word.
"""

from __future__ import annotations

import collections
import hashlib
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

__all__ = ["DIMENSIONS", "MIN_COSINE", "PATH", "K", "build", "corpus_digest", "load", "write"]

PATH = Path(str(files("dutygraph") / "data" / "thesaurus" / "corpus_near.tsv"))
DIMENSIONS, K, MIN_COSINE = 100, 3, 0.8
MIN_ARTICLES, MAX_SHARE = 3, 0.02
AS_OF = "2025-06-01"


def corpus_digest() -> str:
    """The sha256 of the packaged corpus archive (what the table was built from)."""
    from ..io.laws.parse import PACKAGED_CORPUS

    return hashlib.sha256(Path(PACKAGED_CORPUS).read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def load() -> dict[str, tuple[str, ...]]:
    """term -> its near terms; empty when the table is missing or built from another corpus."""
    try:
        lines = PATH.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    if not lines or lines[0].removeprefix("# corpus sha256 ") != corpus_digest():
        return {}
    out = {}
    for line in lines[1:]:
        term, _, near = line.partition("\t")
        if near:
            out[term] = tuple(near.split(" "))
    return out


def build() -> dict[str, list[str]]:
    """The near-term table, from the packaged corpus (see the module; ~40 s CPU)."""
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.linalg import svds

    from ..fixtures import catalogue_graph
    from . import match
    from .lawtext import _corpus

    seg = match.indexes(catalogue_graph(), AS_OF).seg
    bags: list[set[str]] = []
    df: collections.Counter[str] = collections.Counter()
    for act in sorted(_corpus().acts.values(), key=lambda a: a.id):
        v = act.version_at(AS_OF)
        for a in v.articles if v else ():
            ws = {
                w.text
                for w in seg.plain_words(a.text)
                if len(w.text) >= 2
                and w.text not in match.LEGAL_WORDS
                and match._CJK.search(w.text)
            }
            bags.append(ws)
            df.update(ws)
    vocab = sorted(w for w, n in df.items() if MIN_ARTICLES <= n <= MAX_SHARE * len(bags))
    idx = {w: i for i, w in enumerate(vocab)}
    rows, cols = [], []
    for r, b in enumerate(bags):
        for w in b:
            if w in idx:
                rows.append(r)
                cols.append(idx[w])
    x = sp.csr_matrix((np.ones(len(rows), np.float64), (rows, cols)), shape=(len(bags), len(vocab)))
    m = x.T @ x
    co = m.tocoo()
    total, margin = co.data.sum(), np.asarray(m.sum(1)).ravel()
    pmi = np.log(co.data * total / (margin[co.row] * margin[co.col]))
    keep = (pmi > 0) & (co.row != co.col)
    p = sp.csr_matrix((pmi[keep], (co.row[keep], co.col[keep])), shape=co.shape)
    u, s, _ = svds(p, k=DIMENSIONS, random_state=0)
    e = u * np.sqrt(s)
    e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-12
    out: dict[str, list[str]] = {}
    for start in range(0, len(vocab), 2000):
        sims = e[start : start + 2000] @ e.T
        for r, row in enumerate(sims):
            row[start + r] = -1.0
            top = np.argpartition(-row, K)[:K]
            near = [
                vocab[j] for j in top[np.argsort(-row[top], kind="stable")] if row[j] >= MIN_COSINE
            ]
            if near:
                out[vocab[start + r]] = near
    return out


def write(table: dict[str, list[str]], path: Path = PATH) -> None:
    lines = [f"# corpus sha256 {corpus_digest()}"]
    lines += [f"{t}\t{' '.join(n)}" for t, n in sorted(table.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python -m dutygraph.analysis.near
    t = build()
    write(t)
    print(f"{len(t)} terms with near terms -> {PATH}")
