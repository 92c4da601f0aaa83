"""The pipeline from files to store: parse, validate, load, derive.

``build_store`` validates in a helper process of its own while it loads and derives in memory,
then writes the result into a new folder next to the current store: the N-Quads snapshot, the
on-disk store (written from the snapshot by a second helper), the partnership network (measured
by a third from the views this process runs) and the dumps and statistics (written here
meanwhile). It switches to the new folder only when the validation passed and everything
succeeded: a failed build leaves the previous store untouched and serving. Each phase logs its
time (:mod:`belong_graph.phases`).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import shutil
import uuid
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from belong_graph import leases
from belong_graph.changes import add_change_dates
from belong_graph.delta import Delta
from belong_graph.derive import apply_rules, rule_files
from belong_graph.errors import StoreMissing, ValidationFailed
from belong_graph.load import ParsedData, SourceFile, parse_files, source_files
from belong_graph.network.compute import view_answers, write_network
from belong_graph.phases import log_like, phase, without_gc
from belong_graph.publish.publication import publish
from belong_graph.quick import fits, quick_build
from belong_graph.settings import Settings
from belong_graph.store import DatasetVersion, OxigraphStore, save_on_disk
from belong_graph.validate import (
    ValidationReport,
    keep_for_next,
    load_graphs,
    validate,
    validate_change,
)

CURRENT = "current"


@dataclass
class CheckedData:
    """The parsed ontology and data, their validation report, and what changed since the build
    they were compared with (None when they were not compared)."""

    data: ParsedData
    report: ValidationReport
    delta: Delta | None = None


def sources(settings: Settings) -> list[SourceFile]:
    """The ontology and data files, each with the named graph it is loaded into."""
    return [
        *source_files([settings.ontology_dir], graph_prefix=settings.graph_iri("ontology/")),
        *source_files(settings.data_paths, graph_prefix=settings.graph_iri("data/")),
    ]


def parse(settings: Settings) -> ParsedData:
    """Parse the ontology and the data, each file into its own named graph."""
    with phase("parse"):
        return parse_files(sources(settings), base_iri=settings.base_iri)


def check(
    settings: Settings, *, validate_data: bool = True, since: Path | None = None
) -> CheckedData:
    """Parse the ontology and the data and validate them against the shapes: with ``since``
    (a build folder), only what changed since that build (:func:`validate_change`, pySHACL),
    which reports what validating the whole data would; ``since`` is leased meanwhile, so that
    no build or server removes it."""
    data = parse(settings)
    if not validate_data:
        return CheckedData(data, ValidationReport(()))
    shapes = load_graphs([settings.shapes_dir], base_iri=settings.base_iri)
    if since is not None:
        reading = leases.hold(since)
        try:
            with phase("change validation"):
                prefix = settings.graph_iri("ontology/")
                report, delta = validate_change(
                    data, shapes=shapes, previous=since, ontology_prefix=prefix
                )
        finally:
            leases.release(reading)
        return CheckedData(data, report, delta)
    with phase("validation"):
        return CheckedData(data, validate(data, shapes=shapes, engine=settings.validator))


def validation_report(
    settings: Settings, *, since: Path | None = None, keep_in: Path | None = None
) -> ValidationReport:
    """Only the report of :func:`check` (what a validating process sends back), having kept in
    the build folder ``keep_in`` what the next build's change validation compares with."""
    checked = check(settings, since=since)
    if keep_in is not None:
        shapes = load_graphs([settings.shapes_dir], base_iri=settings.base_iri)
        with phase("keeping the curated data"):
            keep_for_next(checked.data, checked.report, shapes, keep_in)
    return checked.report


def build_in_memory(settings: Settings) -> OxigraphStore:
    """Validate and load the data into an in-memory store (tests, export)."""
    checked = check(settings)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report)
    version = _derive(checked.data, settings)
    return OxigraphStore(checked.data.store, version)


def build_store(settings: Settings, *, validate_data: bool = True) -> DatasetVersion:
    """Validate (only what changed since the current build, when it kept what it was built
    from), then write a new store to disk and make it current, atomically."""
    with phase("build"), without_gc(), _helpers() as helpers:
        staging, building = _new_folder(settings)
        try:
            since = current_store_dir(settings)  # the quick build's, if there was one
            report = (
                helpers.submit(validation_report, settings, since=since, keep_in=staging)
                if validate_data
                else None
            )
            data = parse(settings)
            store = OxigraphStore(data.store, _derive(data, settings))
            _write(store, staging, settings, helpers)
            with phase("waiting for validation"):
                if report is not None and not report.result().conforms:
                    raise ValidationFailed(report.result())
        except BaseException:
            helpers.shutdown(cancel_futures=True)
            _discard(staging, building)
            raise
    point_current_to(settings.store_dir, staging)
    leases.release(building)  # current now: no build removes it
    leases.remove_unused(settings.store_dir, keep={staging})
    return store.version


def build_quickly(settings: Settings) -> DatasetVersion | None:
    """Validate what changed since the current build and, if it is small, make it current by
    a quick build (:func:`go_live_quickly`); its version, or None if it made none."""
    since = current_store_dir(settings)
    if since is None:
        return None
    checked = check(settings, since=since)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report)
    return go_live_quickly(settings, checked, since)


def go_live_quickly(settings: Settings, checked: CheckedData, since: Path) -> DatasetVersion | None:
    """Make the change that ``checked`` (conforming) found since the build in ``since`` current
    by a quick build (:mod:`belong_graph.quick`), if it fits one; its version, or None. The
    full build should follow: a quick build leaves what ranks or counts the whole library, the
    dumps and the network as they were."""
    if checked.delta is None or not fits(checked.delta):
        return None
    reading = leases.hold(since)
    staging, building = _new_folder(settings)
    try:
        with phase("quick build"):
            inputs = [s.path for s in sources(settings)]
            ledger = settings.changes_file.read_text() if settings.changes_file.exists() else ""
            digest = _digest(settings, inputs, f"quick after {since.name}\n{ledger}")
            version = quick_build(
                settings, checked.data, checked.delta, since, staging, digest=digest
            )
    except BaseException:
        _discard(staging, building)
        raise
    finally:
        leases.release(reading)
    if version is None:
        _discard(staging, building)
        return None
    point_current_to(settings.store_dir, staging)
    leases.release(building)
    with phase("keeping the curated data"):  # what the full build that follows compares with
        shapes = load_graphs([settings.shapes_dir], base_iri=settings.base_iri)
        keep_for_next(checked.data, checked.report, shapes, staging)
    return version


def current_store_dir(settings: Settings) -> Path | None:
    """The folder of the current store, if there is one that can be opened."""
    link = settings.store_dir / CURRENT
    try:
        DatasetVersion.read(link)
    except StoreMissing:
        return None
    return link.resolve()


def open_current(settings: Settings) -> OxigraphStore:
    """Load the current store into memory."""
    return OxigraphStore.open(settings.store_dir / CURRENT)


def _derive(data: ParsedData, settings: Settings) -> DatasetVersion:
    """Add what the rules derive to ``data`` and name the result's version."""
    with phase("rules"):
        apply_rules(data.store, settings.rules_dir, into=settings.derived_graph_iri())
    with phase("change dates"):
        ledger = add_change_dates(data.store, settings)
    return DatasetVersion(
        digest=_digest(settings, [f.path for f in data.files], repr(ledger)),
        built=datetime.now(UTC).isoformat(timespec="seconds"),
        quads=len(data.store),
        graphs=tuple(sorted(g.value for g in data.store.named_graphs())),
    )


def _discard(folder: Path, lease: Path) -> None:
    """Remove an unfinished build ``folder`` and let go of this process's ``lease`` on it."""
    shutil.rmtree(folder, ignore_errors=True)
    leases.release(lease)


def _helpers() -> ProcessPoolExecutor:
    """Processes for the validation, the on-disk store and the network, logging as this one."""
    level = logging.getLogger("belong_graph").getEffectiveLevel()
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(3, context, initializer=log_like, initargs=(level,))


def _new_folder(settings: Settings) -> tuple[Path, Path]:
    """A new build folder beside the current store, and this process's lease on it (taken
    first, so that no other build or server removes it); nothing serves it yet."""
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    folder = settings.store_dir / f"build-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    lease = leases.hold(folder)
    folder.mkdir()
    return folder, lease


def _write(store: OxigraphStore, folder: Path, settings: Settings, helpers: Executor) -> None:
    """Write ``store`` into ``folder``: its snapshot, then its on-disk copy and partnership
    network (by ``helpers``) while its dumps and statistics are written here."""
    with phase("snapshot"):
        store.save_snapshot(folder)
    on_disk = helpers.submit(save_on_disk, folder, store.version)
    with phase("network views"):
        answers = view_answers(store, settings.queries_dir)
    network = helpers.submit(write_network, folder, answers)
    with phase("publish"):
        publish(store, folder, base_iri=settings.base_iri)
    with phase("waiting for the on-disk store and the network"):
        on_disk.result()
        network.result()


def _digest(settings: Settings, inputs: list[Path], dates: str) -> str:
    """A hash of everything the store is built from (files and change dates): the same inputs
    give the same version."""
    digest = hashlib.sha256(settings.base_iri.encode())
    for path in [*inputs, *rule_files(settings.rules_dir)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(dates.encode())
    return digest.hexdigest()[:16]


def point_current_to(store_dir: Path, target: Path) -> None:
    """Point ``store_dir/current`` at the build folder ``target`` (in ``store_dir``) with one
    rename."""
    temporary = store_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    temporary.symlink_to(target.name)
    os.replace(temporary, store_dir / CURRENT)
