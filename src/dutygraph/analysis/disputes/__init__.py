"""Jurisdiction disputes (管辖争议): record, evidence, statutory route, decision, history.

A coordinator opens a dispute between departments over a subject — an item, a
business form, or an enforcement case with its place and the date each party
filed it — in a region. Its status runs ``open`` → ``coordinating`` →
``decided``, or ends ``withdrawn``. The read side takes the graph first:

* :func:`evidence` — each party's duties on the subject with their bases
  (law and article), sources and validity, what the resolution rules give it
  today, and settled precedents that resemble the subject (业务相近);
* :func:`route` — the statutory route, computed and explained: for
  enforcement jurisdiction the 行政处罚法 (第二十二条 place, 第二十三条 level,
  第二十五条 first to file, negotiation, designation by the common superior);
  for duty disputes the establishment-administration body (机构编制部门) of the
  nearest common government; who coordinates; and the rule that parties keep
  their current duties while coordination runs.

The write side takes the store first and changes it only through
``store.write(plan)``, one log entry per change (``op``, ``dispute``, ``by``,
``at``): :func:`open_dispute`, :func:`dispute_from_conflict`,
:func:`set_status`, :func:`decide`, :func:`withdraw`. A decision on an item
closes the losing parties' lead duties on it in the region at the decision date
and opens the decided ones with a basis of kind ``decision`` (``DEC-<id>``), so
who-leads answers change at that date and not before. Nothing is overwritten:
closed duties keep their rows, and :func:`dispute_history` reads the
append-only log.

>>> from dutygraph.fixtures import demo_graph
>>> from dutygraph.model import Dispute
>>> d = Dispute("DSP-X", ("CD-ZJJ", "CD-YJJ"), "I-SELFBUILT", "510100", "2025-01-10")
>>> r = route(demo_graph(), d, as_of="2025-01-10")
>>> r["common_superior"]["name"], r["coordinator"]["department"]["id"]
('成都市人民政府', 'CD-BB')
>>> r["interim"]["current_leads"]
['CD-YJJ', 'CD-ZJJ']

The package keeps each side apart: :mod:`~dutygraph.analysis.disputes.records`
finds, lists and shows disputes; :mod:`~dutygraph.analysis.disputes.evidence`
gathers each party's duties and the precedents;
:mod:`~dutygraph.analysis.disputes.routing` works out the statutory route; and
:mod:`~dutygraph.analysis.disputes.lifecycle` opens, moves, decides and
withdraws them through the store.
"""

from __future__ import annotations

from .evidence import evidence
from .lifecycle import (
    decide,
    dispute_from_conflict,
    dispute_history,
    open_dispute,
    set_status,
    withdraw,
)
from .records import DISPUTE_KINDS, STATUSES, find_dispute, list_disputes
from .records import dispute_dict as dispute_dict
from .routing import ESTABLISHMENT as ESTABLISHMENT
from .routing import INTERIM_RULE as INTERIM_RULE
from .routing import JUSTICE as JUSTICE
from .routing import PENALTY_LAW as PENALTY_LAW
from .routing import hierarchy as hierarchy
from .routing import route

__all__ = [
    "DISPUTE_KINDS",
    "STATUSES",
    "decide",
    "dispute_from_conflict",
    "dispute_history",
    "evidence",
    "find_dispute",
    "list_disputes",
    "open_dispute",
    "route",
    "set_status",
    "withdraw",
]
