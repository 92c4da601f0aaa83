"""Outbound links: the triples from this graph's entities to other datasets, counted per target
dataset and link predicate, as a typed report and as VoID linksets for the dataset description.

A link is a triple whose subject is an IRI of this graph (under the base IRI), whose predicate is
one of :data:`LINK_PREDICATES` and whose object is an IRI elsewhere. Its target dataset is the one
whose IRI space the object starts with; an object in no known space is a page on the web (a
website), reported but not counted as a link to a dataset.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from belong_graph.errors import StoreMissing
from belong_graph.load import new_graph
from belong_graph.namespaces import DCMITYPE, DCTERMS, FOAF, OWL, RDF, SCHEMA, SKOS, VOID, curie
from belong_graph.sparql.bind import Values
from belong_graph.sparql.results import select
from belong_graph.store import GraphStore

LINKSETS_FILE = "linksets.json"

LINK_PREDICATES: tuple[URIRef, ...] = (
    OWL.sameAs,
    SCHEMA.sameAs,
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
    FOAF.homepage,
)


@dataclass(frozen=True)
class Target:
    """A dataset that the graph links to, known by the IRI space of its entities."""

    name: str  # a slug, used in IRIs
    title: str
    uri_space: str
    homepage: str
    dataset: bool = True  # False for pages on the web, which are not a linked-data dataset


TARGETS: tuple[Target, ...] = (
    Target("wikidata", "Wikidata", "http://www.wikidata.org/entity/", "https://www.wikidata.org/"),
    Target("ror", "Research Organization Registry (ROR)", "https://ror.org/", "https://ror.org/"),
    Target(
        "govuk",
        "GOV.UK organisations",
        "https://www.gov.uk/government/organisations/",
        "https://www.gov.uk/government/organisations",
    ),
    Target("orcid", "ORCID", "https://orcid.org/", "https://orcid.org/"),
    Target(
        "coar-resource-types",
        "COAR Resource Types",
        "http://purl.org/coar/resource_type/",
        "https://vocabularies.coar-repositories.org/resource_types/",
    ),
    Target(
        "dcmi-types",
        "DCMI Type Vocabulary",
        str(DCMITYPE),
        "https://www.dublincore.org/specifications/dublin-core/dcmi-type-vocabulary/",
    ),
    Target(
        "loc-relators",
        "Library of Congress relator terms",
        "http://id.loc.gov/vocabulary/relators/",
        "https://id.loc.gov/vocabulary/relators.html",
    ),
    Target(
        "elsst",
        "ELSST (European Language Social Science Thesaurus)",
        "https://elsst.cessda.eu/id/",
        "https://elsst.cessda.eu/",
    ),
)
WEB = Target("web", "Websites", "", "", dataset=False)

_LINKS = """
SELECT DISTINCT ?subject ?predicate ?object WHERE {
  # @values
  ?subject ?predicate ?object .
  FILTER (isIRI(?subject) && isIRI(?object)
          && STRSTARTS(STR(?subject), ?base) && !STRSTARTS(STR(?object), ?base))
}"""


@dataclass(frozen=True)
class Linkset:
    """The links of one predicate to one target dataset."""

    target: Target
    predicate: str  # the predicate's IRI
    triples: int


@dataclass(frozen=True)
class LinkReport:
    """Every linkset of the graph, in the order of :data:`TARGETS`, websites last."""

    linksets: tuple[Linkset, ...]

    @property
    def total(self) -> int:
        """Every outbound link, websites included."""
        return sum(linkset.triples for linkset in self.linksets)

    @property
    def dataset_links(self) -> int:
        """Links to linked-data datasets: websites are not counted."""
        return sum(linkset.triples for linkset in self.linksets if linkset.target.dataset)

    @property
    def datasets(self) -> tuple[Target, ...]:
        """The datasets linked to, each once."""
        linked = {linkset.target for linkset in self.linksets if linkset.target.dataset}
        return tuple(target for target in TARGETS if target in linked)


def target_of(iri: str) -> Target:
    """The dataset whose IRI space holds ``iri``, or :data:`WEB`."""
    return next((t for t in TARGETS if iri.startswith(t.uri_space)), WEB)


def link_report(store: GraphStore, *, base_iri: str) -> LinkReport:
    """Count the outbound links of the graph in ``store`` per target and predicate."""
    values: Values = {"predicate": LINK_PREDICATES, "base": ox.Literal(base_iri)}
    counts: dict[tuple[Target, str], int] = {}
    for row in select(store, _LINKS, values):
        predicate, target = str(row["predicate"].value), target_of(row["object"].value)
        counts[target, predicate] = counts.get((target, predicate), 0) + 1
    order = {t: i for i, t in enumerate((*TARGETS, WEB))}
    ranked = {p: i for i, p in enumerate(str(p) for p in LINK_PREDICATES)}
    keys = sorted(counts, key=lambda k: (order[k[0]], ranked[k[1]]))
    return LinkReport(tuple(Linkset(t, p, counts[t, p]) for t, p in keys))


def save_report(report: LinkReport, directory: Path) -> None:
    """Write the report into a build folder, for :func:`read_report`."""
    rows = [{**asdict(ls), "target": ls.target.name} for ls in report.linksets]
    (directory / LINKSETS_FILE).write_text(json.dumps(rows, indent=1) + "\n")


def read_report(directory: Path) -> LinkReport:
    """The report a build wrote into ``directory``."""
    path = directory / LINKSETS_FILE
    if not path.exists():
        raise StoreMissing(
            f"The store at {directory} was built without linksets: run `belong-graph build`."
        )
    targets = {t.name: t for t in (*TARGETS, WEB)}
    rows = json.loads(path.read_text())
    return LinkReport(tuple(Linkset(**{**row, "target": targets[row["target"]]}) for row in rows))


def void_linksets(report: LinkReport, *, dataset: str, base_iri: str) -> Graph:
    """The report as VoID: a ``void:Linkset`` per target dataset and predicate, subsets of
    ``dataset``, and each target as a ``void:Dataset`` with its IRI space."""
    graph = new_graph()
    graph.bind("void", VOID)
    subjects = URIRef(dataset)
    for linkset in report.linksets:
        if not linkset.target.dataset:
            continue
        target = _target_node(graph, linkset.target, base_iri)
        predicate = _shown(linkset.predicate).replace(":", "-").lower()  # owl-sameas
        node = URIRef(f"{base_iri}id/linkset/{linkset.target.name}-{predicate}")
        graph.add((node, RDF.type, VOID.Linkset))
        graph.add((subjects, VOID.subset, node))
        graph.add((node, VOID.subjectsTarget, subjects))
        graph.add((node, VOID.objectsTarget, target))
        graph.add((node, VOID.target, subjects))
        graph.add((node, VOID.target, target))
        graph.add((node, VOID.linkPredicate, URIRef(linkset.predicate)))
        graph.add((node, VOID.triples, Literal(linkset.triples)))
    return graph


def _target_node(graph: Graph, target: Target, base_iri: str) -> URIRef:
    node = URIRef(f"{base_iri}id/dataset/{target.name}")
    graph.add((node, RDF.type, VOID.Dataset))
    graph.add((node, DCTERMS.title, Literal(target.title, lang="en")))
    graph.add((node, VOID.uriSpace, Literal(target.uri_space)))
    graph.add((node, FOAF.homepage, URIRef(target.homepage)))
    return node


def format_report(report: LinkReport) -> str:
    """The report as a table for the command line: per target, predicate and count; totals."""
    rows = [("target", "predicate", "links")]
    rows += [(ls.target.title, _shown(ls.predicate), str(ls.triples)) for ls in report.linksets]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>5}" for a, b, c in rows]
    datasets = ", ".join(t.title for t in report.datasets)
    lines.append(
        f"Total: {report.total} links; {report.dataset_links} to "
        f"{len(report.datasets)} datasets ({datasets}), websites not counted."
    )
    return "\n".join(lines) + "\n"


def _shown(iri: str) -> str:
    return curie(iri) or f"<{iri}>"
