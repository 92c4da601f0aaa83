"""The data model a reader can see: our classes and the properties between them, read from the
shapes (the classes they target, and what each property shape says its values are: ``sh:class``,
the target class of its ``sh:node``, or each ``sh:class`` of its ``sh:or``) with the labels of
the ontology, and drawn as a Mermaid flowchart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from belong_graph.namespaces import compact_iri


@dataclass(frozen=True)
class ModelClass:
    iri: str
    curie: str
    label: str


@dataclass(frozen=True)
class ModelLink:
    """Instances of ``source`` point by ``property`` to instances of ``target``."""

    source: ModelClass
    property: str
    curie: str
    label: str
    target: ModelClass


@dataclass(frozen=True)
class DataModel:
    classes: tuple[ModelClass, ...]
    links: tuple[ModelLink, ...]


def data_model(shapes: Graph, ontology: Graph) -> DataModel:
    """The classes the shapes target and the links between them that the shapes state."""
    triples = set(_links(shapes))
    classes = {c for link in triples for c in (link[0], link[2])}
    classes.update(iri for iri in shapes.objects(None, SH.targetClass) if isinstance(iri, URIRef))
    named = {iri: _class(ontology, iri) for iri in classes}
    links = sorted(
        (
            ModelLink(named[s], str(p), compact_iri(str(p)), _label(ontology, p), named[t])
            for s, p, t in triples
        ),
        key=lambda link: (link.source.label.lower(), link.label.lower(), link.target.label.lower()),
    )
    return DataModel(tuple(sorted(named.values(), key=lambda c: c.label.lower())), tuple(links))


def _links(shapes: Graph) -> Iterator[tuple[URIRef, URIRef, URIRef]]:
    """(class, property, class) for each property shape of a class's shape that says what its
    values are, and for each shape of the objects of a property that a class's shape has."""
    used: dict[URIRef, set[URIRef]] = {}
    for shape, cls in shapes.subject_objects(SH.targetClass):
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef) or not isinstance(cls, URIRef):
                continue
            used.setdefault(path, set()).add(cls)
            for target in _value_classes(shapes, prop):
                yield cls, path, target
    for shape, objects_of in shapes.subject_objects(SH.targetObjectsOf):
        if not isinstance(objects_of, URIRef):
            continue
        for cls in used.get(objects_of, set()):
            for target in _value_classes(shapes, shape):
                yield cls, objects_of, target


def _value_classes(shapes: Graph, shape: Node) -> Iterator[URIRef]:
    for found in shapes.objects(shape, SH["class"]):
        if isinstance(found, URIRef):
            yield found
    for node in shapes.objects(shape, SH.node):
        for found in shapes.objects(node, SH.targetClass):
            if isinstance(found, URIRef):
                yield found
    for alternatives in shapes.objects(shape, SH["or"]):
        for alternative in Collection(shapes, alternatives):
            yield from _value_classes(shapes, alternative)


def _class(ontology: Graph, iri: URIRef) -> ModelClass:
    return ModelClass(str(iri), compact_iri(str(iri)), _label(ontology, iri))


def _label(ontology: Graph, iri: Node) -> str:
    """The ontology's English label, else the local name in words (``qualifiedAttribution``:
    "qualified attribution")."""
    for label in ontology.objects(iri, RDFS.label):
        if isinstance(label, Literal) and label.language in (None, "en"):
            return str(label)
    local = re.split(r"[#/:]", str(iri))[-1]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local)
    return words if local[:1].isupper() else words.lower()


def mermaid(model: DataModel, *, title: str, description: str) -> str:
    """``model`` as a Mermaid flowchart, each class a box with its label, each link an arrow
    with its property's label; ``title`` and ``description`` are what screen readers get."""
    ids = {cls.iri: f"c{number}" for number, cls in enumerate(model.classes)}
    lines = ["flowchart LR", f"  accTitle: {title}", f"  accDescr: {description}"]
    lines += [f'  {ids[cls.iri]}["{_text(cls.label)}"]' for cls in model.classes]
    lines += [
        f'  {ids[link.source.iri]} -- "{_text(link.label)}" --> {ids[link.target.iri]}'
        for link in model.links
    ]
    return "\n".join(lines) + "\n"


def _text(label: str) -> str:
    """A label inside Mermaid's double quotes (which take entity codes, not backslashes)."""
    return label.replace('"', "#quot;")
