"""Read the lists governments publish — power lists, key-item and joint-inspection lists,
the division-code table — as laid out for printing, driven by the mappings of
:mod:`dutygraph.io.mapping`.

What the reader copes with: a merged title row (it names the list, its owner
and often its date), one or two header rows with merged cells, merged cells
spanning sub-items (the value carries down; in a CSV file an empty cell of a
sub-item row takes its main item's), blank rows, repeated header rows,
trailing note rows (``备注：…``), full-width digits and punctuation (folded
with NFKC), multi-line cells and numbered lists inside a cell.

What it makes (``kind = "duties"``): an :class:`~dutygraph.model.Item` per
main item and per sub-item (its ``parent`` the main item); a duty for each
implementing, lead (``牵头``/``发起``) and assisting (``配合``) department, in
that department's region; one :class:`~dutygraph.model.LegalBasis` per
provision cited (:mod:`dutygraph.io.citations`; the import resolves each to
the law corpus's article, :mod:`dutygraph.io.laws.cite`), a cell with no
readable citation kept as text on the duty; departments that are not in the store, created
with a warning. A main item whose sub-items share a lead gets that lead too.
``kind = "regions"`` makes the region tree from GB/T 2260 codes.

Versions: each import of a list is a version. Its duties are valid from the
list's effective date (``effective=``, else a date in the title or note rows
next to 施行/生效/起, else none); their ``source`` is ``LIST#ROW`` and their
origin carries the version. :func:`apply_versions` (called by the importer
inside the store's write) compares the new version with the open duties of
the same list and closes the ones it no longer has at its effective date.

>>> import tempfile, pathlib
>>> from dutygraph.fixtures import demo_graph
>>> p = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
>>> _ = p.write_text("序号,事项名称,职权类型,实施依据,实施主体\\n1,对未取得食品经营许可从事食品经营活动的处罚,行政处罚,《食品安全法》第一百二十二条,锦江区市场监管局\\n", "utf-8")
>>> batch = read_published_list(p, graph=demo_graph(), effective="2024-01-01")
>>> [(d.department, d.role, d.region, d.source) for d in (r.record for r in batch.rows) if d.label == "duty"]
[('JJ-SCJ', 'lead', '510104', 'power_list:list#2')]

The package follows the reader's steps: :mod:`~dutygraph.io.lists.sheets`
reads a file's cells and finds its header, title and note rows;
:mod:`~dutygraph.io.lists.values` parses what one cell says (department names,
levels, power types); :mod:`~dutygraph.io.lists.records` turns rows into
records, matching departments, items and laws;
:mod:`~dutygraph.io.lists.divisions` reads the GB/T 2260 division-code table;
:mod:`~dutygraph.io.lists.read` drives them over a file; and
:mod:`~dutygraph.io.lists.versions` folds list versions into the store's
history.
"""

from __future__ import annotations

from .read import read_published_list
from .records import ListBatch
from .versions import ListVersion, apply_versions, diff_versions, list_versions

__all__ = [
    "ListBatch",
    "ListVersion",
    "apply_versions",
    "diff_versions",
    "list_versions",
    "read_published_list",
]
