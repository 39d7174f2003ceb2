"""The law over GraphQL (SPEC §6): acts, their versions and articles, and the duties on them.

``law(title)`` finds an act by title (《》 and 中华人民共和国 optional) or id; ``laws``
lists them (a connection, filtered by ``level``, ``inForce`` on ``asOf`` and a
``title`` fragment). ``Law.versions``, ``Law.articles(asOf)`` (the version in force
then), ``Law.article(number, asOf)``, ``Article.text``, ``Article.duties`` and
``LegalBasis.duties`` make "which duties rest on 食品安全法 第一百一十条?" one query::

    { law(title: "食品安全法") { article(number: "第一百一十条") { text duties { key } } } }

The law is the store's corpus, or the one the package ships when it holds none.
The evidence of every answer carries each basis's article text too
(:class:`ProvisionEvidence` on ``BasisEvidence.provisions``).

>>> import asyncio
>>> from dutygraph.api.schema import build_schema
>>> from dutygraph.api.context import make_context
>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.importer import load
>>> from dutygraph.store import EmbeddedStore
>>> import tempfile, os
>>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "doc.db")); _ = load(store, [DEMO_PATH])
>>> q = '{ law(title: "食品安全法") { title article(number: "第六条", asOf: "2025-06-01") { name duties(asOf: "2025-06-01") { department { key } } } } }'
>>> out = asyncio.run(build_schema().execute(q, context_value=make_context(store))).data["law"]
>>> out["title"], out["article"]["name"], sorted(d["department"]["key"] for d in out["article"]["duties"])
('中华人民共和国食品安全法', '第六条', ['N-NHC', 'N-SAMR', 'SC-SCJ'])
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from .. import model
from ..analysis.provisions import duties_on_law, version_for
from .fields import as_date, from_entry, from_record, validity, when
from .nodes import Node, register
from .pagination import Connection, paginate
from .types import Duty, Info

__all__ = [
    "QUERIES",
    "ArticleNode",
    "LawNode",
    "LawQueries",
    "LawVersionNode",
    "ProvisionEvidence",
]


def _duties(pairs: list[tuple[Any, model.Duty]]) -> list[Duty]:
    seen: dict[tuple[str, ...], model.Duty] = {}
    for _, d in pairs:
        seen.setdefault(d.key, d)
    return [Duty(rec=d) for d in seen.values()]


@strawberry.type(
    name="Article",
    description="An article (条) of one version of an act, with its paragraphs (款) and items (项).",
)
class ArticleNode(Node):
    rec: strawberry.Private[model.LawArticle]

    key = from_record("id", str, "Its own key: <version id>#<ref>.")
    ref = from_record("key", str, '"110", or "17-1" for 第十七条之一: its key within the version.')
    name = from_record("name", str, "The article's label as written: 第一百一十条.")
    number = from_record("number", int)
    chapter = from_record("chapter", list[str], "The 编/章/节 it stands in, outermost first.")
    paragraphs = from_record(
        "paragraphs", list[str], "Its paragraphs (款), each followed by its items (项) a line each."
    )

    @strawberry.field(
        description="The whole text (paragraphs and items one a line); `limit`: the first "
        "`limit` characters and … when longer."
    )
    def text(self, limit: int | None = None) -> str:
        text = self.rec.text
        return text if limit is None or len(text) <= limit else text[:limit] + "…"

    @strawberry.field(description="The version it belongs to.")
    def version(self, info: Info) -> LawVersionNode | None:
        v = info.context.graph.lawbook().versions.get(self.rec.version)
        return LawVersionNode(rec=v) if v is not None else None

    @strawberry.field(
        description="The duties resting on it: their basis's provision is carried, on asOf "
        "(default: this version's start), by this article — a citation of an old number counts."
    )
    def duties(self, info: Info, as_of: dt.date | None = None) -> list[Duty]:
        g = info.context.graph
        law = g.lawbook().laws.get(self.rec.law)
        if law is None:
            return []
        return _duties(duties_on_law(g, law, self.rec, when(as_of) if as_of else None))


@strawberry.type(
    name="LawVersion",
    description="One version (text) of an act, in force from its effective date until the next.",
)
class LawVersionNode(Node):
    rec: strawberry.Private[model.LawVersion]

    key = from_record("id", str, "Its own key: <law id>@<valid from>.")
    title = from_record("title", str)
    publish = from_record("publish", dt.date | None, convert=as_date)
    valid_from, valid_to, in_force = validity("in_force", "Whether it is in force on asOf.")
    expired = from_record("expired", bool, "The corpus marks it no longer in force.")
    history = from_record("history", list[str], "Its adoption and amendment lines.")

    @strawberry.field(description="Its articles, in order.")
    def articles(self, info: Info) -> list[ArticleNode]:
        return [ArticleNode(rec=a) for a in info.context.graph.law_articles(self.rec.id)]


@strawberry.type(
    name="Law",
    description="An act of the law corpus (法律、行政法规、规章): all its versions are one Law.",
)
class LawNode(Node):
    rec: strawberry.Private[model.Law]

    key = from_record("id", str, "Its own key: the act's id in the corpus.")
    title = from_record("title", str)
    kind = from_record("kind", str, "law, administrative-regulation, department-rule, …")
    level = from_record("level", str | None, "The corpus's level: 法律, 行政法规, 部门规章…")
    valid_from, valid_to, in_force = validity("in_force", "Whether it is in force on asOf.")
    repealed_by = from_record("repealed_by", str | None, "The act that repealed it.")

    @strawberry.field(description="Its versions, oldest first.")
    def versions(self, info: Info) -> list[LawVersionNode]:
        return [LawVersionNode(rec=v) for v in info.context.graph.law_versions(self.rec.id)]

    @strawberry.field(description="The version in force on asOf (default today), or the nearest.")
    def version(self, info: Info, as_of: dt.date | None = None) -> LawVersionNode | None:
        v, _ = version_for(info.context.graph.lawbook(), self.rec, when(as_of))
        return LawVersionNode(rec=v) if v is not None else None

    @strawberry.field(description="The articles of the version in force on asOf (default today).")
    def articles(self, info: Info, as_of: dt.date | None = None) -> list[ArticleNode]:
        v, _ = version_for(info.context.graph.lawbook(), self.rec, when(as_of))
        if v is None:
            return []
        return [ArticleNode(rec=a) for a in info.context.graph.law_articles(v.id)]

    @strawberry.field(
        description='One article (第一百一十条, "110", "17-1") of the version in force on asOf.'
    )
    def article(self, info: Info, number: str, as_of: dt.date | None = None) -> ArticleNode | None:
        book = info.context.graph.lawbook()
        v, _ = version_for(book, self.rec, when(as_of))
        a = book.article(v.id, number) if v is not None else None
        return ArticleNode(rec=a) if a is not None else None

    @strawberry.field(description="The duties resting on any basis citing it.")
    def duties(self, info: Info) -> list[Duty]:
        return _duties(duties_on_law(info.context.graph, self.rec))


@strawberry.type(description="One provision a basis cites, as carried on the date asked.")
class ProvisionEvidence:
    d: strawberry.Private[dict[str, Any]]

    label = from_entry("label", str | None, "The provision as cited: 第一百一十条第一款第（四）项.")
    text = from_entry("text", str, "The 款/项 cited, or the article's first 120 characters.")
    truncated = from_entry("truncated", bool, "The text is cut (the whole article on request).")
    in_force = from_entry("in_force", bool)
    note = from_entry(
        "note", str | None, "The version changed, the article moved or is gone.", default=None
    )

    @strawberry.field(description="The article carrying it on the date (null: gone).")
    def article(self, info: Info) -> ArticleNode | None:
        ref = self.d.get("article")
        if not ref:
            return None
        law, _, rest = ref["id"].partition("@")
        version = law + "@" + rest.partition("#")[0]
        a = info.context.graph.lawbook().article(version, ref["key"])
        return ArticleNode(rec=a) if a is not None else None


@strawberry.type
class LawQueries:
    @strawberry.field(description="One act by title (《》 and 中华人民共和国 optional) or id.")
    def law(self, info: Info, title: str) -> LawNode:
        return LawNode(rec=info.context.graph.law(title))

    @strawberry.field(
        description="The acts of the law corpus, by title; `level` (法律, 行政法规…), `inForce` "
        "on asOf (default today), `title` a part of the title."
    )
    def laws(
        self,
        info: Info,
        level: str | None = None,
        in_force: bool | None = None,
        as_of: dt.date | None = None,
        title: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[LawNode]:
        g = info.context.graph
        day = when(as_of)
        found = [
            x
            for x in sorted(g.laws.values(), key=lambda x: (x.title, x.id))
            if (level is None or x.level == level)
            and (in_force is None or x.in_force(day) == in_force)
            and (title is None or title in x.title)
        ]
        return paginate(
            found,
            first,
            after,
            lambda x: LawNode(rec=x),
            last=last,
            before=before,
            key=lambda x: [x.title, x.id],
        )


def _article(g: Any, key: str) -> model.LawArticle | None:
    version, _, ref = key.partition("#")
    a = g.lawbook().article(version, ref) if ref else None
    return a if a is not None and a.id == key else None


register("Law", lambda g, k: g.laws.get(k), lambda r: LawNode(rec=r))
register("LawVersion", lambda g, k: g.lawbook().versions.get(k), lambda r: LawVersionNode(rec=r))
register("Article", _article, lambda r: ArticleNode(rec=r))

QUERIES = [LawQueries]
