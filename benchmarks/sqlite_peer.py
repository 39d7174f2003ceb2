"""The honest peer: SPEC §3 who-leads done by SQLite itself, on the embedded store's own file.

It reads the store's tables with SQL — a recursive CTE for both trees and the
nearest duties in one query, then indexed look-ups for successors,
counterparts by line (``json_each`` over a department's lines) and vertical
lines — and answers the lead departments' ids. No dutygraph code runs in it;
:func:`check` holds it to ``who_leads`` on random pairs, so the figures set
side by side compute the same answers.

    python benchmarks/sqlite_peer.py STORE.db [--pairs 3000]   # the equality check alone

and ``peer_app(path)`` is the Starlette + SQLite endpoint ``benchmarks/http_json.py`` serves
(``python benchmarks/sqlite_peer.py STORE.db --serve``).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

# CROSS JOIN keeps SQLite's planner to this order (both paths, then the duties by the
# (item, region, role) index): left to itself, at national size it searched the duties by
# item alone, every duty of the item's path (p50 16 ms instead of 70 us, same answers).
NEAREST = """
WITH RECURSIVE
  rp(id, parent, depth) AS (
    SELECT id, parent, 0 FROM region WHERE id = :region
    UNION ALL SELECT r.id, r.parent, rp.depth + 1 FROM region r JOIN rp ON r.id = rp.parent),
  ip(id, parent, depth) AS (
    SELECT id, parent, 0 FROM item WHERE id = :item
    UNION ALL SELECT i.id, i.parent, ip.depth + 1 FROM item i JOIN ip ON i.id = ip.parent)
SELECT d.department, d.line, rp.depth, ip.depth
FROM rp CROSS JOIN ip CROSS JOIN duty d ON d.item = ip.id AND d.region = rp.id AND d.role = 'lead'
WHERE (d.valid_from IS NULL OR d.valid_from <= :as_of) AND (d.valid_to IS NULL OR :as_of < d.valid_to)
ORDER BY rp.depth, ip.depth, d.rowid
"""
PATH = """
WITH RECURSIVE rp(id, parent, depth) AS (
  SELECT id, parent, 0 FROM region WHERE id = ?
  UNION ALL SELECT r.id, r.parent, rp.depth + 1 FROM region r JOIN rp ON r.id = rp.parent)
SELECT id FROM rp ORDER BY depth
"""
DEPT = "SELECT valid_from, valid_to, successor, vertical, systems FROM department WHERE id = ?"
OF_LINE = """SELECT d.id FROM department d WHERE d.region = ?
  AND EXISTS (SELECT 1 FROM json_each(d.systems) WHERE value = ?) ORDER BY d.rowid"""


class SqlitePeer:
    """who-leads answered by SQL over one connection to the store file."""

    def __init__(self, path: str | Path) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False)

    def _current(self, dept: str, as_of: str) -> str | None:
        passed: list[str] = []
        row = self.conn.execute(DEPT, (dept,)).fetchone()
        while row is not None:
            start, end, successor = row[0], row[1], row[2]
            if (start is None or start <= as_of) and (end is None or as_of < end):
                return dept
            if start is not None and as_of < start:
                return None
            passed.append(dept)
            if not successor or successor in passed:
                return None
            dept = successor
            row = self.conn.execute(DEPT, (dept,)).fetchone()
        return None

    def who_leads(self, item: str, region: str, as_of: str) -> list[str]:
        """The ids of the departments leading ``item`` (id) in ``region`` (code) at ``as_of``."""
        rows = self.conn.execute(
            NEAREST, {"item": item, "region": region, "as_of": as_of}
        ).fetchall()
        if not rows:
            return []
        depth, idepth = rows[0][2], rows[0][3]
        duties = [(dep, line) for dep, line, d, i in rows if d == depth and i == idepth]
        out: dict[str, None] = {}
        if depth == 0:  # explicit: the region's own duties, successors followed
            for dep, _ in duties:
                cur = self._current(dep, as_of)
                if cur is not None:
                    out[cur] = None
            return list(out)
        path = [r[0] for r in self.conn.execute(PATH, (region,))][: depth + 1]
        for dep, line in duties:
            up = self.conn.execute(DEPT, (dep,)).fetchone()
            if up is None:
                continue
            lines = [line] if line else json.loads(up[4])
            for ln in lines:
                for reg in path if up[3] else path[:1]:  # vertical: nearest covering region
                    hits = [
                        cur
                        for (d,) in self.conn.execute(OF_LINE, (reg, ln)).fetchall()
                        if (cur := self._current(d, as_of)) is not None
                    ]
                    for cur in hits:
                        out[cur] = None
                    if hits:
                        break
        return list(out)


def random_pairs(path: str | Path, n: int, seed: int = 17) -> list[tuple[str, str]]:
    """``n`` random (item, region) pairs of the store (items applying at every level)."""
    conn = sqlite3.connect(path)
    items = [r[0] for r in conn.execute("SELECT id FROM item ORDER BY rowid")]
    regions = [r[0] for r in conn.execute("SELECT id FROM region ORDER BY rowid")]
    conn.close()
    rnd = random.Random(seed)
    return [(rnd.choice(items), rnd.choice(regions)) for _ in range(n)]


def check(path: str | Path, pairs: list[tuple[str, str]], as_of: str) -> tuple[int, list[Any]]:
    """How many of ``pairs`` the peer answers as ``who_leads`` does, and the first that differ."""
    from dutygraph.analysis.resolve import who_leads
    from dutygraph.store import EmbeddedStore

    g = EmbeddedStore(path).graph()
    peer = SqlitePeer(path)
    same, differ = 0, []
    for item, region in pairs:
        want = sorted(who_leads(g, item, region, as_of).departments())
        got = sorted(peer.who_leads(item, region, as_of))
        if want == got:
            same += 1
        elif len(differ) < 5:
            differ.append((item, region, want, got))
    return same, differ


def peer_app(path: str | Path) -> Any:
    """Starlette + SQLite: ``GET /peer/lead?item=&region=&asOf=`` → the lead ids, as JSON."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    local = threading.local()

    def peer() -> SqlitePeer:
        p = getattr(local, "peer", None)
        if p is None:
            p = local.peer = SqlitePeer(path)
        return p

    async def lead(request: Request) -> JSONResponse:
        q = request.query_params
        found = peer().who_leads(q["item"], q["region"], q.get("asOf", "2025-06-01"))
        return JSONResponse({"item": q["item"], "region": q["region"], "departments": found})

    return Starlette(routes=[Route("/peer/lead", lead)])


def serve(path: Path) -> None:
    """Serve :func:`peer_app` on a free port of 127.0.0.1 as ``dutygraph serve`` does; print its URL."""
    import socket

    import uvicorn

    config = uvicorn.Config(peer_app(path), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    config.load()
    sock = config.bind_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    print(f"peer: serving {path} at http://127.0.0.1:{sock.getsockname()[1]}/peer/lead", flush=True)
    server.run(sockets=[sock])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--pairs", type=int, default=3000)
    ap.add_argument("--as-of", default="2025-06-01")
    ap.add_argument("--serve", action="store_true", help="serve the HTTP peer instead")
    args = ap.parse_args()
    if args.serve:
        serve(args.store)
        return
    pairs = random_pairs(args.store, args.pairs)
    same, differ = check(args.store, pairs, args.as_of)
    print(f"SQLite peer = who_leads on {same} of {len(pairs)} random pairs")
    for d in differ:
        print("  differs:", d)
    sys.exit(0 if same == len(pairs) else 1)


if __name__ == "__main__":
    main()
