"""Read the lists governments publish — power lists, key-item and joint-inspection lists,
the division-code table — as laid out for printing, driven by the mappings of
:mod:`dutygraph.io.mapping`.

What the reader copes with: a merged title row (it names the list, its owner
and often its date), one or two header rows with merged cells, merged cells
spanning sub-items (the value carries down; in a CSV file an empty cell of a
sub-item row takes its main item's), blank rows, repeated header rows,
trailing note rows (``备注：…``), full-width digits and punctuation (folded
with NFKC), multi-line cells and numbered lists inside a cell.

What it makes (``kind = "duties"``): an :class:`~dutygraph.model.Item` per
main item and per sub-item (its ``parent`` the main item); a duty for each
implementing, lead (``牵头``/``发起``) and assisting (``配合``) department, in
that department's region; one :class:`~dutygraph.model.LegalBasis` per law
cited (:mod:`dutygraph.io.citations`: the articles stay on the duty, in its
``citations`` attribute); departments that are not in the store, created
with a warning. A main item whose sub-items share a lead gets that lead too.
``kind = "regions"`` makes the region tree from GB/T 2260 codes.

Versions: each import of a list is a version. Its duties are valid from the
list's effective date (``effective=``, else a date in the title or note rows
next to 施行/生效/起, else none); their ``source`` is ``LIST#ROW`` and their
origin carries the version. :func:`apply_versions` (called by the importer
inside the store's write) compares the new version with the open duties of
the same list and closes the ones it no longer has at its effective date.

>>> import tempfile, pathlib
>>> from dutygraph.fixtures import demo_graph
>>> p = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
>>> _ = p.write_text("序号,事项名称,职权类型,实施依据,实施主体\\n1,对未取得食品经营许可从事食品经营活动的处罚,行政处罚,《食品安全法》第一百二十二条,锦江区市场监管局\\n", "utf-8")
>>> batch = read_published_list(p, graph=demo_graph(), effective="2024-01-01")
>>> [(d.department, d.role, d.region, d.source) for d in (r.record for r in batch.rows) if d.label == "duty"]
[('JJ-SCJ', 'lead', '510104', 'power_list:list#2')]
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Ambiguous, LoadError, Problem, ValidationFailed
from ..graph import DutyGraph
from ..model import (
    LEVELS,
    POWER_TYPE_WORDS,
    POWER_TYPES,
    Department,
    Duty,
    Item,
    LegalBasis,
    Origin,
    Region,
    active,
)
from .bundle import Batch, Row
from .citations import basis_kind, format_citations, law_key, parse_citations
from .departments import DepartmentMatcher, core_name, line_of
from .mapping import Mapping, assign_columns, builtin_mappings, header_key, mapping

__all__ = [
    "ListBatch",
    "ListVersion",
    "apply_versions",
    "diff_versions",
    "list_versions",
    "read_published_list",
]


@dataclass
class ListVersion:
    """One version of one list, as read from one file."""

    list_id: str
    version: str
    effective: str | None
    format: str
    title: str
    file: str
    #: rows in error, skipped: the duties they would have made are not "removed"
    partial: bool = False


@dataclass
class ListBatch(Batch):
    """A :class:`~dutygraph.io.bundle.Batch` that knows which list versions it holds."""

    versions: list[ListVersion] = field(default_factory=list)
    #: data rows read (not blank, not notes, not headers)
    rows_read: int = 0


# -- reading cells ------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in text.split("\n")).strip()


Sheet = tuple[str | None, list[tuple[int, list[str]]]]


def _read_csv(path: Path) -> list[Sheet]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise LoadError(f"{path}: neither UTF-8 nor GB18030; save it as UTF-8 CSV")
    reader = csv.reader(io.StringIO(text, newline=""))
    return [(None, [(n, [_cell(c) for c in cells]) for n, cells in enumerate(reader, start=1)])]


def _read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl  # imported here: only workbook users pay for it

    try:  # not read_only: merged cells are needed
        wb = openpyxl.load_workbook(path, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    sheets: list[Sheet] = []
    for ws in wb.worksheets:
        grid = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:
            value = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                row = grid[r]
                for c in range(rng.min_col - 1, min(rng.max_col, len(row))):
                    row[c] = value
        sheets.append((ws.title, list(enumerate(grid, start=1))))
    wb.close()
    return sheets


def _read_sheets(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise LoadError(f"{path}: unknown file type {suffix!r}; a published list is .xlsx or .csv")


# -- finding the header -------------------------------------------------------------------


def _is_subheader(cells: list[str], m: Mapping) -> bool:
    keys = [header_key(c) for c in cells if c]
    return bool(keys) and all(k in m.synonyms() for k in keys)


def _spread(top: list[str], sub: list[str]) -> list[str]:
    """A CSV top header row with its merged cells spread right over the sub-header cells."""
    out = list(top)
    for c in range(1, len(out)):
        if not out[c] and c < len(sub) and sub[c]:
            out[c] = out[c - 1]
    return out


@dataclass
class _Layout:
    mapping: Mapping
    header_at: int  # index into the sheet's rows
    header_rows: list[list[str]]
    columns: dict[str, int]


def _layout_at(rows: list[tuple[int, list[str]]], i: int, m: Mapping) -> _Layout | None:
    top = rows[i][1]
    known = m.synonyms()
    if not any(header_key(c) in known for c in top if c):
        return None  # a title row above a header row is not a header
    header_rows = [top]
    if i + 1 < len(rows) and _is_subheader(rows[i + 1][1], m):
        header_rows = [_spread(top, rows[i + 1][1]), rows[i + 1][1]]
    cols = assign_columns(m, header_rows)
    if not m.detect or not all(f in cols for f in m.detect):
        return None
    return _Layout(m, i, header_rows, cols)


def _find_layout(
    rows: list[tuple[int, list[str]]], candidates: Iterable[Mapping]
) -> _Layout | None:
    candidates = list(candidates)
    for i in range(min(len(rows), 20)):
        found = [lay for m in candidates if (lay := _layout_at(rows, i, m))]
        if found:
            title = " ".join(c for _, cells in rows[:i] for c in cells)

            def score(lay: _Layout, title: str = title) -> tuple[int, int]:
                words = sum(w in title for w in lay.mapping.title_words)
                return (len(lay.columns), words)

            return max(found, key=score)
    return None


# -- title and note rows ------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_NOTE = re.compile(r"^(备注|注|附注|说明|填表说明)\s*[:：\d]")
_BODY = re.compile(r"^.{2,40}(?:人民政府|委员会|办公室|局|委|厅|办|部|中心|政府)$")


def _dates(texts: Iterable[str]) -> list[tuple[bool, str]]:
    out = []
    for t in texts:
        for m in _DATE.finditer(t):
            try:
                d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                continue
            tail = t[m.end() : m.end() + 8]
            out.append((bool(re.search(r"施行|生效|起|执行|实施", tail)), d))
    return out


def _title_owner(title: str, m: Mapping) -> str | None:
    head = title
    for w in (*m.title_words, "清单"):
        if w in head:
            head = head[: head.index(w)]
    head = re.sub(r"\d{4}\s*年(度|版)?", "", head.strip())
    return head if _BODY.match(head) else None


def _list_title_core(title: str) -> str:
    t = re.sub(r"\(.*?\)|【.*?】|\d{4}\s*年(度|版)?|第?\d+版", "", title)
    return re.sub(r"[\s#]+", "", t)


def _single(cells: list[str]) -> str | None:
    vals = {c for c in cells if c}
    return next(iter(vals)) if len(vals) == 1 else None


# -- values -------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^(?:\d+\s*[.、)]|\(\d+\)|[①-⑳]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))\s*"
)
_SPLIT = re.compile(r"[、;；,，\n]+")
_LEVEL_ONLY = re.compile(r"^(国家|中央|省|市|县|区|乡|镇|省级|市级|县级|区级|乡级)$")
_BODY_SUFFIX = re.compile(r"(部门|局|委员会|委|厅|办|部|办公室|政府|中心|机构|队|所|站)$")


def _names(cell: str) -> tuple[list[str], list[str]]:
    """Department names in a cell, and the internal offices given in brackets."""
    offices = re.findall(r"\(([^()]*)\)", cell)
    cell = re.sub(r"\([^()]*\)", "", cell)
    parts: list[str] = []
    for line in cell.split("\n"):
        line = _NUMBERING.sub("", line.strip())
        parts.extend(p.strip().removesuffix("等") for p in _SPLIT.split(line))
    parts = [_NUMBERING.sub("", p) for p in parts if p and not _LEVEL_ONLY.match(p)]
    if parts and (suffix := _BODY_SUFFIX.search(parts[-1])):
        parts = [p if _BODY_SUFFIX.search(p) else p + suffix.group(1) for p in parts]
    return list(dict.fromkeys(p for p in parts if p)), offices


def _multi(cell: str) -> tuple[str, ...]:
    parts = (_NUMBERING.sub("", p.strip()) for p in _SPLIT.split(cell))
    return tuple(dict.fromkeys(p for p in parts if p))


def _power_type(text: str) -> str | None:
    t = re.sub(r"\(.*?\)", "", text).strip()
    t = POWER_TYPE_WORDS.get(t, t)
    if t in POWER_TYPES:
        return t
    return next((p for p in POWER_TYPES if p in text), None)


_LEVEL_CHARS = (
    ("国家", "national"),
    ("中央", "national"),
    ("省", "province"),
    ("市", "prefecture"),
    ("县", "county"),
    ("区", "county"),
    ("乡", "township"),
    ("镇", "township"),
    ("街道", "township"),
)


def _levels(text: str) -> tuple[str, ...]:
    """Government levels named in a 行使层级 cell.

    >>> _levels("市级、区级"), _levels("省/市/县"), _levels("县级以上"), _levels("属地负责、共同监管")
    (('prefecture', 'county'), ('province', 'prefecture', 'county'), ('national', 'province', 'prefecture', 'county'), ())
    """
    if re.search(r"监管|负责", text):
        return ()
    found = {lvl for word, lvl in _LEVEL_CHARS if word in text}
    if "以上" in text and found:
        lowest = max(LEVELS.index(lv) for lv in found)
        found = set(LEVELS[: lowest + 1])
    return tuple(lv for lv in LEVELS if lv in found)


def _hash(text: str, n: int = 5) -> str:
    return hashlib.blake2b(text.encode(), digest_size=n).hexdigest()


# -- the reader ---------------------------------------------------------------------------


class _Reader:
    """Turns the rows of one file into records; holds what rows share (ids, names, owner)."""

    def __init__(self, path: Path, m: Mapping, graph: DutyGraph, options: dict[str, Any]):
        self.path = path
        self.label = path.name
        self.m = m
        self.graph = graph
        self.options = options
        self.batch = ListBatch()
        self.matcher = DepartmentMatcher(graph)
        self.items: dict[str, Item] = {}
        self.item_names: dict[tuple[str | None, str], str] = {}
        self.graph_items: dict[tuple[str | None, str], list[str]] = {}
        for iid, it in graph.items.items():
            self.graph_items.setdefault((it.parent, it.name), []).append(iid)
        self.bases: set[str] = set(graph.bases)
        self.new_departments: set[str] = set()
        self.region: str | None = None
        self.owner: Department | None = None
        self.version = "undated"
        self.effective: str | None = None
        self.list_id = ""
        self.sheet: str | None = None
        # main item -> (lead department sets of its sub-item rows, first row, own row seen)
        self.groups: dict[str, list[Any]] = {}
        self._cited: dict[str, tuple[tuple[str, ...], str]] = {}

    # -- problems
    def problem(
        self, row: int | None, column: str | None, message: str, fix: str, code: str, *, warn: bool
    ) -> None:
        self.batch.problems.append(
            Problem(
                self.label,
                row,
                column,
                message,
                fix,
                self.sheet,
                severity="warning" if warn else "error",
                code=code,
            )
        )

    def add(self, record: Any, row: int | None) -> None:
        self.batch.rows.append(Row(record, record.origin or self.origin(row)))

    def origin(self, row: int | None) -> Origin:
        return Origin(self.label, row, self.sheet, self.version)

    # -- list-level facts
    def setup(self, title: str, notes: list[str]) -> None:
        opts = self.options
        if opts.get("region"):
            self.region = self.graph.find("region", str(opts["region"])).code
        owner_name = opts.get("department") or _title_owner(title, self.m)
        if owner_name:
            if self.region is None:
                self.region = self.matcher.region_of(owner_name)
            self.owner = self.department(owner_name, None, "department", explicit=True)
            if self.owner is not None and self.region is None:
                self.region = self.owner.region
        if self.region is None and title:
            self.region = self.matcher.region_of(title)
        eff = opts.get("effective")
        if eff:
            self.effective = str(eff)
        else:
            dates = _dates([title, *notes])
            marked = [d for flag, d in dates if flag]
            found = marked or [d for _, d in dates]
            self.effective = found[0] if found else None
        self.version = self.effective or "undated"
        if opts.get("list"):
            list_id = str(opts["list"])
        elif self.owner is not None:
            list_id = f"{self.m.name}:{self.owner.id}"
        elif title:
            list_id = f"{self.m.name}:{_list_title_core(title)}"
        elif self.region:
            list_id = f"{self.m.name}:{self.region}"
        else:
            list_id = f"{self.m.name}:{self.path.stem}"
        self.list_id = list_id.replace("#", "-")
        self.title = title or self.list_id

    # -- departments
    def department(
        self, name: str, row: int | None, column: str | None, explicit: bool = False
    ) -> Department | None:
        try:
            dep = self.matcher.match(name, region=self.region)
        except Ambiguous as exc:
            self.problem(
                row,
                column,
                str(exc).replace("; give the id instead", ""),
                "write the department's full name or id, or pass --region to say whose it is",
                "ambiguous-department",
                warn=False,
            )
            return None
        if dep is not None:
            return dep
        if explicit and self.options.get("department") == name and name in self.graph.departments:
            return self.graph.departments[name]
        named = self.matcher.region_of(name)
        region = named or self.region
        if region is None or region not in self.graph.regions:
            self.problem(
                row,
                column,
                f"department {name!r} is not in the store and its government is unknown",
                "add the department first, write its region's name in front of it, or pass --region",
                "unknown-department",
                warn=False,
            )
            return None
        core = core_name(name, self.matcher.region_names)
        line = line_of(core)
        full = name if named else self.graph.regions[region].name + name
        dep = Department(
            f"D-{region}-{_hash(core, 4)}",
            full,
            region,
            systems=(line,) if line else (),
            origin=self.origin(row),
        )
        self.matcher.add(dep)
        self.new_departments.add(dep.id)
        self.add(dep, row)
        self.problem(
            row,
            column,
            f"department {name!r} is not in the store: created {dep.id} ({full}, region {region}"
            + (f", line {line})" if line else ", no line)"),
            "check the name; add the department to the store first to choose its id and lines",
            "new-department",
            warn=True,
        )
        return dep

    # -- items and bases
    def item(self, name: str, parent: str | None, values: dict[str, str], row: int) -> str:
        key = (parent, name)
        iid = self.item_names.get(key)
        if iid is not None:
            return iid
        known = self.graph_items.get(key, [])
        iid = known[0] if len(known) == 1 else "L-" + _hash(f"{parent or ''}/{name}")
        self.item_names[key] = iid
        if iid in self.graph.items and not iid.startswith("L-"):
            return iid  # a catalogue item: the list does not rewrite it
        power_text = values.get("power_type", "")
        power = _power_type(power_text) if power_text else self.m.defaults.get("power_type")
        if power_text and power is None:
            self.problem(
                row,
                "power_type",
                f"unknown power type {power_text!r}; the item is imported without one",
                "use one of " + "、".join(POWER_TYPES),
                "unknown-power-type",
                warn=True,
            )
        attrs = {"code": values["code"]} if values.get("code") and parent is None else {}
        if parent is not None and values.get("sub_code"):
            attrs = {"code": values["sub_code"]}
        rec = Item(
            iid,
            name,
            parent,
            domain=values.get("domain") or None,
            power_type=power,
            objects=_multi(values.get("objects", "")),
            levels=_levels(values.get("levels", "")),
            key_item=bool(self.m.defaults.get("key_item", False)),
            attrs=attrs,
            origin=self.origin(row),
        )
        self.items[iid] = rec
        self.add(rec, row)
        return iid

    def cited(self, cell: str, row: int) -> tuple[tuple[str, ...], str]:
        hit = self._cited.get(cell)
        if hit is not None:
            return hit
        citations = parse_citations(cell)
        if cell and not citations:
            self.problem(
                row,
                "bases",
                f"no law title found in {cell[:40]!r}; kept as text on the duty",
                "write citations as 《法名》第X条",
                "unparsed-basis",
                warn=True,
            )
        ids = []
        for c in citations:
            bid = c.basis
            ids.append(bid)
            if bid not in self.bases:
                self.bases.add(bid)
                title = law_key(c.title) if c.title.startswith("中华人民共和国") else c.title
                title = c.title if title == c.title else "中华人民共和国" + title
                self.add(LegalBasis(bid, title, basis_kind(c.title), origin=self.origin(row)), row)
        out = tuple(dict.fromkeys(ids)), format_citations(citations)
        if citations:  # a cell without citations warns on every row it is in
            self._cited[cell] = out
        return out

    # -- rows
    def duty_row(self, number: int, values: dict[str, str], extra: dict[str, str]) -> None:
        name = values.get("name", "")
        sub = values.get("sub_name", "")
        if not name:
            self.problem(
                number,
                "name",
                "the row has no item name",
                "give the 事项名称 (or delete the row)",
                "missing-item-name",
                warn=False,
            )
            return
        leads: list[Department] = []
        assists: list[Department] = []
        ok = True
        lead_names, offices = _names(values.get("lead", ""))
        for n in lead_names:
            dep = self.department(n, number, "lead")
            ok = ok and dep is not None
            if dep is not None and dep not in leads:
                leads.append(dep)
        if not lead_names:
            if self.owner is None:
                self.problem(
                    number,
                    "lead",
                    "the row names no implementing or lead department, and the list has no owner",
                    "fill the 实施主体/牵头部门 cell, or pass --department",
                    "missing-department",
                    warn=False,
                )
                return
            leads.append(self.owner)
            self.problem(
                number,
                "lead",
                f"the row names no implementing or lead department: {self.owner.id} "
                f"({self.owner.name}, the list's owner) is taken",
                "fill the 实施主体/牵头部门 cell if that is wrong",
                "owner-taken",
                warn=True,
            )
        for n in _names(values.get("assist", ""))[0]:
            dep = self.department(n, number, "assist")
            ok = ok and dep is not None
            if dep is not None and dep not in leads and dep not in assists:
                assists.append(dep)
        if not ok:
            return
        parent = self.item(name, None, values, number)
        iid = self.item(sub, parent, values, number) if sub else parent
        bases, citations = self.cited(values.get("bases", ""), number)
        if self.m.list_basis:
            bases = (*bases, self.list_basis())
        attrs = dict(extra)
        if citations:
            attrs["citations"] = citations
        elif values.get("bases"):
            attrs["basis_text"] = values["bases"]
        if offices and "office" not in attrs:
            attrs["office"] = "；".join(offices)
        source = f"{self.list_id}#{number}"
        origin = self.origin(number)
        for role, deps in ((self.m.lead_role, leads), (self.m.assist_role, assists)):
            for dep in deps:
                duty = Duty(
                    dep.id,
                    iid,
                    dep.region,
                    role,
                    bases,
                    self.effective,
                    None,
                    source,
                    None,
                    attrs,
                    origin,
                )
                self.add(duty, number)
        group = self.groups.setdefault(parent, [[], number, False, bases])
        if sub:
            group[0].append({(d.id, d.region) for d in leads})
        else:
            group[2] = True

    def list_basis(self) -> str:
        bid = "PL-" + _hash(self.list_id)
        if bid not in self.bases:
            self.bases.add(bid)
            self.add(LegalBasis(bid, self.title, self.m.list_basis or "power-list"), None)
        return bid

    def parent_duties(self) -> None:
        """A main item whose sub-items share a lead (and has no row of its own) gets that lead."""
        for parent, (sets, first, own, bases) in self.groups.items():
            if own or not sets:
                continue
            for dep, region in sorted(set.intersection(*sets)):
                self.add(
                    Duty(
                        dep,
                        parent,
                        region,
                        self.m.lead_role,
                        bases,
                        self.effective,
                        source=f"{self.list_id}#{first}",
                        attrs={"from_sub_items": "yes"},
                        origin=self.origin(first),
                    ),
                    first,
                )

    def region_row(self, number: int, values: dict[str, str], codes: dict[str, str]) -> None:
        code = codes.get(str(number))
        if code is None:
            return
        name = values.get("name", "")
        parent = _division_parent(code, codes.values(), self.graph)
        rec = Region(
            code, name, _division_level(code), parent, attrs={}, origin=self.origin(number)
        )
        self.add(rec, number)


def _division_level(code: str) -> str:
    if len(code) == 12:
        return "township"
    if code == "000000":
        return "national"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def _division_ancestors(code: str) -> list[str]:
    if len(code) == 12:
        county = code[:6]
        return [county, county[:4] + "00", county[:2] + "0000", "000000"]
    if code == "000000":
        return []
    if code[2:] == "0000":
        return ["000000"]
    if code[4:] == "00":
        return [code[:2] + "0000", "000000"]
    return [code[:4] + "00", code[:2] + "0000", "000000"]


def _division_parent(code: str, codes: Iterable[str], graph: DutyGraph) -> str | None:
    known = codes if isinstance(codes, set) else set(codes)
    for anc in _division_ancestors(code):
        if anc != code and (anc in known or anc in graph.regions):
            return anc
    return None


def _division_code(text: str) -> str | None:
    digits = re.sub(r"\s", "", text)
    if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", digits):
        return None
    if len(digits) == 9:
        digits += "000"
    if len(digits) == 12 and digits[6:] == "000000":
        return digits[:6]
    return digits


def read_published_list(path: str | Path, **options: Any) -> ListBatch:
    """Read one published list (XLSX or CSV) into records, with every problem found.

    Parameters
    ----------
    path : the file
    **options
        ``format`` (a mapping name or ``.toml`` path; default: detected from
        the headers), ``graph`` (the store's current :class:`DutyGraph`, or a
        function returning it, to match departments and items),
        ``region`` and ``department`` (the list's government and owner when
        the file does not say), ``effective`` (YYYY-MM-DD), ``list`` (the
        list's id, default from the owner or title), ``progress`` (called
        with rows done and rows in all).

    Raises
    ------
    LoadError
        The file cannot be read, or no sheet has headers of a known format.
    """
    p = Path(path)
    graph = options.get("graph")
    if callable(graph):
        graph = graph()
    graph = graph if graph is not None else DutyGraph()
    fmt = options.get("format")
    candidates = [mapping(fmt)] if fmt else list(builtin_mappings())
    if options.get("mapping"):
        candidates = [mapping(str(options["mapping"]))]
    sheets = _read_sheets(p)
    progress: Callable[[int, int], None] | None = options.get("progress")
    total = sum(len(rows) for _, rows in sheets)
    done = 0
    out = ListBatch()
    found_any = False
    for sheet, rows in sheets:
        layout = _find_layout(rows, candidates)
        if layout is None:
            if any(any(cells) for _, cells in rows):
                out.problems.append(
                    Problem(
                        p.name,
                        None,
                        None,
                        "no header of a known list format on this sheet; skipped",
                        "pass --format NAME if the headers are unusual",
                        sheet,
                        severity="warning",
                        code="unknown-sheet",
                    )
                )
            done += len(rows)
            continue
        found_any = True
        reader = _Reader(p, layout.mapping, graph, options)
        reader.sheet = sheet
        _read_sheet(reader, layout, rows, progress, done, total)
        done += len(rows)
        out.rows.extend(reader.batch.rows)
        out.problems.extend(reader.batch.problems)
        out.rows_read += reader.batch.rows_read
        out.sources.append(str(p) + (f"#{sheet}" if sheet else ""))
        if layout.mapping.kind == "duties":
            out.versions.append(
                ListVersion(
                    reader.list_id,
                    reader.version,
                    reader.effective,
                    layout.mapping.name,
                    reader.title,
                    p.name,
                    partial=any(pr.severity == "error" for pr in reader.batch.problems),
                )
            )
    if not found_any:
        names = ", ".join(m.name for m in candidates)
        raise LoadError(
            f"{p}: not a dutygraph bundle, and no sheet has the headers of a known list "
            f"format ({names}); pass --format NAME, or check the header row"
        )
    if progress:
        progress(total, total)
    return out


def _read_sheet(
    reader: _Reader,
    layout: _Layout,
    rows: list[tuple[int, list[str]]],
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> None:
    m = layout.mapping
    start = layout.header_at + len(layout.header_rows)
    title = "\n".join(dict.fromkeys(c for _, cells in rows[: layout.header_at] for c in cells if c))
    header_keys = [header_key(c) for c in layout.header_rows[0]]
    cols = layout.columns
    mapped = set(cols.values())
    extras = [
        (c, "/".join(dict.fromkeys(r[c] for r in layout.header_rows if c < len(r) and r[c])))
        for c in range(max(len(r) for r in layout.header_rows))
        if c not in mapped
    ]
    keep = {name: c for name, c in cols.items() if name in m.keep}
    data: list[tuple[int, dict[str, str], dict[str, str]]] = []
    notes: list[str] = []
    in_notes = False
    prev: dict[str, str] | None = None
    for number, cells in rows[start:]:
        if not any(cells):
            continue
        single = _single(cells)
        if single is not None and (in_notes or _NOTE.match(single)):
            in_notes = True
            notes.append(single)
            continue
        if [header_key(c) for c in cells] == header_keys:
            continue  # a header repeated on every printed page
        values = {f: cells[c] if c < len(cells) else "" for f, c in cols.items()}
        if prev is not None and (
            (not values.get("name") and values.get("sub_name"))
            or (values.get("name") and values.get("name") == prev.get("name"))
        ):
            for f in m.carry_down:
                if not values.get(f):
                    values[f] = prev.get(f, "")
        prev = values
        extra = {name: values[name] for name in keep if values.get(name)}
        extra.update({label: cells[c] for c, label in extras if c < len(cells) and cells[c]})
        data.append((number, values, extra))
    reader.setup(title, notes)
    reader.batch.rows_read = len(data)
    if m.kind == "regions":
        codes: dict[str, str] = {}
        pseudo = set(m.pseudo)
        for number, values, _ in data:
            code = _division_code(values.get("code", ""))
            if code is None:
                reader.problem(
                    number,
                    "code",
                    f"{values.get('code', '')!r} is not a division code",
                    "codes are 6 digits (GB/T 2260) or 12 (statistical codes)",
                    "bad-region-code",
                    warn=False,
                )
            elif len(code) == 12 and code[9:] != "000":
                reader.problem(
                    number,
                    "code",
                    f"{code} is a village-level code; villages are not regions here",
                    "leave villages out, or ignore this warning",
                    "village-skipped",
                    warn=True,
                )
            elif values.get("name") in pseudo:
                continue  # 市辖区 and the like: their children hang under the level above
            elif not values.get("name"):
                reader.problem(
                    number,
                    "name",
                    "the row has no name",
                    "give the 单位名称",
                    "missing",
                    warn=False,
                )
            else:
                codes[str(number)] = code
        if "000000" not in codes.values() and "000000" not in reader.graph.regions:
            reader.add(Region("000000", "全国", "national", origin=reader.origin(None)), None)
            codes["root"] = "000000"
        for k, (number, values, _) in enumerate(data):
            reader.region_row(number, values, codes)
            if progress and k % 500 == 0:
                progress(done + k, total)
        return
    for k, (number, values, extra) in enumerate(data):
        reader.duty_row(number, values, extra)
        if progress and k % 200 == 0:
            progress(done + k, total)
    reader.parent_duties()


# -- versions -----------------------------------------------------------------------------


def _source_list(source: str | None) -> str | None:
    return source.split("#", 1)[0] if source else None


def _content(d: Duty) -> tuple[str, str, str, str, str]:
    return (d.department, d.item, d.region, d.role, d.line or "")


def _brief(d: Duty) -> dict[str, Any]:
    return {
        "department": d.department,
        "item": d.item,
        "region": d.region,
        "role": d.role,
        "bases": list(d.bases),
        "source": d.source,
        "valid_from": d.valid_from,
        "valid_to": d.valid_to,
    }


def _same(a: Duty, b: Duty) -> bool:
    return a.bases == b.bases and a.attrs == b.attrs


def apply_versions(
    graph: DutyGraph, versions: list[ListVersion], records: list[Any]
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Fold new list versions into the store's history; returns records to write and the diffs.

    For each version, its duties are compared with the open duties of the
    same list in ``graph`` by department, item, region, role and line: a duty
    in both with the same bases and attributes is left as it is (the new row
    is dropped); one whose bases or attributes changed is closed at the
    effective date and the new one opens there; one the new version no longer
    has is closed at the effective date (``valid_to``) — never deleted.
    Re-importing the same version corrects it in place.

    Raises
    ------
    ValidationFailed
        A changed list with no effective date, or a version older than the
        one in force.
    """
    diffs: list[dict[str, Any]] = []
    if not versions:
        return records, diffs
    by_list = {v.list_id: v for v in versions}
    new_by: dict[str, list[Duty]] = {k: [] for k in by_list}
    keep: list[Any] = []
    for rec in records:
        if rec.label == "duty" and (lid := _source_list(rec.source)) in new_by:
            new_by[lid].append(rec)
        else:
            keep.append(rec)
    old_by: dict[str, list[Duty]] = {k: [] for k in by_list}
    for d in graph.duty_list():
        lid = _source_list(d.source)
        if lid in old_by and d.valid_to is None:
            old_by[lid].append(d)
    problems: list[Problem] = []
    for lid, v in by_list.items():
        new, old = new_by[lid], old_by[lid]
        eff = v.effective
        old_at = {_content(d): d for d in old}
        new_at = {_content(d): d for d in new}
        added = [d for k, d in new_at.items() if k not in old_at]
        removed = [d for k, d in old_at.items() if k not in new_at]
        changed = [
            (old_at[k], d) for k, d in new_at.items() if k in old_at and not _same(old_at[k], d)
        ]
        same = [old_at[k] for k, d in new_at.items() if k in old_at and _same(old_at[k], d)]
        if v.partial:
            removed = []  # rows were skipped: absence proves nothing
        starts = {d.valid_from for d in old}
        if (added or removed or changed) and old and eff is None:
            problems.append(
                Problem(
                    v.file,
                    None,
                    None,
                    f"this file changes list {lid} but has no effective date",
                    "pass --effective YYYY-MM-DD (the date the new version takes effect)",
                    code="no-effective-date",
                )
            )
            continue
        latest = max((s for s in starts if s), default=None)
        if (
            eff is not None
            and latest is not None
            and eff < latest
            and (added or removed or changed)
        ):
            problems.append(
                Problem(
                    v.file,
                    None,
                    None,
                    f"version {eff} of list {lid} is older than the version in force ({latest})",
                    "import versions in order of their effective dates",
                    code="old-version",
                )
            )
            continue
        keep.extend(same)  # the importer counts them unchanged
        keep.extend(added)
        for o, n in changed:
            if o.valid_from != n.valid_from:
                keep.append(dataclasses.replace(o, valid_to=eff))
            keep.append(n)
        for o in removed:
            keep.append(dataclasses.replace(o, valid_to=eff if eff else o.valid_from))
        diffs.append(
            {
                "list": lid,
                "format": v.format,
                "version": v.version,
                "effective": eff,
                "previous": latest,
                "added": [_brief(d) for d in added],
                "removed": [_brief(d) for d in removed],
                "changed": [{"old": _brief(o), "new": _brief(n)} for o, n in changed],
                "unchanged": len(same),
            }
        )
    if problems:
        raise ValidationFailed(problems)
    return keep, diffs


def list_versions(graph: DutyGraph) -> dict[str, list[str]]:
    """Every list in the graph with its versions (effective dates, oldest first).

    >>> list_versions(DutyGraph())
    {}
    """
    out: dict[str, set[str]] = {}
    for d in graph.duty_list():
        if d.source and "#" in d.source:
            out.setdefault(d.source.split("#", 1)[0], set()).add(d.valid_from or "undated")
    return {k: sorted(v, key=lambda s: "" if s == "undated" else s) for k, v in sorted(out.items())}


def diff_versions(graph: DutyGraph, list_id: str, old: str, new: str) -> dict[str, Any]:
    """What changed in list ``list_id`` between versions ``old`` and ``new`` (effective dates).

    A version's content is the list's duties in force on its date.
    """

    def at(date: str) -> dict[tuple[str, ...], Duty]:
        day = "0001-01-01" if date == "undated" else date
        return {
            _content(d): d
            for d in graph.duty_list()
            if _source_list(d.source) == list_id and active(d.valid_from, d.valid_to, day)
        }

    a, b = at(old), at(new)
    return {
        "list": list_id,
        "old": old,
        "new": new,
        "added": [_brief(d) for k, d in b.items() if k not in a],
        "removed": [_brief(d) for k, d in a.items() if k not in b],
        "changed": [
            {"old": _brief(a[k]), "new": _brief(d)}
            for k, d in b.items()
            if k in a and not _same(a[k], d)
        ],
        "unchanged": sum(1 for k, d in b.items() if k in a and _same(a[k], d)),
    }
