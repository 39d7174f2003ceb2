"""Saved Cypher queries: one file per named question in ``queries/*.cypher``.

The Neo4j store runs these, and only these, for the answers it computes in the
database. Every value reaches a query as a parameter (``$item``, ``$region``,
``$as_of``...); no query text is ever built from user input. A file opens with
``//`` comments that say what it answers and which parameters it takes; the
comments are stripped before the text is sent (FalkorDB refuses a Bolt
message over ~4 KB, so every byte counts).

>>> sorted(cypher_names())[:3]
['active_duties', 'departments_by_id', 'departments_in']
>>> "$as_of" in cypher("who_leads")
True
>>> cypher("no_such_query")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
dutygraph.errors.NotFound: no saved Cypher query with id or name 'no_such_query'; saved: active_duties, departments_by_id, ..., who_assists, who_leads
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .errors import NotFound

__all__ = ["QUERY_DIR", "cypher", "cypher_names", "describe"]

#: where the saved queries live: ``queries/`` at the top of the source tree, shipped in the
#: package as ``saved_queries`` (a link to it in a checkout, the files in a wheel)
QUERY_DIR = Path(__file__).parent / "saved_queries"


def cypher_names() -> list[str]:
    """The names of the saved Cypher queries (file names without ``.cypher``)."""
    return sorted(p.stem for p in QUERY_DIR.glob("*.cypher"))


@cache
def _read(name: str) -> str:
    path = QUERY_DIR / f"{name}.cypher"
    if name not in cypher_names():
        raise NotFound("saved Cypher query", name, "saved: " + ", ".join(cypher_names()))
    return path.read_text("utf-8")


def cypher(name: str) -> str:
    """The text of the saved query ``name``, without its comment lines."""
    lines = [ln for ln in _read(name).splitlines() if not ln.lstrip().startswith("//")]
    return "\n".join(ln.rstrip() for ln in lines if ln.strip())


def describe(name: str) -> str:
    """The comment block that opens the query file: what it answers, its parameters."""
    out = []
    for ln in _read(name).splitlines():
        if not ln.lstrip().startswith("//"):
            break
        out.append(ln.lstrip()[2:].strip())
    return "\n".join(out)
