"""One handler turns every belong-graph error into one plain-text shape with its HTTP status."""

from __future__ import annotations

from flask import Flask, Response

from belong_graph.errors import BelongError


def register(app: Flask) -> None:
    app.register_error_handler(BelongError, _belong_error)


def _belong_error(error: BelongError) -> Response:
    return Response(error.message + "\n", status=error.status, mimetype="text/plain")
