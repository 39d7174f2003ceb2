"""RDF export and import on dutygraph's published ontology (``ontology/dutygraph.ttl``).

Every record becomes one node with a stable IRI,
``https://w3id.org/dutygraph/id/<kind>/<id>`` (the id percent-encoded), typed
with dutygraph's class and the standard class it specialises, and described
with dutygraph's terms plus the standard ones:

* a department is an ``org:Organization`` and a ``cv:PublicOrganisation``,
  ``dct:spatial`` its government's region;
* an item led at the export's date is a ``cpsv:PublicService`` with its
  ``cv:hasCompetentAuthority`` as of that date (:mod:`~dutygraph.io.rdf.standard`);
* each region's government is a ``cv:PublicOrganisation`` with its departments
  as sub-organisations, and abolitions, mergers and successions are
  ``org:ChangeEvent`` nodes (:mod:`~dutygraph.io.rdf.org`);
* a duty is a qualified ``cv:Participation``: ``cv:role``, ``dct:spatial``,
  its validity and ``cv:hasLegalResource`` → a legal basis, which is an
  ``eli:LegalResource`` (``eli:LegalResourceSubdivision`` when it names an
  article); its dates are dutygraph's (the law corpus's ELI export has ELI's);
* regions form a ``skos:broader`` tree;
* a date is the ``xsd:dateTime`` of the start of that day in Beijing
  (``"2025-01-01T00:00:00+08:00"``) and a JSON cell its text, so that the
  ontology plus any export stays in OWL 2 DL (:func:`~dutygraph.io.rdf.terms.date_literal`);
* the file, sheet and row a record was read from is a ``prov:Entity`` the
  record ``prov:wasDerivedFrom``.

N-Triples and Turtle are written node by node from the graph in memory, never
building a second copy of it; JSON-LD builds an rdflib graph first (the JSON
document needs it). :func:`read_rdf` reads the same vocabulary back into a
:class:`~dutygraph.io.bundle.Batch`, so export → import → export gives an
isomorphic graph.

>>> import io
>>> from dutygraph.fixtures import demo_graph
>>> out = io.StringIO()
>>> write_rdf(demo_graph(), out, format="nt", item="I-ECIG") > 0
True
>>> node_iri("department", "N-SAMR")
'https://w3id.org/dutygraph/id/department/N-SAMR'

The package: :mod:`~dutygraph.io.rdf.terms` (IRIs, prefixes, literals),
:mod:`~dutygraph.io.rdf.mapping` (which record field is which predicate),
:mod:`~dutygraph.io.rdf.select` (which records a subset exports),
:mod:`~dutygraph.io.rdf.write` (records into triples and files),
:mod:`~dutygraph.io.rdf.standard` and :mod:`~dutygraph.io.rdf.org` (what the
standard profiles need beside the records: derived, never read back) and
:mod:`~dutygraph.io.rdf.read` (files back into records, checked).
"""

from __future__ import annotations

from .mapping import MAPPING as MAPPING
from .read import rdflib_graph_of, read_rdf
from .select import select_records
from .terms import FORMATS, ID_BASE, RDF_SUFFIXES, node_iri, record_of_iri
from .terms import PREFIXES as PREFIXES
from .terms import Lit as Lit
from .terms import _short as _short
from .write import record_nodes as record_nodes
from .write import to_rdflib, write_rdf

__all__ = [
    "FORMATS",
    "ID_BASE",
    "RDF_SUFFIXES",
    "node_iri",
    "rdflib_graph_of",
    "read_rdf",
    "record_of_iri",
    "select_records",
    "to_rdflib",
    "write_rdf",
]
