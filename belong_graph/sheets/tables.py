"""The curated graph as the rows of the workbook's sheets, and back.

A table is a sheet's rows, each a mapping of header to cell text; row ``i`` of the list is the
spreadsheet's row ``i + 2`` (row 1 holds the headers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from belong_graph.load import new_graph
from belong_graph.sheets.cells import SLUG, CellError, cell_term, cell_text, expand
from belong_graph.sheets.columns import (
    FILES,
    ID_PREFIXES,
    MORE_FACTS,
    NOTE,
    PREFIXES,
    SHEETS,
    SHEETS_BY_NAME,
    Column,
    Sheet,
)
from belong_graph.sheets.problems import Problem, UnrepresentableFacts
from belong_graph.sheets.turtle import CommentedFile, TurtleWriter

Row = dict[str, str]
Tables = dict[str, list[Row]]
Triple = tuple[Node, Node, Node]
FIRST_ROW = 2  # the spreadsheet's number of a sheet's first row of data


@dataclass
class Curated:
    """The graph a workbook stands for, with each file's entities in order and their notes."""

    graph: Graph
    files: dict[str, list[tuple[URIRef, tuple[str, ...]]]] = field(default_factory=dict)
    rows: dict[URIRef, tuple[str, int]] = field(default_factory=dict)  # entity: sheet, row
    problems: list[Problem] = field(default_factory=list)


def tables_from_graph(
    graph: Graph, comments: Mapping[str, CommentedFile], *, base_iri: str
) -> Tables:
    """One row per entity of each sheet; :class:`UnrepresentableFacts` if any fact fits none."""
    position = {e: i for c in comments.values() for i, e in enumerate(c.order)}
    notes = {e: n for c in comments.values() for e, n in c.notes.items()}
    consumed: set[Triple] = set()
    tables: Tables = {}
    entities: list[tuple[Row, URIRef]] = []
    missing: list[str] = []
    for sheet in SHEETS:
        prefix = base_iri + sheet.namespace
        members = {s for s in graph.subjects() if isinstance(s, URIRef) and _under(s, prefix)}
        rows = tables[sheet.name] = []
        for entity in sorted(members, key=lambda e: (position.get(e, len(position)), str(e))):
            row = _row(graph, sheet, entity, consumed, missing, base_iri=base_iri)
            rows.append(row)
            entities.append((row, entity))
    for row, entity in entities:
        row[MORE_FACTS] = _more_facts(graph, entity, consumed, base_iri=base_iri)
        row[NOTE] = "\n".join(notes.get(entity, ()))
    missing += [" ".join(t.n3() for t in triple) for triple in graph if triple not in consumed]
    if missing:
        raise UnrepresentableFacts(sorted(missing))
    return tables


def _under(entity: URIRef, prefix: str) -> bool:
    return entity.startswith(prefix) and bool(SLUG.match(entity[len(prefix) :]))


def _row(
    graph: Graph,
    sheet: Sheet,
    entity: URIRef,
    consumed: set[Triple],
    missing: list[str],
    *,
    base_iri: str,
) -> Row:
    row: Row = {}
    for predicate, curie in sheet.fixed:
        fact: Triple = (entity, predicate, URIRef(expand(curie, base_iri=base_iri)))
        if fact in graph:
            consumed.add(fact)
        else:
            missing.append(f"{entity.n3()} lacks {predicate.n3()} {curie}, which its sheet needs")
    for column in sheet.columns:
        values: list[str] = []
        for triple in _triples(graph, column, entity):
            value = triple[0] if column.inverse else triple[2]
            text = cell_text(column, value, base_iri=base_iri, namespace=_namespace(column))
            if text is not None and triple not in consumed and (column.many or not values):
                values.append(text)
                consumed.add(triple)
        row[column.header] = column.separator.join(sorted(values))
    slug = entity[len(base_iri + sheet.namespace) :]
    if sheet.slug_parts and derived_slug(sheet, row) != slug:
        missing.append(f"{entity.n3()}: its slug is not the one its row makes")
    elif not sheet.slug_parts:
        row = {sheet.slug_header: slug, **row}
    return row


def _triples(graph: Graph, column: Column, entity: URIRef) -> Iterator[Triple]:
    if column.inverse:
        return ((s, column.predicate, entity) for s in graph.subjects(column.predicate, entity))
    return ((entity, column.predicate, o) for o in graph.objects(entity, column.predicate))


def _namespace(column: Column) -> str:
    return SHEETS_BY_NAME[column.target].namespace if column.target in SHEETS_BY_NAME else ""


def derived_slug(sheet: Sheet, row: Mapping[str, str]) -> str:
    """A part node's slug, from its row: the first filled cell of each group, joined."""
    parts = [next((row[h] for h in group if row.get(h)), "") for group in sheet.slug_parts]
    return sheet.slug_joiner.join(parts)


def _more_facts(graph: Graph, entity: URIRef, consumed: set[Triple], *, base_iri: str) -> str:
    """The entity's facts that no column holds, with the blank nodes under them, as Turtle."""
    rest = new_graph()
    queue: list[Node] = [entity]
    while queue:
        subject = queue.pop()
        for triple in graph.triples((subject, None, None)):
            if triple not in consumed:
                consumed.add(triple)
                rest.add(triple)
                if isinstance(triple[2], BNode):
                    queue.append(triple[2])
    if not len(rest):
        return ""
    writer = TurtleWriter(rest, base_iri=base_iri)
    written = writer.entity(entity)
    return written.removeprefix(writer.term(entity, "") + " ").removesuffix(" .")


def graph_from_tables(tables: Mapping[str, list[Row]], *, base_iri: str) -> Curated:
    """The graph the rows stand for, or the problems that keep it from being made."""
    curated = Curated(new_graph())
    slugs = {name: _slugs(SHEETS_BY_NAME[name], rows) for name, rows in tables.items()}
    placed: dict[str, list[URIRef]] = {name: [] for name in tables}
    parents: dict[URIRef, URIRef] = {}
    notes: dict[URIRef, tuple[str, ...]] = {}
    for name, rows in tables.items():
        sheet = SHEETS_BY_NAME[name]
        for index, row in enumerate(rows):
            number = index + FIRST_ROW
            if not any(value.strip() for value in row.values()):
                continue
            slug = derived_slug(sheet, row) if sheet.slug_parts else row.get(sheet.slug_header, "")
            problems = curated.problems
            if not _slug_ok(sheet, slug, number, problems) or slugs[name].count(slug) > 1:
                if slugs[name].count(slug) > 1:
                    problems.append(_duplicate(sheet, slug, number))
                continue
            entity = URIRef(base_iri + sheet.namespace + slug)
            curated.rows[entity] = (name, number)
            placed[name].append(entity)
            notes[entity] = tuple(row.get(NOTE, "").splitlines())
            parent = _add_row(curated, sheet, entity, row, number, slugs, base_iri=base_iri)
            if parent is not None:
                parents[entity] = parent
    curated.files = _files(placed, parents, notes, base_iri=base_iri)
    return curated


def _slugs(sheet: Sheet, rows: list[Row]) -> list[str]:
    return [
        derived_slug(sheet, r) if sheet.slug_parts else r.get(sheet.slug_header, "")
        for r in rows
        if any(value.strip() for value in r.values())
    ]


def _slug_ok(sheet: Sheet, slug: str, number: int, problems: list[Problem]) -> bool:
    if SLUG.match(slug):
        return True
    header = sheet.slug_header if not sheet.slug_parts else sheet.slug_parts[0][0]
    problems.append(
        Problem(
            sheet.name,
            number,
            header,
            f"'{slug}' is not a slug: use lower-case letters, digits and hyphens (my-new-report)."
            if slug
            else "Every row needs a slug: lower-case words joined by hyphens.",
        )
    )
    return False


def _duplicate(sheet: Sheet, slug: str, number: int) -> Problem:
    header = sheet.slug_header if not sheet.slug_parts else sheet.slug_parts[0][0]
    return Problem(
        sheet.name, number, header, f"'{slug}' is used by more than one row of {sheet.name}."
    )


def _add_row(
    curated: Curated,
    sheet: Sheet,
    entity: URIRef,
    row: Row,
    number: int,
    slugs: Mapping[str, list[str]],
    *,
    base_iri: str,
) -> URIRef | None:
    """Add one row's triples; the entity it is written after, if it is a part node."""
    graph, problems = curated.graph, curated.problems
    for predicate, curie in sheet.fixed:
        graph.add((entity, predicate, URIRef(expand(curie, base_iri=base_iri))))
    parent = URIRef(expand(sheet.under, base_iri=base_iri)) if sheet.under else None
    for column in sheet.columns:
        cell = row.get(column.header, "")
        values = [v.strip() for v in cell.split(column.separator.strip() or "\n")]
        values = [v for v in values if v]
        where = (sheet.name, number, column.header)
        if column.required and not values:
            problems.append(Problem(*where, f"{sheet.entity} needs a {column.header.lower()}."))
        if len(values) > 1 and not column.many:
            problems.append(Problem(*where, "Only one value fits here."))
        for value in values:
            if column.target in slugs and value not in slugs[column.target]:
                problems.append(Problem(*where, f"No row '{value}' on the {column.target} sheet."))
                continue
            try:
                term = cell_term(column, value, base_iri=base_iri, namespace=_namespace(column))
            except CellError as error:
                problems.append(Problem(*where, str(error)))
                continue
            graph.add(
                (term, column.predicate, entity)
                if column.inverse
                else (entity, column.predicate, term)
            )
            if column.header == sheet.parent and isinstance(term, URIRef):
                parent = term
    _add_more_facts(curated, sheet, entity, row.get(MORE_FACTS, ""), number, base_iri=base_iri)
    return parent


def _add_more_facts(
    curated: Curated, sheet: Sheet, entity: URIRef, text: str, number: int, *, base_iri: str
) -> None:
    if not text.strip():
        return
    prologue = "".join(
        f"@prefix {p}: <{ns if p not in ID_PREFIXES else base_iri + ns}> .\n"
        for p, ns in PREFIXES.items()
    )
    facts = new_graph()
    try:
        facts.parse(data=f"{prologue}<{entity}> {text} .\n", format="turtle", publicID=base_iri)
    except Exception as error:  # rdflib's parsers raise many unrelated types
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        curated.problems.append(
            Problem(
                sheet.name, number, MORE_FACTS, f"This is not Turtle the graph can read: {message}"
            )
        )
        return
    curated.graph += facts


def _files(
    placed: Mapping[str, list[URIRef]],
    parents: Mapping[URIRef, URIRef],
    notes: Mapping[URIRef, tuple[str, ...]],
    *,
    base_iri: str,
) -> dict[str, list[tuple[URIRef, tuple[str, ...]]]]:
    """Each file's entities in order: its sheets' rows, each part node after its parent."""
    children: dict[URIRef, list[URIRef]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    files: dict[str, list[tuple[URIRef, tuple[str, ...]]]] = {}
    for file in FILES:
        order: list[URIRef] = []
        for sheet in SHEETS:
            if sheet.file == file:
                for entity in placed.get(sheet.name, []):
                    if entity not in parents:
                        _place(entity, children, order)
        files[file] = [(e, notes[e]) for e in order]
    for orphans in children.values():  # a part whose parent has no row: already a problem
        for entity in orphans:
            sheet_file = next(s.file for s in SHEETS if _under(entity, base_iri + s.namespace))
            files[sheet_file].append((entity, notes[entity]))
    return files


def _place(entity: URIRef, children: dict[URIRef, list[URIRef]], order: list[URIRef]) -> None:
    order.append(entity)
    for child in children.pop(entity, []):
        _place(child, children, order)
