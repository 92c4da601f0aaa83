"""The catalogue of canned queries: ``queries/*.rq`` files, each with a header of grlc-style
``#+ key: value`` lines, parsed once at start-up. A malformed file fails at once, with its name
and the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from belong_graph.errors import BelongError

_HEADER = re.compile(r"^#\+\s*([A-Za-z_][\w-]*)\s*:\s*(.*)$")
REQUIRED = ("title", "description")


class CatalogueError(BelongError):
    """A canned query file that cannot be used."""


@dataclass(frozen=True)
class CannedQuery:
    """One named, documented query."""

    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    sparql: str


def load_catalogue(directory: Path) -> tuple[CannedQuery, ...]:
    """Every ``.rq`` file of ``directory``, in name order."""
    return tuple(read_query(path) for path in sorted(directory.glob("*.rq")))


def read_query(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        header[match.group(1).lower()] = match.group(2).strip()
    missing = [key for key in REQUIRED if not header.get(key)]
    if missing:
        raise CatalogueError(f"{path}: the header needs '#+ {missing[0]}: ...'.")
    try:
        ox.Store().query(text)  # parses it; an empty store answers at once
    except SyntaxError as error:
        raise CatalogueError(f"{path}: the query does not parse: {error}") from None
    tags = tuple(t.strip() for t in header.get("tags", "").split(",") if t.strip())
    return CannedQuery(path.stem, header["title"], header["description"], tags, text)
