"""What search engines read in a page's head: schema.org JSON-LD for every entity, and for the
library's resources the ``citation_*`` meta tags of Google Scholar and Dublin Core's ``DC.*``."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from belong_graph.addresses import Addresses
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


def citation_tags(description: Description, addresses: Addresses) -> list[tuple[str, str]]:
    """Google Scholar's ``citation_*`` and Dublin Core's ``DC.*`` meta tags, as (name, content)."""
    title = _text(description, DCTERMS + "title")
    if not title:
        return []
    page = addresses.to_public(description.iri)
    issued = _text(description, DCTERMS + "issued")
    authors = [c.name for c in credits(description) if c.role.endswith(AUTHOR_ROLE)]
    others = [c.name for c in credits(description) if not c.role.endswith(AUTHOR_ROLE)]
    publishers = _labels(description, DCTERMS + "publisher")
    abstract = _text(description, DCTERMS + "description")
    tags = [("citation_title", title)]
    tags += [("citation_author", name) for name in authors]
    if issued:
        tags.append(("citation_publication_date", issued.replace("-", "/")))
    tags += [("citation_publisher", name) for name in publishers]
    tags.append(("citation_abstract_html_url", page))
    tags += [("citation_keywords", s) for s in _labels(description, DCTERMS + "subject")]
    tags += [("DC.title", title)]
    tags += [("DC.creator", name) for name in authors]
    tags += [("DC.contributor", name) for name in others]
    if issued:
        tags.append(("DC.date", issued))
    tags += [("DC.publisher", name) for name in publishers]
    if abstract:
        tags.append(("DC.description", abstract))
    tags += [("DC.subject", s) for s in _labels(description, DCTERMS + "subject")]
    tags += [("DC.type", t) for t in _labels(description, DCTERMS + "type")]
    tags.append(("DC.identifier", page))
    language = _language(description, DCTERMS + "title")
    if language:
        tags += [("citation_language", language), ("DC.language", language)]
    return tags


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


def _text(description: Description, predicate: str) -> str:
    literals = [v for v in description.values(predicate) if isinstance(v, ox.Literal)]
    return literals[0].value if literals else ""


def _language(description: Description, predicate: str) -> str:
    literals = [v for v in description.values(predicate) if isinstance(v, ox.Literal)]
    return (literals[0].language or "") if literals else ""


def _labels(description: Description, predicate: str) -> list[str]:
    return sorted(
        description.label(v) or v.value
        for v in description.values(predicate)
        if isinstance(v, ox.NamedNode)
    )
