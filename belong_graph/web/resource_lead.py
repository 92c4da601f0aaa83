"""A resource's lead: its credits as the library prints them (people with their printed
affiliations, organisations by the name they had then), date, types, themes, the initiative it
came from, its partners and funders, and related resources; from the ``resource`` and
``related-resources`` views and its description."""

from __future__ import annotations

from belong_graph.web import leads
from belong_graph.web.leads import Context, Item, Lead

# How a credit line names each role, as the library prints it; another role: "its label:".
ROLE_PHRASES = {
    "Author": "by",
    "Contributor": "with contributions from",
    "Co-producer": "in co-production with",
}
PARTS = {  # the relations of the `resource` view that name a partner, and what each did
    "publisher": "published it",
    "partner": "partner in publishing it",
    "commissioner": "commissioned it",
}
DETAILS = (("type", "Type"), ("theme", "Themes"))  # relations shown as the resource's details


def build(made: Lead, context: Context) -> None:
    """Fill in the lead of a resource."""
    items = context.items("resource")
    made.credits = credits([item for item in items if item["relation"] == "credit"])
    if issued := leads.literal(context.description, leads.DCTERMS + "issued"):
        made.details.append(("Date", [leads.Entry(leads.readable_date(issued))]))
    for relation, title in DETAILS:
        if values := [leads.entry(i["agent"]) for i in items if i["relation"] == relation]:
            made.details.append((title, values))
    initiatives = [leads.entry(i["initiative"]) for i in items if i["relation"] == "initiative"]
    if initiatives:
        made.details.append(("From the initiative", list(dict.fromkeys(initiatives))))
    partners = [
        leads.entry(i["agent"], _part(i))
        for i in items
        if i["relation"] in PARTS or (i["relation"] == "initiative" and i["agent"])
    ]
    if partners:
        view, _, _, _, address = context.sections["resource"]
        listed = leads.merged(partners)
        made.listings.append(leads.Listing("Partners and funders", listed, view, address))
    view, related, _, rest, address = context.sections["related-resources"]
    shared = [leads.entry(i["related"], _shared(i)) for i in related.items]
    made.related = leads.Listing("Related resources", shared, view, address, rest)


def credits(items: list[Item]) -> list[leads.Credits]:
    """The credits in printed order: consecutive ones in the same role together and, within
    them, consecutive people with the same printed affiliation."""
    found: list[leads.Credits] = []
    for item in items:
        phrase = ROLE_PHRASES.get(item["role"], f"{str(item['role']).lower()}:")
        affiliation = leads.entry(item["affiliation"]) if item["affiliation"] else None
        if not found or found[-1].phrase != phrase:
            found.append(leads.Credits(phrase, []))
        groups = found[-1].groups
        if groups and affiliation and groups[-1].affiliation == affiliation:
            groups[-1].agents.append(leads.entry(item["agent"]))
        else:
            groups.append(leads.Credited([leads.entry(item["agent"])], affiliation))
    return found


def _part(item: Item) -> str:
    """What a partner did: ``published it``, or ``Integration Area Programme (funder)``."""
    if item["relation"] in PARTS:
        return PARTS[item["relation"]]
    return f"{leads.label(item['initiative'])} ({str(item['role']).lower()})"


def _shared(item: Item) -> str:
    """When a related resource was issued and what it shares: ``July 2022; shares one of its
    authors and 2 of its themes``."""
    parts = [
        "the same initiative" if item["initiatives"] else "",
        leads.counted(item["credits"], "of its authors", "one of its authors"),
        leads.counted(item["themes"], "of its themes", "one of its themes"),
    ]
    issued = f"{leads.readable_date(item['issued'])}; " if item["issued"] else ""
    return issued + "shares " + leads.joined(parts)
