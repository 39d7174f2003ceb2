"""The ``loadBundle`` mutation: import a bundle or published list on the server (loader role).

The path is read by the server, so only a ``loader`` token may call it; the
import is all-or-nothing like ``dutygraph load``, and its report has the same
fields as ``dutygraph load --json``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from strawberry.permission import PermissionExtension

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


@strawberry.type
class LoadMutations:
    @strawberry.mutation(
        description="Import a bundle folder, bundle workbook or published list that is on the "
        "server, all or nothing (like `dutygraph load`). Needs a loader token.",
        extensions=[PermissionExtension(permissions=[Allowed("load")])],
    )
    async def load_bundle(
        self, info: Info, path: str, skip_invalid: bool = False, dry_run: bool = False
    ) -> ImportReport:
        store = info.context.store

        def run() -> Any:
            return load(store, [path], skip_invalid=skip_invalid, dry_run=dry_run)

        return ImportReport.of(await asyncio.to_thread(run))


#: this module's contribution to the one ``Mutation`` type
MUTATIONS: list[type] = [LoadMutations]
