"""``sheet import``: rows to Turtle, checked against the shapes before anything is written.

The rows become a graph, the graph the text of each of the workbook's files; those files are
written into a copy of the data folder, which is validated with the build's own check; only if
it conforms are the files that changed written into data/, and the change ledger brought up to
date, as ``belong-graph changes --update`` would.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from rdflib import URIRef

from belong_graph import build
from belong_graph import changes as change_dates
from belong_graph.namespaces import compact_iri
from belong_graph.settings import Settings
from belong_graph.sheets.columns import MORE_FACTS, SHEETS_BY_NAME
from belong_graph.sheets.datafiles import export_tables, turtle_files
from belong_graph.sheets.problems import Problem, WorkbookProblems
from belong_graph.sheets.tables import Curated, graph_from_tables
from belong_graph.sheets.words import changes_in_words
from belong_graph.sheets.workbook import read_tables
from belong_graph.validate import Finding


@dataclass(frozen=True)
class ImportResult:
    """What an import changed (or, in a dry run, would change), and the check of the data it
    wrote against the build in ``compared_with`` (which a quick build applies)."""

    changes: list[str]
    written: list[str]
    checked: build.CheckedData | None = None
    compared_with: Path | None = None


def data_folder(settings: Settings) -> Path:
    """The folder of the curated files: the first data path."""
    return settings.data_paths[0]


def import_tables(source: Path, settings: Settings, *, dry_run: bool = False) -> ImportResult:
    """Import a workbook or CSV folder into data/; :class:`WorkbookProblems` if it is refused."""
    data = data_folder(settings)
    curated = graph_from_tables(read_tables(source), base_iri=settings.base_iri)
    if curated.problems:
        raise WorkbookProblems(curated.problems)
    texts = turtle_files(curated, data, base_iri=settings.base_iri)
    with tempfile.TemporaryDirectory(prefix="belong-sheet-") as staging_dir:
        staging = Path(staging_dir) / data.name
        shutil.copytree(data, staging)
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        words = changes_in_words(  # before the check: after it, only what makes it live
            export_tables(data, base_iri=settings.base_iri),
            export_tables(staging, base_iri=settings.base_iri),
        )
        since = build.current_store_dir(settings)  # validate what changed since the build
        checked = build.check(replace(settings, data_paths=(staging,)), since=since)
        report = checked.report
        if not report.conforms:
            raise WorkbookProblems([_problem(f, curated, settings) for f in report.violations])
    changed = [n for n, t in texts.items() if (data / n).read_text(encoding="utf-8") != t]
    if dry_run:
        return ImportResult(words, [])
    for name in changed:
        (data / name).write_text(texts[name], encoding="utf-8")
    if changed:
        update_ledger(settings, checked)
    return ImportResult(words, changed, checked, since)


def update_ledger(settings: Settings, checked: build.CheckedData) -> None:
    """Date the entities that changed in the ledger, as ``changes --update`` does: those the
    change since the current build reaches, when ``checked`` compared with one, else all."""
    if checked.delta is None:
        _, after = change_dates.written_and_today(checked.data.store, settings)
    else:
        ledger = change_dates.read_ledger(settings.changes_file)
        store, delta = checked.data.store, checked.delta
        entities = change_dates.affected_entities(store, delta.changed, delta.touched, settings)
        digests = change_dates.digests_of(store, entities, settings)
        today = datetime.now(UTC).date()
        after = {**ledger, **change_dates.updated_entities(ledger, digests, entities, today)}
    change_dates.write_ledger(after, settings.changes_file)


def _problem(finding: Finding, curated: Curated, settings: Settings) -> Problem:
    """A SHACL result as a problem at the row of its entity and the column of its path."""
    entity = URIRef(finding.focus.strip("<>"))
    sheet_name, row = curated.rows.get(entity, ("", 0))
    if not sheet_name:  # a blank node: the entity it hangs from, by its label
        sheet_name, row = next(
            (where for e, where in curated.rows.items() if _label(curated, e) == finding.label),
            ("", 0),
        )
    column = MORE_FACTS if sheet_name else finding.path
    if sheet_name:
        sheet = SHEETS_BY_NAME[sheet_name]
        column = next(
            (c.header for c in sheet.columns if compact_iri(str(c.predicate)) == finding.path),
            MORE_FACTS,
        )
    value = f" (value: {finding.value})" if finding.value else ""
    return Problem(sheet_name, row, column, f"{finding.message}{value}")


def _label(curated: Curated, entity: URIRef) -> str:
    for predicate in (
        "http://purl.org/dc/terms/title",
        "http://schema.org/name",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
    ):
        value = curated.graph.value(entity, URIRef(predicate))
        if value is not None:
            return str(value)
    return ""
