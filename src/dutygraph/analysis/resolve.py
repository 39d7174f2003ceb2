"""Who leads, who assists: resolution through the item tree, the region tree and the lines.

The rules (SPEC §3), for a role (``lead`` or ``assist``), an item I, a region R
and a date:

1. the active duties of that role for I at R;
2. none: the same for I's parent item, and so on up the item tree;
3. still none: walk up the region tree from R to the nearest region with such
   a duty for I or one of its ancestors; the answer is R's own department(s)
   of the same line(s) — the counterparts — marked *inherited* with the path.
   The line is the duty's ``line`` where it names one, else every line of its
   department; any department active at R that carries the line qualifies, so
   a merged local body counts;
4. a vertically managed line answers with the department of that line whose
   jurisdiction covers R: the nearest one at R or above it.

Abolished departments are replaced by their successor (the answer says so);
with none, they do not count. Where the nearest region names several, all
are answered. Every answer carries its evidence: the duties used, their legal
bases, their source rows and the path walked.

>>> from dutygraph.fixtures import demo_graph
>>> r = who_leads(demo_graph(), "I-FOOD", "锦江区", as_of="2025-06-01")
>>> [(a.department.id, a.inherited) for a in r.answers]
[('JJ-SCJ', True)]
>>> r.path
('510104', '510100', '510000')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary, ref

from ..graph import DutyGraph
from ..model import Department, Duty, Item, Region, origin_dict, today
from ..reader import GraphReader, dispatchable, in_key_order
from .provisions import law_evidence

__all__ = ["Answer", "Finding", "Resolution", "resolve", "who_assists", "who_leads"]


@dataclass(frozen=True, slots=True)
class Finding:
    """Something that kept a resolution from answering well (a gap kind and its detail)."""

    kind: str
    detail: str
    department: str | None = None
    line: str | None = None


@dataclass(slots=True)
class Answer:
    """One department that leads (or assists), and why."""

    department: Department
    inherited: bool
    via: str  # "explicit", "counterpart" or "vertical"
    duties: list[Duty]
    lines: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # abolished departments it stands for


@dataclass(slots=True)
class Resolution:
    """The answer to who leads / who assists I in R as of a date, with its evidence."""

    item: Item
    region: Region
    role: str
    as_of: str
    answers: list[Answer] = field(default_factory=list)
    #: the duties found, at the nearest region that has any (empty: none anywhere)
    duties: list[Duty] = field(default_factory=list)
    #: regions walked, from R up to the one where the duties were found
    path: tuple[str, ...] = ()
    #: items walked, from I up to the one the duties are on
    item_path: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.duties)

    @property
    def source_region(self) -> str | None:
        return self.path[-1] if self.duties else None

    @property
    def inherited(self) -> bool:
        return len(self.path) > 1

    def departments(self) -> list[str]:
        return [a.department.id for a in self.answers]


def _nearest_duties(
    g: GraphReader, item: str, region: str, role: str, as_of: str
) -> tuple[list[Duty], tuple[str, ...], tuple[str, ...]]:
    # a server walks both trees in one query (a DutyGraph has no natives: not asked)
    native = None if type(g) is DutyGraph else g.native("nearest_duties")
    if native is not None:
        duties, rpath, ipath = native(item, region, role, as_of)
        return in_key_order(duties), rpath, ipath
    rpath = g.region_path(region)
    ipath = g.item_path(item)
    for depth, reg in enumerate(rpath):
        for j, it in enumerate(ipath):
            found = g.active_duties_at(it, reg, role, as_of)
            if found:  # in key order, as every store lists them
                return in_key_order(found), rpath[: depth + 1], ipath[: j + 1]
    return [], rpath, ipath


#: resolutions already made, per reader (a snapshot: it never changes), by question
_MEMO: WeakKeyDictionary[Any, dict[tuple[str, str, str, str], Resolution]] = WeakKeyDictionary()
#: a reader's memo is emptied when it holds this many (a scan can ask half a million)
MEMO_SIZE = 65536


def resolve(
    g: GraphReader, item: str, region: str, role: str = "lead", as_of: str | None = None
) -> Resolution:
    """Resolve ``role`` for the item id and region code given (see the module docstring).

    Names are not looked up here; :func:`who_leads` and :func:`who_assists` do that.
    On a reader that is one immutable state of the graph (``immutable = True``:
    a :class:`~dutygraph.graph.DutyGraph`, a read transaction of the embedded
    store) each question is resolved once per reader and then looked up: the same question again gets the same
    :class:`Resolution` object (shared: read it, never change it).

    >>> from dutygraph.fixtures import demo_graph
    >>> g = demo_graph()
    >>> resolve(g, "I-FOOD", "510104", "lead", "2025-06-01") is resolve(g, "I-FOOD", "510104", "lead", "2025-06-01")
    True
    """
    return _resolved(g, _memo(g), item, region, role, as_of or today())


def _resolved(
    g: GraphReader,
    memo: dict[tuple[str, str, str, str], Resolution] | None,
    item: str,
    region: str,
    role: str,
    as_of: str,
) -> Resolution:
    """:func:`resolve` with ``g``'s memo (:func:`_memo`) fetched already."""
    if memo is None:
        return _resolve(g, item, region, role, as_of)
    key = (item, region, role, as_of)
    res = memo.get(key)
    if res is None:
        res = _remember(memo, key, _resolve(g, item, region, role, as_of))
    return res


#: the reader asked last (weakly) and its memo: the look-up of nearly every question
_last: tuple[ref[Any], dict[tuple[str, str, str, str], Resolution]] | None = None


def _memo(g: GraphReader) -> dict[tuple[str, str, str, str], Resolution] | None:
    """``g``'s memo of resolutions, or ``None`` for a live reader (a server's may change)."""
    global _last
    if not getattr(g, "immutable", False):
        return None
    last = _last
    if last is not None and last[0]() is g:
        return last[1]
    try:
        memo = _MEMO[g]
    except KeyError:
        memo = _MEMO[g] = {}
    _last = (ref(g, _forget), memo)
    return memo


def _forget(gone: ref[Any]) -> None:
    """The reader asked last is gone: let its memo go with it."""
    global _last
    if _last is not None and _last[0] is gone:
        _last = None


def _remember(
    memo: dict[tuple[str, str, str, str], Resolution],
    key: tuple[str, str, str, str],
    res: Resolution,
) -> Resolution:
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = res
    return res


def _resolve(g: GraphReader, item: str, region: str, role: str, as_of: str) -> Resolution:
    duties, path, ipath = _nearest_duties(g, item, region, role, as_of)
    res = Resolution(g.items[item], g.regions[region], role, as_of, [], duties, path, ipath, [])
    if not duties:
        res.findings.append(
            Finding("NO_LEAD" if role == "lead" else "NO_ASSIST", "nowhere on the path")
        )
        return res
    res.answers = answers_for(g, duties, path, as_of, res.findings, role)
    return res


def answers_for(
    g: GraphReader,
    duties: list[Duty],
    path: tuple[str, ...],
    as_of: str,
    findings: list[Finding],
    role: str = "lead",
) -> list[Answer]:
    """The departments that answer in ``path[0]`` for the nearest ``duties``, found at
    ``path[-1]`` (rules 1 to 4 and the successors); what keeps them from answering is
    added to ``findings``. The answers depend on the duties' departments and lines alone."""
    if len(path) == 1 and len(duties) == 1:  # the common answer: one duty of R's own
        duty = duties[0]
        cur, passed = g.current(duty.department, as_of)
        if cur is not None:  # as add() below makes it
            line = duty.line
            return [
                Answer(
                    cur,
                    False,
                    "explicit",
                    [duty],
                    [line] if line else [],
                    [*dict.fromkeys(passed)] if passed else [],
                )
            ]
    answers: dict[str, Answer] = {}

    def add(dep: Department, duty: Duty, via: str, line: str | None, passed: list[str]) -> None:
        a = answers.get(dep.id)
        if a is None:
            a = answers[dep.id] = Answer(dep, inherited, via, [], [], [])
        if duty not in a.duties:
            a.duties.append(duty)
        if line and line not in a.lines:
            a.lines.append(line)
        if passed:
            a.replaced.extend(p for p in passed if p not in a.replaced)

    explicit = len(path) == 1
    inherited = not explicit
    for duty in duties:
        if explicit:
            cur, passed = g.current(duty.department, as_of)
            if cur is None:
                findings.append(
                    Finding(
                        "LEAD_ABOLISHED",
                        f"{duty.department} is abolished with no successor",
                        department=duty.department,
                    )
                )
            else:
                add(cur, duty, "explicit", duty.line, passed)
            continue
        upstream = g.departments.get(duty.department)
        if upstream is None:
            continue
        lines = (duty.line,) if duty.line else upstream.systems
        for dep, via, line, passed in counterparts_for(
            g, upstream, lines, path, as_of, findings, role
        ):
            add(dep, duty, via, line, passed)
    return list(answers.values())


def counterparts_for(
    g: GraphReader,
    upstream: Department,
    lines: tuple[str, ...],
    path: tuple[str, ...],
    as_of: str,
    findings: list[Finding],
    role: str = "lead",
) -> list[tuple[Department, str, str, list[str]]]:
    """R's departments standing for ``upstream``'s ``lines`` (rules 3 and 4), R being ``path[0]``.

    ``path`` runs from R up to the region of the upstream duty. Returns
    ``(department, via, line, abolished_departments_passed)``; what cannot be
    found is added to ``findings``.
    """
    region = path[0]
    out: list[tuple[Department, str, str, list[str]]] = []
    for line in lines:
        if upstream.vertical:
            for reg in path:
                hits = [
                    (cur, passed)
                    for dep in g.departments_of_line(reg, line)
                    for cur, passed in [g.current(dep.id, as_of)]
                    if cur is not None
                ]
                if hits:
                    out.extend((cur, "vertical", line, passed) for cur, passed in hits)
                    break
            else:
                findings.append(
                    Finding(
                        "NO_COUNTERPART",
                        f"no department of the vertical line {line!r} covers {region}",
                        line=line,
                    )
                )
            continue
        hit = False
        gone: list[str] = []
        for dep in g.departments_of_line(region, line):
            cur, passed = g.current(dep.id, as_of)
            if cur is not None:
                out.append((cur, "counterpart", line, passed))
                hit = True
            elif dep.valid_from is None or dep.valid_from <= as_of:
                gone.append(dep.id)
        if not hit and gone:
            findings.append(
                Finding(
                    "LEAD_ABOLISHED" if role == "lead" else "ASSIST_ABOLISHED",
                    f"{', '.join(gone)} of line {line!r} abolished with no successor",
                    department=gone[0],
                    line=line,
                )
            )
        elif not hit:
            findings.append(
                Finding("NO_COUNTERPART", f"{region} has no department of line {line!r}", line=line)
            )
    return out


def _lookup(g: GraphReader, item: str, region: str) -> tuple[str, str]:
    return g.find("item", item).id, g.find("region", region).code


#: the role of a question as asked (names or ids), in its memo key
_ASKED = {"lead": "?lead", "assist": "?assist"}


def _asked(g: GraphReader, role: str, item: str, region: str, as_of: str | None) -> Resolution:
    """Who leads/assists as asked (names or ids): a repeated question on a snapshot is a look-up.

    Asked with the ids as they are, a question is kept once, under resolve()'s key (which
    holds ids alone: ``g.items[item]`` fails on anything else), and a DutyGraph skips
    find() (which takes such an id first); asked otherwise, also under the words asked."""
    as_of = as_of or today()
    memo = _memo(g)
    plain = item == item.strip() and region == region.strip()  # as find() takes an id
    if plain and type(g) is DutyGraph and item in g.items and region in g.regions:
        if memo is None:  # (a DutyGraph is immutable: it has a memo)
            return _resolve(g, item, region, role, as_of)
        key = (item, region, role, as_of)  # never kept under the words asked as well
        if (res := memo.get(key)) is None:
            res = _remember(memo, key, _resolve(g, item, region, role, as_of))
        return res
    if memo is not None:
        if plain and (res := memo.get((item, region, role, as_of))) is not None:
            return res
        asked = (item, region, _ASKED[role], as_of)
        if (res := memo.get(asked)) is not None:
            return res
    i, r = _lookup(g, item, region)
    res = _resolved(g, memo, i, r, role, as_of)
    return res if memo is None else _remember(memo, asked, res)


@dispatchable
def who_leads(g: GraphReader, item: str, region: str, as_of: str | None = None) -> Resolution:
    """Who leads ``item`` in ``region`` (ids, codes or exact names) as of a date.

    >>> from dutygraph.fixtures import demo_graph
    >>> who_leads(demo_graph(), "I-ECIG", "510104", "2025-01-01").departments()
    ['CD-YC']
    """
    return _asked(g, "lead", item, region, as_of)


@dispatchable
def who_assists(g: GraphReader, item: str, region: str, as_of: str | None = None) -> Resolution:
    """Who assists ``item`` in ``region``: the same rules, applied to assist duties alone.

    >>> from dutygraph.fixtures import demo_graph
    >>> sorted(who_assists(demo_graph(), "I-SCRIPT", "510104", "2025-06-01").departments())
    ['JJ-SCJ', 'JJ-YJJ', 'JJ-ZJJ']
    """
    return _asked(g, "assist", item, region, as_of)


def duty_evidence(g: GraphReader, duty: Duty, as_of: str) -> dict[str, Any]:
    """A duty as evidence: who, what, where, role, validity, its bases (in force or not), its row."""
    return {
        "department": duty.department,
        "item": duty.item,
        "region": duty.region,
        "role": duty.role,
        "line": duty.line,
        "valid_from": duty.valid_from,
        "valid_to": duty.valid_to,
        "source": duty.source,
        "origin": origin_dict(duty.origin),
        "bases": [basis_evidence(g, b, as_of) for b in duty.bases],
    }


def basis_evidence(g: GraphReader, basis_id: str, as_of: str) -> dict[str, Any]:
    b = g.bases.get(basis_id)
    if b is None:
        return {"id": basis_id, "missing": True, "in_force": False}
    return {
        "id": b.id,
        "title": b.title,
        "kind": b.kind,
        "article": b.article,
        "issuer": b.issuer,
        "valid_from": b.valid_from,
        "valid_to": b.valid_to,
        "in_force": b.in_force(as_of),
        # what the law says (SPEC §6): law, version, provisions with their text, note
        **law_evidence(g, b, as_of),
    }


def has_basis_in_force(g: GraphReader, duties: list[Duty], as_of: str) -> bool:
    """Whether any of ``duties`` rests on a legal basis in force at ``as_of``."""
    return any(
        (b := g.bases.get(bid)) is not None and b.in_force(as_of) for d in duties for bid in d.bases
    )
