"""A query that does not parse, said in plain words: where (the line, and a caret under the
spot) and what was expected there, as keywords and punctuation or as the parser's own reason.

Oxigraph's parser reports ``error at LINE:COLUMN: expected one of ...`` and lists, besides
keywords, the character classes that could come next (every Unicode range a name may hold):
those are left out, as no reader acts on them.
"""

from __future__ import annotations

import re

_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_CHARACTER_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]")  # ['0' ..= '9' | ...], [_]
_QUOTED = re.compile(r'^"(.*)"$')
_PREFIXED_NAME = re.compile(r"([A-Za-z][\w.-]*)?:[\w.%-]*$")
PREFIX_NOT_FOUND = "Prefix not found"


def locates_error(error: str) -> bool:
    """Whether ``error`` is Oxigraph's parse error, with the line and column at fault."""
    return _POSITION.match(error) is not None


def syntax_error_message(query: str, error: str) -> str:
    """The parse error of ``query`` (Oxigraph's ``error``) in plain words, with the line at
    fault and a caret under the spot."""
    position = _POSITION.match(error)
    lines = query.splitlines()
    if not position or not 0 < int(position.group(1)) <= len(lines):
        return f"The query does not parse: {_expected(error, '')}"
    line, column = int(position.group(1)), int(position.group(2))
    text = lines[line - 1]
    reason = _expected(error[position.end() :], text[: column - 1])
    caret = " " * (column - 1) + "^"
    return (
        f"The query does not parse at line {line}, column {column}: {reason}\n  {text}\n  {caret}"
    )


def _expected(detail: str, before: str) -> str:
    """What the parser expected, without its character classes; ``before`` is the line up to
    the spot (to name an undeclared prefix)."""
    detail = _CHARACTER_CLASS.sub("", detail)
    detail = detail.removeprefix("expected one of ").removeprefix("expected ")
    items = [item.strip() for item in detail.split(", ") if item.strip()]
    if PREFIX_NOT_FOUND in items:
        name = _PREFIXED_NAME.search(before.rstrip())
        prefix = (name.group(1) or "") if name else None
        if prefix is not None:
            return f"the prefix {prefix}: is not declared: add PREFIX {prefix}: <...> above."
        return "a prefix used here is not declared: add PREFIX name: <...> above."
    reasons = [item for item in items if " " in item]
    if reasons:
        return " ".join(reason.rstrip(".") + "." for reason in reasons)
    tokens = [_token(item) for item in items]
    if "\\u" in tokens:
        return "a string is not closed."
    if {"?", "<"} <= set(tokens):
        return "expected a term here (a variable, an IRI, a prefixed name or a literal)."
    if not tokens:
        return "SPARQL does not allow what comes here."
    if len(tokens) == 1:
        return f"expected {tokens[0]} here."
    return f"expected {', '.join(tokens[:-1])} or {tokens[-1]} here."


def _token(item: str) -> str:
    """A keyword as it is; punctuation without the parser's quotes and escapes."""
    quoted = _QUOTED.match(item)
    if not quoted:
        return item
    return quoted.group(1).encode().decode("unicode_escape")
