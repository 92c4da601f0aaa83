"""The dataset description: VoID and DCAT (DCAT-AP style) in RDF, and schema.org ``Dataset`` for
search engines, from what the build counted and wrote.

The description is assembled from parts, each a function that adds its statements to the graph
(the dataset's own facts, its statistics, its dumps, its SPARQL service); another part, such as
the linksets to other datasets, is one function of :data:`PARTS`. IRIs the graph mints stay
canonical (under the base IRI); the URLs of what is served (dumps, endpoint, pages) start with
the address the server answers at.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from belong_graph.addresses import Addresses
from belong_graph.linksets import void_linksets
from belong_graph.load import new_graph
from belong_graph.namespaces import (
    DCAT,
    DCTERMS,
    EU_LANGUAGES,
    FOAF,
    IANA_MEDIA_TYPES,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SD,
    SPDX,
    VCARD,
    VOID,
    XSD,
)
from belong_graph.publish.dumps import GZIP, Dump
from belong_graph.publish.publication import Publication, dataset_iri, uri_space
from belong_graph.settings import Settings

SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")


@dataclass(frozen=True)
class Metadata:
    """What no build computes: what the operator sets (publisher, contact, licence) and what the
    graph is (title, description, rights in what it quotes, the documents it is derived from)."""

    publisher_name: str
    publisher_url: str  # "" for none
    contact_email: str
    licence: str
    licence_name: str
    title: str = "The Belong Network Library knowledge graph"
    description: str = (
        "The Belong Network Library (reports, toolkits, guides, evaluations and webinars on "
        "social cohesion) with their authors, organisations, research projects, partners and "
        "funders, as a validated linked-data knowledge graph: the curated data, its ontology, "
        "its concept schemes (themes, resource types, roles) and the triples derived from them."
    )
    rights: str = (
        "The licence covers this graph's own work: its structure, identifiers, classifications, "
        "links and derived statements. The titles, descriptions and credits of the resources, and "
        "the descriptions of projects and organisations, are quoted from the pages of Belong - "
        "The Cohesion and Integration Network (Research and Resources, and The Belong Network "
        "Library) and remain theirs."
    )
    subject: str = "collection/belong-network-library"  # the library the graph describes
    sources: tuple[str, ...] = (  # under the URI space: the documents the graph is curated from
        "source/research-and-resources",
        "source/belong-network-library",
        "source/identifiers",
    )
    language: str = "en"
    keywords: tuple[str, ...] = field(
        default=(
            "social cohesion",
            "integration",
            "belonging",
            "community",
            "research",
            "evaluation",
            "linked data",
            "knowledge graph",
        )
    )

    @classmethod
    def from_settings(cls, settings: Settings) -> Metadata:
        return cls(
            publisher_name=settings.publisher_name,
            publisher_url=settings.publisher_url,
            contact_email=settings.contact,
            licence=settings.licence,
            licence_name=settings.licence_name,
        )


@dataclass(frozen=True)
class DatasetContext:
    """What a part of the description needs: the build's publication and the addresses."""

    publication: Publication
    base_iri: str
    server: str  # the address the server answers at, ending with "/"
    metadata: Metadata

    @property
    def dataset(self) -> URIRef:
        return URIRef(dataset_iri(self.base_iri))

    def part(self, name: str) -> URIRef:
        """A node of the description minted under the dataset's IRI (``#publisher``...)."""
        return URIRef(f"{self.dataset}#{name}")

    def entity(self, path: str) -> URIRef:
        """An entity of the graph, by its path under the URI space."""
        return URIRef(uri_space(self.base_iri) + path)

    @property
    def addresses(self) -> Addresses:
        return Addresses(self.base_iri, self.server)

    def url(self, path: str) -> str:
        """Where the server serves ``path``."""
        return self.addresses.url(path)

    def served(self, iri: str) -> str:
        """Where this server shows an entity of the graph (other IRIs are left as they are)."""
        return self.addresses.to_public(iri)

    def dump_url(self, dump: Dump) -> str:
        return self.url("dumps/" + dump.file_name)


Part = Callable[[Graph, DatasetContext], None]


def describe_dataset(graph: Graph, context: DatasetContext) -> None:
    """Title, description, dates, URI space, vocabularies and examples."""
    meta, dataset, version = context.metadata, context.dataset, context.publication.version
    statistics = context.publication.statistics
    for kind in (VOID.Dataset, DCAT.Dataset):
        graph.add((dataset, RDF.type, kind))
    graph.add((dataset, DCTERMS.title, Literal(meta.title, lang=meta.language)))
    graph.add((dataset, DCTERMS.description, Literal(meta.description, lang=meta.language)))
    graph.add((dataset, DCTERMS.modified, Literal(version.built, datatype=XSD.dateTime)))
    graph.add((dataset, DCAT.version, Literal(version.digest)))
    graph.add((dataset, DCTERMS.subject, context.entity(meta.subject)))
    graph.add((dataset, VOID.rootResource, context.entity(meta.subject)))
    graph.add((dataset, DCAT.landingPage, URIRef(context.url("dataset"))))
    graph.add((dataset, FOAF.homepage, URIRef(context.url("dataset"))))
    graph.add((dataset, DCTERMS.language, URIRef(LANGUAGES[meta.language])))
    for keyword in meta.keywords:
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang=meta.language)))
    graph.add((dataset, VOID.uriSpace, Literal(uri_space(context.base_iri))))
    for vocabulary in statistics.vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    for example in statistics.examples:
        graph.add((dataset, VOID.exampleResource, URIRef(example)))


def describe_origin(graph: Graph, context: DatasetContext) -> None:
    """Who publishes the dataset and how to reach them, its licence and rights, and the
    documents it is derived from (whose publisher the graph itself names)."""
    meta, dataset = context.metadata, context.dataset
    publisher, contact, rights = (context.part(name) for name in ("publisher", "contact", "rights"))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.creator, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(meta.publisher_name)))
    if meta.publisher_url:
        graph.add((publisher, FOAF.homepage, URIRef(meta.publisher_url)))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(meta.publisher_name)))
    graph.add((contact, VCARD.hasEmail, URIRef("mailto:" + meta.contact_email)))
    graph.add((dataset, DCTERMS.license, URIRef(meta.licence)))
    graph.add((URIRef(meta.licence), DCTERMS.title, Literal(meta.licence_name, lang="en")))
    graph.add((dataset, DCTERMS.rights, rights))
    graph.add((rights, RDF.type, DCTERMS.RightsStatement))
    graph.add((rights, RDFS.label, Literal(meta.rights, lang="en")))
    for source in meta.sources:
        graph.add((dataset, DCTERMS.source, context.entity(source)))
        graph.add((dataset, PROV.wasDerivedFrom, context.entity(source)))


def describe_statistics(graph: Graph, context: DatasetContext) -> None:
    """Triple and entity counts, class and property partitions, and one subset per graph."""
    dataset, statistics = context.dataset, context.publication.statistics
    counts = {
        VOID.triples: statistics.triples,
        VOID.entities: statistics.entities,
        VOID.distinctSubjects: statistics.distinct_subjects,
        VOID.distinctObjects: statistics.distinct_objects,
        VOID.classes: len(statistics.classes),
        VOID.properties: len(statistics.properties),
    }
    for prop, number in counts.items():
        graph.add((dataset, prop, Literal(number)))
    for partition in statistics.classes:
        node = _partition(graph, dataset, VOID.classPartition, VOID["class"], partition.iri)
        graph.add((node, VOID.entities, Literal(partition.count)))
    for partition in statistics.properties:
        node = _partition(graph, dataset, VOID.propertyPartition, VOID.property, partition.iri)
        graph.add((node, VOID.triples, Literal(partition.count)))
    for partition in statistics.graphs:
        node = _partition(graph, dataset, VOID.subset, SD.name, partition.iri)
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((node, VOID.triples, Literal(partition.count)))


def describe_dumps(graph: Graph, context: DatasetContext) -> None:
    """A ``void:dataDump`` and a ``dcat:Distribution`` for each gzipped dump."""
    dataset, meta = context.dataset, context.metadata
    built = Literal(context.publication.version.built, datatype=XSD.dateTime)
    for dump in context.publication.dumps:
        fmt, url = dump.format, URIRef(context.dump_url(dump))
        distribution = URIRef(f"{dataset}#dump-{fmt.extension}")
        graph.add((dataset, VOID.dataDump, url))
        if fmt.iri:
            graph.add((dataset, VOID.feature, URIRef(fmt.iri)))
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        title = f"The whole graph as {fmt.title}, gzipped"
        graph.add((distribution, DCTERMS.title, Literal(title, lang="en")))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add((distribution, DCAT.accessURL, url))
        graph.add((distribution, DCAT.mediaType, URIRef(fmt.media_type_iri)))
        graph.add((distribution, DCAT.compressFormat, IANA_MEDIA_TYPES[GZIP]))
        if fmt.file_type:
            graph.add((distribution, DCTERMS["format"], URIRef(fmt.file_type)))
        graph.add(
            (distribution, DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger))
        )
        graph.add((distribution, DCTERMS.license, URIRef(meta.licence)))
        graph.add((distribution, DCTERMS.rights, context.part("rights")))
        graph.add((distribution, DCTERMS.issued, built))
        graph.add((distribution, DCTERMS.modified, built))
        checksum = BNode()
        graph.add((distribution, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))


def describe_service(graph: Graph, context: DatasetContext) -> None:
    """The SPARQL endpoint, as ``void:sparqlEndpoint`` and as a ``dcat:DataService``."""
    dataset, endpoint = context.dataset, URIRef(context.url("sparql"))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((endpoint, RDF.type, DCAT.DataService))
    graph.add((endpoint, RDF.type, SD.Service))
    title = f"SPARQL endpoint of {context.metadata.title}"
    graph.add((endpoint, DCTERMS.title, Literal(title, lang="en")))
    graph.add((endpoint, DCAT.endpointURL, endpoint))
    graph.add((endpoint, DCAT.endpointDescription, endpoint))  # its Service Description
    graph.add((endpoint, DCAT.servesDataset, dataset))
    graph.add((endpoint, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    graph.add((endpoint, DCTERMS.license, URIRef(context.metadata.licence)))


def describe_linksets(graph: Graph, context: DatasetContext) -> None:
    """The outbound links per target dataset and link predicate, as ``void:Linkset``s."""
    graph += void_linksets(
        context.publication.linksets, dataset=str(context.dataset), base_iri=context.base_iri
    )


PARTS: tuple[Part, ...] = (
    describe_dataset,
    describe_origin,
    describe_statistics,
    describe_dumps,
    describe_service,
    describe_linksets,
)
LANGUAGES = {"en": EU_LANGUAGES.ENG}


def dataset_description(context: DatasetContext, parts: tuple[Part, ...] = PARTS) -> Graph:
    """The VoID and DCAT description of the dataset, from ``parts``."""
    graph = new_graph()
    for prefix, namespace in (("void", VOID), ("sd", SD), ("spdx", SPDX), ("vcard", VCARD)):
        graph.bind(prefix, namespace)
    for part in parts:
        part(graph, context)
    return graph


def schema_org_dataset(context: DatasetContext) -> dict[str, Any]:
    """The schema.org ``Dataset`` that search engines (Google Dataset Search) read."""
    meta, version = context.metadata, context.publication.version
    publisher = {
        "@type": "Organization",
        "@id": str(context.part("publisher")),
        "name": meta.publisher_name,
        **({"url": meta.publisher_url} if meta.publisher_url else {}),
        "contactPoint": {"@type": "ContactPoint", "email": meta.contact_email},
    }
    return {
        "@context": {"@vocab": str(SCHEMA)},
        "@type": "Dataset",
        "@id": str(context.dataset),
        "name": meta.title,
        "description": meta.description,
        "url": context.url("dataset"),
        "identifier": str(context.dataset),
        "version": version.digest,
        "dateModified": version.built,
        "license": meta.licence,
        "copyrightNotice": meta.rights,
        "isBasedOn": [{"@id": str(context.entity(source))} for source in meta.sources],
        "isAccessibleForFree": True,
        "inLanguage": meta.language,
        "keywords": list(meta.keywords),
        "creator": publisher,
        "publisher": publisher,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"The whole graph as {d.format.title}, gzipped",
                "contentUrl": context.dump_url(d),
                "encodingFormat": d.format.media_type,
                "contentSize": f"{d.byte_size} B",
                "sha256": d.sha256,
            }
            for d in context.publication.dumps
        ],
    }


def _partition(graph: Graph, dataset: URIRef, link: URIRef, prop: URIRef, iri: str) -> BNode:
    node = BNode()
    graph.add((dataset, link, node))
    graph.add((node, prop, URIRef(iri)))
    return node
