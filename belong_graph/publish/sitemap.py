"""``sitemap.xml`` and ``robots.txt``: every entity page and the dataset page, for crawlers.

A sitemap holds at most 50,000 URLs (sitemaps.org); a larger library gets a sitemap index that
points to numbered sitemaps of that size. Listing every entity means reading the whole library,
so the build writes the sitemaps into its folder (``sitemap.xml``, and ``sitemaps/<n>.xml`` past
the limit, as the server serves them) with the URLs at the base IRI; a server answering at
another address writes its own address in their place (:func:`at_address`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from belong_graph.errors import NotPublished, StoreMissing
from belong_graph.publish.statistics import Entity

SITEMAP_LIMIT = 50_000
SITEMAP_FILE = "sitemap.xml"  # the only sitemap, or the index of the numbered ones
NUMBERED = "sitemaps"  # the folder of the numbered sitemaps
# The site's own pages, below the base IRI: home, dataset, catalogue, explorer, query page,
# ontology, data model and API reference.
SITE_PAGES = ("", "dataset", "resources", "explore", "sparql", "ontology", "model", "api/")
XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
_W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"
)


@dataclass(frozen=True)
class Location:
    """One URL of a sitemap and when what it shows last changed."""

    url: str
    lastmod: str


def locations(entities: Sequence[Entity], pages: Sequence[str], *, built: str) -> list[Location]:
    """The ``pages`` and each entity's page (its IRI), with their last change.

    An entity's last change is its ``dcterms:modified`` when the graph states one, else the
    build's time.
    """
    found = [Location(url, built) for url in pages]
    for entity in entities:
        modified = entity.modified
        lastmod = modified if modified and _W3C_DATETIME.match(modified) else built
        found.append(Location(entity.iri, lastmod))
    return found


def pages_of(found: Sequence[Location], limit: int = SITEMAP_LIMIT) -> list[Sequence[Location]]:
    """``found`` cut into sitemaps of at most ``limit`` URLs."""
    return [found[start : start + limit] for start in range(0, len(found), limit)] or [[]]


def urlset(found: Sequence[Location]) -> bytes:
    """A sitemap: each URL with its ``lastmod``."""
    return _listing("urlset", "url", found)


def sitemap_index(sitemaps: Sequence[Location]) -> bytes:
    """A sitemap index: each sitemap's URL with the latest ``lastmod`` in it."""
    return _listing("sitemapindex", "sitemap", sitemaps)


def _listing(root_name: str, entry_name: str, found: Sequence[Location]) -> bytes:
    """The document, written as text: a build writes sitemaps of every entity, and ElementTree
    takes seconds for the 160,000 URLs of 30,000 synthetic resources."""
    entries = (
        f" <{entry_name}>\n  <loc>{_text(location.url)}</loc>\n"
        f"  <lastmod>{_text(location.lastmod)}</lastmod>\n </{entry_name}>\n"
        for location in found
    )
    document = (
        f'{XML_DECLARATION}\n<{root_name} xmlns="{NAMESPACE}">\n{"".join(entries)}</{root_name}>\n'
    )
    return document.encode()


def _text(value: str) -> str:
    """``value`` escaped for XML text (sitemaps.org asks for quotes to be escaped too)."""
    return escape(value, {'"': "&quot;", "'": "&apos;"})


def write_sitemaps(
    directory: Path,
    entities: Sequence[Entity],
    *,
    base_iri: str,
    built: str,
    limit: int = SITEMAP_LIMIT,
) -> None:
    """Write the sitemaps of the site's pages (:data:`SITE_PAGES`) and ``entities`` into the
    build folder ``directory``: one, or an index and numbered sitemaps of at most ``limit``
    URLs."""
    found = locations(entities, [base_iri + page for page in SITE_PAGES], built=built)
    pages = pages_of(found, limit)
    if len(pages) == 1:
        (directory / SITEMAP_FILE).write_bytes(urlset(pages[0]))
        return
    (directory / NUMBERED).mkdir()
    listed = []
    for number, page in enumerate(pages, start=1):
        (directory / NUMBERED / f"{number}.xml").write_bytes(urlset(page))
        listed.append(Location(f"{base_iri}{NUMBERED}/{number}.xml", max(p.lastmod for p in page)))
    (directory / SITEMAP_FILE).write_bytes(sitemap_index(listed))


def read_sitemap(directory: Path, number: int | None = None) -> bytes:
    """The sitemap the build wrote into ``directory`` (``number``: one of the numbered ones)."""
    if not (directory / SITEMAP_FILE).exists():
        raise StoreMissing(
            f"The store at {directory} was built without its sitemap: run `belong-graph build`."
        )
    if number is None:
        return (directory / SITEMAP_FILE).read_bytes()
    path = directory / NUMBERED / f"{number}.xml"
    if number < 1 or not path.exists():
        raise NotPublished(f"There is no sitemap {number}: see /{SITEMAP_FILE}.")
    return path.read_bytes()


def at_address(document: bytes, base_iri: str, public: str) -> bytes:
    """A sitemap the build wrote, with its URLs at the ``public`` address instead of the base
    IRI (every URL in it starts with the base IRI)."""
    if public == base_iri:
        return document
    return document.replace(b"<loc>" + _text(base_iri).encode(), b"<loc>" + _text(public).encode())


def robots_txt(sitemap_url: str) -> str:
    """Every crawler may crawl everything; the sitemap says where the pages are."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
