"""Namespaces of the vocabularies the graph and its descriptions use, their prefixes, and the
one way to write an IRI as a CURIE (``schema:name``) or a query's ``PREFIX`` lines."""

from rdflib import (
    DC,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    TIME,
    VOID,
    XSD,
    Namespace,
)

from belong_graph._bel import BEL

SCHEMA = Namespace("http://schema.org/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCMITYPE = Namespace("http://purl.org/dc/dcmitype/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")

# Vocabularies of the dataset and service descriptions, bound where those are written
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
IANA_MEDIA_TYPES = Namespace("http://www.iana.org/assignments/media-types/")
EU_FILE_TYPES = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANGUAGES = Namespace("http://publications.europa.eu/resource/authority/language/")

PREFIXES: dict[str, str] = {
    "bel": str(BEL),
    "dcat": str(DCAT),
    "dcmitype": str(DCMITYPE),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "hydra": str(HYDRA),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "time": str(TIME),
    "xsd": str(XSD),
}

PROLOGUE = "\n".join(f"PREFIX {prefix}: <{iri}>" for prefix, iri in PREFIXES.items())


def curie(iri: str) -> str | None:
    """``schema:name`` for ``http://schema.org/name``: ``iri`` with one of our prefixes, when
    the rest is a plain local name (no ``/`` or ``:``); None otherwise."""
    for prefix, namespace in PREFIXES.items():
        rest = iri[len(namespace) :]
        if iri.startswith(namespace) and rest and ":" not in rest and "/" not in rest:
            return f"{prefix}:{rest}"
    return None


def compact_iri(iri: str) -> str:
    """``iri`` as a CURIE where it has one, else as it is."""
    return curie(iri) or iri


__all__ = [
    "BEL",
    "DC",
    "DCAT",
    "DCMITYPE",
    "DCTERMS",
    "EU_FILE_TYPES",
    "EU_LANGUAGES",
    "FOAF",
    "HYDRA",
    "IANA_MEDIA_TYPES",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROLOGUE",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SD",
    "SH",
    "SKOS",
    "SPDX",
    "TIME",
    "VCARD",
    "VOID",
    "W3C_FORMATS",
    "XSD",
    "compact_iri",
    "curie",
]
