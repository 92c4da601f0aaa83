"""The leads of an organisation, a person, an initiative, a theme and a resource type: a sentence
that sums up what the library holds of it ("University of Kent took part in 2 initiatives.") and
the lists a reader wants, from the views of its page (``organisation-profile``,
``person-profile``, ``initiatives``, ``resources`` and the timeline)."""

from __future__ import annotations

from collections.abc import Callable

from belong_graph.namespaces import BEL, SKOS
from belong_graph.web.leads import (
    Context,
    Entry,
    Figure,
    Item,
    Lead,
    Listing,
    counted,
    entry,
    joined,
    label,
    merged,
    readable_date,
)

RESOURCE_PATH = "/id/resource/"  # the IRIs of the library's resources
NAMES = (("Also called", SKOS.altLabel), ("Formerly", BEL.formerName))  # an organisation's others
WORK = ("author", "contributor", "publisher", "publishing partner")  # an organisation's parts
Note = Callable[[Item], str]  # what a list says beside each item


def organisation(made: Lead, context: Context) -> None:
    """Its other names; its resources, other publications, initiatives, people, units and
    parent, each item with the part it took (and the unit it took it through); who it works
    with, in which role on what; its identifiers elsewhere."""

    def listed(relations: tuple[str, ...], note: Note, resources: bool = False) -> list[Entry]:
        return merged(
            entry(i["item"], _through(note(i), i, context.name))
            for i in context.items("organisation-profile")
            if i["relation"] in relations and (RESOURCE_PATH in i["item"]["id"]) == resources
        )

    lists = {
        "Resources": listed((*WORK, "affiliation"), _part_in_resource, resources=True),
        "Other publications": listed(WORK, _part_and_kind),
        "Initiatives": listed(("initiative",), lambda i: i["role"] or ""),
        "People": listed(("person",), lambda i: ""),
        "Its units": listed(("unit",), lambda i: ""),
        "Part of": listed(("parent",), lambda i: ""),
    }
    _add_listings(made, context, "organisation-profile", lists)
    for title, predicate in NAMES:  # a reader may know it by another (MHCLG, once DLUHC)
        if names := sorted({v.value for v in context.description.values(str(predicate))}):
            made.details.append((title, [Entry(name) for name in names]))
    partners = merged(
        entry(i["partner"], f"{label(i['through'])} ({str(i['theirRole']).lower()})")
        for i in context.items("organisation-partners")
    )
    _add_listings(made, context, "organisation-partners", {"Works with": partners})
    _add_identifiers(made, context)
    made.summary = _sentence(
        context.name,
        [
            counted(len(lists["Resources"]), "resources", "one resource", "is credited on"),
            counted(len(lists["Initiatives"]), "initiatives", "one initiative", "took part in"),
            counted(len(partners), "partners", "one partner", "works with"),
            counted(len(lists["People"]), "people", "one person", "has")
            + (" affiliated with it" if lists["People"] else ""),
        ],
        "is named in the library, with nothing credited to it",
    )


def person(made: Lead, context: Context) -> None:
    """Their resources with their role, their organisations and their co-authors."""

    def listed(relation: str, note: Note) -> list[Entry]:
        items = context.items("person-profile")
        return merged(entry(i["item"], note(i)) for i in items if i["relation"] == relation)

    lists = {
        "Resources": listed("work", lambda i: i["role"] or ""),
        "Organisations": listed("affiliation", lambda i: ""),
        "Co-authors": listed("co-author", _shared),
    }
    _add_listings(made, context, "person-profile", lists)
    _add_identifiers(made, context)
    made.summary = _sentence(
        context.name,
        [
            counted(len(lists["Resources"]), "resources", "one resource", "is credited on"),
            counted(
                len(lists["Organisations"]),
                "organisations",
                "one organisation",
                "is affiliated with",
            ),
            counted(len(lists["Co-authors"]), "co-authors", "one co-author", "has"),
        ],
        "is named in the library, with nothing credited to them",
    )


def initiative(made: Lead, context: Context) -> None:
    """Its kind, who is named in it with their roles (partners, funders, those its findings
    were shared with: organisations and people), and its resources."""
    items = context.items("initiatives")
    lists = {
        "Partners and funders": merged(
            entry(i["item"], i["role"] or "") for i in items if i["relation"] == "partner"
        ),
        "Resources": merged(entry(i["item"]) for i in items if i["relation"] == "output"),
    }
    _add_listings(made, context, "initiatives", lists)
    kind = str(items[0]["kind"]).lower() if items else "initiative"
    named = counted(
        len(lists["Partners and funders"]),
        "partners, funders and others",
        "one partner, funder or other",
    )
    made.summary = _sentence(
        context.name,
        [
            f"is {'an' if kind[:1] in 'aeiou' else 'a'} {kind}"
            + (f" with {named}" if named else ""),
            counted(
                len(lists["Resources"]),
                "resources that came out of it",
                "one resource that came out of it",
                "has",
            ),
        ],
        "is an initiative of the library",
    )


def theme(made: Lead, context: Context) -> None:
    """Its resources, newest first, and how many were issued each year, as a chart."""
    _add_listings(
        made, context, "resources", {"Resources": _resources(context, "types")}, keep_empty=True
    )
    view, _, timeline, _, address = context.sections["resources-per-year-and-theme"]
    topic = _within_sentence(context.name) or "this theme"
    made.figures.append(
        Figure(
            "Resources a year",
            f"How many of the library's resources on {topic} were issued each year.",
            "Year",
            timeline,
            view,
            address,
        )
    )
    total = sum(int(count) for _, count in timeline)
    years = sorted(str(year) for year, _ in timeline)
    span = ""
    if len(years) == 1:
        span = f", {'all ' if total > 1 else ''}from {years[0]}"
    elif years:
        span = f", from {years[0]} to {years[-1]}"
    made.summary = f"{_held(total)} on {topic}{span}."


def resource_type(made: Lead, context: Context) -> None:
    """Its resources, newest first, and how many the library holds (counted by the build)."""
    _add_listings(
        made, context, "resources", {"Resources": _resources(context, "themes")}, keep_empty=True
    )
    counted = context.description.values(str(BEL.typeCount))
    made.summary = f"{_held(int(counted[0].value) if counted else 0)} of the type {context.name}."


def _resources(context: Context, column: str) -> list[Entry]:
    """The resources of the page's ``resources`` view, each with its date and ``column``."""
    return [
        entry(
            i["resource"], "; ".join(p for p in (readable_date(i["issued"] or ""), i[column]) if p)
        )
        for i in context.items("resources")
    ]


def _held(total: int) -> str:
    """``3 resources in the library are``, as a summary of ``total`` resources begins."""
    return {0: "No resources in the library are", 1: "One resource in the library is"}.get(
        total, f"{total} resources in the library are"
    )


def _add_listings(
    made: Lead,
    context: Context,
    view: str,
    lists: dict[str, list[Entry]],
    *,
    keep_empty: bool = False,
) -> None:
    """Each list from ``view`` that has entries (or every list, ``keep_empty``)."""
    query, _, _, rest, address = context.sections[view]
    made.listings.extend(
        Listing(title, entries, query, address, rest)
        for title, entries in lists.items()
        if entries or keep_empty
    )


def _add_identifiers(made: Lead, context: Context) -> None:
    """Its identifiers in other registries, each linked where the registry has a page."""
    identifiers = [
        Entry(str(i["value"]), i["link"]["id"] if i["link"] else None, str(i["scheme"]))
        for i in context.items("external-identifiers")
    ]
    _add_listings(made, context, "external-identifiers", {"External identifiers": identifiers})


def _shared(item: Item) -> str:
    return counted(item["shared"], "shared resources", "one shared resource")


def _part_in_resource(item: Item) -> str:
    """``publisher``: the part an organisation took in a resource; ``its people as authors``
    where the resource prints it as the affiliation of those it credits."""
    if item["relation"] == "affiliation":
        return f"its people as {str(item['role']).lower()}s"
    return str(item["relation"])


def _part_and_kind(item: Item) -> str:
    """``publisher of the collection``: the part taken, and what kind of thing it is."""
    kind = item["item"]["id"].split("/id/", 1)[-1].split("/", 1)[0]
    return f"{item['relation']} of the {kind}"


def _through(note: str, item: Item, name: str) -> str:
    """The note, and the unit the organisation took its part through, if not itself."""
    via = item.get("via")
    if via and label(via) != name:
        return f"{note} (through {label(via)})".strip()
    return note


def _within_sentence(name: str) -> str:
    """``social cohesion`` for ``Social cohesion``; an acronym (``COVID-19``) as it is."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _sentence(name: str, parts: list[str], otherwise: str) -> str:
    return f"{name} {joined(parts) or otherwise}."
