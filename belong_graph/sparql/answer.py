"""Turning a query into an answer: run it on a store and serialise the result in the format
negotiated for its form, cut at the row (or triple) limit and saying so."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from belong_graph.errors import BadEngineAnswer, NotAcceptable
from belong_graph.formats import RDF_FORMATS, RESULT_FORMATS, Format, format_named
from belong_graph.namespaces import PREFIXES
from belong_graph.store import GraphStore, QueryResult


@dataclass(frozen=True)
class Job:
    """A query to run, with the formats acceptable for each query form."""

    query: str
    result_format: str | None  # for SELECT and ASK; None when the client accepts none
    graph_format: str | None  # for CONSTRUCT and DESCRIBE
    limit: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    # Whether the answer follows the store's index order (a page cut without ORDER BY), which
    # differs between a store in memory and on disk: then it runs on workers of one kind only.
    ordered: bool = False


@dataclass(frozen=True)
class Answer:
    """A serialised answer."""

    body: bytes
    media_type: str
    truncated: bool
    count: int  # rows, triples, or 1 for ASK


def answer(store: GraphStore, job: Job) -> Answer:
    """Run ``job`` on ``store`` and serialise its result. A result read from an engine's answer
    (``remote``) is parsed as it is read: a document that does not parse is the engine's (a query
    that does not parse is a ``QueryError`` already)."""
    try:
        result = store.query(
            job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs
        )
        return _serialised(result, job)
    except SyntaxError as error:
        raise BadEngineAnswer(
            f"The SPARQL engine this server reads sent an answer that could not be read: {error}."
        ) from None


def _serialised(result: QueryResult, job: Job) -> Answer:
    if not isinstance(result, ox.QuerySolutions | ox.QueryBoolean):  # triples, from any store
        return _graph_answer(result, _chosen(job.graph_format, RDF_FORMATS, "graph"), job.limit)
    fmt = _chosen(job.result_format, RESULT_FORMATS, "result")
    assert fmt.results is not None
    if isinstance(result, ox.QueryBoolean):
        return Answer(_bytes(result.serialize(format=fmt.results)), fmt.media_type, False, 1)
    return _solutions_answer(result, fmt, job.limit)


def _chosen(name: str | None, formats: tuple[Format, ...], kind: str) -> Format:
    fmt = format_named(name, formats) if name else None
    if fmt is None:
        offered = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"None of the accepted formats can carry a {kind}; offered: {offered}.")
    return fmt


def _graph_answer(triples: Iterable[ox.Triple], fmt: Format, limit: int) -> Answer:
    kept = list(islice(triples, limit + 1))
    truncated = len(kept) > limit
    kept = kept[:limit]
    body = _bytes(ox.serialize(kept, format=fmt.oxigraph, prefixes=PREFIXES))
    return Answer(body, fmt.media_type, truncated, len(kept))


def _solutions_answer(solutions: ox.QuerySolutions, fmt: Format, limit: int) -> Answer:
    """Oxigraph serialises the solutions as TSV, stopped past ``limit`` rows, and the rows kept
    are written again in ``fmt`` (each step native: far faster than terms in Python)."""
    kept = _RowCap(limit)
    with contextlib.suppress(_Enough):
        solutions.serialize(kept, format=ox.QueryResultsFormat.TSV)
    tsv, rows, truncated = kept.result()
    assert fmt.results is not None
    results = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    body = _bytes(results.serialize(format=fmt.results))
    if fmt.name == "json" and truncated:  # say so in the document too
        body = body.rstrip().removesuffix(b"}") + b',"truncated":true}'
    return Answer(body, fmt.media_type, truncated, rows)


class _Enough(Exception):
    """The solutions passed the row limit: the rest are not needed."""


class _RowCap(io.BytesIO):
    """Keeps the TSV that Oxigraph writes (a header line, then a line a row), up to the row
    after ``limit``, and stops the writing there."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._limit = limit
        self._lines = 0

    def write(self, chunk: Any) -> int:
        written = super().write(chunk)
        self._lines += bytes(chunk).count(b"\n")
        if self._lines > self._limit + 1:
            raise _Enough
        return written

    def result(self) -> tuple[bytes, int, bool]:
        """The TSV of at most ``limit`` rows, how many rows, and whether there were more."""
        lines = self.getvalue().split(b"\n")[:-1]  # each line ends with a newline
        rows = lines[1 : self._limit + 1]
        return b"\n".join([*lines[:1], *rows]) + b"\n", len(rows), len(lines) - 1 > self._limit


def _bytes(serialized: bytes | None) -> bytes:
    assert serialized is not None  # Oxigraph returns bytes when given no output file
    return serialized
