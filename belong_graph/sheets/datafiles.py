"""The files of data/ that the workbook keeps: read with their comments, written canonically."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from belong_graph.load import new_graph, parse_file
from belong_graph.sheets.columns import FILES
from belong_graph.sheets.tables import Curated, Tables, tables_from_graph
from belong_graph.sheets.turtle import CommentedFile, TurtleWriter, read_comments


def read_data(data_dir: Path, *, base_iri: str) -> tuple[Graph, dict[str, CommentedFile]]:
    """The graph of the workbook's files of ``data_dir`` and what their comments say."""
    graph = new_graph()
    comments: dict[str, CommentedFile] = {}
    for name in FILES:
        path = data_dir / name
        graph += parse_file(path, base_iri=base_iri)
        comments[name] = read_comments(path.read_text(encoding="utf-8"), base_iri=base_iri)
    return graph, comments


def export_tables(data_dir: Path, *, base_iri: str) -> Tables:
    """The rows of every sheet, read from ``data_dir``."""
    graph, comments = read_data(data_dir, base_iri=base_iri)
    return tables_from_graph(graph, comments, base_iri=base_iri)


def turtle_files(curated: Curated, data_dir: Path, *, base_iri: str) -> dict[str, str]:
    """The text of each file of the workbook, each under the header its file has today."""
    texts = {}
    for name, entities in curated.files.items():
        path = data_dir / name
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        header = read_comments(existing, base_iri=base_iri).header
        writer = TurtleWriter(curated.graph, base_iri=base_iri)
        texts[name] = writer.file(header, entities)
    return texts
