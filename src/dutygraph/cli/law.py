"""``dutygraph law``: ask the law corpus (the store's, or the one the package ships).

* ``dutygraph law TITLE [ARTICLE] [--as-of D]`` prints the article (第一百一十条,
  110, 17-1) as in force on D, or — without an article — the act's versions and
  its table of contents;
* ``dutygraph law uses TITLE [ARTICLE]`` lists the duties that rest on the act
  (on that article only, if given);
* more sub-commands register themselves in :data:`SUBCOMMANDS` with
  :func:`subcommand` from the modules in :data:`EXTENSIONS` that exist (the
  statutory competence clauses: ``dutygraph law competence``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import itertools
import re
from collections.abc import Callable
from typing import Any

from ..analysis.provisions import (
    before_earliest_text,
    duties_on_law,
    earliest_text_note,
    version_for,
)
from ..errors import NotFound, UsageError
from ..io.laws.cite import ends_in_force_clause
from ..model import Law, LawArticle, LawVersion
from ..reader import GraphReader
from ..serialize import article_dict, law_dict, law_version_dict
from .common import as_of, query_options, store_from
from .output import emit_json, table

__all__ = ["EXTENSIONS", "SUBCOMMANDS", "register", "subcommand"]

HELP = "print an article or the contents of a law as in force on a date; law uses: its duties"

#: name → (help, build): ``build`` adds the sub-command's arguments and ``set_defaults(func=…)``
SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {}
#: modules that add sub-commands with :func:`subcommand` when they exist
EXTENSIONS = ("dutygraph.cli.law_competence",)


def subcommand(
    name: str, help: str
) -> Callable[
    [Callable[[argparse.ArgumentParser], None]], Callable[[argparse.ArgumentParser], None]
]:
    """Register ``dutygraph law NAME``: decorate a function that builds its parser."""

    def deco(
        build: Callable[[argparse.ArgumentParser], None],
    ) -> Callable[[argparse.ArgumentParser], None]:
        SUBCOMMANDS[name] = (help, build)
        return build

    return deco


def _extensions() -> None:
    for module in EXTENSIONS:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _extensions()
    more = "".join(f"\n  dutygraph law {n} ...   {h}" for n, (h, _) in SUBCOMMANDS.items())
    more += "\n\n(dutygraph law NAME --help: the options of each)"
    p = sub.add_parser(
        "law",
        help=HELP,
        description=HELP
        + "\n\n  dutygraph law TITLE [ARTICLE] [--as-of D] [--json]   the article, or the contents"
        + more,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("words", nargs=argparse.REMAINDER, metavar="...")
    p.set_defaults(func=run)


@subcommand("uses", "list the duties that rest on a law (on one article, if given)")
def _uses_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("title", metavar="TITLE", help="the act's title (《》, 中华人民共和国 optional)")
    p.add_argument("article", metavar="ARTICLE", nargs="?", help="第一百一十条, 110 or 17-1")
    p.set_defaults(func=run_uses)


def _show_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("title", metavar="TITLE", help="the act's title (《》, 中华人民共和国 optional)")
    p.add_argument("article", metavar="ARTICLE", nargs="?", help="第一百一十条, 110 or 17-1")
    p.set_defaults(func=run_show)


def run(args: argparse.Namespace) -> int:
    words = list(args.words)
    if not words:
        raise UsageError(
            "dutygraph law 需要法名 (give a law's title): dutygraph law TITLE [ARTICLE], "
            "dutygraph law uses TITLE; see dutygraph law --help"
        )
    if words[0] in SUBCOMMANDS:
        text, build = SUBCOMMANDS[words[0]]
        prog, rest = f"dutygraph law {words[0]}", words[1:]
    else:
        text, build, prog, rest = HELP, _show_parser, "dutygraph law", words
    p = argparse.ArgumentParser(prog=prog, description=text, parents=[query_options()])
    build(p)
    sub_args = p.parse_args(rest)
    result: int = sub_args.func(sub_args)
    return result


# -- dutygraph law TITLE [ARTICLE] ---------------------------------------------


def _law_and_version(g: GraphReader, title: str, date: str) -> tuple[Law, LawVersion, bool]:
    law = g.law(title)
    version, in_force = version_for(g.lawbook(), law, date)
    if version is None:
        raise NotFound("law", title, "the corpus holds no text of it")
    return law, version, in_force


def _article(g: GraphReader, law: Law, version: LawVersion, ref: str) -> LawArticle:
    got = g.lawbook().article(version.id, ref)
    if got is None:
        articles = g.law_articles(version.id)
        others = [v.valid_from for v in g.law_versions(law.id) if g.lawbook().article(v.id, ref)]
        hint = (
            f"{version.valid_from} 版共 {len(articles)} 条，最后一条是{articles[-1].name}"
            if articles
            else f"{version.valid_from} 版没有条文"
        )
        if others:
            hint += f"；{'、'.join(str(o) for o in others)} 版有此条，可用 --as-of 指定日期"
        raise NotFound("article", f"《{law.title}》{ref}", hint)
    return got


def _contents(articles: list[LawArticle]) -> list[dict[str, Any]]:
    out = []
    for chapter, group in itertools.groupby(articles, key=lambda a: a.chapter):
        arts = list(group)
        out.append(
            {
                "chapter": list(chapter),
                "first": arts[0].name,
                "last": arts[-1].name,
                "articles": len(arts),
            }
        )
    return out


def _status(version: LawVersion, in_force: bool) -> str:
    span = f"{version.valid_from or '…'} 起施行" + (
        f"，{version.valid_to} 起被新版替代" if version.valid_to and in_force is False else ""
    )
    return f"{span}，{'现行有效' if in_force else '当日不在施行期'}"


#: :data:`~dutygraph.io.laws.parse.DATED_BY` as a column of the versions' table
_DATED_BY = {"index": "索引", "text": "文本施行条款", "publish": "公布日期"}
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ACT = re.compile("通过|公布|发布|批准")


def _first_text_note(law: Law, versions: list[LawVersion]) -> str | None:
    """``2018年3月2日公布；本库收录的最早文本为 2019-03-02 修订本`` when the corpus's earliest
    text of the act is a later one than the act's first (its history's first date)."""
    first = versions[0] if versions else None
    if first is None or not law.valid_from or not first.publish or first.publish <= law.valid_from:
        return None
    when, verb = law.valid_from, "公布"
    for line in first.history:
        for m in _DATE.finditer(line):
            if f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" == law.valid_from:
                y, mo, d = int(m[1]), int(m[2]), int(m[3])
                when = f"{y}年{mo}月{d}日"
                found = _ACT.search(line)
                verb = found.group(0) if found else verb
                break
        else:
            continue
        break
    return f"{when}{verb}；本库收录的最早文本为 {first.valid_from} 修订本"


def _notes(law: Law, versions: list[LawVersion], date: str) -> list[str]:
    """What a person should know of the texts shown: the act's first text is not held; the
    date asked is before the earliest text held."""
    out = [n for n in (_first_text_note(law, versions),) if n]
    if before_earliest_text(law, versions, date):
        out.append(earliest_text_note(versions[0].valid_from or ""))
    return out


def run_show(args: argparse.Namespace) -> int:
    g = store_from(args).reader()
    date = as_of(args)
    law, version, in_force = _law_and_version(g, args.title, date)
    versions = g.law_versions(law.id)
    notes = _notes(law, versions, date)
    if args.article:
        a = _article(g, law, version, args.article)
        if args.json:
            emit_json(
                {
                    "as_of": date,
                    "law": law_dict(law),
                    "version": law_version_dict(version),
                    "in_force": in_force,
                    "article": article_dict(a),
                    "notes": notes,
                }
            )
            return 0
        print(f"《{law.title}》{a.name}（{version.valid_from} 版，{_status(version, in_force)}）")
        for note in notes:
            print(f"注：{note}")
        if a.chapter:
            print(" / ".join(a.chapter))
        print()
        print(a.text)
        return 0
    articles = g.law_articles(version.id)
    # a text whose last article is not its commencement is probably cut short in the corpus
    whole = not articles or ends_in_force_clause(articles[-1])
    if args.json:
        emit_json(
            {
                "as_of": date,
                "law": law_dict(law),
                "versions": [law_version_dict(v) for v in versions],
                "version": law_version_dict(version),
                "in_force": in_force,
                "contents": _contents(articles),
                "whole": whole,
                "notes": notes,
            }
        )
        return 0
    print(f"《{law.title}》（{law.level or law.kind}，{law.id}）")
    print(f"截至 {date}：{version.valid_from} 版，{_status(version, in_force)}")
    for note in notes:
        print(f"注：{note}")
    print("版本 (versions):")
    table(
        ["施行日期 from", "至 to", "公布 published", "施行日期依据 dated by", "当日 on the date"],
        [
            [
                v.valid_from or "",
                v.valid_to or "",
                v.publish or "",
                _DATED_BY.get(v.attrs.get("dated_by", ""), ""),
                "←" if v.id == version.id else "",
            ]
            for v in versions
        ],
    )
    print(f"目录 (contents)，共 {len(articles)} 条:")
    table(
        ["章节 chapter", "条文 articles", "条数 count"],
        [
            [" / ".join(c["chapter"]) or "（不分章）", f"{c['first']}—{c['last']}", c["articles"]]
            for c in _contents(articles)
        ],
    )
    if not whole:
        print(
            f"注意：最后一条（{articles[-1].name}）不是施行条款，文本库中这一版本的文本可能不完整"
            " (the corpus's text of this version may be cut short)"
        )
    return 0


# -- dutygraph law uses TITLE [ARTICLE] ------------------------------------------


def run_uses(args: argparse.Namespace) -> int:
    from ..analysis.resolve import duty_evidence

    g = store_from(args).reader()
    date = as_of(args)
    law, version, _ = _law_and_version(g, args.title, date)
    article = _article(g, law, version, args.article) if args.article else None
    pairs = duties_on_law(g, law, article, date if article else None)
    if args.json:
        emit_json(
            {
                "as_of": date,
                "law": law_dict(law),
                "article": article_dict(article) if article else None,
                "duties": [
                    {"basis": b.id, **duty_evidence(g, d, date), "active": d.active(date)}
                    for b, d in pairs
                ],
            }
        )
        return 0
    what = f"《{law.title}》" + (article.name if article else "")
    if not pairs:
        print(f"没有职责以{what}为依据 (no duty rests on it)")
        return 0
    print(f"以{what}为依据的职责 {len(pairs)} 项 (duties resting on it), as of {date}:")

    def name(table_: Any, key: str) -> str:
        rec = table_.get(key)
        return f"{rec.name} ({key})" if rec is not None else key

    table(
        ["部门 department", "事项 item", "地区 region", "角色 role", "依据 basis", "有效 active"],
        [
            [
                name(g.departments, d.department),
                name(g.items, d.item),
                name(g.regions, d.region),
                d.role,
                b.article or b.title,
                "是" if d.active(date) else "否",
            ]
            for b, d in pairs
        ],
    )
    return 0
