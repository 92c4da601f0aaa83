"""The pipeline from files to store: parse, validate, load, derive.

``build_store`` writes a new on-disk store next to the current one and switches to it only when
everything succeeded, so a failed build leaves the previous store untouched and serving.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from belong_graph.derive import apply_rules, rule_files
from belong_graph.errors import ValidationFailed
from belong_graph.load import ParsedData, SourceFile, parse_files
from belong_graph.settings import Settings
from belong_graph.store import DATABASE_DIR, DatasetVersion, OxigraphStore
from belong_graph.validate import ValidationReport, load_graphs, validate

CURRENT = "current"


@dataclass
class CheckedData:
    """Parsed data, ontology and their validation report."""

    data: ParsedData
    ontology: ParsedData
    report: ValidationReport


def check(settings: Settings, *, validate_data: bool = True) -> CheckedData:
    """Parse the data and the ontology and validate them against the shapes."""
    data = parse_files(
        settings.data_paths, base_iri=settings.base_iri, graph_prefix=settings.graph_iri("data/")
    )
    ontology = parse_files(
        [settings.ontology_dir],
        base_iri=settings.base_iri,
        graph_prefix=settings.graph_iri("ontology/"),
    )
    if not validate_data:
        return CheckedData(data, ontology, ValidationReport(()))
    shapes = load_graphs([settings.shapes_dir], base_iri=settings.base_iri)
    report = validate(data, shapes=shapes, ontology=ontology.graph, engine=settings.validator)
    return CheckedData(data, ontology, report)


def build_in_memory(settings: Settings) -> OxigraphStore:
    """Validate and load the data into an in-memory store (tests, export)."""
    checked = _checked(settings)
    store = ox.Store()
    version = _fill(store, settings, checked, bulk=False)
    return OxigraphStore(store, version)


def build_store(settings: Settings, *, validate_data: bool = True) -> DatasetVersion:
    """Validate, then build a new on-disk store and make it current, atomically."""
    checked = _checked(settings, validate_data=validate_data)
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    staging = settings.store_dir / f"build-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir()
        store = ox.Store(str(staging / DATABASE_DIR))
        version = _fill(store, settings, checked, bulk=True)
        store.optimize()
        store.flush()
        del store
        version.save(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = current_store_dir(settings)
    _point_current_to(settings.store_dir, staging)
    _remove_old_builds(settings.store_dir, keep={staging, previous})
    return version


def current_store_dir(settings: Settings) -> Path | None:
    """The folder of the store that is serving now, if any."""
    link = settings.store_dir / CURRENT
    return link.resolve() if link.is_symlink() else None


def open_current(settings: Settings) -> OxigraphStore:
    """Open the current on-disk store read-only."""
    return OxigraphStore.open(settings.store_dir / CURRENT)


def _checked(settings: Settings, *, validate_data: bool = True) -> CheckedData:
    checked = check(settings, validate_data=validate_data)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report)
    return checked


def _fill(
    store: ox.Store, settings: Settings, checked: CheckedData, *, bulk: bool
) -> DatasetVersion:
    sources = [*checked.ontology.files, *checked.data.files]
    for source in sources:
        _load_file(store, source, settings.base_iri, bulk=bulk)
    apply_rules(store, settings.rules_dir, into=settings.derived_graph_iri())
    return DatasetVersion(
        digest=_digest(settings, [s.path for s in sources]),
        built=datetime.now(UTC).isoformat(timespec="seconds"),
        quads=len(store),
    )


def _load_file(store: ox.Store, source: SourceFile, base_iri: str, *, bulk: bool) -> None:
    load = store.bulk_load if bulk else store.load
    load(
        path=str(source.path),
        format=source.format.oxigraph,
        base_iri=base_iri,
        to_graph=ox.NamedNode(source.graph_name),
    )


def _digest(settings: Settings, inputs: list[Path]) -> str:
    """A hash of everything the store is built from: the same inputs give the same version."""
    digest = hashlib.sha256(settings.base_iri.encode())
    for path in [*inputs, *rule_files(settings.rules_dir)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _point_current_to(store_dir: Path, target: Path) -> None:
    temporary = store_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    temporary.symlink_to(target.name)
    os.replace(temporary, store_dir / CURRENT)


def _remove_old_builds(store_dir: Path, *, keep: set[Path | None]) -> None:
    for folder in store_dir.glob("build-*"):
        if folder.resolve() not in keep:
            shutil.rmtree(folder, ignore_errors=True)
