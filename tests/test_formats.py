"""The one format table: the selections negotiation depends on, and the facts each format's
columns must carry where they are published."""

from __future__ import annotations

import pytest

from belong_graph.formats import (
    API_FORMATS,
    DUMP_FORMATS,
    FORMATS,
    LINKED_DATA_FORMATS,
    NETWORK_FORMATS,
    RDF_FORMATS,
    RESULT_FORMATS,
    SERVICE_DESCRIPTION_FORMATS,
    VOID_FORMATS,
    Format,
    format_named,
    parameter_names,
)


def test_a_client_that_names_no_format_gets_the_first_of_each_selection() -> None:
    assert RESULT_FORMATS[0].media_type == "application/sparql-results+json"
    assert RDF_FORMATS[0].media_type == "text/turtle"
    assert LINKED_DATA_FORMATS[0].media_type == "text/html"  # browsers, and */*
    assert API_FORMATS[0].media_type == NETWORK_FORMATS[0].media_type == "application/json"
    assert SERVICE_DESCRIPTION_FORMATS[0].media_type == VOID_FORMATS[0].media_type == "text/turtle"


@pytest.mark.parametrize(
    "formats",
    [RESULT_FORMATS, RDF_FORMATS, LINKED_DATA_FORMATS, API_FORMATS, NETWORK_FORMATS, VOID_FORMATS],
)
def test_each_documented_format_name_finds_its_format(formats: tuple[Format, ...]) -> None:
    names = parameter_names(formats)
    assert len(set(names)) == len(formats)
    assert [format_named(name, formats) for name in names] == list(formats)


def test_published_formats_carry_the_iris_their_descriptions_state() -> None:
    for fmt in (*RESULT_FORMATS, *RDF_FORMATS):  # sd:resultFormat
        assert fmt.iri and fmt.iri.startswith("http://www.w3.org/ns/formats/"), fmt.name
    for fmt in DUMP_FORMATS:  # void:feature, dcterms:format, dcat:mediaType
        assert fmt.file_type and fmt.iri, fmt.name
        assert fmt.media_type_iri == "http://www.iana.org/assignments/media-types/" + (
            fmt.media_type
        )
    assert {f.name for f in DUMP_FORMATS} == {"nquads", "trig", "jsonld", "turtle", "ntriples"}


def test_each_media_type_is_stated_once() -> None:
    media_types = [f.media_type for f in FORMATS]
    assert len(media_types) == len(set(media_types))
