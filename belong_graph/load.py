"""The one reader of RDF files: data, ontology and shapes are parsed here, and nowhere else.

Data files use IRIs relative to the configured base IRI, so every file is parsed with that base.
A syntax error becomes a :class:`DataSyntaxError` that names the file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Graph
from rdflib.term import Node

from belong_graph.errors import DataSyntaxError, Location, UnknownFormatError
from belong_graph.formats import RDF_FORMATS, Format, rdf_format_for_file
from belong_graph.namespaces import PREFIXES


@dataclass(frozen=True)
class SourceFile:
    """One RDF file and the named graph it is loaded into."""

    path: Path
    format: Format
    graph_name: str


@dataclass
class ParsedData:
    """The union of some RDF files, and which files describe each subject."""

    graph: Graph
    files: list[SourceFile]
    origins: dict[Node, list[Path]] = field(default_factory=dict)


def rdf_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The RDF files among ``paths``, looking inside folders, in a stable order."""
    extensions = {"." + f.extension for f in RDF_FORMATS} | {".owl", ".xml", ".json"}
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in extensions)
        elif path.exists():
            yield path
        else:
            raise DataSyntaxError(Location(path), "no such file or folder")


def parse_files(paths: Iterable[Path], *, base_iri: str, graph_prefix: str) -> ParsedData:
    """Parse every RDF file under ``paths`` into one graph, naming a graph for each file."""
    data = ParsedData(new_graph(), [])
    for path in rdf_files(paths):
        graph = parse_file(path, base_iri=base_iri)
        source = SourceFile(path, rdf_format_for_file(path), graph_prefix + _graph_slug(path))
        data.files.append(source)
        for subject in set(graph.subjects()):
            data.origins.setdefault(subject, []).append(path)
        if len(data.files) == 1:
            data.graph = graph  # one large file is not copied
        else:
            data.graph += graph
    return data


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
