"""Chinese text matching without a model: verbatim phrases and character bigrams with TF-IDF.

Two signals, both explainable:

* **phrases** — an item's or behaviour's keywords, name and supervised objects
  found verbatim in the text (the strongest evidence; the reason names them).
  :class:`PhraseIndex` finds them all in one pass over the text, longest match
  first, the way a dictionary segmenter would: ``外卖`` inside ``外卖平台`` is not
  a second hit;
* **bigrams** — TF-IDF cosine over character bigrams of CJK runs (and whole
  ASCII words), with the bigrams of generic business words removed, for texts
  that say the same thing in other words (:class:`TextIndex`, searched through
  an inverted index, so a query costs what its own bigrams' postings cost).

Nothing is downloaded and nothing is learnt: the indexes are built from the
graph's own names, keywords and descriptions.

>>> idx = TextIndex({"a": "剧本杀 密室 沉浸式娱乐", "b": "预包装食品 食品零售"})
>>> [k for k, _ in idx.similar("沉浸式密室逃脱")]
['a']
>>> PhraseIndex([("外卖", "cater"), ("外卖平台", "platform")]).find("外卖平台配送外卖")
{'platform': ['外卖平台'], 'cater': ['外卖']}
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

__all__ = ["STOP_BIGRAMS", "PhraseIndex", "TextIndex", "bigrams", "phrase_weight", "phrases_in"]

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+")

#: bigrams of words that every business description uses; they say nothing about the line
STOP_BIGRAMS = frozenset(
    [
        "提供",
        "服务",
        "经营",
        "销售",
        "管理",
        "监管",
        "活动",
        "场所",
        "企业",
        "单位",
        "相关",
        "进行",
        "开展",
        "通过",
        "以及",
        "用户",
        "消费",
        "费者",
        "客户",
        "平台",
        "网络",
        "线上",
        "线下",
        "业务",
        "产品",
        "方式",
        "从事",
        "为主",
        "主要",
        "其他",
        "包括",
        "等等",
        "一种",
        "新型",
        "模式",
        "行为",
        "人员",
        "机构",
        "收取",
        "收费",
        "向公",
        "公众",
        "面向",
        "我们",
        "你们",
        "他们",
        "投诉",
        "举报",
        "反映",
        "市民",
        "来电",
        "希望",
        "要求",
        "部门",
        "处理",
    ]
)


def bigrams(text: str) -> list[str]:
    """Character bigrams of each CJK run (a lone character counts), and ASCII words.

    >>> bigrams("网约车 app")
    ['网约', '约车', 'app']
    """
    out: list[str] = []
    for run in _CJK_RUN.findall(text.lower()):
        if run.isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def phrase_weight(phrase: str) -> float:
    """How much a verbatim hit says: its length in characters, capped at 6.

    A two-character keyword is weak evidence, a long specific term strong; past
    six characters a term says little more.

    >>> phrase_weight("医美"), phrase_weight("互联网租赁自行车")
    (2.0, 6.0)
    """
    return float(min(len(phrase), 6))


def phrases_in(text: str, phrases: Iterable[str], min_len: int = 2) -> list[str]:
    """The phrases that occur in ``text``, longest first, without ones inside a longer hit.

    >>> phrases_in("网络订餐平台", ["订餐", "网络订餐", "外卖"])
    ['网络订餐']
    """
    hits = sorted({p for p in phrases if len(p) >= min_len and p in text}, key=len, reverse=True)
    kept: list[str] = []
    for p in hits:
        if not any(p in k for k in kept):
            kept.append(p)
    return kept


class PhraseIndex:
    """Phrases mapped to the keys (item or behaviour ids) they stand for, found in one pass.

    Parameters
    ----------
    entries : iterable of (phrase, key)
        A phrase may stand for several keys; phrases shorter than ``min_len``
        characters are ignored (one character says nothing).
    """

    def __init__(self, entries: Iterable[tuple[str, str]], min_len: int = 2) -> None:
        by_phrase: dict[str, list[str]] = defaultdict(list)
        for phrase, key in entries:
            phrase = phrase.strip().lower()
            if len(phrase) >= min_len and key not in by_phrase[phrase]:
                by_phrase[phrase].append(key)
        self.by_phrase = dict(by_phrase)
        self.max_len = max((len(p) for p in self.by_phrase), default=0)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Every ``(start, end, phrase)`` in ``text`` not strictly inside a longer hit."""
        text = text.lower()
        found: list[tuple[int, int, str]] = []
        n = len(text)
        for i in range(n):
            for j in range(min(n, i + self.max_len), i + 1, -1):
                if text[i:j] in self.by_phrase:
                    found.append((i, j, text[i:j]))
        found.sort(key=lambda s: (s[0] - s[1], s[0]))  # longest first
        kept: list[tuple[int, int, str]] = []
        for s in found:
            if not any(
                k[0] <= s[0] and s[1] <= k[1] and (k[1] - k[0]) > (s[1] - s[0]) for k in kept
            ):
                kept.append(s)
        return sorted(kept)

    def find(self, text: str) -> dict[str, list[str]]:
        """The keys whose phrases occur in ``text``, each with its distinct phrases, longest first."""
        out: dict[str, list[str]] = {}
        for _, _, phrase in sorted(self.spans(text), key=lambda s: (s[0] - s[1], s[0])):
            for key in self.by_phrase[phrase]:
                hits = out.setdefault(key, [])
                if phrase not in hits:
                    hits.append(phrase)
        return out


class TextIndex:
    """TF-IDF vectors of bigrams for a set of documents, queried by cosine similarity."""

    def __init__(self, docs: Mapping[str, str]) -> None:
        self.keys = list(docs)
        counts = {
            k: Counter(b for b in bigrams(v) if b not in STOP_BIGRAMS) for k, v in docs.items()
        }
        df: Counter[str] = Counter()
        for c in counts.values():
            df.update(c.keys())
        n = max(len(docs), 1)
        self.idf = {t: math.log((1 + n) / (1 + f)) + 1.0 for t, f in df.items()}
        self.vectors: dict[str, dict[str, float]] = {}
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for k, c in counts.items():
            vec = {t: (1 + math.log(f)) * self.idf[t] for t, f in c.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            self.vectors[k] = {t: v / norm for t, v in vec.items()}
            for t, v in self.vectors[k].items():
                self.postings[t].append((k, v))

    def vector(self, text: str) -> dict[str, float]:
        c = Counter(b for b in bigrams(text) if b not in STOP_BIGRAMS and b in self.idf)
        vec = {t: (1 + math.log(f)) * self.idf[t] for t, f in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def similar(self, text: str, threshold: float = 0.2) -> list[tuple[str, float]]:
        """Documents whose cosine similarity to ``text`` is at least ``threshold``, best first."""
        q = self.vector(text)
        acc: dict[str, float] = defaultdict(float)
        for t, w in q.items():
            for k, v in self.postings.get(t, ()):
                acc[k] += w * v
        scored = [(k, s) for k, s in acc.items() if s >= threshold]
        return sorted(scored, key=lambda kv: (-kv[1], kv[0]))
