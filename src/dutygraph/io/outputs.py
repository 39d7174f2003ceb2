"""Safe outputs: files written whole or not at all, data cells that stay data.

:func:`atomic_output` is how every ``-o FILE`` is written (``guide``,
``export``): into a temporary file created exclusively in the target's folder,
flushed to disk, then renamed over the target. A failure part way (disk full,
no permission, an error of the writer) leaves the target as it was and no
temporary file behind; a file system error becomes :class:`OutputError`
(exit 3) naming the file.

Text from the data is written so that no reader of the output runs it:
:func:`xlsx_text` makes every XLSX data cell a string cell (a title that starts
with ``=`` stays that text, never a live formula), :func:`markdown_text`
escapes Markdown and HTML so a name holding ``<script>`` or ``[x](http://…)``
shows as written.

>>> markdown_text("<script>alert(1)</script> | [依据](http://x)")
'&lt;script&gt;alert(1)&lt;/script&gt; \\\\| \\\\[依据\\\\](http://x)'
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import OutputError, UsageError
from .tables import _CONTROL_RE

__all__ = ["atomic_output", "markdown_text", "xlsx_append", "xlsx_text"]


def _target(path: str | os.PathLike[str], example: str) -> Path:
    target = Path(path)
    if target.is_dir():
        raise UsageError(
            f"-o {target}: 是文件夹 (is a folder); name a file, e.g. {target / example}"
        )
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"-o {target}: 文件夹 {folder} 不存在 (no such folder); create it first")
    return target


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "磁盘已满 (the disk is full); free some space and run again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限 (no permission to write there); choose another folder"
    return f"{exc.strerror or exc}"


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], *, binary: bool = False, example: str = "out.txt"
) -> Iterator[IO[Any]]:
    """A file to write ``path`` through: renamed over ``path`` only when the block succeeds.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_output(d / "a.md") as fh:
    ...     _ = fh.write("完整")
    >>> (d / "a.md").read_text("utf-8"), sorted(p.name for p in d.iterdir())
    ('完整', ['a.md'])
    >>> try:
    ...     with atomic_output(d / "a.md") as fh:
    ...         _ = fh.write("一半")
    ...         raise RuntimeError("the writer failed")
    ... except RuntimeError:
    ...     pass
    >>> (d / "a.md").read_text("utf-8"), sorted(p.name for p in d.iterdir())
    ('完整', ['a.md'])
    """
    target = _target(path, example)
    folder = target.parent if str(target.parent) else Path(".")
    try:  # mkstemp: O_CREAT|O_EXCL, mode 0600, a name nobody can predict
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"-o {target}: 无法创建文件 (cannot create a file there): {_why(exc)}"
        ) from exc
    try:
        fh: IO[Any] = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # keep the mode a new file would have had
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(
            f"-o {target}: 写入失败，未留下任何文件 (writing failed, nothing was written): {_why(exc)}"
        ) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def xlsx_text(value: Any) -> Any:
    """A value as an XLSX cell may hold it: control characters (illegal in XML) shown as U+FFFD.

    >>> xlsx_text("锦江区\\x1b[31m"), xlsx_text(3)
    ('锦江区\\ufffd[31m', 3)
    """
    if isinstance(value, str):
        return _CONTROL_RE.sub("\ufffd", value)
    return value


def xlsx_append(ws: Any, values: Sequence[Any]) -> None:
    """Append a row of data to openpyxl worksheet ``ws``: every text a string cell, never a formula.

    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> xlsx_append(ws, ['=HYPERLINK("http://x"&A1,"依据")', "@SUM(1)"])
    >>> [(c.value[:4], c.data_type) for c in ws[1]]
    [('=HYP', 's'), ('@SUM', 's')]
    """
    ws.append([xlsx_text(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # openpyxl would write a text starting with '=' as a formula


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#!~])")


def markdown_text(text: str) -> str:
    """``text`` as literal Markdown inline text: HTML escaped, Markdown syntax backslashed.

    >>> markdown_text("**粗** _x_ `c` 第1.条"), markdown_text("a\\nb")
    ('\\\\*\\\\*粗\\\\*\\\\* \\\\_x\\\\_ \\\\`c\\\\` 第1.条', 'a b')
    """
    text = _CONTROL_RE.sub("\ufffd", text).replace("\r\n", " ").replace("\n", " ")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)
