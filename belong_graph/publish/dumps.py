"""Gzipped dumps of the whole graph, one per format, written at build time beside the store.

Each dump records its SHA-256 and byte size, which the dataset description states, so a
harvester can check what it downloaded. The gzip header carries no time or name: the same graph
gives the same bytes, and the same checksum.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from io import BufferedIOBase
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from isal import igzip

from belong_graph.errors import StoreMissing
from belong_graph.formats import DUMP_FORMATS, Format, rdf_format
from belong_graph.phases import phase
from belong_graph.store import DATASET_FILE, GraphName, OxigraphStore

DUMPS_DIR = "dumps"
MANIFEST = "dumps.json"
STEM = "belong-graph"
GZIP = "application/gzip"
_CHUNK = 1 << 22
_BATCH = 1 << 15  # lines, about 4 MB of N-Triples
# ISA-L's gzip at its level 2 compresses the dumps of 30,000 synthetic resources 4.6 times as fast
# as zlib's level 3 (1.5 s of processor time for the five, against 6.5), 2-6 % larger
_LEVEL = 2


@dataclass(frozen=True)
class Dump:
    """One gzipped dump file, as written by the build."""

    format_name: str
    file_name: str  # also its URL path under /dumps/
    byte_size: int  # of the gzipped file
    sha256: str  # hex digest of the gzipped file

    @property
    def format(self) -> Format:
        return rdf_format(self.format_name)


def dump_file_name(fmt: Format) -> str:
    return f"{STEM}.{fmt.extension}.gz"


def write_dumps(
    store: OxigraphStore, directory: Path, triples: Sequence[bytes], executor: Executor
) -> tuple[Dump, ...]:
    """Write every dump of ``store`` (saved in ``directory``, its distinct ``triples`` as
    N-Triples lines) into ``directory/dumps/``.

    The N-Quads dump is the saved store itself, the N-Triples dump ``triples``; the Turtle dump
    joins the Turtle document of each graph (where no triple is in two graphs), and the TriG dump
    wraps the same documents in their graphs' names (Oxigraph took 3.2 s more for its own TriG
    at 30,000 synthetic resources); the JSON-LD dump is serialised from the store. Dumps are
    written side by side in ``executor``'s threads (Oxigraph and ISA-L let go of the GIL while
    they work).
    """
    folder = directory / DUMPS_DIR
    folder.mkdir()
    saved = directory / DATASET_FILE
    documents = executor.submit(store.graph_documents, ox.RdfFormat.TURTLE)
    union = len(triples) == store.version.quads  # no triple is in two graphs

    def writer(fmt: Format) -> Callable[[BufferedIOBase], object]:
        match fmt.oxigraph:
            case ox.RdfFormat.N_QUADS:
                return lambda out: _copy(saved, out)
            case ox.RdfFormat.N_TRIPLES:
                return lambda out: _write_lines(triples, out)
            case ox.RdfFormat.TURTLE if union:
                return lambda out: out.writelines(d for _, d in documents.result())
            case ox.RdfFormat.TRIG:
                return lambda out: _write_trig(documents.result(), out)
        return lambda out: out.write(store.dump(fmt))

    futures = [executor.submit(_write, folder, fmt, writer(fmt)) for fmt in DUMP_FORMATS]
    dumps = tuple(future.result() for future in futures)
    (folder / MANIFEST).write_text(json.dumps([asdict(d) for d in dumps], indent=2) + "\n")
    return dumps


def read_dumps(directory: Path) -> tuple[Dump, ...]:
    """The dumps a build wrote into ``directory``."""
    manifest = directory / DUMPS_DIR / MANIFEST
    if not manifest.exists():
        raise StoreMissing(
            f"The store at {directory} was built without dumps: run `belong-graph build`."
        )
    return tuple(Dump(**fields) for fields in json.loads(manifest.read_text()))


def dump_path(directory: Path, dump: Dump) -> Path:
    return directory / DUMPS_DIR / dump.file_name


def _write(folder: Path, fmt: Format, write: Callable[[BufferedIOBase], object]) -> Dump:
    path = folder / dump_file_name(fmt)
    with phase(f"dump {fmt.name}"), path.open("wb") as raw, _gzipped(raw) as out:
        write(out)
    return Dump(fmt.name, path.name, path.stat().st_size, _sha256(path))


def _gzipped(raw: BinaryIO) -> BufferedIOBase:
    """A gzip file writing into ``raw``, its header with no time or name."""
    return igzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=_LEVEL, mtime=0)  # type: ignore[no-untyped-call]


def _write_trig(documents: Sequence[tuple[GraphName, bytes]], out: BufferedIOBase) -> None:
    """Write the graphs' Turtle ``documents`` as one TriG document: their prefixes once, then
    each document's triples, a named graph's in a block under its name."""
    split = [(graph, *_split_prefixes(document)) for graph, document in documents]
    out.writelines(dict.fromkeys(line for _, prefixes, _ in split for line in prefixes))
    for graph, _, triples in split:
        if isinstance(graph, ox.DefaultGraph):
            out.write(triples)
        elif triples:
            out.writelines((f"{graph} {{\n".encode(), triples, b"}\n"))


def _split_prefixes(document: bytes) -> tuple[list[bytes], bytes]:
    """A Turtle document's leading ``@prefix`` lines, and the rest."""
    lines, end = [], 0
    while document.startswith(b"@prefix ", end):
        start, end = end, document.index(b"\n", end) + 1
        lines.append(document[start:end])
    return lines, document[end:]


def _write_lines(lines: Sequence[bytes], out: BufferedIOBase) -> None:
    """Write ``lines`` a batch at a time (a gzip file compresses each write on its own: line by
    line, 2.8 million lines took four times as long)."""
    for start in range(0, len(lines), _BATCH):
        out.write(b"".join(lines[start : start + _BATCH]))


def _copy(source: Path, out: BufferedIOBase) -> None:
    with source.open("rb") as data:
        shutil.copyfileobj(data, out, _CHUNK)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
