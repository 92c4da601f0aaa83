"""An entity's description as a document in one RDF syntax, with the base IRI already rewritten."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from belong_graph.formats import Format
from belong_graph.linked import jsonld
from belong_graph.namespaces import PREFIXES


def rdf_document(
    triples: Sequence[ox.Triple], fmt: Format, *, first: str, context_url: str
) -> bytes:
    """``triples`` in ``fmt``; JSON-LD is compacted under the published context."""
    if fmt.name == "jsonld":
        return jsonld.document(triples, first, context_url)
    if fmt.oxigraph is None:
        raise ValueError(f"{fmt.name} is not an RDF format")
    ordered = sorted(triples, key=lambda t: (str(t.subject) != f"<{first}>", str(t)))
    body = ox.serialize(ordered, format=fmt.oxigraph, prefixes=PREFIXES)
    assert body is not None  # Oxigraph returns bytes when given no output file
    return body
