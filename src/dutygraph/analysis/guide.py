"""The one-industry guide (一业一册): every department, item, power and basis an industry meets.

国办发〔2023〕1号 §六 asks for one compliance guide per industry. For an industry
named in plain words (剧本杀, 加油站, 食品), the guide collects the items that
touch it:

* the items its words match — through behaviours (``经营剧本娱乐场所``), item
  names, keywords and supervised objects (:func:`dutygraph.analysis.assign.match_items`),
  keeping those scoring at least a fifth of the best;
* the items of the behaviours of a settled business form of that name;
* every item of a domain of that name (``食品`` brings the whole food domain);

then resolves each item's lead and assisting departments in the region, and
groups them by department: for each department, the items it leads or
assists, their power type (职权类型) and their legal bases in force (law and
article). Bases no longer in force are left out of the guide and listed as
findings. :func:`render_markdown`, :func:`render_html` and :func:`write_xlsx`
print it for a business owner.

>>> from dutygraph.fixtures import demo_graph
>>> guide = build_guide(demo_graph(), "加油站", "510104", "2025-10-01")
>>> [s.department.id for s in guide.sections]
['JJ-JXJ', 'JJ-SCJ', 'JJ-YJJ', 'JJ-ZJJ']
>>> guide.sections[0].entries[0]["item"], guide.sections[0].entries[0]["role"]
('I-OIL', 'lead')
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io.outputs import atomic_output, markdown_text, xlsx_append
from ..model import Department, today
from ..reader import GraphReader, dispatchable
from .assign import match_items
from .provisions import basis_text
from .resolve import basis_evidence, resolve

__all__ = ["Guide", "GuideSection", "build_guide", "render_html", "render_markdown", "write_xlsx"]

MIN_SHARE = 0.2  # items scoring below a fifth of the best match are not the industry's
ROLE_WORDS = {"lead": "牵头（主管）", "assist": "配合"}


@dataclass
class GuideSection:
    """One department's part of the guide: the items it leads or assists, with their bases."""

    department: Department
    entries: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Guide:
    """The guide for one industry in one region, as of a date."""

    industry: str
    region: str
    region_name: str
    as_of: str
    items: list[dict[str, Any]] = field(default_factory=list)  # matched items and why
    sections: list[GuideSection] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)


def _items_for(g: GraphReader, industry: str, as_of: str) -> dict[str, list[str]]:
    """item id -> why it belongs to the industry, in the order found."""
    why: dict[str, list[str]] = {}

    def add(iid: str, reason: str) -> None:
        if iid in g.items and reason not in why.setdefault(iid, []):
            why[iid].append(reason)

    found, _ = match_items(g, industry, "", as_of=as_of)
    if found:
        top = found[0].score
        for m in found:
            if m.score >= MIN_SHARE * top:
                add(m.item, m.reasons[0])
    for form in g.business_forms.values():
        if form.name == industry:
            for bid in form.behaviors:
                b = g.behaviors.get(bid)
                if b is not None:
                    for iid in b.items:
                        add(iid, f"business form {form.name} ({form.id}) shows behaviour {b.name}")
    for item in g.items.values():
        if item.domain == industry:
            add(item.id, f"in domain {industry}")
    return why


@dispatchable
def build_guide(
    g: GraphReader, industry: str, region: str | None = None, as_of: str | None = None
) -> Guide:
    """The guide for ``industry`` in ``region``.

    Without a region the guide is the catalogue's own view at the root of the
    region tree: every matched item, whatever levels implement it.
    """
    as_of = as_of or today()
    code = g.find("region", region).code if region else g.region_path(next(iter(g.regions)))[-1]
    level = g.regions[code].level
    guide = Guide(industry, code, g.regions[code].name, as_of)
    sections: dict[str, GuideSection] = {}
    for iid, reasons in _items_for(g, industry, as_of).items():
        item = g.items[iid]
        if region and not item.applies_at(level):
            continue
        guide.items.append({"id": iid, "name": item.name, "reasons": reasons})
        led = False
        for role in ("lead", "assist"):
            res = resolve(g, iid, code, role, as_of)
            led = led or (role == "lead" and bool(res.answers))
            for a in res.answers:
                bases: list[dict[str, Any]] = []
                repealed: list[dict[str, Any]] = []
                for d in a.duties:
                    for bid in d.bases:
                        b = g.bases.get(bid)
                        if b is None:
                            continue
                        entry = basis_evidence(g, bid, as_of)  # with the article's text
                        target = bases if b.in_force(as_of) else repealed
                        if entry not in target:
                            target.append(entry)
                for gone in repealed:
                    guide.findings.append(
                        {
                            "kind": "BASIS_NOT_IN_FORCE",
                            "item": iid,
                            "department": a.department.id,
                            "detail": f"{gone['title']} is not in force on {as_of}; left out",
                        }
                    )
                sec = sections.setdefault(a.department.id, GuideSection(a.department))
                if any(e["item"] == iid for e in sec.entries):
                    continue  # a merged body that leads the item also carries an assisting line
                sec.entries.append(
                    {
                        "item": iid,
                        "name": item.name,
                        "power_type": item.power_type,
                        "role": role,
                        "key_item": item.key_item,
                        "inherited": a.inherited,
                        "bases": bases,
                    }
                )
        if not led:
            guide.findings.append(
                {
                    "kind": "NO_LEAD",
                    "item": iid,
                    "detail": f"no department leads {item.name} in {guide.region_name}",
                }
            )
    for sec in sections.values():
        sec.entries.sort(key=lambda e: (e["role"] != "lead", e["item"]))
    guide.sections = sorted(
        sections.values(),
        key=lambda s: (not any(e["role"] == "lead" for e in s.entries), s.department.id),
    )
    return guide


def _basis_text(b: dict[str, Any]) -> str:
    return basis_text(b)


def _rows(guide: Guide) -> list[list[str]]:
    """department, item, power type, role, bases — one row per entry (the xlsx sheet)."""
    return [
        [
            f"{s.department.name}（{s.department.id}）",
            f"{e['name']}（{e['item']}）",
            e["power_type"] or "",
            ROLE_WORDS.get(e["role"], e["role"]),
            "；".join(_basis_text(b) for b in e["bases"]) or "（未登记依据）",
        ]
        for s in guide.sections
        for e in s.entries
    ]


HEADERS = ["部门", "监管事项", "职权类型", "角色", "法律依据"]


def _title(guide: Guide) -> str:
    return f"{guide.industry} 一业一册：{guide.region_name}（{guide.region}）"


def render_markdown(guide: Guide) -> str:
    """The guide as Markdown: one section per department, one table row per item.

    >>> from dutygraph.fixtures import demo_graph
    >>> md = render_markdown(build_guide(demo_graph(), "剧本杀", "510104", "2025-06-01"))
    >>> print(md.splitlines()[0])
    # 剧本杀 一业一册：锦江区（510104）
    """
    m = markdown_text
    out = [f"# {m(_title(guide))}", ""]
    out.append(
        f"截至 {m(guide.as_of)}，经营{m(guide.industry)}涉及以下 {len(guide.sections)} 个部门、"
        f"{len(guide.items)} 个监管事项。"
    )
    if not guide.sections:
        out += ["", "目录中没有与该行业匹配的监管事项。"]
    for s in guide.sections:
        out += ["", f"## {m(s.department.name)}（{m(s.department.id)}）", ""]
        out.append("| " + " | ".join(HEADERS[1:]) + " |")
        out.append("|" + " --- |" * (len(HEADERS) - 1))
        for e in s.entries:
            bases = "；".join(_basis_text(b) for b in e["bases"]) or "（未登记依据）"
            cells = [e["name"], e["power_type"] or "", ROLE_WORDS.get(e["role"], e["role"]), bases]
            out.append("| " + " | ".join(m(c) for c in cells) + " |")
    if guide.findings:
        out += ["", "## 说明", ""]
        out += [f"- {m(f['kind'])}: {m(f['detail'])}" for f in guide.findings]
    return "\n".join(out) + "\n"


def render_html(guide: Guide) -> str:
    """The guide as one self-contained HTML page; every text from the data is escaped."""
    e = html.escape
    parts = [
        "<!doctype html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(_title(guide))}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3em}"
        "</style></head><body>",
        f"<h1>{e(_title(guide))}</h1>",
        f"<p>截至 {e(guide.as_of)}，经营{e(guide.industry)}涉及以下 {len(guide.sections)} "
        f"个部门、{len(guide.items)} 个监管事项。</p>",
    ]
    if not guide.sections:
        parts.append("<p>目录中没有与该行业匹配的监管事项。</p>")
    for s in guide.sections:
        parts.append(f"<h2>{e(s.department.name)}（{e(s.department.id)}）</h2>")
        parts.append("<table><tr>" + "".join(f"<th>{h}</th>" for h in HEADERS[1:]) + "</tr>")
        for x in s.entries:
            bases = "<br>".join(e(_basis_text(b)) for b in x["bases"]) or "（未登记依据）"
            parts.append(
                f"<tr><td>{e(x['name'])}</td><td>{e(x['power_type'] or '')}</td>"
                f"<td>{e(ROLE_WORDS.get(x['role'], x['role']))}</td><td>{bases}</td></tr>"
            )
        parts.append("</table>")
    if guide.findings:
        parts.append("<h2>说明</h2><ul>")
        parts += [f"<li>{e(f['kind'])}: {e(f['detail'])}</li>" for f in guide.findings]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_xlsx(guide: Guide, path: str | Path) -> Path:
    """Write the guide as an XLSX workbook: sheet 一业一册 (one row per item and department).

    Every cell from the data is a string cell (a name starting with ``=`` is never a
    formula); the file is written whole or not at all (:func:`~dutygraph.io.outputs.atomic_output`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "一业一册"
    xlsx_append(ws, [_title(guide)])
    ws["A1"].font = Font(bold=True, size=14)
    xlsx_append(ws, [f"截至 {guide.as_of}"])
    xlsx_append(ws, HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in _rows(guide):
        xlsx_append(ws, row)
    for col, w in zip("ABCDE", (30, 40, 12, 14, 60), strict=True):
        ws.column_dimensions[col].width = w
    if guide.findings:
        notes = wb.create_sheet("说明")
        xlsx_append(notes, ["kind", "item", "detail"])
        for f in guide.findings:
            xlsx_append(notes, [f["kind"], f.get("item", ""), f["detail"]])
    path = Path(path)
    with atomic_output(path, binary=True, example="guide.xlsx") as fh:
        wb.save(fh)
    return path
