"""Validation of the data against the SHACL shapes with pySHACL, as a typed report that a curator
can act on: each finding names the resource (its label and file), the severity, the property path
and the shape's message."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager
from rdflib.term import Node

from belong_graph.delta import (
    WHOLE_GRAPH_SHAPES,
    Delta,
    affected,
    compare,
    curated_lines,
    read_through,
    subgraph,
    targeting,
)
from belong_graph.load import ParsedData, new_graph, parse_file, rdf_files
from belong_graph.namespaces import DCTERMS, RDFS, SCHEMA, SH, SKOS

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
LABEL_PROPERTIES = tuple(
    ox.NamedNode(p) for p in (DCTERMS.title, SCHEMA.name, SKOS.prefLabel, RDFS.label)
)


@dataclass(frozen=True)
class Finding:
    """One result of validation."""

    focus: str
    label: str
    files: tuple[str, ...]
    severity: str
    path: str
    message: str
    value: str
    owner: str = field(default="", compare=False, repr=False)  # the IRI the focus belongs to
    whole_graph: bool = field(default=False, compare=False, repr=False)  # a rule across nodes


@dataclass(frozen=True)
class ValidationReport:
    """All findings, most severe first."""

    findings: tuple[Finding, ...]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


def load_graphs(paths: Iterable[Path], *, base_iri: str) -> Graph:
    """Parse every file under ``paths`` into one graph (used for shapes and the ontology)."""
    graph = new_graph()
    for path in rdf_files(paths):
        graph += parse_file(path, base_iri=base_iri)
    return graph


def validate(data: ParsedData, *, shapes: Graph, engine: str = "pyshacl") -> ValidationReport:
    """Validate ``data`` (the data files and the ontology, whose rdfs:subClassOf triples let a
    shape for org:Organization also check universities) against ``shapes``.

    ``engine`` is pySHACL, the reference, which reads an rdflib copy of the data, or
    pySHACL-turbo, its Rust port, which reads the Oxigraph dataset itself (several times faster
    on a large library; the tests check that both report the same on every fixture).
    """
    if engine == "turbo":
        _, results, _ = pyshacl_turbo.validate(
            data.store, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
    else:
        results = _pyshacl_results(_rdflib_graph(data.store), shapes)
    return ValidationReport(_sorted(_findings(results, data)))


def validate_change(
    data: ParsedData, *, shapes: Graph, previous: Path | None, ontology_prefix: str
) -> tuple[ValidationReport, Delta | None]:
    """The report :func:`validate` (with pySHACL) gives on ``data``, found by validating only
    what changed since the build in the folder ``previous``: the changed nodes and what the
    shapes reach from them (:mod:`belong_graph.delta`), with the previous build's findings on the
    rest; and that change (None when there was no previous build to compare with). The whole data
    is validated when ``previous`` kept no curated data or report, or was checked against other
    shapes, or when the ontology changed."""
    before = _previous(previous, shapes)
    if before is None:
        return validate(data, shapes=shapes), None
    old_lines, old_findings = before
    delta = compare(old_lines, curated_lines(data.store), ontology_prefix=ontology_prefix)
    if delta.ontology_changed:
        return validate(data, shapes=shapes), delta
    focus = affected(data.store, delta, read_through(shapes))
    owners = _iris(focus) | {_rdflib(literal).n3() for literal in delta.literals}
    kept = [
        replace(f, files=_files(data, f.owner))
        for f in old_findings
        if not (f.whole_graph or f.owner in owners)
    ]
    if delta.empty:
        return ValidationReport(_sorted(kept)), delta
    part = subgraph(
        data.store,
        focus,
        delta.literals,
        targets=targeting(shapes),
        ontology_prefix=ontology_prefix,
    )
    found = _findings(_pyshacl_results(_rdflib_graph(part), shapes), data)
    fresh = [f for f in found if f.whole_graph or f.owner in owners]
    return ValidationReport(_sorted([*kept, *fresh])), delta


CURATED_FILE = "curated.nq"
REPORT_FILE = "validation.json"


def keep_for_next(data: ParsedData, report: ValidationReport, shapes: Graph, folder: Path) -> None:
    """Write into a build's ``folder`` what :func:`validate_change` compares the next data with:
    the curated data as N-Quads and the report with the shapes it was made against."""
    (folder / CURATED_FILE).write_bytes(curated_lines(data.store))
    kept = {"shapes": _shapes_key(shapes), "findings": [asdict(f) for f in report.findings]}
    (folder / REPORT_FILE).write_text(json.dumps(kept), encoding="utf-8")


def _previous(folder: Path | None, shapes: Graph) -> tuple[bytes, list[Finding]] | None:
    if (
        folder is None
        or not (folder / CURATED_FILE).exists()
        or not (folder / REPORT_FILE).exists()
    ):
        return None
    kept = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
    if kept["shapes"] != _shapes_key(shapes):
        return None
    findings = [Finding(**{**f, "files": tuple(f["files"])}) for f in kept["findings"]]
    return (folder / CURATED_FILE).read_bytes(), findings


def _shapes_key(shapes: Graph) -> str:
    """The shapes as sorted N-Triples, blank nodes aside (a change in them changes this)."""
    lines = shapes.serialize(format="nt").splitlines()
    return str(sorted(line for line in lines if "_:" not in line))


def _files(data: ParsedData, owner: str) -> tuple[str, ...]:
    """Where ``owner`` is described now (a previous report names the files of its build)."""
    if not owner or owner.startswith('"'):
        return ()
    return tuple(str(p) for p in data.files_describing(ox.NamedNode(owner)))


def _iris(nodes: Iterable[ox.NamedNode | ox.BlankNode]) -> set[str]:
    return {n.value for n in nodes if isinstance(n, ox.NamedNode)}


def _pyshacl_results(graph: Graph, shapes: Graph) -> Graph:
    _, results, _ = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    assert isinstance(results, Graph)
    return results


def _findings(results: Graph, data: ParsedData) -> list[Finding]:
    names = new_graph().namespace_manager  # the project's prefixes, not those of a data file
    return [
        _finding(results, result, data, names) for result in results.subjects(SH.resultSeverity)
    ]


def _sorted(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(
        sorted(
            findings, key=lambda f: (f.files, f.label, f.focus, SEVERITY_ORDER[f.severity], f.path)
        )
    )


def _rdflib_graph(store: Iterable[ox.Quad]) -> Graph:
    """The union of the dataset's graphs as an rdflib graph, keeping blank node identifiers."""
    graph = new_graph()
    for quad in store:
        graph.add((_rdflib(quad.subject), _rdflib(quad.predicate), _rdflib(quad.object)))
    return graph


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else datatype)
    raise ValueError(f"RDF-star triples are not supported in data: {term}")


def _oxigraph(node: Node | None) -> ox.NamedNode | ox.BlankNode | None:
    """A report's focus node as a dataset term; None for literals, which describe nothing."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    return None


def _finding(results: Graph, result: Node, data: ParsedData, names: NamespaceManager) -> Finding:
    focus = results.value(result, SH.focusNode)
    owner = _named_owner(data.store, _oxigraph(focus))
    shape = results.value(result, SH.sourceShape)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = results.value(result, SH.resultSeverity)
    return Finding(
        focus=_show(names, focus),
        label=_label(data.store, owner) if owner is not None else "",
        files=tuple(str(p) for p in data.files_describing(owner)) if owner is not None else (),
        severity=str(severity).rsplit("#", 1)[-1],
        path=_show_path(names, results, path),
        message=str(results.value(result, SH.resultMessage) or "Does not conform to the shapes."),
        value=_show(names, value) if value is not None else "",
        owner=_owner_key(focus, owner),
        whole_graph=str(shape) in WHOLE_GRAPH_SHAPES,
    )


def _owner_key(focus: Node | None, owner: ox.NamedNode | ox.BlankNode | None) -> str:
    """What change validation knows a finding by: the IRI its focus belongs to, or its focus
    literal as N-Triples."""
    if isinstance(focus, Literal):
        return focus.n3()
    return owner.value if isinstance(owner, ox.NamedNode) else ""


def _named_owner(
    store: ox.Store, node: ox.NamedNode | ox.BlankNode | None
) -> ox.NamedNode | ox.BlankNode | None:
    """The node itself, or for a blank node the IRI that refers to it."""
    seen: set[ox.BlankNode] = set()
    while isinstance(node, ox.BlankNode) and node not in seen:
        seen.add(node)
        referrer = next(store.quads_for_pattern(None, None, node), None)
        if referrer is not None and not isinstance(referrer.subject, ox.Triple):
            node = referrer.subject
    return node


def _label(store: ox.Store, node: ox.NamedNode | ox.BlankNode) -> str:
    for prop in LABEL_PROPERTIES:
        label = next(store.quads_for_pattern(node, prop, None), None)
        if label is not None and isinstance(label.object, ox.Literal):
            return label.object.value
    return ""


def _show(names: NamespaceManager, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "(blank node)"
    if isinstance(node, Literal) and node.datatype == XSD.string:
        node = Literal(str(node))  # a plain string, however the engine typed it
    return str(node.n3(names))


def _show_path(names: NamespaceManager, results: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath) if isinstance(path, BNode) else None
    if inverse is not None:
        return "^" + _show(names, inverse)
    return _show(names, path)


def format_report(report: ValidationReport) -> str:
    """The report as text, grouped by resource (label, file), then severity, path and message."""
    if not report.findings:
        return "The data conforms to the shapes: no violations, no warnings.\n"
    lines: list[str] = []
    current: tuple[str, str] | None = None
    for finding in report.findings:
        if (finding.focus, finding.label) != current:
            current = (finding.focus, finding.label)
            heading = finding.label or finding.focus
            where = ", ".join(finding.files) or "no file"
            lines.append("")
            lines.append(f"{heading}  [{finding.focus} in {where}]")
        detail = f"  {finding.severity}: {finding.message}"
        if finding.path:
            detail += f"  (path {finding.path})"
        if finding.value:
            detail += f"  (value {finding.value})"
        lines.append(detail)
    lines.append("")
    lines.append(
        f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)."
        + ("" if report.conforms else " Fix the violations: nothing was built.")
    )
    return "\n".join(lines).lstrip("\n") + "\n"
