"""Validation of the data against the SHACL shapes with pySHACL, as a typed report that a curator
can act on: each finding names the resource (its label and file), the severity, the property path
and the shape's message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pyshacl_turbo
from rdflib import BNode, Graph
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from belong_graph.load import ParsedData, new_graph, parse_file, rdf_files
from belong_graph.namespaces import DCTERMS, RDFS, SCHEMA, SH, SKOS

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
LABEL_PROPERTIES = (DCTERMS.title, SCHEMA.name, SKOS.prefLabel, RDFS.label)


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


VALIDATORS = {"pyshacl": pyshacl.validate, "turbo": pyshacl_turbo.validate}


def validate(
    data: ParsedData, *, shapes: Graph, ontology: Graph, engine: str = "pyshacl"
) -> ValidationReport:
    """Validate ``data`` against ``shapes``; the ontology supplies the class hierarchy.

    The ontology's rdfs:subClassOf triples are added to ``data.graph`` itself, so that a shape
    for org:Organization also checks universities; pySHACL's own ``ont_graph`` would copy the
    whole data graph first, which costs more than the validation of a large library.
    ``engine`` is pySHACL, the reference, or pySHACL-turbo, its Rust port (about ten times
    faster on large graphs; the tests check that both report the same on every fixture).
    """
    data.graph += ontology.triples((None, RDFS.subClassOf, None))
    _, results, _ = VALIDATORS[engine](
        data.graph,
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


def _finding(results: Graph, result: Node, data: ParsedData, names: NamespaceManager) -> Finding:
    focus = results.value(result, SH.focusNode)
    owner = _named_owner(data.graph, focus)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = results.value(result, SH.resultSeverity)
    return Finding(
        focus=_show(names, focus),
        label=_label(data.graph, owner) if owner is not None else "",
        files=tuple(str(p) for p in data.origins.get(owner, [])) if owner is not None else (),
        severity=str(severity).rsplit("#", 1)[-1],
        path=_show_path(names, results, path),
        message=str(results.value(result, SH.resultMessage) or "Does not conform to the shapes."),
        value=_show(names, value) if value is not None else "",
    )


def _named_owner(graph: Graph, node: Node | None) -> Node | None:
    """The node itself, or for a blank node the IRI that refers to it."""
    seen: set[Node] = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = next(graph.subjects(None, node), None)
    return node


def _label(graph: Graph, node: Node) -> str:
    for prop in LABEL_PROPERTIES:
        label = graph.value(node, prop)
        if label is not None:
            return str(label)
    return ""


def _show(names: NamespaceManager, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "(blank node)"
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
