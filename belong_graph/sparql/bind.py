"""Putting values into a query: the one way any term reaches a SPARQL query of belong-graph.

A query declares where its values go with a comment line ``# @values``: first in its ``WHERE``
clause, so that every pattern, filter and ``BIND`` after it sees them, and again first in each
branch of a ``UNION`` (or sub-``SELECT``) whose patterns use them. :func:`bind` writes at each such
line one ``VALUES`` block per variable, from RDF terms: IRIs are checked against RFC
3987 (by Oxigraph) and against SPARQL's ``IRIREF``, language tags and datatypes are checked, and
a literal's text is written with SPARQL's escapes for whatever would end or break a string
(backslash, quote, line breaks) or that a parser might not keep as it is (tab, backspace, form
feed), so no value can leave its literal. (An engine that expands code point escapes before
parsing, as SPARQL 1.1 §19.2 reads, may take a value's backslash, ``u`` and hex digits for a
character, but still inside the literal.)

The same blocks repeated in a branch change no answer (a join distributes over a union, and a
value joined with itself is the same value), but the engine then starts each branch from the
bound values: Oxigraph does not push a ``VALUES`` block into the branches of a ``UNION`` itself,
and evaluates each branch over the whole library before the join. At 3,000 synthetic resources,
an entity's description took 4.1 s with one block outside and 1 ms with a block in each branch;
a person's profile 400 ms and 1 ms. (Blocks only inside the branches were slower still for the
organisation views: the block first in ``WHERE`` stays.)

The result is plain SPARQL 1.1 text that runs the same in a query worker, in this process or
on a remote endpoint; the unbound query is plain SPARQL too, the marker being a comment.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import pyoxigraph as ox
from rdflib import Literal, URIRef

from belong_graph.namespaces import RDF, XSD

Bindable = ox.NamedNode | ox.Literal | URIRef | Literal
Values = Mapping[str, Bindable | Collection[Bindable]]  # variable -> its value, or alternatives

PLACE = "# @values"  # the comment line where a query takes its values
_PLACE = re.compile(r"^[ \t]*#[ \t]*@values\b.*$", re.MULTILINE)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]*')  # SPARQL 1.1 IRIREF, between the brackets
_LANGUAGE = re.compile(r"[a-zA-Z]+(-[a-zA-Z0-9]+)*")  # SPARQL 1.1 LANGTAG, after the @
_ESCAPED = re.compile(r'[\\"\n\r\t\b\f]')  # what would end, break or blur a string
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_WRITTEN_BARE = (str(XSD.string), str(RDF.langString))  # datatypes a literal need not name


def bind(query: str, values: Values) -> str:
    """``query`` with ``values`` written at each of its ``# @values`` lines as ``VALUES`` blocks:
    a term binds its variable, a collection of terms gives its alternatives (none: no solution).

    With no values the query is returned as it is. A query given values must hold a
    ``# @values`` line; a variable name or term that cannot be written safely is a ValueError.
    """
    if not values:
        return query
    return _written(query, [values_block(name, value) for name, value in values.items()])


def bind_rows(query: str, names: Collection[str], rows: Collection[Collection[Bindable]]) -> str:
    """``query`` with one ``VALUES`` block of ``rows`` (:func:`values_rows`) at each of its
    ``# @values`` lines. Where a query takes constants besides a list of alternatives, rows
    of them together keep Oxigraph starting from the rows: with a block per variable it read
    every statement of a constant (every resource of the library, 30,000) and joined the
    alternatives to them, ten times slower for 30 resources of 30,000."""
    return _written(query, [values_rows(names, rows)])


def _written(query: str, blocks: list[str]) -> str:
    if not has_place(query):
        raise ValueError(f"A query given values needs a '{PLACE}' line.")

    def written(place: re.Match[str]) -> str:
        line = place.group()
        indent = line[: len(line) - len(line.lstrip())]
        return "\n".join(indent + block for block in blocks)

    return _PLACE.sub(written, query)


def has_place(query: str) -> bool:
    """Whether ``query`` declares a place for values (a ``# @values`` line)."""
    return _PLACE.search(query) is not None


def values_block(name: str, value: Bindable | Collection[Bindable]) -> str:
    """``VALUES ?name { ... }`` for one term or a collection of them."""
    _check_variable(name)
    if isinstance(value, Bindable) or not isinstance(value, Collection):
        terms = [value]  # a blank node, say, is refused by term()
    else:
        terms = list(value)
    return f"VALUES ?{name} {{ {' '.join(term(t) for t in terms)} }}"


def values_rows(names: Collection[str], rows: Collection[Collection[Bindable]]) -> str:
    """``VALUES (?name ...) { (...) ... }``: each row gives the terms of ``names``, in order."""
    for name in names:
        _check_variable(name)
    variables = " ".join(f"?{name}" for name in names)
    written = " ".join(f"({' '.join(term(t) for t in row)})" for row in rows)
    return f"VALUES ({variables}) {{ {written} }}"


def _check_variable(name: str) -> None:
    if not _VARIABLE.fullmatch(name):
        raise ValueError(f"{name!r} is not a variable name that can be bound.")


def term(value: Bindable) -> str:
    """``value`` as SPARQL text: an IRI in brackets, or a literal with its language or type."""
    if isinstance(value, ox.NamedNode):
        return _iri(value.value)
    if isinstance(value, URIRef):
        return _iri(str(value))
    if isinstance(value, Literal):
        datatype = ox.NamedNode(value.datatype) if value.datatype else None
        value = ox.Literal(str(value), language=value.language, datatype=datatype)
    if not isinstance(value, ox.Literal):
        raise ValueError(f"{value!r} cannot be bound: only IRIs and literals can.")
    text = '"' + _ESCAPED.sub(lambda match: _ESCAPES[match.group()], value.value) + '"'
    if value.language:
        if not _LANGUAGE.fullmatch(value.language):
            raise ValueError(f"{value.language!r} is not a language tag.")
        return f"{text}@{value.language}"
    if value.datatype.value in _WRITTEN_BARE:
        return text
    return f"{text}^^{_iri(value.datatype.value)}"


def _iri(iri: str) -> str:
    """``<iri>``, once Oxigraph has found it a valid IRI and SPARQL can take it as written."""
    checked = ox.NamedNode(iri).value  # a ValueError for an invalid IRI
    if not _IRI.fullmatch(checked):
        raise ValueError(f"{iri!r} cannot be written as a SPARQL IRI.")
    return f"<{checked}>"
