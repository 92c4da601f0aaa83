"""The floor: a bare pyoxigraph store behind Flask under waitress, with no checks, limits, caching
or isolation. It shows what Python and HTTP cost on their own; belong-graph is measured against
it. It exists only for the benchmark."""

from __future__ import annotations

import argparse

import pyoxigraph as ox
import waitress
from flask import Flask, Response, request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    store = ox.Store()
    store.load(path=args.file, format=ox.RdfFormat.TURTLE)
    app = Flask(__name__)

    @app.get("/sparql")
    def sparql() -> Response:
        result = store.query(request.args["query"])
        if isinstance(result, ox.QueryTriples):
            return Response(result.serialize(format=ox.RdfFormat.TURTLE), mimetype="text/turtle")
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, mimetype="application/sparql-results+json")

    waitress.serve(app, host="127.0.0.1", port=args.port, threads=8, _quiet=True)


if __name__ == "__main__":
    main()
