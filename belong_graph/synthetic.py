"""A deterministic synthetic library shaped like the real one, for benchmarks and scale tests.

``generate(resources=N, seed=S)`` writes Turtle that passes the project's shapes and holds every
kind of link the views, pages and explorer read: the concept schemes; N resources (N >= 4) with
ordered credits (authors, contributors and co-producers: people with printed affiliations, or
organisations), a publisher, partners in publishing, places, periods and links to initiatives and
earlier resources; about N/2 people; N/5 organisations (a fifth of them units of another, the
networks parts of another, every 25th a funder); a few places; N/40 initiatives (at least 12) of
four kinds with a lead, partners, a funder, government bodies, pilot areas and periods;
quotations; and typed identifier nodes shaped like data/identifiers.ttl.

The entities named in the views' documented examples are generated with the real data's IRIs and
names, their identifiers copied from data/identifiers.ttl (with owl:sameAs where the shapes allow
it), and linked into the rest, so that each view finds something at any size. The numbered
anchors of the endpoint benchmark stay connected: person p00001, organisations o00001-o00004 and
resource r000042. Addresses made up for the library are placeholders under example.org. The same
N and seed always give the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import NamedTuple, TextIO

THEMES = (
    "social-cohesion", "integration", "migration", "intergroup-relations", "discrimination",
    "belonging", "evaluation", "place-based-working", "business", "covid-19", "volunteering",
    "community-resilience", "kindness", "faith", "young-people",
)  # fmt: skip
TYPES = (
    "research-report", "evaluation-report", "toolkit", "guide", "webinar", "training-material",
    "website", "measurement-and-evaluation-framework",
)  # fmt: skip
SCHEMA_CLASSES = {
    "research-report": "schema:Report", "evaluation-report": "schema:Report",
    "toolkit": "schema:HowTo", "guide": "schema:HowTo", "webinar": "schema:Event",
    "training-material": "schema:Course", "website": "schema:WebSite",
    "measurement-and-evaluation-framework": "schema:CreativeWork",
}  # fmt: skip
DCMI_TYPES = {"webinar": "dcmitype:Event", "website": "dcmitype:InteractiveResource"}
ROLES = {  # partnership role: shortcut properties, as in data/schemes.ttl
    "lead": "bel:ledBy, org:hasMember",
    "research-partner": "schema:member, org:hasMember",
    "partner": "schema:member, org:hasMember",
    "funder": "schema:funder",
    "commissioner": "bel:commissionedBy",
    "evaluator": "bel:evaluatedBy",
    "dissemination-partner": "schema:member, org:hasMember",
    "contributor": "schema:contributor, org:hasMember",
    "pilot-area": "bel:pilotArea",
    "findings-recipient": "bel:findingsSharedWith",
    "government-liaison": "bel:governmentLiaison",
}
PARTNER_ROLES = (
    "research-partner", "partner", "evaluator", "dissemination-partner", "contributor",
    "commissioner",
)  # fmt: skip
CONTRIBUTIONS = {  # contribution role: shortcut, as in data/schemes.ttl
    "author": "dcterms:creator",
    "contributor": "dcterms:contributor",
    "co-producer": "dcterms:contributor",
}
IDENTIFIER_SCHEMES = {  # scheme: label and the IRI space of its values ("" the value is an IRI)
    "wikidata": ("Wikidata QID", "http://www.wikidata.org/entity/"),
    "ror": ("ROR ID", "https://ror.org/"),
    "crossref-funder": ("Crossref Funder ID", "https://doi.org/10.13039/"),
    "charity-number": ("Registered charity number (England and Wales)", None),
    "company-number": ("Company number (Companies House)", None),
    "govuk-organisation": ("GOV.UK organisation", "https://www.gov.uk/government/organisations/"),
    "website": ("Official website", ""),
    "orcid": ("ORCID iD", "https://orcid.org/"),
}
SAME_AS = ("wikidata", "ror", "govuk-organisation")  # the schemes owl:sameAs may point into
ORG_ID = {"charity-number": "GB-CHC-", "company-number": "GB-COH-"}
INITIATIVE_CLASSES = ("bel:ResearchProject", "bel:Programme", "bel:Review", "bel:Engagement")
ORG_CLASSES = (
    "bel:University", "bel:Charity", "bel:GovernmentDepartment", "bel:LocalAuthority",
    "bel:Business", "bel:Network", "bel:Partnership",
)  # fmt: skip
FUNDER_CLASSES = "bel:Charity, bel:FundingBody"
WORDS = (
    "community", "connection", "trust", "belonging", "neighbourhood", "integration", "contact",
    "evidence", "practice", "volunteers", "young", "people", "local", "places", "bridges",
    "meaningful", "divides", "resilience", "inclusion", "dialogue", "shared", "future", "voices",
    "migrants", "welcome", "towns", "cities", "schools", "faith", "sport", "health", "partners",
)  # fmt: skip
FIRST = (
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hassan", "Isla", "Jonah",
    "Kiran", "Leah", "Malik", "Nina", "Omar", "Priya", "Rhys", "Sana", "Tom", "Zara",
)  # fmt: skip
LAST = ("Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal",
        "Jones", "Khan", "Lewis", "Morris", "Nowak", "Owen", "Patel", "Quinn", "Roberts",
        "Singh", "Taylor")  # fmt: skip
PLACES = {  # the real data's places (data/places.ttl)
    "blackburn-with-darwen": "Blackburn with Darwen", "bradford": "Bradford",
    "peterborough": "Peterborough", "walsall": "Walsall", "waltham-forest": "Waltham Forest",
    "yorkshire-and-humber": "Yorkshire and Humber", "united-kingdom": "United Kingdom",
    "britain": "Britain",
}  # fmt: skip


class Anchor(NamedTuple):
    """An entity the views' examples name: its slug, classes, name and identifiers."""

    slug: str
    classes: str
    name: str
    alias: str | None = None
    unit_of: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()


ANCHOR_ORGANISATIONS = (  # names and identifiers as in data/organisations.ttl, identifiers.ttl
    Anchor("belong", "bel:Charity, bel:Network", "Belong - The Cohesion and Integration Network",
           "Belong", None, (("charity-number", "1180761"),
                            ("website", "https://www.belongnetwork.co.uk/"))),
    Anchor("university-of-kent", "bel:University", "University of Kent", None, None,
           (("wikidata", "Q1516684"), ("ror", "00xkeyj56"), ("crossref-funder", "501100001316"),
            ("website", "https://www.kent.ac.uk"))),
    Anchor("centre-for-the-study-of-group-processes", "bel:ResearchCentre",
           "Centre for the Study of Group Processes", None, "university-of-kent"),
    Anchor("nuffield-foundation", FUNDER_CLASSES, "Nuffield Foundation", None, None,
           (("wikidata", "Q7068708"), ("ror", "0281jqk77"), ("crossref-funder", "501100000279"),
            ("charity-number", "206601"), ("website", "https://www.nuffieldfoundation.org/"))),
    Anchor("spirit-of-2012", FUNDER_CLASSES, "Spirit of 2012", None, None,
           (("website", "https://spiritof2012.org.uk/"),)),
    Anchor("dluhc", "bel:GovernmentDepartment",
           "Department for Levelling Up, Housing and Communities", "DLUHC", None,
           (("wikidata", "Q601819"), ("ror", "01w88hp45"),
            ("govuk-organisation", "ministry-of-housing-communities-local-government"))),
)  # fmt: skip
ANCHOR_PEOPLE = (
    Anchor("julie-walsh", "", "Julie Walsh"),
    Anchor("dominic-abrams", "", "Dominic Abrams", None, None,
           (("website", "https://www.kent.ac.uk/psychology/people/212/abrams-dominic"),)),
)  # fmt: skip
# Credits of the anchors on generated resources: (agent, role, printed affiliation).
ANCHOR_CREDITS: tuple[tuple[str, str, str | None], ...] = (
    ("person:julie-walsh", "author", "organisation:belong"),
    ("person:dominic-abrams", "author", "organisation:centre-for-the-study-of-group-processes"),
    ("organisation:university-of-kent", "author", None),
    ("organisation:belong", "author", None),
)
ANCHOR_INITIATIVE = ("beyond-us-and-them", "Beyond Us and Them", (
    ("belong", "lead"), ("centre-for-the-study-of-group-processes", "research-partner"),
    ("university-of-kent", "research-partner"), ("nuffield-foundation", "funder"),
    ("spirit-of-2012", "partner"), ("dluhc", "findings-recipient"),
))  # fmt: skip
# Resources the examples find: the resource view's example, and one resource each that every
# example of the resources view (2020) and of the facets view (2022) matches at once.
ANCHOR_RESOURCES = (
    ("everyday-integration-toolkit", "The Everyday Integration Toolkit", "2022-07",
     ("integration", "place-based-working"), "dcterms:spatial place:bradford"),
    ("social-cohesion-in-practice", "Social cohesion in practice: a toolkit", "2020-03",
     ("social-cohesion", "belonging"), "dcterms:isPartOf project:beyond-us-and-them"),
    ("measuring-social-cohesion", "Measuring social cohesion: an evaluation toolkit", "2022-05",
     ("social-cohesion", "evaluation"), "bel:evaluationOf project:beyond-us-and-them"),
)  # fmt: skip
ANCHOR_RESOURCE_CREDITS: tuple[tuple[str, str, str | None], ...] = (
    ("person:julie-walsh", "author", "organisation:belong"),
    ("person:dominic-abrams", "author", "organisation:centre-for-the-study-of-group-processes"),
    ("person:p00001", "author", "organisation:university-of-kent"),
    ("organisation:university-of-kent", "contributor", None),
)

PREFIXES = """\
@prefix bel: <https://data.belongnetwork.co.uk/ontology#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcmitype: <http://purl.org/dc/dcmitype/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix authorship: <{base}id/authorship/> .
@prefix collection: <{base}id/collection/> .
@prefix contribution: <{base}id/contribution-role/> .
@prefix identifier: <{base}id/identifier/> .
@prefix idscheme: <{base}id/identifier-scheme/> .
@prefix organisation: <{base}id/organisation/> .
@prefix participation: <{base}id/participation/> .
@prefix person: <{base}id/person/> .
@prefix place: <{base}id/place/> .
@prefix project: <{base}id/project/> .
@prefix quotation: <{base}id/quotation/> .
@prefix resource: <{base}id/resource/> .
@prefix role: <{base}id/role/> .
@prefix rtype: <{base}id/resource-type/> .
@prefix scheme: <{base}id/scheme/> .
@prefix source: <{base}id/source/> .
@prefix theme: <{base}id/theme/> .
"""
SOURCES = """
source:synthetic a prov:Entity ; dcterms:title "Synthetic library"@en .
source:synthetic-evidence a prov:Entity, foaf:Document ;
    dcterms:title "Placeholder evidence for the synthetic library's identifiers"@en ;
    schema:url <https://example.org/synthetic-evidence> .
collection:belong-network-library a dcmitype:Collection ;
    dcterms:title "The Belong Network Library"@en .
"""
DERIVED = "prov:wasDerivedFrom source:synthetic ."


def generate(out: TextIO, *, resources: int, seed: int, base_iri: str) -> None:
    """Write a synthetic library of ``resources`` resources as Turtle to ``out``."""
    if resources <= len(ANCHOR_RESOURCES):
        raise ValueError(f"A synthetic library has at least {len(ANCHOR_RESOURCES) + 1} resources.")
    out.write(PREFIXES.format(base=base_iri))
    for block in _Library(random.Random(seed), resources).blocks():
        out.write(block)


class _Library:
    """The library's sizes, the names written so far, and the pools later parts draw from."""

    def __init__(self, rng: random.Random, resources: int) -> None:
        self.rng = rng
        self.numbered = resources - len(ANCHOR_RESOURCES)  # r000001...: the others are anchors
        self.people = max(resources // 2, 2)
        self.organisations = max(resources // 5, 5)
        self.initiatives = max(resources // 40, 12)
        self.places = [*PLACES, *(f"pl{n:03d}" for n in range(1, resources // 500 + 1))]
        self.names = {f"organisation:{a.slug}": a.name for a in ANCHOR_ORGANISATIONS}
        self.names |= {f"person:{a.slug}": a.name for a in ANCHOR_PEOPLE}
        self.funders: list[str] = []
        self.governments: list[str] = []

    def blocks(self) -> Iterator[str]:
        yield from _schemes()
        yield SOURCES
        yield from self._anchors()
        for index in range(1, self.organisations + 1):
            yield self._organisation(index)
        for index in range(1, self.people + 1):
            yield self._person(index)
        for slug in self.places:
            name = PLACES.get(slug) or f"{self.rng.choice(WORDS).capitalize()}ford {slug[2:]}"
            yield (
                f"place:{slug} a schema:AdministrativeArea, dcterms:Location ; "
                f'schema:name "{name}"@en ; {DERIVED}\n'
            )
        for slug, title, issued, themes, link in ANCHOR_RESOURCES:
            yield self._resource_text(
                slug, title, issued, "toolkit", themes, list(ANCHOR_RESOURCE_CREDITS),
                ["dcterms:publisher organisation:belong", link],
            )  # fmt: skip
        for index in range(1, self.numbered + 1):
            yield self._resource(index)
        for index in range(1, self.initiatives + 1):
            yield self._initiative(index)

    def _anchors(self) -> Iterator[str]:
        for a in ANCHOR_ORGANISATIONS:
            unit = f"    org:unitOf organisation:{a.unit_of} ;\n" if a.unit_of else ""
            alias = f'    skos:altLabel "{a.alias}"@en ;\n' if a.alias else ""
            links, nodes = _identified(a.slug, a.identifiers)
            yield (
                f'\norganisation:{a.slug} a {a.classes} ;\n    schema:name "{a.name}"@en ;\n'
                f"{alias}{unit}{links}    {DERIVED}\n{nodes}"
            )
        for a in ANCHOR_PEOPLE:
            links, nodes = _identified(a.slug, a.identifiers)
            yield (
                f'\nperson:{a.slug} a schema:Person, foaf:Person ;\n    schema:name "{a.name}" ;\n'
                f"{links}    {DERIVED}\n{nodes}"
            )
        slug, name, members = ANCHOR_INITIATIVE
        yield (
            f'\nproject:{slug} a bel:ResearchProject ;\n    schema:name "{name}"@en ;\n'
            f'    dcterms:description "A research project of the synthetic library."@en ;\n'
            "    dcterms:subject theme:social-cohesion, theme:covid-19, "
            f"theme:community-resilience ;\n    {DERIVED}\n"
        )
        for member, role in members:
            yield _participation(slug, f"organisation:{member}", role, None) + "\n"

    def _organisation(self, index: int) -> str:
        rng = self.rng
        slug = f"o{index:05d}"
        cls = FUNDER_CLASSES if index % 25 == 0 else ORG_CLASSES[index % len(ORG_CLASSES)]
        name = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} {index}"
        lines = [f"organisation:{slug} a {cls} ;", f'    schema:name "{name}"@en ;']
        if cls == "bel:Network" and index > 10:
            lines.append(f"    org:subOrganizationOf organisation:o{rng.randint(1, 10):05d} ;")
        elif index > 10 and index % 25 and rng.random() < 0.2:
            lines[0] = f"organisation:{slug} a bel:ResearchCentre ;"
            lines.append(f"    org:unitOf organisation:o{rng.randint(1, 10):05d} ;")
        elif cls == "bel:GovernmentDepartment":
            self.governments.append(f"organisation:{slug}")
        if cls == FUNDER_CLASSES:
            self.funders.append(f"organisation:{slug}")
        if rng.random() < 0.1:
            initials = "".join(word[0] for word in name.split()[:2])
            lines.append(f'    skos:altLabel "{initials}{index}"@en ;')
        self.names[f"organisation:{slug}"] = name
        links, nodes = _identified(slug, (("website", f"https://example.org/organisation/{slug}"),))
        return "\n".join(lines) + f"\n{links}    {DERIVED}\n{nodes}"

    def _person(self, index: int) -> str:
        slug = f"p{index:05d}"
        name = f"{FIRST[index % len(FIRST)]} {LAST[(index // len(FIRST)) % len(LAST)]} {index}"
        self.names[f"person:{slug}"] = name
        website = (("website", f"https://example.org/person/{slug}"),) if index % 20 == 1 else ()
        links, nodes = _identified(slug, website)
        return (
            f"person:{slug} a schema:Person, foaf:Person ;\n"
            f'    schema:name "{name}" ;\n{links}    {DERIVED}\n{nodes}'
        )

    def _organisation_id(self) -> str:
        return f"organisation:o{_skewed(self.rng, self.organisations):05d}"

    def _resource(self, index: int) -> str:
        rng = self.rng
        words = rng.sample(WORDS, 6)
        if rng.random() < 0.14:
            words[2] = "cohesion"
        kind = TYPES[index % len(TYPES)]
        themes = rng.sample(THEMES, rng.randint(1, 3))
        credits: list[tuple[str, str, str | None]] = []
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.8:
                who = (
                    _skewed(rng, self.people) if rng.random() < 0.5 else rng.randint(1, self.people)
                )
                printed = f"organisation:o{rng.randint(1, self.organisations):05d}"
                credits.append((f"person:p{who:05d}", "author", printed))
            else:
                credits.append((self._organisation_id(), "author", None))
        if index == 42:
            credits[0] = ("person:p00001", "author", "organisation:o00001")
        if rng.random() < 0.02:
            credits.append(rng.choice(ANCHOR_CREDITS))
        if rng.random() < 0.15:
            credits.append((f"person:p{rng.randint(1, self.people):05d}", "contributor", None))
        if rng.random() < 0.05:
            credits.append((self._organisation_id(), "co-producer", None))
        publisher = "organisation:belong" if rng.random() < 0.03 else self._organisation_id()
        links = [f"dcterms:publisher {publisher}"]
        if rng.random() < 0.05:
            links.append(f"bel:publishedInPartnershipWith {self._organisation_id()}")
        if rng.random() < 0.15:
            links.append(f"dcterms:spatial place:{rng.choice(self.places)}")
        if rng.random() < 0.05:
            start = rng.randint(2015, 2022)
            links.append(
                "dcterms:temporal [ a dcterms:PeriodOfTime ; "
                f'dcat:startDate "{start}"^^xsd:gYear ; dcat:endDate "{start + 1}"^^xsd:gYear ]'
            )
        if rng.random() < 0.04:
            links.append(f"bel:evaluationOf project:i{rng.randint(1, self.initiatives):04d}")
        if rng.random() < 0.03:
            links.append(f"dcterms:isPartOf project:i{rng.randint(1, self.initiatives):04d}")
        if index > 1 and rng.random() < (0.2 if kind == "webinar" else 0.02):
            verb = "bel:launches" if kind == "webinar" else "bel:buildsOn"
            links.append(f"{verb} resource:r{rng.randint(1, index - 1):06d}")
        issued = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}"
        title = " ".join(words).capitalize()
        return self._resource_text(f"r{index:06d}", title, issued, kind, themes, credits, links)

    def _resource_text(
        self,
        slug: str,
        title: str,
        issued: str,
        kind: str,
        themes: tuple[str, ...] | list[str],
        credits: list[tuple[str, str, str | None]],
        links: list[str],
    ) -> str:
        rng = self.rng
        credits = list({agent: (agent, role, where) for agent, role, where in credits}.values())
        description = " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "."
        types = f"rtype:{kind}, " + DCMI_TYPES.get(kind, "dcmitype:Text")
        lines = [
            f"resource:{slug} a dcterms:BibliographicResource, {SCHEMA_CLASSES[kind]} ;",
            f'    dcterms:title "{title}"@en ;',
            f'    dcterms:description "{description}"@en ;',
            f'    dcterms:issued "{issued}"^^xsd:gYearMonth ;',
            f"    dcterms:type {types} ;",
            f"    dcterms:subject {', '.join('theme:' + t for t in themes)} ;",
            *(f"    {link} ;" for link in links),
            "    dcterms:isPartOf collection:belong-network-library ;",
            f'    schema:creditText "{self._credit_text(credits)}"@en ;',
            "    prov:qualifiedAttribution "
            + ", ".join(f"authorship:{slug}-{n}" for n in range(1, len(credits) + 1))
            + " ;",
            f"    {DERIVED}",
        ]
        for position, (agent, role, affiliation) in enumerate(credits, 1):
            lines.append(
                f"authorship:{slug}-{position} a bel:Authorship ; prov:agent {agent} ; "
                f"prov:hadRole contribution:{role} ; schema:position {position} ; "
                + (f"schema:affiliation {affiliation} ; " if affiliation else "")
                + DERIVED
            )
        return "\n".join(lines) + "\n"

    def _credit_text(self, credits: list[tuple[str, str, str | None]]) -> str:
        """The credits as a library prints them: "Author: A, B; Contributor: C"."""
        by_role: dict[str, list[str]] = {}
        for agent, role, _ in credits:
            by_role.setdefault(role.replace("-", " ").capitalize(), []).append(self.names[agent])
        return "; ".join(f"{role}: {', '.join(names)}" for role, names in by_role.items())

    def _initiative(self, index: int) -> str:
        rng = self.rng
        slug = f"i{index:04d}"
        cls = INITIATIVE_CLASSES[index % len(INITIATIVE_CLASSES)]
        themes = ", ".join(f"theme:{t}" for t in rng.sample(THEMES, rng.randint(1, 3)))
        lines = [
            f"project:{slug} a {cls} ;",
            f'    schema:name "{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {index}"@en ;',
            f'    dcterms:description "Initiative {index} of the synthetic library."@en ;',
            f"    dcterms:subject {themes} ;",
        ]
        if index > 1 and rng.random() < 0.1:
            lines.append(f"    bel:buildsOn project:i{rng.randint(1, index - 1):04d} ;")
        if index > 1 and rng.random() < 0.05:
            lines.append(f"    bel:contributesTo project:i{rng.randint(1, index - 1):04d} ;")
        if index > 2 and rng.random() < 0.05:  # part of an earlier programme (i0001, i0005...)
            programme = 4 * rng.randint(0, (index - 2) // 4) + 1
            lines.append(f"    dcterms:isPartOf project:i{programme:04d} ;")
        if rng.random() < 0.05:
            lines.append(f"    prov:used resource:r{rng.randint(1, self.numbered):06d} ;")
        lines.append(f"    {DERIVED}")
        for member, role in dict.fromkeys(self._members(index, cls)):
            dated = rng.random() < 0.5
            period = (rng.randint(2015, 2023), rng.choice((None, 1, 2, 3))) if dated else None
            lines.append(_participation(slug, member, role, period))
        if rng.random() < 0.1:
            who = f"person:p{_skewed(rng, self.people):05d}"
            lines.append(
                f"quotation:{who.split(':')[1]}-on-{slug} a schema:Quotation ; "
                f'schema:text "{" ".join(rng.sample(WORDS, 8)).capitalize()}."@en ; '
                f"schema:creator {who} ; schema:about project:{slug} ; {DERIVED}"
            )
        return "\n".join(lines) + "\n"

    def _members(self, index: int, cls: str) -> Iterator[tuple[str, str]]:
        """Who takes part in initiative ``index``, in which role."""
        rng = self.rng
        first, second = (index % 4) + 1, ((index + 1) % 4) + 1  # o00001-o00004, in pairs
        yield f"organisation:o{first:05d}", "lead"
        yield f"organisation:o{second:05d}", PARTNER_ROLES[index % len(PARTNER_ROLES)]
        for _ in range(rng.randint(0, 4)):
            yield self._organisation_id(), rng.choice(PARTNER_ROLES)
        draw = rng.random()
        if draw < 0.15 or not self.funders:
            yield "organisation:nuffield-foundation", "funder"
        else:
            funder = "spirit-of-2012" if draw < 0.25 else None
            yield f"organisation:{funder}" if funder else rng.choice(self.funders), "funder"
        if index % 5 == 0:
            yield "organisation:belong", PARTNER_ROLES[index % 3]
        if self.governments and index % 3 == 0:
            role = ("findings-recipient", "government-liaison")[index % 2]
            yield rng.choice(self.governments), role
        if cls == "bel:Programme":
            for place in rng.sample(self.places, rng.randint(1, 3)):
                yield f"place:{place}", "pilot-area"
        if index % 10 == 7:
            yield f"person:p{rng.randint(1, self.people):05d}", "contributor"


def _schemes() -> Iterator[str]:
    for name, label, prefix, members in (
        ("themes", "Resource Themes", "theme", THEMES),
        ("resource-types", "Resource Type", "rtype", TYPES),
        ("partnership-roles", "Partnership roles", "role", tuple(ROLES)),
        ("contribution-roles", "Contribution roles", "contribution", tuple(CONTRIBUTIONS)),
        ("identifier-schemes", "Identifier schemes", "idscheme", tuple(IDENTIFIER_SCHEMES)),
    ):
        yield f'\nscheme:{name} a skos:ConceptScheme ; skos:prefLabel "{label}"@en .\n'
        for slug in members:
            text = IDENTIFIER_SCHEMES[slug][0] if prefix == "idscheme" else slug.replace("-", " ")
            extra = {
                "role": f"a org:Role ; bel:shortcut {ROLES.get(slug)} ; ",
                "contribution": f"bel:shortcut {CONTRIBUTIONS.get(slug)} ; ",
            }.get(prefix, "")
            yield (
                f"{prefix}:{slug} a skos:Concept ; skos:inScheme scheme:{name} ; {extra}"
                f'skos:prefLabel "{text[0].upper() + text[1:]}"@en ; skos:notation "{slug}" .\n'
            )


def _identified(slug: str, identifiers: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """An entity's lines for its identifiers (sameAs, homepage, dcterms:identifier and
    schema:identifier), and the identifier nodes, as data/identifiers.ttl writes them."""
    if not identifiers:
        return "", ""
    links, nodes = [], []
    for scheme, value in identifiers:
        space = IDENTIFIER_SCHEMES[scheme][1]
        url = None if space is None else f"<{space}{value}>"
        if scheme in SAME_AS:
            links.append(f"    owl:sameAs {url} ; schema:sameAs {url} ;\n")
        if scheme == "website":
            links.append(f"    foaf:homepage {url} ; schema:url {url} ;\n")
        else:
            links.append(f'    dcterms:identifier "{ORG_ID.get(scheme, "")}{value}" ;\n')
        nodes.append(
            f"identifier:{slug}-{scheme} a schema:PropertyValue ; "
            f'schema:propertyID idscheme:{scheme} ; schema:value "{value}" ; '
            + (f"schema:url {url} ; " if url else "")
            + "prov:wasDerivedFrom source:synthetic ; "
            "prov:hadPrimarySource source:synthetic-evidence .\n"
        )
    names = ", ".join(f"identifier:{slug}-{scheme}" for scheme, _ in identifiers)
    links.append(f"    schema:identifier {names} ;\n")
    return "".join(links), "".join(nodes)


def _participation(
    initiative: str, member: str, role: str, period: tuple[int, int | None] | None
) -> str:
    """A participation node of ``member`` in ``initiative``; ``period`` is a start year and how
    many years it lasted (None: still going)."""
    local = member.split(":")[1]
    lines = [
        f"participation:{initiative}--{local}--{role} a bel:Participation ; "
        f"org:organization project:{initiative} ; org:member {member} ; org:role role:{role} ;"
    ]
    if period:
        start, years = period
        end = (
            f' ; time:hasEnd [ a time:Instant ; time:inXSDgYear "{start + years}"^^xsd:gYear ]'
            if years
            else ""
        )
        lines.append(
            "    org:memberDuring [ a time:Interval ; time:hasBeginning [ a time:Instant ; "
            f'time:inXSDgYear "{start}"^^xsd:gYear ]{end} ] ;'
        )
        lines.append(f'    dcterms:description "From {start}."@en ;')
    lines.append(f"    {DERIVED}")
    return "\n".join(lines)


def _skewed(rng: random.Random, count: int) -> int:
    """An index from 1 to count with a long tail: index 1 takes about 0.4 % of the picks, the
    first hundred about a quarter, as prolific authors and organisations do."""
    return min(int(rng.paretovariate(1.2) * 300) - 299, count)
