"""The GB/T 2260 division-code table: codes, levels and parents into the region tree."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ...graph import DutyGraph
from ...model import Region

if TYPE_CHECKING:
    from .records import _Reader


def _division_level(code: str) -> str:
    if len(code) == 12:
        return "township"
    if code == "000000":
        return "national"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def _division_ancestors(code: str) -> list[str]:
    if len(code) == 12:
        county = code[:6]
        return [county, county[:4] + "00", county[:2] + "0000", "000000"]
    if code == "000000":
        return []
    if code[2:] == "0000":
        return ["000000"]
    if code[4:] == "00":
        return [code[:2] + "0000", "000000"]
    return [code[:4] + "00", code[:2] + "0000", "000000"]


def _division_parent(code: str, codes: Iterable[str], graph: DutyGraph) -> str | None:
    known = codes if isinstance(codes, set) else set(codes)
    for anc in _division_ancestors(code):
        if anc != code and (anc in known or anc in graph.regions):
            return anc
    return None


def _division_code(text: str) -> str | None:
    digits = re.sub(r"\s", "", text)
    if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", digits):
        return None
    if len(digits) == 9:
        digits += "000"
    if len(digits) == 12 and digits[6:] == "000000":
        return digits[:6]
    return digits


def read_divisions(
    reader: _Reader,
    data: list[tuple[int, dict[str, str], dict[str, str]]],
    pseudo: set[str],
    progress: Callable[[int, int], None] | None,
    done: int,
    total: int,
) -> None:
    """The rows of a division-code table into :class:`~dutygraph.model.Region` records."""
    codes: dict[str, str] = {}
    for number, values, _ in data:
        code = _division_code(values.get("code", ""))
        if code is None:
            reader.problem(
                number,
                "code",
                f"{values.get('code', '')!r} is not a division code",
                "codes are 6 digits (GB/T 2260) or 12 (statistical codes)",
                "bad-region-code",
                warn=False,
            )
        elif len(code) == 12 and code[9:] != "000":
            reader.problem(
                number,
                "code",
                f"{code} is a village-level code; villages are not regions here",
                "leave villages out, or ignore this warning",
                "village-skipped",
                warn=True,
            )
        elif values.get("name") in pseudo:
            continue  # 市辖区 and the like: their children hang under the level above
        elif not values.get("name"):
            reader.problem(
                number,
                "name",
                "the row has no name",
                "give the 单位名称",
                "missing",
                warn=False,
            )
        else:
            codes[str(number)] = code
    if "000000" not in codes.values() and "000000" not in reader.graph.regions:
        reader.add(Region("000000", "全国", "national", origin=reader.origin(None)), None)
        codes["root"] = "000000"
    for k, (number, values, _) in enumerate(data):
        _region_row(reader, number, values, codes)
        if progress and k % 500 == 0:
            progress(done + k, total)


def _region_row(
    reader: _Reader, number: int, values: dict[str, str], codes: dict[str, str]
) -> None:
    code = codes.get(str(number))
    if code is None:
        return
    name = values.get("name", "")
    parent = _division_parent(code, codes.values(), reader.graph)
    rec = Region(code, name, _division_level(code), parent, attrs={}, origin=reader.origin(number))
    reader.add(rec, number)
