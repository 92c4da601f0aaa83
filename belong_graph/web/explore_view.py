"""What the explorer page says about its drawing: the presets for common questions, the legend
(each kind of node's shape and colour, each kind of link's colour), and the nodes and links shown
as rows of its list and table alternative, with each link's evidence. The legend's styles are
handed to the drawing's script as they are, so the two cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from belong_graph.network import export
from belong_graph.network.graph import Network
from belong_graph.web.urls import page_of

TABLE_ROWS = 500


@dataclass(frozen=True)
class Preset:
    """A common question, answered by a view of the explorer (its page parameters)."""

    slug: str
    question: str
    explanation: str
    parameters: tuple[tuple[str, str], ...]


PRESETS = {
    preset.slug: preset
    for preset in (
        Preset(
            "funders",
            "Funders and what they funded",
            "Only the links of funding: each funder and the projects and programmes it funded.",
            (("role", "funder"),),
        ),
        Preset(
            "belong-partners",
            "Belong’s partners",
            "Belong, the initiatives it takes part in, and the organisations it works with on "
            "them.",
            (
                ("focus", "organisation/belong"),
                ("depth", "2"),
                *(("type", kind) for kind in ("organisation", "unit", "funder", "initiative")),
            ),
        ),
        Preset(
            "findings",
            "Who research findings were shared with",
            "The projects whose findings were shared with government and advisers, and with whom.",
            (("role", "findings-recipient"),),
        ),
    )
}

# Each kind of node: its name in the legend, its shape (a Cytoscape.js shape, drawn in the
# legend as SVG) and its colour.
NODE_STYLES: dict[str, tuple[str, str, str]] = {
    "organisation": ("Organisation", "ellipse", "#2b5c8a"),
    "unit": ("Part of an organisation (a unit)", "ellipse", "#5b8fc7"),
    "funder": ("Funder", "hexagon", "#b35900"),
    "initiative": ("Project or programme", "round-rectangle", "#2e7d32"),
    "person": ("Person", "triangle", "#7b3f99"),
    "resource": ("Resource (report, guide...)", "rectangle", "#6e6e73"),
    "place": ("Place", "diamond", "#a33b3b"),
    "other": ("Something else", "ellipse", "#9e9e9e"),
}
PARTICIPATING = (
    "research-partner", "partner", "evaluator", "dissemination-partner", "contributor",
    "pilot-area", "findings-recipient", "government-liaison",
)  # fmt: skip
PARTICIPATING = (
    "research-partner", "partner", "evaluator", "dissemination-partner", "contributor",
    "pilot-area", "findings-recipient", "government-liaison",
)  # fmt: skip
# Each kind of link: its name in the legend, its colour, its line and the roles it covers.
EDGE_STYLES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Funded or commissioned", "#b35900", "solid", ("funder", "commissioner")),
    ("Led", "#2e7d32", "solid", ("lead",)),
    ("Took part in another role (partner, evaluator, findings shared with...)", "#2b5c8a",
     "solid", PARTICIPATING),
    ("Wrote, produced or published", "#7b3f99", "solid",
     ("author", "co-producer", "publisher", "publishing-partner")),
    ("Belongs to (a person's or a unit's organisation)", "#6e6e73", "dashed",
     ("affiliation", "unit-of", "part-of")),
    ("Builds on, evaluates, uses or speaks about", "#86868b", "dotted",
     ("evaluation-of", "contributes-to", "builds-on", "uses", "launches", "quoted-on")),
)  # fmt: skip
PATH_COLOUR = "#d40000"
COMMUNITY_COLOURS = (
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#b8860b",
    "#a6761d", "#1f78b4", "#33a02c", "#e31a1c", "#6a3d9a", "#666666",
)  # fmt: skip


def styles() -> dict[str, Any]:
    """The drawing's styles, for its script (the page's ``data-styles``)."""
    return {
        "nodes": {kind: {"shape": shape, "colour": colour}
                  for kind, (_, shape, colour) in NODE_STYLES.items()},
        "edges": {role: {"colour": colour, "line": line}
                  for _, colour, line, roles in EDGE_STYLES for role in roles},
        "path": PATH_COLOUR,
        "communities": list(COMMUNITY_COLOURS),
    }  # fmt: skip


def preset_args(args: MultiDict[str, str]) -> tuple[Preset | None, MultiDict[str, str]]:
    """The preset ``args`` name (``preset``, if known), and the rest of ``args`` with the
    preset's parameters where they give none of the same name."""
    preset = PRESETS.get(args.get("preset", ""))
    rest = [(k, v) for k, v in args.items(multi=True) if k != "preset"]
    given = {k for k, _ in rest}
    added = [(k, v) for k, v in preset.parameters if k not in given] if preset else []
    return preset, MultiDict([*rest, *added])


def link_rows(part: Network) -> list[dict[str, Any]]:
    """The links shown, as rows of the table (at most TABLE_ROWS), each with its evidence."""
    rows = []
    ordered = sorted(part.edges(keys=True), key=lambda e: (part.nodes[e[0]]["label"], e[2]))
    for u, v, k in ordered[:TABLE_ROWS]:
        rows.append({
            **export.with_evidence(export.edge_json(part, u, v, k), page_of),
            "source": {"id": u, "label": part.nodes[u]["label"], "page": page_of(u)},
            "target": {"id": v, "label": part.nodes[v]["label"], "page": page_of(v)},
        })  # fmt: skip
    return rows


def path_links(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The links the paths of :func:`paths_json` walk, as rows of the table with their ends."""
    nodes = {node["id"]: node for node in found["nodes"]}
    return [
        {**edge, "source": nodes[edge["source"]], "target": nodes[edge["target"]]}
        for edge in found["edges"]
    ]


def node_rows(part: Network) -> list[dict[str, Any]]:
    """The nodes shown, as rows of the list: best connected first, each with its kind in words
    and how many links it has here and in the whole library."""
    rows = [
        {
            "id": node,
            "label": data["label"],
            "page": page_of(node),
            "kind": NODE_STYLES.get(data["type"], NODE_STYLES["other"])[0],
            "here": part.degree(node),
            "degree": data.get("degree", 0),
        }
        for node, data in part.nodes(data=True)
    ]
    return sorted(rows, key=lambda row: (-row["degree"], row["label"]))[:TABLE_ROWS]
