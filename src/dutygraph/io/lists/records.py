"""Rows of a published list into records: departments matched (or created), items, laws, duties."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import Ambiguous, Problem
from ...graph import DutyGraph, name_key
from ...model import POWER_TYPES, Department, Duty, Item, LegalBasis, Origin
from ..bundle import Batch, Row
from ..citations import basis_kind, parse_citations
from ..departments import DepartmentMatcher, core_name, line_of
from ..mapping import Mapping
from .sheets import _dates, _list_title_core, _title_owner
from .values import _hash, _levels, _multi, _names, _power_type
from .versions import ListVersion


@dataclass
class ListBatch(Batch):
    """A :class:`~dutygraph.io.bundle.Batch` that knows which list versions it holds."""

    versions: list[ListVersion] = field(default_factory=list)
    #: data rows read (not blank, not notes, not headers)
    rows_read: int = 0


class _Reader:
    """Turns the rows of one file into records; holds what rows share (ids, names, owner)."""

    def __init__(self, path: Path, m: Mapping, graph: DutyGraph, options: dict[str, Any]):
        self.path = path
        self.label = path.name
        self.m = m
        self.graph = graph
        self.options = options
        self.batch = ListBatch()
        self.matcher = DepartmentMatcher.of(graph)
        self.items: dict[str, Item] = {}
        self.item_names: dict[tuple[str | None, str], str] = {}
        # (parent, name) -> ids of the graph's items: all at once over a graph in memory, a
        # name at a time through the names index over a store's row reader
        self.graph_items: dict[tuple[str | None, str], list[str]] = {}
        self._items_by_name = callable(getattr(graph, "ids_named", None))
        self._looked_up: set[str] = set()  # item names whose graph items look_up read
        if not self._items_by_name:
            for iid, it in graph.items.items():
                self.graph_items.setdefault((it.parent, it.name), []).append(iid)
        self.bases: set[str] = set()  # those added; the graph's are asked of graph.bases
        self.new_departments: set[str] = set()
        self.region: str | None = None
        self.owner: Department | None = None
        self.version = "undated"
        self.effective: str | None = None
        self.list_id = ""
        self.sheet: str | None = None
        # main item -> (lead department sets of its sub-item rows, first row, own row seen)
        self.groups: dict[str, list[Any]] = {}
        self._cited: dict[str, tuple[str, ...]] = {}

    # -- problems
    def problem(
        self, row: int | None, column: str | None, message: str, fix: str, code: str, *, warn: bool
    ) -> None:
        self.batch.problems.append(
            Problem(
                self.label,
                row,
                column,
                message,
                fix,
                self.sheet,
                severity="warning" if warn else "error",
                code=code,
            )
        )

    def add(self, record: Any, row: int | None) -> None:
        self.batch.rows.append(Row(record, record.origin or self.origin(row)))

    def origin(self, row: int | None) -> Origin:
        return Origin(self.label, row, self.sheet, self.version)

    # -- list-level facts
    def setup(self, title: str, notes: list[str]) -> None:
        opts = self.options
        if opts.get("region"):
            self.region = self.graph.find("region", str(opts["region"])).code
        owner_name = opts.get("department") or _title_owner(title, self.m)
        if owner_name:
            if self.region is None:
                self.region = self.matcher.region_of(owner_name)
            self.owner = self.department(owner_name, None, "department", explicit=True)
            if self.owner is not None and self.region is None:
                self.region = self.owner.region
        if self.region is None and title:
            self.region = self.matcher.region_of(title)
        eff = opts.get("effective")
        if eff:
            self.effective = str(eff)
        else:
            dates = _dates([title, *notes])
            marked = [d for flag, d in dates if flag]
            found = marked or [d for _, d in dates]
            self.effective = found[0] if found else None
        self.version = self.effective or "undated"
        if opts.get("list"):
            list_id = str(opts["list"])
        elif self.owner is not None:
            list_id = f"{self.m.name}:{self.owner.id}"
        elif title:
            list_id = f"{self.m.name}:{_list_title_core(title)}"
        elif self.region:
            list_id = f"{self.m.name}:{self.region}"
        else:
            list_id = f"{self.m.name}:{self.path.stem}"
        self.list_id = list_id.replace("#", "-")
        self.title = title or self.list_id

    # -- departments
    def department(
        self, name: str, row: int | None, column: str | None, explicit: bool = False
    ) -> Department | None:
        try:
            dep = self.matcher.match(name, region=self.region)
        except Ambiguous as exc:
            self.problem(
                row,
                column,
                str(exc).replace("; give the id instead", ""),
                "write the department's full name or id, or pass --region to say whose it is",
                "ambiguous-department",
                warn=False,
            )
            return None
        if dep is not None:
            return dep
        if explicit and self.options.get("department") == name and name in self.graph.departments:
            return self.graph.departments[name]
        named = self.matcher.region_of(name)
        region = named or self.region
        if region is None or region not in self.graph.regions:
            self.problem(
                row,
                column,
                f"department {name!r} is not in the store and its government is unknown",
                "add the department first, write its region's name in front of it, or pass --region",
                "unknown-department",
                warn=False,
            )
            return None
        core = core_name(name, self.matcher.prefixes)
        line = line_of(core)
        full = name if named else self.graph.regions[region].name + name
        dep = Department(
            f"D-{region}-{_hash(core, 4)}",
            full,
            region,
            systems=(line,) if line else (),
            origin=self.origin(row),
        )
        self.matcher.add(dep)
        self.new_departments.add(dep.id)
        self.add(dep, row)
        self.problem(
            row,
            column,
            f"department {name!r} is not in the store: created {dep.id} ({full}, region {region}"
            + (f", line {line})" if line else ", no line)"),
            "check the name; add the department to the store first to choose its id and lines",
            "new-department",
            warn=True,
        )
        return dep

    # -- items and bases
    def item(self, name: str, parent: str | None, values: dict[str, str], row: int) -> str:
        key = (parent, name)
        iid = self.item_names.get(key)
        if iid is not None:
            return iid
        known = self.graph_items.get(key)
        if known is None:
            known = [] if name in self._looked_up else self._items_named(parent, name)
            self.graph_items[key] = known
        iid = known[0] if len(known) == 1 else "L-" + _hash(f"{parent or ''}/{name}")
        self.item_names[key] = iid
        if not iid.startswith("L-") and iid in self.graph.items:
            return iid  # a catalogue item: the list does not rewrite it
        power_text = values.get("power_type", "")
        power = _power_type(power_text) if power_text else self.m.defaults.get("power_type")
        if power_text and power is None:
            self.problem(
                row,
                "power_type",
                f"unknown power type {power_text!r}; the item is imported without one",
                "use one of " + "、".join(POWER_TYPES),
                "unknown-power-type",
                warn=True,
            )
        attrs = {"code": values["code"]} if values.get("code") and parent is None else {}
        if parent is not None and values.get("sub_code"):
            attrs = {"code": values["sub_code"]}
        rec = Item(
            iid,
            name,
            parent,
            domain=values.get("domain") or None,
            power_type=power,
            objects=_multi(values.get("objects", "")),
            levels=_levels(values.get("levels", "")),
            key_item=bool(self.m.defaults.get("key_item", False)),
            attrs=attrs,
            origin=self.origin(row),
        )
        self.items[iid] = rec
        self.add(rec, row)
        return iid

    def look_up(self, data: list[tuple[int, dict[str, str], dict[str, str]]]) -> None:
        """Read ahead what the rows' names match in the store, a query a batch of names: the
        items of every item name, and (a reader that can: ``named_ahead``) the departments
        of every department name — so the rows then make no round trip a row. Over a graph
        in memory there is nothing to read."""
        if not self._items_by_name:
            return
        reader: Any = self.graph
        names = {
            v for _, values, _ in data for v in (values.get("name"), values.get("sub_name")) if v
        }
        for it in reader.in_store_order("item", reader.ids_named("item", names)):
            if it.name in names:  # (an alias is not a match: as _items_named)
                self.graph_items.setdefault((it.parent, it.name), []).append(it.id)
        self._looked_up |= names
        ahead = getattr(reader, "named_ahead", None)
        if ahead is not None:
            deps = {
                name_key(n)
                for _, values, _ in data
                for column in ("lead", "assist")
                for n in _names(values.get(column, ""))[0]
            }
            ahead("department", deps)

    def _items_named(self, parent: str | None, name: str) -> list[str]:
        """The ids of the graph's items named ``name`` under ``parent`` (by the names index)."""
        if not self._items_by_name:
            return []
        reader: Any = self.graph
        found = reader.records_named("item", name)  # one query, the records kept
        return [it.id for it in found if it.parent == parent and it.name == name]

    def _new_basis(self, bid: str) -> bool:
        """Whether basis ``bid`` is neither in the graph nor added yet (and now it is)."""
        if bid in self.bases or bid in self.graph.bases:
            return False
        self.bases.add(bid)
        return True

    def cited(self, cell: str, row: int) -> tuple[str, ...]:
        """The bases a citation cell names: one per provision (``LB-…:110.1.4``), made on the
        first row that cites it; the import resolves them to the law corpus."""
        hit = self._cited.get(cell)
        if hit is not None:
            return hit
        citations = parse_citations(cell)
        if cell and not citations:
            self.problem(
                row,
                "bases",
                f"依据单元格中找不到法名：{cell[:40]!r}，原文保留在职责上 "
                "(no law title found; the text is kept on the duty)",
                "依据写作《法名》第X条",
                "unparsed-basis",
                warn=True,
            )
        ids = []
        for c in citations:
            bid = c.basis
            ids.append(bid)
            if self._new_basis(bid):
                basis = LegalBasis(
                    bid,
                    c.title,
                    basis_kind(c.title),
                    article=c.label or None,
                    origin=self.origin(row),
                )
                self.add(basis, row)
        out = tuple(dict.fromkeys(ids))
        if citations:  # a cell without citations warns on every row it is in
            self._cited[cell] = out
        return out

    # -- rows
    def duty_row(self, number: int, values: dict[str, str], extra: dict[str, str]) -> None:
        name = values.get("name", "")
        sub = values.get("sub_name", "")
        if not name:
            self.problem(
                number,
                "name",
                "the row has no item name",
                "give the 事项名称 (or delete the row)",
                "missing-item-name",
                warn=False,
            )
            return
        leads: list[Department] = []
        assists: list[Department] = []
        ok = True
        lead_names, offices = _names(values.get("lead", ""))
        for n in lead_names:
            dep = self.department(n, number, "lead")
            ok = ok and dep is not None
            if dep is not None and dep not in leads:
                leads.append(dep)
        if not lead_names:
            if self.owner is None:
                self.problem(
                    number,
                    "lead",
                    "the row names no implementing or lead department, and the list has no owner",
                    "fill the 实施主体/牵头部门 cell, or pass --department",
                    "missing-department",
                    warn=False,
                )
                return
            leads.append(self.owner)
            self.problem(
                number,
                "lead",
                f"the row names no implementing or lead department: {self.owner.id} "
                f"({self.owner.name}, the list's owner) is taken",
                "fill the 实施主体/牵头部门 cell if that is wrong",
                "owner-taken",
                warn=True,
            )
        for n in _names(values.get("assist", ""))[0]:
            dep = self.department(n, number, "assist")
            ok = ok and dep is not None
            if dep is not None and dep not in leads and dep not in assists:
                assists.append(dep)
        if not ok:
            return
        parent = self.item(name, None, values, number)
        iid = self.item(sub, parent, values, number) if sub else parent
        bases = self.cited(values.get("bases", ""), number)
        if self.m.list_basis:
            bases = (*bases, self.list_basis())
        attrs = dict(extra)
        if values.get("bases") and not self._cited.get(values["bases"]):
            attrs["basis_text"] = values["bases"]
        if offices and "office" not in attrs:
            attrs["office"] = "；".join(offices)
        source = f"{self.list_id}#{number}"
        origin = self.origin(number)
        for role, deps in ((self.m.lead_role, leads), (self.m.assist_role, assists)):
            for dep in deps:
                duty = Duty(
                    dep.id,
                    iid,
                    dep.region,
                    role,
                    bases,
                    self.effective,
                    None,
                    source,
                    None,
                    attrs,
                    origin,
                )
                self.add(duty, number)
        group = self.groups.setdefault(parent, [[], number, False, bases])
        if sub:
            group[0].append({(d.id, d.region) for d in leads})
        else:
            group[2] = True

    def list_basis(self) -> str:
        bid = "PL-" + _hash(self.list_id)
        if self._new_basis(bid):
            self.add(LegalBasis(bid, self.title, self.m.list_basis or "power-list"), None)
        return bid

    def parent_duties(self) -> None:
        """A main item whose sub-items share a lead (and has no row of its own) gets that lead."""
        for parent, (sets, first, own, bases) in self.groups.items():
            if own or not sets:
                continue
            for dep, region in sorted(set.intersection(*sets)):
                self.add(
                    Duty(
                        dep,
                        parent,
                        region,
                        self.m.lead_role,
                        bases,
                        self.effective,
                        source=f"{self.list_id}#{first}",
                        attrs={"from_sub_items": "yes"},
                        origin=self.origin(first),
                    ),
                    first,
                )
