"""Everyday words to statutory terms: the curated thesaurus assignment reads a text with.

A citizen says 宝宝, 面膜, 鸣禽, 钟点房; the statutes say 婴幼儿, 化妆品, 野生动物, 旅馆.
The statutes' own definitions (``本法所称X，是指…``, :func:`dutygraph.analysis.match._definitions`)
bridge a few of these gaps; the rest is everyday usage no statute writes down. The
thesaurus (``data/thesaurus/everyday.csv``, see its ``SOURCES.md``) holds one row per
word: the everyday word, the statutory term it stands for, the kind of link and the
field, and the act that uses the term (its basis, the citation a clerk checks):

* ``synonym`` — the same thing in other words (钟点工 → 家政, 社保 → 社会保险);
* ``narrower`` — a kind of the term (面膜 → 化妆品, 画眉 → 野生动物);
* ``activity`` — doing this is dealing in the term (看娃 → 婴幼儿照护, 销分 → 记分);
* ``person`` — whom a business serves or employs (游客 → 旅游者, 老人 → 老年人): the
  customer says little of what the business does, so it counts least.

It was written field by field (food, drugs, cosmetics, devices, medicine, childcare,
education, tourism, culture, press, broadcasting, internet, telecoms, transport,
sports, construction, housing, environment, agriculture, wildlife, finance, tax,
labour, civil affairs, justice, science, customs …) from general knowledge of Chinese
usage; every term is one the catalogue or the law corpus holds (a test checks).
An expanded term votes under the text's word, weakly (:data:`WEIGHTS`), and the reason
shows both (``面膜→化妆品``).

>>> t = load()
>>> [(e.term, e.kind) for e in t["面膜"]]
[('化妆品', 'narrower')]
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

__all__ = ["KINDS", "PATH", "WEIGHTS", "Entry", "load"]

PATH = Path(str(files("dutygraph") / "data" / "thesaurus" / "everyday.csv"))
#: the kinds of link a row may name
KINDS = ("synonym", "narrower", "activity", "person")
#: how much an expanded term stands for the text's word, by kind (times the word's role
#: weight): a synonym counts as the word itself, a broader term or an activity's field less
WEIGHTS = {"synonym": 1.0, "narrower": 0.85, "activity": 0.7, "person": 0.35}


@dataclass(frozen=True, slots=True)
class Entry:
    """One row: the everyday word, the statutory term it stands for, how, and where from."""

    word: str
    term: str
    kind: str
    field: str
    basis: str


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict[str, tuple[Entry, ...]]:
    """word (lower case) -> its entries, in file order. A row of an unknown kind, or with
    an empty word or term, is refused with its row number (the file is the package's own:
    a bad row is a bug, not a user's input)."""
    out: dict[str, list[Entry]] = {}
    src = Path(path) if path else PATH
    with open(src, encoding="utf-8", newline="") as f:
        for n, r in enumerate(csv.DictReader(f), start=2):
            word, term, kind = (r.get(k, "").strip() for k in ("word", "term", "kind"))
            if not word or not term or kind not in KINDS:
                raise ValueError(
                    f"同义词表第 {n} 行无效：词、术语不可为空，类型须为 {'/'.join(KINDS)} "
                    f"({src.name} row {n}: word, term and a known kind are required)"
                )
            e = Entry(word.lower(), term.lower(), kind, r.get("field", ""), r.get("basis", ""))
            out.setdefault(e.word, []).append(e)
    return {w: tuple(es) for w, es in out.items()}
