"""The one table of formats: for each, its names, media type, file extension, the matching
Oxigraph and rdflib formats, its IRIs, and where this project reads or writes it. Content
negotiation, file loading, export, dumps and the dataset and service descriptions all read it;
each selection below is a column of the table, never a list of names.

The table's order is the order of preference: the first format of a selection is what a client
gets when it states none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat

from belong_graph.errors import UnknownFormatError
from belong_graph.namespaces import EU_FILE_TYPES, IANA_MEDIA_TYPES, W3C_FORMATS


@dataclass(frozen=True)
class Format:
    """One serialisation format."""

    name: str
    media_type: str
    extension: str
    title: str  # as people know it
    rdflib_name: str
    oxigraph: RdfFormat | None = None
    results: QueryResultsFormat | None = None  # how it carries SPARQL results, if it does
    datasets: bool = False  # can hold named graphs
    aliases: tuple[str, ...] = ()  # other names clients send in a `format` parameter
    file_extensions: tuple[str, ...] = ()  # other extensions of files in it (read by `load`)
    iri: str | None = None  # its IRI in http://www.w3.org/ns/formats/
    file_type: str | None = None  # its IRI in the EU file-type authority (DCAT-AP)
    linked: bool = False  # an entity's IRI and the ontology answer in it
    void: bool = False  # the dataset description (/.well-known/void) is offered in it
    service: bool = False  # the SPARQL Service Description is offered in it
    dump: bool = False  # the build writes a gzipped dump of the graph in it
    api: bool = False  # the views API (/api/views/<name>) answers in it
    network: bool = False  # the network API (/api/network) answers in it
    citation: bool = False  # a resource's citation is offered in it (and only a resource's)

    @property
    def is_rdf(self) -> bool:
        return self.oxigraph is not None

    @property
    def media_type_iri(self) -> str:
        """Its media type in the IANA registry, as DCAT states it."""
        return str(IANA_MEDIA_TYPES[self.media_type])


HTML = Format("html", "text/html", "html", "HTML", "html", aliases=("page",), linked=True)
JSON = Format("json", "application/json", "json", "JSON", "json", api=True, network=True)
# GEXF 1.3, for Gephi (desktop and Lite); its media type is not registered with IANA.
GEXF = Format("gexf", "application/gexf+xml", "gexf", "GEXF", "gexf", network=True)
# A resource's citation in a CSL style (``style=``, ``locale=``), as DOI resolvers give it.
BIBLIOGRAPHY = Format(
    "bibliography",
    "text/x-bibliography",
    "txt",
    "Formatted citation",
    "bibliography",
    aliases=("citation",),
    citation=True,
)

FORMATS: tuple[Format, ...] = (
    HTML,
    Format(
        "turtle",
        "text/turtle",
        "ttl",
        "Turtle",
        "turtle",
        RdfFormat.TURTLE,
        aliases=("ttl",),
        iri=W3C_FORMATS.Turtle,
        file_type=EU_FILE_TYPES.RDF_TURTLE,
        linked=True,
        void=True,
        service=True,
        dump=True,
    ),
    Format(
        "ntriples",
        "application/n-triples",
        "nt",
        "N-Triples",
        "nt",
        RdfFormat.N_TRIPLES,
        iri=W3C_FORMATS["N-Triples"],
        file_type=EU_FILE_TYPES.RDF_N_TRIPLES,
        linked=True,
        void=True,
        dump=True,
    ),
    Format(
        "nquads",
        "application/n-quads",
        "nq",
        "N-Quads",
        "nquads",
        RdfFormat.N_QUADS,
        datasets=True,
        iri=W3C_FORMATS["N-Quads"],
        file_type=EU_FILE_TYPES.RDF_N_QUADS,
        dump=True,
    ),
    Format(
        "trig",
        "application/trig",
        "trig",
        "TriG",
        "trig",
        RdfFormat.TRIG,
        datasets=True,
        iri=W3C_FORMATS.TriG,
        file_type=EU_FILE_TYPES.RDF_TRIG,
        dump=True,
    ),
    Format(
        "jsonld",
        "application/ld+json",
        "jsonld",
        "JSON-LD",
        "json-ld",
        RdfFormat.JSON_LD,
        datasets=True,
        aliases=("json-ld", "json"),
        file_extensions=("json",),
        iri=W3C_FORMATS["JSON-LD"],
        file_type=EU_FILE_TYPES.JSON_LD,
        linked=True,
        void=True,
        service=True,
        dump=True,
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        "rdf",
        "RDF/XML",
        "xml",
        RdfFormat.RDF_XML,
        aliases=("xml", "rdf+xml"),
        file_extensions=("owl", "xml"),
        iri=W3C_FORMATS.RDF_XML,
        linked=True,
        void=True,
        service=True,
    ),
    Format(
        "n3",
        "text/n3",
        "n3",
        "N3",
        "n3",
        RdfFormat.N3,
        aliases=("text/rdf+n3",),
        iri=W3C_FORMATS.N3,
    ),
    JSON,  # the API's own JSON: items, or a network's nodes and edges
    Format(
        "graphml",
        "application/graphml+xml",
        "graphml",
        "GraphML",
        "graphml",
        aliases=("xml",),
        network=True,
    ),
    GEXF,
    Format(
        "json",
        "application/sparql-results+json",
        "srj",
        "SPARQL JSON results",
        "json",
        results=QueryResultsFormat.JSON,
        aliases=("application/json",),
        iri=W3C_FORMATS.SPARQL_Results_JSON,
        api=True,
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        "srx",
        "SPARQL XML results",
        "xml",
        results=QueryResultsFormat.XML,
        iri=W3C_FORMATS.SPARQL_Results_XML,
        api=True,
    ),
    Format(
        "csv",
        "text/csv",
        "csv",
        "CSV",
        "csv",
        results=QueryResultsFormat.CSV,
        iri=W3C_FORMATS.SPARQL_Results_CSV,
        api=True,
        network=True,  # as an edge list
    ),
    Format(
        "tsv",
        "text/tab-separated-values",
        "tsv",
        "TSV",
        "tsv",
        results=QueryResultsFormat.TSV,
        iri=W3C_FORMATS.SPARQL_Results_TSV,
        api=True,
    ),
    # A resource's citation, as DOI resolvers answer for a DOI.
    Format("bibtex", "application/x-bibtex", "bib", "BibTeX", "bibtex", citation=True),
    Format("ris", "application/x-research-info-systems", "ris", "RIS", "ris", citation=True),
    Format(
        "csljson",
        "application/vnd.citationstyles.csl+json",
        "csl.json",
        "CSL-JSON",
        "csljson",
        aliases=("csl-json", "csl"),
        citation=True,
    ),
    BIBLIOGRAPHY,
)

RDF_FORMATS = tuple(f for f in FORMATS if f.is_rdf)  # what CONSTRUCT and export write
RESULT_FORMATS = tuple(f for f in FORMATS if f.results)  # what SELECT and ASK write
LINKED_DATA_FORMATS = tuple(f for f in FORMATS if f.linked)
VOID_FORMATS = tuple(f for f in FORMATS if f.void)
SERVICE_DESCRIPTION_FORMATS = tuple(f for f in FORMATS if f.service)
DUMP_FORMATS = tuple(f for f in FORMATS if f.dump)
LINKED_RDF_FORMATS = tuple(f for f in LINKED_DATA_FORMATS if f.is_rdf)  # an entity's documents
CITATION_FORMATS = tuple(f for f in FORMATS if f.citation)
ENTITY_FORMATS = LINKED_DATA_FORMATS + CITATION_FORMATS  # what /id/... answers in, for a resource
API_FORMATS = tuple(f for f in FORMATS if f.api)
# VOSviewer's map and network in its JSON: asked for by name or extension only, since its media
# type is JSON's, for which negotiation gives the network's own JSON (so it is not in the table).
VOSVIEWER = Format(
    "vosviewer", "application/json", "vosviewer.json", "VOSviewer JSON", "vosviewer", network=True
)
NETWORK_FORMATS = (*(f for f in FORMATS if f.network), VOSVIEWER)


def format_named(name: str, formats: tuple[Format, ...]) -> Format | None:
    """The format a client names in a `format` parameter: by name, alias, extension or type."""
    wanted = name.strip().lower()
    for fmt in formats:
        if wanted in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
            return fmt
    return None


def parameter_names(formats: tuple[Format, ...]) -> list[str]:
    """What a client sends in a `format` parameter for each of ``formats``: its name, or its
    extension where an earlier format has the name."""
    return [f.name if format_named(f.name, formats) is f else f.extension for f in formats]


def rdf_format(name: str) -> Format:
    """The RDF format called ``name`` (as in ``--format turtle``)."""
    fmt = format_named(name, RDF_FORMATS)
    if fmt is not None:
        return fmt
    known = ", ".join(f.name for f in RDF_FORMATS)
    raise UnknownFormatError(f"Unknown RDF format {name!r}; use one of: {known}.")


def rdf_file_extensions() -> set[str]:
    """Every file extension read as RDF, with its dot."""
    return {"." + e for f in RDF_FORMATS for e in (f.extension, *f.file_extensions)}


def rdf_format_for_file(path: Path) -> Format:
    """The RDF format of a file, from its extension."""
    extension = path.suffix.lstrip(".").lower()
    for fmt in RDF_FORMATS:
        if extension in (fmt.extension, *fmt.file_extensions):
            return fmt
    known = ", ".join("." + f.extension for f in RDF_FORMATS)
    raise UnknownFormatError(f"{path}: unknown RDF file extension; use one of: {known}.")
