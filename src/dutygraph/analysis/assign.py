"""Who should take a new business form (新业态): 领域归口, 业务相近 and the main behaviours.

From a name, a description and optional behaviours (国办发〔2023〕1号 §五):

1. **behaviours → items** (:func:`match_items`): the behaviours named count
   fully; the text is matched against behaviours' and items' names, keywords
   and supervised objects — verbatim phrases first (the text segmented once
   with every phrase, longest match; a phrase in the *name* counts half again,
   one that only says where or through what channel a quarter), then TF-IDF
   similarity of character bigrams.
   A behaviour leads to its linked items, the first listed most;
2. **lead candidates** from the best items' resolved leads, weighted by how
   well each item matched — the main behaviour's item counts most;
3. **领域归口**: the main item's domain points to the lines that lead that
   domain's items; candidates of those lines gain;
4. **业务相近**: the most similar settled business forms (precedents: wording
   and shared behaviours) and their leads — today's successor of an abolished
   lead;
5. ranked candidates with scores (the best is 1.0) and reasons; assisting
   departments from the main item's assist duties and the other behaviours'
   items; an ``UNCOVERED_BEHAVIOR`` gap when nothing matches, or when the best
   match rests on too little (a context word, a faint likeness: no guess); a
   ``TOO_CLOSE_TO_CALL`` conflict when the runner-up scores within 10 % of the top.

With a region, candidates are that region's departments, through the
resolution rules of :mod:`dutygraph.analysis.resolve`.

>>> from dutygraph.fixtures import demo_graph
>>> a = assign_business_form(demo_graph(), "密室逃脱", "沉浸式密室解谜娱乐场所", region="510104",
...                          as_of="2025-01-01")
>>> a.candidates[0].department.id
'JJ-WTL'
>>> a.candidates[0].reasons[0]
'行为特征: leads 剧本娱乐经营场所监管 (I-SCRIPT) in 510104 — behaviour 经营剧本娱乐场所 (text says 密室; similar wording 0.60)'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from ..errors import NotFound
from ..model import Department, today
from ..reader import GraphReader, dispatchable
from .resolve import Finding, counterparts_for, resolve
from .text import PhraseIndex, TextIndex, phrase_weight

__all__ = [
    "Assignment",
    "Candidate",
    "EvalCase",
    "ItemMatch",
    "assign_business_form",
    "evaluate",
    "match_items",
    "read_eval_cases",
]

#: weights of the three signals: the items' leads, a precedent's lead, the domain's lines
W_ITEM, W_PRECEDENT, W_DOMAIN = 1.0, 0.6, 0.25
TOO_CLOSE = 0.9  # the runner-up within 10 % of the top: too close to call
MIN_SIMILARITY = 0.3  # cosine below this is not "similar wording"
SIM_SCALE = 4.0  # a perfect cosine counts like a 4-character verbatim phrase
NAME_BOOST = 1.5  # a phrase in the business form's name says what it is
LATER_ITEM = 0.7  # a behaviour's second and later items
KEEP_ITEMS, KEEP_RATIO = 8, 0.15  # items considered: at most 8, at least 15 % of the best
MAX_PRECEDENTS = 3
#: the main item's evidence below which no lead is proposed (a gap instead): three
#: quarters of a two-character keyword found verbatim — a context word (商场, App)
#: or a faint likeness of wording (cosine < 0.375) alone does not name a lead
MIN_EVIDENCE = 1.5


@dataclass
class Candidate:
    """A department proposed to lead (or assist), its score in [0, 1] and why."""

    department: Department
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Assignment:
    """The answer for one business form."""

    name: str
    description: str
    region: str | None
    as_of: str
    behaviors: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    precedents: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    assists: list[Candidate] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ItemMatch:
    """An item a text points to: its score (unnormalised), the behaviours behind it, why."""

    item: str
    score: float
    behaviors: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


class _Indexes(NamedTuple):
    behaviors: TextIndex
    items: TextIndex
    forms: TextIndex
    behavior_phrases: PhraseIndex
    item_phrases: PhraseIndex
    lexicon: PhraseIndex  # both sets of phrases: the text is segmented once, with all of them
    by_domain: dict[str, list[str]]
    domain_lines: dict[tuple[str, str, str], dict[str, list[str]]]  # (domain, region, as_of)


@lru_cache(maxsize=8)
def _indexes(g: GraphReader) -> _Indexes:
    """The text indexes of one graph snapshot (built once; a snapshot never changes)."""
    behaviors = TextIndex({b.id: " ".join((b.name, *b.keywords)) for b in g.behaviors.values()})
    items = TextIndex({i.id: " ".join((i.name, *i.keywords, *i.objects)) for i in g.items.values()})
    forms = TextIndex(
        {f.id: f"{f.name} {f.description}" for f in g.business_forms.values() if f.settled}
    )
    b_phrases = PhraseIndex((p, b.id) for b in g.behaviors.values() for p in (b.name, *b.keywords))
    i_phrases = PhraseIndex(
        (p, i.id) for i in g.items.values() for p in (i.name, *i.keywords, *i.objects)
    )
    lexicon = PhraseIndex((p, "") for p in (*b_phrases.by_phrase, *i_phrases.by_phrase))
    by_domain: dict[str, list[str]] = defaultdict(list)
    for i in g.items.values():
        if i.domain:
            by_domain[i.domain].append(i.id)
    return _Indexes(behaviors, items, forms, b_phrases, i_phrases, lexicon, dict(by_domain), {})


def _phrase_hits(
    index: PhraseIndex,
    name: str,
    description: str,
    lexicon: PhraseIndex | None = None,
    counted: dict[str, set[str]] | None = None,
) -> dict[str, tuple[float, list[str]]]:
    """key -> (score, phrases) for the phrases found; a phrase in the name counts more.

    ``counted`` (key -> phrases) are words already credited to that key another
    way: a phrase inside one of them is not counted again.
    """
    out: dict[str, tuple[float, list[str]]] = {}
    in_name = index.find(name, lexicon)
    in_text = index.find(description, lexicon)
    for key in in_name.keys() | in_text.keys():
        phrases = list(in_name.get(key, []))
        phrases += [p for p in in_text.get(key, []) if p not in phrases]
        seen = (counted or {}).get(key, set())
        phrases = [p for p in phrases if not any(p in q for q in seen)]
        if not phrases:
            continue
        score = sum(
            phrase_weight(p) * (NAME_BOOST if p in in_name.get(key, ()) else 1.0) for p in phrases
        )
        out[key] = (score, phrases)
    return out


def _match_behaviors(
    g: GraphReader, name: str, description: str, idx: _Indexes
) -> dict[str, tuple[float, str]]:
    out: dict[str, tuple[float, str]] = {}
    for bid, (score, phrases) in _phrase_hits(
        idx.behavior_phrases, name, description, idx.lexicon
    ).items():
        out[bid] = (score, "text says " + "、".join(phrases))
    for bid, sim in idx.behaviors.similar(f"{name} {description}", MIN_SIMILARITY):
        score, why = out.get(bid, (0.0, ""))
        out[bid] = (
            score + SIM_SCALE * sim,
            (why + "; " if why else "") + f"similar wording {sim:.2f}",
        )
    return out


def match_items(
    g: GraphReader,
    name: str,
    description: str = "",
    behaviors: dict[str, tuple[float, str]] | None = None,
) -> tuple[list[ItemMatch], dict[str, tuple[float, str]]]:
    """The items a text points to, best first, and the behaviours matched on the way.

    ``behaviors`` are behaviours already known (id -> (score, reason)); those
    the text matches are added. An item scores by its behaviours (their first
    listed item fully, the others at 70 %) and by its own names, keywords and
    supervised objects found in the text.

    >>> from dutygraph.fixtures import demo_graph
    >>> found, _ = match_items(demo_graph(), "奶茶店", "零售预包装食品和现制饮品")
    >>> found[0].item, found[0].reasons[0]
    ('I-FOOD-SALE', 'behaviour 销售食品 (text says 预包装食品; similar wording 0.88)')
    """
    idx = _indexes(g)
    matched = dict(behaviors or {})
    for bid, hit in _match_behaviors(g, name, description, idx).items():
        if bid not in matched or matched[bid][0] < hit[0]:
            matched[bid] = hit
    found: dict[str, ItemMatch] = {}

    def add(iid: str, score: float, reason: str, behavior: str | None = None) -> None:
        m = found.setdefault(iid, ItemMatch(iid, 0.0))
        m.score += score
        m.reasons.append(reason)
        if behavior:
            m.behaviors.append(behavior)

    b_phrases = _phrase_hits(idx.behavior_phrases, name, description, idx.lexicon)
    counted: dict[str, set[str]] = defaultdict(set)  # item -> words its behaviours matched
    for bid, (score, why) in sorted(matched.items(), key=lambda kv: (-kv[1][0], kv[0])):
        b = g.behaviors[bid]
        linked = [i for i in b.items if i in g.items]
        for k, iid in enumerate(linked):
            add(iid, score * (1.0 if k == 0 else LATER_ITEM), f"behaviour {b.name} ({why})", bid)
            counted[iid].update(b_phrases.get(bid, (0.0, []))[1])
    # the item's own words, less those its behaviours already counted: one word, one vote
    for iid, (score, phrases) in _phrase_hits(
        idx.item_phrases, name, description, idx.lexicon, counted
    ).items():
        add(iid, score, "text names " + "、".join(phrases))
    for iid, sim in idx.items.similar(f"{name} {description}", MIN_SIMILARITY):
        add(iid, SIM_SCALE * sim, f"similar wording {sim:.2f}")
    ranked = sorted(found.values(), key=lambda m: (-m.score, m.item))
    return ranked, matched


def _domain_lines(
    g: GraphReader, idx: _Indexes, domain: str, at: str, as_of: str
) -> dict[str, list[str]]:
    """line -> the items of ``domain`` it leads at ``at`` or above (cached per graph).

    Only the duties recorded on ``at``'s path up the region tree are read, so
    the answer costs a few index look-ups per item, not a scan of the duties.
    """
    key = (domain, at, as_of)
    got = idx.domain_lines.get(key)
    if got is not None:
        return got
    lines: dict[str, list[str]] = defaultdict(list)
    path = g.region_path(at)
    for iid in idx.by_domain.get(domain, ()):
        for reg in path:
            for d in g.duties_at(iid, reg):
                dep = g.departments.get(d.department)
                if d.role == "lead" and d.active(as_of) and dep is not None:
                    for line in (d.line,) if d.line else dep.systems:
                        if iid not in lines[line]:
                            lines[line].append(iid)
    if len(idx.domain_lines) > 4096:
        idx.domain_lines.clear()
    idx.domain_lines[key] = got = dict(lines)
    return got


def _region_departments(
    g: GraphReader, dept_id: str, region: str | None, as_of: str
) -> list[Department]:
    """The department(s) standing for ``dept_id`` in ``region`` (itself, or its successor)."""
    dep = g.departments.get(dept_id)
    if dep is None:
        return []
    if region is None or region == dep.region:
        cur, _ = g.current(dep.id, as_of)
        return [cur] if cur else []
    path = g.region_path(region)
    if dep.region in path:
        path = path[: path.index(dep.region) + 1]
    findings: list[Finding] = []
    return [d for d, *_ in counterparts_for(g, dep, dep.systems, path, as_of, findings)]


def _gap(code: str | None, behavior: str, detail: str) -> dict[str, Any]:
    return {
        "item": None,
        "region": code,
        "kind": "UNCOVERED_BEHAVIOR",
        "behavior": behavior,
        "detail": detail,
    }


@dispatchable
def assign_business_form(
    g: GraphReader,
    name: str,
    description: str = "",
    behaviors: Iterable[str] = (),
    region: str | None = None,
    as_of: str | None = None,
    exclude: Iterable[str] = (),
) -> Assignment:
    """Propose lead and assisting departments for a new business form.

    Parameters
    ----------
    g : DutyGraph
    name, description : str
        What the business is and does, in the user's words.
    behaviors : behaviour ids, names, or free text
        Known behaviours count fully; free text is matched like the description.
    region : region code or name, optional
        Name this region's departments (default: the departments as recorded).
    as_of : ISO date, optional
    exclude : business-form ids not to use as precedents (for leave-one-out evaluation)

    Examples
    --------
    >>> from dutygraph.fixtures import demo_graph
    >>> a = assign_business_form(demo_graph(), "宠物殡葬", "为宠物提供遗体火化", as_of="2025-01-01")
    >>> a.candidates, [x["kind"] for x in a.gaps]
    ([], ['UNCOVERED_BEHAVIOR'])
    """
    as_of = as_of or today()
    code = g.find("region", region).code if region else None
    out = Assignment(name, description, code, as_of)
    text = description
    idx = _indexes(g)

    known: dict[str, tuple[float, str]] = {}
    for given in behaviors:
        try:
            b = g.find("behavior", given)
            known[b.id] = (10.0, f"named behaviour {b.name}")
        except NotFound:
            if not _match_behaviors(g, "", given, idx) and not idx.item_phrases.find(
                given, idx.lexicon
            ):
                out.gaps.append(_gap(code, given, f"behaviour {given!r} matches no item"))
            text += " " + given
    ranked_items, matched = match_items(g, name, text, known)

    for bid, (score, why) in sorted(matched.items(), key=lambda kv: (-kv[1][0], kv[0])):
        b = g.behaviors[bid]
        out.behaviors.append({"id": bid, "name": b.name, "score": round(score, 3), "reason": why})
        if not any(i in g.items for i in b.items):
            out.gaps.append(_gap(code, bid, f"behaviour {b.name} is linked to no item"))

    if not ranked_items:
        out.gaps.append(
            _gap(
                code,
                name,
                "no behaviour or item matches this business form; "
                "add its behaviours to the catalogue or settle it by decision",
            )
        )
        return out

    top = ranked_items[0].score
    out.items = [
        {
            "id": m.item,
            "name": g.items[m.item].name,
            "score": round(m.score / top, 3),
            "reasons": m.reasons,
        }
        for m in ranked_items
    ]
    if top < MIN_EVIDENCE:
        best = g.items[ranked_items[0].item]
        out.gaps.append(
            _gap(
                code,
                name,
                f"the best match, {best.name} ({best.id}), rests on "
                f"{ranked_items[0].reasons[0]}: too little to name a lead; "
                "add this business's behaviours to the catalogue or settle it by decision",
            )
        )
        return out
    kept = [m for m in ranked_items[:KEEP_ITEMS] if m.score >= KEEP_RATIO * top]
    main = g.items[kept[0].item]
    at = code or g.region_path(next(iter(g.regions)))[-1]

    cands: dict[str, Candidate] = {}

    def credit(dep: Department, score: float, reason: str) -> None:
        c = cands.setdefault(dep.id, Candidate(dep, 0.0))
        c.score += score
        if reason not in c.reasons:
            c.reasons.append(reason)

    # 行为特征: the matched items' leads, in the region
    for m in kept:
        item = g.items[m.item]
        for a in resolve(g, m.item, at, "lead", as_of).answers:
            credit(
                a.department,
                W_ITEM * m.score / top,
                f"行为特征: leads {item.name} ({item.id}) in {at} — {m.reasons[0]}",
            )

    # 领域归口: the lines that lead the main item's domain
    if main.domain:
        lines = _domain_lines(g, idx, main.domain, at, as_of)
        for c in cands.values():
            shared = sorted(set(lines) & set(c.department.systems))
            if shared:
                share = max(len(lines[s]) for s in shared) / len(idx.by_domain[main.domain])
                c.score += W_DOMAIN * share
                c.reasons.append(
                    f"领域归口: the main item {main.name} is in domain {main.domain}; line "
                    f"{', '.join(shared)} leads {max(len(lines[s]) for s in shared)} of its "
                    f"{len(idx.by_domain[main.domain])} item(s)"
                )

    # 业务相近: the nearest settled precedents and their leads
    excluded = set(exclude)
    matched_b = set(matched)
    precedents = []
    for fid, sim in idx.forms.similar(f"{name} {text}", 0.05):
        form = g.business_forms[fid]
        if fid in excluded:
            continue
        shared_b = matched_b & set(form.behaviors)
        overlap = len(shared_b) / max(len(set(form.behaviors)), 1)
        precedents.append((0.5 * sim + 0.5 * overlap, fid, sim, sorted(shared_b)))
    for fid in {
        f.id
        for f in g.business_forms.values()
        if f.settled and f.id not in excluded and matched_b & set(f.behaviors)
    } - {p[1] for p in precedents}:
        form = g.business_forms[fid]
        shared_b = matched_b & set(form.behaviors)
        precedents.append(
            (0.5 * len(shared_b) / len(set(form.behaviors)), fid, 0.0, sorted(shared_b))
        )
    precedents.sort(key=lambda p: (-p[0], p[1]))
    for score, fid, sim, shared in precedents[:MAX_PRECEDENTS]:
        if score < 0.15:
            break
        form = g.business_forms[fid]
        out.precedents.append(
            {
                "id": fid,
                "name": form.name,
                "lead": form.lead,
                "settled_on": form.settled_on,
                "basis": form.basis,
                "similarity": round(score, 3),
                "shared_behaviors": shared,
            }
        )
        why = f"wording {sim:.2f}" + (f", shares {'、'.join(shared)}" if shared else "")
        for dep in _region_departments(g, form.lead or "", code, as_of):
            credit(
                dep,
                W_PRECEDENT * score,
                f"业务相近: like {form.name} ({fid}; {why}), settled {form.settled_on} "
                f"with {form.lead} leading, on {form.basis}",
            )

    ranked_c = sorted(cands.values(), key=lambda c: (-c.score, c.department.id))
    if ranked_c:
        best_score = ranked_c[0].score
        for c in ranked_c:
            c.score = round(c.score / best_score, 3)
    out.candidates = ranked_c
    if len(ranked_c) >= 2 and ranked_c[1].score >= TOO_CLOSE:
        out.conflicts.append(
            {
                "item": main.id,
                "region": code,
                "kind": "TOO_CLOSE_TO_CALL",
                "departments": [c.department.id for c in ranked_c[:2]],
                "scores": [c.score for c in ranked_c[:2]],
                "detail": f"the top two candidates score {ranked_c[0].score} and "
                f"{ranked_c[1].score}: too close to call — open a dispute",
            }
        )

    # assists: the main item's assist duties, then the other candidates
    lead_id = ranked_c[0].department.id if ranked_c else None
    assists: dict[str, Candidate] = {}
    for a in resolve(g, main.id, at, "assist", as_of).answers:
        if a.department.id != lead_id:
            assists.setdefault(a.department.id, Candidate(a.department, 1.0)).reasons.append(
                f"assists {main.name} ({main.id}) in {at}"
            )
    for c in ranked_c[1:]:
        if c.department.id not in assists:
            assists[c.department.id] = Candidate(c.department, c.score, list(c.reasons))
    out.assists = sorted(assists.values(), key=lambda c: (-c.score, c.department.id))
    return out


from .assign_eval import EvalCase, evaluate, read_eval_cases  # noqa: E402  (re-exported)
