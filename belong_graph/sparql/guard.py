"""Checks on a query's text before it runs: the public endpoint never updates the data and never
calls another service (SERVICE) unless the service is on the allow-list. The same reading tells
whether a query names its own dataset (FROM, FROM NAMED) and which form it has (SELECT, ASK,
CONSTRUCT, DESCRIBE).

Oxigraph calls SERVICE endpoints itself and cannot be told not to, so the check happens here,
on the query's tokens (strings, IRIs and comments masked out), before any worker sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from belong_graph.errors import ForbiddenOperation, QueryError

_MASKED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
_UPDATE = re.compile(
    r"(?<![\w:?$-])(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)(?![\w:-])",
    re.IGNORECASE,
)
_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$-])FROM(?![\w:-])", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w:?$-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)


def check_query(query: str, *, service_allowlist: Iterable[str] = ()) -> None:
    """Refuse updates, and SERVICE calls outside the allow-list."""
    code = _code(query)
    if match := _UPDATE.search(code):
        raise ForbiddenOperation(
            f"SPARQL Update ({match.group(1).upper()}) is not allowed: this public endpoint is "
            "read-only."
        )
    if _SERVICE.search(code):
        allowed = tuple(service_allowlist)
        if not allowed:
            raise ForbiddenOperation(
                "SERVICE is not allowed: this endpoint does not call other SPARQL services."
            )
        for iri in service_iris(query):
            if not iri.startswith(allowed):
                raise ForbiddenOperation(f"SERVICE <{iri}> is not on this endpoint's allow-list.")


def declares_dataset(query: str) -> bool:
    """Whether the query has a dataset clause (FROM or FROM NAMED) of its own."""
    return _FROM.search(_code(query)) is not None


def query_form(query: str) -> str | None:
    """The query's form (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: its first keyword
    past the prologue, whose IRIs are masked and whose prefix names end with a colon), read from
    its tokens, as a full parse (rdflib's) takes 10 to 300 ms a query; None if it has none."""
    match = _FORM.search(_code(query))
    return match.group(1).upper() if match else None


def _code(query: str) -> str:
    """The query's tokens, with strings, IRIs and comments masked out."""
    return _MASKED.sub(lambda m: "<>" if m.group().startswith("<") else " ", query)


def dataset_clauses(query: str) -> tuple[list[str], list[str]]:
    """The IRIs of the query's FROM and of its FROM NAMED clauses, prefixed names expanded."""
    clauses = _algebra(query).get("datasetClause") or []
    default = [str(clause["default"]) for clause in clauses if "default" in clause]
    named = [str(clause["named"]) for clause in clauses if "named" in clause]
    return default, named


def _algebra(query: str) -> Any:
    """The query as rdflib reads it (its algebra)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        return translateQuery(parseQuery(query)).algebra
    except Exception as error:  # pyparsing raises several unrelated types
        raise QueryError(f"The query does not parse: {error}") from None


def service_iris(query: str) -> list[str]:
    """The IRIs of the query's SERVICE clauses; a SERVICE on a variable is refused."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    algebra = _algebra(query)
    iris: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                if not isinstance(node.term, URIRef):
                    raise ForbiddenOperation("SERVICE on a variable is not allowed.")
                iris.append(str(node.term))
            for value in node.values():
                visit(value)
        elif isinstance(node, list | tuple):
            for item in node:
                visit(item)

    visit(algebra)
    return iris
