"""Who should take a new business form (新业态): 领域归口, 业务相近 and the main behaviours.

From a name, a description and optional behaviours (国办发〔2023〕1号 §五):

1. **the text read as a sentence** (:mod:`dutygraph.analysis.segment`): jieba
   words with a domain dictionary (the catalogue's phrases, department names,
   the statutes' defined terms), each weighted by its role — what the business
   does counts fully, whom it serves (给/为/帮 X) less, its channel (网店, App)
   and place (商场, 小区) little; a word of a statute's definition also stands,
   weakly, for the term it defines (本法所称特种设备，是指…电梯… : 电梯→特种设备);
2. **behaviours and items** (:mod:`dutygraph.analysis.match`): a word TF-IDF
   index of each item's names, keywords, supervised objects and its behaviours'
   words; a word votes once per item, with its best-matching term;
3. **the statutes** (:mod:`dutygraph.analysis.lawtext`): the competence,
   scope and definition articles of the acts an item rests on; an article
   sharing at least :data:`LAW_MIN_WORDS` words with the text adds to its
   items, and the reason quotes it; the **enforcement and obligation sentences** of every act
   in force (:mod:`dutygraph.analysis.enforce`: …的，由X部门责令…, 经X批准, 向X申请) whose
   behaviour the text's words share add, for the department each names, a share of the best
   item's score (:data:`W_ENFORCE`), and the reason quotes the article up to its 款;
4. **lead candidates**: a department scores by its best-grounded item (plus a
   little for its second and third); 领域归口 — the lines leading the main
   item's domain — and 业务相近 — settled precedents, only through behaviours
   the text actually shares with them — add small shares of the best score;
5. **calibrated confidence** (:mod:`dutygraph.analysis.confidence`) from the
   top candidate's evidence and its lead over the runner-up; below
   :data:`~dutygraph.analysis.confidence.ABSTAIN_BELOW` the answer abstains
   (``abstained``) with a ``TOO_CLOSE_TO_CALL`` conflict (the top two close)
   or an ``UNCOVERED_BEHAVIOR`` gap (thin evidence); a known-unsettled form
   the text describes (a business form with no lead) answers as an open
   question. Below :data:`MIN_EVIDENCE` — on the best item's words and on the
   best act's scope alike (:data:`ACT_EVIDENCE`) — no candidate is named at all.

With a region, candidates are that region's departments, through the
resolution rules of :mod:`dutygraph.analysis.resolve`. The same matcher
(:func:`match_items`, over the word indexes :func:`dutygraph.analysis.match.indexes`
builds once per snapshot) serves clue routing, the guide and dispute precedents.

>>> from dutygraph.fixtures import demo_graph
>>> a = assign_business_form(demo_graph(), "密室逃脱", "沉浸式密室解谜娱乐场所", region="510104",
...                          as_of="2025-01-01")
>>> a.candidates[0].department.id, a.abstained
('JJ-WTL', False)
>>> a.candidates[0].reasons[0].split(" — ")[0]
'行为特征：在 锦江区 (510104) 牵头 剧本娱乐经营场所监管 (I-SCRIPT)'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFound
from ..explain import line_zh, named
from ..model import Department, today
from ..reader import GraphReader, dispatchable
from . import match, rank
from .confidence import ABSTAIN_BELOW, confidence, features
from .resolve import Finding, counterparts_for, resolve

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

#: weights of the signals: the statute articles (added to an item's catalogue words), a
#: department's second and third items, a precedent's lead and the domain's lines (both
#: as shares of the best item's score)
W_LAW, W_SECOND, W_PRECEDENT, W_DOMAIN = 0.5, 0.2, 0.25, 0.1
W_ACT = 0.5  # an act in force whose scope the text falls in, for the department it names
MAX_STATUTES = 3  # acts considered
#: a competence clause of an act's body whose matter the text's words share, for the department
#: it names (:class:`dutygraph.analysis.match.ClauseIndex`): the weight a statute's scope has
#: (fixed before any evaluation; 0: off, the ablation), its best clause per department, for the
#: first :data:`MAX_CLAUSES` departments
W_CLAUSE = W_ACT
MAX_CLAUSES = MAX_STATUTES
#: an enforcement or obligation sentence of the corpus (…的，由X部门责令…; 经X批准; 向X申请)
#: whose behaviour the text's words share, for the department it names
#: (:class:`dutygraph.analysis.match.EnforceIndex`): its best sentence per department, for the
#: first :data:`MAX_ENFORCE` departments, adds W_ENFORCE × the best item's score × its share
#: of the best sentence's score — a precedent's weight, as a precedent adds (0: off, the
#: ablation). Chosen by leave-one-set-out on the tuning sets among 0.25/0.5/1.0, as a share
#: or as a vote of its own score beside the items (benchmarks/results/assign_loso_s16_enforce_after.txt)
W_ENFORCE = W_PRECEDENT
MAX_ENFORCE = MAX_CLAUSES
#: its best sentence sharing two words of the text counts as evidence too (W_ENFORCE × its
#: score), as a clause's does; one shared word votes, never alone names a lead
ENFORCE_EVIDENCE = True
#: True: a share of the best item's score (above); False: W_ENFORCE × the sentence's own
#: score voted beside the department's items (as a clause votes: settled set 91.7 %)
ENFORCE_AS_SHARE = True
#: a sentence sharing one word only of the text adds to a department the other signals
#: propose, and (True) makes one a candidate of its own too
ENFORCE_ONE_WORD_JOINS = False
#: how a sentence acts on the behaviour, for the reason
ENFORCE_KIND_ZH = {
    "penalty": "对其处罚",
    "approval": "须经其批准",
    "report": "须向其申请或报告",
    "inspect": "由其检查",
}
LAW_MIN_WORDS = 2  # distinct words of the text an article must share to count
KNOWN_BEHAVIOR = 10.0  # a behaviour the caller names
PRECEDENT_SHARE = 0.3  # a behaviour counts as shared with a precedent from this share of the top
CLOSE_MARGIN = 0.1  # the runner-up within 10 % of the top: too close to call
OPEN_QUESTION = 0.4  # this share of an unsettled form's own score: the text describes it
LATER_ITEM = 0.7  # a behaviour's second and later items
KEEP_ITEMS, KEEP_RATIO = 8, 0.15  # items considered: at most 8, at least 15 % of the best
MAX_PRECEDENTS = 3
#: the main item's raw score (less what one-character words matched) below which no
#: candidate is proposed (a gap instead): a context word (商场, App: weight 0.25 × idf)
#: alone does not reach it, one activity word the catalogue names does
MIN_EVIDENCE = 1.5
#: an act in force whose scope the text falls in counts as evidence too (W_ACT × its score):
#: the statutes name a lead where the catalogue has no item for the business
ACT_EVIDENCE = True


@dataclass
class Candidate:
    """A department proposed to lead (or assist), its score in [0, 1] and why."""

    department: Department
    score: float
    reasons: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)  # the statute articles behind it, quoted
    #: what its score is made of, signal by signal (:mod:`dutygraph.analysis.rank`)
    signals: dict[str, float] = field(default_factory=dict)


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
    confidence: float = 0.0  # calibrated chance the top candidate is the lead
    abstained: bool = False  # no lead named: too little evidence, too close, or an open question
    evidence: tuple[float, float] = (0.0, 0.0)  # (top raw score, margin): what confidence reads


@dataclass
class ItemMatch:
    """An item a text points to: its score (unnormalised), the behaviours behind it, why."""

    item: str
    score: float
    behaviors: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    by_characters: float = 0.0  # the part of the score one-character words matched


def match_items(
    g: GraphReader,
    name: str,
    description: str = "",
    known: Iterable[str] = (),
    as_of: str | None = None,
) -> tuple[list[ItemMatch], dict[str, match.Hit]]:
    """The items a text points to, best first, and the behaviours it shows: the one
    matcher of assignment, clue routing, the guide and dispute precedents.

    The text is read into weighted words (:func:`dutygraph.analysis.match.query_words`)
    and searched in the word indexes of the graph (built once per snapshot): an
    item scores by its own names, keywords and supervised objects and by its
    behaviours' words, each word of the text voting once. ``known`` behaviours
    (ids) count :data:`KNOWN_BEHAVIOR` for their items (the first fully, the
    others at :data:`LATER_ITEM`).

    >>> from dutygraph.fixtures import demo_graph
    >>> found, _ = match_items(demo_graph(), "奶茶店", "零售预包装食品和现制饮品")
    >>> found[0].item, found[0].reasons[0].split("（")[0]
    ('I-FOOD-SALE', '描述中的词 预包装食品、零售、饮品→食品销售')
    """
    ix = match.indexes(g, as_of or today())
    words = match.query_words(ix, name, description)
    b_hits = {h.key: h for h in ix.behaviors.search(words)}
    found: dict[str, ItemMatch] = {}
    for h in ix.items.search(words):
        m = found[h.key] = ItemMatch(
            h.key, h.score, [], [f"描述中的词 {h.words()}（{_sources(h)}）"]
        )
        m.by_characters = sum(x.score for x in h.matches if len(x.term) == 1)
        m.behaviors = [
            bid for bid in b_hits if h.key in g.behaviors[bid].items and bid not in m.behaviors
        ]
    for bid in known:
        b_hits.setdefault(bid, match.Hit(bid, 0.0))
        for k, iid in enumerate(i for i in g.behaviors[bid].items if i in g.items):
            m = found.setdefault(iid, ItemMatch(iid, 0.0))
            m.score += KNOWN_BEHAVIOR * (1.0 if k == 0 else LATER_ITEM)
            if bid not in m.behaviors:
                m.behaviors.append(bid)
            m.reasons.insert(0, f"已指明行为 {g.behaviors[bid].name} ({bid})")
    return sorted(found.values(), key=lambda m: (-m.score, m.item)), b_hits


def _domain_lines(
    g: GraphReader, idx: match.Indexes, domain: str, at: str, as_of: str
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
    >>> a.abstained, [x["kind"] for x in a.gaps]
    (True, ['UNCOVERED_BEHAVIOR'])
    """
    as_of = as_of or today()
    code = g.find("region", region).code if region else None
    out = Assignment(name, description, code, as_of)
    ix = match.indexes(g, as_of)
    text = description
    known: dict[str, float] = {}
    for given in behaviors:
        try:
            known[g.find("behavior", given).id] = KNOWN_BEHAVIOR
        except NotFound:
            if not ix.items.search(ix.read(given)):
                out.gaps.append(
                    _gap(code, given, f"行为 {given!r} 不对应任何监管事项 (matches no item)")
                )
            text += " " + given
    words = match.query_words(ix, name, text)

    # 行为特征: behaviours and items, by the words of the text (the one matcher)
    ranked_found, b_hits = match_items(g, name, text, known, as_of)
    for bid, h in sorted(
        b_hits.items(), key=lambda kv: (-kv[1].score - known.get(kv[0], 0), kv[0])
    ):
        b = g.behaviors[bid]
        why = "已指明 (named)" if bid in known else f"描述中的词 {h.words()}"
        out.behaviors.append(
            {
                "id": bid,
                "name": b.name,
                "score": round(h.score + known.get(bid, 0), 3),
                "reason": why,
            }
        )
    found = {m.item: m for m in ranked_found}
    # 领域归口 from the statutes: the articles the text falls under
    law_of: dict[str, tuple[float, Any, match.Hit]] = {}
    # the statutes are searched with the text's words and the thesaurus's terms only: a
    # near term learned from the corpus never puts a text under a statute
    law_words = [w for w in words if w.role != match.NEAR_ROLE]
    for h in ix.law.search(law_words):
        if len({m.word for m in h.matches if len(m.term) > 1}) < LAW_MIN_WORDS:
            continue  # one shared word (or a shared character: 头) does not put a business
            # under a statute
        art = ix.articles[h.key]
        for iid in ix.article_items.get(h.key, ()):
            if iid not in law_of or h.score > law_of[iid][0]:
                law_of[iid] = (h.score, art, h)
    for iid, (score, art, h) in law_of.items():
        m = found.setdefault(iid, ItemMatch(iid, 0.0))
        m.score += W_LAW * score
        m.reasons.append(f"法律依据：{art.quote()}（描述中的词 {h.words()}）")
    ranked_items = sorted(found.values(), key=lambda m: (-m.score, m.item))
    if not ranked_items or ranked_items[0].score <= 0:  # only zero-weight hits: nothing matches
        out.abstained = True
        out.gaps.append(
            _gap(
                code,
                name,
                "没有任何行为、事项或法条与此新业态相符；请在目录中补充其行为，或由编制部门决定 "
                "(no behaviour, item or article matches this business form)",
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
        for m in ranked_items[:KEEP_ITEMS]
    ]
    kept = [m for m in ranked_items[:KEEP_ITEMS] if m.score >= KEEP_RATIO * top]
    main = g.items[kept[0].item]
    at = code or g.region_path(next(iter(g.regions)))[-1]
    # 领域归口 from the statutes: the acts in force whose scope holds the text's words
    acts = ix.statutes.search(words, LAW_MIN_WORDS)[:MAX_STATUTES] if W_ACT else []
    act_evidence = W_ACT * acts[0].score if acts and ACT_EVIDENCE else 0.0
    clauses = ix.clauses.search(words, ix.statutes)[:MAX_CLAUSES] if W_CLAUSE and ix.clauses else []
    if clauses and ACT_EVIDENCE:
        act_evidence = max(act_evidence, W_CLAUSE * clauses[0].hit.score)
    enforced = (
        ix.enforce.search(words, ix.statutes)[:MAX_ENFORCE] if W_ENFORCE and ix.enforce else []
    )
    # one shared word may vote for a sentence's department, never alone name it: the evidence
    # is the best sentence sharing two words (新开 alone meets 新开、停开国际班轮运输航线)
    telling = [e for e in enforced if e.shared >= match.CLAUSE_MIN_WORDS]
    if telling and ACT_EVIDENCE and ENFORCE_EVIDENCE:
        act_evidence = max(act_evidence, W_ENFORCE * telling[0].hit.score)
    if max(top - kept[0].by_characters, act_evidence) < MIN_EVIDENCE:
        # characters rank, never alone suffice; an act whose scope the text falls in does
        out.abstained = True
        out.gaps.append(
            _gap(
                code,
                name,
                f"证据太少：最佳匹配 {main.name} ({main.id}) 仅凭 {kept[0].reasons[0]}，"
                "不提出牵头部门；请在目录中补充其行为，或由编制部门决定 "
                "(too little to name a lead: a context word alone)",
            )
        )
        return out

    # a department scores by its best-grounded item, plus a little for a second one
    per_dep: dict[str, list[float]] = defaultdict(list)
    cands: dict[str, Candidate] = {}
    for k, m in enumerate(kept):
        item = g.items[m.item]
        for a in resolve(g, m.item, at, "lead", as_of).answers:
            c = cands.setdefault(a.department.id, Candidate(a.department, 0.0))
            per_dep[a.department.id].append(m.score)
            rank.note(c.signals, "item", m.score, k)
            if m.item in law_of:
                rank.note(c.signals, "law", W_LAW * law_of[m.item][0], k)
            c.reasons.append(
                f"行为特征：在 {named(g, at)} 牵头 {item.name} ({item.id}) — "
                + "；".join(m.reasons)
            )
            for r in m.reasons:
                if r.startswith("法律依据："):
                    c.articles.append(r)
    # 领域归口 from the statutes: an act in force whose scope holds the text's words makes
    # the department its competence clause names a candidate, whether or not the
    # catalogue has an item for it
    for k, sh in enumerate(acts):
        st = sh.statute
        scope = sh.scope_article()
        quoted = [scope.quote()] + ([st.competence.quote()] if st.competence else [])
        for dep in _region_departments(g, st.department, code, as_of):
            c = cands.setdefault(dep.id, Candidate(dep, 0.0))
            per_dep[dep.id].append(W_ACT * sh.score)
            rank.note(c.signals, "act", W_ACT * sh.score, k)
            c.reasons.append(
                f"领域归口（法律）：描述中的词 {sh.shown()} 在《{st.act}》"
                f"{scope.label}的调整范围内，其{st.competence.label if st.competence else ''}"
                f"规定由该部门主管 — " + "；".join(quoted)
            )
            c.articles.extend(q for q in quoted if q not in c.articles)
    # 领域归口 from the acts' bodies: a competence clause whose matter the text's words share
    # makes the department it names a candidate, by its best clause
    for k, ch in enumerate(clauses):
        clause = ch.quote()
        for dep in _region_departments(g, ch.department, code, as_of):
            c = cands.setdefault(dep.id, Candidate(dep, 0.0))
            per_dep[dep.id].append(W_CLAUSE * ch.hit.score)
            rank.note(c.signals, "clause", W_CLAUSE * ch.hit.score, k)
            c.reasons.append(
                f"职责条款（法律）：描述中的词 {ch.hit.words()} 见于《{ch.act}》{ch.article}"
                f"规定由该部门负责的“{ch.matter}” — {clause}"
            )
            if clause not in c.articles:
                c.articles.append(clause)
    # the enforcement articles: a sentence naming who punishes, approves or inspects a
    # behaviour the text's words share makes that department a candidate, by its best one
    shares: dict[str, float] = defaultdict(float)
    for eh in enforced:
        cited = eh.quote()
        for dep in _region_departments(g, eh.department, code, as_of):
            alone = eh.shared < match.CLAUSE_MIN_WORDS and dep.id not in cands
            if alone and not ENFORCE_ONE_WORD_JOINS:
                continue  # one shared word reinforces a candidate, never alone makes one
            c = cands.setdefault(dep.id, Candidate(dep, 0.0))
            if ENFORCE_AS_SHARE:
                share = W_ENFORCE * top * eh.hit.score / enforced[0].hit.score
                shares[dep.id] = max(shares[dep.id], share)
            else:
                per_dep[dep.id].append(W_ENFORCE * eh.hit.score)
            c.reasons.append(
                f"执法条款（法律）：描述中的词 {eh.hit.words()} 见于《{eh.act}》{eh.article}"
                f"第{_paragraph_zh(eh.paragraph)}款"
                f"所列行为“{eh.span}”，{ENFORCE_KIND_ZH.get(eh.kind, '')} — {cited}"
            )
            if cited not in c.articles:
                c.articles.append(cited)
    for did, c in cands.items():
        s = sorted(per_dep[did], reverse=True) or [0.0]
        c.score = s[0] + W_SECOND * sum(s[1:3]) + shares.get(did, 0.0)
        c.signals["enforce"] = shares.get(did, 0.0)

    # 领域归口 (catalogue): the lines that lead the main item's domain
    if main.domain:
        lines = _domain_lines(g, ix, main.domain, at, as_of)
        n = len(ix.by_domain[main.domain])
        for c in cands.values():
            shared = sorted(set(lines) & set(c.department.systems))
            if shared:
                led = max(len(lines[s]) for s in shared)
                c.score += W_DOMAIN * top * led / n
                c.signals["domain"] = W_DOMAIN * top * led / n
                c.reasons.append(
                    f"领域归口：主要事项 {main.name} ({main.id}) 属{main.domain}领域，"
                    f"{'、'.join(f'{line_zh(x)} ({x})' for x in shared)} 牵头其中 {led}/{n} 个事项"
                )

    # 业务相近: settled precedents, only through behaviours actually shared
    excluded = set(exclude)
    strong = {bid for bid, h in b_hits.items() if bid in known or h.score >= PRECEDENT_SHARE * top}
    precedents = []
    for f in g.business_forms.values():
        if not f.settled or f.id in excluded or not f.behaviors:
            continue
        shared_b = sorted(strong & set(f.behaviors))
        if shared_b:
            precedents.append((len(shared_b) / len(set(f.behaviors)), f.id, shared_b))
    precedents.sort(key=lambda p: (-p[0], p[1]))
    for overlap, fid, shared_b in precedents[:MAX_PRECEDENTS]:
        form = g.business_forms[fid]
        out.precedents.append(
            {
                "id": fid,
                "name": form.name,
                "lead": form.lead,
                "settled_on": form.settled_on,
                "basis": form.basis,
                "similarity": round(overlap, 3),
                "shared_behaviors": shared_b,
            }
        )
        names = "、".join(g.behaviors[b].name for b in shared_b)
        for dep in _region_departments(g, form.lead or "", code, as_of):
            c = cands.setdefault(dep.id, Candidate(dep, 0.0))
            c.score += W_PRECEDENT * top * overlap
            c.signals["precedent"] = c.signals.get("precedent", 0.0) + W_PRECEDENT * top * overlap
            c.reasons.append(
                f"业务相近：与已定新业态 {form.name} ({fid}) 共有行为 {names}，"
                f"{form.settled_on} 定由 {form.lead} 牵头，依据 {form.basis}"
            )

    ranked_c = sorted(cands.values(), key=lambda c: (-c.score, c.department.id))
    ranked_c = _ranked(ranked_c, per_dep)  # the fitted ranker's order, if one is shipped
    raw = [c.score for c in ranked_c[:2]] + [0.0, 0.0]
    evidence, margin = features(raw[0], raw[1])
    out.evidence = (round(evidence, 4), round(margin, 4))
    out.confidence = round(confidence(evidence, margin), 3)
    for c in ranked_c:
        c.score = round(c.score / raw[0], 3) if raw[0] else 0.0
    out.candidates = ranked_c
    _open_questions(g, ix, words, out, code, excluded)
    if out.confidence < ABSTAIN_BELOW and not out.abstained:
        out.abstained = True
        if len(ranked_c) >= 2 and margin < CLOSE_MARGIN:
            out.conflicts.append(
                {
                    "item": main.id,
                    "region": code,
                    "kind": "TOO_CLOSE_TO_CALL",
                    "departments": [c.department.id for c in ranked_c[:2]],
                    "scores": [c.score for c in ranked_c[:2]],
                    "detail": f"前两名得分 {ranked_c[0].score} 与 {ranked_c[1].score} 过于接近，"
                    f"置信度 {out.confidence:.2f}：请提请协调 (too close to call — open a dispute)",
                }
            )
        elif ranked_c:
            out.gaps.append(
                _gap(
                    code,
                    name,
                    f"证据不足：首位候选 {ranked_c[0].department.name} ({ranked_c[0].department.id}) "
                    f"的置信度仅 {out.confidence:.2f}（低于 {ABSTAIN_BELOW}），不据此指定牵头部门；"
                    f"最相近的事项为 {main.name} ({main.id})。请补充行为或由编制部门决定 "
                    "(too little evidence: no lead named)",
                )
            )

    # assists: the main item's assist duties, then the other candidates
    lead_id = ranked_c[0].department.id if ranked_c else None
    assists: dict[str, Candidate] = {}
    for a in resolve(g, main.id, at, "assist", as_of).answers:
        if a.department.id != lead_id:
            assists.setdefault(a.department.id, Candidate(a.department, 1.0)).reasons.append(
                f"在 {named(g, at)} 配合 {main.name} ({main.id})"
            )
    for c in ranked_c[1:]:
        if c.department.id not in assists:
            assists[c.department.id] = Candidate(c.department, c.score, list(c.reasons))
    out.assists = sorted(assists.values(), key=lambda c: (-c.score, c.department.id))
    return out


def _ranked(hand: list[Candidate], votes: dict[str, list[float]]) -> list[Candidate]:
    """The candidates (in the hand order) in the order of :func:`dutygraph.analysis.rank.order`
    (the fitted ranker; none shipped: the hand order), with the scores it gives; each
    candidate's signals completed (``votes``: its items', acts' and clauses' scores)."""
    for c in hand:
        s = sorted(votes.get(c.department.id, ()), reverse=True) or [0.0]
        c.signals.update(best=s[0], second=W_SECOND * sum(s[1:3]), hand=c.score)
        c.signals["other"] = c.score - sum(c.signals.get(k, 0.0) for k in rank.PARTS)
    w = rank.weights()
    if w is None:
        return hand
    out = []
    for k, score in rank.order([c.signals for c in hand], w):
        hand[k].score = score
        out.append(hand[k])
    return out


def ablations() -> dict[str, list[tuple[Any, str, Any]]]:
    """The method's signals switched off one at a time, for ``benchmarks/assign_eval.py``:
    label -> ``(module, attribute, value)`` patches."""
    import sys

    me = sys.modules[__name__]
    return {
        "no statutes": [
            (me, "W_LAW", 0.0),
            (me, "W_ACT", 0.0),
            (me, "W_CLAUSE", 0.0),
            (match, "DEFINED_WEIGHT", 0.0),
        ],
        "no clauses": [(me, "W_CLAUSE", 0.0), (match, "CLAUSE_ACTS", False)],
        "no clause votes": [(me, "W_CLAUSE", 0.0)],
        "no enforcement articles": [(me, "W_ENFORCE", 0.0)],
        "no definitions": [(match, "DEFINED_WEIGHT", 0.0)],
        "no thesaurus": [(match, "THESAURUS_WEIGHT", 0.0), (match, "NEAR_SHARE", 0.0)],
        "no corpus near terms": [(match, "NEAR_SHARE", 0.0)],
        "no segmentation": [(match, "SEGMENT", False)],
        "no characters": [(match, "CHAR_NOUNS", False)],
        "no precedents": [(me, "W_PRECEDENT", 0.0)],
    }


_ZH_NUMBERS = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def _paragraph_zh(n: int) -> str:
    """A paragraph (款) number as the statutes write it (1 → 一; past 十, the digits)."""
    return _ZH_NUMBERS[n] if 0 < n < len(_ZH_NUMBERS) else str(n)


def _sources(h: match.Hit) -> str:
    seen: list[str] = []
    for m in h.matches[:4]:
        if m.source not in seen:
            seen.append(m.source)
    return "；".join(seen[:2])


def _open_questions(
    g: GraphReader,
    ix: match.Indexes,
    words: list[Any],
    out: Assignment,
    code: str | None,
    excluded: set[str],
) -> None:
    """A known-unsettled business form the text describes: answer it as an open question."""
    for fid, (share, h) in ix.similar_forms(words).items():
        form = g.business_forms[fid]
        if form.settled or form.id in excluded:
            continue
        if share >= OPEN_QUESTION or form.name == out.name:  # described, or named outright
            out.abstained = True
            out.confidence = 0.0  # on record as unsettled: no candidate is the lead yet
            out.conflicts.append(
                {
                    "item": None,
                    "region": code,
                    "kind": "TOO_CLOSE_TO_CALL",
                    "departments": [c.department.id for c in out.candidates[:2]],
                    "scores": [c.score for c in out.candidates[:2]],
                    "business_form": form.id,
                    "detail": f"已知未定的新业态：{form.name} ({form.id}) 的牵头部门尚无定论"
                    + (f"（{form.attrs['note']}）" if form.attrs.get("note") else "")
                    + f"；描述中的词 {h.words()} 与其相符。请提请协调，勿径行指定 "
                    "(a known open question: refer it for a decision)",
                }
            )
            return


from .assign_eval import EvalCase, evaluate, read_eval_cases  # noqa: E402  (re-exported)
