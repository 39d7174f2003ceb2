"""A law corpus as an import: ``dutygraph load laws/`` (SPEC §6).

:func:`read_corpus_batch` reads a corpus folder or archive
(:func:`~dutygraph.io.laws.parse.read_corpus`) into a
:class:`~dutygraph.io.bundle.Batch` of :class:`~dutygraph.model.Law`,
:class:`~dutygraph.model.LawVersion` and :class:`~dutygraph.model.LawArticle`
records, for the importer to write all or nothing like any input.

A corpus loads *over* what the store has:

* a store that holds no corpus answers from the one the package ships; the
  first corpus loaded into it comes on top of that one (the packaged acts are
  written too, and the loaded texts win where both have a version), so a
  small corpus never hides the national one;
* an act the store already holds keeps its versions; the loaded ones are
  added (a new version closes the one before it on its effective date), so
  a newer corpus loads as new versions and nothing is deleted.

Loading the same corpus again changes nothing. Each file that cannot be read
well is a located warning (file and line) and the rest is read.

>>> from dutygraph.io.laws import SAMPLE_CORPUS
>>> batch = read_corpus_batch(SAMPLE_CORPUS, packaged=False)
>>> sorted(batch.counts().items())
[('article', 445), ('law', 4), ('law_version', 5)]
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ...model import Law, LawArticle, Origin
from ..bundle import Batch, Row
from .parse import PACKAGED_CORPUS, read_corpus
from .prepared import packaged_records
from .records import corpus_records

__all__ = ["merge_law_records", "read_corpus_batch"]


def read_corpus_batch(
    path: str | os.PathLike[str],
    graph: Any = None,
    *,
    packaged: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Batch:
    """The corpus at ``path`` as records to import over ``graph``'s (see the module docstring).

    ``packaged=False`` leaves the packaged corpus out even when ``graph`` holds none.
    """
    p = Path(path)
    corpus = read_corpus(p, progress)
    new = list(corpus_records(corpus))
    own = graph.table("law") if graph is not None else {}
    if own:
        acts = {r.id for r in new if r.label == "law"}
        old = _stored(graph, acts)
    elif packaged and p.resolve() != PACKAGED_CORPUS.resolve():
        # the packaged acts from their prepared file, without the articles of the versions
        # this corpus brings (its own replace them)
        mine = {r.id for r in new if r.label == "law_version"}
        old = packaged_records(skip_versions=mine)
    else:
        old = []
    records = merge_law_records(old, new, keep_old=not own) if old else new
    batch = Batch(sources=[str(p)])
    batch.problems.extend(corpus.problems)
    label = p.name
    batch.rows = [Row(r, r.origin or Origin(label)) for r in records]
    return batch


def _stored(graph: Any, acts: set[str]) -> list[Any]:
    """The store's records of the acts ``acts`` (which a load merges with)."""
    laws = graph.table("law")
    versions = graph.table("law_version")
    articles = graph.table("article")
    out: list[Any] = [laws[a] for a in acts if a in laws]
    out.extend(v for v in versions.values() if v.law in acts)
    for a in acts:
        out.extend(articles.group(a))
    return out


def merge_law_records(old: Iterable[Any], new: Iterable[Any], keep_old: bool = False) -> list[Any]:
    """``new`` law records over ``old``: per act, the union of their versions (a version of
    ``new`` replaces the one with its id), chained again in date order — each closed on the
    next one's effective date — and the act's life taken from its oldest and newest texts.

    Acts only ``new`` has are taken as they are; those only ``old`` has are left out (they
    do not change), or kept with ``keep_old``.
    """
    old_by: dict[str, dict[str, dict[str, Any]]] = {}
    new_by: dict[str, dict[str, dict[str, Any]]] = {}
    for into, records in ((old_by, old), (new_by, new)):
        for r in records:
            act = r.id if r.label == "law" else r.law
            into.setdefault(act, {}).setdefault(r.label, {})[r.id] = r
    out: list[Any] = []
    if keep_old:
        for act, theirs in old_by.items():
            if act not in new_by:
                out.extend(r for table in theirs.values() for r in table.values())
    for act, mine in new_by.items():
        theirs = old_by.get(act, {})
        if not theirs:
            out.extend(r for table in mine.values() for r in table.values())
            continue
        versions = {**theirs.get("law_version", {}), **mine.get("law_version", {})}
        chain = sorted(versions.values(), key=lambda v: (v.valid_from or "", v.publish or ""))
        newest_is_new = chain[-1].id in mine.get("law_version", {})
        for older, newer in itertools.pairwise(chain):
            versions[older.id] = dataclasses.replace(older, valid_to=newer.valid_from, expired=True)
        law_new: Law = next(iter(mine["law"].values()))
        law_old: Law | None = next(iter(theirs.get("law", {}).values()), None)
        law = law_new if newest_is_new or law_old is None else law_old
        starts = [x.valid_from for x in (law_new, law_old) if x is not None and x.valid_from]
        law = dataclasses.replace(law, valid_from=min(starts) if starts else None)
        out.append(law)
        out.extend(versions[v.id] for v in chain)
        articles: dict[str, LawArticle] = {
            **theirs.get("article", {}),
            **mine.get("article", {}),
        }
        out.extend(articles.values())
    return out
