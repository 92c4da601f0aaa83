"""Reading answers: the one place where a SELECT's results become typed rows.

Results come as SPARQL JSON (from a query worker, the answer cache, or later a remote endpoint)
or as Oxigraph solutions (queries run in this process); either way each row maps its bound
variables to Oxigraph terms (``NamedNode``, ``BlankNode``, ``Literal`` with its ``value``,
``language`` and ``datatype``), and an unbound variable is absent from its row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from belong_graph.errors import QueryError
from belong_graph.sparql.bind import Values, bind

if TYPE_CHECKING:
    from belong_graph.store import GraphStore

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = Mapping[str, Term]
NUMBERS = {"integer", "decimal", "double", "float", "long", "int"}


@dataclass(frozen=True)
class Results:
    """A SELECT's answer: its variables, in order, and its rows."""

    variables: tuple[str, ...]
    rows: tuple[Row, ...]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def read_json(document: bytes | str) -> Results:
    """The results of a SPARQL 1.1 Query Results JSON document."""
    parsed: dict[str, Any] = json.loads(document)
    rows = (
        {name: _term(value) for name, value in binding.items()}
        for binding in parsed["results"]["bindings"]
    )
    return Results(tuple(parsed["head"]["vars"]), tuple(rows))


def read_solutions(solutions: ox.QuerySolutions) -> Results:
    """The results of a query run by Oxigraph in this process."""
    names = tuple(variable.value for variable in solutions.variables)
    rows = (
        {name: value for name, value in zip(names, solution, strict=True) if value is not None}
        for solution in solutions
    )
    return Results(names, tuple(rows))


def select(store: GraphStore, query: str, values: Values | None = None) -> Results:
    """Run a SELECT ``query`` with ``values`` bound on a store in this process."""
    solutions = store.query(bind(query, values or {}))
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError("Only a SELECT query answers with rows.")
    return read_solutions(solutions)


def _term(value: Mapping[str, str]) -> Term:
    """One RDF term of SPARQL JSON (``typed-literal`` is what older endpoints call a literal
    with a datatype)."""
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        return ox.BlankNode(text)
    if kind not in ("literal", "typed-literal"):
        raise QueryError(f"An answer holds a term of type {kind!r}, which is not read here.")
    if "xml:lang" in value:
        return ox.Literal(text, language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(text, datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(text)


def items(results: Results) -> list[dict[str, Any]]:
    """Every row as an item of plain values (:func:`row_item`), as the views' JSON gives them."""
    return [row_item(row, results.variables) for row in results.rows]


def row_item(row: Row, variables: tuple[str, ...]) -> dict[str, Any]:
    """One row as plain values; an IRI with its label, from the ``?xLabel`` column if any (which
    it replaces), else from the ``?xName`` column (which stays a column of its own)."""
    item: dict[str, Any] = {}
    for name in variables:
        if name.endswith("Label") and name[: -len("Label")] in variables:
            continue
        term = row.get(name)
        if term is None:
            item[name] = None
        elif isinstance(term, ox.NamedNode):
            label = row.get(name + "Label") or row.get(name + "Name")
            item[name] = {"id": term.value, "label": label.value if label else None}
        else:
            item[name] = plain_value(term)
    return item


def plain_value(term: Term) -> Any:
    """A literal's text, or its number for the numeric datatypes; a blank node's name."""
    datatype = term.datatype.value.rsplit("#", 1)[-1] if isinstance(term, ox.Literal) else ""
    if datatype in NUMBERS:
        number = float(term.value)
        return int(number) if number.is_integer() and datatype != "double" else number
    return term.value
