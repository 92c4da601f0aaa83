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

    @property
    def is_rdf(self) -> bool:
        return self.oxigraph is not None


RDF_FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", "turtle", oxigraph=RdfFormat.TURTLE),
    Format("ntriples", "application/n-triples", "nt", "nt", oxigraph=RdfFormat.N_TRIPLES),
    Format("nquads", "application/n-quads", "nq", "nquads", RdfFormat.N_QUADS, datasets=True),
    Format("trig", "application/trig", "trig", "trig", oxigraph=RdfFormat.TRIG, datasets=True),
    Format("jsonld", "application/ld+json", "jsonld", "json-ld", RdfFormat.JSON_LD, datasets=True),
    Format("rdfxml", "application/rdf+xml", "rdf", "xml", oxigraph=RdfFormat.RDF_XML),
)

RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json", "application/sparql-results+json", "srj", "json", results=QueryResultsFormat.JSON
    ),
    Format("xml", "application/sparql-results+xml", "srx", "xml", results=QueryResultsFormat.XML),
    Format("csv", "text/csv", "csv", "csv", results=QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", "tsv", results=QueryResultsFormat.TSV),
)

_EXTRA_EXTENSIONS = {"owl": "rdfxml", "xml": "rdfxml", "json": "jsonld"}


def rdf_format(name: str) -> Format:
    """The RDF format called ``name`` (as in ``--format turtle``)."""
    for fmt in RDF_FORMATS:
        if fmt.name == name:
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
