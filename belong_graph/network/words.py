"""Sentences from the network's edges: "Belong led Beyond Us and Them, funded by Nuffield
Foundation". Each role has an active phrase, said from its source ("Belong *led* Beyond Us and
Them"), and a phrase said from its target ("Beyond Us and Them, *led by* Belong")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

PHRASES: dict[str, tuple[str, str]] = {  # role: (from the source, from the target)
    "lead": ("led", "led by"),
    "research-partner": ("was a research partner in", "with research partner"),
    "partner": ("was a partner in", "with partner"),
    "funder": ("funded", "funded by"),
    "commissioner": ("commissioned", "commissioned by"),
    "evaluator": ("evaluated", "evaluated by"),
    "dissemination-partner": ("helped to disseminate", "disseminated with"),
    "contributor": ("contributed to", "with contributions from"),
    "pilot-area": ("was a pilot area of", "piloted in"),
    "findings-recipient": ("received the findings of", "whose findings were shared with"),
    "government-liaison": ("was kept informed through", "keeping informed"),
    "author": ("wrote", "written by"),
    "co-producer": ("co-produced", "co-produced by"),
    "publisher": ("published", "published by"),
    "publishing-partner": ("was a publishing partner of", "published in partnership with"),
    "affiliation": ("is affiliated with", "whose people include"),
    "unit-of": ("is a unit of", "which has the unit"),
    "part-of": ("is part of", "which includes"),
    "evaluation-of": ("evaluates", "evaluated in"),
    "contributes-to": ("contributes to", "with a contribution from"),
    "builds-on": ("builds on", "built on by"),
    "uses": ("uses", "used by"),
    "launches": ("launches", "launched by"),
    "quoted-on": ("spoke about", "spoken about by"),
}


def phrase(edge: Mapping[str, Any], *, forward: bool) -> str:
    """The phrase for ``edge`` said from its source (``forward``) or from its target."""
    known = PHRASES.get(edge["role"])
    if known:
        return known[0] if forward else known[1]
    name = str(edge.get("roleName") or edge["role"]).lower()
    return f"was {name} of" if forward else f"with {name}"


def period(edge: Mapping[str, Any]) -> str:
    """ " (2022)", " (2019–2022)", " (from 2019)" or nothing, for the edge's period."""
    start, end = edge.get("start"), edge.get("end")
    if start and end:
        return f" ({start})" if start == end else f" ({start}–{end})"
    if start:
        return f" (from {start})"
    if end:
        return f" (until {end})"
    return ""


def joined(phrases: Sequence[str]) -> str:
    """Several phrases for one pair: "funded and commissioned"."""
    unique = list(dict.fromkeys(phrases))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1]


def edge_sentence(source: str, target: str, edge: Mapping[str, Any]) -> str:
    """One edge as a sentence: "Nuffield Foundation funded Beyond Us and Them."."""
    return f"{source} {phrase(edge, forward=True)} {target}{period(edge)}."


def step_sentence(here: str, there: str, edges: Sequence[Mapping[str, Any]], forward: bool) -> str:
    """One step of a path as a sentence in the active voice, whichever way it is walked."""
    agent, work = (here, there) if forward else (there, here)
    verbs = joined([phrase(edge, forward=True) for edge in edges])
    return f"{agent} {verbs} {work}{period(edges[0])}."


def path_sentence(labels: Sequence[str], steps: Sequence[tuple[Sequence[Any], bool]]) -> str:
    """A whole path in one sentence, each step said from where the walk stands: "Belong led
    Beyond Us and Them, funded by Nuffield Foundation"."""
    text = labels[0]
    for index, (edges, forward) in enumerate(steps):
        verbs = joined([phrase(edge, forward=forward) for edge in edges])
        if index == 0:
            text += f" {verbs} " if forward else f", {verbs} "
        else:
            text += f", which {verbs} " if forward else f", {verbs} "
        text += labels[index + 1]
    return text + "."
