"""A harvester's view of the dumps: read the dataset description from the real server, download
every dump it lists, check size and checksum, gunzip, and parse with rdflib and with Raptor's
``rapper``; both parsers must count the same triples, and every format must hold the same graph.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.term import Node

from belong_graph.formats import DUMP_FORMATS
from belong_graph.publish.dumps import write_dumps
from belong_graph.store import DatasetVersion, OxigraphStore
from tests.conftest import BASE, LiveServer, fetch

pytestmark = pytest.mark.integration

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"
RAPPER = shutil.which("rapper")
PARSERS = {  # media type: (rdflib's parser, rapper's parser; rapper reads no JSON-LD)
    "application/n-quads": ("nquads", "nquads"),
    "application/trig": ("trig", "trig"),
    "text/turtle": ("turtle", "turtle"),
    "application/n-triples": ("nt", "ntriples"),
    "application/ld+json": ("json-ld", None),
}
DATASET_TYPES = {"application/n-quads", "application/trig", "application/ld+json"}


@dataclass
class Download:
    media_type: str
    url: str
    headers: Message
    body: bytes  # gunzipped


@pytest.fixture(scope="module")
def dataset(live_server: LiveServer) -> URIRef:
    """The dataset's IRI, written with the server's own address like every entity's."""
    return URIRef(live_server.url + "/id/dataset/belong-network-library")


@pytest.fixture(scope="module")
def description(live_server: LiveServer) -> Graph:
    status, headers, body = fetch(
        live_server.url + "/.well-known/void", {"Accept": "application/n-triples"}
    )
    assert status == 200
    assert headers.get_content_type() == "application/n-triples"
    return Graph().parse(data=body, format="nt")


@pytest.fixture(scope="module")
def downloads(description: Graph, dataset: URIRef, live_server: LiveServer) -> dict[str, Download]:
    """Every dump the description lists, downloaded and checked against it."""
    found = {}
    for distribution in description.objects(dataset, DCAT.distribution):
        url = str(description.value(distribution, DCAT.downloadURL))
        assert url.startswith(live_server.url + "/dumps/")
        status, headers, body = fetch(url)
        assert status == 200
        assert headers.get_content_type() == "application/gzip"
        assert headers["Content-Encoding"] is None
        size = description.value(distribution, DCAT.byteSize)
        assert size is not None and len(body) == size.toPython() == int(headers["Content-Length"])
        checksum = description.value(distribution, SPDX.checksum)
        stated = description.value(checksum, SPDX.checksumValue)
        assert hashlib.sha256(body).hexdigest() == str(stated)
        media_type = str(description.value(distribution, DCAT.mediaType)).removeprefix(IANA)
        found[media_type] = Download(media_type, url, headers, gzip.decompress(body))
    return found


def test_every_dump_is_listed_and_served(downloads: dict[str, Download]) -> None:
    assert set(downloads) == set(PARSERS)
    assert {d.url for d in downloads.values()} == {
        d.url.rsplit("/", 1)[0] + f"/belong-graph.{ext}.gz"
        for d in downloads.values()
        for ext in ("nq", "trig", "ttl", "nt", "jsonld")
    }


def rdflib_count(download: Download) -> int:
    parser = PARSERS[download.media_type][0]
    if download.media_type in DATASET_TYPES:
        dataset = Dataset()
        dataset.parse(data=download.body, format=parser)
        return sum(len(graph) for graph in dataset.graphs())
    return len(Graph().parse(data=download.body, format=parser))


def rapper_count(download: Download, folder: Path) -> int:
    assert RAPPER is not None, "rapper is missing: run `make browser` (Debian's raptor2-utils)"
    parser = PARSERS[download.media_type][1]
    assert parser is not None
    path = folder / download.url.rsplit("/", 1)[1].removesuffix(".gz")
    path.write_bytes(download.body)
    done = subprocess.run(
        [RAPPER, "--count", "-i", parser, str(path), BASE],
        capture_output=True,
        text=True,
        check=True,
    )
    counted = re.search(r"Parsing returned (\d+) (triples|statements)", done.stderr)
    assert counted, done.stderr
    return int(counted.group(1))


@pytest.mark.parametrize("media_type", [t for t, (_, r) in PARSERS.items() if r])
def test_rdflib_and_rapper_count_the_same_triples(
    downloads: dict[str, Download],
    description: Graph,
    dataset: URIRef,
    media_type: str,
    tmp_path: Path,
) -> None:
    download = downloads[media_type]
    counted = rdflib_count(download)
    assert rapper_count(download, tmp_path) == counted
    if media_type in DATASET_TYPES:
        graphs = [  # the subsets that are named graphs, not linksets
            s
            for s in description.objects(dataset, VOID.subset)
            if (s, RDF.type, VOID.Linkset) not in description
        ]
        assert counted == sum(number(description, s) for s in graphs)
    else:
        assert counted == number(description, dataset)


def number(description: Graph, subject: Node) -> int:
    triples = description.value(subject, VOID.triples)
    assert isinstance(triples, Literal)
    return int(triples.toPython())


def test_every_format_holds_the_same_graph(downloads: dict[str, Download]) -> None:
    reference = Graph().parse(data=downloads["application/n-triples"].body, format="nt")
    assert (URIRef(BASE + "id/organisation/belong"), None, None) in reference
    for media_type, download in downloads.items():
        parser = PARSERS[media_type][0]
        if media_type in DATASET_TYPES:
            dataset = Dataset()
            dataset.parse(data=download.body, format=parser)
            union = Graph()
            for graph in dataset.graphs():
                for triple in graph:
                    union.add(triple)
            assert isomorphic(union, reference), media_type
            names = {str(g.identifier) for g in dataset.graphs()}
            assert BASE + "graph/data/resources" in names, media_type
        else:
            assert isomorphic(Graph().parse(data=download.body, format=parser), reference)


def test_a_dump_answers_a_conditional_get_with_304(
    downloads: dict[str, Download], live_server: LiveServer
) -> None:
    download = downloads["application/n-quads"]
    etag = download.headers["ETag"]
    status, headers, body = fetch(download.url, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["ETag"] == etag
    since = download.headers["Last-Modified"]
    assert fetch(download.url, {"If-Modified-Since": since})[0] == 304
    assert fetch(download.url, {"If-None-Match": '"another"'})[0] == 200


EX = "http://example.org/"


def small_dataset() -> list[ox.Quad]:
    """Quads in the default graph and two named ones, a triple in both named graphs and one in
    the default graph and a named one, a blank node, a literal with a space and a language."""
    a, b, node = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), ox.BlankNode("n1")
    p, q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")
    one, two = ox.NamedNode(EX + "graph/one"), ox.NamedNode(EX + "graph/two")
    return [
        ox.Quad(a, p, b),
        ox.Quad(a, p, b, one),
        ox.Quad(a, q, ox.Literal("two words", language="en"), one),
        ox.Quad(a, q, ox.Literal("two words", language="en"), two),
        ox.Quad(b, q, node, two),
        ox.Quad(node, p, ox.Literal("1", datatype=ox.NamedNode(EX + "n")), two),
    ]


@pytest.mark.parametrize("repeated", [True, False], ids=["triples-in-two-graphs", "each-once"])
def test_each_dump_holds_the_quads_or_the_union_s_distinct_triples(
    tmp_path: Path, repeated: bool
) -> None:
    quads = small_dataset() if repeated else small_dataset()[1:3] + small_dataset()[4:]
    store = ox.Store()
    store.extend(quads)
    version = DatasetVersion("d", "2026-01-01T00:00:00+00:00", len(quads))
    saved = OxigraphStore(store, version)
    saved.save_snapshot(tmp_path)
    with ThreadPoolExecutor(max_workers=2) as executor:
        dumps = write_dumps(saved, tmp_path, saved.snapshot_triples(tmp_path), executor)
    assert [d.format_name for d in dumps] == [f.name for f in DUMP_FORMATS]
    for dump in dumps:
        path = tmp_path / "dumps" / dump.file_name
        assert path.stat().st_size == dump.byte_size
        assert hashlib.sha256(path.read_bytes()).hexdigest() == dump.sha256
        assert path.read_bytes()[3:8] == bytes(5)  # no name, no time: the same bytes again
        read = set(ox.parse(gzip.decompress(path.read_bytes()), format=dump.format.oxigraph))
        if dump.format.datasets:
            assert read == set(quads), dump.format_name
        else:
            assert {q.triple for q in read} == {q.triple for q in quads}, dump.format_name
