"""Validation of the data against the SHACL shapes with pySHACL, as a typed report that a curator
can act on: each finding names the resource (its label and file), the severity, the property path
and the shape's message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD, NamespaceManager
from rdflib.term import Node

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
        _, results, _ = pyshacl.validate(
            _rdflib_graph(data.store),
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    names = new_graph().namespace_manager  # the project's prefixes, not those of a data file
    findings = [
        _finding(results, result, data, names) for result in results.subjects(SH.resultSeverity)
    ]
    findings.sort(key=lambda f: (f.files, f.label, f.focus, SEVERITY_ORDER[f.severity], f.path))
    return ValidationReport(tuple(findings))


def _rdflib_graph(store: ox.Store) -> Graph:
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
    )


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
