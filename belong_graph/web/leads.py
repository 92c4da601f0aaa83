"""What an entity's page leads with, in plain words: a resource's credits as printed, its date,
types, themes, description, partners and funders and where it is listed; for an organisation,
person, initiative or theme, a sentence that sums it up and the lists a reader wants. Made from
the entity's description and the answers of its page's views (``pages.ENTITY_VIEWS``), so the
page runs no query for it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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
# How a credit line names each role, as the library prints it; another role: "Its label:".
ROLE_PHRASES = {
    "Author": "by",
    "Contributor": "with contributions from",
    "Co-producer": "in co-production with",
}
RESOURCE_PARTS = {  # a resource's relations in the `resource` view that name its partners
    "publisher": "published it",
    "partner": "partner in publishing it",
    "commissioner": "commissioned it",
}
RESOURCE_PATH = "/id/resource/"  # the IRIs of the library's resources
ORGANISATION_WORK = ("author", "contributor", "publisher", "publishing partner")
Items = Sequence[Mapping[str, Any]]


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
    rest: str | None = None  # the view's next page, where the list is longer than shown


@dataclass(frozen=True)
class Figure:
    """A chart with its data table: its heading, what its rows count, and the view."""

    title: str
    description: str
    category: str  # the heading of the table's first column
    rows: list[tuple[str, Any]]
    view: CannedQuery


@dataclass(frozen=True)
class Credited:
    """Agents credited side by side with one printed affiliation (or none)."""

    agents: list[Entry]
    affiliation: Entry | None


@dataclass(frozen=True)
class Credits:
    """The agents credited in one role, as the credit line prints them: ``by`` and each
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
    listed_in: list[Entry] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)  # schema:url, where the graph has one
    printed: str = ""  # the credit line as the source prints it


Section = tuple[CannedQuery, Any, list[tuple[str, Any]], str | None]  # as pages builds them
Builder = Callable[[Lead, str, Mapping[str, Section], Description], None]


def lead(kind: str, description: Description, sections: Sequence[Section]) -> Lead:
    """What the page of an entity of ``kind`` leads with (for a kind without views, its
    description alone)."""
    made = Lead(
        description=_literal(description, DCTERMS + "description"),
        printed=_literal(description, SCHEMA + "creditText"),
        listed_in=[
            Entry(description.label(source) or source.value, source.value)
            for source in description.values(PROV + "wasDerivedFrom")
            if isinstance(source, ox.NamedNode)
        ],
        addresses=sorted(
            url.value for url in description.values(SCHEMA + "url") if isinstance(url, ox.NamedNode)
        ),
    )
    name = description.label(description.node) or ""
    builder = BUILDERS.get(kind)
    if builder is not None and sections:
        builder(made, name, {section[0].name: section for section in sections}, description)
    return made


def _resource(
    made: Lead, name: str, sections: Mapping[str, Section], description: Description
) -> None:
    view, answer, _, _ = sections["resource"]
    items: Items = answer.items
    made.credits = _credits([item for item in items if item["relation"] == "credit"])
    if issued := _literal(description, DCTERMS + "issued"):
        made.details.append(("Date", [Entry(readable_date(issued))]))
    for relation, title in (("type", "Type"), ("theme", "Themes")):
        values = [_entry(i["agent"]) for i in items if i["relation"] == relation]
        if values:
            made.details.append((title, values))
    entries = [
        Entry(_entry(i["agent"]).label, _entry(i["agent"]).iri, _role_in(i))
        for i in items
        if i["relation"] in RESOURCE_PARTS or (i["relation"] == "initiative" and i["agent"])
    ]
    if entries:
        made.listings.append(Listing("Partners and funders", _merged(entries), view))
    initiatives = _unique(_entry(i["initiative"]) for i in items if i["relation"] == "initiative")
    if initiatives:
        made.details.append(("From the initiative", initiatives))
    related, more = sections["related-resources"][1:4:2]
    made.listings.append(
        Listing(
            "Related resources",
            [Entry(_label(i["related"]), i["related"]["id"], _shared(i)) for i in related.items],
            sections["related-resources"][0],
            more,
        )
    )


def _credits(items: Items) -> list[Credits]:
    """The credits in printed order, consecutive ones in the same role together and, within
    them, consecutive people with the same printed affiliation."""
    found: list[Credits] = []
    for item in items:
        phrase = ROLE_PHRASES.get(item["role"], f"{str(item['role']).lower()}:")
        affiliation = _entry(item["affiliation"]) if item["affiliation"] else None
        if not found or found[-1].phrase != phrase:
            found.append(Credits(phrase, []))
        groups = found[-1].groups
        if groups and affiliation and groups[-1].affiliation == affiliation:
            groups[-1].agents.append(_entry(item["agent"]))
        else:
            groups.append(Credited([_entry(item["agent"])], affiliation))
    return found


def _role_in(item: Mapping[str, Any]) -> str:
    """How an agent took part: ``publisher``, or ``Funder of Integration Area Programme``."""
    if item["relation"] in RESOURCE_PARTS:
        return RESOURCE_PARTS[item["relation"]]
    return f"{str(item['role']).lower()} of {_label(item['initiative'])}"


def _shared(item: Mapping[str, Any]) -> str:
    """What a related resource shares: ``the same initiative, 2 of its themes``."""
    parts = []
    if item["initiatives"]:
        parts.append("the same initiative")
    if item["credits"]:
        parts.append(_count(item["credits"], "of its authors", "one of its authors"))
    if item["themes"]:
        parts.append(_count(item["themes"], "of its themes", "one of its themes"))
    issued = f"{readable_date(item['issued'])}; " if item["issued"] else ""
    return issued + "shares " + _and(parts)


def _organisation(
    made: Lead, name: str, sections: Mapping[str, Section], description: Description
) -> None:
    view, answer, _, rest = sections["organisation-profile"]
    items: Items = answer.items

    def entries(
        relations: Sequence[str], note: Callable[[Mapping[str, Any]], str], resources: bool = False
    ) -> list[Entry]:
        found = [
            Entry(_label(i["item"]), i["item"]["id"], _through(note(i), i, name))
            for i in items
            if i["relation"] in relations and (RESOURCE_PATH in i["item"]["id"]) == resources
        ]
        return _merged(found)

    lists = (
        ("Resources", entries(ORGANISATION_WORK, lambda i: i["relation"], resources=True)),
        ("Other publications", entries(ORGANISATION_WORK, _work_and_kind)),
        ("Initiatives", entries(("initiative",), lambda i: i["role"] or "")),
        ("People", entries(("person",), lambda i: "")),
        ("Its units", entries(("unit",), lambda i: "")),
        ("Part of", entries(("parent",), lambda i: "")),
    )
    made.listings.extend(Listing(title, found, view, rest) for title, found in lists if found)
    counts = dict((title, len(found)) for title, found in lists)
    parts = [
        _count(counts["Resources"], "resources", "one resource", "is credited on"),
        _count(counts["Initiatives"], "initiatives", "one initiative", "took part in"),
        _count(
            counts["People"], "people affiliated with it", "one person affiliated with it", "has"
        ),
    ]
    made.summary = _sentence(name, parts, "is named in the library, with nothing credited to it")


def _work_and_kind(item: Mapping[str, Any]) -> str:
    """``publisher of the collection``: the part taken, and what kind of thing it is."""
    kind = item["item"]["id"].split("/id/", 1)[-1].split("/", 1)[0]
    return f"{item['relation']} of the {kind}"


def _through(note: str, item: Mapping[str, Any], name: str) -> str:
    via = item.get("via")
    if via and _label(via) != name:
        return f"{note} (through {_label(via)})".strip()
    return note


def _person(
    made: Lead, name: str, sections: Mapping[str, Section], description: Description
) -> None:
    view, answer, _, rest = sections["person-profile"]
    items: Items = answer.items
    lists: tuple[tuple[str, str, Callable[[Mapping[str, Any]], str]], ...] = (
        ("Resources", "work", lambda i: i["role"] or ""),
        ("Organisations", "affiliation", lambda i: ""),
        (
            "Co-authors",
            "co-author",
            lambda i: _count(i["shared"], "shared resources", "one shared resource"),
        ),
    )
    counts: dict[str, int] = {}
    for title, relation, note in lists:
        found = _merged(
            [
                Entry(_label(i["item"]), i["item"]["id"], note(i))
                for i in items
                if i["relation"] == relation
            ]
        )
        counts[relation] = len(found)
        if found:
            made.listings.append(Listing(title, found, view, rest))
    made.summary = _sentence(
        name,
        [
            _count(counts["work"], "resources", "one resource", "is credited on"),
            _count(
                counts["affiliation"], "organisations", "one organisation", "is affiliated with"
            ),
            _count(counts["co-author"], "co-authors", "one co-author", "has"),
        ],
        "is named in the library, with nothing credited to them",
    )


def _initiative(
    made: Lead, name: str, sections: Mapping[str, Section], description: Description
) -> None:
    view, answer, _, rest = sections["initiatives"]
    items: Items = answer.items
    partners = _merged(
        [
            Entry(_label(i["item"]), i["item"]["id"], i["role"] or "")
            for i in items
            if i["relation"] == "partner"
        ]
    )
    outputs = _merged(
        [Entry(_label(i["item"]), i["item"]["id"]) for i in items if i["relation"] == "output"]
    )
    for title, found in (("Partners and funders", partners), ("Resources", outputs)):
        if found:
            made.listings.append(Listing(title, found, view, rest))
    kind = str(items[0]["kind"]).lower() if items else "initiative"
    made.summary = _sentence(
        name,
        [
            f"is {_article(kind)} {kind}"
            + (
                f" with {_count(len(partners), 'organisations', 'one organisation')} taking part"
                if partners
                else ""
            ),
            _count(
                len(outputs),
                "resources that came out of it",
                "one resource that came out of it",
                "has",
            ),
        ],
        "is an initiative of the library",
    )


def _theme(
    made: Lead, name: str, sections: Mapping[str, Section], description: Description
) -> None:
    view, answer, _, rest = sections["resources"]
    years, _, timeline, _ = sections["resources-per-year-and-theme"]
    made.listings.append(
        Listing(
            "Resources",
            [
                Entry(
                    _label(i["resource"]),
                    i["resource"]["id"],
                    "; ".join(p for p in (readable_date(i["issued"] or ""), i["types"]) if p),
                )
                for i in answer.items
            ],
            view,
            rest,
        )
    )
    made.figures.append(
        Figure(
            "Resources a year",
            f"How many of the library's resources on {name.lower()} were issued each year.",
            "Year",
            timeline,
            years,
        )
    )
    total = sum(int(count) for _, count in timeline)
    issued = sorted(str(year) for year, _ in timeline)
    span = ""
    if issued:
        one = f", {'all ' if total > 1 else ''}from {issued[0]}"
        span = one if len(issued) == 1 else f", from {issued[0]} to {issued[-1]}"
    noun = "resource in the library is" if total == 1 else "resources in the library are"
    made.summary = f"{total} {noun} on {name.lower() if name else 'this theme'}{span}."


BUILDERS: dict[str, Builder] = {
    "resource": _resource,
    "organisation": _organisation,
    "person": _person,
    "project": _initiative,
    "theme": _theme,
}


def readable_date(value: str) -> str:
    """``July 2022`` for ``2022-07``, ``22 March 2022`` for ``2022-03-22``; else as given."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not found:
        return value
    year, month, day = found.groups()
    words = [str(int(day))] if day else []
    words += [MONTHS[int(month) - 1]] if month else []
    return " ".join([*words, year])


def _literal(description: Description, predicate: str) -> str:
    """The entity's value of ``predicate``, preferring English; "" where it has none."""
    values = [v for v in description.values(predicate) if isinstance(v, ox.Literal)]
    return preferred_label(values) or ""


def _entry(value: Mapping[str, Any]) -> Entry:
    return Entry(_label(value), value["id"])


def _label(value: Mapping[str, Any]) -> str:
    return str(value.get("label") or value["id"].rsplit("/", 1)[-1])


def _merged(entries: Iterable[Entry]) -> list[Entry]:
    """One entry a thing, its notes joined, in the order first met."""
    merged: dict[tuple[str, str | None], list[str]] = {}
    for entry in entries:
        notes = merged.setdefault((entry.label, entry.iri), [])
        if entry.note and entry.note not in notes:
            notes.append(entry.note)
    return [Entry(label, iri, ", ".join(notes)) for (label, iri), notes in merged.items()]


def _unique(entries: Iterable[Entry]) -> list[Entry]:
    return list(dict.fromkeys(entries))


def _count(number: int, plural: str, one: str, verb: str = "") -> str:
    """``is credited on 3 resources``; "" for none."""
    if not number:
        return ""
    words = one if number == 1 else f"{number} {plural}"
    return f"{verb} {words}".strip()


def _and(parts: Sequence[str]) -> str:
    parts = [p for p in parts if p]
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else ""


def _sentence(name: str, parts: Sequence[str], otherwise: str) -> str:
    said = _and(parts)
    return f"{name} {said or otherwise}."


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
