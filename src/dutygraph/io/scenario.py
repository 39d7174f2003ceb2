"""What-if scenarios (情景): the changes a reform or a change of law makes, as data.

A scenario is a small file a policy officer writes: a TOML file of
``[[change]]`` tables, or a CSV file / XLSX sheet with one change per row and
the same column names. Every change has a ``date`` (the day it takes effect)
and an ``action``:

=============  ===========================  ==============================================
action         Chinese accepted              columns
=============  ===========================  ==============================================
create         设立, 新设, 组建               department, name, region, lines, vertical, superior
abolish        撤销, 撤并                     department, target (successor, optional)
merge          合并, 整合                     department (several), target (existing, or new with name)
rename         更名, 重新组建                 department, target (new id), name
move-line      划转条线, 职能划转             line, department (from), target (to)
set-vertical   垂直管理, 改为垂直管理         line, vertical (是/否), region (optional)
repeal         废止, 失效                     basis (id, or law title), article (optional)
replace        修订, 替代, 替换               basis, target (basis id) or title + article
transfer       职责划转, 划转职责             department, target, item, region, role (optional)
=============  ===========================  ==============================================

Several values in one cell (``department``, ``lines``) are separated by ``;``
or ``；``, or given as a TOML list. Reading only checks the file's own shape
(columns, dates, actions); :func:`dutygraph.analysis.whatif.apply_scenario`
checks the changes against the graph. Every problem is located (file, row,
column; in a TOML file the row is the ordinal of the ``[[change]]`` table).

>>> from dutygraph.fixtures import SCENARIOS_PATH
>>> s = read_scenario(SCENARIOS_PATH / "jinjiang-enforcement-2026.toml")
>>> s.title, [c.action for c in s.changes]
('锦江区组建综合行政执法局（五条执法条线整合）', ['create', 'move-line', 'move-line', 'move-line', 'move-line', 'move-line'])
"""

from __future__ import annotations

import datetime as dt
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import LoadError, Problem, ScenarioInvalid

__all__ = [
    "ACTIONS",
    "COLUMNS",
    "Change",
    "Scenario",
    "read_scenario",
    "read_uploaded_scenario",
    "scenario_from_rows",
]

#: actions, and the columns each requires
ACTIONS: dict[str, tuple[str, ...]] = {
    "create": ("department", "name", "region"),
    "abolish": ("department",),
    "merge": ("department", "target"),
    "rename": ("department", "target", "name"),
    "move-line": ("line", "department", "target"),
    "set-vertical": ("line", "vertical"),
    "repeal": ("basis",),
    "replace": ("basis",),
    "transfer": ("department", "target"),
}

ACTION_WORDS = {
    "设立": "create",
    "新设": "create",
    "组建": "create",
    "撤销": "abolish",
    "撤并": "abolish",
    "合并": "merge",
    "整合": "merge",
    "更名": "rename",
    "重新组建": "rename",
    "划转条线": "move-line",
    "职能划转": "move-line",
    "垂直管理": "set-vertical",
    "改为垂直管理": "set-vertical",
    "废止": "repeal",
    "失效": "repeal",
    "修订": "replace",
    "替代": "replace",
    "替换": "replace",
    "职责划转": "transfer",
    "划转职责": "transfer",
}

COLUMNS = (
    "date",
    "action",
    "department",
    "target",
    "name",
    "region",
    "lines",
    "line",
    "vertical",
    "superior",
    "basis",
    "title",
    "article",
    "item",
    "role",
    "note",
)
_MULTI = ("department", "lines")
_YES = {"yes", "true", "1", "是", "y"}
_NO = {"no", "false", "0", "否", "n", ""}


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a scenario, with where it was written (file, row, sheet)."""

    action: str
    date: str
    values: dict[str, Any]
    file: str
    row: int
    sheet: str | None = None

    def get(self, column: str) -> str | None:
        v = self.values.get(column)
        return v if isinstance(v, str) and v else None

    def many(self, column: str) -> tuple[str, ...]:
        v = self.values.get(column)
        return tuple(v) if isinstance(v, tuple) else ((v,) if v else ())

    def flag(self, column: str) -> bool:
        return str(self.values.get(column, "")).strip().lower() in _YES

    def problem(self, column: str | None, message: str, fix: str = "") -> Problem:
        return Problem(self.file, self.row, column, message, fix, sheet=self.sheet, code="scenario")


@dataclass
class Scenario:
    """A scenario: its title, its changes in the order written, and the file it came from."""

    title: str
    changes: list[Change] = field(default_factory=list)
    source: str = ""

    @property
    def date(self) -> str:
        """The day the last change takes effect: the default date to compare on."""
        return max(c.date for c in self.changes)


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (``.toml``, ``.csv``, ``.xlsx``); every problem is located.

    Raises
    ------
    LoadError
        The file cannot be read at all.
    ScenarioInvalid
        Some change is malformed (unknown action, missing column, bad date); nothing is returned.
    """
    p = Path(path)
    if not p.is_file():
        raise LoadError(f"{p}: 情景文件不存在 (no such scenario file)")
    title = p.stem
    rows: list[tuple[int, str | None, dict[str, Any]]] = []
    if p.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(p.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise LoadError(f"{p}: 不是有效的 TOML 情景文件：{exc} (not a TOML scenario)") from None
        title = str(data.get("title") or title)
        changes = data.get("change", [])
        if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
            raise LoadError(
                f"{p}: 情景应由 [[change]] 表组成 (write each change as a [[change]] table)"
            )
        rows = [(n, None, c) for n, c in enumerate(changes, start=1)]
    else:
        from .tables import read_table_file

        for table in read_table_file(p):
            for number, cells in table.rows:
                values = dict(zip(table.header, cells, strict=False))
                if any(str(v).strip() for v in values.values()):
                    rows.append((number, table.sheet, values))
    return scenario_from_rows(title, str(p), rows)


#: the kinds of scenario file read (an upload's name must end in one)
SUFFIXES = (".toml", ".csv", ".xlsx")


def read_uploaded_scenario(data: bytes, filename: str) -> Scenario:
    """A scenario file sent over HTTP (the explorer, GraphQL's ``Upload``), read as
    :func:`read_scenario` reads it; errors and changes are located by the upload's own
    name (``filename``, row, column), never by where it was kept meanwhile.

    >>> s = read_uploaded_scenario("date,action,department\\n2026-01-01,撤销,WH-SCJ\\n".encode(), "改革.csv")
    >>> s.title, s.source, s.changes[0].file, s.changes[0].row
    ('改革', '改革.csv', '改革.csv', 2)
    """
    import tempfile

    name = Path(filename or "").name
    if Path(name).suffix.lower() not in SUFFIXES:
        raise LoadError(
            f"{name or '(上传的文件)'}: 情景文件应为 {'、'.join(SUFFIXES)} 之一 "
            "(a scenario is a TOML, CSV or XLSX file)"
        )
    with tempfile.TemporaryDirectory(prefix="dutygraph-scenario-") as tmp:
        kept = Path(tmp) / name
        kept.write_bytes(data)
        try:
            scenario = read_scenario(kept)
        except ScenarioInvalid as exc:
            raise ScenarioInvalid(
                [replace(p, file=name) if p.file == str(kept) else p for p in exc.problems]
            ) from None
        except LoadError as exc:
            raise LoadError(str(exc).replace(str(kept), name)) from None
    scenario.source = name
    scenario.changes = [replace(c, file=name) for c in scenario.changes]
    return scenario


def scenario_from_rows(
    title: str, source: str, rows: list[tuple[int, str | None, dict[str, Any]]]
) -> Scenario:
    """A scenario from rows ``(row number, sheet, {column: value})`` read from ``source``
    (a file, or an API request): the same checks as :func:`read_scenario`.

    >>> s = scenario_from_rows("t", "request", [(1, None, {"date": "2026-01-01",
    ...     "action": "撤销", "department": "WH-SCJ"})])
    >>> s.changes[0].action, s.changes[0].many("department")
    ('abolish', ('WH-SCJ',))
    """
    problems: list[Problem] = []
    out = Scenario(title, source=source)
    for number, sheet, values in rows:
        change = _change(source, number, sheet, values, problems)
        if change is not None:
            out.changes.append(change)
    if not rows:
        problems.append(
            Problem(
                source,
                None,
                None,
                "情景中没有任何变动 (the scenario has no changes)",
                "每项变动写一个 [[change]] 表或一行",
                code="scenario",
            )
        )
    if problems:
        raise ScenarioInvalid(problems)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        parts = [_text(v) for v in value]
    else:
        parts = _text(value).replace("；", ";").split(";")
    return tuple(p.strip() for p in parts if p.strip())


def _change(
    file: str, row: int, sheet: str | None, raw: dict[str, Any], problems: list[Problem]
) -> Change | None:
    def bad(column: str | None, message: str, fix: str) -> None:
        problems.append(Problem(file, row, column, message, fix, sheet=sheet, code="scenario"))

    values: dict[str, Any] = {}
    for key, value in raw.items():
        key = _text(key).lower()
        if not key:
            continue
        if key not in COLUMNS:
            if _text(value):  # an empty cell under an unknown header loses nothing
                bad(key, f"未知的列 {key!r} (unknown column)", f"可用的列：{', '.join(COLUMNS)}")
            continue
        values[key] = _split(value) if key in _MULTI else _text(value)
    action = str(values.get("action", ""))
    action = ACTION_WORDS.get(action, action.lower())
    if action not in ACTIONS:
        bad(
            "action",
            f"未知的变动类型 {values.get('action', '')!r} (unknown action)",
            f"可用：{', '.join(ACTIONS)}（或 {'、'.join(ACTION_WORDS)}）",
        )
        return None
    date = str(values.get("date", ""))
    try:
        date = dt.date.fromisoformat(date).isoformat()
    except ValueError:
        bad("date", f"日期 {date!r} 无效 (bad or missing date)", "写成 YYYY-MM-DD，即变动生效之日")
        return None
    missing = [c for c in ACTIONS[action] if not values.get(c)]
    if action == "replace" and not values.get("target") and not values.get("title"):
        missing.append("target")
    for column in missing:
        bad(column, f"{action} 需要填写 {column} (required for {action})", _FIX.get(column, ""))
    if missing:
        return None
    return Change(action, date, values, file, row, sheet)


_FIX = {
    "department": "填写部门 id（如 JJ-SCJ），多个用 ; 分隔",
    "target": "填写承接的部门 id（或替代的依据 id）",
    "name": "填写新部门的名称",
    "region": "填写地区代码（如 510104）",
    "line": "填写条线（如 market-regulation）",
    "vertical": "填写 是 或 否",
    "basis": "填写依据 id（如 B-FSL-6）或法律名称",
}
