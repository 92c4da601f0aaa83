"""The one table of RDF and query-result formats: names, media types, file extensions and the
matching Oxigraph format. Content negotiation, file loading and export all read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat

from belong_graph.errors import UnknownFormatError


@dataclass(frozen=True)
class Format:
    """One serialisation format."""

    name: str
    media_type: str
    extension: str
    rdflib_name: str
    oxigraph: RdfFormat | None = None
    results: QueryResultsFormat | None = None
    datasets: bool = False  # can hold named graphs
    aliases: tuple[str, ...] = ()  # other names clients send in a `format` parameter

    @property
    def is_rdf(self) -> bool:
        return self.oxigraph is not None


RDF_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", "turtle", RdfFormat.TURTLE, aliases=("ttl",)),
    Format("ntriples", "application/n-triples", "nt", "nt", RdfFormat.N_TRIPLES),
    Format("nquads", "application/n-quads", "nq", "nquads", RdfFormat.N_QUADS, datasets=True),
    Format("trig", "application/trig", "trig", "trig", RdfFormat.TRIG, datasets=True),
    Format(
        "jsonld",
        "application/ld+json",
        "jsonld",
        "json-ld",
        RdfFormat.JSON_LD,
        datasets=True,
        aliases=("json-ld", "json"),
    ),
    Format(
        "rdfxml", "application/rdf+xml", "rdf", "xml", RdfFormat.RDF_XML, aliases=("xml", "rdf+xml")
    ),
    Format("n3", "text/n3", "n3", "n3", RdfFormat.N3, aliases=("text/rdf+n3",)),
)

RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        "srj",
        "json",
        results=QueryResultsFormat.JSON,
        aliases=("application/json",),
    ),
    Format("xml", "application/sparql-results+xml", "srx", "xml", results=QueryResultsFormat.XML),
    Format("csv", "text/csv", "csv", "csv", results=QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", "tsv", results=QueryResultsFormat.TSV),
)

HTML = Format("html", "text/html", "html", "html", aliases=("page",))

# What a linked-data IRI answers with: its page first (browsers, and clients that send */*),
# then its description in each RDF syntax that holds one graph.
LINKED_DATA_FORMATS: tuple[Format, ...] = (
    HTML,
    *(f for f in RDF_FORMATS if f.name in ("turtle", "jsonld", "rdfxml", "ntriples")),
)

NETWORK_FORMATS: tuple[Format, ...] = (  # the partnership network (belong_graph.network)
    Format("json", "application/json", "json", "json"),
    Format("graphml", "application/graphml+xml", "graphml", "graphml", aliases=("xml",)),
    Format("csv", "text/csv", "csv", "csv"),
)

_EXTRA_EXTENSIONS = {"owl": "rdfxml", "xml": "rdfxml", "json": "jsonld"}


def format_named(name: str, formats: tuple[Format, ...]) -> Format | None:
    """The format a client names in a `format` parameter: by name, alias, extension or type."""
    wanted = name.strip().lower()
    for fmt in formats:
        if wanted in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
            return fmt
    return None


def rdf_format(name: str) -> Format:
    """The RDF format called ``name`` (as in ``--format turtle``)."""
    fmt = format_named(name, RDF_FORMATS)
    if fmt is not None:
        return fmt
    known = ", ".join(f.name for f in RDF_FORMATS)
    raise UnknownFormatError(f"Unknown RDF format {name!r}; use one of: {known}.")


def rdf_format_for_file(path: Path) -> Format:
    """The RDF format of a file, from its extension."""
    extension = path.suffix.lstrip(".").lower()
    name = _EXTRA_EXTENSIONS.get(extension)
    for fmt in RDF_FORMATS:
        if fmt.extension == extension or fmt.name == name:
            return fmt
    known = ", ".join("." + f.extension for f in RDF_FORMATS)
    raise UnknownFormatError(f"{path}: unknown RDF file extension; use one of: {known}.")
