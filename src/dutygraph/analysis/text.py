"""Chinese text matching without a model: phrases and character bigrams with TF-IDF.

Two signals, both explainable:

* **phrases** — an item's or behaviour's keywords, name and supervised objects
  found verbatim in the text (the strongest evidence; the reason names them);
* **bigrams** — TF-IDF cosine over character bigrams of CJK runs (and whole
  ASCII words), with the bigrams of generic business words removed, for texts
  that say the same thing in other words.

>>> idx = TextIndex({"a": "剧本杀 密室 沉浸式娱乐", "b": "预包装食品 食品零售"})
>>> [k for k, _ in idx.similar("沉浸式密室逃脱")]
['a']
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping

__all__ = ["STOP_BIGRAMS", "TextIndex", "bigrams", "phrases_in"]

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


def phrases_in(text: str, phrases: Iterable[str], min_len: int = 2) -> list[str]:
    """The phrases that occur in ``text``, longest first, without ones inside a longer hit."""
    hits = sorted({p for p in phrases if len(p) >= min_len and p in text}, key=len, reverse=True)
    kept: list[str] = []
    for p in hits:
        if not any(p in k for k in kept):
            kept.append(p)
    return kept


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
        for k, c in counts.items():
            vec = {t: (1 + math.log(f)) * self.idf[t] for t, f in c.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            self.vectors[k] = {t: v / norm for t, v in vec.items()}

    def vector(self, text: str) -> dict[str, float]:
        c = Counter(b for b in bigrams(text) if b not in STOP_BIGRAMS and b in self.idf)
        vec = {t: (1 + math.log(f)) * self.idf[t] for t, f in c.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def similar(self, text: str, threshold: float = 0.2) -> list[tuple[str, float]]:
        """Documents whose cosine similarity to ``text`` is at least ``threshold``, best first."""
        q = self.vector(text)
        if not q:
            return []
        scored = []
        for k, vec in self.vectors.items():
            s = sum(w * vec.get(t, 0.0) for t, w in q.items())
            if s >= threshold:
                scored.append((k, s))
        return sorted(scored, key=lambda kv: (-kv[1], kv[0]))
