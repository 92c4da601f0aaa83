"""One handler turns every belong-graph error into one plain-text shape with its HTTP status."""

from __future__ import annotations

from flask import Flask, Response

from belong_graph.errors import BelongError, ServerBusy


def register(app: Flask) -> None:
    app.register_error_handler(BelongError, _belong_error)


def _belong_error(error: BelongError) -> Response:
    response = Response(error.message + "\n", status=error.status, mimetype="text/plain")
    if isinstance(error, ServerBusy):
        response.headers["Retry-After"] = str(error.retry_after)
    return response
