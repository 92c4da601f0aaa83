"""Gzipped dumps of the whole graph, one per format, written at build time beside the store.

Each dump records its SHA-256 and byte size, which the dataset description states, so a
harvester can check what it downloaded. The gzip header carries no time or name: the same graph
gives the same bytes, and the same checksum.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from belong_graph.errors import StoreMissing
from belong_graph.formats import DUMP_FORMATS, Format, rdf_format
from belong_graph.phases import phase
from belong_graph.store import DATASET_FILE, OxigraphStore

DUMPS_DIR = "dumps"
MANIFEST = "dumps.json"
STEM = "belong-graph"
GZIP = "application/gzip"
_CHUNK = 1 << 22
_LEVEL = 3  # as small as level 9 within a third, four times faster on the large library


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


def write_dumps(store: OxigraphStore, directory: Path, executor: Executor) -> tuple[Dump, ...]:
    """Write every dump of ``store`` (saved in ``directory``) into ``directory/dumps/``.

    The N-Quads dump is the saved store itself, gzipped; the others are serialised from the
    store. Dumps are written side by side in ``executor``'s threads (Oxigraph and zlib let go
    of the GIL while they work).
    """
    folder = directory / DUMPS_DIR
    folder.mkdir()
    saved = directory / DATASET_FILE

    def job(fmt: Format) -> Callable[[], Dump]:
        if fmt.name == "nquads":
            return lambda: _write(folder, fmt, lambda out: _copy(saved, out))
        return lambda: _write(folder, fmt, lambda out: out.write(store.dump(fmt)))

    first = sorted(DUMP_FORMATS, key=lambda f: not f.datasets)  # the graph formats wait for a count
    futures = [executor.submit(job(fmt)) for fmt in first]
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


def _write(folder: Path, fmt: Format, write: Callable[[BinaryIO], object]) -> Dump:
    path = folder / dump_file_name(fmt)
    with (
        phase(f"dump {fmt.name}"),
        path.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=_LEVEL, mtime=0) as out,
    ):
        write(out)  # type: ignore[arg-type]
    return Dump(fmt.name, path.name, path.stat().st_size, _sha256(path))


def _copy(source: Path, out: BinaryIO) -> None:
    with source.open("rb") as data:
        shutil.copyfileobj(data, out, _CHUNK)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
