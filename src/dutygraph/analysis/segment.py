"""Reading a business description as a sentence: jieba words, each with its role.

A description says what a business *does* (its verbs and their objects), and
around that through what channel it reaches people (网店, App, 小程序, 直播),
for whom (给/为/帮 X) and where (商场, 小区, 酒店). Only the first says which
line leads it (国办发〔2023〕1号: the 主要行为特征), so each word carries a
weight by its role:

* ``activity`` (1.0): the business's own verbs and objects;
* ``customer`` (:data:`CUSTOMER_WEIGHT`): the words right after 给/为/帮/替/向,
  up to the next verb;
* ``channel`` and ``place`` (:data:`CONTEXT_WEIGHT`): words of
  :data:`CHANNEL_WORDS` (and of :data:`MODE_WORDS`: 无人值守, 自助 …) and
  :data:`PLACE_WORDS`, and place words jieba tags so.

Words of :data:`GENERIC_WORDS` (提供, 服务, 经营 …), punctuation, numbers and
single characters that are not a verb are dropped. The segmenter is jieba
(a dictionary segmenter with an HMM for unknown words, shipped with its
dictionary: nothing is downloaded), with a domain dictionary added — the
catalogue's phrases and the corpus's defined terms — so that ``无人驾驶航空器``
is one word and ``无人值守`` shares nothing with it.

>>> seg = Segmenter(["无人驾驶航空器"])
>>> [(w.text, w.role) for w in seg.words("为宠物提供遗体火化")]
[('宠物', 'customer'), ('遗体', 'activity'), ('火化', 'activity')]
>>> [w.text for w in seg.words("在小区里用无人驾驶航空器送快递")][:3]
['小区', '无人驾驶航空器', '送']
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .._fork import fork_safe

__all__ = [
    "CHANNEL_WORDS",
    "CONTEXT_WEIGHT",
    "CUSTOMER_WEIGHT",
    "GENERIC_WORDS",
    "MODE_WORDS",
    "PLACE_WORDS",
    "Segmenter",
    "Word",
]

CONTEXT_WEIGHT = 0.25
CUSTOMER_WEIGHT = 0.6
#: a one-character verb of the business's own activity (收, 卖, 装, 进, 走, 挖): everyday and
#: many-sensed, it says little of which line leads (收 matches 收费, 收购, 收养 alike); a
#: one-character noun (猫, 药, 烟) keeps its weight: it names the thing dealt in
SHORT_VERB_WEIGHT = 0.25

#: through what a business reaches people: says nothing of what it does
CHANNEL_WORDS = frozenset(
    [
        "app",
        "小程序",
        "应用程序",
        "公众号",
        "平台",
        "网上",
        "线上",
        "网络",
        "网店",
        "直播",
        "直播间",
        "微信",
        "微信群",
        "朋友圈",
        "短视频",
        "视频号",
        "抖音",
        "快手",
        "淘宝",
        "社交软件",
        "社交平台",
        "群里",
        "群",
        "手机",
        "扫码",
        "二维码",
        "下单",
        "接单",
        "网站",
        "电话",
    ]
)
#: how a business runs (unattended, self-service, round the clock): says nothing of what it
#: does either; kept whole so that 无人值守 shares nothing with 无人驾驶航空器
MODE_WORDS = frozenset(
    [
        "无人值守",
        "无人看守",
        "自助",
        "自助式",
        "全天候",
        "24小时",
        "通宵",
        "连锁",
        "加盟",
        "会员制",
        "预约",
    ]
)
#: where a business sits
PLACE_WORDS = frozenset(
    [
        "商场",
        "小区",
        "社区",
        "写字楼",
        "门店",
        "店里",
        "店",
        "酒店",
        "饭店",
        "宾馆",
        "工地",
        "物业",
        "景区",
        "街边",
        "路边",
        "门口",
        "附近",
        "中庭",
        "楼下",
        "城郊",
        "城边",
        "郊外",
        "山里",
        "家里",
        "在家",
        "学校",
        "校园",
        "大学",
        "市场",
        "菜市场",
        "停车场",
        "街道",
        "村里",
        "农村",
        "城区",
        "商业街",
        "广场",
        "包间",
        "房间",
        "院子",
        "小院",
        "厂房",
        "老厂房",
        "仓库",
    ]
)
#: words every business description uses
GENERIC_WORDS = frozenset(
    [
        "提供",
        "服务",
        "经营",
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
        "消费者",
        "客户",
        "客人",
        "顾客",
        "业务",
        "产品",
        "方式",
        "从事",
        "为主",
        "主要",
        "其他",
        "包括",
        "一种",
        "新型",
        "模式",
        "行为",
        "人员",
        "机构",
        "收取",
        "收费",
        "收钱",
        "付费",
        "付钱",
        "计费",
        "按次",
        "按小时",
        "小时",
        "按天",
        "按月",
        "每天",
        "公众",
        "面向",
        "我们",
        "他们",
        "一个",
        "一些",
        "可以",
        "能",
        "就",
        "还",
        "也",
        "都",
        "再",
        "又",
        "自己",
        "专门",
        "声称",
        "准备",
        "负责",
        "帮忙",
        "顺便",
        "一起",
        "开",
        "开一家",
        "做",
        "搞",
        "弄",
        "用",
        "让",
        "跟",
        "和",
        "与",
        "或",
        "及",
        "的",
        "了",
        "着",
        "在",
        "是",
        "有",
        "把",
        "被",
        "从",
        "到",
        "等",
        "之",
        "里",
        "上",
        "下",
        "中",
        "内",
        "外",
        "前",
        "后",
        "元",
        "块",
        "一",
        "二",
        "三",
        "几",
        "多",
        "很",
        "最",
        "更",
        "比较",
        "统一",
        "现场",
        "按人头",
        "按场次",
        "按斤",
        "一对一",
        "二十四",
        "24",
    ]
)
_MARKERS = frozenset(["给", "为", "帮", "替", "向", "帮人", "替人", "给人", "为人"])
_OBJECT_MARKERS = frozenset(["把", "将"])
#: a customer (给/为/帮 X) ends at the end of its clause, as at the next verb: in
#: 卖给隔壁几家小厂，每度比电网贵三毛 电网 is no customer (False: it runs on to the next verb)
CUSTOMER_CLAUSE = True
_CLAUSE_ENDS = frozenset("，。；：！？,;:!?\n")
_PLACE_FLAGS = frozenset({"s", "ns", "f"})
#: one-character words jieba may tag as nouns that say nothing of a business
_NOT_NOUNS = frozenset("人家店间处边旁时天年月日次个种位名份件")
_log = logging.getLogger("jieba")


def domain_words(words: Iterable[str]) -> frozenset[str]:
    """``words`` as a domain dictionary holds them: stripped, lower-cased, two characters or
    more, not plain ASCII.

    >>> sorted(domain_words([" 剧本杀 ", "App", "猫", "ＡＰＰ"]))
    ['剧本杀', 'ａｐｐ']
    """
    out = {w.strip().lower() for w in words}
    return frozenset(w for w in out if len(w) >= 2 and not w.isascii())


_base: Any = None
_base_lock = fork_safe(threading.Lock())  # free in a forked worker (_fork)


def _tokenizer() -> Any:
    """A jieba tokenizer of its own over jieba's dictionary, read once per process and copied
    (a copy is ~15 ms, reading it ~0.6 s): each :class:`Segmenter` adds only its own words, so
    what one dictionary holds never depends on what else the process segmented before."""
    import jieba

    global _base
    with _base_lock:
        if _base is None:
            _log.setLevel(logging.WARNING)
            base = jieba.Tokenizer()
            base.initialize()
            _base = base
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = dict(_base.FREQ), _base.total, True
    return tk


@dataclass(frozen=True, slots=True)
class Word:
    """A word of the text, where it starts, its role and its weight."""

    text: str
    start: int
    role: str
    weight: float
    via: str = ""  # the text's own word this one stands for (a statute's defined term)


class Segmenter:
    """jieba with a domain dictionary; :meth:`words` reads a text into weighted words.

    Parameters
    ----------
    words : the domain dictionary (catalogue phrases, defined terms); each is
        kept whole by the segmenter.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        import jieba
        import jieba.posseg

        _log.setLevel(logging.WARNING)
        self._tk = _tokenizer()
        # jieba's tokenizer is not thread-safe on first cuts; free in a forked worker (_fork)
        self._lock = fork_safe(threading.Lock())
        self._cache: dict[str, list[Word]] = {}
        # the vocabulary is fixed at construction: match.segmenter() keeps one segmenter
        # per vocabulary, so a word added later would answer for another vocabulary's key
        self._added = frozenset(domain_words([*words, *MODE_WORDS]))
        for w in sorted(self._added):
            self._tk.add_word(w, freq=max(1000, 200 * len(w)), tag="n")
        # a part-of-speech tokenizer over our own dictionary, with the tag table that
        # importing jieba.posseg has already read (POSTokenizer() would read it again: ~0.5 s)
        pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
        pos.tokenizer = self._tk
        pos.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)
        self._pos = pos

    def added_words(self) -> frozenset[str]:
        """The domain dictionary: the words added to jieba's own."""
        return self._added

    def sub_words(self, word: str) -> list[str]:
        """The dictionary words inside ``word`` (jieba's search mode), ``word`` among them.

        >>> sorted(Segmenter().sub_words("麻将馆"))
        ['麻将', '麻将馆']
        """
        with self._lock:
            return list(self._tk.cut_for_search(word, HMM=False))

    def tokens(self, text: str) -> list[tuple[str, str, int]]:
        """``(word, part of speech, start)`` of every word, punctuation kept out."""
        out = []
        at = 0
        with self._lock:
            pairs = [(p.word, p.flag) for p in self._pos.cut(text.lower(), HMM=True)]
        for w, flag in pairs:
            start = at
            at += len(w)
            if w.strip() and flag not in {"x", "w"}:
                out.append((w, flag, start))
        return out

    def plain_words(self, text: str) -> list[Word]:
        """The words of a long document (a statute article), without parts of speech: a
        few times faster than :meth:`words`, all as activity words; what the query does
        not hold never matches, so the roles of a document's words are not needed.

        >>> [w.text for w in Segmenter().plain_words("经营麻将馆的，应当遵守")]
        ['麻将馆', '应当', '遵守']
        """
        out: list[Word] = []
        at = 0
        with self._lock:
            parts = list(self._tk.cut(text.lower(), HMM=True))
        for w in parts:
            start = at
            at += len(w)
            if len(w) >= 2 and w not in GENERIC_WORDS and not w.isdigit():
                out.append(Word(w, start, "activity", 1.0))
        return out

    def words(self, text: str) -> list[Word]:
        """The content words of ``text``, each with its role and weight (see the module)."""
        got = self._cache.get(text)
        if got is None:
            got = self._words(text)
            if len(self._cache) > 20000:
                self._cache.clear()
            self._cache[text] = got
        return list(got)

    def _words(self, text: str) -> list[Word]:
        out: list[Word] = []
        customer = False
        end = 0  # where the previous word ended: what lies between is punctuation or space
        for w, flag, start in self.tokens(text):
            if CUSTOMER_CLAUSE and customer and any(ch in _CLAUSE_ENDS for ch in text[end:start]):
                customer = False
            end = start + len(w)
            if w in _MARKERS:
                customer = True
                continue
            if w in _OBJECT_MARKERS:  # 帮人把户口挂进城: what follows 把 is acted upon
                customer = False
                continue
            verb = flag.startswith("v")
            if verb:
                customer = False
            if w in GENERIC_WORDS or w.isdigit() or flag in {"m", "uj", "ul", "p", "c", "r", "d"}:
                continue
            if len(w) < 2 and not verb and not (flag.startswith("n") and w not in _NOT_NOUNS):
                continue
            if w in CHANNEL_WORDS or w in MODE_WORDS:
                out.append(Word(w, start, "channel", CONTEXT_WEIGHT))
            elif w in PLACE_WORDS or (flag in _PLACE_FLAGS and not verb):
                out.append(Word(w, start, "place", CONTEXT_WEIGHT))
            elif customer:
                out.append(Word(w, start, "customer", CUSTOMER_WEIGHT))
            else:
                short_verb = verb and len(w) < 2
                out.append(Word(w, start, "activity", SHORT_VERB_WEIGHT if short_verb else 1.0))
        return out
