"""One hierarchy of errors. Each carries the HTTP status it maps to and a message that says what
went wrong and where, in words a curator or a researcher can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from belong_graph.validate import ValidationReport


class BelongError(Exception):
    """Base of every error belong-graph raises on purpose. ``parameter`` names the request
    parameter at fault, where there is one; ``retry_after`` is the seconds after which the same
    request may succeed, for a refusal that passes."""

    status = 500
    retry_after: int | None = None

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter


@dataclass
class Location:
    """Where in a file something went wrong."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column}"
        return where


class DataSyntaxError(BelongError):
    """An RDF file that cannot be parsed."""

    status = 400

    def __init__(self, location: Location, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason

    def __reduce__(self) -> tuple[type[DataSyntaxError], tuple[Location, str]]:
        return DataSyntaxError, (self.location, self.reason)  # from a validating process


class UnknownFormatError(BelongError):
    """A file extension or format name that belong-graph does not read or write."""

    status = 400


class ValidationFailed(BelongError):
    """Data that violates the shapes: nothing was built."""

    status = 422

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(
            f"The data has {len(report.violations)} violation(s) of the shapes; nothing was built."
        )
        self.report = report


class StoreMissing(BelongError):
    """No store has been built yet."""

    status = 503


class EngineFailed(BelongError):
    """A SPARQL engine that could not be started, loaded or stopped as asked."""

    status = 500


class QueryError(BelongError):
    """A SPARQL query that cannot be parsed or run."""

    status = 400


class UnsupportedMediaType(BelongError):
    """A request body in a media type the endpoint does not read."""

    status = 415


class URITooLong(BelongError):
    """A request URL longer than the endpoint accepts."""

    status = 414


class NotAcceptable(BelongError):
    """No format the client accepts can carry the answer."""

    status = 406


class ForbiddenOperation(BelongError):
    """Something the public endpoint never does: updates, or calls to other services."""

    status = 403


class QueryTimeout(BelongError):
    """A query that ran past its time limit and was stopped, or that waited for a worker all
    its time (then ``retry_after`` is set: the server was busy, not the query too slow)."""

    status = 503

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerBusy(BelongError):
    """Every query worker is busy and the queue is full."""

    status = 503
    retry_after = 2


class BudgetSpent(BelongError):
    """A client that has spent its query time, or made its most requests, for now."""

    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerCrashed(BelongError):
    """A query worker died while running a query (for example out of memory)."""

    status = 503


class EngineUnavailable(BelongError):
    """The SPARQL engine at ``store_url`` does not answer, or answers with a server error: data
    requests fail rather than fall back to an embedded copy."""

    status = 503


class BadEngineAnswer(BelongError):
    """The SPARQL engine at ``store_url`` answered with a document that cannot be read as what
    was asked (a proxy's error page, a cut or malformed answer)."""

    status = 502


class EngineError(BelongError):
    """An engine command (loading a build into a SPARQL engine) that failed."""


class SettingError(BelongError):
    """A setting whose value cannot be used."""


class ClientGone(BelongError):
    """The client disconnected before its answer was ready; its query was stopped."""

    status = 499


class OaiError(BelongError):
    """An OAI-PMH error condition: answered, as the protocol says, with HTTP 200 and an
    ``error`` element carrying its code (badVerb, badArgument, badResumptionToken...)."""

    status = 200

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class CatalogueError(BelongError):
    """A canned query file that cannot be used."""


class ParameterError(QueryError):
    """A request value that does not fit its parameter."""


class UnknownView(BelongError):
    """A view that ``queries/`` does not hold."""

    status = 404


class UnknownCitationStyle(BelongError):
    """A citation style or locale that this server does not format in."""

    status = 400


class UnknownEntity(BelongError):
    """An IRI, name or identifier that names nothing of the library."""

    status = 404


class EntityRemoved(BelongError):
    """An entity that the library described once and has removed: its change record stays,
    and OAI-PMH lists it as deleted."""

    status = 410


class NotPublished(BelongError):
    """A dump or sitemap page that this build did not write."""

    status = 404


class NetworkError(QueryError):
    """A filter or parameter of the partnership network that does not fit."""


class LedgerError(BelongError):
    """A change ledger that cannot be read."""

    status = 500
