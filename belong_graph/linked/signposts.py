"""FAIR Signposting (signposting.org/FAIR, levels 1 and 2): the typed links of an entity's
landing page, of its metadata documents and of its content resources (where to read it), as a
Link header value under a fixed byte budget and as RFC 9264 linksets (``application/linkset``
text and ``application/linkset+json``) that carry them all, each with an absolute anchor."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from belong_graph.addresses import Addresses
from belong_graph.formats import Format
from belong_graph.linked.describe import Description
from belong_graph.linked.facts import credits
from belong_graph.namespaces import PREFIXES, PROLOGUE
from belong_graph.sparql.bind import bind

LINK_HEADER_BUDGET = 4096  # bytes of a Link header; proxies refuse headers past 8 KB
SCHEMA_ORG = "https://schema.org/"  # as FAIR Signposting writes its classes
ABOUT_PAGE = SCHEMA_ORG + "AboutPage"
THING = SCHEMA_ORG + "Thing"
TEXT_LINKSET = "application/linkset"
JSON_LINKSET = "application/linkset+json"
HTML_TYPE = "text/html"
# The profile of media types too generic to say what they hold (FAIR Signposting §describedby).
PROFILES = {"application/ld+json": "http://www.w3.org/ns/json-ld#compacted"}
_IRI_SAFE = ":/?#[]@!$&'()*+,;=%~"
SCHEMA = PREFIXES["schema"]
WHERE_TO_READ = SCHEMA + "url"  # a resource's content resources ("Where to read it")
ENCODING = SCHEMA + "encodingFormat"
_TOKEN = r"[A-Za-z0-9!#$&^_.+-]+"
MEDIA_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}")  # a bare RFC 6838 type/subtype
AUTHOR_PIDS = ("https://orcid.org/", "https://ror.org/")  # the author PIDs FAIR asks for
PIDS = (
    PROLOGUE
    + """
SELECT DISTINCT ?agent ?pid WHERE {
  # @values
  ?entity prov:qualifiedAttribution/prov:agent ?agent .
  ?agent owl:sameAs ?pid .
  FILTER (STRSTARTS(STR(?pid), "https://orcid.org/") || STRSTARTS(STR(?pid), "https://ror.org/"))
}"""
)


@dataclass(frozen=True)
class Signpost:
    """One typed link from a context (the anchor) to ``href``."""

    rel: str
    href: str
    type: str | None = None
    profile: str | None = None

    @property
    def uri(self) -> str:
        """``href`` as a URI (ASCII), as the header, the linksets and the page all give it."""
        return ascii_iri(self.href)

    def header(self, anchor: str | None = None) -> str:
        """The link in RFC 8288 syntax, ASCII only; with ``anchor`` for a text linkset."""
        parts = [f"<{self.uri}>", f'rel="{self.rel}"']
        parts += [f'type="{self.type}"'] if self.type else []
        parts += [f'profile="{ascii_iri(self.profile)}"'] if self.profile else []
        parts += [f'anchor="{ascii_iri(anchor)}"'] if anchor else []
        return "; ".join(parts)


@dataclass(frozen=True)
class Landing:
    """What an entity's signposts are made of: every address absolute and public."""

    iri: str  # cite-as: the entity's IRI, which serves its landing page
    type: str  # the schema.org class that characterises it
    authors: tuple[str, ...]  # each credited agent's ORCID or ROR IRI, else its own IRI
    licence: str
    collection: str  # the library the entity belongs to (its dataset page)
    documents: tuple[tuple[str, Format], ...]  # each metadata document's address and format
    linksets: tuple[tuple[str, str], ...]  # each linkset's address and media type
    items: tuple[tuple[str, str | None], ...] = ()  # each content resource and its media type


def landing_of(
    description: Description,
    where: Addresses,
    path: str,
    *,
    licence: str,
    formats: Sequence[Format],
    pids: Mapping[str, str],
    contents: bool = False,
) -> Landing:
    """The signposts' material for the entity at ``path`` (``id/<kind>/<slug>``) that
    ``description`` describes, with a metadata document in each of ``formats``; ``pids`` maps
    credited agents to their ORCID or ROR IRI (:func:`pids_query`). Where ``contents`` (a
    resource), its ``schema:url`` addresses are its content resources (:func:`content_items`).
    FAIR wants one class, so the first of its schema.org classes in IRI order stands for it
    (its metadata documents give them all)."""
    classes = sorted(t.value for t in description.types() if t.value.startswith(SCHEMA))
    return Landing(
        iri=where.to_public(description.iri),
        type=SCHEMA_ORG + classes[0].removeprefix(SCHEMA) if classes else THING,
        authors=tuple(
            dict.fromkeys(
                pids.get(c.agent) or where.to_public(c.agent) for c in credits(description)
            )
        ),
        licence=licence,
        collection=where.url("dataset"),
        documents=tuple((where.url(f"{path}.{f.extension}"), f) for f in formats),
        linksets=(
            (where.url(f"linkset/{path.removeprefix('id/')}"), TEXT_LINKSET),
            (where.url(f"linkset/{path.removeprefix('id/')}.json"), JSON_LINKSET),
        ),
        items=content_items(description, where) if contents else (),
    )


def content_items(description: Description, where: Addresses) -> tuple[tuple[str, str | None], ...]:
    """Each address where the entity can be read (``schema:url``), with its media type where
    the data gives one: the entity's one ``schema:encodingFormat`` that is a media type, when it
    has one address; else none, never a guess."""
    urls = sorted(
        where.to_public(u.value)
        for u in description.values(WHERE_TO_READ)
        if isinstance(u, ox.NamedNode)
    )
    formats = [
        f.value
        for f in description.values(ENCODING)
        if isinstance(f, ox.Literal) and MEDIA_TYPE.fullmatch(f.value)
    ]
    media_type = formats[0] if len(urls) == 1 and len(formats) == 1 else None
    return tuple((url, media_type) for url in urls)


def pids_query(iri: str) -> str:
    """The SELECT of each agent credited on ``iri`` with its ORCID or ROR IRI (``?agent ?pid``)."""
    return bind(PIDS, {"entity": ox.NamedNode(iri)})


def landing_signposts(landing: Landing, *, page: bool) -> list[Signpost]:
    """The landing page's links, in the order the header budget spends on them: linksets,
    cite-as, type (AboutPage too when it is the HTML ``page``), license, describedby, collection,
    authors, items."""
    types = [landing.type, *([ABOUT_PAGE] if page else [])]
    return [
        *(Signpost("linkset", href, media) for href, media in landing.linksets),
        Signpost("cite-as", landing.iri),
        *(Signpost("type", t) for t in types),
        Signpost("license", landing.licence),
        *(
            Signpost("describedby", href, fmt.media_type, PROFILES.get(fmt.media_type))
            for href, fmt in landing.documents
        ),
        Signpost("collection", landing.collection, HTML_TYPE),
        *(Signpost("author", author) for author in landing.authors),
        *(Signpost("item", href, media) for href, media in landing.items),
    ]


def document_signposts(landing: Landing) -> list[Signpost]:
    """A metadata document's links: the landing page it describes, and the linksets."""
    linksets = [Signpost("linkset", href, media) for href, media in landing.linksets]
    return [*linksets, Signpost("describes", landing.iri, HTML_TYPE)]


def header_links(signposts: Sequence[Signpost], taken: Sequence[str] = ()) -> list[str]:
    """As many of ``signposts`` as fit, in order, in a Link header that already holds ``taken``
    without passing :data:`LINK_HEADER_BUDGET` bytes; the linksets carry the rest."""
    links = list(taken)
    size = len(", ".join(links).encode())
    for signpost in signposts:
        link = signpost.header()
        added = len(link.encode()) + (2 if links else 0)
        if size + added > LINK_HEADER_BUDGET:
            break
        links.append(link)
        size += added
    return links[len(taken) :]


def linkset_contexts(landing: Landing) -> list[tuple[str, list[Signpost]]]:
    """Every context and its links: the landing page with them all (AboutPage included, the
    linksets left out: this is one), then each content resource with ``collection`` back to it,
    and each metadata document with ``describes``."""
    own = [s for s in landing_signposts(landing, page=True) if s.rel != "linkset"]
    items = [
        (href, [Signpost("collection", landing.iri, HTML_TYPE)])
        for href in dict.fromkeys(href for href, _ in landing.items)
    ]
    documents = [
        (href, [Signpost("describes", landing.iri, HTML_TYPE)]) for href, _ in landing.documents
    ]
    return [(landing.iri, own), *items, *documents]


def linkset_text(landing: Landing) -> str:
    """The ``application/linkset`` document: one link a line, each with its anchor."""
    links = [s.header(anchor) for anchor, signposts in linkset_contexts(landing) for s in signposts]
    return ",\n".join(links) + "\n"


def linkset_json(landing: Landing) -> dict[str, Any]:
    """The ``application/linkset+json`` document. ``profile`` is left out: RFC 9264 makes it an
    array, on which the ``signposting`` client (0.9.9) fails; the header and text linkset say it."""
    contexts = []
    for anchor, signposts in linkset_contexts(landing):
        context: dict[str, Any] = {"anchor": ascii_iri(anchor)}
        for signpost in signposts:
            target = {"href": signpost.uri}
            target |= {"type": signpost.type} if signpost.type else {}
            context.setdefault(signpost.rel, []).append(target)
        contexts.append(context)
    return {"linkset": contexts}


def ascii_iri(iri: str) -> str:
    """``iri`` with its non-ASCII characters percent-encoded (a URI), as headers need."""
    return quote(iri, safe=_IRI_SAFE)
