"""The records of the duty graph (SPEC §2) and their controlled vocabularies.

Records are slotted dataclasses holding plain values, to be treated as
immutable: a change is a new record written to the store (they are not frozen
only because frozen dataclasses are many times slower to build, and a province
holds half a million duties). Ids are strings, dates are
ISO ``YYYY-MM-DD`` strings (they compare correctly as text) or ``None`` for an
open bound, multi-valued fields are tuples. Validity intervals are half-open:
a fact holds from ``valid_from`` (inclusive) to ``valid_to`` (exclusive).

Every record keeps ``origin`` (the file, sheet and row it came from) and
``attrs`` (the input's unknown columns, kept as they were).

>>> d = Duty("ZX-SCJ", "I-FOOD", "330106", "lead", valid_from="2024-01-01")
>>> d.active("2023-12-31"), d.active("2024-01-01")
(False, True)
>>> d.key
('ZX-SCJ', 'I-FOOD', '330106', 'lead', '', '2024-01-01')
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, NamedTuple

__all__ = [
    "BASIS_KINDS",
    "EMPTY_ATTRS",
    "LAW_KINDS",
    "LEVELS",
    "POWER_TYPES",
    "RECORD_TYPES",
    "ROLES",
    "Behavior",
    "BusinessForm",
    "Department",
    "Dispute",
    "Duty",
    "Item",
    "Law",
    "LawArticle",
    "LawVersion",
    "LegalBasis",
    "Origin",
    "Region",
    "RegionGroup",
    "active",
    "canonical_region_code",
    "origin_dict",
    "today",
]

#: Government levels, from the top; the Chinese words are accepted on input.
LEVELS = ("national", "province", "prefecture", "county", "township")
LEVEL_WORDS = {
    "国家": "national",
    "全国": "national",
    "中央": "national",
    "省": "province",
    "省级": "province",
    "市": "prefecture",
    "市级": "prefecture",
    "地市": "prefecture",
    "设区的市": "prefecture",
    "县": "county",
    "县级": "county",
    "区": "county",
    "县区": "county",
    "乡": "township",
    "乡镇": "township",
    "乡级": "township",
    "街道": "township",
}

#: Duty roles; ``lead`` is 牵头/主管, ``assist`` 配合/协同, ``territorial`` 属地.
ROLES = ("lead", "assist", "territorial")
ROLE_WORDS = {
    "牵头": "lead",
    "主管": "lead",
    "主办": "lead",
    "发起": "lead",
    "配合": "assist",
    "协同": "assist",
    "协办": "assist",
    "属地": "territorial",
}

#: Kinds of legal basis (依据).
BASIS_KINDS = (
    "law",
    "administrative-regulation",
    "local-regulation",
    "department-rule",
    "local-rule",
    "normative-document",
    "three-determinations",
    "power-list",
    "decision",
)

#: The 职权类型 taxonomy; older labels are mapped on input.
POWER_TYPES = (
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "其他行政权力",
)
POWER_TYPE_WORDS = {
    "行政监督": "行政检查",
    "监督检查": "行政检查",
    "检查": "行政检查",
    "非行政许可审批": "其他行政权力",
    "其他": "其他行政权力",
    "其他职权": "其他行政权力",
}

INSPECTION = "行政检查"

#: the shared ``attrs`` of records without unknown columns (never mutate a record's attrs)
EMPTY_ATTRS: dict[str, str] = {}


def today() -> str:
    """Today's date as an ISO string (the default ``as_of``)."""
    return _dt.date.today().isoformat()


def active(valid_from: str | None, valid_to: str | None, as_of: str) -> bool:
    """Whether the half-open interval ``[valid_from, valid_to)`` holds at ``as_of``.

    >>> active("2020-01-01", "2021-01-01", "2020-12-31"), active(None, "2021-01-01", "2021-01-01")
    (True, False)
    """
    return (valid_from is None or valid_from <= as_of) and (valid_to is None or as_of < valid_to)


def canonical_region_code(code: str) -> str:
    """The canonical form of a GB/T 2260 code: trailing zeros are not significant.

    12-digit statistical codes of a county or above shorten to 6 digits; a
    township code keeps 12. A 9-digit township code is padded to 12.

    >>> canonical_region_code("330106000000"), canonical_region_code("330106001"),
    ('330106', '330106001000')
    """
    code = code.strip()
    if len(code) == 9:
        code += "000"
    if len(code) == 12 and code[6:] == "000000":
        return code[:6]
    return code


class Origin(NamedTuple):
    """Where a record was read: file, sheet (for XLSX), 1-based row, list version.

    A named tuple: immutable, hashable, and cheap to build half a million times.
    """

    file: str
    row: int | None = None
    sheet: str | None = None
    version: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.version:
            parts.append(f"version {self.version}")
        return ", ".join(parts)


class _Record:
    """Shared behaviour of the record classes (mix-in, no state)."""

    __slots__ = ()
    #: set by ``@dataclass`` on each record class (declared so type checkers see dataclasses)
    __dataclass_fields__: ClassVar[dict[str, Any]]
    #: the node label (kind of node) in the graph
    label: ClassVar[str]
    #: the bundle file this kind is read from
    table: ClassVar[str]
    #: a bulky kind that stores keep apart and read on demand, grouped by this field
    #: (the law corpus's 52,000 articles are grouped by ``law``); ``None``: read eagerly
    lazy: ClassVar[str | None] = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, Origin):
                value = origin_dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[f.name] = value
        return out


def _origin_items(o: Origin) -> list[tuple[str, Any]]:
    return [("file", o.file), ("sheet", o.sheet), ("row", o.row), ("version", o.version)]


def origin_dict(o: Origin | None) -> dict[str, Any] | None:
    """Where a record was read, as plain data (the ``origin`` of :meth:`_Record.as_dict`).

    Built straight from the tuple: evidence asks it once per duty printed, and a
    scan prints thousands (``as_dict`` walks ``dataclasses.fields`` per record).

    >>> origin_dict(Origin("duties.csv", 7))
    {'file': 'duties.csv', 'row': 7}
    >>> origin_dict(None) is None
    True
    """
    if o is None:
        return None
    return {k: v for k, v in _origin_items(o) if v is not None}


@dataclass(slots=True)
class Region(_Record):
    """A region (地区) of the GB/T 2260 tree; the national root is ``000000``."""

    label: ClassVar[str] = "region"
    table: ClassVar[str] = "regions"
    code: str
    name: str
    level: str
    parent: str | None = None
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return self.code


@dataclass(slots=True)
class RegionGroup(_Record):
    """A group of regions (区域) such as 京津冀; not part of the tree."""

    label: ClassVar[str] = "region_group"
    table: ClassVar[str] = "region_groups"
    id: str
    name: str
    members: tuple[str, ...] = ()
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)


@dataclass(slots=True)
class Department(_Record):
    """A department (部门) of one government (its ``region``).

    ``systems`` are its lines (条); ``vertical`` marks a vertically managed
    line, whose ``superior`` is the upper department of the same line.
    """

    label: ClassVar[str] = "department"
    table: ClassVar[str] = "departments"
    id: str
    name: str
    region: str
    systems: tuple[str, ...] = ()
    superior: str | None = None
    vertical: bool = False
    aliases: tuple[str, ...] = ()
    valid_from: str | None = None
    valid_to: str | None = None
    successor: str | None = None
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    def active(self, as_of: str) -> bool:
        return active(self.valid_from, self.valid_to, as_of)


@dataclass(slots=True)
class Item(_Record):
    """A regulatory item (监管事项) of the catalogue tree (主项 → 子项)."""

    label: ClassVar[str] = "item"
    table: ClassVar[str] = "items"
    id: str
    name: str
    parent: str | None = None
    domain: str | None = None
    power_type: str | None = None
    objects: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    key_item: bool = False
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    def applies_at(self, level: str) -> bool:
        """An item with no ``levels`` applies at every level."""
        return not self.levels or level in self.levels


@dataclass(slots=True)
class LegalBasis(_Record):
    """A legal basis (依据): a law, regulation, 三定 provision, power list, decision...

    ``article`` names the provision cited (``第一百一十条第一款第（四）项``), if any.
    The last three fields are what the import found in the law corpus (never
    written by hand): ``law_version`` is the version of the act (a
    :class:`LawVersion` id) the citation was read against — the one in force
    on the duty's start date — and ``[law_from, law_to)`` the time the cited
    provision is in force by the corpus: from the act's adoption until a new
    version drops the article or the act is repealed. A basis is in force
    when both its own interval and the corpus's hold.

    >>> b = LegalBasis("B1", "某法", valid_from="2015-10-01", law_to="2023-01-01")
    >>> b.in_force("2022-12-31"), b.in_force("2023-01-01")
    (True, False)
    """

    label: ClassVar[str] = "basis"
    table: ClassVar[str] = "bases"
    id: str
    title: str
    kind: str = "law"
    issuer: str | None = None
    article: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)
    law_version: str | None = None
    law_from: str | None = None
    law_to: str | None = None

    def in_force(self, as_of: str) -> bool:
        return active(self.valid_from, self.valid_to, as_of) and active(
            self.law_from, self.law_to, as_of
        )

    @property
    def law(self) -> str | None:
        """The act (:class:`Law` id) the citation resolved to, if it did."""
        return self.law_version.partition("@")[0] if self.law_version else None


#: the kinds of the law corpus (SPEC §6), read from its own format, not from bundles
LAW_KINDS = ("law", "law_version", "article")


@dataclass(slots=True)
class Law(_Record):
    """An act of the law corpus (法律、行政法规、规章…): ELI's ``LegalResource``.

    ``id`` is the basis id of its normalised title
    (:func:`dutygraph.io.citations.basis_id`: the leading 中华人民共和国 does not
    count), so a citation of the title finds it. ``[valid_from, valid_to)`` is
    the act's life as far as the corpus says: from its first adoption (its
    history lines) until it is repealed (``repealed_by`` names the repealing act).
    """

    label: ClassVar[str] = "law"
    table: ClassVar[str] = "laws"
    id: str
    title: str
    kind: str = "law"
    level: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    repealed_by: str | None = None
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    def in_force(self, as_of: str) -> bool:
        return active(self.valid_from, self.valid_to, as_of)


@dataclass(slots=True)
class LawVersion(_Record):
    """One version (text) of an act: ELI's ``LegalExpression``.

    In force ``[valid_from, valid_to)``: from its effective date until the next
    version's (the last one open, or closed when the act is repealed). ``id``
    is ``<law id>@<valid_from>``; ``history`` the text's adoption and amendment
    lines; ``files`` the corpus files it was read from.
    """

    label: ClassVar[str] = "law_version"
    table: ClassVar[str] = "law_versions"
    id: str
    law: str
    title: str
    publish: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    expired: bool = False
    history: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    preamble: str = ""
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    def in_force(self, as_of: str) -> bool:
        return active(self.valid_from, self.valid_to, as_of)


@dataclass(slots=True)
class LawArticle(_Record):
    """An article (条) of one version: ELI's ``LegalResourceSubdivision``.

    ``id`` is ``<version id>#<key>``, the key ``"110"`` or ``"17-1"`` (第十七条之一);
    ``name`` the label as written (``第一百一十条``); ``chapter`` the 编/章/节 path;
    ``paragraphs`` its 款, each the paragraph's own text and then its 项 one a
    line (a 目 continues the 项 before it). Stores keep articles apart, by act
    (``lazy``), and read an act's articles when one is asked for.

    >>> a = LawArticle("L@2020-01-01#2", "L", "L@2020-01-01", "2", "第二条", 2,
    ...                paragraphs=("本条例所称示例：\\n（一）甲；\\n（二）乙。", "前款规定不适用于丙。"))
    >>> a.items(1), a.text.count("\\n")
    (('（一）甲；', '（二）乙。'), 3)
    """

    label: ClassVar[str] = "article"
    table: ClassVar[str] = "articles"
    lazy: ClassVar[str | None] = "law"
    id: str
    law: str
    version: str
    key: str
    name: str
    number: int
    suffix: int = 0
    chapter: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The whole text: paragraphs and items one a line."""
        return "\n".join(self.paragraphs)

    def paragraph(self, n: int) -> str | None:
        """Paragraph (款) ``n`` (1-based) with its items, or ``None``."""
        return self.paragraphs[n - 1] if 0 < n <= len(self.paragraphs) else None

    def items(self, n: int) -> tuple[str, ...]:
        """The items (项) of paragraph ``n``."""
        p = self.paragraph(n)
        if p is None:
            return ()
        out: list[str] = []
        for line in p.split("\n")[1:]:
            if _ITEM_START.match(line) or not out:
                out.append(line)
            else:  # a 目 continues its item
                out[-1] += "\n" + line
        return tuple(out)

    def item(self, paragraph: int, n: int) -> str | None:
        """Item (项) ``n`` of paragraph ``paragraph`` (1-based), or ``None``."""
        items = self.items(paragraph)
        return items[n - 1] if 0 < n <= len(items) else None


#: an item's marker, as the corpus reader tells a 项 from a 目 (:data:`dutygraph.io.citations.NUM`)
_ITEM_START = re.compile(r"^[（(][0-9零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟]+[)）]")


@dataclass(slots=True)
class Duty(_Record):
    """A duty (职责): a department's role on an item in a region, for a time.

    ``line`` names the line under which a department with several holds it;
    ``source`` names the list (and version) the duty came from.
    """

    label: ClassVar[str] = "duty"
    table: ClassVar[str] = "duties"
    department: str
    item: str
    region: str
    role: str
    bases: tuple[str, ...] = ()
    valid_from: str | None = None
    valid_to: str | None = None
    source: str | None = None
    line: str | None = None
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        """Identity of a duty: who, what, where, which role and line, since when."""
        return (
            self.department,
            self.item,
            self.region,
            self.role,
            self.line or "",
            self.valid_from or "",
        )

    @property
    def id(self) -> str:
        return "|".join(self.key)

    def active(self, as_of: str) -> bool:
        return active(self.valid_from, self.valid_to, as_of)


@dataclass(slots=True)
class Behavior(_Record):
    """A behavioural feature (行为特征) of a business, linked to the items it triggers."""

    label: ClassVar[str] = "behavior"
    table: ClassVar[str] = "behaviors"
    id: str
    name: str
    items: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)


@dataclass(slots=True)
class BusinessForm(_Record):
    """A new business form (新业态); a settled one is a precedent for 业务相近.

    ``lead`` and ``assist`` are department ids as settled on ``settled_on``.
    """

    label: ClassVar[str] = "business_form"
    table: ClassVar[str] = "business_forms"
    id: str
    name: str
    description: str = ""
    behaviors: tuple[str, ...] = ()
    lead: str | None = None
    assist: tuple[str, ...] = ()
    settled_on: str | None = None
    basis: str | None = None
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    @property
    def settled(self) -> bool:
        return self.lead is not None


@dataclass(slots=True)
class Dispute(_Record):
    """A jurisdiction dispute (管辖争议) between departments.

    ``subject`` is an item id, a business-form id or a case description;
    ``claims`` maps each party to what it claims; ``decision`` holds the
    decision record once decided.
    """

    label: ClassVar[str] = "dispute"
    table: ClassVar[str] = "disputes"
    id: str
    parties: tuple[str, ...]
    subject: str
    region: str
    raised_on: str
    status: str = "open"
    claims: dict[str, str] = field(default_factory=dict)
    decision: dict[str, Any] | None = None
    attrs: dict[str, str] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)


#: Record classes in load order (referenced kinds first).
RECORD_TYPES: tuple[type[_Record], ...] = (
    Region,
    RegionGroup,
    Law,
    LawVersion,
    LawArticle,
    LegalBasis,
    Department,
    Item,
    Duty,
    Behavior,
    BusinessForm,
    Dispute,
)
