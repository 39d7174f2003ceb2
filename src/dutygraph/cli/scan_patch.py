"""A gap or conflict scan's kept answer brought up to the store's state after small writes.

The first ``gaps --json`` after a small write used to open the whole graph and scan it
again, to print an answer that differs from the one kept for the state before
(:mod:`dutygraph.store.sqlite.answers`) at a few places at most. When the change sets
of every write since are kept beside the store (:func:`~dutygraph.store.sqlite.snapshot.read_links`),
:func:`patch` works out which (item, region) sites they can change, works out the rows
there again from the store's reader (rows read by key: :func:`~dutygraph.analysis.gaps.gaps_at`,
:func:`~dutygraph.analysis.conflicts.conflicts_at`), and puts them in place of the
old ones, in the whole scan's order: the bytes a whole scan prints.

Which sites a change reaches (SPEC §3: who leads (I, R) is decided by the active lead
duties recorded for an item on I's path at a region on R's path, their departments and
R's departments of their lines, and their legal bases):

* a duty at (i, r), added or replaced (a store never deletes one; its key holds i and
  r): the gaps at every (I, R) whose item path holds i and whose region path holds r;
  the conflicts at (i, r) alone (``MULTIPLE_LEADS``, ``SOURCE_DISAGREEMENT``: the duties
  recorded there);
* a legal basis: the same, for every duty resting on it (its ``in_force`` and its
  evidence are read by every answer holding such a duty);
* a dispute: no gap (no resolution reads disputes); the ``OPEN_DISPUTE`` rows, which
  come last in the store's order, made again from the disputes;
* anything else — a department (its successors, lines and counterparts reach far), an
  item or a region (the trees, and the order of every row), the law, a region group, a
  behaviour or a business form — is not proven local: ``None``, the whole scan runs. So
  does a change reaching more than :data:`PATCH_SITES` sites.

:func:`encoded` makes an answer as the whole scan prints it (``dumps`` of the rows,
row by row) and what a later patch needs: each row's site and length, and the orders the
rows are sorted by (the scan's regions, the items), which only an item or region change
— never patched — could change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..analysis.conflicts import CONFLICT_KINDS, conflicts_at, open_disputes
from ..analysis.gaps import gaps_at, scope
from ..graph import DutyGraph, walk_down
from ..questions import rows as answer_rows
from ..reader import GraphReader
from ..serialize import conflict_dict, dumps, gap_dict

__all__ = ["PATCH_SITES", "encoded", "kept_answer", "patch"]

#: a change reaching more (item, region) sites than this is not patched (the whole scan
#: costs less than resolving them one by one from the store's rows)
PATCH_SITES = 2_000
#: the kinds of record whose change is proven local (see the module docstring)
_LOCAL = frozenset({"duty", "basis", "dispute"})

Rows = Sequence[dict[str, Any]]


def kept_answer(
    g: GraphReader,
    scan: str,
    region: str | None,
    as_of: str,
    kinds: Sequence[str] | None,
    stream: Callable[[dict[str, Any]], None] | None = None,
) -> bytes:
    """The JSON of ``scan`` on ``g``, a reader that keeps answers per state
    (:meth:`~dutygraph.store.sqlite.reader.SqliteReader.kept_answer`): this state's kept
    one, else the answer of an older state brought up to this one (:func:`patch`), else
    the whole scan (each row handed to ``stream`` as soon as it is built), kept with what
    a later patch needs (:func:`encoded`)."""

    def compute() -> tuple[bytes, Any]:
        rows = []
        for row in answer_rows(g, scan, region=region, as_of=as_of, kinds=kinds):
            if stream is not None:
                stream(row)
            rows.append(row)
        return encoded(g, scan, region, rows)

    def patched(old: bytes, index: Any, changes: list[Any]) -> tuple[bytes, Any] | None:
        return patch(g, scan, as_of, kinds, old, index, changes)

    key = answer_key(scan, region, as_of, kinds)
    kept = g.kept_answer  # type: ignore[attr-defined]
    return kept(key, compute, patched if scan in ("gaps", "conflicts") else None)  # type: ignore[no-any-return]


def answer_key(scan: str, region: str | None, as_of: str, kinds: Sequence[str] | None) -> str:
    """What names a scan's answer among those a store keeps: the scan and each argument that
    changes its rows."""
    return dumps([scan, region, as_of, list(kinds or ())]).decode()


def _graph_of(g: GraphReader) -> DutyGraph | None:
    if isinstance(g, DutyGraph):
        return g
    whole = getattr(g, "whole", None)
    return whole() if whole is not None else None


def encoded(g: GraphReader, scan: str, region: str | None, rows: Rows) -> tuple[bytes, Any]:
    """``rows`` (the whole ``scan``'s, of ``region``'s subtree) as :func:`dumps` writes the
    list, and what :func:`patch` needs of it (``None``: not patched; plain values)."""
    pieces = [dumps(row) for row in rows]
    data = b"[" + b",".join(pieces) + b"]"
    whole = _graph_of(g) if scan in ("gaps", "conflicts") else None
    if whole is None:
        return data, None
    codes = scope(whole, region)
    index: dict[str, Any] = {
        "scan": scan,
        "items": [row["item"] for row in rows],
        "regions": [row["region"] for row in rows],
        "lengths": [len(p) for p in pieces],
    }
    if scan == "gaps":
        index["scope"] = codes
        index["region_tree"] = [(c, r.parent) for c, r in whole.regions.items()]
        index["item_tree"] = [(i, it.parent) for i, it in whole.items.items()]
    else:
        in_scope = set(codes)
        index["scope"] = [c for c in scope(whole, None) if c in in_scope]
        index["tail"] = sum(1 for row in rows if row["kind"] == "OPEN_DISPUTE")
    return data, index


def patch(
    g: GraphReader,
    scan: str,
    as_of: str,
    kinds: Iterable[str] | None,
    old: bytes,
    index: Any,
    changes: list[Any],
) -> tuple[bytes, Any] | None:
    """The answer of ``scan`` (``kinds``: only those, as the scan was asked) on ``g`` — the
    store's reader at its current state — from ``old``, the answer of an older state
    (``index``: what :func:`encoded` or this kept of it), and ``changes``, the change sets
    from that state to this one ((records, duty columns), oldest first). ``None``: a change
    not proven local, too many sites, or an ``index`` of another kind (the whole scan)."""
    try:
        if index["scan"] != scan or len(index["lengths"]) != len(index["items"]):
            return None
        pieces = _pieces(old, index["lengths"])
    except (KeyError, TypeError, ValueError):
        return None
    if pieces is None:
        return None
    records = [rec for recs, duties in changes for rec in (*recs, *(duties or ()))]
    labels = {rec.label for rec in records}
    if not labels <= _LOCAL:
        return None
    sites = {(d.item, d.region) for d in records if d.label == "duty"}
    for basis in {rec.id for rec in records if rec.label == "basis"}:
        sites.update((d.item, d.region) for d in g.duties_resting_on(basis))
    if scan == "gaps":
        return _gaps(g, as_of, kinds, pieces, index, sites)
    return _conflicts(g, as_of, kinds, pieces, index, sites, "dispute" in labels)


def _pieces(old: bytes, lengths: list[int]) -> list[bytes] | None:
    """Each row's JSON in ``old`` (``[`` the rows joined by ``,`` ``]``), by their lengths."""
    pieces, at = [], 1
    for n in lengths:
        pieces.append(old[at : at + n])
        at += n + 1
    if (at if lengths else 2) != len(old) or old[:1] != b"[" or old[-1:] != b"]":
        return None
    return pieces


def _below(tree: list[tuple[str, str | None]]) -> Callable[[str], list[str]]:
    """For a node, the node and those under it: those whose path (through nodes of
    ``tree`` only, as :meth:`DutyGraph.region_path` and ``item_path`` walk it) passes
    through it (none for a node ``tree`` does not hold). The children are read once."""
    known = {node for node, _ in tree}
    children: dict[str, list[str]] = {}
    for node, parent in tree:
        if parent and parent in known:
            children.setdefault(parent, []).append(node)

    def below(top: str) -> list[str]:
        return walk_down(top, children.get) if top in known else []

    return below


def _gaps(
    g: GraphReader,
    as_of: str,
    kinds: Iterable[str] | None,
    pieces: list[bytes],
    index: dict[str, Any],
    sites: set[tuple[str, str]],
) -> tuple[bytes, Any] | None:
    if not sites:  # disputes only: no resolution reads them
        return b"[" + b",".join(pieces) + b"]", index
    region_rank = {code: k for k, code in enumerate(index["scope"])}
    item_rank = {item: k for k, (item, _) in enumerate(index["item_tree"])}
    items_below, regions_below = _below(index["item_tree"]), _below(index["region_tree"])
    touched: set[tuple[str, str]] = set()
    for item, region in sites:
        items = items_below(item)
        regions = [r for r in regions_below(region) if r in region_rank]
        touched.update((i, r) for i in items for r in regions)
        if len(touched) > PATCH_SITES:
            return None

    def rank(item: str, region: str) -> tuple[int, int]:
        return region_rank[region], item_rank[item]

    rows = [
        (rank(item, region), item, region, piece)
        for item, region, piece in zip(index["items"], index["regions"], pieces, strict=True)
        if (item, region) not in touched
    ]
    for gap in gaps_at(g, sorted(touched, key=lambda s: rank(*s)), as_of, kinds):
        rows.append((rank(gap.item, gap.region), gap.item, gap.region, dumps(gap_dict(g, gap))))
    rows.sort(key=lambda r: r[0])  # stable: a site's rows keep their order
    return _answer(rows, index)


def _conflicts(
    g: GraphReader,
    as_of: str,
    kinds: Iterable[str] | None,
    pieces: list[bytes],
    index: dict[str, Any],
    sites: set[tuple[str, str]],
    disputes: bool,
) -> tuple[bytes, Any] | None:
    wanted = set(kinds) if kinds else set(CONFLICT_KINDS)
    region_rank = {code: k for k, code in enumerate(index["scope"])}
    touched = {(item, region) for item, region in sites if region in region_rank}
    if len(touched) > PATCH_SITES:
        return None
    body = len(pieces) - index["tail"]
    if body < 0:
        return None

    def rank(item: str, region: str) -> tuple[int, str]:
        return region_rank[region], item

    rows: list[tuple[Any, str, str, bytes]] = [
        (rank(item, region), item, region, piece)
        for item, region, piece in zip(
            index["items"][:body], index["regions"][:body], pieces[:body], strict=True
        )
        if (item, region) not in touched
    ]
    for item, region in sorted(touched, key=lambda s: rank(*s)):
        for c in conflicts_at(g, item, region, as_of, wanted):
            rows.append((rank(item, region), item, region, dumps(conflict_dict(g, c, as_of))))
    rows.sort(key=lambda r: r[0])
    if disputes and "OPEN_DISPUTE" in wanted:  # last, in the store's order, made again
        tail = [
            (None, c.item, c.region, dumps(conflict_dict(g, c, as_of)))
            for c in open_disputes(g, set(region_rank), as_of)
        ]
    else:
        tail = list(
            zip(
                [None] * (len(pieces) - body),
                index["items"][body:],
                index["regions"][body:],
                pieces[body:],
                strict=True,
            )
        )
    return _answer([*rows, *tail], {**index, "tail": len(tail)})


def _answer(
    rows: Sequence[tuple[Any, str, str, bytes]], index: dict[str, Any]
) -> tuple[bytes, Any]:
    """The answer of ``rows`` (rank, item, region, JSON) in their order, and its index."""
    data = b"[" + b",".join(r[3] for r in rows) + b"]"
    return data, {
        **index,
        "items": [r[1] for r in rows],
        "regions": [r[2] for r in rows],
        "lengths": [len(r[3]) for r in rows],
    }
