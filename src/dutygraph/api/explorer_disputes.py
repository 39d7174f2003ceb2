"""The explorer's disputes board for coordinators: what it reads, and the mutations it sends.

``GET /explorer/disputes?region=…&as_of=…`` answers :func:`board`: every
dispute in the region's subtree (open and coordinating first, then the
settled ones) with its evidence, statutory route and history — each exactly
what :mod:`dutygraph.analysis.disputes` gives (``dutygraph dispute show|route
--json``), plus Chinese sentences (:mod:`dutygraph.explain`) — and the
conflicts that could become a dispute. The board's forms send the GraphQL
mutations of :mod:`dutygraph.api.disputes` (:data:`MUTATIONS`) to
``/graphql`` with the coordinator's bearer token: the same rules, errors and
audit log as the CLI; nothing here writes.

>>> import os, tempfile
>>> from dutygraph.fixtures import DEMO_PATH
>>> from dutygraph.importer import load
>>> from dutygraph.store import EmbeddedStore
>>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "doc.db"))
>>> _ = load(store, [DEMO_PATH])
>>> out = board(store, None, "2025-06-01")
>>> out["disputes"], [(c["item"], c["region"]) for c in out["conflicts"]][:1]
([], [('I-MEDBEAUTY', '510000')])
>>> from dutygraph.analysis import disputes as dsp
>>> d = dsp.dispute_from_conflict(store, "I-SELFBUILT", "510100", "2025-06-01", by="doc")
>>> row = board(store, "成都市", "2025-06-01")["disputes"][0]
>>> row["id"], row["status_zh"], row["history"][0]["op_zh"], row["route"]["coordinator"]["name"]
('DSP-0001', '待协调', '立案', '中共成都市委机构编制委员会办公室')
>>> store.close()
"""

from __future__ import annotations

from typing import Any

from ..analysis import disputes as dsp
from ..analysis.conflicts import PENDING, find_conflicts
from ..explain import (
    DISPUTE_KIND_ZH,
    OP_ZH,
    STATUS_ZH,
    explain_conflict,
    explain_dispute,
    explain_route,
    kind_zh,
    names_of,
)
from ..serialize import conflict_dict
from ..store.base import Store

__all__ = ["BOARD_QUERY", "MUTATIONS", "board"]

#: the board's actions: one GraphQL mutation each (dutygraph/api/disputes.py), sent as is
MUTATIONS = {
    "open": (
        "mutation OpenDispute($parties: [String!]!, $subject: String!, $region: String!, "
        "$raisedOn: Date!, $kind: DisputeKind!, $by: String) {\n"
        "  openDispute(parties: $parties, subject: $subject, region: $region, "
        "raisedOn: $raisedOn, kind: $kind, by: $by) { status }\n}"
    ),
    "from_conflict": (
        "mutation DisputeFromConflict($item: String!, $region: String!, $asOf: Date, "
        "$by: String) {\n"
        "  disputeFromConflict(item: $item, region: $region, asOf: $asOf, by: $by) { status }\n}"
    ),
    "coordinate": (
        "mutation CoordinateDispute($id: String!, $on: Date, $note: String!, $by: String) {\n"
        "  coordinateDispute(id: $id, on: $on, note: $note, by: $by) { status }\n}"
    ),
    "withdraw": (
        "mutation WithdrawDispute($id: String!, $on: Date, $note: String!, $by: String) {\n"
        "  withdrawDispute(id: $id, on: $on, note: $note, by: $by) { status }\n}"
    ),
    "decide": (
        "mutation DecideDispute($id: String!, $lead: String!, $assists: [String!], "
        "$decidedOn: Date, $decider: String!, $reasoning: String!, $rule: String!, "
        "$allowNonParty: Boolean!, $by: String) {\n"
        "  decideDispute(id: $id, lead: $lead, assists: $assists, decidedOn: $decidedOn, "
        "decider: $decider, reasoning: $reasoning, rule: $rule, "
        "allowNonParty: $allowNonParty, by: $by) { status }\n}"
    ),
}

#: what "open in GraphiQL" shows for the board
BOARD_QUERY = """query DisputeBoard($region: String, $id: String!, $asOf: Date) {
  disputes(region: $region) { nodes { key subject status raisedOn parties { key name } } }
  disputeRoute(id: $id, asOf: $asOf) {
    kind commonSuperior { name } coordinatorName coordinator { key name }
    interimRule interimLeads { key name } steps { step rule explain } }
  disputeEvidence(id: $id, asOf: $asOf) {
    subject items { key name }
    parties { department { key name } claim duties { role source bases { title article issuer inForce } } } }
  disputeHistory(id: $id) { at op by status on note }
}"""

_ORDER = {"open": 0, "coordinating": 1, "decided": 2, "withdrawn": 3}


def board(store: Store, region: str | None, as_of: str) -> dict[str, Any]:
    """The disputes in ``region``'s subtree (all without one), pending first, each explained."""
    g = store.graph()
    rows = []
    ids: set[str] = set()
    for d in sorted(dsp.list_disputes(g, None, region), key=lambda d: (_ORDER[d.status], d.id)):
        row = dsp.dispute_dict(g, d)
        route = dsp.route(g, d, as_of)
        history = dsp.dispute_history(store, d.id)
        for entry in history:
            entry["op_zh"] = OP_ZH.get(entry.get("op", ""), entry.get("op", ""))
        row.update(
            status_zh=STATUS_ZH.get(d.status, d.status),
            kind_zh=DISPUTE_KIND_ZH.get(row["kind"], row["kind"]),
            pending=d.status in PENDING,
            explain=explain_dispute(g, row),
            evidence=dsp.evidence(g, d, as_of),
            route=route,
            route_zh=explain_route(g, route),
            history=history,
        )
        ids.update(d.parties)
        ids.add(d.region)
        rows.append(row)
    top = g.find("region", region).code if region else None
    open_ = [
        c
        for c in find_conflicts(g, top, as_of, ("MULTIPLE_LEADS", "SOURCE_DISAGREEMENT"))
        if not any(
            x.status in PENDING and x.subject == c.item and x.region == c.region
            for x in g.disputes.values()
        )
    ]
    conflicts = []
    seen: set[tuple[str, str]] = set()
    for c in open_:
        if (c.item, c.region) in seen:  # one dispute covers every kind at an item and region
            continue
        seen.add((c.item, c.region))
        row = conflict_dict(g, c, as_of)
        row.update(explain=explain_conflict(g, row), kind_zh=kind_zh(row["kind"]))
        conflicts.append(row)
        ids.update([c.item, c.region, *c.departments])
    return {
        "as_of": as_of,
        "disputes": rows,
        "conflicts": conflicts,
        "names": names_of(g, ids),
    }
