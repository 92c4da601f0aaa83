"""What an entity's page leads with, in plain words, before the graph's facts: for a resource,
its credits as printed, date, types, themes, description, partners and funders, where it is
listed and related resources (:mod:`.resource_lead`); for an organisation, person, initiative or
theme, a sentence that sums it up and the lists a reader wants (:mod:`.profile_leads`). A lead is
made from the entity's description and the answers of its page's views (``pages.ENTITY_VIEWS``),
so it runs no query of its own. Here: what a lead holds, and the words the builders share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyoxigraph as ox

from belong_graph.catalogue import CannedQuery
from belong_graph.linked.describe import Description, preferred_label
from belong_graph.namespaces import PREFIXES

DCTERMS = PREFIXES["dcterms"]
SCHEMA = PREFIXES["schema"]
PROV = PREFIXES["prov"]
MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
Item = Mapping[str, Any]  # one item of a view's answer


class Section(NamedTuple):
    """A view as an entity's page runs it: the view, its answer, the rows of its chart, the
    address of its answer's next page (if any) and of its answer (the page's values bound)."""

    view: CannedQuery
    answer: Any
    chart: list[tuple[str, Any]]
    rest: str | None
    address: str


@dataclass(frozen=True)
class Entry:
    """One thing in a list: its name, its page (if any) and a note (a role, a date, a count)."""

    label: str
    iri: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Listing:
    """A list a page shows, under its heading, with the view it comes from."""

    title: str
    entries: list[Entry]
    view: CannedQuery
    address: str  # the view's answer, the page's values bound
    rest: str | None = None  # the view's next page, where the list is longer than shown


@dataclass(frozen=True)
class Figure:
    """A chart with its data table: its heading, what it shows, and its rows from the view."""

    title: str
    description: str
    category: str  # the heading of the table's first column
    rows: list[tuple[str, Any]]
    view: CannedQuery
    address: str  # the view's answer, the page's values bound


@dataclass(frozen=True)
class Credited:
    """Agents credited side by side with one printed affiliation (or none)."""

    agents: list[Entry]
    affiliation: Entry | None


@dataclass(frozen=True)
class Credits:
    """The agents credited in one role as the credit line prints them (``by``), each
    affiliation's people together, in the printed order."""

    phrase: str
    groups: list[Credited]


@dataclass
class Lead:
    """The top of an entity's page."""

    summary: str = ""
    description: str = ""
    credits: list[Credits] = field(default_factory=list)
    details: list[tuple[str, list[Entry]]] = field(default_factory=list)  # (name, values)
    listings: list[Listing] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    related: Listing | None = None
    listed_in: list[Entry] = field(default_factory=list)  # the source documents
    addresses: list[str] = field(default_factory=list)  # schema:url, where the graph has one
    printed: str = ""  # the credit line as the source prints it


@dataclass(frozen=True)
class Context:
    """What a lead is made from: the entity's name, its description and its views' answers."""

    name: str
    description: Description
    sections: Mapping[str, Section]  # by view name

    def items(self, view: str) -> list[Item]:
        return list(self.sections[view].answer.items)


Builder = Callable[[Lead, Context], None]  # fills in the lead of one kind of entity


def lead(description: Description, sections: Sequence[Section], build: Builder | None) -> Lead:
    """The lead of the entity ``description`` describes: what every entity has (its
    description, sources and address), and what ``build`` adds from its views' ``sections``."""
    made = Lead(
        description=literal(description, DCTERMS + "description"),
        printed=literal(description, SCHEMA + "creditText"),
        listed_in=[
            Entry(description.label(source) or source.value, source.value)
            for source in description.values(PROV + "wasDerivedFrom")
            if isinstance(source, ox.NamedNode)
        ],
        addresses=sorted(
            url.value for url in description.values(SCHEMA + "url") if isinstance(url, ox.NamedNode)
        ),
    )
    if build is not None and sections:
        name = description.label(description.node) or ""
        by_view = {section.view.name: section for section in sections}
        build(made, Context(name, description, by_view))
    return made


def readable_date(value: str) -> str:
    """``July 2022`` for ``2022-07``, ``22 March 2022`` for ``2022-03-22``; else as given."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not found:
        return value
    year, month, day = found.groups()
    words = [str(int(day))] if day else []
    words += [MONTHS[int(month) - 1]] if month else []
    return " ".join([*words, year])


def literal(description: Description, predicate: str) -> str:
    """The entity's value of ``predicate``, preferring English; "" where it has none."""
    values = [v for v in description.values(predicate) if isinstance(v, ox.Literal)]
    return preferred_label(values) or ""


def entry(value: Mapping[str, Any], note: str = "") -> Entry:
    """The entry for a linked value of a view's item (``{"id": ..., "label": ...}``)."""
    return Entry(label(value), value["id"], note)


def label(value: Mapping[str, Any]) -> str:
    return str(value.get("label") or value["id"].rsplit("/", 1)[-1])


def merged(entries: Iterable[Entry]) -> list[Entry]:
    """One entry a thing, its notes joined, in the order first met."""
    notes_of: dict[tuple[str, str | None], list[str]] = {}
    for found in entries:
        notes = notes_of.setdefault((found.label, found.iri), [])
        if found.note and found.note not in notes:
            notes.append(found.note)
    return [Entry(name, iri, ", ".join(notes)) for (name, iri), notes in notes_of.items()]


def counted(number: int, plural: str, one: str, verb: str = "") -> str:
    """``is credited on 3 resources``; "" for none."""
    if not number:
        return ""
    words = one if number == 1 else f"{number} {plural}"
    return f"{verb} {words}".strip()


def joined(parts: Sequence[str]) -> str:
    """``a, b and c`` of the parts that say something."""
    said = [p for p in parts if p]
    if len(said) < 2:
        return "".join(said)
    return ", ".join(said[:-1]) + " and " + said[-1]
