"""The law corpus as records of the graph: :class:`~dutygraph.model.Law`,
:class:`~dutygraph.model.LawVersion` and :class:`~dutygraph.model.LawArticle`.

:mod:`.parse` reads the corpus format into acts, versions and articles; this
module turns them into the records a store keeps (and back, for the
paragraph structure). Ids are stable: an act's is the basis id of its
normalised title, a version's ``<act>@<effective date>``, an article's
``<version>#<key>``; re-reading the same corpus gives the same records.

>>> from dutygraph.io.laws import SAMPLE_CORPUS, read_corpus
>>> recs = list(corpus_records(read_corpus(SAMPLE_CORPUS)))
>>> law = next(r for r in recs if r.label == "law" and r.title.endswith("食品安全法"))
>>> law.kind, law.level, law.valid_from
('law', '法律', '2009-02-28')
>>> art = next(r for r in recs if r.label == "article" and r.id == law.id + "@2021-04-29#110")
>>> art.name, art.chapter, art.item(1, 4)
('第一百一十条', ('第八章 监督管理',), '（四）查封、扣押有证据证明不符合食品安全标准或者有证据证明存在安全隐患以及用于违法生产经营的食品、食品添加剂、食品相关产品；')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...model import Law, LawArticle, LawVersion, Origin
from .parse import Act, Article, Corpus, Version

__all__ = ["act_record", "article_record", "article_records", "corpus_records", "version_record"]

_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _first_date(lines: tuple[str, ...]) -> str | None:
    dates = [
        f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        for line in lines
        for m in _DATE.finditer(line)
    ]
    return min(dates) if dates else None


def act_record(act: Act) -> Law:
    """The act: in force from its first adoption (the earliest date of its oldest text's
    history, else that text's effective date) until a repeal the corpus dates."""
    first, last = act.versions[0], act.versions[-1]
    since = _first_date(first.history)
    if since is None or (first.valid_from is not None and since > first.valid_from):
        since = first.valid_from
    attrs = {"expired": "yes"} if last.expired and last.valid_to is None else {}
    return Law(
        act.id,
        act.title,
        act.kind,
        act.level or None,
        since,
        last.valid_to if last.expired else None,
        last.repealed_by,
        attrs,
        Origin(first.files[0]) if first.files else None,
    )


def version_record(v: Version) -> LawVersion:
    """The version; ``attrs["dated_by"]`` the rule that gave its ``valid_from``
    (:data:`~dutygraph.io.laws.parse.DATED_BY`)."""
    return LawVersion(
        v.id,
        v.act,
        v.title,
        v.publish,
        v.valid_from,
        v.valid_to,
        v.expired,
        v.history,
        v.files,
        v.preamble,
        {"dated_by": v.dated_by} if v.dated_by else {},
        Origin(v.files[0]) if v.files else None,
    )


def article_record(v: Version, a: Article, key: str | None = None) -> LawArticle:
    key = key or a.key
    return LawArticle(
        f"{v.id}#{key}",
        v.act,
        v.id,
        key,
        a.label,
        a.number,
        a.suffix,
        a.chapter,
        tuple(p.full_text for p in a.paragraphs),
        {},
        Origin(a.file, a.line),
    )


def corpus_records(corpus: Corpus) -> Iterator[Any]:
    """Every act, version and article of ``corpus`` as records, act by act."""
    for act in corpus.acts.values():
        yield act_record(act)
        for v in act.versions:
            yield version_record(v)
        for v in act.versions:
            yield from article_records(v)


def article_records(v: Version) -> list[LawArticle]:
    """The articles of a version as records; a number the text repeats (a warning when
    read) keeps its key on the first, ``<key>~2`` on the next."""
    out = []
    seen: dict[str, int] = {}
    for a in v.articles:
        n = seen[a.key] = seen.get(a.key, 0) + 1
        out.append(article_record(v, a, a.key if n == 1 else f"{a.key}~{n}"))
    return out
