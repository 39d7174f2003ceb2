r"""The ``loadBundle`` mutation: import a bundle or published list on the server (loader role).

Only a ``loader`` token may call it, with one of:

* ``path`` — read by the server, so only under the folder the ``import_folder``
  setting names (none by default: then ``loadBundle(path:)`` is refused, so a
  token cannot make the server read any file it can reach and echo its cells
  back in the error list). A relative path is taken inside that folder; one
  that leaves it (``..``, a symbolic link, an absolute path elsewhere) is
  refused.
* ``file`` — an upload (the GraphQL multipart request spec: a
  ``multipart/form-data`` body with ``operations``, ``map`` and the file): a
  bundle workbook (``.xlsx``), a published list (``.csv``/``.xlsx``) or a
  bundle folder zipped (``.zip``: checked before it is extracted — no path
  out of the folder, no link, within the size and ratio limits —
  :mod:`dutygraph.io.archive`), within the ``max_body_bytes`` setting. It is written to a private temporary folder
  under its own base name, imported, and removed; the report names it by that
  name.

The import is all-or-nothing like ``dutygraph load``, and its report has the
same fields as ``dutygraph load --json``.

>>> body = (b'--XX\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query": "q"}\r\n'
...         b'--XX\r\nContent-Disposition: form-data; name="0"; filename="../a b.xlsx"\r\n'
...         b'Content-Type: application/octet-stream\r\n\r\nPK\x03\x04\xff\x00\r\n--XX--\r\n')
>>> fields, files = parse_form("multipart/form-data; boundary=XX", body)
>>> fields, files["0"].filename, files["0"].content
({'operations': '{"query": "q"}'}, 'a b.xlsx', b'PK\x03\x04\xff\x00')
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.permission import PermissionExtension

from .. import config
from ..errors import DutyGraphError, UsageError
from ..importer import ImportReport as _Report
from ..importer import load
from ..io.archive import extract_bundle
from .auth import Allowed
from .types import Info

__all__ = ["MUTATIONS", "ImportReport", "LoadMutations", "Uploaded", "parse_form"]


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
    def of(r: _Report, folder: str | None = None) -> ImportReport:
        """The report of ``r``; paths inside ``folder`` (an upload's) named without it."""
        d = r.as_dict()
        if folder is not None:
            cut = folder.rstrip("/") + "/"
            d["sources"] = [s.replace(cut, "") for s in d["sources"]]
            d["problems"] = [{**p, "file": str(p["file"]).replace(cut, "")} for p in d["problems"]]

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


class Uploaded:
    """One file of a multipart body: its base name (nothing of a path) and its bytes."""

    __slots__ = ("content", "filename")

    def __init__(self, filename: str, content: bytes) -> None:
        self.filename = filename
        self.content = content


def _base_name(name: str) -> str:
    """``name`` without any folder, with only characters safe in a file name (``upload`` if none)."""
    base = re.split(r"[\\/]", name)[-1].strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base)
    return base[:200] or "upload"


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Uploaded]]:
    """A ``multipart/form-data`` body: its text fields and its files, by field name.

    Read with the standard library's MIME parser (the body is already in
    memory, within ``max_body_bytes``). A body that is not multipart, or a
    part without a name, is a :class:`UsageError`.
    """
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise UsageError(
            "请求体不是 multipart/form-data (the body is not multipart/form-data with a boundary)"
        )
    fields: dict[str, str] = {}
    files: dict[str, Uploaded] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise UsageError("multipart 表单的一部分没有名称 (a part of the form has no name)")
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = Uploaded(_base_name(filename), content)
        else:
            fields[name] = content.decode("utf-8", "replace")
    return fields, files


@strawberry.type
class LoadMutations:
    @strawberry.mutation(
        description="Import, all or nothing (like `dutygraph load`), a bundle folder, bundle "
        "workbook or published list: `path`, on the server under its import folder (setting "
        "import_folder), or `file`, uploaded (GraphQL multipart request: a workbook .xlsx, a "
        "list .csv/.xlsx or a bundle folder zipped, .zip). Needs a loader token.",
        extensions=[PermissionExtension(permissions=[Allowed("load")])],
    )
    async def load_bundle(
        self,
        info: Info,
        path: str | None = None,
        file: Upload | None = None,
        skip_invalid: bool = False,
        dry_run: bool = False,
    ) -> ImportReport:
        store = info.context.store
        if (path is None) == (file is None):
            raise UsageError(
                "请给出 path 或 file 之一 (give exactly one of path: a file under the import "
                "folder, or file: an upload)"
            )
        if file is None:
            assert path is not None
            source = inside_import_folder(path)

            def run() -> Any:
                return load(store, [source], skip_invalid=skip_invalid, dry_run=dry_run)

            return ImportReport.of(await asyncio.to_thread(run))
        if not isinstance(file, Uploaded):
            raise UsageError(
                "file 应为上传的文件 (file must be an uploaded file: send a multipart request "
                "with operations, map and the file)"
            )
        upload = file

        def run_upload() -> tuple[Any, str]:
            folder = tempfile.mkdtemp(prefix="dutygraph-upload-")
            try:
                target = Path(folder) / upload.filename
                if target.suffix.lower() == ".zip":  # a bundle folder, zipped: checked, extracted
                    target = extract_bundle(upload.content, upload.filename, target)
                else:
                    target.write_bytes(upload.content)
                report = load(store, [str(target)], skip_invalid=skip_invalid, dry_run=dry_run)
                return report, folder
            except DutyGraphError as exc:  # name the upload as the user sent it: no temp folder
                exc.args = tuple(
                    a.replace(folder + "/", "") if isinstance(a, str) else a for a in exc.args
                )
                raise
            finally:
                shutil.rmtree(folder, ignore_errors=True)

        report, folder = await asyncio.to_thread(run_upload)
        return ImportReport.of(report, folder)


#: this module's contribution to the one ``Mutation`` type
MUTATIONS: list[type] = [LoadMutations]
