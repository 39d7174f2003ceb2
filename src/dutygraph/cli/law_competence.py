"""``dutygraph law competence [--department D | --line L | --text WORDS]``: who the law puts in charge of what.

Lists the competence clauses of the law texts in force (:mod:`dutygraph.io.laws.competence`):
the act and article, the level (国家 / 地方 / 乡镇 …), the department as the text names it,
the line (条线) it stands for today (through the 2018 and 2023 reforms) and the matter.
``register_competence`` adds the command to any sub-command group, so it can hang
under ``dutygraph law`` as ``dutygraph law competence``.

``dutygraph law catalogue-check`` (``register_check``) checks the reference catalogue's duties
against the law (:mod:`dutygraph.io.laws.check`) and lists the rows that fail.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from ..explain import line_zh
from ..io.laws import packaged_corpus, read_corpus
from ..io.laws.competence import LEVELS, Clause, extract_corpus
from .common import add_command, as_of
from .law import subcommand
from .output import emit_json, table

__all__ = ["clause_dict", "register", "register_check", "register_competence"]

HELP = (
    "法定职责条款：法律法规规定由哪个部门主管什么（competence clauses of the law in force: "
    "act, article, level, department, today's line, matter）"
)
CHECK_HELP = (
    "用法律条文核对国家参考目录的职责：依据条文是否规定了该部门（条线）的职责"
    "（check the reference catalogue's duties against the law; lists the rows that fail）"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Top-level ``dutygraph competence`` and ``dutygraph catalogue-check`` (for a CLI without
    ``dutygraph law``; the ``dutygraph`` command hangs both under ``law``, below)."""
    register_competence(sub)
    register_check(sub, "catalogue-check")


def register_competence(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str = "competence"
) -> argparse.ArgumentParser:
    p = add_command(sub, name, HELP, run)
    competence_arguments(p)
    return p


def competence_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``dutygraph law competence``."""
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--department",
        metavar="D",
        help="a department (id, name or alias, e.g. N-SAMR, 市场监管总局): the clauses of its lines; "
        "else the clauses whose department phrase contains D (e.g. 农业主管部门)",
    )
    who.add_argument("--line", metavar="L", help="a line (条线) id, e.g. market-regulation")
    who.add_argument(
        "--text",
        metavar="WORDS",
        help="words the matter, department or title contains (all of them)",
    )
    p.add_argument("--level", choices=sorted(LEVELS), help="only clauses of this level")
    p.add_argument(
        "--corpus",
        metavar="PATH",
        type=Path,
        help="a law corpus folder or archive (default: the packaged one)",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=200,
        help="print at most N rows (default 200; --json prints all)",
    )


def register_check(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str = "check"
) -> argparse.ArgumentParser:
    p = add_command(sub, name, CHECK_HELP, run_check)
    check_arguments(p)
    return p


def check_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``dutygraph law catalogue-check``."""
    p.add_argument(
        "--all",
        action="store_true",
        help="list every duty with its verdict, not only the failing ones",
    )
    p.add_argument(
        "--corpus",
        metavar="PATH",
        type=Path,
        help="a law corpus folder or archive (default: the packaged one)",
    )


@subcommand("competence", HELP)
def _law_competence(p: argparse.ArgumentParser) -> None:
    competence_arguments(p)
    p.set_defaults(func=run)


@subcommand("catalogue-check", CHECK_HELP)
def _law_catalogue_check(p: argparse.ArgumentParser) -> None:
    check_arguments(p)
    p.set_defaults(func=run_check)


def clause_dict(c: Clause) -> dict[str, object]:
    """The JSON shape of a clause (``--json``)."""
    return {
        "act": c.act,
        "title": c.title,
        "version": c.version,
        "article": c.article,
        "paragraph": c.paragraph,
        "level": c.level,
        "department": c.department,
        "line": c.line,
        "reform": c.reform or None,
        "matter": c.matter,
        "text": c.text,
    }


def _lines_of(department: str) -> set[str] | None:
    from ..fixtures import catalogue_graph

    g = catalogue_graph(with_demo=True)
    key = department.strip()
    for d in g.departments.values():
        if key == d.id or key == d.name or key in d.aliases:
            return set(d.systems)
    return None


def select(
    clauses: list[Clause],
    department: str | None = None,
    line: str | None = None,
    text: str | None = None,
    level: str | None = None,
) -> list[Clause]:
    """The clauses a ``--department``/``--line``/``--text``/``--level`` filter keeps."""
    if department:
        lines = _lines_of(department)
        if lines is not None:
            clauses = [c for c in clauses if c.line in lines]
        else:
            clauses = [c for c in clauses if department in c.department]
    if line:
        clauses = [c for c in clauses if c.line == line]
    if text:
        words = text.split()
        clauses = [
            c
            for c in clauses
            if all(w in c.matter or w in c.department or w in c.title for w in words)
        ]
    if level:
        clauses = [c for c in clauses if c.level == level]
    return clauses


def _corpus(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    path = getattr(args, "corpus", None)
    if path is None:
        return packaged_corpus()
    if not path.exists():
        raise UsageError(f"法律文本库不存在：{path}（--corpus: no such folder or archive）")
    return read_corpus(path)


def run(args: argparse.Namespace) -> int:
    day = as_of(args) if getattr(args, "as_of", None) else None
    clauses = list(extract_corpus(_corpus(args), day))
    found = select(clauses, args.department, args.line, args.text, args.level)
    if args.json:
        emit_json([clause_dict(c) for c in found])
        return 0
    if not found:
        print("没有找到符合条件的法定职责条款（no competence clause matches）")
        return 0
    rows = [
        [
            f"《{c.title}》{c.article}",
            LEVELS[c.level],
            c.department,
            f"{line_zh(c.line)} ({c.line})" if c.line else "（未映射 unmapped）",
            c.matter,
        ]
        for c in found[: args.limit]
    ]
    table(
        ["法律条文 article", "层级 level", "部门（原文）department", "条线 line", "事项 matter"],
        rows,
    )
    more = f"，仅列出前 {args.limit} 条（--limit）" if len(found) > args.limit else ""
    print(f"\n共 {len(found)} 条{more}（{len(found)} clauses）")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ..io.laws.check import check_catalogue

    report = check_catalogue(corpus=_corpus(args))
    rows = report.rows if args.all else report.failing
    if args.json:
        emit_json({"summary": report.summary(), "rows": [r.as_dict() for r in rows]})
        return 0
    if rows:
        table(
            [
                "部门 department",
                "事项 item",
                "职责 role",
                "结论 verdict",
                "条文 article",
                "说明 detail",
            ],
            [
                [r.department_label, r.item_label, r.role, r.verdict_zh, r.article_label, r.detail]
                for r in rows
            ],
        )
        print()
    s = report.summary()
    print(
        f"核对 {s['duties']} 项职责：有法定依据 {s['grounded']}，仅有概括授权 {s['generic']}，"
        f"依据不在法律文本库中无法核对 {s['unchecked']}，未通过 {s['failing']}"
        f"（{s['grounded']} grounded, {s['generic']} generic, {s['unchecked']} unchecked, {s['failing']} failing）"
    )
    return 0
