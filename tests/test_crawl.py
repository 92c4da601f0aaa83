"""A linked-data harvester's crawl of a live server, as issue 5 asks: start at the server's root,
follow its links to the dataset description, download every dump, and dereference every entity
of the data in every RDF format; each answer is 200 and parses (with rdflib, and with Raptor's
`rapper` where it reads the format), every format carries the same triples, and a conditional
request gets 304. Dumps keep the canonical IRIs; the crawler reads the base IRI as the server's
address, as the description's void:uriSpace says."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

from tests.conftest import BASE, LiveServer, fetch

pytestmark = pytest.mark.integration

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
RAPPER = shutil.which("rapper")
FORMATS = {  # media type: (suffix, rdflib's parser, rapper's parser; rapper reads no JSON-LD)
    "text/turtle": ("ttl", "turtle", "turtle"),
    "application/n-triples": ("nt", "nt", "ntriples"),
    "application/rdf+xml": ("rdf", "xml", "rdfxml"),
    "application/ld+json": ("jsonld", "json-ld", None),
}


def link(html: bytes, pattern: str) -> str:
    found = re.search(pattern.encode(), html)
    assert found, pattern
    return found.group(1).decode()


def rapper_count(body: bytes, parser: str, base: str, folder: Path) -> int:
    assert RAPPER is not None, "rapper is missing: run `make browser` (Debian's raptor2-utils)"
    path = folder / "document"
    path.write_bytes(body)
    done = subprocess.run(
        [RAPPER, "--count", "-i", parser, str(path), base], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    counted = re.search(r"returned (\d+) (triples|statements)", done.stderr)
    assert counted, done.stderr
    return int(counted.group(1))


@pytest.fixture(scope="module")
def description(live_server: LiveServer) -> Graph:
    """From the root page to the dataset page, and from there to its VoID in Turtle."""
    status, _, home = fetch(live_server.url + "/", {"Accept": "text/html"})
    assert status == 200
    dataset_page = link(home, r'href="([^"]*/dataset)"')
    status, _, page = fetch(live_server.url + dataset_page, {"Accept": "text/html"})
    assert status == 200
    void = link(page, r'<link rel="alternate" type="text/turtle"[^>]*href="([^"]+)"')
    status, headers, body = fetch(live_server.url + void.replace("&amp;", "&"))
    assert (status, headers.get_content_type()) == (200, "text/turtle")
    return Graph().parse(data=body, format="turtle")


def test_the_crawl_reaches_every_entity_of_the_dump_in_every_format(
    live_server: LiveServer, description: Graph, tmp_path: Path
) -> None:
    server = live_server.url + "/"
    (dataset,) = description.subjects(VOID.uriSpace, Literal(server + "id/"))
    dumps = {
        str(description.value(d, DCAT.mediaType)): str(description.value(d, DCAT.downloadURL))
        for d in description.objects(dataset, DCAT.distribution)
    }
    status, _, body = fetch(
        dumps["http://www.iana.org/assignments/media-types/application/n-triples"]
    )
    assert status == 200
    dump = Graph().parse(data=gzip.decompress(body), format="nt")
    entities = sorted(
        {str(s) for s in dump.subjects() if isinstance(s, URIRef) and s.startswith(BASE + "id/")}
    )
    kinds = {entity.removeprefix(BASE + "id/").split("/")[0] for entity in entities}
    assert kinds >= {
        *("resource", "person", "organisation", "project", "place", "source", "identifier"),
        *("authorship", "participation", "theme", "resource-type", "role", "scheme"),
    }
    assert BASE + "id/organisation/university-of-kent" in entities
    removed = {str(s) for s in dump.subjects(PROV.invalidatedAtTime)}
    assert removed, "the real data's ledger keeps a deleted entity"

    for entity in entities:
        url = server + entity.removeprefix(BASE)
        if entity in removed:  # only its deletion is left: gone, in every format
            assert fetch(url, {"Accept": "text/turtle"})[0] == 410, url
            continue
        assert fetch(url, {"Accept": "text/html"})[0] == 200, url
        graphs = []
        for media_type, (suffix, parser, raptor) in FORMATS.items():
            status, headers, body = fetch(url, {"Accept": media_type})
            assert (status, headers.get_content_type()) == (200, media_type), url
            assert headers["Content-Location"] == f"{url}.{suffix}"
            graph = Graph().parse(data=body, format=parser, publicID=url)
            assert (URIRef(url), None, None) in graph or (None, None, URIRef(url)) in graph, url
            if raptor:
                assert rapper_count(body, raptor, url, tmp_path) == len(graph), (url, media_type)
            graphs.append(graph)
        assert all(isomorphic(graphs[0], other) for other in graphs[1:]), url


def test_an_entity_answers_a_conditional_request_with_304(live_server: LiveServer) -> None:
    url = live_server.url + "/id/person/jo-broadwood"
    status, headers, _ = fetch(url, {"Accept": "text/turtle"})
    assert status == 200
    revalidated = fetch(url, {"Accept": "text/turtle", "If-None-Match": headers["ETag"]})
    assert revalidated[0] == 304 and revalidated[2] == b""
    since = fetch(url, {"Accept": "text/turtle", "If-Modified-Since": headers["Last-Modified"]})
    assert since[0] == 304


def test_the_dataset_iri_leads_to_its_description(live_server: LiveServer) -> None:
    """The dataset's own IRI answers with a 303 to the description, which describes it."""
    iri = live_server.url + "/id/dataset/belong-network-library"
    request = urllib.request.Request(iri, headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=60) as response:  # follows the 303
        assert response.url == live_server.url + "/.well-known/void"
        void = Graph().parse(data=response.read(), format="turtle")
    assert (URIRef(iri), VOID.sparqlEndpoint, URIRef(live_server.url + "/sparql")) in void
    linkset = next(void.subjects(VOID.linkPredicate, None))
    assert fetch(str(linkset), {"Accept": "text/turtle"})[0] == 200  # 303 followed again
    assert fetch(live_server.url + "/id/dataset/no-such-dataset")[0] == 404
