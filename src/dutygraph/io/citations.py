"""Legal-basis citations as published lists write them: ``《法名》第X条第Y款第（Z）项``.

A cell of a published list may hold several citations, separated by
newlines, ``、``, ``；`` or a numbering (``1.``, ``（一）``, ``①``); one law
may cite several articles (``第十六、十八条``, ``第五条第一款、第三十二条``).
:func:`parse_citations` turns a cell into :class:`Citation` objects, one per
article, with Chinese numerals turned into integers.

How a citation lands in the graph (see :mod:`dutygraph.io.lists`): each cited
provision is one :class:`~dutygraph.model.LegalBasis` node (:attr:`Citation.basis`):
the law's id (:func:`basis_id` of its title, stable across rows, files and
versions; the leading ``中华人民共和国`` does not count — the same id the law
corpus gives the act) and the provision's key, ``LB-3708d6b3e9:25.1.3`` for
第二十五条第一款第（三）项; a law cited without an article is the law's id alone.
The import then resolves each to the corpus's article
(:mod:`dutygraph.io.laws.cite`).

>>> [str(c) for c in parse_citations("1.《人民防空法》第二十五条第一款第（三）项；\\n2.《政府投资条例》第十六、十八条")]
['人民防空法 第25条第1款第3项', '政府投资条例 第16条', '政府投资条例 第18条']
>>> [c.basis for c in parse_citations("《人民防空法》第二十五条第一款第（三）项、第二十六条")]
['LB-3708d6b3e9:25.1.3', 'LB-3708d6b3e9:26']
>>> basis_id("中华人民共和国食品安全法") == basis_id("食品安全法")
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Citation",
    "article_ref",
    "basis_id",
    "basis_kind",
    "chinese_number",
    "chinese_numeral",
    "law_key",
    "parse_citations",
    "parse_provisions",
]

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
NUM = r"[0-9零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟]+"


def chinese_number(text: str) -> int:
    """An integer from Chinese numerals or (full- or half-width) digits.

    >>> [chinese_number(t) for t in ("十", "十六", "二十", "一百二十二", "一千零一", "３５", "二〇")]
    [10, 16, 20, 122, 1001, 35, 20]
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return int(text)
    if text and all(ch in _DIGITS for ch in text):  # 二〇 written digit by digit
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            raise ValueError(f"{text!r} is not a number")
    return total + digit


def chinese_numeral(n: int) -> str:
    """``n`` in Chinese numerals, as laws number their articles.

    >>> [chinese_numeral(n) for n in (4, 10, 15, 110, 105, 1001, 1010)]
    ['四', '十', '十五', '一百一十', '一百零五', '一千零一', '一千零一十']
    """
    if n <= 0:
        return "零"
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, value)
        if d:
            out += ("零" if zero else "") + _NUMERALS[d] + unit
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _NUMERALS[n]
    return out[1:] if out.startswith("一十") else out


_NUMERALS = "零一二三四五六七八九"


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited provision: the law's title and, when given, article (with its 之X
    ``suffix``), paragraph (款) and item (项)."""

    title: str
    article: int | None = None
    paragraph: int | None = None
    item: int | None = None
    suffix: int = 0

    @property
    def law(self) -> str:
        """The id of the law (:func:`basis_id`), which is also its corpus act's id."""
        return basis_id(self.title)

    @property
    def key(self) -> str:
        """The provision as a key: ``"110"``, ``"110.1.4"``, ``"17-1"`` (empty: the whole law)."""
        if self.article is None:
            return ""
        out = f"{self.article}-{self.suffix}" if self.suffix else str(self.article)
        if self.paragraph is not None:
            out += f".{self.paragraph}"
            if self.item is not None:
                out += f".{self.item}"
        elif self.item is not None:
            out += f"..{self.item}"
        return out

    @property
    def basis(self) -> str:
        """The id of the :class:`~dutygraph.model.LegalBasis` node of this provision: the
        law's id, and the provision's key after a ``:`` when an article is cited."""
        return f"{self.law}:{self.key}" if self.key else self.law

    @property
    def provision(self) -> str:
        """``第25条第1款第3项`` (empty for a citation of the whole law)."""
        out = ""
        if self.article is not None:
            out += f"第{self.article}条" + (f"之{self.suffix}" if self.suffix else "")
        if self.paragraph is not None:
            out += f"第{self.paragraph}款"
        if self.item is not None:
            out += f"第{self.item}项"
        return out

    @property
    def label(self) -> str:
        """The provision as laws write it: ``第一百一十条第一款第（四）项``.

        >>> Citation("食品安全法", 110, 1, 4).label, Citation("刑法", 17, suffix=1).label
        ('第一百一十条第一款第（四）项', '第十七条之一')
        """
        out = ""
        if self.article is not None:
            out += f"第{chinese_numeral(self.article)}条"
            if self.suffix:
                out += f"之{chinese_numeral(self.suffix)}"
        if self.paragraph is not None:
            out += f"第{chinese_numeral(self.paragraph)}款"
        if self.item is not None:
            out += f"第（{chinese_numeral(self.item)}）项"
        return out

    def __str__(self) -> str:
        return f"{self.title} {self.provision}".strip()


def law_key(title: str) -> str:
    """The title as the same law is recognised by: NFKC, no spaces, no 中华人民共和国 prefix."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", title)).strip("《》<>")
    return t.removeprefix("中华人民共和国")


@lru_cache(maxsize=8192)
def basis_id(title: str) -> str:
    """A stable id for the law called ``title``: ``LB-`` and 10 hex digits of its key.

    >>> basis_id("《中华人民共和国人民防空法》")
    'LB-3708d6b3e9'
    """
    return "LB-" + hashlib.blake2b(law_key(title).encode(), digest_size=5).hexdigest()


_LOCAL = re.compile(r"^.{2,8}?(省|自治区|市|特别行政区|经济特区|自治州|县|区)")


def basis_kind(title: str) -> str:
    """The kind of basis (``model.BASIS_KINDS``) a title suggests.

    >>> [basis_kind(t) for t in ("人民防空法", "政府投资条例", "河北省政府投资管理办法", "食品经营许可管理办法")]
    ['law', 'administrative-regulation', 'local-rule', 'department-rule']
    """
    t = law_key(title)
    local = bool(_LOCAL.match(t)) and not t.startswith(("国务院", "国家"))
    if t.endswith(("规定", "办法", "细则", "规则")):
        return "local-rule" if local else "department-rule"
    if t.endswith("条例"):
        return "local-regulation" if local else "administrative-regulation"
    if t.endswith(("法", "法典")):
        return "law"
    return "normative-document"


# a law title: 《...》, or (without brackets) a run of text ending like a law's name
_TITLE = re.compile(r"《([^《》]+)》")
_BARE_TITLE = re.compile(
    r"([\u4e00-\u9fff（）()]{2,40}?(?:法|条例|规定|办法|细则|决定))(?=第|$|[、;；,，\s])"
)
_PROVISION = re.compile(
    rf"第(?P<lo>{NUM})条\s*[至到-]\s*第(?P<hi>{NUM})条"
    rf"|第(?P<arts>{NUM}(?:\s*[、,，和及至到-]\s*(?:第)?{NUM})*)条(?:之(?P<suf>{NUM}))?"
    rf"|第(?P<par>{NUM})款"
    rf"|第[(（]?(?P<item>{NUM})[)）]?项"
)
_RANGE = re.compile(r"[至到-]")


def _articles(text: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"[、,，和及]", text):
        part = part.strip().removeprefix("第")
        if not part:
            continue
        ends = _RANGE.split(part)
        if len(ends) == 2:
            lo, hi = (
                chinese_number(ends[0].removeprefix("第")),
                chinese_number(ends[1].removeprefix("第")),
            )
            out.extend(range(lo, hi + 1) if 0 <= hi - lo < 200 else (lo, hi))
        else:
            out.append(chinese_number(part))
    return out


def _provisions(title: str, text: str) -> list[Citation]:
    out: list[Citation] = []
    for m in _PROVISION.finditer(text):
        if m.group("lo"):
            out.extend(Citation(title, a) for a in _articles(f"{m.group('lo')}至{m.group('hi')}"))
        elif m.group("arts"):
            out.extend(Citation(title, a) for a in _articles(m.group("arts")))
            if m.group("suf"):  # 第十七条之一: the suffix belongs to the last article named
                out[-1] = Citation(title, out[-1].article, suffix=chinese_number(m.group("suf")))
        elif out and m.group("par"):
            last = out[-1]
            out[-1] = Citation(
                title, last.article, chinese_number(m.group("par")), suffix=last.suffix
            )
        elif out and m.group("item"):
            last = out[-1]
            out[-1] = Citation(
                title, last.article, last.paragraph, chinese_number(m.group("item")), last.suffix
            )
    return out or [Citation(title)]


def parse_citations(cell: str) -> list[Citation]:
    """Every citation in a cell, in order; an article cited twice is kept once.

    A cell with no recognisable law title gives ``[]`` (the caller warns).

    >>> [str(c) for c in parse_citations("《厦门经济特区商事登记条例》第五条第一款、第三十二条")]
    ['厦门经济特区商事登记条例 第5条第1款', '厦门经济特区商事登记条例 第32条']
    >>> [str(c) for c in parse_citations("中华人民共和国食品安全法第三十五条")]
    ['中华人民共和国食品安全法 第35条']
    >>> parse_citations("无")
    []
    """
    text = unicodedata.normalize("NFKC", cell)
    out: list[Citation] = []
    matches = list(_TITLE.finditer(text))
    if matches:
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            out.extend(_provisions(m.group(1).strip(), text[m.end() : end]))
    else:
        bare = list(_BARE_TITLE.finditer(text))
        for i, m in enumerate(bare):
            end = bare[i + 1].start() if i + 1 < len(bare) else len(text)
            title = re.sub(r"^(?:\d+[.、]|[(（]\S{1,3}[)）]|[①-⑳])", "", m.group(1))
            out.extend(_provisions(title, text[m.end() : end]))
    return list(dict.fromkeys(out))


def parse_provisions(title: str, text: str | None) -> list[Citation]:
    """The provisions a bundle's ``article`` cell names for the law ``title``
    (``第六条``, ``第十六、十八条``, ``第五条第一款``); the whole law when it names none.

    >>> [c.key for c in parse_provisions("食品安全法", "第一百一十条第一款第（四）项、第一百一十四条")]
    ['110.1.4', '114']
    >>> parse_provisions("食品安全法", "")
    [Citation(title='食品安全法', article=None, paragraph=None, item=None, suffix=0)]
    """
    return list(dict.fromkeys(_provisions(title, unicodedata.normalize("NFKC", text or ""))))


_REF = re.compile(rf"^第?({NUM})条?(?:之({NUM})|-(\d+))?$")


def article_ref(ref: str) -> str | None:
    """The key of an article given as a label, a number or a key (``None``: not one).

    >>> [article_ref(r) for r in ("第一百一十条", "110", "第十七条之一", "17-1", "第１１０条", "总则")]
    ['110', '110', '17-1', '17-1', '110', None]
    """
    m = _REF.match(re.sub(r"\s+", "", unicodedata.normalize("NFKC", ref)))
    if not m:
        return None
    try:
        number = chinese_number(m.group(1))
        suffix = chinese_number(m.group(2)) if m.group(2) else int(m.group(3) or 0)
    except ValueError:
        return None
    return f"{number}-{suffix}" if suffix else str(number)
