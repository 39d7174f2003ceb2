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

**Words the corpus never writes** (牛奶, 樟树, 换汇: a citizen's word, not a statute's) have
no row in the table. They are read by their characters, as the corpus uses them: a
character's vector is the mean of the word vectors of the corpus words holding it
(奶 → 奶畜, 挤奶, 奶业 …), an unknown word's vector the mean of its characters' vectors,
and its stand-ins are the corpus words sharing one of its characters nearest to it by
cosine, from :data:`MIN_COMPOSED` (:func:`composed`; 牛奶 → 奶畜, 挤奶, 奶业; 樟树 → 树种 …),
that **agree in sense with each of its characters** (:data:`MIN_AGREE`: 彩票 shares 彩
with 水彩 but stands nowhere near 水, so 水彩 gets no stand-in from it).
The word and character vectors ship beside the table (``corpus_vectors.bin``, ~1.9 MB: the
same SVD, the first :data:`SHIPPED_DIMENSIONS` dimensions, int8, the characters' vectors
computed once at build time; first line the corpus digest too), so a query reads them and
computes nothing per character.
"""

from __future__ import annotations

import collections
import hashlib
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

__all__ = [
    "DIMENSIONS",
    "MIN_AGREE",
    "MIN_COMPOSED",
    "MIN_COSINE",
    "PATH",
    "SHIPPED_DIMENSIONS",
    "VECTORS",
    "K",
    "Vectors",
    "build",
    "composed",
    "corpus_digest",
    "head_char",
    "load",
    "vectors",
    "write",
]

PATH = Path(str(files("dutygraph") / "data" / "thesaurus" / "corpus_near.tsv"))
VECTORS = PATH.with_name("corpus_vectors.bin")
DIMENSIONS, K, MIN_COSINE = 100, 3, 0.8
#: the word vectors shipped: the SVD's leading dimensions (by singular value), int8 per row
SHIPPED_DIMENSIONS = 100
#: an unknown word's stand-ins: at most K_COMPOSED (= :data:`K`) corpus words from
#: MIN_COMPOSED cosine to its characters' mean vector; at least half its characters must be
#: corpus characters. Fixed from the corpus alone, before any evaluation
#: (``benchmarks/assign_vectors.py``): 0.6 ≈ the 99.9th percentile (0.592) of the cosine
#: between a random two-character composed vector and a random corpus word
MIN_COMPOSED, K_COMPOSED = 0.6, K
#: sense agreement: a stand-in's cosine to *each* of the word's characters from this, else it
#: is dropped (水彩→彩票: 0.11 to 水; 推拿→强拿硬: 0.01 to 推; 电瓶→气瓶充装, 瓶装燃气: 0.28,
#: 0.32 to 电). 0.45 ≈ the 99th percentile (0.445) of the cosine between a corpus word and a
#: character it does not hold: a stand-in agrees with every character of the word better
#: than 99 chance pairs in 100 do (fixed, like MIN_COMPOSED, before any evaluation)
MIN_AGREE = 0.45
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
    return _build()[0]


def _build() -> tuple[dict[str, list[str]], list[str], Any]:
    """The near-term table, the vocabulary and its unit word vectors (numpy, rows)."""
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
    return out, vocab, e[:, np.argsort(-s, kind="stable")]


def write(table: dict[str, list[str]], path: Path = PATH) -> None:
    lines = [f"# corpus sha256 {corpus_digest()}"]
    lines += [f"{t}\t{' '.join(n)}" for t, n in sorted(table.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_vectors(vocab: list[str], e: Any, path: Path = VECTORS) -> None:
    """The word and character vectors as shipped: digest line, ``N M D`` line, the N words
    (one line, spaces between), the M characters (one line, spaces between), then N×D and
    M×D int8 (each row a unit vector times 127). A character's vector is the unit mean of
    the (unit) vectors of the corpus words holding it, computed here once, not per query.
    Deterministic bytes."""
    import numpy as np

    e = e[:, :SHIPPED_DIMENSIONS]
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-12)
    chars = sorted({c for w in vocab for c in w})
    at = {c: k for k, c in enumerate(chars)}
    c = np.zeros((len(chars), e.shape[1]))
    for i, w in enumerate(vocab):
        for ch in dict.fromkeys(w):
            c[at[ch]] += e[i]
    c /= np.linalg.norm(c, axis=1, keepdims=True) + 1e-12

    def q(x: Any) -> bytes:
        return bytes(np.clip(np.rint(x * 127), -127, 127).astype(np.int8).tobytes())

    head = (
        f"# corpus sha256 {corpus_digest()}\n{len(vocab)} {len(chars)} {e.shape[1]}\n"
        f"{' '.join(vocab)}\n{' '.join(chars)}\n"
    )
    path.write_bytes(head.encode("utf-8") + q(e) + q(c))


#: characters that end a word without being its head (noun suffixes and particles: 杯子's
#: head is 杯, not the 子 of 电子)
SUFFIXES = frozenset("子儿头们了着过的得地")


def head_char(word: str) -> str:
    """The head of a compound: a Chinese compound is right-headed (樟树 is a 树, 牛奶 a 奶),
    so its last character that is not a suffix.

    >>> head_char("樟树"), head_char("杯子"), head_char("子")
    ('树', '杯', '子')
    """
    for ch in reversed(word):
        if ch not in SUFFIXES:
            return ch
    return word[-1:]


class Vectors:
    """The shipped word vectors and character vectors (see the module)."""

    def __init__(self, vocab: list[str], e: Any, chars: list[str], c: Any) -> None:
        import numpy as np

        self.vocab, self.e, self.c = vocab, e, c
        self.index = {w: i for i, w in enumerate(vocab)}
        self.chars = {ch: k for k, ch in enumerate(chars)}
        by: dict[str, list[int]] = collections.defaultdict(list)
        for i, w in enumerate(vocab):
            for ch in dict.fromkeys(w):
                by[ch].append(i)
        self.by_char = {ch: np.asarray(ix, np.int32) for ch, ix in by.items()}

    def char(self, ch: str) -> Any:
        """The unit mean vector of the corpus words holding ``ch`` (shipped)."""
        return self.c[self.chars[ch]]

    def composed(self, word: str) -> tuple[tuple[str, float], ...]:
        """An unknown word's stand-ins (see the module): corpus words and their cosines.

        A candidate must stand near the word (cosine to the mean of its characters'
        vectors from :data:`MIN_COMPOSED`) **and agree in sense with each of its
        characters** (cosine to every one of them from :data:`MIN_AGREE`): 水彩 shares 彩
        with 彩票, but 彩票 stands nowhere near 水, so it is no stand-in for 水彩) **and hold
        the word's head** (:func:`head_char`: 樟树's 树 is in 树种; 别墅 shares only its
        modifier 别 with 特别行政区, 师傅 only 师 with 教师法: no stand-ins)."""
        import numpy as np

        chars = [ch for ch in dict.fromkeys(word) if ch in self.chars]
        if word in self.index or not chars or 2 * len(chars) < len(set(word)):
            return ()
        head = head_char(word)
        if head not in self.by_char:
            return ()
        cv = self.c[[self.chars[ch] for ch in chars]]
        v = cv.mean(0)
        v /= np.linalg.norm(v) + 1e-12
        cand = self.by_char[head]
        ev = self.e[cand]
        sims = ev @ v
        ok = np.flatnonzero((sims >= MIN_COMPOSED) & ((ev @ cv.T).min(1) >= MIN_AGREE))
        order = ok[np.argsort(-sims[ok], kind="stable")][:K_COMPOSED]
        return tuple((self.vocab[cand[j]], round(float(sims[j]), 3)) for j in order)


@lru_cache(maxsize=1)
def vectors() -> Vectors | None:
    """The shipped vectors; None when missing or built from another corpus."""
    import numpy as np

    try:
        raw = VECTORS.read_bytes()
    except OSError:
        return None
    first, shape, words, chars, body = raw.split(b"\n", 4)
    if first.decode().removeprefix("# corpus sha256 ") != corpus_digest():
        return None
    n, m, d = map(int, shape.split())
    x = np.frombuffer(body, np.int8).astype(np.float32) / 127.0
    e, c = x[: n * d].reshape(n, d), x[n * d :].reshape(m, d)
    return Vectors(words.decode("utf-8").split(" "), e, chars.decode("utf-8").split(" "), c)


@lru_cache(maxsize=4096)
def composed(word: str) -> tuple[tuple[str, float], ...]:
    """The corpus words standing in for ``word`` when the corpus never writes it (empty for
    a corpus word, whose near terms are :func:`load`'s, and without the shipped vectors).

    >>> [t for t, _ in composed("牛奶")]
    ['奶畜', '挤奶', '奶业']
    """
    vs = vectors()
    return vs.composed(word) if vs is not None else ()


if __name__ == "__main__":  # python -m dutygraph.analysis.near
    t, vocab, e = _build()
    write(t)
    write_vectors(vocab, e)
    print(f"{len(t)} terms with near terms -> {PATH}; {len(vocab)} word vectors -> {VECTORS}")
