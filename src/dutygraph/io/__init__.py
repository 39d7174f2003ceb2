"""Readers: every input a user can import, turned into a :class:`~dutygraph.io.bundle.Batch`.

:func:`read_input` picks the reader from the path: a folder, or a CSV file or
workbook whose files or sheets are named after bundle tables, is a bundle
(SPEC §4); a ``.ttl``, ``.nt``, ``.jsonld`` or ``.json-ld`` file is RDF in
dutygraph's ontology (:mod:`dutygraph.io.rdf`); anything else goes to the
published-list loaders when they are installed, which detect the list format
from its headers. A folder or ``.tar.xz`` with a corpus ``index.csv`` is a law
corpus (:mod:`dutygraph.io.laws`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import LoadError
from .bundle import BUNDLE_TABLES, Batch, read_bundle
from .xlsx import sheet_names

__all__ = ["Batch", "read_input"]

#: RDF files (dutygraph's ontology) are read by :func:`dutygraph.io.rdf.read_rdf`
_RDF_SUFFIXES = (".ttl", ".nt", ".jsonld", ".json-ld")


def _is_bundle(path: Path) -> bool:
    if path.is_dir():
        return True
    if path.suffix.lower() == ".csv":
        return path.stem in BUNDLE_TABLES
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        names = {n[:-4] if n.lower().endswith(".csv") else n for n in sheet_names(path)}
        return bool(names & set(BUNDLE_TABLES))
    return False


def read_input(path: str | os.PathLike[str], **options: Any) -> Batch:
    """Read one input (see the module docstring for how its kind is chosen)."""
    p = Path(path)
    if not p.exists():
        raise LoadError(f"{p}: no such file or folder")
    stream = options.pop("stream_duties", None)  # a bundle's (dutygraph.importer.STREAM_FROM)
    fmt = options.get("format")
    if fmt in (None, "rdf") and p.suffix.lower() in _RDF_SUFFIXES:
        from .rdf import read_rdf  # rdflib/pyoxigraph are imported only for RDF

        return read_rdf(p)
    if fmt in (None, "laws"):
        from .laws import is_corpus, read_corpus_batch

        if fmt == "laws" or is_corpus(p):
            graph = options.get("graph")
            return read_corpus_batch(
                p,
                graph() if callable(graph) else graph,
                packaged=options.get("packaged", True),
                progress=options.get("progress"),
            )
    if (fmt in (None, "bundle")) and _is_bundle(p):
        return read_bundle(p, encoding=options.get("encoding"), stream=stream)
    try:
        from .lists import read_published_list
    except ImportError:
        raise LoadError(
            f"{p}: not a dutygraph bundle (a folder, or files/sheets named "
            f"{', '.join(BUNDLE_TABLES)}); published lists need the list loaders"
        ) from None
    return read_published_list(p, **options)
