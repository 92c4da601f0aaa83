"""What search engines read in a page's head: schema.org JSON-LD for every entity, and for the
library's resources the ``citation_*`` meta tags of Google Scholar and Dublin Core's ``DC.*``."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from belong_graph.addresses import Addresses
from belong_graph.citation.record import Record
from belong_graph.linked.describe import Description, Term
from belong_graph.linked.facts import credits
from belong_graph.namespaces import PREFIXES

DCTERMS = PREFIXES["dcterms"]
SCHEMA = PREFIXES["schema"]
SKOS = PREFIXES["skos"]
ORG = PREFIXES["org"]
AUTHOR_ROLE = "id/contribution-role/author"  # below the base IRI

# Properties of other vocabularies that schema.org says with a property of its own.
SCHEMA_EQUIVALENTS = {
    DCTERMS + "title": "name",
    DCTERMS + "description": "description",
    DCTERMS + "issued": "datePublished",
    DCTERMS + "subject": "about",
    DCTERMS + "publisher": "publisher",
    DCTERMS + "spatial": "spatialCoverage",
    DCTERMS + "audience": "audience",
    DCTERMS + "type": "genre",
    SKOS + "prefLabel": "name",
    SKOS + "altLabel": "alternateName",
    SKOS + "definition": "description",
    SKOS + "notation": "termCode",
    SKOS + "inScheme": "inDefinedTermSet",
}
SKOS_TYPES = {SKOS + "Concept": "DefinedTerm", SKOS + "ConceptScheme": "DefinedTermSet"}
LEFT_OUT = {"creditText", "position"}  # said better by author; meaningless outside a role


def schema_org(description: Description, addresses: Addresses) -> dict[str, Any]:
    """The entity as schema.org JSON-LD, for a ``<script type="application/ld+json">``."""
    iri = addresses.to_public(description.iri)
    types = sorted(
        {t.value[len(SCHEMA) :] for t in description.types() if t.value.startswith(SCHEMA)}
        | {SKOS_TYPES[t.value] for t in description.types() if t.value in SKOS_TYPES}
    )
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": types or "Thing",
        "@id": iri,
        "url": iri,
    }
    label = description.label(description.node)
    if label:
        data["name"] = label
    for predicate, objects in sorted(description.outgoing().items(), key=lambda p: p[0].value):
        key = SCHEMA_EQUIVALENTS.get(predicate.value)
        if key is None and predicate.value.startswith(SCHEMA):
            key = predicate.value[len(SCHEMA) :]
        if key is None or key in LEFT_OUT or key in data:
            continue
        values = [_schema_value(description, o, addresses) for o in objects]
        data[key] = values[0] if len(values) == 1 else values
    authors = _agents(description, addresses, authors=True)
    if authors:
        data["author"] = authors
    contributors = _agents(description, addresses, authors=False)
    if contributors:
        data["contributor"] = contributors
    return data


def citation_tags(record: Record) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` and Dublin Core ``DC.*`` meta tags of a resource, as (name,
    content), from its CSL-JSON record.

    Zotero's Embedded Metadata translator reads each ``citation_author`` (and each ``DC.creator``
    when there is none) as a person: a value with a comma as "Family, Given", any other split at
    its last space; Highwire has no tag for an institutional author. So people are written
    "Family, Given", and an organisation as a family name alone ("University of Bristol,"),
    which Zotero and Google Scholar keep whole; an organisation whose name holds a comma cannot
    be kept whole there and is left out of these two tags (the record, BibTeX, RIS and JSON-LD
    keep it). A report names its institution (``citation_technical_report_institution``: its
    publisher, else the organisations credited), which makes it a report in Zotero.
    """
    authors = [_tag_name(n) for n in record.get("author", [])]
    authors = [name for name in authors if name]
    contributors = [_tag_name(n) for n in record.get("contributor", [])]
    issued: list[int] = record.get("issued", {}).get("date-parts", [[]])[0]
    title = record["title"]
    tags = [("citation_title", title)]
    tags += [("citation_author", name) for name in authors]
    if issued:
        tags.append(("citation_publication_date", "/".join(f"{p:02d}" for p in issued)))
    publishers = record["publisher"].split("; ") if "publisher" in record else []
    if record["type"] == "report":
        institutions = publishers or [
            n["literal"] for n in record.get("author", []) if "literal" in n
        ]
        tags += [("citation_technical_report_institution", i) for i in institutions]
    tags += [("citation_publisher", name) for name in publishers]
    tags.append(("citation_abstract_html_url", record["URL"]))
    for variable, tag in (("DOI", "citation_doi"), ("ISBN", "citation_isbn")):
        if variable in record:
            tags.append((tag, record[variable]))
    keywords = record.get("keyword", "").split(", ") if "keyword" in record else []
    tags += [("citation_keywords", keyword) for keyword in keywords]
    if "language" in record:
        tags.append(("citation_language", record["language"]))
    tags += [("DC.title", title)]
    tags += [("DC.creator", name) for name in authors]
    tags += [("DC.contributor", name) for name in contributors if name]
    if issued:
        tags.append(("DC.date", "-".join(f"{p:02d}" for p in issued)))
    tags += [("DC.publisher", name) for name in publishers]
    if "abstract" in record:
        tags.append(("DC.description", record["abstract"]))
    tags += [("DC.subject", keyword) for keyword in keywords]
    tags.append(("DC.type", record["type"]))
    tags.append(("DC.identifier", record["URL"]))
    if "language" in record:
        tags.append(("DC.language", record["language"]))
    return tags


def _tag_name(name: dict[str, str]) -> str:
    """A name as ``citation_author`` gives it ("Family, Given"; an organisation "Name,"), or ""
    where a reader could not keep it whole."""
    if "family" in name:
        return ", ".join(p for p in (name["family"], name.get("given", "")) if p)
    literal = name["literal"]
    return "" if "," in literal else literal + ","


def _agents(description: Description, addresses: Addresses, *, authors: bool) -> list[Any]:
    return [
        {
            "@type": "Person" if credit.is_person else "Organization",
            "@id": addresses.to_public(credit.agent),
            "name": credit.name,
        }
        for credit in credits(description)
        if credit.role.endswith(AUTHOR_ROLE) == authors
    ]


def _schema_value(description: Description, term: Term, addresses: Addresses) -> Any:
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):  # an image or a period: its schema.org literals
        nested: dict[str, Any] = {
            p.value[len(SCHEMA) :]: v[0].value
            for p, v in description.outgoing(term).items()
            if p.value.startswith(SCHEMA) and isinstance(v[0], ox.Literal)
        }
        kinds = [
            t.value[len(SCHEMA) :] for t in description.types(term) if t.value.startswith(SCHEMA)
        ]
        return {"@type": kinds[0], **nested} if kinds else nested
    value: dict[str, Any] = {"@id": addresses.to_public(term.value)}
    label = description.label(term)
    if label:
        value["name"] = label
    return value
