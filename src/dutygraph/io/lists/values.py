"""What one cell of a published list says: department names, levels, power types."""

from __future__ import annotations

import hashlib
import re

from ...model import LEVELS, POWER_TYPE_WORDS, POWER_TYPES

# -- values -------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^(?:\d+\s*[.、)]|\(\d+\)|[①-⑳]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))\s*"
)
_SPLIT = re.compile(r"[、;；,，\n]+")
_LEVEL_ONLY = re.compile(r"^(国家|中央|省|市|县|区|乡|镇|省级|市级|县级|区级|乡级)$")
_BODY_SUFFIX = re.compile(r"(部门|局|委员会|委|厅|办|部|办公室|政府|中心|机构|队|所|站)$")


def _names(cell: str) -> tuple[list[str], list[str]]:
    """Department names in a cell, and the internal offices given in brackets."""
    offices = re.findall(r"\(([^()]*)\)", cell)
    cell = re.sub(r"\([^()]*\)", "", cell)
    parts: list[str] = []
    for line in cell.split("\n"):
        line = _NUMBERING.sub("", line.strip())
        parts.extend(p.strip().removesuffix("等") for p in _SPLIT.split(line))
    parts = [_NUMBERING.sub("", p) for p in parts if p and not _LEVEL_ONLY.match(p)]
    if parts and (suffix := _BODY_SUFFIX.search(parts[-1])):
        parts = [p if _BODY_SUFFIX.search(p) else p + suffix.group(1) for p in parts]
    return list(dict.fromkeys(p for p in parts if p)), offices


def _multi(cell: str) -> tuple[str, ...]:
    parts = (_NUMBERING.sub("", p.strip()) for p in _SPLIT.split(cell))
    return tuple(dict.fromkeys(p for p in parts if p))


def _power_type(text: str) -> str | None:
    t = re.sub(r"\(.*?\)", "", text).strip()
    t = POWER_TYPE_WORDS.get(t, t)
    if t in POWER_TYPES:
        return t
    return next((p for p in POWER_TYPES if p in text), None)


_LEVEL_CHARS = (
    ("国家", "national"),
    ("中央", "national"),
    ("省", "province"),
    ("市", "prefecture"),
    ("县", "county"),
    ("区", "county"),
    ("乡", "township"),
    ("镇", "township"),
    ("街道", "township"),
)


def _levels(text: str) -> tuple[str, ...]:
    """Government levels named in a 行使层级 cell.

    >>> _levels("市级、区级"), _levels("省/市/县"), _levels("县级以上"), _levels("属地负责、共同监管")
    (('prefecture', 'county'), ('province', 'prefecture', 'county'), ('national', 'province', 'prefecture', 'county'), ())
    """
    if re.search(r"监管|负责", text):
        return ()
    found = {lvl for word, lvl in _LEVEL_CHARS if word in text}
    if "以上" in text and found:
        lowest = max(LEVELS.index(lv) for lv in found)
        found = set(LEVELS[: lowest + 1])
    return tuple(lv for lv in LEVELS if lv in found)


def _hash(text: str, n: int = 5) -> str:
    return hashlib.blake2b(text.encode(), digest_size=n).hexdigest()
