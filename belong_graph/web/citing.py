"""A resource's citation on the web: its CSL-JSON record (one query, run by the query workers
and cached like any), the BibTeX, RIS, CSL-JSON and formatted citation that
``/id/resource/<slug>`` answers (by Accept, suffix or ``format=``, see :mod:`.linked`), and
what its page shows of it: the citation in each offered style, the downloads and the meta tags.

The style and locale of a formatted citation come from ``style=`` and ``locale=`` in the URL
(a bad one is 400), else from the parameters of ``text/x-bibliography`` in Accept, as DOI
resolvers read them (a bad one is 406), else from the settings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from markupsafe import Markup

from belong_graph.addresses import Addresses
from belong_graph.citation.exports import bibtex, ris
from belong_graph.citation.record import Record, csl_record, record_query
from belong_graph.citation.styles import check_locale, check_style, formatted, style_title
from belong_graph.errors import NotAcceptable, UnknownCitationStyle
from belong_graph.formats import BIBLIOGRAPHY, CITATION_FORMATS, Format
from belong_graph.linked.metadata import citation_tags
from belong_graph.settings import Settings
from belong_graph.sparql.answer import Job
from belong_graph.sparql.results import read_json
from belong_graph.web.caching import etag_for
from belong_graph.web.negotiation import accepted_parameters
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState

CHARSET = "; charset=utf-8"


@dataclass(frozen=True)
class CitationBox:
    """What a resource's page shows of its citation, and the meta tags of its head."""

    entries: list[tuple[str, Markup]]  # a style's title, the citation in it
    downloads: list[tuple[Format, str]]  # each citation format and its URL
    tags: list[tuple[str, str]]


def resource_record(app: AppState, iri: str, where: Addresses) -> Record | None:
    """The CSL-JSON record of the resource ``iri`` (None when the graph gives it no title)."""
    job = Job(record_query(iri), "json", None, app.settings.result_limit)
    results = read_json(cached_answer(app, job, etag_for(app.version, job)).body)
    return csl_record(iri.rstrip("/").rsplit("/", 1)[-1], where.to_public(iri), results.rows)


def citation_box(record: Record, settings: Settings, where: Addresses, path: str) -> CitationBox:
    """The citation in each offered style (in the default locale), the downloads and tags."""
    downloads = [(f, where.url(f"{path}.{f.extension}")) for f in CITATION_FORMATS]
    return CitationBox(styled_entries(record, settings), downloads, citation_tags(record))


def styled_entries(record: Record, settings: Settings) -> list[tuple[str, Markup]]:
    """The record in each offered style, as HTML, with the style's title."""
    locale = check_locale(settings.citation_locale)
    return [
        (style_title(style), Markup(formatted(record, style, locale, html=True)))
        for style in settings.citation_styles
    ]


def citation_body(record: Record, fmt: Format, settings: Settings) -> tuple[str, str]:
    """The record in the citation format ``fmt``, with its media type."""
    if fmt.name == "bibtex":
        body = bibtex(record)
    elif fmt.name == "ris":
        body = ris(record)
    elif fmt.name == "csljson":
        body = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    else:
        style, locale = requested_style(settings)
        body = formatted(record, style, locale) + "\n"
    return body, fmt.media_type + CHARSET


def requested_style(settings: Settings) -> tuple[str, str]:
    """The CSL style and locale the request asks for (see the module's docstring)."""
    offered = settings.citation_styles
    style = _asked("style", offered[0], lambda name: check_style(name, offered))
    return style, _asked("locale", settings.citation_locale, check_locale)


def _asked(name: str, default: str, check: Callable[[str], str]) -> str:
    """The checked value of ``name`` from the URL, else from Accept, else ``default``."""
    in_url = request.args.get(name)
    value = in_url or accepted_parameters(BIBLIOGRAPHY.media_type).get(name, default)
    try:
        return check(value)
    except UnknownCitationStyle as error:
        if in_url:
            raise UnknownCitationStyle(error.message, parameter=name) from error
        raise NotAcceptable(f"{error.message} (asked for in Accept)") from error
