"""The one error tree of dutygraph.

Every error a user can meet is a :class:`DutyGraphError`; foreign errors (file
system, openpyxl, the Neo4j driver, rdflib) are mapped into this tree at the
boundary where they occur, so callers never catch a third-party exception::

    DutyGraphError
    ├── UsageError            a bad argument: unknown option value, bad date (exit 2)
    ├── NotFound              no item, region, department... with that id or name (exit 2)
    │   └── Ambiguous         a name that matches several; lists the candidates (exit 2)
    ├── LoadError             an input file cannot be read at all (exit 2)
    │   └── ValidationFailed  rows are wrong; carries every Problem with its place (exit 2)
    │       └── ScenarioInvalid  a what-if scenario's changes cannot apply (exit 2)
    ├── ConflictingUpdate     a change that the current state forbids (exit 2)
    ├── Forbidden             the caller's token does not grant the action (API)
    │   └── Unauthenticated   no valid bearer token was sent (API)
    └── StoreError            the store cannot do what was asked (exit 3)
        ├── StoreUnavailable  cannot open or reach the store
        ├── StoreCorrupt      the store file is not a dutygraph store
        ├── OutputError       an output file (-o) cannot be written: disk full, no access
        └── UnsupportedOperation  the store lacks a capability; says which and why

Messages say what is wrong, where, and how to fix it. The command line maps each
class to the exit code in brackets above (see :mod:`dutygraph.cli.main`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "Ambiguous",
    "ConflictingUpdate",
    "DutyGraphError",
    "Forbidden",
    "LoadError",
    "NotFound",
    "OutputError",
    "Problem",
    "ScenarioInvalid",
    "StoreCorrupt",
    "StoreError",
    "StoreUnavailable",
    "Unauthenticated",
    "UnsupportedOperation",
    "UsageError",
    "ValidationFailed",
]


class DutyGraphError(Exception):
    """Root of every error dutygraph raises on purpose."""

    exit_code = 2


class UsageError(DutyGraphError):
    """A bad argument: an unknown option value, a malformed date, a bad store URL."""


class NotFound(DutyGraphError):
    """Nothing of that kind has the given id or name."""

    def __init__(self, kind: str, key: str, hint: str = "") -> None:
        self.kind = kind
        self.key = key
        msg = f"no {kind} with id or name {key!r}"
        super().__init__(f"{msg}; {hint}" if hint else msg)


class Ambiguous(NotFound):
    """A name that matches more than one node; the message lists the candidates."""

    def __init__(self, kind: str, key: str, candidates: Sequence[tuple[str, str]]) -> None:
        self.candidates = list(candidates)
        listed = ", ".join(f"{cid} ({name})" for cid, name in self.candidates)
        DutyGraphError.__init__(
            self,
            f"{kind} name {key!r} matches {len(self.candidates)}: {listed}; give the id instead",
        )
        self.kind = kind
        self.key = key


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input row, with its place and a way to fix it.

    ``severity`` is ``"error"`` (the row cannot be imported), ``"warning"``
    (imported, but worth a look) or ``"note"`` (imported as it is; how it was read, e.g.
    a legal basis read against the earliest text the law corpus holds).
    """

    file: str
    row: int | None
    column: str | None
    message: str
    fix: str = ""
    sheet: str | None = None
    severity: str = "error"
    code: str = "invalid"

    def _where(self, sheet: str, row: str, column: str, sep: str) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(sheet.format(self.sheet))
        if self.row is not None:
            parts.append(row.format(self.row))
        if self.column:
            parts.append(column.format(self.column))
        return sep.join(parts)

    @property
    def place(self) -> str:
        return self._where("sheet {}", "row {}", "column {}", ", ")

    @property
    def place_zh(self) -> str:
        """Where, in Chinese (``bases.csv 第 2 行 valid_from 列``), for the lines a person reads.

        >>> Problem("bases.csv", 2, "valid_from", "…", sheet=None).place_zh
        'bases.csv 第 2 行 valid_from 列'
        """
        return self._where("工作表 {}", "第 {} 行", "{} 列", " ")

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text

    def text_zh(self) -> str:
        """The problem as a person reads it in Chinese: the place in Chinese, then the message."""
        text = f"{self.place_zh}：{self.message}"
        return f"{text} — {self.fix}" if self.fix else text

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
        }


class LoadError(DutyGraphError):
    """An input cannot be read at all: missing file, not CSV/XLSX, no header."""


class ValidationFailed(LoadError):
    """The input was read but has errors; nothing was imported.

    ``problems`` lists every error (and warning) found, each with its place.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        errors = sorted(
            (p for p in self.problems if p.severity == "error"),
            key=lambda p: (p.file, p.sheet or "", p.row or 0, p.column or ""),
        )
        n = len(errors)
        head = (
            f"输入有 {n} 处错误，未导入任何数据 ({n} error(s) in the input; nothing was imported)"
        )
        shown = "\n".join(f"  {p}" for p in errors[:50])
        more = f"\n  …… 另有 {n - 50} 处 (and {n - 50} more)" if n > 50 else ""
        fix = "改正它们，或加 --skip-invalid 跳过这些行 (fix them, or pass --skip-invalid)"
        super().__init__(f"{head}\n{shown}{more}\n{fix}")


class ScenarioInvalid(ValidationFailed):
    """A what-if scenario has malformed changes, or changes that cannot apply to the graph.

    Nothing was compared and nothing was written; ``problems`` locate each (file, row, column).
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        shown = "\n".join(f"  {p}" for p in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        Exception.__init__(
            self,
            f"情景有 {len(errors)} 处错误，未做推演，存储未改动 "
            f"(the scenario has {len(errors)} error(s); nothing was compared or written)\n"
            f"{shown}{more}",
        )


class ConflictingUpdate(DutyGraphError):
    """A change the current state forbids (e.g. deciding a withdrawn dispute)."""


class Forbidden(DutyGraphError):
    """The caller's bearer token names a role that may not do this (GraphQL ``FORBIDDEN``)."""


class Unauthenticated(Forbidden):
    """The action needs a bearer token and none valid was sent (GraphQL ``UNAUTHENTICATED``)."""


class StoreError(DutyGraphError):
    """The store cannot do what was asked."""

    exit_code = 3


class StoreUnavailable(StoreError):
    """The store cannot be opened or reached."""


class StoreCorrupt(StoreError):
    """The store file exists but is not a readable dutygraph store."""


class OutputError(StoreError):
    """An output file cannot be written (disk full, no permission); nothing was left behind."""


class UnsupportedOperation(StoreError):
    """The store lacks a capability the operation needs.

    >>> str(UnsupportedOperation("rollback", "bolt://x", "the server has no transactions"))
    'bolt://x cannot rollback: the server has no transactions'
    """

    def __init__(self, operation: str, store: str, reason: str) -> None:
        self.operation = operation
        self.store = store
        self.reason = reason
        super().__init__(f"{store} cannot {operation}: {reason}")
