"""The curators' workbook, declared: one :class:`Sheet` per kind of entity, one :class:`Column`
per fact, each saying which property it holds and how a cell becomes an RDF term.

A sheet holds the entities whose IRIs lie under its namespace (``<base>id/resource/`` for
Resources), one row each, in the file its rows are written to. A part node (a credit, a
participation) has no slug of its own: its slug is made from its row (``slug_parts``), and its row
names its parent (``parent``), after which the writer places it. Every sheet ends with two
columns of its own: "More facts (Turtle)", for facts no column holds (a dated name, a period),
so that nothing is lost on the way through the workbook, and "Curator's note", the comment kept
above the entity in its Turtle file.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rdflib import URIRef

from belong_graph.namespaces import BEL, DCTERMS, ORG, PROV, RDF, SCHEMA, SKOS
from belong_graph.namespaces import PREFIXES as VOCABULARY_PREFIXES

MORE_FACTS = "More facts (Turtle)"
NOTE = "Curator's note"
LANGUAGE = "en"

# The prefixes of the graph's own IRIs, relative to the base IRI as data/ writes them.
ID_PREFIXES: dict[str, str] = {
    "audience": "id/audience/",
    "authorship": "id/authorship/",
    "collection": "id/collection/",
    "contribution": "id/contribution-role/",
    "intervention": "id/intervention/",
    "organisation": "id/organisation/",
    "participation": "id/participation/",
    "person": "id/person/",
    "place": "id/place/",
    "project": "id/project/",
    "quotation": "id/quotation/",
    "resource": "id/resource/",
    "role": "id/role/",
    "rtype": "id/resource-type/",
    "scheme": "id/scheme/",
    "source": "id/source/",
    "theme": "id/theme/",
}
PREFIXES: dict[str, str] = {**VOCABULARY_PREFIXES, **ID_PREFIXES}


class Kind(Enum):
    """How a cell's text becomes an RDF term."""

    TEXT = "text in English"  # "..."@en
    PLAIN = "text"  # a plain string
    DATE = "date"  # 2022, 2022-07 or 2022-07-31: xsd:gYear, xsd:gYearMonth or xsd:date
    INTEGER = "whole number"
    BOOLEAN = "true or false"
    REF = "slug on another sheet"  # an entity of the sheet named by ``target``
    CURIE = "term of a published vocabulary"  # schema:Report, dcmitype:Text
    URL = "web address"
    FLAG = "yes or empty"  # "yes": the triple (row, predicate, ``target``)


@dataclass(frozen=True)
class Column:
    """One fact of a row: its header, its note for curators and its RDF property."""

    header: str
    predicate: URIRef
    kind: Kind
    note: str
    required: bool = False
    many: bool = False
    target: str = ""  # REF: the sheet referred to; FLAG: the object, as a CURIE
    inverse: bool = False  # the triple is (cell, predicate, row): a part node's parent

    @property
    def separator(self) -> str:
        """Between the values of a cell holding several: a new line for text, else "; "."""
        return "\n" if self.kind in (Kind.TEXT, Kind.PLAIN) else "; "


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: the entities under ``prefix``, written to ``file``."""

    name: str
    file: str
    prefix: str
    entity: str  # what one row is, for messages: "Resource"
    columns: tuple[Column, ...]
    fixed: tuple[tuple[URIRef, str], ...] = ()  # (predicate, object CURIE) every row has
    slug_parts: tuple[tuple[str, ...], ...] = ()  # headers whose first filled cell makes a slug
    slug_joiner: str = "-"
    parent: str = ""  # header of the column naming the row written before this one
    under: str = ""  # or the CURIE of that entity, the same for every row

    @property
    def slug_header(self) -> str:
        return "Slug"

    @property
    def namespace(self) -> str:
        return ID_PREFIXES[self.prefix]

    @property
    def headers(self) -> tuple[str, ...]:
        own = () if self.slug_parts else (self.slug_header,)
        return (*own, *(c.header for c in self.columns), MORE_FACTS, NOTE)

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)


def _source(*, required: bool = True) -> Column:
    return Column(
        "Source",
        PROV.wasDerivedFrom,
        Kind.REF,
        "The documents this row was read from: slugs on the Sources sheet, separated by '; '.",
        required=required,
        many=True,
        target="Sources",
    )


def _text(
    header: str, predicate: URIRef, note: str, *, required: bool = False, many: bool = False
) -> Column:
    return Column(header, predicate, Kind.TEXT, note, required=required, many=many)


def _refs(
    header: str, predicate: URIRef, target: str, note: str, *, required: bool = False
) -> Column:
    return Column(header, predicate, Kind.REF, note, required=required, many=True, target=target)


def _kinds(note: str) -> Column:
    return Column("Kinds", RDF.type, Kind.CURIE, note, many=True)


RESOURCES = Sheet(
    "Resources",
    "resources.ttl",
    "resource",
    "Resource",
    (
        _kinds("Further classes of the resource, e.g. schema:Report, schema:HowTo, schema:Event."),
        _text("Title", DCTERMS.title, "The title as printed.", required=True),
        Column(
            "Issued",
            DCTERMS.issued,
            Kind.DATE,
            "When it was published, at the precision the source gives: 2022, 2022-07 or "
            "2022-07-31. Type it as text.",
        ),
        _text("Description", DCTERMS.description, "The summary the listing gives."),
        _text("Credit text", SCHEMA.creditText, "The credit line as printed ('Author: ...')."),
        Column(
            "Where to read it",
            SCHEMA.url,
            Kind.URL,
            "The web address where the resource itself can be read (https://...).",
        ),
        _text("Keywords", SCHEMA.keywords, "Keywords, one per line.", many=True),
        Column(
            "Starts",
            SCHEMA.startDate,
            Kind.DATE,
            "For an event: the day it took place (2022-03-22).",
        ),
        Column(
            "Attendance",
            SCHEMA.eventAttendanceMode,
            Kind.CURIE,
            "For an event: schema:OnlineEventAttendanceMode, schema:OfflineEventAttendanceMode "
            "or schema:MixedEventAttendanceMode.",
        ),
        _refs("Launches", BEL.launches, "Resources", "The resources it launches: resource slugs."),
        _refs("Evaluation of", BEL.evaluationOf, "Initiatives", "The initiatives it evaluates."),
        _refs("Commissioned by", BEL.commissionedBy, "Organisations", "Who commissioned it."),
        _refs(
            "Published with",
            BEL.publishedInPartnershipWith,
            "Organisations",
            "Organisations it was published in partnership with.",
        ),
        _refs("Publisher", DCTERMS.publisher, "Organisations", "Publishers: organisation slugs."),
        _refs("Audience", DCTERMS.audience, "Audiences", "Who it is for: audience slugs."),
        _refs("Places", DCTERMS.spatial, "Places", "The places it covers: place slugs."),
        _refs(
            "Interventions", BEL.interventionType, "Intervention types", "Interventions studied."
        ),
        _refs("Themes", DCTERMS.subject, "Themes", "Its themes: theme slugs.", required=True),
        _refs("Types", DCTERMS.type, "Resource types", "Its types: resource type slugs."),
        Column(
            "DCMI type",
            DCTERMS.type,
            Kind.CURIE,
            "Its DCMI type: dcmitype:Text, dcmitype:Event or dcmitype:InteractiveResource.",
            many=True,
        ),
        _refs("In collection", DCTERMS.isPartOf, "Collections", "The collection that lists it."),
        _source(),
    ),
    fixed=((RDF.type, "dcterms:BibliographicResource"),),
)

CREDITS = Sheet(
    "Credits",
    "resources.ttl",
    "authorship",
    "Credit",
    (
        Column(
            "Resource",
            PROV.qualifiedAttribution,
            Kind.REF,
            "The resource that gives this credit: a slug on the Resources sheet.",
            required=True,
            target="Resources",
            inverse=True,
        ),
        Column(
            "Position",
            SCHEMA.position,
            Kind.INTEGER,
            "Its place in the printed credit line: 1, 2, 3 ...",
            required=True,
        ),
        Column(
            "Person",
            PROV.agent,
            Kind.REF,
            "The person credited (a slug on People); or fill Organisation instead.",
            target="People",
        ),
        Column(
            "Organisation",
            PROV.agent,
            Kind.REF,
            "The organisation credited (a slug on Organisations); or fill Person instead.",
            target="Organisations",
        ),
        Column(
            "Role",
            PROV.hadRole,
            Kind.REF,
            "How they are credited: a slug on Contribution roles (author, contributor ...).",
            required=True,
            target="Contribution roles",
        ),
        _refs(
            "Affiliation",
            SCHEMA.affiliation,
            "Organisations",
            "The affiliation printed beside the name on this resource: organisation slugs.",
        ),
        _source(),
    ),
    fixed=((RDF.type, "bel:Authorship"),),
    slug_parts=(("Resource",), ("Position",)),
    parent="Resource",
)

PEOPLE = Sheet(
    "People",
    "people.ttl",
    "person",
    "Person",
    (
        Column("Name", SCHEMA.name, Kind.PLAIN, "The name as printed.", required=True),
        Column("Given name", SCHEMA.givenName, Kind.PLAIN, "The words before the family name."),
        Column("Family name", SCHEMA.familyName, Kind.PLAIN, "The family name, as printed."),
        Column("Title", SCHEMA.honorificPrefix, Kind.PLAIN, "A title printed before it: Dr."),
        Column("Letters", SCHEMA.honorificSuffix, Kind.PLAIN, "Letters printed after: PhD."),
        _refs("Affiliation", SCHEMA.affiliation, "Organisations", "Organisations they are in."),
        _source(),
    ),
    fixed=((RDF.type, "schema:Person"), (RDF.type, "foaf:Person")),
)

ORGANISATIONS = Sheet(
    "Organisations",
    "organisations.ttl",
    "organisation",
    "Organisation",
    (
        _kinds("Its kinds, from the ontology: bel:Charity, bel:University, bel:Team ..."),
        _text("Name", SCHEMA.name, "Its name today, in full.", required=True),
        _text(
            "Other names", SKOS.altLabel, "Abbreviations and other names, one per line.", many=True
        ),
        _text("Former names", BEL.formerName, "Names it no longer uses, one per line.", many=True),
        _text("Description", DCTERMS.description, "What the sources say it is."),
        _refs("Unit of", ORG.unitOf, "Organisations", "The organisation it is a unit of."),
        _refs("Part of", ORG.subOrganizationOf, "Organisations", "The organisation it belongs to."),
        _source(),
    ),
)

INITIATIVES = Sheet(
    "Initiatives",
    "initiatives.ttl",
    "project",
    "Initiative",
    (
        _kinds("Its kind: bel:ResearchProject, bel:Programme, bel:Review or bel:Engagement."),
        _text("Name", SCHEMA.name, "Its name as printed.", required=True),
        _text("Other names", SKOS.altLabel, "Other names, one per line.", many=True),
        _text("Description", DCTERMS.description, "What the sources say it is."),
        _text("Also described as", SCHEMA.disambiguatingDescription, "A second, shorter summary."),
        _text("Expected publication", BEL.expectedPublication, "What it is to publish, and when."),
        _refs("Themes", DCTERMS.subject, "Themes", "Its themes: theme slugs."),
        _refs("Interventions", BEL.interventionType, "Intervention types", "Interventions."),
        _refs("Places", DCTERMS.spatial, "Places", "Places it covers: place slugs."),
        _refs("Part of", DCTERMS.isPartOf, "Initiatives", "The initiative it is part of."),
        _refs("Builds on", BEL.buildsOn, "Initiatives", "Initiatives it builds on."),
        _refs("Contributes to", BEL.contributesTo, "Initiatives", "Initiatives it feeds."),
        _refs("Used", PROV.used, "Resources", "Resources it used: resource slugs."),
        _source(),
    ),
)

PARTICIPATIONS = Sheet(
    "Participations",
    "initiatives.ttl",
    "participation",
    "Participation",
    (
        Column(
            "Initiative",
            ORG.organization,
            Kind.REF,
            "The initiative taken part in: a slug on Initiatives.",
            required=True,
            target="Initiatives",
        ),
        Column(
            "Organisation",
            ORG.member,
            Kind.REF,
            "Who takes part, if an organisation (a slug on Organisations); else fill Person or "
            "Place.",
            target="Organisations",
        ),
        Column("Person", ORG.member, Kind.REF, "Who takes part, if a person.", target="People"),
        Column("Place", ORG.member, Kind.REF, "The place, for a pilot area.", target="Places"),
        Column(
            "Role",
            ORG.role,
            Kind.REF,
            "Their part: a slug on Partnership roles (lead, funder, partner ...).",
            required=True,
            target="Partnership roles",
        ),
        _text("Description", DCTERMS.description, "The source's words on this part."),
        _source(),
    ),
    fixed=((RDF.type, "bel:Participation"),),
    slug_parts=(("Initiative",), ("Organisation", "Person", "Place"), ("Role",)),
    slug_joiner="--",
    parent="Initiative",
)

QUOTATIONS = Sheet(
    "Quotations",
    "initiatives.ttl",
    "quotation",
    "Quotation",
    (
        _text("Text", SCHEMA.text, "The words quoted.", required=True),
        _refs("Said by", SCHEMA.creator, "People", "Who said it: person slugs."),
        _refs("About", SCHEMA.about, "Initiatives", "What it is about: initiative slugs."),
        _refs("Quoted in", SCHEMA.isPartOf, "Sources", "The document it is quoted in."),
        _source(),
    ),
    fixed=((RDF.type, "schema:Quotation"),),
)

PLACES = Sheet(
    "Places",
    "places.ttl",
    "place",
    "Place",
    (
        _kinds("Its kinds: schema:AdministrativeArea, schema:Country ..."),
        _text("Name", SCHEMA.name, "Its name.", required=True),
        _text("Other names", SKOS.altLabel, "Other names, one per line.", many=True),
        _source(),
    ),
    fixed=((RDF.type, "dcterms:Location"),),
)

SOURCES = Sheet(
    "Sources",
    "sources.ttl",
    "source",
    "Source",
    (
        _kinds("Its kinds: schema:WebPage for a web page, schema:Dataset for a table."),
        _text("Title", DCTERMS.title, "Its title as printed.", required=True),
        Column(
            "Web address",
            SCHEMA.url,
            Kind.URL,
            "Where it can be read (https://...). Give it for every new source.",
        ),
        _text("Description", DCTERMS.description, "What it holds."),
        _refs("Publisher", DCTERMS.publisher, "Organisations", "Who publishes it."),
        _refs("About organisation", SCHEMA.about, "Organisations", "The organisation it is about."),
        _refs("About collection", SCHEMA.about, "Collections", "The collection it is about."),
    ),
    fixed=((RDF.type, "foaf:Document"), (RDF.type, "prov:Entity")),
)

COLLECTIONS = Sheet(
    "Collections",
    "sources.ttl",
    "collection",
    "Collection",
    (
        _kinds("Its kinds: dcmitype:Collection, schema:Collection."),
        _text("Title", DCTERMS.title, "Its title.", required=True),
        _text("Other title", DCTERMS.alternative, "Another title it goes by.", many=True),
        _text("Description", DCTERMS.description, "What it gathers."),
        _text("Abstract", DCTERMS.abstract, "A one-line summary."),
        _refs("Publisher", DCTERMS.publisher, "Organisations", "Who publishes it."),
        _text("Access", DCTERMS.accessRights, "Who may read it, in words."),
        Column("Free", SCHEMA.isAccessibleForFree, Kind.BOOLEAN, "Free to access: true or false."),
        _source(),
    ),
)

SCHEMES = Sheet(
    "Concept schemes",
    "schemes.ttl",
    "scheme",
    "Concept scheme",
    (
        _text("Title", SKOS.prefLabel, "The list's name.", required=True),
        _text("Definition", SKOS.definition, "What the list sorts."),
        _source(required=False),
    ),
    fixed=((RDF.type, "skos:ConceptScheme"),),
)


def _concepts(name: str, prefix: str, scheme: str, *extra: Column) -> Sheet:
    """A sheet of the concepts of one scheme, written after the scheme."""
    return Sheet(
        name,
        "schemes.ttl",
        prefix,
        f"Concept of {name}",
        (
            _kinds("Further classes, e.g. org:Role."),
            _text("Label", SKOS.prefLabel, "Its name as pages show it.", required=True),
            Column("Notation", SKOS.notation, Kind.PLAIN, "Its code; by custom, its slug."),
            _text("Definition", SKOS.definition, "What it means, in a sentence."),
            _refs(
                "Broader", SKOS.broader, name, "The broader concept of this list it falls under."
            ),
            Column(
                "Top concept",
                SKOS.topConceptOf,
                Kind.FLAG,
                "'yes' if it is at the top of the list (it has no broader concept).",
                target=scheme,
            ),
            *extra,
        ),
        fixed=((RDF.type, "skos:Concept"), (SKOS.inScheme, scheme)),
        under=scheme,
    )


_SHORTCUTS = Column(
    "Shortcuts",
    BEL.shortcut,
    Kind.CURIE,
    "The properties the build derives from a part in this role, e.g. bel:ledBy; org:hasMember.",
    many=True,
)

SHEETS: tuple[Sheet, ...] = (
    RESOURCES,
    CREDITS,
    PEOPLE,
    ORGANISATIONS,
    INITIATIVES,
    PARTICIPATIONS,
    QUOTATIONS,
    PLACES,
    SOURCES,
    COLLECTIONS,
    SCHEMES,
    _concepts("Themes", "theme", "scheme:themes"),
    _concepts("Resource types", "rtype", "scheme:resource-types"),
    _concepts("Audiences", "audience", "scheme:audiences"),
    _concepts("Intervention types", "intervention", "scheme:intervention-types"),
    _concepts("Partnership roles", "role", "scheme:partnership-roles", _SHORTCUTS),
    _concepts("Contribution roles", "contribution", "scheme:contribution-roles", _SHORTCUTS),
)
SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}
FILES: tuple[str, ...] = tuple(dict.fromkeys(sheet.file for sheet in SHEETS))
