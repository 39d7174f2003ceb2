"""Chinese text matching without a model: verbatim phrases and character bigrams with TF-IDF.

Two signals, both explainable:

* **phrases** — an item's or behaviour's keywords, name and supervised objects
  found verbatim in the text (the strongest evidence; the reason names them).
  :class:`PhraseIndex` finds them all in one pass over the text, longest match
  first, the way a dictionary segmenter would: ``外卖`` inside ``外卖平台`` is not
  a second hit, and of two crossing hits one reading wins. A phrase that says
  only where or through what channel (:data:`CONTEXT_PHRASES`: 商场, App …)
  counts little;
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

__all__ = [
    "CONTEXT_PHRASES",
    "CONTEXT_WEIGHT",
    "STOP_BIGRAMS",
    "PhraseIndex",
    "TextIndex",
    "bigrams",
    "phrase_weight",
    "phrases_in",
]

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


#: phrases that say where a business sits, through what channel it reaches people or how
#: it charges — not what it does. Nearly every description has some (商场, 小区, App,
#: 收费, 门票 …); a hit on one is weak evidence of the main behaviour (国办发〔2023〕1号
#: asks for the 主要行为), so it counts at ``CONTEXT_WEIGHT``. Alone it still answers.
CONTEXT_PHRASES = frozenset(
    [
        # channels
        "app",
        "小程序",
        "应用程序",
        "公众号",
        "平台",
        "网上",
        "线上",
        "网络",
        # settings
        "商场",
        "小区",
        "社区",
        "写字楼",
        "门店",
        # charging and paying
        "收费",
        "价格",
        "门票",
        "充值",
        "消费",
        "退款",
        "售后",
        "投诉",
    ]
)
CONTEXT_WEIGHT = 0.25


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
    six characters a term says little more. A context phrase (where, through
    what channel, how paid: :data:`CONTEXT_PHRASES`) says little about what a
    business does and counts at :data:`CONTEXT_WEIGHT`.

    >>> phrase_weight("医美"), phrase_weight("互联网租赁自行车"), phrase_weight("App")
    (2.0, 6.0, 0.75)
    """
    weight = float(min(len(phrase), 6))
    return weight * CONTEXT_WEIGHT if phrase.lower() in CONTEXT_PHRASES else weight


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
        """The ``(start, end, phrase)`` hits of ``text``, segmented by maximum matching.

        A hit inside a longer one is dropped; of two hits that cross (``上网``
        and ``网店`` in ``包夜上网店``), only one can be a word of the text: the
        longer is kept, or the earlier when they are as long — the way a
        maximum-matching segmenter reads Chinese.

        >>> PhraseIndex([("上网", "a"), ("网店", "b")]).spans("包夜上网店")
        [(2, 4, '上网')]
        """
        text = text.lower()
        found: list[tuple[int, int, str]] = []
        n = len(text)
        for i in range(n):
            for j in range(min(n, i + self.max_len), i + 1, -1):
                if text[i:j] in self.by_phrase:
                    found.append((i, j, text[i:j]))
        found.sort(key=lambda s: (s[0] - s[1], s[0]))  # longest first
        kept: list[tuple[int, int, str]] = []
        for s in found:  # longest first, then leftmost: a kept hit wins every overlap
            if not any(k[0] < s[1] and s[0] < k[1] and k[2] != s[2] for k in kept):
                kept.append(s)
        return sorted(kept)

    def find(self, text: str, lexicon: PhraseIndex | None = None) -> dict[str, list[str]]:
        """The keys whose phrases occur in ``text``, each with its distinct phrases, longest first.

        ``lexicon`` is a larger vocabulary (these phrases and others) that
        segments the text: a phrase counts only inside one of its words, so a
        word this index does not know still keeps its characters from a
        crossing phrase (``网店`` is no word of 包夜上网店 once ``上网`` is known),
        while a phrase inside a longer word (``快递`` in ``快递公司``) still counts.

        >>> shops = PhraseIndex([("网店", "shop"), ("快递", "post")])
        >>> words = PhraseIndex([("上网", ""), ("网店", ""), ("快递公司", "")])
        >>> shops.find("包夜上网店"), shops.find("包夜上网店", words), shops.find("快递公司", words)
        ({'shop': ['网店']}, {}, {'post': ['快递']})
        """
        out: dict[str, list[str]] = {}
        spans = self.spans(text)
        if lexicon is not None:
            words = lexicon.spans(text)
            spans = [s for s in spans if any(w[0] <= s[0] and s[1] <= w[1] for w in words)]
        for _, _, phrase in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
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
