"""Content negotiation from the one format table: Accept with q-values, or a `format` parameter
as many clients send. Never answers with a type the client did not accept."""

from __future__ import annotations

from flask import request
from werkzeug.http import parse_options_header

from belong_graph.errors import ParameterError
from belong_graph.formats import HTML as HTML_FORMAT
from belong_graph.formats import Format, format_named

HTML = HTML_FORMAT.media_type


def wants_html(named: str | None = None) -> bool:
    """A browser asking for a page: HTML is what it prefers, and no format was named."""
    if named:
        return False
    accept = request.accept_mimetypes
    listed = any(value == HTML for value, _ in accept)  # not just matched by */*
    return listed and accept.best_match([HTML, "application/json"]) == HTML


def negotiate(formats: tuple[Format, ...], named: str | None = None) -> Format | None:
    """The best of ``formats`` for this request, or None when the client accepts none of them."""
    if named:
        return format_named(named, formats)
    accept = request.accept_mimetypes
    if not accept:
        return formats[0]
    offered = [f.media_type for f in formats]
    # A type asked for with parameters (text/x-bibliography; style=apa) matches only itself.
    offered += [value for value, _ in accept if _base(value) in offered and _base(value) != value]
    best = accept.best_match(offered)
    if best is None:  # also accept the aliases clients use, such as application/json
        for fmt in formats:
            if any(accept[alias] for alias in fmt.aliases if "/" in alias):
                return fmt
        return None
    return next(f for f in formats if f.media_type == _base(best))


def accepted_parameters(media_type: str) -> dict[str, str]:
    """The parameters the client gave with ``media_type`` in Accept (such as ``style``)."""
    for value, _ in request.accept_mimetypes:
        base, options = parse_options_header(value)
        if base == media_type:
            return options
    return {}


def _base(value: str) -> str:
    return parse_options_header(value)[0]


def check_format_name(named: str | None, *groups: tuple[Format, ...]) -> None:
    """A named format that no group knows is a client error, not a 406."""
    if named and all(format_named(named, group) is None for group in groups):
        known = sorted({f.name for group in groups for f in group})
        raise ParameterError(
            f"Unknown format {named!r}; use one of: {', '.join(known)}.", parameter="format"
        )
