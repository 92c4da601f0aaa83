"""A store on an existing SPARQL engine, asked over the SPARQL 1.1 Protocol.

With ``store_url`` set, each query worker opens a :class:`RemoteStore` in place of its own copy of
the build: the same guarded, bounded jobs go to the engine, whose default graph must be the union
of its named graphs (``oxigraph serve-read-only --union-default-graph``). The build's folder still
gives the dataset version and every artefact read locally (catalogue, OAI-PMH, network, dumps).
An engine that does not answer raises :class:`EngineUnavailable` (503): there is no fallback to an
embedded copy. A query past its limit is stopped by the pool killing its worker, which closes the
connection (Oxigraph server 0.5 goes on computing it all the same); the read timeout here stops a
worker that no pool watches. An answer is parsed as it arrives and dropped once the rows kept
(``result_limit``) are in; one that cannot be read is :class:`BadEngineAnswer` (502). Credentials
go in an ``Authorization`` header (HTTP Basic, or Digest as Virtuoso's ``/sparql-auth`` asks:
``store_auth``), never in a URL that could be logged.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from belong_graph.errors import (
    BadEngineAnswer,
    BelongError,
    EngineUnavailable,
    QueryError,
    QueryTimeout,
    SettingError,
)
from belong_graph.formats import Format
from belong_graph.namespaces import PREFIXES
from belong_graph.settings import Settings
from belong_graph.sparql.guard import dataset_clauses, declares_dataset, query_form
from belong_graph.sparql.syntax import locates_error, syntax_error_message
from belong_graph.store import DatasetVersion, QueryResult

RESULTS = "application/sparql-results+json"
TRIPLES = "application/n-triples"
# SELECT and ASK as SPARQL JSON, CONSTRUCT and DESCRIBE as N-Triples (``text/plain`` is its older
# name, which some engines still answer with), each asked for alone: Virtuoso answers a CONSTRUCT
# as JSON rows when JSON is acceptable at all.
ACCEPT = {
    "CONSTRUCT": f"{TRIPLES}, text/plain;q=0.5",
    "DESCRIBE": f"{TRIPLES}, text/plain;q=0.5",
}
# Virtuoso 7.2 names a blank node in SPARQL JSON "nodeID://b10016", which is no blank node label
# (SPARQL 1.1 JSON Results §3.2.2): read as "b10016". Quotes in a string are escaped, so no value
# holds this text.
VIRTUOSO_BLANK_NODE = b'"type": "bnode", "value": "nodeID://'
BLANK_NODE = b'"type": "bnode", "value": "'
AUTHENTICATIONS = {"basic": httpx.BasicAuth, "digest": httpx.DigestAuth}
# Sent with every query: the dataset version the query is asked for, by which a proxy in front of
# several engines may route it (``deploy/haproxy.cfg.in``); engines ignore it.
VERSION_HEADER = "Belong-Dataset-Version"
_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class Engine:
    """Where a SPARQL engine answers, and how to ask it (picklable, for a query worker)."""

    url: str  # its SPARQL 1.1 query endpoint, without credentials
    user: str = ""
    password: str = field(default="", repr=False)
    auth: str = "basic"  # how the user is authenticated: a key of AUTHENTICATIONS
    connect_timeout: float = 10.0  # seconds; an engine that takes longer is down
    read_timeout: float = 30.0  # seconds without a byte of the answer, past which it is dropped

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingError(f"store_url must be an http(s) address, not {self.address!r}.")
        if parts.username or parts.password:
            raise SettingError(
                "store_url must not carry credentials (they would be logged with it): set "
                "store_user and store_password instead."
            )
        if self.auth not in AUTHENTICATIONS:
            raise SettingError(
                f"store_auth must be {' or '.join(AUTHENTICATIONS)} (HTTP authentication), "
                f"not {self.auth!r}."
            )

    @property
    def address(self) -> str:
        """The endpoint's address as it may be shown: scheme, host, port and path only."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


BACKSTOP = 2.0  # seconds past a query's limit that a worker waits on; the pool stops it first


def engine(settings: Settings) -> Engine | None:
    """The engine that ``settings`` name (``store_url``), if any. A query's time limit
    (``query_timeout``), and ``BACKSTOP`` past it, bounds each wait for the engine's next byte
    too: the pool stops a query at its limit, and says so, before a worker gives up waiting."""
    if not settings.store_url:
        return None
    return Engine(
        settings.store_url,
        user=settings.store_user,
        password=settings.store_password,
        auth=settings.store_auth,
        connect_timeout=settings.store_timeout,
        read_timeout=settings.query_timeout + BACKSTOP,
    )


class RemoteStore:
    """A :class:`~belong_graph.store.GraphStore` on a SPARQL engine. An answer is parsed as it
    arrives, so a query's rows past ``result_limit`` are never downloaded: the answer is closed
    once they are, or at the next query."""

    def __init__(self, engine: Engine, version: DatasetVersion) -> None:
        self._engine = engine
        self._version = version
        scheme = AUTHENTICATIONS[engine.auth]
        self._client = httpx.Client(
            auth=scheme(engine.user, engine.password) if engine.user else None,
            timeout=httpx.Timeout(engine.connect_timeout, read=engine.read_timeout),
            headers={VERSION_HEADER: version.digest},
        )
        self._answer: httpx.Response | None = None  # the answer being read

    @property
    def version(self) -> DatasetVersion:
        return self._version

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        """Run a query on the engine, with the protocol's dataset parameters when given (else
        the query's FROM clauses, else the engine's union default graph). The query's own FROM
        and FROM NAMED are sent as those parameters too, which give the same dataset (Protocol
        §2.1.4): Oxigraph server's union default graph overrides the query's clauses."""
        if not (default_graphs or named_graphs) and declares_dataset(sparql):
            default_graphs, named_graphs = dataset_clauses(sparql)
        form: dict[str, str | list[str]] = {"query": sparql}
        if default_graphs:
            form["default-graph-uri"] = list(default_graphs)
        if named_graphs:
            form["named-graph-uri"] = list(named_graphs)
        asked = query_form(sparql)
        response = self._post(form, ACCEPT.get(asked or "", RESULTS))
        if response.is_error:
            response.read()
            raise self._refusal(sparql, response)
        result = self._parsed(response)
        if asked == "ASK" and isinstance(result, ox.QuerySolutions):
            return _boolean(result)
        return result

    def _post(self, form: dict[str, str | list[str]], accept: str) -> httpx.Response:
        """Send the query; the answer's status and headers, its body still to be read."""
        self._close_answer()
        request = self._client.build_request(
            "POST", self._engine.url, data=form, headers={"Accept": accept}
        )
        try:
            self._answer = self._client.send(request, stream=True)
        except httpx.TransportError as error:
            raise self._failure(error) from None
        return self._answer

    def _failure(self, error: httpx.TransportError) -> BelongError:
        """What a failure to reach the engine, or to read its answer, means for the request."""
        if isinstance(error, httpx.TimeoutException) and not isinstance(
            error, httpx.ConnectTimeout | httpx.PoolTimeout
        ):
            return QueryTimeout(
                f"The SPARQL engine gave no answer within {self._engine.read_timeout:g} s."
            )
        return EngineUnavailable(
            "The SPARQL engine this server reads is not answering "
            f"({type(error).__name__}); data requests fail until it is back."
        )

    def _refusal(self, sparql: str, response: httpx.Response) -> BelongError:
        """The error an engine's error status stands for."""
        if response.status_code == httpx.codes.BAD_REQUEST:
            return QueryError(_refused(sparql, response.text.strip()))
        if response.status_code in (httpx.codes.UNAUTHORIZED, httpx.codes.FORBIDDEN):
            return EngineUnavailable(
                f"The SPARQL engine this server reads refused its account ({response.status_code} "
                f"{response.reason_phrase}): check store_user, store_password and store_auth."
            )
        return EngineUnavailable(
            f"The SPARQL engine this server reads answered {response.status_code} "
            f"({response.reason_phrase}); try again later."
        )

    def _parsed(self, response: httpx.Response) -> QueryResult:
        """The engine's answer as Oxigraph reads it, as it arrives: solutions, a boolean or
        triples."""
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type == RESULTS:
            chunks = _blank_nodes_named(response.iter_bytes())
            return ox.parse_query_results(self._body(chunks), ox.QueryResultsFormat.JSON)
        if media_type in (TRIPLES, "text/plain"):
            document = self._body(response.iter_bytes())
            return (quad.triple for quad in ox.parse(document, ox.RdfFormat.N_TRIPLES))
        raise BadEngineAnswer(
            f"The SPARQL engine this server reads answered in {media_type or 'no media type'}, "
            f"which is not what was asked ({response.request.headers['accept']})."
        )

    def _body(self, chunks: Iterator[bytes]) -> io.BufferedReader:
        return io.BufferedReader(_Body(chunks, self._failure))

    def _close_answer(self) -> None:
        if self._answer is not None:
            self._answer.close()
            self._answer = None

    def close(self) -> None:
        """Close the connections to the engine."""
        self._close_answer()
        self._client.close()

    def dump(self, fmt: Format) -> bytes:
        """The whole dataset: every quad for dataset formats, else the union of the graphs."""
        if fmt.oxigraph is None:
            raise QueryError(f"{fmt.name} is not an RDF format")
        if fmt.datasets:
            rows = self.query(_QUADS)
            assert isinstance(rows, ox.QuerySolutions)
            quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows]
            serialized = ox.serialize(quads, format=fmt.oxigraph, prefixes=PREFIXES)
        else:
            triples = self.query(_TRIPLES)
            assert not isinstance(triples, ox.QuerySolutions | ox.QueryBoolean)
            serialized = ox.serialize(triples, format=fmt.oxigraph, prefixes=PREFIXES)
        assert serialized is not None
        return serialized


def _refused(sparql: str, error: str) -> str:
    """Why the engine refused ``sparql``: Oxigraph server's parse errors read as the embedded
    store's, another engine's refusal (a parse error, or a query it cannot run) in its words."""
    if locates_error(error):
        return syntax_error_message(sparql, error)
    return f"The SPARQL engine this server reads refused the query: {error}"


def _boolean(solutions: ox.QuerySolutions) -> ox.QueryBoolean:
    """An ASK answered as a table (as Virtuoso 7.2 answers it: a row ``__ASK_RETVAL`` 1 for
    true, no row for false) read as the boolean it stands for."""
    truth = b"true" if any(True for _ in solutions) else b"false"
    boolean = ox.parse_query_results(
        b'{"head":{},"boolean":%s}' % truth, ox.QueryResultsFormat.JSON
    )
    assert isinstance(boolean, ox.QueryBoolean)
    return boolean


class _Body(io.RawIOBase):
    """An answer's body as a file for Oxigraph's parsers, read from the network as they ask,
    with a failure to read it turned into the request's error (``failure``)."""

    def __init__(
        self, chunks: Iterator[bytes], failure: Callable[[httpx.TransportError], BelongError]
    ) -> None:
        super().__init__()
        self._chunks = chunks
        self._failure = failure
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.TransportError as error:
                raise self._failure(error) from None
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _blank_nodes_named(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks`` with Virtuoso's "nodeID://" blank node names read as labels: the end of each
    chunk that could begin one is held until the next has come."""
    held = b""
    keep = len(VIRTUOSO_BLANK_NODE) - 1
    for chunk in chunks:
        text = (held + chunk).replace(VIRTUOSO_BLANK_NODE, BLANK_NODE)
        held, ready = text[-keep:], text[:-keep]
        if ready:
            yield ready
    if held:
        yield held
