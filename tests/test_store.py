"""The N-Quads snapshot a build writes: its lines sorted, so that each subject's quads follow one
another whatever their graph, and loading it back gives the store it was written from."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from belong_graph.store import DATASET_FILE, DatasetVersion, OxigraphStore

EX = "http://example.org/"
VERSION = DatasetVersion("d", "2026-01-01T00:00:00+00:00", 0)


def quads() -> list[ox.Quad]:
    """Quads of two subjects, each in two graphs, added interleaved; a blank node and a literal
    with a line break."""
    a, b, node = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), ox.BlankNode("n1")
    p, q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")
    data, derived = ox.NamedNode(EX + "graph/data"), ox.NamedNode(EX + "graph/derived")
    return [
        ox.Quad(b, p, ox.Literal("two\nlines"), data),
        ox.Quad(a, q, node, derived),
        ox.Quad(node, p, b, derived),
        ox.Quad(a, p, ox.Literal("1", datatype=ox.NamedNode(EX + "n")), data),
        ox.Quad(b, q, a, derived),
        ox.Quad(a, p, b),
    ]


def test_the_snapshot_is_sorted_and_loads_the_same_quads(tmp_path: Path) -> None:
    store = ox.Store()
    store.extend(quads())
    OxigraphStore(store, VERSION).save_snapshot(tmp_path)
    lines = (tmp_path / DATASET_FILE).read_bytes().splitlines()
    assert len(lines) == len(quads())
    assert lines == sorted(lines)
    subjects = [line.split(b" ", 1)[0] for line in lines]
    assert subjects == [b"<http://example.org/a>"] * 3 + [b"<http://example.org/b>"] * 2 + [b"_:n1"]
    loaded = OxigraphStore.load_snapshot(tmp_path, VERSION)
    assert {one_blank_node(quad) for quad in loaded._store} == set(quads())


def one_blank_node(quad: ox.Quad) -> ox.Quad:
    """``quad`` with its blank node, if any, named n1 again (loading names blank nodes anew)."""
    terms = [ox.BlankNode("n1") if isinstance(t, ox.BlankNode) else t for t in quad]
    return ox.Quad(*terms)


def test_the_build_s_snapshot_is_sorted_and_is_the_n_quads_dump(build_folder: Path) -> None:
    snapshot = (build_folder / DATASET_FILE).read_bytes()
    lines = snapshot.splitlines()
    assert lines == sorted(lines)
    assert len(lines) == DatasetVersion.read(build_folder).quads
    with gzip.open(build_folder / "dumps" / "belong-graph.nq.gz") as dump:
        assert dump.read() == snapshot


def test_the_snapshot_s_triples_are_the_distinct_triples_of_the_union(tmp_path: Path) -> None:
    """A triple in two named graphs, and one in the default graph and a named one, count once;
    a literal with a space and a datatype keeps its whole object."""
    a, b, p = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "b"), ox.NamedNode(EX + "p")
    other = ox.NamedNode(EX + "graph/other")
    spaced = ox.Literal("two words", datatype=ox.NamedNode(EX + "n"))
    store = ox.Store()
    store.extend([*quads(), ox.Quad(a, p, b, other), ox.Quad(b, p, spaced, other)])
    saved = OxigraphStore(store, VERSION)
    saved.save_snapshot(tmp_path)
    lines = saved.snapshot_triples(tmp_path)
    assert len(lines) == saved.triples == len(quads()) + 1  # (a p b) was there already
    read = ox.parse(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    assert {quad.triple for quad in read} == {quad.triple for quad in store}
