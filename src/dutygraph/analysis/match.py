"""Word matching for assignment: a TF-IDF index over jieba words, weighted by role.

A document (an item with its behaviours, a statute article, a business form)
is a bag of **terms**, each with a field weight and where it comes from (the
item's name, a keyword, a behaviour, an article). A query is the description
read as weighted words (:mod:`dutygraph.analysis.segment`). A query word votes
once per document, with its best-matching term::

    role weight × match weight × field weight × idf(term)

where the match weight is 1.0 for the word itself and :func:`sub_weight` for
a dictionary sub-word of it or of the term (``麻将`` inside ``麻将馆``). A word of
the text found in a statute's definition (``本法所称X，是指…``) brings X along at
:data:`DEFINED_WEIGHT` (the statutes' own thesaurus, :func:`_definitions`), voting
under the text's word (``电梯→特种设备``). The search walks
only the postings of the query's own terms, so it costs what the query's
words cost, not what the index holds. Every hit keeps which word of the text
matched which term, and where that term came from: the reason a clerk reads.

>>> from dutygraph.analysis.segment import Segmenter
>>> seg = Segmenter(["剧本杀", "预包装食品"])
>>> idx = WordIndex(seg, {"a": [("剧本杀", 1.0, "关键词")], "b": [("预包装食品", 1.0, "关键词")]})
>>> hits = idx.search(seg.words("周末玩剧本杀"))
>>> [(h.key, h.matches[0].word, h.matches[0].term) for h in hits]
[('a', '剧本杀', '剧本杀')]
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import math
import os
import re
import tempfile
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._fork import fork_safe
from ..reader import GraphReader
from . import near as corpus_near
from . import thesaurus
from .segment import GENERIC_WORDS, MODE_WORDS, Segmenter, Word, domain_words

__all__ = [
    "LEGAL_WORDS",
    "NAME_BOOST",
    "SEGMENT",
    "SUB_WEIGHT",
    "ClauseHit",
    "ClauseIndex",
    "EnforceHit",
    "EnforceIndex",
    "Hit",
    "Indexes",
    "Match",
    "StatuteHit",
    "StatuteIndex",
    "WordIndex",
    "bigram_words",
    "indexes",
    "query_words",
    "segmenter",
    "sub_weight",
]

COVERAGE = True  # a sub-word weighs by the share of the word it covers
CONTEXT_ROLES = frozenset({"channel", "place"})
MAX_DOC_SHARE, MIN_COMMON = 0.2, 50  # a term in more of an index's documents says nothing
MAX_ACT_SHARE = 0.05  # a word in more of the acts than this says nothing of which one
#: a word found in the heads of at most this many acts places the text under them alone
#: (one shared word suffices); 0: two words always needed. Off: one rare word is as often
#: incidental (脑机接口 → 接口 → 市场主体登记管理条例实施细则) as telling
RARE_ACTS = 0
#: a word of the text (or the thesaurus's term for one) in an act's title names the act's own
#: matter (五险→社会保险: 社会保险法): it places the text under that act alone
TITLE_ALONE = True
#: a word in too many heads to tell acts apart (公证, 食品, 价格) still votes for the acts whose
#: title names it as their matter (公证法): top-1 61.3% -> 64.0% leave-one-set-out
COMMON_TITLE = True
TITLE_SHARE = 0.4  # (0.25: top-1 -0.2, top-3 +0.2; off: top-3 -1.8)
#: a word the act's head says often is more its matter than one it says once: a word's vote
#: for an act is times ``1 + ACT_TF·log(occurrences)`` (社会保险 in 社会保险法, against 放弃 in 慈善法)
ACT_TF = 0.5
#: a document's terms hold their characters too, at their share of the term: a one-character
#: noun of the text (猫, 药, 刀) finds 猫狗, 兽药, 刀具, weakly (see :func:`sub_weight`)
CHAR_NOUNS = True
DOC_SUB = 1.5  # a document phrase's sub-word, against the query's own sub-words
SUB_WEIGHT = 1.0  # a dictionary sub-word of a query word, or of a document's phrase
#: words every statute uses: they say nothing about which statute a business falls under
LEGAL_WORDS = frozenset(
    [
        "国务院",
        "部门",
        "主管",
        "主管部门",
        "行政",
        "县级",
        "以上",
        "地方",
        "人民政府",
        "人民",
        "政府",
        "本法",
        "本条例",
        "本办法",
        "规定",
        "依照",
        "职责",
        "负责",
        "工作",
        "监督",
        "监督管理",
        "实施",
        "有关",
        "其他",
        "国家",
        "全国",
        "行政区域",
        "本行政区域",
        "应当",
        "法律",
        "法规",
        "条例",
        "办法",
        "下列",
        "境内",
        "中华人民共和国",
        "中华",
        "共和国",
        "单位",
        "个人",
        "组织",
        "活动",
        "遵守",
        "适用",
        "所称",
        "是指",
        "以下",
        "简称",
        "统称",
        "范围",
        "职责范围",
        "分工",
        "按照",
        "各自",
        "方面",
        "内",
        "的",
        "和",
        "或者",
        "及其",
        "以及",
        "等",
        "具体",
        "相关",
        "根据",
        "需要",
        "建立",
        "健全",
        "加强",
        "制度",
        "机制",
        "保障",
        "保护",
        "促进",
        "发展",
        "社会",
        "公共",
        "安全",
    ]
)


@dataclass(frozen=True, slots=True)
class Match:
    """A word of the text that matched a term of a document, and where the term is from."""

    word: str
    term: str
    source: str
    score: float


@dataclass(slots=True)
class Hit:
    """A document the text matched: its score and the words behind it, best first."""

    key: str
    score: float
    matches: list[Match] = field(default_factory=list)

    def words(self, n: int = 4) -> str:
        """``词→术语`` pairs of the best matches, for a reason."""
        out = []
        for m in self.matches[:n]:
            out.append(m.word if m.word == m.term else f"{m.word}→{m.term}")
        return "、".join(out)


_segmenters: OrderedDict[frozenset[str], Segmenter] = OrderedDict()
_segmenters_lock = fork_safe(threading.Lock())  # free in a forked worker (_fork)
#: segmenters kept, one per vocabulary (a server holds one graph; tests and benchmarks a few)
KEEP_SEGMENTERS = 4


def segmenter(words: Iterable[str] = ()) -> Segmenter:
    """The segmenter whose domain dictionary is exactly ``words``.

    One per vocabulary (jieba's own dictionary is read once per process and copied), so a
    graph's answers never depend on which other graphs the process read before.

    >>> segmenter(["密室逃脱"]) is segmenter(["密室逃脱"]), segmenter(["密室逃脱"]) is segmenter()
    (True, False)
    """
    key = domain_words([*words, *MODE_WORDS])  # what the segmenter's dictionary will hold
    with _segmenters_lock:
        seg = _segmenters.get(key)
        if seg is None:
            seg = _segmenters[key] = Segmenter(key)
            while len(_segmenters) > KEEP_SEGMENTERS:
                _segmenters.popitem(last=False)
        else:
            _segmenters.move_to_end(key)
        return seg


def _terms(seg: Segmenter, phrase: str, doc: bool = False) -> list[tuple[str, float]]:
    """A phrase's terms: itself (whole) and its dictionary sub-words at :data:`SUB_WEIGHT`;
    a document's phrase (``doc``, with :data:`CHAR_NOUNS`) its characters too, each at the
    share of the phrase it covers, for a one-character noun of a text to find. A word of a
    text never splits into characters: 交易 does not meet 易制毒 through 易.

    >>> from dutygraph.analysis.segment import Segmenter
    >>> [(t, round(w, 2)) for t, w in _terms(Segmenter(), "麻将馆", doc=True)]
    [('麻将馆', 1.0), ('麻将', 0.67), ('麻', 0.33), ('将', 0.33), ('馆', 0.33)]
    >>> [t for t, _ in _terms(Segmenter(), "麻将馆")]
    ['麻将馆', '麻将']
    """
    p = phrase.strip().lower()
    if p in GENERIC_WORDS or p in LEGAL_WORDS:
        return []
    if len(p) < 2:  # a one-character word of the text (猫, 药, 修): itself only
        return [(p, 1.0)] if CHAR_NOUNS and _CJK.fullmatch(p) else []
    out = [(p, 1.0)]
    for w in seg.sub_words(p):
        if w != p and len(w) >= 2 and w not in GENERIC_WORDS and w not in LEGAL_WORDS:
            out.append((w, sub_weight(w, p)))
    if CHAR_NOUNS and doc:
        out += [(c, sub_weight(c, p)) for c in dict.fromkeys(p) if _CJK.fullmatch(c)]
    return out


_CJK = re.compile(r"[\u4e00-\u9fff]")


def sub_weight(w: str, p: str) -> float:
    """How much the dictionary word ``w`` inside ``p`` stands for it: :data:`SUB_WEIGHT`
    times the share of ``p`` it covers (with :data:`COVERAGE`).

    ``无人`` stands little for ``无人驾驶航空器`` (two of seven characters), ``麻将`` much for
    ``麻将馆``:

    >>> round(sub_weight("无人", "无人驾驶航空器"), 2), round(sub_weight("麻将", "麻将馆"), 2)
    (0.29, 0.67)
    """
    return SUB_WEIGHT * (len(w) / len(p) if COVERAGE else 1.0)


class WordIndex:
    """Documents as weighted terms; :meth:`search` scores them against weighted words.

    Parameters
    ----------
    seg : the segmenter (for the documents' and the query's sub-words)
    docs : key -> ``(phrase, field weight, source)``; a long text may be given
        as one phrase: it is read into words first (``text=True``).
    text : the phrases are running text (statute articles), read into words
    read : how a text is read into words (default: ``seg.words``)
    """

    def __init__(
        self,
        seg: Segmenter,
        docs: Mapping[str, Iterable[tuple[str, float, str]]],
        text: bool = False,
        read: Callable[[str], list[Word]] | None = None,
    ) -> None:
        self.seg = seg
        read = read or seg.words
        post: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)
        for key, phrases in docs.items():
            for phrase, weight, source in phrases:
                parts = [w.text for w in read(phrase)] if text else [phrase]
                for part in parts:
                    for term, tw in _terms(seg, part, doc=True):
                        w = weight * (tw if term == part.strip().lower() else DOC_SUB * tw)
                        if w > post[term].get(key, (0.0, ""))[0]:
                            post[term][key] = (w, source)
        self.postings = dict(post)
        n = max(len(docs), 1)
        self.idf = {t: math.log(1 + n / len(p)) for t, p in post.items()}
        self.size = len(docs)
        #: a term in more documents than this tells none apart (and walking its postings
        #: would cost what the index holds, not what the query says)
        self.common = max(MIN_COMMON, int(MAX_DOC_SHARE * self.size))

    def search(self, words: Sequence[Word], min_score: float = 0.0) -> list[Hit]:
        """Documents matching ``words``, best first (each word votes once per document)."""
        best: dict[str, dict[int, Match]] = defaultdict(dict)
        for k, w in enumerate(words):
            # a context word (channel, place, way of running) matches only as itself
            terms = _terms(self.seg, w.text)[:1] if w.role in CONTEXT_ROLES else None
            for term, mw in terms if terms is not None else _terms(self.seg, w.text):
                idf = self.idf.get(term)
                if idf is None or len(self.postings[term]) > self.common:
                    continue  # unknown, or in so many documents that it tells none apart
                for key, (fw, source) in self.postings[term].items():
                    s = w.weight * mw * fw * idf
                    got = best[key].get(k)
                    if got is None or s > got.score:
                        best[key][k] = Match(w.via or w.text, term, source, s)
        hits = []
        for key, by_word in best.items():
            # the same word twice in the text (name and description) votes once, and a
            # term of the document is credited once, to its best word
            seen: dict[str, Match] = {}
            for m in sorted(by_word.values(), key=lambda m: (-m.score, m.word)):
                if m.word not in seen and all(m.term != x.term for x in seen.values()):
                    seen[m.word] = m
            ms = list(seen.values())
            score = sum(m.score for m in ms)
            if score > min_score:
                hits.append(Hit(key, score, ms))
        hits.sort(key=lambda h: (-h.score, h.key))
        return hits


def bigram_words(text: str) -> list[Word]:
    """Character bigrams of the text's CJK runs, all as activity words (no segmentation:
    the ablation of :mod:`dutygraph.analysis.segment`).

    >>> [w.text for w in bigram_words("剧本杀")]
    ['剧本', '本杀']
    """
    out: list[str] = []
    for run in _CJK_RUN.findall(text.lower()):
        if run.isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return [Word(b, k, "activity", 1.0) for k, b in enumerate(out)]


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+")


#: field weights of an item's document
W_NAME, W_KEYWORD, W_OBJECT, W_LATER_BEHAVIOR = 1.0, 1.0, 0.8, 0.7
NAME_BOOST = (
    1.5  # the business form's name says what it is: its words weigh more than the description's
)
#: a word of a statute's definition of X (本法所称X，是指…) stands for X at this share
DEFINED_WEIGHT = 0.25
MAX_DEFINED = 3  # a word in more definitions than this stands for none of them
#: the everyday-word thesaurus (:mod:`dutygraph.analysis.thesaurus`): an expanded term
#: stands for the text's word at its kind's weight times this (0: off, the ablation)
THESAURUS_WEIGHT = 1.0
#: a statutory word of the query (the text's own or the thesaurus's) brings its near terms
#: learned from the corpus (:mod:`dutygraph.analysis.near`) at this share of its weight (0: off)
NEAR_SHARE = 0.2
#: the role of a near term: it counts for the catalogue's items only, never to put a text
#: under a statute (霍乱 is near 火化 in the quarantine law; 宠物殡葬 is not quarantine)
NEAR_ROLE = "near"
#: a word of the text the corpus never writes, the thesaurus lacks and no catalogue term is
#: (牛奶, 樟树) brings the corpus words its characters stand nearest to and agree with
#: (:func:`dutygraph.analysis.near.composed`: 牛奶→奶畜) at this share of its weight (0: off).
#: Fixed before any evaluation: the share a corpus near term has (:data:`NEAR_SHARE`), the
#: one weight the method gives a word the corpus vectors supply
COMPOSED_SHARE = NEAR_SHARE
#: the role of a composed stand-in: ``near`` (items only) or ``""`` (the text's word's role:
#: it may place the text under a statute too). A stand-in is the only reading the text's word
#: has (a near term is a second word beside one the text already has), so it keeps the role
COMPOSED_ROLE = ""
_DEFINITION = re.compile(r"所称的?([\u4e00-\u9fff]{2,12}?)[，,]?是指([^。；]{2,300})")
SEGMENT = True  # read texts with jieba (False: character bigrams, the ablation)


@dataclass
class Indexes:
    """The word indexes of one graph snapshot (built once, at first use)."""

    seg: Segmenter
    read: Callable[[str], list[Word]]
    items: WordIndex  # an item's own names, keywords, objects and its behaviours' words
    behaviors: WordIndex
    forms: WordIndex  # settled and unsettled business forms: name and description
    law: WordIndex  # statute articles (competence, scope, definitions), by article key
    articles: dict[str, Any]  # article key -> LawArticle
    article_items: dict[str, list[str]]  # article key -> the items resting on it
    statutes: StatuteIndex  # every act in force naming a competent department
    by_domain: dict[str, list[str]] = field(default_factory=dict)  # domain -> its items
    #: (domain, region, as_of) -> line -> the items of the domain it leads (filled on use)
    domain_lines: dict[tuple[str, str, str], dict[str, list[str]]] = field(default_factory=dict)
    form_self: dict[str, float] = field(default_factory=dict)  # form -> its own words' score
    #: a word of a statute's definition (本法所称X，是指…) -> the terms X it defines
    defines: dict[str, list[str]] = field(default_factory=dict)
    #: the competence clauses of the acts' bodies, by the departments they name
    clauses: ClauseIndex | None = None
    #: the enforcement and obligation sentences of the corpus, by their behaviour spans
    enforce: EnforceIndex | None = None

    def similar_forms(self, words: Sequence[Word]) -> dict[str, tuple[float, Hit]]:
        """Business forms the words describe: form -> (similarity, hit), the similarity the
        hit's score as a share of what the form's own name and description score (≤ 1)."""
        out: dict[str, tuple[float, Hit]] = {}
        for h in self.forms.search(words):
            own = self.form_self.get(h.key)
            if own:
                out[h.key] = (min(1.0, h.score / own), h)
        return out


#: per snapshot: (id(g), …) -> (a weak reference to g, its indexes); per content: (…) -> (None,
#: indexes). The graph is held weakly, so a snapshot a server swapped out is freed with its
#: last reader, not kept alive by this cache.
_cache: dict[tuple[Any, ...], tuple[Callable[[], Any] | None, Indexes]] = {}
_cache_lock = fork_safe(threading.Lock())


def indexes(g: GraphReader, as_of: str) -> Indexes:
    """The word indexes of ``g``, law text as of ``as_of``'s year: cached per snapshot, and
    per content — a reader opened afresh per request on an unchanged store (the API's)
    finds the indexes its predecessor built — and across processes: the first build is
    kept in the user's cache folder (:func:`stored_path`, named by a digest of what they
    are built from) and read back by later processes instead of rebuilt."""
    switches = (SEGMENT, CHAR_NOUNS, CLAUSE_ACTS, CLAUSE_BODY, CLAUSE_LEVELS, CLAUSE_TEXT)
    key = (id(g), *switches, as_of[:4])
    with _cache_lock:
        got = _cache.get(key)
        if got is not None and got[0] is not None and got[0]() is g:
            return got[1]
    content = ("content", *switches, as_of[:4], _fingerprint(g))
    with _cache_lock:
        same = _cache.get(content)
    built = same[1] if same is not None else _stored(g, as_of, content[-1])
    try:
        held: Callable[[], Any] | None = weakref.ref(g)
    except TypeError:  # a reader that takes no weak reference: cached by content only
        held = None
    with _cache_lock:
        if len(_cache) > 16:
            _cache.clear()
        if held is not None:
            _cache[key] = (held, built)
        _cache[content] = (None, built)
    return built


def _national(g: GraphReader, item: str) -> list[Any]:
    root = g.region_path(next(iter(g.regions)))[-1] if g.regions else ""
    return list(g.duties_at(item, root)) if root else []


def _fingerprint(g: GraphReader) -> str:
    """What the indexes are built from: items, behaviours, business forms, departments' names,
    the bases' titles and articles and the national duties (whose bases give an item its
    law text): a few hundred records, milliseconds. A digest, the same in every process
    (the stored indexes are named by it)."""
    parts = (
        sorted((i.id, i.name, i.keywords, i.objects, i.domain) for i in g.items.values()),
        sorted((b.id, b.name, b.items, b.keywords) for b in g.behaviors.values()),
        sorted((f.id, f.name, f.description, f.lead) for f in g.business_forms.values()),
        sorted((d.id, d.name, d.region) for d in g.departments.values()),
        sorted((b.id, b.title, b.article) for b in g.bases.values()),
        [(d.item, d.department, d.role, d.bases) for i in sorted(g.items) for d in _national(g, i)],
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


STORE = True  # keep the built indexes in the user's cache (io/laws/prepared.cache_dir)
_STORE_FORMAT = 4
#: the code whose change makes stored indexes stale (with the corpus archive and jieba)
_STORE_CODE = (
    "match.py",
    "segment.py",
    "lawtext.py",
    "thesaurus.py",
    "assign_law.py",
    "../data/assign/clauses.tsv",
    "enforce.py",
    "../data/assign/enforce.tsv",
    "../io/laws/competence.py",
    "../data/thesaurus/everyday.csv",
)


def stored_path(fingerprint: str, as_of: str) -> Path | None:
    """The file the indexes of a graph (by :func:`_fingerprint`) are kept in, named by a
    digest of that fingerprint, the packaged corpus, the code that builds them, jieba's
    version, the switches and ``as_of``'s year; ``None``: no cache
    (``DUTYGRAPH_CACHE=off``, or the corpus or the code cannot be read)."""
    from ..io.laws.parse import PACKAGED_CORPUS
    from ..io.laws.prepared import _digest, cache_dir

    folder = cache_dir()
    if folder is None or not STORE:
        return None
    try:
        import jieba

        h = hashlib.sha256()
        for part in (_STORE_FORMAT, fingerprint, _digest(Path(PACKAGED_CORPUS)), jieba.__version__):
            h.update(repr(part).encode())
        switches = (
            SEGMENT,
            CHAR_NOUNS,
            COVERAGE,
            MAX_DOC_SHARE,
            CLAUSE_LEVELS,
            CLAUSE_TEXT,
            CLAUSE_BODY,
            CLAUSE_ACTS,
        )
        h.update(repr((*switches, as_of[:4])).encode())
        here = Path(__file__).resolve().parent
        for rel in _STORE_CODE:
            h.update((here / rel).read_bytes())
    except OSError:
        return None
    return folder / f"assign-indexes-{h.hexdigest()[:20]}.marshal"


def _stored(g: GraphReader, as_of: str, fingerprint: str) -> Indexes:
    """The indexes of ``g``: read from :func:`stored_path` when kept there, else built (the
    law corpus read, the statutes parsed, the documents segmented: seconds) and kept."""
    path = stored_path(fingerprint, as_of)
    if path is not None:
        try:
            return _from_state(marshal.loads(path.read_bytes()))
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
            pass  # absent, damaged or of another format: built afresh and written again
    built = _build(g, as_of)
    if path is not None:
        with contextlib.suppress(OSError, ValueError):
            _write_state(path, _state(built))
    return built


def _write_state(path: Path, state: dict[str, Any]) -> None:
    """``state`` into ``path``, atomically (written aside, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(marshal.dumps(state))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _article_state(a: Any) -> tuple[str, str, str, str, str]:
    return (a.act, a.label, a.text, a.kind, a.basis)


def _state(ix: Indexes) -> dict[str, Any]:
    """The indexes as plain data (strings, numbers, tuples, dicts: what :mod:`marshal`
    writes and reads back without running anything)."""

    def index(w: WordIndex) -> tuple[Any, ...]:
        return (w.postings, w.idf, w.size, w.common)

    return {
        "format": _STORE_FORMAT,
        "vocabulary": sorted(ix.seg.added_words()),
        "items": index(ix.items),
        "behaviors": index(ix.behaviors),
        "forms": index(ix.forms),
        "law": index(ix.law),
        "articles": {k: _article_state(a) for k, a in ix.articles.items()},
        "article_items": ix.article_items,
        "statutes": [
            (
                st.act,
                tuple(_article_state(a) for a in st.head),
                _article_state(st.competence) if st.competence else None,
                st.department,
            )
            for st in ix.statutes.statutes
        ],
        "by_domain": ix.by_domain,
        "form_self": ix.form_self,
        "defines": ix.defines,
        "clauses": (index(ix.clauses.index), ix.clauses.rows) if ix.clauses else None,
        "enforce": (index(ix.enforce.index), ix.enforce.rows) if ix.enforce else None,
    }


def _from_state(state: dict[str, Any]) -> Indexes:
    from .lawtext import LawArticle, Statute

    if state.get("format") != _STORE_FORMAT:
        raise ValueError("stored indexes of another format")
    seg = segmenter(state["vocabulary"])

    def index(t: tuple[Any, ...]) -> WordIndex:
        w = WordIndex.__new__(WordIndex)
        w.seg, (w.postings, w.idf, w.size, w.common) = seg, t
        return w

    statutes = [
        Statute(
            act,
            tuple(LawArticle(*a) for a in head),
            LawArticle(*comp) if comp else None,
            dept,
        )
        for act, head, comp, dept in state["statutes"]
    ]
    clauses = state["clauses"]
    enforced = state["enforce"]
    return Indexes(
        seg,
        seg.words if SEGMENT else bigram_words,
        index(state["items"]),
        index(state["behaviors"]),
        index(state["forms"]),
        index(state["law"]),
        {k: LawArticle(*a) for k, a in state["articles"].items()},
        state["article_items"],
        StatuteIndex(statutes),
        state["by_domain"],
        form_self=state["form_self"],
        defines=state["defines"],
        clauses=ClauseIndex(index(clauses[0]), clauses[1]) if clauses else None,
        enforce=EnforceIndex(index(enforced[0]), enforced[1]) if enforced else None,
    )


def _build(g: GraphReader, as_of: str) -> Indexes:
    from .lawtext import item_law, law_words, statutes

    law = {iid: item_law(g, iid, as_of) for iid in g.items}
    vocab = [
        *(p for i in g.items.values() for p in (i.name, *i.keywords, *i.objects)),
        *(p for b in g.behaviors.values() for p in (b.name, *b.keywords)),
        *(d.name for d in g.departments.values()),
        *law_words(g),
        *(w for es in thesaurus.load().values() for e in es for w in (e.word, e.term)),
    ]
    seg = segmenter(vocab)
    read: Callable[[str], list[Word]] = seg.words if SEGMENT else bigram_words
    text = not SEGMENT
    item_docs: dict[str, list[tuple[str, float, str]]] = {}
    for i in g.items.values():
        doc = [(i.name, W_NAME, f"事项 {i.name} ({i.id})")]
        doc += [(k, W_KEYWORD, f"事项 {i.name} ({i.id}) 的关键词") for k in i.keywords]
        doc += [(o, W_OBJECT, f"事项 {i.name} ({i.id}) 的监管对象") for o in i.objects]
        item_docs[i.id] = doc
    for b in g.behaviors.values():
        for k, iid in enumerate(x for x in b.items if x in item_docs):
            w = 1.0 if k == 0 else W_LATER_BEHAVIOR
            item_docs[iid] += [(p, w, f"行为 {b.name} ({b.id})") for p in (b.name, *b.keywords)]
    behavior_docs = {
        b.id: [(p, 1.0, f"行为 {b.name} ({b.id})") for p in (b.name, *b.keywords)]
        for b in g.behaviors.values()
    }
    form_docs = {
        f.id: [
            (f.name, 1.0, f"新业态 {f.name} ({f.id})"),
            (f.description, 0.8, f"新业态 {f.name} ({f.id}) 的描述"),
        ]
        for f in g.business_forms.values()
    }
    articles: dict[str, Any] = {}
    article_items: dict[str, list[str]] = defaultdict(list)
    for iid, arts in law.items():
        for art in arts:
            ak = f"{art.act}|{art.label}"
            articles.setdefault(ak, art)
            if iid not in article_items[ak]:
                article_items[ak].append(iid)
    law_docs = {k: [(a.text, 1.0, f"《{a.act}》{a.label}")] for k, a in articles.items()}
    by_domain: dict[str, list[str]] = defaultdict(list)
    for i in g.items.values():
        if i.domain:
            by_domain[i.domain].append(i.id)
    built = Indexes(
        seg,
        read,
        WordIndex(seg, item_docs, text, read),
        WordIndex(seg, behavior_docs, text, read),
        _forms_index(seg, form_docs, read),
        WordIndex(seg, law_docs, True, seg.plain_words if SEGMENT else read),
        articles,
        dict(article_items),
        StatuteIndex(_clause_departments(g, statutes(g, as_of), as_of)),
        dict(by_domain),
    )
    built.defines = _definitions(seg, built.statutes)
    heads = {(st.act, a.label) for st in built.statutes.statutes for a in st.head}
    built.clauses = _clause_index(g, seg, as_of, heads if CLAUSE_BODY else set())
    built.enforce = _enforce_index(g, seg, as_of, built.statutes)
    for f in g.business_forms.values():
        own = built.forms.search(query_words(built, f.name, f.description))
        built.form_self[f.id] = next((h.score for h in own if h.key == f.id), 0.0)
    return built


def _definitions(seg: Segmenter, acts: StatuteIndex) -> dict[str, list[str]]:
    """The statutes' own thesaurus: each content word of a definition (``本法所称X，是指Y``,
    in the head of an act in force) -> the terms X whose definitions hold it, for the
    words in at most :data:`MAX_DEFINED` definitions and at most :data:`MAX_ACT_SHARE` of
    the acts' heads (a word of many says nothing: 方法, 获得).

    >>> from dutygraph.fixtures import catalogue_graph
    >>> indexes(catalogue_graph(), "2025-06-01").defines["电梯"]
    ['特种设备']
    """
    table: dict[str, list[str]] = defaultdict(list)
    for st in acts.statutes:
        for art in st.head:
            for m in _DEFINITION.finditer(art.text):
                term = m.group(1)
                if term in LEGAL_WORDS or term in GENERIC_WORDS:
                    continue
                for w in seg.plain_words(m.group(2)):
                    t = w.text
                    if t in LEGAL_WORDS or t == term or not _CJK.search(t):
                        continue
                    if term not in table[t]:
                        table[t].append(term)
    most = MAX_ACT_SHARE * max(len(acts.statutes), 1)
    return {
        w: sorted(ts)
        for w, ts in table.items()
        if len(ts) <= MAX_DEFINED and len(acts._acts_with(w)) <= most
    }


#: an act in force whose head names no national department (公证法 第五条 司法行政部门…, 旅游法,
#: 政府采购法, the tax laws: 140 of 949 acts on 2025-06-01) takes the department of its first
#: competence clause of any level, anywhere in the act (:mod:`dutygraph.analysis.assign_law`),
#: so that its scope can place a text at all (False: such acts are left out, as before)
CLAUSE_ACTS = True
#: the ``basis`` of the competence article of an act placed so (see :data:`CLAUSE_ACT_WORDS`)
PLACED_BY_CLAUSE = "clause"
_LEVEL_ORDER = ("national", "all", "local", "township", "any")


def _led_clauses(g: GraphReader, as_of: str) -> Iterator[tuple[int, Any, str]]:
    """The shipped clauses (:func:`dutygraph.analysis.assign_law.load`) whose line a
    department of ``g`` leads at ``as_of``: (row number, clause, that department)."""
    from . import assign_law
    from .lawtext import line_department

    lines: dict[str, str | None] = {}
    for k, r in enumerate(assign_law.load()):
        if r.line not in lines:
            lines[r.line] = line_department(g, r.line, as_of)
        dept = lines[r.line]
        if dept is not None:
            yield k, r, dept


def _clause_departments(g: GraphReader, acts: list[Any], as_of: str) -> list[Any]:
    """``acts`` with a department for those lacking one, from the shipped clauses (see
    :data:`CLAUSE_ACTS`): the State Council's level first, then in article order."""
    from dataclasses import replace

    from .lawtext import LawArticle

    if not CLAUSE_ACTS:
        return acts
    first: dict[str, tuple[int, int, str, Any]] = {}
    for k, r, dept in _led_clauses(g, as_of):
        if r.level not in _LEVEL_ORDER:
            continue
        key = (_LEVEL_ORDER.index(r.level), k)
        got = first.get(r.act)
        if got is None or key < got[:2]:
            first[r.act] = (*key, dept, r)
    out = []
    for st in acts:
        got = first.get(st.act) if st.department is None else None
        if got is not None:
            r = got[3]
            competence = LawArticle(r.act, r.article, r.text, "competence", PLACED_BY_CLAUSE)
            st = replace(st, competence=competence, department=got[2])
        out.append(st)
    return out


def _clause_index(
    g: GraphReader, seg: Segmenter, as_of: str, heads: set[tuple[str, str]]
) -> ClauseIndex:
    """The shipped competence clauses (:func:`dutygraph.analysis.assign_law.load`) whose line
    a department of ``g`` leads at ``as_of``, their matters read into words; none of the
    articles in ``heads`` (``(act, label)``)."""
    from . import assign_law

    docs: dict[str, list[tuple[str, float, str]]] = {}
    rows: dict[str, tuple[str, str, str, str, str, str]] = {}
    for k, r, dept in _led_clauses(g, as_of):
        if r.level not in CLAUSE_LEVELS or (r.act, r.article) in heads:
            continue
        key = str(k)
        docs[key] = [(r.matter, 1.0, f"《{r.act}》{r.article}")]
        if CLAUSE_TEXT:
            docs[key].append((r.text, CLAUSE_TEXT, f"《{r.act}》{r.article}"))
        rows[key] = (dept, r.act, r.article, r.matter, assign_law.matter_core(r.matter), r.text)
    read = seg.plain_words if SEGMENT else bigram_words
    return ClauseIndex(WordIndex(seg, docs, True, read), rows)


def _enforce_index(g: GraphReader, seg: Segmenter, as_of: str, acts: StatuteIndex) -> EnforceIndex:
    """The shipped enforcement sentences (:func:`dutygraph.analysis.enforce.load`), their
    behaviour spans read into words, each for the department of ``g`` leading its line at
    ``as_of`` — a body the line map does not know (原发证机关, 登记机关) for its act's
    competent department (``acts``); a sentence with neither is left out."""
    from . import enforce
    from .lawtext import line_department

    act_dept = {st.act: st.department for st in acts.statutes}
    lines: dict[str, str | None] = {}
    docs: dict[str, list[tuple[str, float, str]]] = {}
    rows: dict[str, tuple[str, str, str, int, str, str, str, int]] = {}
    read = seg.plain_words if SEGMENT else bigram_words
    for k, r in enumerate(enforce.load()):
        if r.line and r.line not in lines:
            lines[r.line] = line_department(g, r.line, as_of)
        dept = lines[r.line] if r.line else act_dept.get(r.act)
        if dept is None:
            continue
        key = str(k)
        docs[key] = [(r.span, 1.0, f"《{r.act}》{r.article}")]
        size = len({w.text for w in read(r.span) if w.text not in LEGAL_WORDS})
        rows[key] = (dept, r.act, r.article, r.paragraph, r.kind, r.span, r.text, max(size, 1))
    return EnforceIndex(WordIndex(seg, docs, True, read), rows)


def _forms_index(
    seg: Segmenter,
    docs: Mapping[str, list[tuple[str, float, str]]],
    read: Callable[[str], list[Word]],
) -> WordIndex:
    # a form's name is a phrase; its description is running text
    return WordIndex(
        seg,
        {k: [d[0], *((w.text, d[1][1], d[1][2]) for w in read(d[1][0]))] for k, d in docs.items()},
        False,
        read,
    )


def query_words(ix: Indexes, name: str, description: str) -> list[Word]:
    """The words of a business form's name (weighed :data:`NAME_BOOST` more) and description."""
    out = [Word(w.text, w.start, w.role, w.weight * NAME_BOOST) for w in ix.read(name)]
    out += ix.read(description)
    if THESAURUS_WEIGHT:
        out += _everyday(ix, out)
    if DEFINED_WEIGHT and ix.defines:
        have = {w.text for w in out}
        for w in list(out):
            if w.role in CONTEXT_ROLES or w.role == NEAR_ROLE:
                continue
            for term in ix.defines.get(w.text, ()):
                if term not in have:
                    have.add(term)
                    out.append(Word(term, w.start, w.role, w.weight * DEFINED_WEIGHT, w.text))
    return out


def _everyday(ix: Indexes, words: list[Word]) -> list[Word]:
    """The statutory terms the thesaurus gives for the text's words (or for a dictionary
    word inside one: 面膜 in 补水面膜), each voting under the text's word at its kind's
    weight, then the near terms the corpus gives for those words and terms
    (:data:`NEAR_SHARE`); context words (channel, place) stand for nothing."""
    table = thesaurus.load()
    have = {w.text for w in words}
    out = []
    for w in words:
        if w.role in CONTEXT_ROLES:
            continue
        for key, mw in _terms(ix.seg, w.text):  # the word itself, then its sub-words
            for e in table.get(key, ()):
                if e.term in have:
                    continue
                have.add(e.term)
                weight = w.weight * THESAURUS_WEIGHT * thesaurus.WEIGHTS[e.kind] * mw
                out.append(Word(e.term, w.start, w.role, weight, w.via or w.text))
    if COMPOSED_SHARE:
        out += _composed(ix, words, have)
    if NEAR_SHARE:
        near = corpus_near.load()
        for w in [*words, *out]:
            if w.role in CONTEXT_ROLES:
                continue
            for t in near.get(w.text, ()):
                if t not in have:
                    have.add(t)
                    out.append(Word(t, w.start, NEAR_ROLE, w.weight * NEAR_SHARE, w.via or w.text))
    return out


def _composed(ix: Indexes, words: list[Word], have: set[str]) -> list[Word]:
    """The corpus words standing in for the text's words that nothing else reads (see
    :data:`COMPOSED_SHARE`), each voting under the text's word."""
    out = []
    for w in words:
        if not _reads_by_characters(ix, w):
            continue
        t = w.text
        for term, _cos in corpus_near.composed(t):
            if term not in have:
                have.add(term)
                role = COMPOSED_ROLE or w.role
                out.append(Word(term, w.start, role, w.weight * COMPOSED_SHARE, t))
    return out


def _reads_by_characters(ix: Indexes, w: Word) -> bool:
    """``w`` is a word of the text (not a context word, not one standing for another) that
    nothing else reads: not in the thesaurus, not a stock word, no catalogue or form term."""
    t = w.text
    if w.role in CONTEXT_ROLES or w.via or len(t) < 2 or t in LEGAL_WORDS:
        return False
    if t in thesaurus.load() or t in ix.items.postings or t in ix.forms.postings:
        return False
    return bool(_CJK.search(t))


#: a clause's matter shared by the text's words: two distinct words (as for a statute article,
#: :data:`dutygraph.analysis.assign.LAW_MIN_WORDS`), or one that is most of the matter's
#: core (:func:`dutygraph.analysis.assign_law.matter_core`), at :data:`TITLE_SHARE` as for an
#: act's title: 公证 for 公证工作
CLAUSE_MIN_WORDS = 2
#: the clauses read: every level (国务院…, 县级以上地方…, 县级以上各级…, and those naming none)
CLAUSE_LEVELS = ("national", "all", "local", "township", "any")
#: the field weight of the clause's paragraph beside its matter (0: the matter alone)
CLAUSE_TEXT = 0.0
#: only the clauses of the acts' bodies: not those of their heads, which the statute index
#: reads already (and names the act's first competent department for)
CLAUSE_BODY = True
CLAUSE_SILENT = frozenset({*CONTEXT_ROLES, "customer", NEAR_ROLE})  # roles that never vote


def _voting_words(index: WordIndex, words: Sequence[Word], acts: StatuteIndex | None) -> list[Word]:
    """The words that may vote in a clause or sentence index: not of :data:`CLAUSE_SILENT`'s
    roles, with a term in the index, and with ``acts`` not in more than :data:`MAX_ACT_SHARE`
    of the acts' heads (the statutes' stock words)."""
    use = [
        w
        for w in words
        if w.role not in CLAUSE_SILENT
        and any(t in index.postings for t, _ in _terms(index.seg, w.text))
    ]
    if acts is not None:
        most = MAX_ACT_SHARE * max(len(acts.statutes), 1)
        use = [w for w in use if len(acts._acts_with(w.text)) <= most]
    return use


@dataclass(slots=True)
class ClauseHit:
    """A department a competence clause of the corpus puts in charge of the text's matter."""

    department: str
    act: str
    article: str
    matter: str
    text: str
    hit: Hit

    def quote(self) -> str:
        return f"《{self.act}》{self.article}：{self.text}"


class ClauseIndex:
    """The competence clauses of every act in force (:mod:`dutygraph.analysis.assign_law`),
    their matters as documents: :meth:`search` gives each department its best-grounded
    clause (the one the text's words score most on), not the sum of weak ones."""

    def __init__(
        self, index: WordIndex, rows: Mapping[str, tuple[str, str, str, str, str, str]]
    ) -> None:
        self.index = index
        self.rows = dict(rows)  # key -> (department, act, article, matter, core, text)

    def search(self, words: Sequence[Word], acts: StatuteIndex | None = None) -> list[ClauseHit]:
        """Per department, its best clause whose matter the words share (see
        :data:`CLAUSE_MIN_WORDS`), best first. Context words, customers (给/为 X: whom a
        business serves is no matter it is in) and near terms never vote; with ``acts``, nor
        a word in more than :data:`MAX_ACT_SHARE` of the acts' heads (公司, 未成年人, 动物:
        the statutes' stock words, which say nothing of which clause)."""
        use = _voting_words(self.index, words, acts)
        best: dict[str, ClauseHit] = {}
        for h in self.index.search(use):
            dept, act, article, matter, core, text = self.rows[h.key]
            shared = {m.word for m in h.matches if len(m.term) > 1}
            if len(shared) < CLAUSE_MIN_WORDS and not any(
                len(m.term) > 1 and m.term in core and len(m.term) >= TITLE_SHARE * len(core)
                for m in h.matches
            ):
                continue
            got = best.get(dept)
            if got is None or h.score > got.hit.score:
                best[dept] = ClauseHit(dept, act, article, matter, text, h)
        return sorted(best.values(), key=lambda c: (-c.hit.score, c.department))


#: an enforcement sentence's behaviour shared by the text's words: one word of two characters
#: or more (2: as for a competence clause). With :data:`ENFORCE_LENGTH` a short span one word
#: meets is as telling as a long one two words meet: the proposer alone, tuning sets, 911
#: cases: two words 216 top-1 / 319 top-3, one word and length 383 / 578
ENFORCE_MIN_WORDS = 1
#: BM25's length normalisation of a sentence's score: divided by ``1 - b + b·len/avg len``
#: (len: its span's distinct content words), ``b`` at BM25's usual 0.75 (0: off) — a long
#: span (a list of duties) meets many words without being about any of them
ENFORCE_LENGTH = 0.75
#: only a word matching a term of the sentence whole (the text's word, or the statutory term
#: the thesaurus or a definition gives for it) counts towards :data:`ENFORCE_MIN_WORDS`, not
#: one meeting a part of a term (False: any term of two characters or more counts)
ENFORCE_WHOLE = False


@dataclass(slots=True)
class EnforceHit:
    """A department an enforcement or obligation sentence of the corpus names for a
    behaviour the text's words share."""

    department: str
    act: str
    article: str
    paragraph: int
    kind: str  # penalty, approval, report, inspect (:data:`dutygraph.analysis.enforce.KINDS`)
    span: str
    text: str  # the article up to the paragraph holding the sentence
    hit: Hit

    def quote(self) -> str:
        return f"《{self.act}》{self.article}：{self.text}"

    @property
    def shared(self) -> int:
        """How many distinct words of the text (of two characters or more) it shares."""
        return len({m.word for m in self.hit.matches if len(m.term) > 1})


class EnforceIndex:
    """The enforcement and obligation sentences of every act in force
    (:mod:`dutygraph.analysis.enforce`), their behaviour spans as documents: :meth:`search`
    gives each department its best-matching sentence, not the sum of weak ones."""

    def __init__(
        self, index: WordIndex, rows: Mapping[str, tuple[str, str, str, int, str, str, str, int]]
    ) -> None:
        self.index = index
        #: key -> (department, act, article, paragraph, kind, span, text, span's length)
        self.rows = dict(rows)
        self.mean = sum(r[7] for r in self.rows.values()) / max(len(self.rows), 1)

    def search(self, words: Sequence[Word], acts: StatuteIndex | None = None) -> list[EnforceHit]:
        """Per department, its best sentence whose behaviour the words share (at least
        :data:`ENFORCE_MIN_WORDS` distinct words), best first; the words that never vote for
        a competence clause (:data:`CLAUSE_SILENT`, and with ``acts`` the statutes' stock
        words) never vote here either."""
        use = _voting_words(self.index, words, acts)
        best: dict[str, EnforceHit] = {}
        own = {w.text for w in use}
        for h in self.index.search(use):
            shared = {
                m.word
                for m in h.matches
                if len(m.term) > 1 and (not ENFORCE_WHOLE or m.term in own or m.term == m.word)
            }
            if len(shared) < ENFORCE_MIN_WORDS:
                continue
            row = self.rows[h.key]
            if ENFORCE_LENGTH:
                h = Hit(
                    h.key,
                    h.score / (1 - ENFORCE_LENGTH + ENFORCE_LENGTH * row[7] / self.mean),
                    h.matches,
                )
            got = best.get(row[0])
            if got is None or h.score > got.hit.score:
                best[row[0]] = EnforceHit(*row[:7], hit=h)
        return sorted(best.values(), key=lambda c: (-c.hit.score, c.department))


@dataclass(slots=True)
class StatuteHit:
    """An act in force whose head articles hold words of the text."""

    statute: Any  # lawtext.Statute
    score: float
    words: list[str]
    via: dict[str, str] = field(default_factory=dict)  # a defined term -> the text's word

    def shown(self, n: int = 5) -> str:
        """The matched words as the text has them (``狗→犬只`` for a defined term)."""
        return "、".join(f"{self.via[w]}→{w}" if w in self.via else w for w in self.words[:n])

    def scope_article(self) -> Any:
        """The head article holding the most of the matched words (the one to quote)."""
        return max(self.statute.head, key=lambda a: sum(w in a.text for w in self.words))


_TITLE_FRAME = re.compile(r"^中华人民共和国|(?:实施条例|实施细则|条例|办法|规定|细则|法)$")


def _names_matter(word: str, title: str) -> bool:
    """``word`` is what the act's title names as its matter: at least :data:`TITLE_SHARE` of
    the title without its frame (中华人民共和国…法/条例).

    >>> _names_matter("社会保险", "中华人民共和国社会保险法"), _names_matter("视频", "公共安全视频图像信息系统管理条例")
    (True, False)
    """
    core = _TITLE_FRAME.sub("", title)
    return word in core and len(word) >= TITLE_SHARE * len(core)


#: roles that never place a text under a statute, as for a competence clause
#: (:data:`CLAUSE_SILENT`): context words, near terms and customers — whom a business serves
#: (给老人, 帮车主 …报价) is no matter it is in (老人 → 往来港澳办法, 报价 → 政府采购法)
STATUTE_SILENT = CLAUSE_SILENT
#: an act's head is long (its first 40 articles): a word it says once may be incidental to
#: its matter (晚上 and 早上 once each in 公安机关适用继续盘问规定). An act places a text
#: only if one of the words it shares is said at least this often in its head, or is its
#: title's matter (:func:`_names_matter`); 1: off, any two words place it, as before
MATTER_TF = 2
#: an act placed by a competence clause of its body (:data:`CLAUSE_ACTS`: its head names no
#: national department) is placed by a department its matter need not be about (政府采购法 ->
#: 审计署 by 第六十八条); it needs this many distinct words of the text, or its title's matter
CLAUSE_ACT_WORDS = 3


class StatuteIndex:
    """The head text (purpose, scope, definitions) of every act in force that names a
    competent department, searched by substring: a word of the text found in an act's
    head counts ``role weight × log(1 + N / acts holding it) × (1 + ACT_TF·log(times the
    head holds it))``; a word in more than :data:`MAX_ACT_SHARE` of the acts says nothing
    and is skipped, and so do the roles of :data:`STATUTE_SILENT`. An act needs two words of
    the text, one of them said at least :data:`MATTER_TF` times in its head (:data:`CLAUSE_ACT_WORDS`
    for an act placed by a clause of its body), or one word in its title
    (:data:`TITLE_ALONE`). The acts holding a word are found through an index of the
    characters of each head (the heads holding all of the word's characters), then counted
    in those heads only."""

    def __init__(self, statutes: Iterable[Any]) -> None:
        self.statutes = [s for s in statutes if s.department]
        self._texts = [s.text for s in self.statutes]
        chars: dict[str, list[int]] = defaultdict(list)
        for k, t in enumerate(self._texts):
            for ch in set(t):
                chars[ch].append(k)
        self._chars = {ch: frozenset(ks) for ch, ks in chars.items()}  # character -> heads
        self._memo: dict[str, dict[int, int]] = {}  # word -> the acts holding it, how often

    def _acts_with(self, word: str) -> dict[int, int]:
        got = self._memo.get(word)
        if got is None:
            got = self._find(word)
            if len(self._memo) > 50000:
                self._memo.clear()
            self._memo[word] = got
        return got

    def _find(self, word: str) -> dict[int, int]:
        """act -> how often its head holds ``word`` (non-overlapping occurrences).

        >>> from types import SimpleNamespace as Act
        >>> ix = StatuteIndex([Act(text="经营麻将馆，麻将馆", department="X"),
        ...                    Act(text="麻将", department="Y")])
        >>> ix._find("麻将馆"), ix._find("麻将"), ix._find("棋牌")
        ({0: 2}, {0: 2, 1: 1}, {})
        """
        heads = []
        for ch in set(word):
            got = self._chars.get(ch)
            if got is None:
                return {}
            heads.append(got)
        if not heads:
            return {}
        heads.sort(key=len)
        out: dict[int, int] = {}
        for k in sorted(heads[0].intersection(*heads[1:])):
            n = self._texts[k].count(word)
            if n:
                out[k] = n
        return out

    def _placed(self, k: int, found: list[str], tf: list[int], min_words: int) -> bool:
        """The act ``k`` places the text by the words it shares (``found``, said ``tf`` times in
        its head): see the class."""
        st = self.statutes[k]
        if TITLE_ALONE and any(_names_matter(w, st.act) for w in found):
            return True
        by_clause = st.competence is not None and st.competence.basis == PLACED_BY_CLAUSE
        need = CLAUSE_ACT_WORDS if by_clause and CLAUSE_ACTS else min_words
        # a word said once in a long head may be incidental however rare it is (早上, 晚上: one
        # act each, 公安机关适用继续盘问规定): MATTER_TF guards every placement by words, and
        # RARE_ACTS only lowers how many are needed, so one more shared word never unplaces an act
        if max(tf) < MATTER_TF:
            return False
        if len(found) >= need:
            return True
        return RARE_ACTS > 0 and all(len(self._acts_with(w)) <= RARE_ACTS for w in found)

    def search(self, words: Sequence[Word], min_words: int = 2) -> list[StatuteHit]:
        n = max(len(self.statutes), 1)
        score: dict[int, float] = defaultdict(float)
        found: dict[int, list[str]] = defaultdict(list)
        tfs: dict[int, list[int]] = defaultdict(list)
        best: dict[str, float] = {}
        via: dict[str, str] = {}
        for w in words:
            if w.role in STATUTE_SILENT or len(w.text) < 2:
                continue
            if w.text in LEGAL_WORDS:
                continue
            best[w.text] = max(best.get(w.text, 0.0), w.weight)
            if w.via:
                via.setdefault(w.text, w.via)
        for text, weight in best.items():
            acts = self._acts_with(text)
            if not acts:
                continue
            idf = math.log(1 + n / len(acts))
            if len(acts) > MAX_ACT_SHARE * n:
                # in too many heads to tell the acts apart, but still the matter of an act
                # whose title names it (公证 in 公证法)
                if not (TITLE_ALONE and COMMON_TITLE):
                    continue
                acts = {k: c for k, c in acts.items() if _names_matter(text, self.statutes[k].act)}
            for k, tf in acts.items():
                score[k] += weight * idf * (1 + ACT_TF * math.log(tf))
                found[k].append(text)
                tfs[k].append(tf)
        hits = [
            StatuteHit(self.statutes[k], s, found[k], {w: via[w] for w in found[k] if w in via})
            for k, s in score.items()
            if self._placed(k, found[k], tfs[k], min_words)
        ]
        hits.sort(key=lambda h: (-h.score, h.statute.act))
        return hits
