"""``dutygraph whatif SCENARIO [--region R] [--as-of D] [--json] [-o FILE.xlsx] [--apply]``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..analysis.whatif import WhatIf
from ..analysis.whatif.apply import Applied, apply_scenario, describe
from ..analysis.whatif.pieces import PiecesReport, scenario_graph
from ..analysis.whatif.report import sheets, whatif_dict, write_xlsx
from ..analysis.whatif.scope import whatif_of
from ..errors import ConflictingUpdate, UsageError
from ..graph import DutyGraph
from ..io.scenario import read_scenario
from ..reader import answers_in_store
from ..store.base import ChangeSet, Store, reads_rows
from .common import add_command, store_from
from .output import emit_json, table

HELP = (
    "what a reform or a change of law changes in every answer (情景推演), "
    "on a copy in memory; the store is written only with --apply"
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = add_command(sub, "whatif", HELP, run)
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file: .toml, .csv or .xlsx")
    p.add_argument("--region", metavar="REGION", help="only this region and those below it")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE.xlsx",
        help="also write the diff as a workbook, a sheet per kind",
    )
    p.add_argument(
        "--apply",
        action="store_true",
        help="write the scenario to the store as a new version (all-or-nothing)",
    )


def run(args: argparse.Namespace) -> int:
    if args.output and not str(args.output).lower().endswith(".xlsx"):
        raise UsageError(f"-o {args.output}: 请给出 .xlsx 文件名 (name an .xlsx workbook)")
    scenario = read_scenario(args.scenario)
    store = store_from(args)
    # a store that answers in its database reads only the region's subtree and the regions
    # above it; with no region, one piece of the region tree at a time (docs/scale.md)
    w = whatif_of(store, args.region, scenario, args.as_of)
    if args.output:
        write_xlsx(w, args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    applied = apply_to_store(store, scenario) if args.apply else None
    if args.json:
        out = whatif_dict(w)
        if applied is not None:
            out["applied"] = applied
        emit_json(out)
        return 0
    _print(w)
    if applied is not None:
        print(f"已写入存储 (written to the store): {applied['written']}")
    else:
        print("存储未改动 (the store was not changed; --apply writes the scenario)")
    return 0


def _print(w: WhatIf | PiecesReport) -> None:
    print(f"情景 {w.scenario.title}：{len(w.scenario.changes)} 项变动，比较日期 {w.as_of}")
    tables = sheets(w)
    for name in (
        "汇总-地区",
        "汇总-部门",
        "牵头与配合",
        "缺口",
        "冲突",
        "重复检查",
        "争议",
        "待修订清单",
    ):
        headers, rows = tables[name]
        if not rows:
            continue
        print(f"\n{name}")
        if name == "待修订清单":
            headers, rows = (
                headers[:1] + headers[3:4] + headers[4:9],
                [r[:1] + r[3:4] + r[4:9] for r in rows],
            )
        table(headers, rows)
    counts = w.counts()
    print(
        f"\n{counts['leads']} 项牵头变化, {counts['assists']} 项配合变化, "
        f"{counts['gaps_new']} 个新增缺口, {counts['gaps_resolved']} 个消除缺口, "
        f"{counts['conflicts_new']} 个新增冲突, {counts['conflicts_resolved']} 个消除冲突, "
        f"{counts['inspections']} 处重复检查变化, {counts['disputes']} 件争议当事方变化, "
        f"{counts['lists']} 行清单待修订"
    )


def apply_to_store(store: Store, scenario: Any) -> dict[str, Any]:
    """Write ``scenario`` to ``store`` as one all-or-nothing write, planned on its current state.

    Refused (nothing written) when a change would alter the lines or the vertical flag
    of a department that existed before: department records keep no history of their
    lines, so the change would rewrite every earlier date too. On a store that answers in
    its database the plan reads, inside the write, only the records the scenario touches
    (:func:`~dutygraph.analysis.whatif.pieces.scenario_graph`, by key), never the graph.
    """
    report: dict[str, Any] = {}

    def plan(graph: DutyGraph) -> ChangeSet:
        applied = apply_scenario(scenario_graph(graph, scenario), scenario)
        if applied.unversioned:
            raise ConflictingUpdate(
                "不能写入：情景改变了已有部门 "
                + "、".join(applied.unversioned)
                + " 的条线或垂直管理属性，而部门的条线不分版本，写入会改写此前每一天的答案"
                " (department lines are unversioned; the store would answer differently for "
                "earlier dates too). 做法：为承接条线的机构新设部门（create/rename），"
                "或只做推演、不加 --apply"
            )
        records = _records(applied)
        report["written"] = {k: v for k, v in _count(records).items() if v}
        log = {
            "op": "whatif-apply",
            "scenario": scenario.title,
            "source": scenario.source,
            "changes": [describe(c) for c in scenario.changes],
            "written": report["written"],
        }
        return ChangeSet(records, log)

    store.write(reads_rows(plan) if answers_in_store(store) else plan)
    return report


def _records(applied: Applied) -> list[Any]:
    g, was = applied.graph, applied.before
    out: list[Any] = [
        g.departments[d]
        for d in applied.departments
        if d in g.departments and g.departments[d] != was.departments.get(d)
    ]
    out.extend(g.bases[b] for b in applied.bases if b in g.bases and g.bases[b] != was.bases.get(b))
    out.extend(new for _, _, new, _ in applied.duties)
    return out


def _count(records: list[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in records:
        out[r.label] = out.get(r.label, 0) + 1
    return out
