"""Where the validation's processor time goes, as the build's validating helper spends it: the
parse, pySHACL-turbo with no shapes (copying the dataset into the engine and indexing it there),
with every shape, then each top-level shape alone, less that copy. Run from the project folder:

    BELONG_DATA_PATHS=/tmp/s4/s30000.ttl BELONG_VALIDATOR=turbo \
        .venv/bin/python benchmarks/validation.py

A shape alone brings the shapes it refers to (sh:node, sh:or lists) and the prefixes. On a
shared machine, figures within about 1 s of each other are within the noise: run it twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from belong_graph.build import parse
from belong_graph.load import new_graph
from belong_graph.namespaces import RDF, SH
from belong_graph.settings import Settings
from belong_graph.validate import load_graphs, validate

T = TypeVar("T")
NESTING = {SH.property, SH.sparql, SH.node, SH["or"], SH["and"], SH["not"], SH.xone}
NESTING |= {RDF.first, RDF.rest}


def processor_seconds(work: Callable[[], T]) -> tuple[float, T]:
    """The processor time ``work`` takes, and its result."""
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def shape_alone(shapes: Graph, top: Node) -> Graph:
    """``top`` with every node it nests, and the prefixes its SPARQL declares."""
    alone = new_graph()
    pending = [top, *shapes.subjects(SH.declare, None)]
    seen: set[Node] = set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for predicate, value in shapes.predicate_objects(node):
            alone.add((node, predicate, value))
            if isinstance(value, BNode) or (predicate in NESTING and isinstance(value, URIRef)):
                pending.append(value)
    return alone


def main() -> None:
    settings = Settings.load({"validator": "turbo"})
    shapes = load_graphs([settings.shapes_dir], base_iri=settings.base_iri)
    took, data = processor_seconds(lambda: parse(settings))
    print(f"parse: {took:.2f} s")

    def cost(graph: Graph) -> float:
        return processor_seconds(lambda: validate(data, shapes=graph, engine="turbo"))[0]

    copy = cost(new_graph())
    print(f"pySHACL-turbo, no shapes (the dataset copied and indexed): {copy:.2f} s")
    every, report = processor_seconds(lambda: validate(data, shapes=shapes, engine="turbo"))
    print(f"pySHACL-turbo, every shape: {every:.2f} s ({len(report.findings)} findings)")
    print_shapes(shapes, cost, copy)


def print_shapes(shapes: Graph, cost: Callable[[Graph], float], copy: float) -> None:
    """Each top-level shape's time alone, less the copy, most costly first."""
    tops = sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str)
    costs = sorted(((cost(shape_alone(shapes, top)) - copy, top) for top in tops), reverse=True)
    print("| shape | seconds alone, less the copy |\n|---|---:|")
    for seconds, top in costs:
        print(f"| {str(top).rsplit('#', 1)[-1]} | {seconds:.2f} |")


if __name__ == "__main__":
    main()
