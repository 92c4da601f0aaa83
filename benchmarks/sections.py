"""benchmarks/RESULTS.md is written by several scripts: each owns one section of it, between
marker comments, and rewrites only that section."""

from __future__ import annotations

from pathlib import Path

HEADING = "# Benchmarks of belong-graph"
SCRIPTS = {  # the sections, in the order they appear, and the script that writes each
    "endpoint": "run",
    "routes": "routes",
    "selected routes": "routes",  # routes.py --only: a few routes measured again
    "tool routes": "routes",  # routes.py --only ... --section "tool routes": other tools' routes
    "remote": "remote",  # the remote path on Oxigraph server against the embedded store
    "replicas": "replicas",  # throughput of one against two replicas behind HAProxy
    "build": "build",  # a build from scratch, phase by phase, beside `oxigraph load`
}


def write_section(path: Path, name: str, text: str) -> None:
    """Put ``text`` in section ``name`` of ``path``, keeping the other sections as they are."""
    sections = {other: _section(path, other) for other in SCRIPTS}
    sections[name] = text.strip()
    parts = [HEADING, ""]
    for other in SCRIPTS:
        if sections[other]:
            parts += [_begin(other), sections[other], _end(other), ""]
    path.write_text("\n".join(parts))


def _section(path: Path, name: str) -> str:
    text = path.read_text() if path.exists() else ""
    begin, end = _begin(name), _end(name)
    if begin not in text or end not in text:
        return ""
    return text.split(begin, 1)[1].split(end, 1)[0].strip()


def _begin(name: str) -> str:
    return f"<!-- {name}: written by benchmarks/{SCRIPTS[name]}.py -->"


def _end(name: str) -> str:
    return f"<!-- end of {name} -->"
