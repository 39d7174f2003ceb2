"""A bundle folder sent zipped: checked whole before anything is extracted, then extracted safely.

What ``loadBundle(file:)`` does with an upload named ``*.zip``
(:mod:`dutygraph.api.imports`). Before a byte is written:

* every member's name is a relative path inside the folder — no absolute
  path, no ``..``, no drive, no NUL — and no member is a symbolic link (its
  target could lie anywhere) or a device;
* the members' sizes together are within ``max_xlsx_bytes`` and each member
  over 1 MiB inflates by at most ``max_xlsx_ratio`` (the limits a workbook,
  itself a zip, has): a zip bomb is refused unread.

While extracting, the bytes actually written are counted too (a member's size
in the archive's directory is only what it claims). Each refusal is a
:class:`~dutygraph.errors.LoadError` naming the archive and the member.

>>> import io, zipfile, tempfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as zf:
...     zf.writestr("bundle/regions.csv", "code,name\\n")
...     zf.writestr("../evil.csv", "x")
>>> try:
...     extract_bundle(buf.getvalue(), "b.zip", tempfile.mkdtemp())
... except Exception as exc:
...     print(str(exc).split(" (")[0])
b.zip: 压缩包成员 '../evil.csv' 的路径不在文件夹内
"""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path, PurePosixPath

from .. import config
from ..config import Settings
from ..errors import LoadError

__all__ = ["MAX_MEMBERS", "extract_bundle"]

#: most members a zipped bundle may hold (a bundle is a few tables)
MAX_MEMBERS = 1000
_RATIO_FLOOR = 1 << 20  # members under 1 MiB are not judged by their ratio
_CHUNK = 1 << 16


def extract_bundle(
    data: bytes, label: str, folder: str | Path, limits: Settings | None = None
) -> Path:
    """Extract the zipped bundle ``data`` (named ``label`` in messages) into ``folder``; the
    bundle folder (the one top-level folder, if the archive holds nothing else)."""
    limits = limits or config.current()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LoadError(
            f"{label}: 不是可读的 zip 压缩包 (not a readable zip archive: {exc})"
        ) from exc
    with zf:
        members = _checked(zf, label, limits)
        root = Path(folder)
        left = limits.max_xlsx_bytes
        for info, parts in members:
            target = root.joinpath(*parts)
            try:
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "xb") as out:  # x: never over a file
                    while chunk := src.read(_CHUNK):
                        left -= len(chunk)
                        if left < 0:
                            raise LoadError(_too_big(label, info.filename, limits))
                        out.write(chunk)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                raise LoadError(
                    f"{label}: 压缩包成员 {info.filename!r} 无法解压 (cannot be unpacked: {exc})"
                ) from exc
    tops = {parts[0] for _, parts in members}
    if len(tops) == 1 and (root / next(iter(tops))).is_dir():
        return root / next(iter(tops))
    return root


def _checked(
    zf: zipfile.ZipFile, label: str, limits: Settings
) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    """Every member with its path's parts, once all are checked (see the module docstring)."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LoadError(
            f"{label}: 压缩包有 {len(infos):,} 个成员，超过 {MAX_MEMBERS:,} (too many members for "
            "a bundle: zip the bundle folder alone)"
        )
    out = []
    total = 0
    seen: set[tuple[str, ...]] = set()
    for info in infos:
        name = info.filename
        path = PurePosixPath(name.replace("\\", "/"))
        parts = tuple(p for p in path.parts if p not in ("", "."))
        if "\x00" in name or path.is_absolute() or ".." in parts or not parts or ":" in parts[0]:
            raise LoadError(
                f"{label}: 压缩包成员 {name!r} 的路径不在文件夹内 (the member's path leaves the "
                "folder: absolute, a drive, or '..'); zip the bundle folder itself"
            )
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0: an archiver that writes no type
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise LoadError(
                f"{label}: 压缩包成员 {name!r} 是符号链接或特殊文件，不予解压 (a symbolic link "
                "or special file is refused: its target could be anywhere); put the file itself "
                "in the archive"
            )
        key = tuple(p.casefold() for p in parts)
        if key in seen:
            raise LoadError(
                f"{label}: 压缩包成员 {name!r} 重复 (the member is in the archive twice)"
            )
        seen.add(key)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > limits.max_xlsx_ratio:
            raise LoadError(
                f"{label}: 压缩包成员 {name!r} 压缩比 {ratio:.0f}:1 过高 (the member inflates "
                f"{info.compress_size:,} → {info.file_size:,} bytes, over the limit "
                f"max_xlsx_ratio = {limits.max_xlsx_ratio}); raise the setting if you trust the file"
            )
        if total > limits.max_xlsx_bytes:
            raise LoadError(_too_big(label, name, limits))
        out.append((info, parts))
    return out


def _too_big(label: str, name: str, limits: Settings) -> str:
    return (
        f"{label}: 压缩包解压后超过上限 max_xlsx_bytes = {limits.max_xlsx_bytes:,} 字节 "
        f"(at member {name!r}: the archive is too large uncompressed); split it, or raise "
        "the setting"
    )
