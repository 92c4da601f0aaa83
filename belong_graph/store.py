"""The store the server reads: one small interface, and its Oxigraph implementation.

The graph lives in an embedded Oxigraph store. ``belong-graph build`` writes it to a folder twice:
as one N-Quads file, which opening in memory loads back (about 8 s for 1.6 million quads), and as
an on-disk Oxigraph (RocksDB) store, which opens at once read-only, answers two to three times
slower, and keeps its data in the operating system's page cache, shared by every process that
reads it. A version file sits beside them. A quick build (:mod:`belong_graph.quick`) writes only
the on-disk store, which is then read on disk whatever is asked. Anything that offers
:class:`GraphStore` can stand in, such as a remote SPARQL store. Queries are passed to Oxigraph
as SPARQL text, their values bound by :mod:`belong_graph.sparql.bind`, never through rdflib's
engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from belong_graph.errors import QueryError, StoreMissing
from belong_graph.formats import Format
from belong_graph.namespaces import PREFIXES
from belong_graph.phases import phase
from belong_graph.sparql.guard import declares_dataset
from belong_graph.sparql.results import select
from belong_graph.sparql.syntax import syntax_error_message

if TYPE_CHECKING:
    from belong_graph.remote import Engine

# A remote store's CONSTRUCT or DESCRIBE answers triples parsed from N-Triples.
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterator[ox.Triple]
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

VERSION_FILE = "version.json"
DATASET_FILE = "dataset.nq"
DISK_FOLDER = "oxigraph"
# A store loaded in memory takes 1.7 times its N-Quads snapshot (PSS: 1.69 at 3,000 synthetic
# resources, 1.72 at 30,000; 2.5 for the real library's 1 MB, fixed costs weighing more).
MEMORY_PER_SNAPSHOT_BYTE = 1.8


@dataclass(frozen=True)
class DatasetVersion:
    """What identifies one build of the dataset."""

    digest: str  # hash of everything the store was built from
    built: str  # ISO 8601 time of the build, UTC
    quads: int
    graphs: tuple[str, ...] = ()  # the names of its named graphs

    def save(self, directory: Path) -> None:
        (directory / VERSION_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, directory: Path) -> DatasetVersion:
        """The version of the store built in ``directory``."""
        parts = (VERSION_FILE, DISK_FOLDER)  # a quick build has no snapshot (DATASET_FILE)
        if not all((directory / part).exists() for part in parts):
            raise StoreMissing(f"No built store at {directory}: run `belong-graph build` first.")
        fields = json.loads((directory / VERSION_FILE).read_text())
        return cls(**{**fields, "graphs": tuple(fields.get("graphs", ()))})


class GraphStore(Protocol):
    """What the rest of belong-graph needs from a store."""

    @property
    def version(self) -> DatasetVersion: ...

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult: ...

    def dump(self, fmt: Format) -> bytes: ...


@dataclass(frozen=True)
class StoreSource:
    """Where a built store is, for a query worker to open (picklable): the build's folder, or
    an engine loaded from it (``store_url``), which then answers every query."""

    directory: Path  # a resolved store folder, as ``belong-graph build`` wrote it
    engine: Engine | None = None

    def open(self, *, in_memory: bool = True) -> GraphStore:
        if self.engine is not None:
            from belong_graph.remote import RemoteStore  # which builds on this module

            return RemoteStore(self.engine, DatasetVersion.read(self.directory))
        return OxigraphStore.open(self.directory, in_memory=in_memory)

    def memory_estimate(self) -> int:
        """The bytes a copy of the store takes in memory, estimated from its snapshot (none
        without one, as :meth:`OxigraphStore.open` reads it on disk, or on an engine)."""
        snapshot = self.directory / DATASET_FILE
        if self.engine is not None:
            return 0
        return int(snapshot.stat().st_size * MEMORY_PER_SNAPSHOT_BYTE) if snapshot.exists() else 0


def save_on_disk(directory: Path, version: DatasetVersion) -> None:
    """Write the on-disk store from the N-Quads snapshot in ``directory`` (which Oxigraph
    wrote, so its terms need no checking), and ``version``, into ``directory``: then
    :meth:`OxigraphStore.open` opens it."""
    with phase("on-disk store"):
        on_disk = ox.Store(str(directory / DISK_FOLDER))
        snapshot = str(directory / DATASET_FILE)
        on_disk.bulk_load(path=snapshot, format=ox.RdfFormat.N_QUADS, lenient=True)
        on_disk.flush()
        del on_disk  # closes the store, so that it can be opened read-only
    version.save(directory)


class OxigraphStore:
    """A :class:`GraphStore` on a pyoxigraph ``Store``."""

    def __init__(self, store: ox.Store, version: DatasetVersion) -> None:
        self._store = store
        self._version = version

    @classmethod
    def open(cls, directory: Path, *, in_memory: bool = True) -> OxigraphStore:
        """Open a store that ``belong-graph build`` wrote: loaded into memory, or read-only
        on disk (always, for a quick build, which has no snapshot to load)."""
        version = DatasetVersion.read(directory)
        if not in_memory or not (directory / DATASET_FILE).exists():
            return cls(ox.Store.read_only(str(directory / DISK_FOLDER)), version)
        return cls.load_snapshot(directory, version)

    @classmethod
    def load_snapshot(cls, directory: Path, version: DatasetVersion) -> OxigraphStore:
        """Load the N-Quads snapshot of ``directory`` into memory (written before the on-disk
        store, so it can be read while that is still being written) in the snapshot's order, in
        one thread: ``bulk_load``'s threads interleave the quads of a subject that
        :meth:`save_snapshot` put together (a faceted listing at 3,000 synthetic resources took
        9.1 ms of processor time so, 8.0 ms this way; at 30,000 both load in 18 s, this way in
        1.0 GB of memory instead of 1.3)."""
        store = ox.Store()
        store.load(path=str(directory / DATASET_FILE), format=ox.RdfFormat.N_QUADS)
        return cls(store, version)

    def save_snapshot(self, directory: Path) -> None:
        """Write the store as N-Quads into ``directory`` (what :meth:`load_snapshot` reads),
        its lines sorted: each subject's quads, in whichever graph, follow one another, so a
        store loaded from the snapshot holds them side by side in memory, and a query that walks
        a subject's quads (Oxigraph's in-memory store links each term's quads in a list) reads
        fewer cache lines. A faceted listing at 3,000 synthetic resources took 12.4 ms of
        processor time on the store dumped in its own order, 9.1 ms on it sorted. At 30,000,
        sorting the 2.8 million lines adds 2.5 s to the dump's 3.4 s."""
        dumped = self._store.dump(format=ox.RdfFormat.N_QUADS)
        assert dumped is not None  # Oxigraph returns bytes when given no output file
        lines = dumped.splitlines(keepends=True)
        del dumped  # the lines hold the same bytes
        lines.sort()
        with (directory / DATASET_FILE).open("wb") as snapshot:
            snapshot.writelines(lines)

    @property
    def version(self) -> DatasetVersion:
        return self._version

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> QueryResult:
        """Run a SPARQL query on the dataset that SPARQL 1.1 gives it: the graphs named by the
        protocol's ``default_graphs`` and ``named_graphs`` when it names any (a list left empty
        is an empty part: Protocol §2.1.4), else the query's own FROM and FROM NAMED (Query
        §13.2), else the union of all graphs as the default graph and every graph by name."""
        protocol = bool(default_graphs or named_graphs)
        try:
            return self._store.query(
                sparql,
                use_default_graph_as_union=not protocol and not declares_dataset(sparql),
                default_graph=[ox.NamedNode(g) for g in default_graphs] if protocol else None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] if protocol else None,
            )
        except SyntaxError as error:
            raise QueryError(syntax_error_message(sparql, str(error))) from None

    @cached_property
    def triples(self) -> int:
        """How many distinct triples the union of the graphs holds (a triple format's content)."""
        count = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        return int(select(self, count).rows[0]["n"].value)

    def dump(self, fmt: Format) -> bytes:
        """The whole dataset: all quads for dataset formats, else the union of the graphs."""
        if fmt.oxigraph is None:
            raise QueryError(f"{fmt.name} is not an RDF format")
        if fmt.datasets:
            dataset = self._store.dump(format=fmt.oxigraph, prefixes=PREFIXES)
            assert dataset is not None
            return dataset
        if fmt.oxigraph in _CONCATENABLE and self.triples == len(self._store):
            return self._graph_by_graph(fmt.oxigraph)  # no triple is in two graphs
        triples = self._store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True
        )
        assert isinstance(triples, ox.QueryTriples)
        serialized = ox.serialize(triples, format=fmt.oxigraph, prefixes=PREFIXES)
        assert serialized is not None
        return serialized

    def _graph_by_graph(self, fmt: ox.RdfFormat) -> bytes:
        """The graphs one after the other, three times faster than a CONSTRUCT of their union."""
        return b"".join(document for _, document in self.graph_documents(fmt))

    def graph_documents(self, fmt: ox.RdfFormat) -> list[tuple[GraphName, bytes]]:
        """Each graph as a document of the triple format ``fmt``: the default graph first, then
        the named graphs by name."""
        graphs: list[GraphName] = [ox.DefaultGraph()]
        graphs.extend(sorted(self._store.named_graphs(), key=str))
        return [(graph, self._dump_graph(fmt, graph)) for graph in graphs]

    def _dump_graph(self, fmt: ox.RdfFormat, graph: GraphName) -> bytes:
        return self._store.dump(format=fmt, from_graph=graph, prefixes=PREFIXES) or b""

    def snapshot_triples(self, directory: Path) -> list[bytes]:
        """The distinct triples of the union of the graphs, as N-Triples lines in the order of the
        snapshot in ``directory`` (:meth:`save_snapshot`): each quad's line without its graph
        (the line's last term), a triple in two graphs once (its lines follow one another in the
        sorted snapshot). At 30,000 synthetic resources 3 s of processor time, where counting the
        triples by SPARQL took 5.8 s and serialising them 5.3 s more."""
        in_default = self._dump_graph(ox.RdfFormat.N_TRIPLES, ox.DefaultGraph())
        default = set(in_default.splitlines(keepends=True))  # lines of no graph: N-Triples
        lines = (directory / DATASET_FILE).read_bytes().splitlines(keepends=True)
        triples = [line if line in default else _without_graph(line) for line in lines]
        return [triple for triple, _ in groupby(triples)]


def _without_graph(line: bytes) -> bytes:
    """An N-Quads line ``s p o g .`` as the N-Triples line ``s p o .`` (a graph name holds no
    space)."""
    return line[: line.rindex(b" ", 0, -3)] + b" .\n"


_CONCATENABLE = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE)  # documents that can be joined
