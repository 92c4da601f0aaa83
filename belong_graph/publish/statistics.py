"""The numbers the dataset description states, counted once at build time.

``void:triples`` counts the distinct triples of the union of the graphs, which is what the
Turtle and N-Triples dumps hold and what a SPARQL query sees as its default graph; each named
graph is a subset whose ``void:triples`` counts its own triples, so the subsets add up to the
quads of the N-Quads and TriG dumps.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from belong_graph.errors import StoreMissing
from belong_graph.namespaces import DCTERMS, FOAF, ORG, PROLOGUE, SCHEMA, SKOS
from belong_graph.sparql.bind import Values
from belong_graph.sparql.results import Term, select
from belong_graph.store import OxigraphStore

STATISTICS_FILE = "statistics.json"
EXAMPLE_CLASSES = (  # one example resource of each, the first by IRI
    DCTERMS.BibliographicResource,
    FOAF.Person,
    ORG.FormalOrganization,
    SCHEMA.ResearchProject,
    SKOS.ConceptScheme,
)
SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
MODIFIED = PROLOGUE + "SELECT ?s (MAX(STR(?m)) AS ?d) WHERE { ?s dcterms:modified ?m } GROUP BY ?s"
REMOVED = PROLOGUE + "SELECT DISTINCT ?s WHERE { ?s prov:invalidatedAtTime ?gone }"
FIRST_EXAMPLE = """SELECT (MIN(STR(?s)) AS ?first) WHERE {
  # @values
  ?s a ?class FILTER (isIRI(?s) && STRSTARTS(STR(?s), ?space))
}"""


@dataclass(frozen=True)
class Partition:
    """A class with its number of entities, a property or a graph with its number of triples."""

    iri: str
    count: int


@dataclass(frozen=True)
class Statistics:
    triples: int  # distinct triples of the union of the graphs
    quads: int
    entities: int  # distinct subjects in the URI space
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[Partition, ...]
    properties: tuple[Partition, ...]
    graphs: tuple[Partition, ...]
    examples: tuple[str, ...]
    vocabularies: tuple[str, ...]  # namespaces of the classes and properties used

    def save(self, directory: Path) -> None:
        (directory / STATISTICS_FILE).write_text(json.dumps(asdict(self), indent=1) + "\n")

    @classmethod
    def read(cls, directory: Path) -> Statistics:
        path = directory / STATISTICS_FILE
        if not path.exists():
            raise StoreMissing(
                f"The store at {directory} was built without statistics: run `belong-graph build`."
            )
        fields: dict[str, Any] = json.loads(path.read_text())
        for name in ("classes", "properties", "graphs"):
            fields[name] = tuple(Partition(**p) for p in fields[name])
        for name in ("examples", "vocabularies"):
            fields[name] = tuple(fields[name])
        return cls(**fields)


@dataclass(frozen=True)
class Entity:
    """An entity of the URI space, for the sitemap: its IRI and when it last changed, if known."""

    iri: str
    modified: str | None
    removed: bool = False  # the library removed it: its IRI answers 410 Gone


def count(
    store: OxigraphStore, uri_space: str, *, triples: int
) -> tuple[Statistics, tuple[Entity, ...]]:
    """The statistics of ``store`` (which holds ``triples`` distinct triples), and its entities
    (IRIs starting with ``uri_space``)."""
    subjects = [row["s"] for row in select(store, SUBJECTS)]
    entities = _entities(store, subjects, uri_space)
    classes = _partitions(
        store, "SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?x FILTER isIRI(?x) } GROUP BY ?x"
    )
    properties = _partitions(
        store,
        # where no triple is in two graphs, each is counted once without sorting them out
        "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?x ?o } GROUP BY ?x"
        if triples == store.version.quads
        else "SELECT ?x (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?x ?o WHERE { ?s ?x ?o } } "
        "GROUP BY ?x",
    )
    statistics = Statistics(
        triples=triples,
        quads=store.version.quads,
        entities=len(entities),
        distinct_subjects=len(subjects),
        distinct_objects=_number(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        classes=classes,
        properties=properties,
        graphs=_partitions(
            store, "SELECT ?x (COUNT(*) AS ?n) WHERE { GRAPH ?x { ?s ?p ?o } } GROUP BY ?x"
        ),
        examples=_examples(store, uri_space),
        vocabularies=tuple(sorted({_namespace(p.iri) for p in (*classes, *properties)})),
    )
    return statistics, entities


def _entities(store: OxigraphStore, subjects: list[Term], uri_space: str) -> tuple[Entity, ...]:
    """Every IRI of ``subjects`` in the URI space, with its latest ``dcterms:modified`` if it
    has one, and whether it was removed."""
    dates = {row["s"].value: row["d"].value for row in select(store, MODIFIED) if "d" in row}
    removed = {row["s"].value for row in select(store, REMOVED)}
    iris = sorted(
        s.value for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(uri_space)
    )
    return tuple(Entity(iri, dates.get(iri), iri in removed) for iri in iris)


def _examples(store: OxigraphStore, uri_space: str) -> tuple[str, ...]:
    """The first entity (by IRI) of each of :data:`EXAMPLE_CLASSES` that has one."""
    examples = []
    for cls in EXAMPLE_CLASSES:
        values: Values = {"class": cls, "space": ox.Literal(uri_space)}
        first = select(store, FIRST_EXAMPLE, values).rows[0].get("first")
        if first is not None:
            examples.append(first.value)
    return tuple(examples)


def _partitions(store: OxigraphStore, sparql: str) -> tuple[Partition, ...]:
    """The ``?x`` and ``?n`` of each row, largest count first."""
    rows = (Partition(row["x"].value, int(row["n"].value)) for row in select(store, sparql))
    return tuple(sorted(rows, key=lambda p: (-p.count, p.iri)))


def _number(store: OxigraphStore, sparql: str) -> int:
    return int(select(store, sparql).rows[0]["n"].value)


def _namespace(iri: str) -> str:
    """The vocabulary a term belongs to: its IRI up to the last ``#`` or ``/``."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]
