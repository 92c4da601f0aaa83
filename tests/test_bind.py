"""Binding values into queries and reading answers: the one binder and the one reader, against
injection attempts and every kind of term, run by Oxigraph (the engine we serve with) and parsed
by rdflib (an engine that expands code point escapes before parsing, as SPARQL 1.1 §19.2 says)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib

from belong_graph.errors import QueryError
from belong_graph.sparql.answer import Job, answer
from belong_graph.sparql.bind import bind, bind_rows, has_place
from belong_graph.sparql.results import read_json, read_solutions, select
from belong_graph.store import DatasetVersion, OxigraphStore

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY = """SELECT ?x WHERE {
  # @values
  BIND (1 AS ?one)
}"""
ATTEMPTS = [
    '" } ; DROP ALL ; #',
    '"} UNION { ?s ?p ?o } #',
    "'single' and \"double\" quotes",
    "line one\n} ; DROP ALL\r\nline three",
    "a tab\tand a backslash \\ and a brace }",
    "control characters: \x00 \x01 \x08 \x0c \x7f",
    '\\" } ; DROP ALL',
    "> <http://example.org/evil>",
    "# @values",
    "é, 日本語, 🙂 and U+2028 \u2028",
]


def solutions(query: str) -> list[ox.Term | None]:
    """The values of ``?x`` in each solution, as Oxigraph reads the query."""
    rows = ox.Store().query(query)
    assert isinstance(rows, ox.QuerySolutions)
    return [row["x"] for row in rows]


def rdflib_values(query: str) -> list[str]:
    """The values of ``?x`` in each solution, as rdflib reads the query."""
    return [str(row[0]) for row in rdflib.Graph().query(query)]


@pytest.mark.parametrize("text", ATTEMPTS)
def test_a_string_stays_one_literal_whatever_it_holds(text: str) -> None:
    bound = bind(QUERY, {"x": ox.Literal(text)})
    assert solutions(bound) == [ox.Literal(text)]
    assert rdflib_values(bound) == [text]
    assert bound.count("\n") == QUERY.count("\n")  # line breaks in a value are escaped


def test_a_code_point_escape_in_a_value_cannot_leave_its_literal() -> None:
    text = "\\u0022 } ; DROP ALL ; #"  # a backslash, u0022: a quote for a §19.2 engine
    bound = bind(QUERY, {"x": ox.Literal(text)})
    assert solutions(bound) == [ox.Literal(text)]
    assert rdflib_values(bound) == ['" } ; DROP ALL ; #']  # expanded, but still one literal


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.org/a> } ; DROP ALL ; <x",
        "http://example.org/a b",
        "http://example.org/a\n",
        'http://example.org/"',
        "http://example.org/{x}",
        "http://example.org/a\\u003E",
        "theme/belonging",  # relative: not an IRI
    ],
)
def test_an_iri_that_could_break_out_is_refused(iri: str) -> None:
    with pytest.raises(ValueError):
        bind(QUERY, {"x": rdflib.URIRef(iri)})
    with pytest.raises(ValueError):
        bind(QUERY, {"x": ox.NamedNode(iri)})


def test_iris_and_literals_keep_their_language_and_datatype() -> None:
    terms = [
        ox.NamedNode("https://data.belongnetwork.co.uk/id/theme/belonging"),
        ox.NamedNode("http://example.org/é?q=1#frag"),
        ox.Literal("colour", language="en-GB"),
        ox.Literal("2020", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("2022-03", datatype=ox.NamedNode(XSD + "gYearMonth")),
        ox.Literal('a "quoted"\nvalue', datatype=ox.NamedNode("http://example.org/type")),
        ox.Literal("plain"),
    ]
    bound = bind(QUERY, {"x": terms})
    assert solutions(bound) == terms
    assert '"colour"@en-gb' in bound
    assert f'"2020"^^<{XSD}integer>' in bound and f"{XSD}string" not in bound


def test_rdflib_terms_bind_as_the_same_terms() -> None:
    given = {
        "x": [
            rdflib.URIRef("http://purl.org/dc/terms/modified"),
            rdflib.Literal("Wales", lang="en"),
            rdflib.Literal(5),
            rdflib.Literal("text"),
        ]
    }
    assert solutions(bind(QUERY, given)) == [
        ox.NamedNode("http://purl.org/dc/terms/modified"),
        ox.Literal("Wales", language="en"),
        ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("text"),
    ]


def test_each_variable_gets_its_own_block_at_the_declared_place() -> None:
    query = """SELECT ?x ?y WHERE {
    # @values: where the values go
    FILTER (?y != "b")
}"""
    bound = bind(query, {"x": ox.Literal("a"), "y": [ox.Literal("b"), ox.Literal("c")]})
    assert bound.splitlines()[1:3] == ['    VALUES ?x { "a" }', '    VALUES ?y { "b" "c" }']
    rows = ox.Store().query(bound)
    assert isinstance(rows, ox.QuerySolutions)
    assert [(row["x"], row["y"]) for row in rows] == [(ox.Literal("a"), ox.Literal("c"))]
    assert solutions(bind(QUERY, {"x": []})) == []  # no alternatives: no solution


def test_every_branch_of_a_union_gets_the_blocks_and_the_same_answers() -> None:
    store = ox.Store()
    ex = "http://example.org/"
    for subject, obj in (("a", "b"), ("b", "c"), ("c", "a")):
        triple = (ox.NamedNode(ex + subject), ox.NamedNode(ex + "p"), ox.NamedNode(ex + obj))
        store.add(ox.Quad(*triple))
    outside = """SELECT ?x ?y WHERE {
  # @values
  { ?x <http://example.org/p> ?y } UNION { ?y <http://example.org/p> ?x }
}"""
    inside = """SELECT ?x ?y WHERE {
  # @values
  {
    # @values
    ?x <http://example.org/p> ?y
  } UNION {
    # @values
    ?y <http://example.org/p> ?x
  }
}"""
    values = {"x": ox.NamedNode(ex + "a")}
    bound = bind(inside, values)
    assert bound.count("VALUES ?x { <http://example.org/a> }") == 3
    assert sorted(str(r["y"]) for r in store.query(bound)) == [
        "<http://example.org/b>",
        "<http://example.org/c>",
    ]
    assert sorted(str(r["y"]) for r in store.query(bound)) == sorted(
        str(r["y"]) for r in store.query(bind(outside, values))
    )


def test_rows_bind_their_variables_together_at_every_place() -> None:
    query = """SELECT ?x ?y WHERE {
  {
    # @values
    BIND (1 AS ?one)
  } UNION {
    # @values
    BIND (2 AS ?one)
  }
}"""
    rows = [[ox.Literal("a"), ox.Literal("b")], [ox.Literal("c"), ox.Literal("d")]]
    bound = bind_rows(query, ["x", "y"], rows)
    assert bound.count('    VALUES (?x ?y) { ("a" "b") ("c" "d") }') == 2
    assert sorted((r["x"].value, r["y"].value) for r in ox.Store().query(bound)) == [
        ("a", "b"),
        ("a", "b"),
        ("c", "d"),
        ("c", "d"),
    ]  # each row, never "a" with "d"
    assert solutions(bind_rows(QUERY, ["x"], [])) == []  # no rows: no solution


def test_a_query_without_a_place_or_a_bad_name_or_term_is_refused() -> None:
    assert bind("SELECT * WHERE { }", {}) == "SELECT * WHERE { }"  # nothing to bind
    assert not has_place("SELECT * WHERE { }")
    with pytest.raises(ValueError, match="needs a '# @values' line"):
        bind("SELECT * WHERE { }", {"x": ox.Literal("a")})
    with pytest.raises(ValueError, match="variable name"):
        bind(QUERY, {"x } ; DROP ALL ; #": ox.Literal("a")})
    with pytest.raises(ValueError, match="only IRIs and literals"):
        bind(QUERY, {"x": ox.BlankNode("b")})
    with pytest.raises(ValueError, match="only IRIs and literals"):
        bind(QUERY, {"x": ["a plain string"]})


# --- Reading answers ----------------------------------------------------------------------------

READ = """SELECT ?iri ?text ?number ?missing WHERE {
  VALUES (?iri ?text ?number) {
    (<http://example.org/a> "hello"@en-GB 42)
    (UNDEF "no language" UNDEF)
  }
}"""


def test_sparql_json_and_oxigraph_solutions_read_as_the_same_rows() -> None:
    store = ox.Store()
    rows = store.query(READ)
    assert isinstance(rows, ox.QuerySolutions)
    from_oxigraph = read_solutions(rows)
    json_results = store.query(READ)
    assert isinstance(json_results, ox.QuerySolutions)
    document = json_results.serialize(format=ox.QueryResultsFormat.JSON)
    assert document is not None
    from_json = read_json(document)
    assert from_json == from_oxigraph
    assert from_json.variables == ("iri", "text", "number", "missing")
    first, second = from_json
    assert first == {
        "iri": ox.NamedNode("http://example.org/a"),
        "text": ox.Literal("hello", language="en-gb"),
        "number": ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
    }
    assert second == {"text": ox.Literal("no language")}  # unbound variables are absent


def test_a_truncated_answer_and_an_older_endpoints_terms_are_read() -> None:
    document = {
        "head": {"vars": ["s", "n"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "bnode", "value": "b0"},
                    "n": {"type": "typed-literal", "value": "1.5", "datatype": XSD + "decimal"},
                }
            ]
        },
        "truncated": True,
    }
    results = read_json(json.dumps(document))
    assert results.rows == (
        {"s": ox.BlankNode("b0"), "n": ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal"))},
    )
    document["results"]["bindings"] = [{"s": {"type": "triple", "value": {}}}]
    with pytest.raises(QueryError, match="'triple'"):
        read_json(json.dumps(document))


def test_a_capped_answer_from_the_workers_is_read_with_its_rows() -> None:
    store = OxigraphStore(ox.Store(), DatasetVersion("d", "2026-01-01T00:00:00Z", 0))
    query = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } } ORDER BY ?x"
    capped = answer(store, Job(query, "json", None, 2))
    assert capped.truncated
    assert [row["x"].value for row in read_json(capped.body)] == ["1", "2"]


def test_select_binds_runs_and_reads_in_this_process() -> None:
    store = OxigraphStore(ox.Store(), DatasetVersion("d", "2026-01-01T00:00:00Z", 0))
    results = select(store, QUERY, {"x": ox.Literal('" } ; DROP ALL ; #')})
    assert [row["x"] for row in results] == [ox.Literal('" } ; DROP ALL ; #')]
    with pytest.raises(QueryError, match="Only a SELECT"):
        select(store, "ASK {}")
