"""``sitemap.xml`` and ``robots.txt``: every entity page and the dataset page, for crawlers.

A sitemap holds at most 50,000 URLs (sitemaps.org); a larger library gets a sitemap index that
points to numbered sitemaps of that size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from belong_graph.publish.statistics import Entity

SITEMAP_LIMIT = 50_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
_W3C_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$"
)


@dataclass(frozen=True)
class Location:
    """One URL of a sitemap and when what it shows last changed."""

    url: str
    lastmod: str


def locations(
    entities: Sequence[Entity], pages: Sequence[str], *, served: Callable[[str], str], built: str
) -> list[Location]:
    """The ``pages`` (already served URLs) and each entity's page, with their last change.

    An entity's last change is its ``dcterms:modified`` when the graph states one, else the
    build's time.
    """
    found = [Location(url, built) for url in pages]
    for entity in entities:
        modified = entity.modified
        lastmod = modified if modified and _W3C_DATETIME.match(modified) else built
        found.append(Location(served(entity.iri), lastmod))
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
    root = ET.Element(root_name, xmlns=NAMESPACE)
    for location in found:
        entry = ET.SubElement(root, entry_name)
        ET.SubElement(entry, "loc").text = location.url
        ET.SubElement(entry, "lastmod").text = location.lastmod
    return _xml(root)


def robots_txt(sitemap_url: str) -> str:
    """Every crawler may crawl everything; the sitemap says where the pages are."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
