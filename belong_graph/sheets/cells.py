"""One cell's text and the RDF terms it stands for, both ways, as its column's kind says."""

from __future__ import annotations

import re
from datetime import date

from rdflib import Literal, URIRef
from rdflib.term import Node

from belong_graph.namespaces import XSD
from belong_graph.sheets.columns import ID_PREFIXES, LANGUAGE, PREFIXES, Column, Kind

SLUG = re.compile(r"^[a-z0-9]+(?:-+[a-z0-9]+)*$")
_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CURIE = re.compile(r"^(?P<prefix>[a-z]+):(?P<local>[A-Za-z0-9_][\w.-]*)$")


class CellError(ValueError):
    """A cell whose text does not fit its column, with a message for the curator."""


def cell_text(column: Column, node: Node, *, base_iri: str, namespace: str) -> str | None:
    """The text of one value in ``column``, or None if the column cannot hold ``node``.

    ``namespace`` is where a REF column's target sheet keeps its entities (``id/person/``)."""
    kind = column.kind
    if isinstance(node, Literal):
        literal_kinds = {
            Kind.TEXT: node.language == LANGUAGE,
            Kind.PLAIN: node.language is None and node.datatype in (None, XSD.string),
            Kind.DATE: node.datatype in _DATE_TYPES.values(),
            Kind.INTEGER: node.datatype == XSD.integer,
            Kind.BOOLEAN: node.datatype == XSD.boolean,
        }
        return str(node) if literal_kinds.get(kind, False) else None
    if not isinstance(node, URIRef):
        return None
    iri = str(node)
    if kind is Kind.REF:
        local = iri.removeprefix(base_iri + namespace)
        return local if local != iri and SLUG.match(local) else None
    if kind is Kind.FLAG:
        return "yes" if iri == expand(column.target, base_iri=base_iri) else None
    if kind is Kind.CURIE:
        return next(
            (
                f"{prefix}:{iri[len(ns) :]}"
                for prefix, ns in PREFIXES.items()
                if prefix not in ID_PREFIXES
                and iri.startswith(ns)
                and _CURIE.match(f"{prefix}:{iri[len(ns) :]}")
            ),
            None,
        )
    if kind is Kind.URL:
        return iri if not iri.startswith(base_iri) else None
    return None


def cell_term(column: Column, text: str, *, base_iri: str, namespace: str) -> Node:
    """The RDF term one value of a cell stands for; :class:`CellError` says why it cannot be."""
    kind = column.kind
    if kind is Kind.TEXT:
        return Literal(text, lang=LANGUAGE)
    if kind is Kind.PLAIN:
        return Literal(text)
    if kind is Kind.DATE:
        return Literal(text, datatype=_date_type(text))
    if kind is Kind.INTEGER:
        if not re.fullmatch(r"\d+", text):
            raise CellError(f"'{text}' is not a whole number: write 1, 2, 3 ...")
        return Literal(text, datatype=XSD.integer)
    if kind is Kind.BOOLEAN:
        if text not in ("true", "false"):
            raise CellError(f"'{text}' is neither true nor false.")
        return Literal(text, datatype=XSD.boolean)
    if kind is Kind.REF:
        if not SLUG.match(text):
            raise CellError(f"'{text}' is not a slug (lower-case words joined by hyphens).")
        return URIRef(base_iri + namespace + text)
    if kind is Kind.FLAG:
        if text != "yes":
            raise CellError(f"Write 'yes' or leave the cell empty, not '{text}'.")
        return URIRef(expand(column.target, base_iri=base_iri))
    if kind is Kind.CURIE:
        if not _CURIE.match(text) or text.split(":")[0] not in PREFIXES:
            raise CellError(f"'{text}' is not a known term such as schema:Report.")
        return URIRef(expand(text, base_iri=base_iri))
    if not re.match(r"^https?://\S+$", text):
        raise CellError(f"'{text}' is not a web address starting with https:// or http://.")
    return URIRef(text)


def expand(curie: str, *, base_iri: str) -> str:
    """The IRI a CURIE such as ``scheme:themes`` or ``schema:Report`` stands for."""
    prefix, local = curie.split(":", 1)
    namespace = PREFIXES[prefix]
    return (base_iri + namespace if prefix in ID_PREFIXES else namespace) + local


def _date_type(text: str) -> URIRef:
    if _DATE.match(text):
        try:
            date.fromisoformat(text if len(text) == 10 else f"{text}-01"[:7] + "-01")
        except ValueError:
            pass
        else:
            return _DATE_TYPES[len(text)]
    raise CellError(
        f"'{text}' is not a date: write the year (2022), year and month (2022-07) or the day "
        "(2022-07-31), as text."
    )
