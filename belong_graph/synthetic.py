"""A deterministic synthetic library shaped like the real one, for benchmarks and scale tests.

``generate(resources=N, seed=S)`` writes Turtle that passes the project's shapes: concept
schemes, N resources with credits (people with printed affiliations, or organisations), about
N/2 people, N/5 organisations (a fifth of them units of another), and N/40 initiatives with
two to six participations each. The same N and seed always give the same bytes. A few anchors
are always connected, for the benchmark's queries: person p00001, organisations o00001-o00004
and resource r000042.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import TextIO

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
ROLES = {  # role: shortcut properties, as in data/schemes.ttl
    "lead": "bel:ledBy, org:hasMember",
    "research-partner": "schema:member, org:hasMember",
    "partner": "schema:member, org:hasMember",
    "funder": "schema:funder",
    "evaluator": "bel:evaluatedBy",
}
ORG_CLASSES = (
    "bel:University", "bel:Charity", "bel:GovernmentDepartment", "bel:LocalAuthority",
    "bel:Business", "bel:Network", "bel:Partnership",
)  # fmt: skip
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

PREFIXES = """\
@prefix bel: <https://data.belongnetwork.co.uk/ontology#> .
@prefix dcmitype: <http://purl.org/dc/dcmitype/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix authorship: <{base}id/authorship/> .
@prefix collection: <{base}id/collection/> .
@prefix contribution: <{base}id/contribution-role/> .
@prefix organisation: <{base}id/organisation/> .
@prefix participation: <{base}id/participation/> .
@prefix person: <{base}id/person/> .
@prefix project: <{base}id/project/> .
@prefix resource: <{base}id/resource/> .
@prefix role: <{base}id/role/> .
@prefix rtype: <{base}id/resource-type/> .
@prefix scheme: <{base}id/scheme/> .
@prefix source: <{base}id/source/> .
@prefix theme: <{base}id/theme/> .
"""


def generate(out: TextIO, *, resources: int, seed: int, base_iri: str) -> None:
    """Write a synthetic library of ``resources`` resources as Turtle to ``out``."""
    rng = random.Random(seed)
    people = max(resources // 2, 2)
    organisations = max(resources // 5, 5)
    initiatives = max(resources // 40, 2)
    out.write(PREFIXES.format(base=base_iri))
    for block in _schemes():
        out.write(block)
    for index in range(1, organisations + 1):
        out.write(_organisation(rng, index))
    for index in range(1, people + 1):
        out.write(_person(index))
    for index in range(1, resources + 1):
        out.write(_resource(rng, index, people, organisations))
    for index in range(1, initiatives + 1):
        out.write(_initiative(rng, index, people, organisations))


def _schemes() -> Iterator[str]:
    yield """
source:synthetic a prov:Entity ; dcterms:title "Synthetic library"@en .
collection:belong-network-library a dcmitype:Collection ;
    dcterms:title "The Belong Network Library"@en .
"""
    for name, label, members in (
        ("themes", "Resource Themes", THEMES),
        ("resource-types", "Resource Type", TYPES),
    ):
        prefix = "theme" if name == "themes" else "rtype"
        yield f'\nscheme:{name} a skos:ConceptScheme ; skos:prefLabel "{label}"@en .\n'
        for slug in members:
            yield (
                f"{prefix}:{slug} a skos:Concept ; skos:inScheme scheme:{name} ; "
                f'skos:prefLabel "{slug.replace("-", " ").capitalize()}"@en ; '
                f'skos:notation "{slug}" .\n'
            )
    yield "\nscheme:partnership-roles a skos:ConceptScheme ;"
    yield ' skos:prefLabel "Partnership roles"@en .\n'
    for slug, shortcuts in ROLES.items():
        yield (
            f"role:{slug} a org:Role, skos:Concept ; skos:inScheme scheme:partnership-roles ; "
            f'skos:prefLabel "{slug.replace("-", " ").capitalize()}"@en ; '
            f'skos:notation "{slug}" ; bel:shortcut {shortcuts} .\n'
        )
    yield "\nscheme:contribution-roles a skos:ConceptScheme ;"
    yield ' skos:prefLabel "Contribution roles"@en .\n'
    yield (
        "contribution:author a skos:Concept ; skos:inScheme scheme:contribution-roles ; "
        'skos:prefLabel "Author"@en ; skos:notation "author" ; bel:shortcut dcterms:creator .\n'
    )


def _organisation(rng: random.Random, index: int) -> str:
    cls = ORG_CLASSES[index % len(ORG_CLASSES)]
    name = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()} {index}"
    lines = [f"organisation:o{index:05d} a {cls} ;", f'    schema:name "{name}"@en ;']
    if index > 10 and rng.random() < 0.2:
        lines[0] = f"organisation:o{index:05d} a bel:ResearchCentre ;"
        lines.append(f"    org:unitOf organisation:o{rng.randint(1, 10):05d} ;")
    lines.append("    prov:wasDerivedFrom source:synthetic .\n")
    return "\n".join(lines)


def _person(index: int) -> str:
    name = f"{FIRST[index % len(FIRST)]} {LAST[(index // len(FIRST)) % len(LAST)]} {index}"
    return (
        f"person:p{index:05d} a schema:Person, foaf:Person ;\n"
        f'    schema:name "{name}" ;\n    prov:wasDerivedFrom source:synthetic .\n'
    )


def _skewed(rng: random.Random, count: int) -> int:
    """An index from 1 to count with a long tail: index 1 takes about 0.4 % of the picks, the
    first hundred about a quarter, as prolific authors and organisations do."""
    return min(int(rng.paretovariate(1.2) * 300) - 299, count)


def _resource(rng: random.Random, index: int, people: int, organisations: int) -> str:
    slug = f"r{index:06d}"
    words = rng.sample(WORDS, 6)
    if rng.random() < 0.14:
        words[2] = "cohesion"
    title = " ".join(words).capitalize()
    description = " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + "."
    kind = TYPES[index % len(TYPES)]
    themes = rng.sample(THEMES, rng.randint(1, 3))
    credits: list[tuple[str, str | None]] = []
    for _ in range(rng.randint(1, 5)):
        if rng.random() < 0.8:
            who = _skewed(rng, people) if rng.random() < 0.5 else rng.randint(1, people)
            printed = f"organisation:o{rng.randint(1, organisations):05d}"
            credits.append((f"person:p{who:05d}", printed))
        else:
            credits.append((f"organisation:o{_skewed(rng, organisations):05d}", None))
    if index == 42:
        credits[0] = ("person:p00001", "organisation:o00001")
    lines = [
        f"resource:{slug} a dcterms:BibliographicResource, {SCHEMA_CLASSES[kind]} ;",
        f'    dcterms:title "{title}"@en ;',
        f'    dcterms:description "{description}"@en ;',
        f'    dcterms:issued "{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}"'
        "^^xsd:gYearMonth ;",
        f"    dcterms:type rtype:{kind} ;",
        f"    dcterms:subject {', '.join('theme:' + t for t in themes)} ;",
        f"    dcterms:publisher organisation:o{_skewed(rng, organisations):05d} ;",
        "    dcterms:isPartOf collection:belong-network-library ;",
        "    prov:qualifiedAttribution "
        + ", ".join(f"authorship:{slug}-{n}" for n in range(1, len(credits) + 1))
        + " ;",
        "    prov:wasDerivedFrom source:synthetic .",
    ]
    for position, (agent, affiliation) in enumerate(credits, 1):
        lines.append(
            f"authorship:{slug}-{position} a bel:Authorship ; prov:agent {agent} ; "
            f"prov:hadRole contribution:author ; schema:position {position} ; "
            + (f"schema:affiliation {affiliation} ; " if affiliation else "")
            + "prov:wasDerivedFrom source:synthetic ."
        )
    return "\n".join(lines) + "\n"


def _initiative(rng: random.Random, index: int, people: int, organisations: int) -> str:
    slug = f"i{index:04d}"
    lines = [
        f"project:{slug} a bel:ResearchProject ;",
        f'    schema:name "{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {index}"@en ;',
        f"    dcterms:subject theme:{rng.choice(THEMES)} ;",
        "    prov:wasDerivedFrom source:synthetic .",
    ]
    anchors = ((index % 4) + 1, ((index + 1) % 4) + 1)  # o00001-o00004 take part, in pairs
    members = {f"organisation:o{anchor:05d}" for anchor in anchors}
    while len(members) < rng.randint(2, 6):
        members.add(f"organisation:o{_skewed(rng, organisations):05d}")
    roles = ["lead", *(rng.choice(list(ROLES)[1:]) for _ in range(len(members) - 1))]
    for member, role in zip(sorted(members), roles, strict=True):
        start = rng.randint(2015, 2023)
        lines.append(
            f"participation:{slug}-{member.split(':')[1]}-{role} a bel:Participation ; "
            f"org:organization project:{slug} ; org:member {member} ; org:role role:{role} ; "
            f'dcterms:description "Since {start}."@en ; prov:wasDerivedFrom source:synthetic .'
        )
    return "\n".join(lines) + "\n"
