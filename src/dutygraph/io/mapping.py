"""Mappings: one declarative TOML file per published-list format.

A mapping names the format, the kind of records it makes (``duties`` or
``regions``), the fields that identify it (``detect``), header synonyms for
each field (``[fields]``), columns to keep as attributes (``[keep]``), the
fields a sub-item row takes from its main-item row (``carry_down``) and
defaults. The mappings shipped with dutygraph live in the package
(``dutygraph/data/loaders/*.toml``, the one copy; the repository's
``loaders/`` folder points there); a new format is a new file, passed with
``mapping=`` (``dutygraph load --mapping FILE``).

Header cells are compared after :func:`header_key`: full-width forms folded,
spaces and line breaks dropped, a trailing ``（...）`` remark and a ``*``
removed. A two-row header is matched as ``top/bottom``, then by the bottom
cell, then by the top cell (:func:`assign_columns`).

>>> sorted(m.name for m in builtin_mappings())
['division_codes', 'key_items', 'power_list']
>>> m = mapping("power_list")
>>> assign_columns(m, [["序号", "事项名称", "事项名称", "职权类型", "实施主体"], ["", "主项", "子项", "", ""]])
{'seq': 0, 'name': 1, 'sub_name': 2, 'power_type': 3, 'lead': 4}
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import LoadError, UsageError

__all__ = [
    "Mapping",
    "assign_columns",
    "builtin_mappings",
    "header_key",
    "load_mapping",
    "mapping",
]

#: the folder of the mappings shipped with dutygraph
LOADERS_PATH = Path(str(files("dutygraph") / "data" / "loaders"))

_KINDS = ("duties", "regions")
_KNOWN_KEYS = {
    "name",
    "title",
    "kind",
    "title_words",
    "detect",
    "lead_role",
    "assist_role",
    "list_basis",
    "carry_down",
    "defaults",
    "fields",
    "keep",
    "pseudo",
}


@dataclass(frozen=True)
class Mapping:
    """One list format, as its TOML file declares it."""

    name: str
    title: str
    kind: str
    fields: dict[str, tuple[str, ...]]
    keep: dict[str, tuple[str, ...]] = field(default_factory=dict)
    detect: tuple[str, ...] = ()
    title_words: tuple[str, ...] = ()
    carry_down: tuple[str, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    lead_role: str = "lead"
    assist_role: str = "assist"
    list_basis: str | None = None
    pseudo: tuple[str, ...] = ()
    path: str = ""

    def synonyms(self) -> set[str]:
        """Every header key this mapping knows, whole and by part (for sub-header rows)."""
        out: set[str] = set()
        for names in (*self.fields.values(), *self.keep.values()):
            for n in names:
                out.add(header_key(n))
                out.update(header_key(p) for p in n.split("/"))
        return out


@lru_cache(maxsize=16384)  # a list's header cells and every mapping's synonyms,
def header_key(text: str) -> str:  # asked ~230 times a list (4 us each): made once
    """A header cell as compared with synonyms.

    >>> header_key(" 实施依据\\n（法律法规名称及条款）"), header_key("*事项 名称"), header_key("ＩＤ")
    ('实施依据', '事项名称', 'id')
    """
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    t = t.replace("*", "").rstrip(":：")
    t = re.sub(r"\([^()]*\)$", "", t) or t
    return t.lower()


def load_mapping(path: str | Path) -> Mapping:
    """Read and check one mapping file; a bad file is a :class:`LoadError` naming the key."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text("utf-8"))
    except OSError as exc:
        raise LoadError(f"{p}: cannot read the mapping: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LoadError(f"{p}: not a TOML mapping: {exc}") from exc
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise LoadError(
            f"{p}: unknown key(s) {', '.join(unknown)}; a mapping has {', '.join(sorted(_KNOWN_KEYS))}"
        )
    for key in ("name", "kind", "fields"):
        if key not in data:
            raise LoadError(f"{p}: the mapping has no {key!r}")
    if data["kind"] not in _KINDS:
        raise LoadError(f"{p}: kind {data['kind']!r} is not one of {', '.join(_KINDS)}")
    fields_ = {k: tuple(v) for k, v in data["fields"].items()}
    for f in data.get("detect", ()):
        if f not in fields_:
            raise LoadError(f"{p}: detect names {f!r}, which is not under [fields]")
    return Mapping(
        name=data["name"],
        title=data.get("title", data["name"]),
        kind=data["kind"],
        fields=fields_,
        keep={k: tuple(v) for k, v in data.get("keep", {}).items()},
        detect=tuple(data.get("detect", ())),
        title_words=tuple(data.get("title_words", ())),
        carry_down=tuple(data.get("carry_down", ())),
        defaults=dict(data.get("defaults", {})),
        lead_role=data.get("lead_role", "lead"),
        assist_role=data.get("assist_role", "assist"),
        list_basis=data.get("list_basis"),
        pseudo=tuple(data.get("pseudo", ())),
        path=str(p),
    )


@lru_cache(maxsize=1)
def builtin_mappings() -> tuple[Mapping, ...]:
    """The mappings shipped with dutygraph, by file name."""
    return tuple(load_mapping(p) for p in sorted(LOADERS_PATH.glob("*.toml")))


def mapping(name: str) -> Mapping:
    """A shipped mapping by name, or a mapping file by path.

    >>> mapping("nope")
    Traceback (most recent call last):
    ...
    dutygraph.errors.UsageError: unknown list format 'nope'; use one of division_codes, key_items, power_list, or a mapping file (.toml)
    """
    if name.endswith(".toml"):
        return load_mapping(name)
    for m in builtin_mappings():
        if m.name == name:
            return m
    names = ", ".join(m.name for m in builtin_mappings())
    raise UsageError(f"unknown list format {name!r}; use one of {names}, or a mapping file (.toml)")


def _labels(header_rows: list[list[str]], col: int) -> list[str]:
    """The names a column answers to, most specific first: top/bottom, bottom, top."""
    parts = [header_key(r[col]) if col < len(r) else "" for r in header_rows]
    parts = [p for i, p in enumerate(parts) if p and (i == 0 or p != parts[i - 1])]
    if len(parts) < 2:
        return parts
    return ["/".join(parts), parts[-1], parts[0]]


def assign_columns(m: Mapping, header_rows: list[list[str]]) -> dict[str, int]:
    """Which column feeds each field (and each kept attribute) of ``m``.

    For each field, the column whose most specific label matches one of its
    synonyms wins; earlier synonyms beat later ones; a column feeds one field.
    """
    width = max(len(r) for r in header_rows)
    labels = [_labels(header_rows, c) for c in range(width)]
    taken: set[int] = set()
    out: dict[str, int] = {}
    for name, synonyms in (*m.fields.items(), *m.keep.items()):
        keys = [header_key(s) for s in synonyms]
        best: tuple[int, int, int] | None = None
        for c, names in enumerate(labels):
            if c in taken:
                continue
            for depth, label in enumerate(names):
                if label in keys:
                    cand = (depth, keys.index(label), c)
                    if best is None or cand < best:
                        best = cand
                    break
        if best is not None:
            out[name] = best[2]
            taken.add(best[2])
    return out
