"""The law the answers read: acts, versions and articles by key (SPEC §6).

A store that has loaded a law corpus (``dutygraph load laws/``, see
:mod:`dutygraph.io.laws`) answers from its own records; a store that holds
none answers from the corpus the package ships
(:func:`dutygraph.io.laws.packaged_corpus`, prepared once in the user's cache
and read from there when a law is first asked for: :mod:`dutygraph.io.laws.prepared`).
Either way the questions are the same few look-ups by key — an act by id or title, its versions, a version's articles — which
is what a lazy reader (SQL, Cypher) implements too.

Articles are many (52,000 in the national corpus) and rarely read: a store
keeps them apart, grouped by act (:attr:`dutygraph.model.LawArticle.lazy`),
and :class:`GroupedTable` unpacks an act's group only when one of its articles
is asked for.

>>> book = packaged_lawbook()
>>> law = book.law("食品安全法")
>>> law.title, [v.valid_from for v in book.versions_of(law.id)]
('中华人民共和国食品安全法', ['2021-04-29'])
>>> book.article(book.version_at(law.id, "2025-06-01").id, "第一百一十条").paragraphs[0][:24]
'县级以上人民政府食品安全监督管理部门履行食品安全'
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .model import Law, LawArticle, LawVersion

__all__ = ["GroupedTable", "LawBook", "LawLookups", "packaged_lawbook"]


class GroupedTable(Mapping[str, Any]):
    """Records of a lazy kind by id, kept in groups and unpacked a group at a time.

    Parameters
    ----------
    groups : mapping
        Group key (the value of the kind's ``lazy`` field) → the group as
        stored: a list of records, or whatever ``decode`` turns into one.
    decode : callable, optional
        Turns a stored group into its list of records (default: it is one).
    group_of : callable
        The group key of a record id.
    count : int, optional
        How many records the groups hold (default: counted by unpacking them).
    """

    def __init__(
        self,
        groups: Mapping[str, Any],
        group_of: Callable[[str], str],
        decode: Callable[[Any], list[Any]] | None = None,
        count: int | None = None,
    ) -> None:
        self._raw = dict(groups)
        self._decode = decode
        self._group_of = group_of
        self._open: dict[str, dict[str, Any]] = {}
        self._count = count

    @classmethod
    def of_records(
        cls, records: Iterable[Any], field: str, group_of: Callable[[str], str]
    ) -> GroupedTable:
        """The records given, grouped by ``field`` (a later record with an id replaces an earlier)."""
        by_id: dict[str, Any] = {}
        for r in records:
            by_id[r.id] = r
        groups: dict[str, list[Any]] = {}
        for r in by_id.values():
            groups.setdefault(getattr(r, field), []).append(r)
        return cls(groups, group_of, count=len(by_id))

    def group(self, key: str) -> list[Any]:
        """The records of group ``key`` (empty when there is none)."""
        return list(self._opened(key).values())

    def _opened(self, key: str) -> dict[str, Any]:
        got = self._open.get(key)
        if got is None:
            raw = self._raw.get(key)
            records = [] if raw is None else (self._decode(raw) if self._decode else raw)
            got = self._open[key] = {r.id: r for r in records}
        return got

    def raw_groups(self) -> dict[str, Any]:
        """The groups as they are stored (what a store writes back unchanged)."""
        return self._raw

    def group_keys(self) -> list[str]:
        return list(self._raw)

    def __getitem__(self, rid: str) -> Any:
        return self._opened(self._group_of(rid))[rid]

    def get(self, rid: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[rid]
        except KeyError:
            return default

    def __contains__(self, rid: object) -> bool:
        return isinstance(rid, str) and rid in self._opened(self._group_of(rid))

    def __iter__(self) -> Iterator[str]:
        for key in self._raw:
            yield from self._opened(key)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(len(self._opened(k)) for k in self._raw)
        return self._count

    def __bool__(self) -> bool:
        return bool(self._raw)

    def __repr__(self) -> str:
        return f"<GroupedTable of {len(self._raw)} groups>"


def _article_order(a: LawArticle) -> tuple[int, int, str]:
    return (a.number, a.suffix, a.key)


class LawBook:
    """Acts, versions and articles by key, over tables of records.

    Parameters
    ----------
    laws : mapping of act id to :class:`~dutygraph.model.Law`
    versions : mapping of version id to :class:`~dutygraph.model.LawVersion`
    articles_of_law : callable
        An act id → every article of every version of it (any order).
    """

    def __init__(
        self,
        laws: Mapping[str, Law],
        versions: Mapping[str, LawVersion],
        articles_of_law: Callable[[str], Sequence[LawArticle]],
    ) -> None:
        self.laws = laws
        self.versions = versions
        self._articles_of_law = articles_of_law
        self._of: dict[str, list[LawVersion]] | None = None
        self._articles: dict[str, list[LawArticle]] = {}
        self._by_key: dict[str, dict[str, LawArticle]] = {}
        self._horizon: str | None = None

    def __bool__(self) -> bool:
        return bool(self.laws)

    def law(self, key: str) -> Law | None:
        """The act with id ``key``, or titled ``key`` (with or without 《》 and 中华人民共和国)."""
        got = self.laws.get(key)
        if got is None:
            from .io.citations import basis_id

            got = self.laws.get(basis_id(key))
        return got

    def versions_of(self, law: str) -> list[LawVersion]:
        """The versions of act ``law``, oldest first."""
        if self._of is None:
            of: dict[str, list[LawVersion]] = {}
            for v in self.versions.values():
                of.setdefault(v.law, []).append(v)
            for vs in of.values():
                vs.sort(key=lambda v: (v.valid_from or "", v.publish or ""))
            self._of = of
        return self._of.get(law, [])

    def version_at(self, law: str, as_of: str) -> LawVersion | None:
        """The version of ``law`` in force on ``as_of``, or ``None``."""
        for v in reversed(self.versions_of(law)):
            if v.in_force(as_of):
                return v
        return None

    def held(self, version: str) -> str:
        """``version``, or for a version id the book does not hold of an act it holds — a
        basis read against an older corpus or parser (session 16 moved the ids of 260 texts
        to the date of their file, ``tests/data/law_version_renames.csv``) — the id of the
        act's version in force on that id's date (the earliest before it, the last after).

        >>> from dutygraph.lawbook import packaged_lawbook
        >>> book = packaged_lawbook()
        >>> old = book.law("快递暂行条例").id + "@2018-05-01"
        >>> book.held(old).partition("@")[2], book.held("LB-none@2020-01-01")
        ('2019-03-02', 'LB-none@2020-01-01')
        """
        if version in self.versions:
            return version
        law, _, date = version.partition("@")
        versions = self.versions_of(law)
        if not versions or not date:
            return version
        v = self.version_at(law, date)
        if v is None:
            first = versions[0]
            v = first if first.valid_from and date < first.valid_from else versions[-1]
        return v.id

    def articles_of(self, version: str) -> list[LawArticle]:
        """The articles of a version, in order (of the version :meth:`held` names, for an id
        the book does not hold)."""
        got = self._articles.get(version)
        if got is None and version not in self.versions:
            held = self.held(version)
            if held != version:
                got = self._articles[version] = self.articles_of(held)
                return got
        if got is None:
            law = version.partition("@")[0]
            by_version: dict[str, list[LawArticle]] = {v.id: [] for v in self.versions_of(law)}
            for a in self._articles_of_law(law):
                by_version.setdefault(a.version, []).append(a)
            for vid, arts in by_version.items():
                arts.sort(key=_article_order)
                self._articles[vid] = arts
            got = self._articles.setdefault(version, [])
        return got

    def article(self, version: str, ref: str) -> LawArticle | None:
        """An article of ``version`` by key (``"110"``, ``"17-1"``) or label (``第一百一十条``)."""
        keyed = self._by_key.get(version)
        if keyed is None:
            keyed = self._by_key[version] = {a.key: a for a in self.articles_of(version)}
        got = keyed.get(ref)
        if got is None:
            from .io.citations import article_ref

            key = article_ref(ref)
            got = keyed.get(key) if key else None
        return got

    def suggest(self, title: str, n: int = 3) -> list[str]:
        """The titles of the acts nearest to ``title``."""
        from .io.citations import law_key

        titles = {law_key(x.title): x.title for x in self.laws.values()}
        close = difflib.get_close_matches(law_key(title), list(titles), n=n, cutoff=0.5)
        return [titles[c] for c in close]

    @property
    def horizon(self) -> str | None:
        """The corpus's date: the latest effective or publication date it holds (an expired
        text whose repeal it does not date was repealed by then)."""
        if self._horizon is None and self.versions:
            self._horizon = max(
                max(v.valid_from or "", v.publish or "") for v in self.versions.values()
            )
        return self._horizon


class LawLookups:
    """The law members of the reader contract (:class:`~dutygraph.reader.GraphReader`), over
    :meth:`lawbook` — what a graph and every reader share; a reader only says where its
    :class:`LawBook` reads from."""

    def lawbook(self) -> LawBook:
        raise NotImplementedError

    @property
    def laws(self) -> Mapping[str, Law]:
        """Every act of :meth:`lawbook` by id."""
        return self.lawbook().laws

    def law(self, key: str) -> Law:
        """The act with id or title ``key`` (《》 and 中华人民共和国 optional).

        >>> from dutygraph.fixtures import demo_graph
        >>> demo_graph().law("《食品安全法》").title
        '中华人民共和国食品安全法'
        """
        book = self.lawbook()
        got = book.law(key.strip())
        if got is None:
            close = book.suggest(key)
            hint = (
                ("did you mean " + ", ".join(close) + "?")
                if close
                else ("give an act's title as the law corpus writes it")
            )
            from .errors import NotFound

            raise NotFound("law", key, hint)
        return got

    def law_versions(self, law: str) -> list[LawVersion]:
        """The versions of act ``law`` (an id), oldest first."""
        return self.lawbook().versions_of(law)

    def law_articles(self, version: str) -> list[LawArticle]:
        """The articles of a version (a :class:`~dutygraph.model.LawVersion` id), in order."""
        return self.lawbook().articles_of(version)

    def article(self, law: str, ref: str, as_of: str | None = None) -> LawArticle | None:
        """Article ``ref`` (a key like ``"110"`` or a label like ``第一百一十条``) of act ``law``
        as in force on ``as_of`` (default: its latest version).

        >>> from dutygraph.fixtures import demo_graph
        >>> g = demo_graph()
        >>> g.article(g.law("食品安全法").id, "第一百一十条").id.endswith("@2021-04-29#110")
        True
        """
        book = self.lawbook()
        if as_of is None:
            versions = book.versions_of(law)
            version = versions[-1] if versions else None
        else:
            version = book.version_at(law, as_of)
        return book.article(version.id, ref) if version is not None else None


@functools.cache
def packaged_lawbook() -> LawBook:
    """The corpus the package ships as a :class:`LawBook`, read once per process from its
    prepared file in the user's cache (:mod:`dutygraph.io.laws.prepared`: the acts and
    versions at once, an act's articles when first asked for; the first use parses the
    archive, ~1-3 s, and writes that file)."""
    from .io.laws.prepared import prepared_lawbook

    return prepared_lawbook()
