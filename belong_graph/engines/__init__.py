"""Publishing a build to an existing SPARQL engine, which ``serve`` then reads (``store_url``).

An engine is only ever loaded from a full build's N-Quads snapshot (a quick build has none), and
always into a fresh place, so that readers go on with the version they have until the operator
switches them to the new one (blue/green).
"""

from __future__ import annotations

from pathlib import Path

from belong_graph.errors import StoreMissing
from belong_graph.store import DATASET_FILE, DatasetVersion


def snapshot(build_folder: Path) -> Path:
    """The N-Quads snapshot of the full build in ``build_folder``."""
    DatasetVersion.read(build_folder)  # a built store, or say so
    nquads = build_folder / DATASET_FILE
    if not nquads.exists():
        raise StoreMissing(
            f"{build_folder} is a quick build, which has no {DATASET_FILE}: load a full build."
        )
    return nquads
