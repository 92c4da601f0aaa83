"""One handler renders every error: belong-graph's own (``belong_graph.errors``) and HTTP's (a URL
that names nothing, a method not allowed, a body too large, a bug), in the shape the client reads:

- ``application/problem+json`` (RFC 9457) under ``/api/``, at ``/reconcile`` and for clients
  that prefer JSON: ``type``, ``title``, ``status``, ``detail``, and the ``parameter`` at fault
  where there is one;
- for browsers, a page of the site (navigation, footer) that says what went wrong in plain words,
  with the ways on: the same page without the parameter at fault, search, home;
- plain text, the detail alone, for SPARQL protocol clients and everyone else.

Each answer varies by Accept, and carries Retry-After where waiting helps (a spent budget, a busy
server). OAI-PMH errors never come here: the protocol answers them as XML with status 200.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from flask import Flask, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from belong_graph import errors
from belong_graph.errors import BelongError
from belong_graph.web.negotiation import wants_html
from belong_graph.web.urls import served

PROBLEM_JSON = "application/problem+json"
JSON_TYPES = (PROBLEM_JSON, "application/json")
BLANK = "about:blank"  # RFC 9457: a problem that the status code says all about


@dataclass(frozen=True)
class Problem:
    """An error as RFC 9457 describes it, with the Retry-After it calls for."""

    type: str
    title: str
    status: int
    detail: str
    parameter: str | None = None
    retry_after: int | None = None


@dataclass(frozen=True)
class ProblemType:
    """A kind of error that the server answers, as the API reference documents it."""

    anchor: str
    title: str
    status: int
    meaning: str


def register(app: Flask) -> None:
    app.register_error_handler(BelongError, _belong_error)
    app.register_error_handler(HTTPException, _http_error)


def problem_types() -> list[ProblemType]:
    """Every kind of belong-graph error, by status (but OAI-PMH's, which are answered as XML)."""
    found = [
        ProblemType(_anchor(kind), _title(kind), kind.status, (kind.__doc__ or "").strip())
        for kind in vars(errors).values()
        if isinstance(kind, type)
        and issubclass(kind, BelongError)
        and kind not in (BelongError, errors.OaiError)
    ]
    return sorted(found, key=lambda t: (t.status, t.title))


def _belong_error(error: BelongError) -> Response:
    kind = type(error)
    reference = served(url_for("api.reference")) + "#" + _anchor(kind)
    problem = Problem(
        reference, _title(kind), error.status, error.message, error.parameter, error.retry_after
    )
    return _render(problem)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    problem = Problem(BLANK, error.name, status, _http_detail(error))
    response = _render(problem)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.allow.update(error.valid_methods)
    return response


def _http_detail(error: HTTPException) -> str:
    """What went wrong, said for this server where it can say more than HTTP's phrase."""
    if isinstance(error, NotFound):
        return f"There is nothing at {request.path} on this server."
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(m for m in error.valid_methods or () if m != "OPTIONS"))
        return f"{request.path} does not answer {request.method}; it answers {allowed}."
    if isinstance(error, RequestEntityTooLarge):
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return f"The request body is larger than the {limit:,} bytes this server accepts."
    return error.description or error.name


def _render(problem: Problem) -> Response:
    """``problem`` in the shape the client reads, with Vary and Retry-After."""
    shape = _shape()
    if shape == "json":
        body = {k: v for k, v in asdict(problem).items() if v is not None and k != "retry_after"}
        response = Response(json.dumps(body, indent=1), mimetype=PROBLEM_JSON)
    elif shape == "html":
        page = render_template(  # an error is none of the navigation's pages
            "error.html",
            problem=problem,
            without_fault=_without_fault(problem),
            current_endpoint=None,
        )
        response = Response(page, mimetype="text/html")
    else:
        response = Response(problem.detail + "\n", mimetype="text/plain")
    response.status_code = problem.status
    response.vary.add("Accept")
    if problem.retry_after is not None:
        response.headers["Retry-After"] = str(problem.retry_after)
    return response


def _without_fault(problem: Problem) -> str | None:
    """The page asked for, without the parameter at fault, where its address named it."""
    if request.method != "GET" or problem.parameter not in request.args:
        return None
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != problem.parameter]
    return request.path + ("?" + urlencode(kept) if kept else "")


def _shape() -> str:
    """json under /api/, at /reconcile and for clients that prefer it; html for browsers; text
    for the rest, among them every SPARQL protocol client."""
    if request.path.startswith((url_for("api.reference"), url_for("reconcile.reconcile"))):
        return "json"
    if wants_html():
        return "html"
    if request.path == url_for("sparql.endpoint"):
        return "text"
    accept = request.accept_mimetypes
    listed = any(value in JSON_TYPES for value, _ in accept)  # not just matched by */*
    prefers_json = accept.best_match([*JSON_TYPES, "text/plain"]) in JSON_TYPES
    return "json" if listed and prefers_json else "text"


def _title(kind: type[BelongError]) -> str:
    """The error's class name in words: ``URITooLong`` is "URI too long"."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]*", kind.__name__)
    said = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return said[:1].upper() + said[1:]


def _anchor(kind: type[BelongError]) -> str:
    return "error-" + _title(kind).lower().replace(" ", "-")
