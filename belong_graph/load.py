"""The one reader of RDF files: data, ontology and shapes are parsed here, and nowhere else.

Data and ontology files are parsed by Oxigraph into an in-memory dataset, each file its own
named graph; shapes are parsed by rdflib, which pySHACL reads. Data files use IRIs relative to
the configured base IRI, so every file is parsed with that base. A syntax error becomes a
:class:`DataSyntaxError` that names the file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import Graph

from belong_graph.errors import DataSyntaxError, Location, UnknownFormatError
from belong_graph.formats import Format, rdf_file_extensions, rdf_format_for_file
from belong_graph.namespaces import PREFIXES


@dataclass(frozen=True)
class SourceFile:
    """One RDF file and the named graph it is loaded into."""

    path: Path
    format: Format
    graph_name: str


@dataclass
class ParsedData:
    """Some RDF files in an in-memory Oxigraph dataset, each file its own named graph."""

    store: ox.Store
    files: list[SourceFile]

    def files_describing(self, node: ox.NamedNode | ox.BlankNode) -> tuple[Path, ...]:
        """The files in which ``node`` is a subject."""
        graphs = {q.graph_name for q in self.store.quads_for_pattern(node, None, None)}
        return tuple(f.path for f in self.files if ox.NamedNode(f.graph_name) in graphs)


def rdf_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The RDF files among ``paths``, looking inside folders, in a stable order."""
    extensions = rdf_file_extensions()
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in extensions)
        elif path.exists():
            yield path
        else:
            raise DataSyntaxError(Location(path), "no such file or folder")


def source_files(paths: Iterable[Path], *, graph_prefix: str) -> list[SourceFile]:
    """The RDF files under ``paths``, each with the name of its graph."""
    return [
        SourceFile(path, rdf_format_for_file(path), graph_prefix + _graph_slug(path))
        for path in rdf_files(paths)
    ]


def parse_files(files: Iterable[SourceFile], *, base_iri: str) -> ParsedData:
    """Parse ``files`` into one in-memory dataset, each into its own named graph."""
    data = ParsedData(ox.Store(), list(files))
    for source in data.files:
        load_file(data.store, source, base_iri=base_iri)
    return data


def load_file(store: ox.Store, source: SourceFile, *, base_iri: str) -> None:
    """Bulk-load one file into its graph of ``store``, reporting where a syntax error is."""
    try:
        store.bulk_load(
            path=str(source.path),
            format=source.format.oxigraph,
            base_iri=base_iri,
            to_graph=ox.NamedNode(source.graph_name),
        )
    except SyntaxError as error:
        location = Location(source.path, error.lineno, error.offset)
        reason = _OXIGRAPH_POSITION.sub("", error.msg)  # the location says where
        raise DataSyntaxError(location, f"syntax error: {reason}") from None


def parse_file(path: Path, *, base_iri: str) -> Graph:
    """Parse one RDF file, reporting a syntax error with its file, line and column."""
    fmt = rdf_format_for_file(path)
    graph = new_graph()
    try:
        graph.parse(path, format=fmt.rdflib_name, publicID=base_iri)
    except UnknownFormatError:
        raise
    except Exception as error:  # rdflib's parsers raise many unrelated types
        raise DataSyntaxError(_error_location(path, error), _error_reason(error)) from None
    return graph


def new_graph() -> Graph:
    """An empty rdflib graph that knows the project's prefixes."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _graph_slug(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-").lower() or "data"


_OXIGRAPH_POSITION = re.compile(r"^Parser error (at|between) .*?line \d+ column \d+: ")
_LINE = re.compile(r"line (\d+)", re.IGNORECASE)
_COLUMN = re.compile(r"column (\d+)", re.IGNORECASE)


def _error_location(path: Path, error: Exception) -> Location:
    if hasattr(error, "lines"):  # notation3's BadSyntax counts lines from zero
        return Location(path, int(error.lines) + 1)
    if isinstance(error, SAXParseException):  # RDF/XML
        return Location(path, error.getLineNumber(), error.getColumnNumber())
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    if line is None and (match := _LINE.search(str(error))):
        line = int(match.group(1))
    if column is None and (match := _COLUMN.search(str(error))):
        column = int(match.group(1))
    return Location(path, line, column)


def _error_reason(error: Exception) -> str:
    reason = getattr(error, "_why", None) or str(error).splitlines()[0]
    return f"syntax error: {reason}"
