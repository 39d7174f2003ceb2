"""Match the department names that published lists write to the departments of the graph.

Lists name departments loosely: ``市场监管局`` for ``市场监督管理局``, with or
without the government's name in front (``成都市锦江区市场监督管理局``), or
only by line (``市场监管部门``, ``教育、卫生健康部门``). :class:`DepartmentMatcher`
tries, in order: the id, the exact name or an alias, then the normalised
name (:func:`core_name`) among the departments of the region in question
(the region the name itself names, else the list's region), then everywhere.
More than one hit is :class:`~dutygraph.errors.Ambiguous`; none is ``None``
(the loader then creates the department, with a warning).

>>> from dutygraph.fixtures import demo_graph
>>> m = DepartmentMatcher(demo_graph())
>>> m.match("成都市锦江区市场监管局").id, m.match("市场监管部门", region="510104").id
('JJ-SCJ', 'JJ-SCJ')
>>> core_name("成都市锦江区市场监督管理局", ["成都市", "锦江区"])
'市场监督管理'
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..errors import Ambiguous
from ..graph import DutyGraph, name_key
from ..model import Department

__all__ = ["DepartmentMatcher", "RegionPrefixes", "core_name", "line_of"]

#: short forms lists use, and the full words they stand for (longest first)
_SYNONYMS = (
    ("市场监管", "市场监督管理"),
    ("卫健", "卫生健康"),
    ("发改", "发展和改革"),
    ("发展改革", "发展和改革"),
    ("住建", "住房和城乡建设"),
    ("住房城乡建设", "住房和城乡建设"),
    ("文旅", "文化和旅游"),
    ("文化旅游", "文化和旅游"),
    ("生态环境保护", "生态环境"),
    ("人社", "人力资源和社会保障"),
    ("人力资源社会保障", "人力资源和社会保障"),
    ("农业农村", "农业农村"),
    ("人防", "人民防空"),
    ("应急管理", "应急管理"),
)
#: the endings that name the kind of body, not its line (longest first)
_SUFFIXES = (
    "主管部门",
    "行政主管部门",
    "委员会办公室",
    "委员会",
    "办公室",
    "总局",
    "部门",
    "厅",
    "局",
    "委",
    "办",
    "部",
)

#: core name -> line (``Department.systems``) for departments the loader creates
LINES = {
    "市场监督管理": "market-regulation",
    "卫生健康": "health",
    "文化和旅游": "culture-tourism",
    "住房和城乡建设": "housing",
    "应急管理": "emergency",
    "商务": "commerce",
    "公安": "public-security",
    "教育": "education",
    "税务": "tax",
    "生态环境": "ecology-environment",
    "交通运输": "transport",
    "农业农村": "agriculture",
    "自然资源": "natural-resources",
    "发展和改革": "development-reform",
    "人力资源和社会保障": "human-resources",
    "人民防空": "civil-air-defence",
    "宣传": "publicity",
    "体育": "sports",
    "消防救援": "fire-rescue",
    "烟草专卖": "tobacco",
}


class RegionPrefixes:
    """Region names as :func:`core_name` strips them: longest first (and 国家), with the
    positions of those starting with each character — a name can only be stripped from a
    text that starts with its first character, so a pass tries only those, in order.
    Built once for many names (a province's 4,400 departments)."""

    def __init__(self, region_names: Iterable[str] = ()) -> None:
        self.names = sorted({*region_names, "国家"}, key=len, reverse=True)
        self.starting: dict[str, list[int]] = {}
        for i, n in enumerate(self.names):
            if n:
                self.starting.setdefault(n[0], []).append(i)

    def strip(self, text: str) -> str:
        """``text`` without its leading region names: passes over the names in order, each
        stripping every name that leads the text as it then is, until a pass strips none."""
        names, starting = self.names, self.starting
        stripped = True
        while stripped:
            stripped = False
            at = 0  # the next name of this pass
            while text:
                ahead = starting.get(text[0], ())
                for j in ahead[bisect.bisect_left(ahead, at) :]:
                    n = names[j]
                    if text.startswith(n) and len(text) > len(n):
                        text = text[len(n) :]
                        stripped = True
                        at = j + 1
                        break
                else:
                    break
        return text


def core_name(name: str, region_names: Iterable[str] | RegionPrefixes = ()) -> str:
    """The part of a department's name that names its line.

    Full-width forms are folded, spaces dropped, leading region names
    (``region_names``, longest first, repeatedly) removed, short forms
    expanded and the ending that names the kind of body (局, 部门, 委员会...)
    removed.

    >>> core_name("市场监管局"), core_name("卫生健康部门"), core_name("四川省卫生健康委员会", ["四川省"])
    ('市场监督管理', '卫生健康', '卫生健康')
    """
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    if not isinstance(region_names, RegionPrefixes):
        region_names = RegionPrefixes(region_names)
    text = region_names.strip(text)
    for short, full in _SYNONYMS:
        if full not in text:
            text = text.replace(short, full)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return text


def line_of(core: str) -> str | None:
    """The line a core name stands for, if it is a well-known one.

    >>> line_of("市场监督管理"), line_of("某某")
    ('market-regulation', None)
    """
    return LINES.get(core)


#: a name as the matcher compares names: full-width forms folded, spaces dropped (the
#: store keeps each name's beside it: its ``names`` table's ``folded`` column)
_key = name_key


def _holds(deps: list[Department], dep: Department) -> bool:
    """``dep in deps``, comparing whole records only where the ids agree (a core name such
    as 市场监督管理 holds every region's department of the line)."""
    did = dep.id
    return any(d is dep or (d.id == did and d == dep) for d in deps)


class DepartmentMatcher:
    """Finds departments by id, name, alias or normalised name (see the module docstring).

    Departments the loader creates are added with :meth:`add`, so a name met
    again in a later row finds the same one.
    """

    @classmethod
    def of(cls, graph: DutyGraph) -> DepartmentMatcher:
        """The matcher for ``graph``: over a store's row reader (which looks names up in
        the store's ``names`` index), one that reads only the departments the names it is
        asked about can be (:class:`_StoreMatcher`); over a graph in memory, this one."""
        if callable(getattr(graph, "ids_named", None)):
            return _StoreMatcher(graph)
        return cls(graph)

    def __init__(self, graph: DutyGraph) -> None:
        self.graph = graph
        self.region_names: dict[str, list[str]] = defaultdict(list)  # name -> codes
        for code, r in graph.regions.items():
            self.region_names[r.name].append(code)
        self._all = sorted(self.region_names, key=len, reverse=True)
        self.prefixes = RegionPrefixes(self._all)  # core_name's, built once
        self._by_name: dict[str, list[Department]] = defaultdict(list)
        self._by_core: dict[str, list[Department]] = defaultdict(list)
        self._by_id: dict[str, Department] = {}
        for dep in graph.departments.values():
            self.add(dep)

    def add(self, dep: Department) -> None:
        self._by_id[dep.id] = dep
        for n in (dep.name, *dep.aliases):
            key = _key(n)
            if not _holds(self._by_name[key], dep):
                self._by_name[key].append(dep)
            core = core_name(n, self.prefixes)
            if not _holds(self._by_core[core], dep):
                self._by_core[core].append(dep)

    def region_of(self, name: str) -> str | None:
        """The region a name starts with (the most specific one: 成都市锦江区 → 锦江区).

        >>> from dutygraph.fixtures import demo_graph
        >>> DepartmentMatcher(demo_graph()).region_of("成都市锦江区市场监督管理局")
        '510104'
        """
        text = unicodedata.normalize("NFKC", name).replace(" ", "")
        found = None
        while True:
            for n in self._all:
                if text.startswith(n) and len(text) > len(n):
                    codes = self.region_names[n]
                    if found is not None and len(codes) > 1:
                        # a repeated name (two 朝阳区): the one below the region already named
                        codes = [c for c in codes if found in self.graph.region_path(c)] or codes
                    if len(codes) == 1:
                        found = codes[0]
                    text = text[len(n) :]
                    break
            else:
                return found

    def match(self, name: str, region: str | None = None) -> Department | None:
        """The department ``name`` stands for, or ``None``; :class:`Ambiguous` if several."""
        key = _key(name)
        dep = self._dep_by_id(key)
        if dep is not None:
            return dep
        hits = self._named(key)
        if len(hits) == 1:
            return hits[0]
        named = self.region_of(key)
        where = named or region
        if hits:
            return self._pick(name, hits, where)
        core = self.core(key)
        if where is not None:
            here = self._cored(core, where)
            line = line_of(core)
            if not here and line is not None:  # 文化和旅游部门 in 锦江区: its body of that line
                here = [
                    d for d in self.graph.departments_of_line(where, line) if d.valid_to is None
                ]
            # a name without its government's name, in a list of a known government, is one of
            # that government's departments: none there means a new one, not another's
            return self._pick(name, here, where) if here else None
        cands = self._cored(core, None)
        if not cands:
            return None
        return self._pick(name, cands, where)

    # -- the look-ups match() makes (over this matcher's indexes; _StoreMatcher's over the store)
    def core(self, name: str) -> str:
        """:func:`core_name` of ``name`` with the graph's region names."""
        return core_name(name, self.prefixes)

    def _dep_by_id(self, key: str) -> Department | None:
        return self._by_id.get(key)

    def _named(self, key: str) -> list[Department]:
        """The departments with ``key`` as their name or an alias (normalised), in order."""
        return self._by_name.get(key, [])

    def _cored(self, core: str, where: str | None) -> list[Department]:
        """The departments with a name of core name ``core`` (of region ``where`` if given)."""
        cands = self._by_core.get(core, [])
        return cands if where is None else [d for d in cands if d.region == where]

    def _pick(self, name: str, hits: list[Department], where: str | None) -> Department | None:
        if where is not None and len(hits) > 1:
            here = [d for d in hits if d.region == where]
            hits = here or hits
        if len(hits) > 1:
            active = [d for d in hits if d.valid_to is None]
            hits = active or hits
        if len(hits) == 1:
            return hits[0]
        if not hits:
            return None
        raise Ambiguous("department", name, [(d.id, f"{d.name}, {d.region}") for d in hits])


class _StoreMatcher(DepartmentMatcher):
    """:class:`DepartmentMatcher` over a store's row reader
    (:class:`~dutygraph.store.sqlite.reader.SqliteReader`), with the same answers, reading
    only what the names asked about need: a department by id, or by name or alias as the
    matcher folds it (one query on the ``names`` table's folded names); by core name, the departments of the region in question only (by the index on
    ``region``). A core name with no region in question falls back to the whole matcher.
    The region names (code and name, two columns of the tree) are read whole, as
    :func:`core_name` strips them."""

    def __init__(self, graph: DutyGraph) -> None:
        self.graph = graph
        reader: Any = graph
        self._reader = reader
        self.region_names = defaultdict(list)
        for code, rname in reader.region_names():
            self.region_names[rname].append(code)
        self._all = sorted(self.region_names, key=len, reverse=True)
        self.prefixes = RegionPrefixes(self._all)
        # the indexes hold only the departments added (created by the loader)
        self._by_name = defaultdict(list)
        self._by_core = defaultdict(list)
        self._by_id = {}
        self._added: list[Department] = []
        self._in_region: dict[str, list[tuple[Department, set[str]]]] = {}
        self._whole: DepartmentMatcher | None = None

    def add(self, dep: Department) -> None:
        super().add(dep)
        self._added.append(dep)
        if self._whole is not None:
            self._whole.add(dep)

    def _dep_by_id(self, key: str) -> Department | None:
        dep = self._by_id.get(key)
        if dep is None:
            dep = self._reader.departments.get(key)
        return dep

    def _named(self, key: str) -> list[Department]:
        out = self._reader.records_named("department", key, folded=True)
        return self._with_added(out, self._by_name.get(key, []))

    def _cored(self, core: str, where: str | None) -> list[Department]:
        if where is None:
            if self._whole is None:
                self._whole = DepartmentMatcher(self.graph)
                for dep in self._added:
                    self._whole.add(dep)
            return self._whole._cored(core, None)
        stored = self._in_region.get(where)
        if stored is None:
            stored = self._in_region[where] = [
                (d, {core_name(n, self.prefixes) for n in (d.name, *d.aliases)})
                for d in self._reader.departments_in(where)
            ]
        out = [d for d, cores in stored if core in cores]
        return self._with_added(out, [d for d in self._by_core.get(core, []) if d.region == where])

    @staticmethod
    def _with_added(stored: list[Department], added: list[Department]) -> list[Department]:
        for dep in added:
            if not _holds(stored, dep):
                stored.append(dep)
        return stored
