"""The ``loadBundle`` mutation: import a bundle or published list on the server (loader role).

The path is read by the server, so only a ``loader`` token may call it, and
only under the folder the ``import_folder`` setting names (none by default:
then ``loadBundle(path:)`` is refused, so a token cannot make the server read
any file it can reach and echo its cells back in the error list). A relative
path is taken inside that folder; one that leaves it (``..``, a symbolic link,
an absolute path elsewhere) is refused. The import is all-or-nothing like
``dutygraph load``, and its report has the same fields as ``dutygraph load
--json``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import strawberry
from strawberry.permission import PermissionExtension

from .. import config
from ..errors import UsageError
from ..importer import ImportReport as _Report
from ..importer import load
from .auth import Allowed
from .types import Info

__all__ = ["MUTATIONS", "ImportReport", "LoadMutations"]


@strawberry.type(description="How many records of one kind.")
class KindCount:
    kind: str
    count: int


@strawberry.type(description="One thing wrong with one input row, with its place and a fix.")
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    severity: str
    code: str
    message: str
    fix: str


@strawberry.type(description="What an import read, wrote, skipped and warned about.")
class ImportReport:
    sources: list[str]
    dry_run: bool
    read: list[KindCount]
    added: list[KindCount]
    changed: list[KindCount]
    unchanged: list[KindCount]
    skipped_rows: int
    problems: list[Problem]

    @staticmethod
    def of(r: _Report) -> ImportReport:
        d = r.as_dict()

        def counts(m: dict[str, int]) -> list[KindCount]:
            return [KindCount(kind=k, count=v) for k, v in sorted(m.items())]

        return ImportReport(
            sources=list(d["sources"]),
            dry_run=d["dry_run"],
            read=counts(d["read"]),
            added=counts(d["added"]),
            changed=counts(d["changed"]),
            unchanged=counts(d["unchanged"]),
            skipped_rows=d["skipped_rows"],
            problems=[Problem(**p) for p in d["problems"]],
        )


def inside_import_folder(path: str) -> str:
    """``path`` resolved inside the ``import_folder`` setting's folder, or a clear refusal.

    >>> import tempfile
    >>> from dutygraph.config import Settings, use
    >>> root = tempfile.mkdtemp()
    >>> use(Settings().replace(import_folder=root))
    >>> inside_import_folder("bundle") == str(Path(root).resolve() / "bundle")
    True
    >>> inside_import_folder("../etc/passwd")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dutygraph.errors.UsageError: ../etc/passwd: 不在导入文件夹 ... 之内 (outside the import folder ...); put the file in that folder
    >>> use(None)
    """
    folder = config.current().import_folder
    if folder is None:
        raise UsageError(
            "服务器没有设置导入文件夹，不能按路径导入；请以 --setting import_folder 文件夹 启动 "
            "dutygraph serve (no import folder is set, so loadBundle(path:) is refused: start "
            "the server with --setting import_folder DIR)"
        )
    root = Path(folder).resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root):
        raise UsageError(
            f"{path}: 不在导入文件夹 {root} 之内 (outside the import folder {root}); "
            "put the file in that folder"
        )
    return str(target)


@strawberry.type
class LoadMutations:
    @strawberry.mutation(
        description="Import a bundle folder, bundle workbook or published list that is on the "
        "server under its import folder (setting import_folder), all or nothing (like "
        "`dutygraph load`). Needs a loader token.",
        extensions=[PermissionExtension(permissions=[Allowed("load")])],
    )
    async def load_bundle(
        self, info: Info, path: str, skip_invalid: bool = False, dry_run: bool = False
    ) -> ImportReport:
        store = info.context.store
        source = inside_import_folder(path)

        def run() -> Any:
            return load(store, [source], skip_invalid=skip_invalid, dry_run=dry_run)

        return ImportReport.of(await asyncio.to_thread(run))


#: this module's contribution to the one ``Mutation`` type
MUTATIONS: list[type] = [LoadMutations]
