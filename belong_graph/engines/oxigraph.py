"""Oxigraph server (the PyPI wheel ``oxigraph``): load a build into a fresh directory, and serve
it read-only with the union of the named graphs as the default graph.

``oxigraph load`` writes into a directory beside the target, renamed to the target once the load
has ended: a directory that exists is always whole. Replicas then run as

    oxigraph serve-read-only --location DIR --bind 127.0.0.1:PORT --union-default-graph

and a new build goes live blue/green: load it into a new directory, start servers on it, point
``store_url`` (or the proxy) at them, stop the old ones.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from belong_graph.engines import snapshot
from belong_graph.errors import EngineError

PARTIAL = ".partial"


def executable() -> str:
    """The ``oxigraph`` command: beside this Python (a virtual environment's), else on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise EngineError("No `oxigraph` command: install the PyPI wheel `oxigraph`.")
    return found


def load(build_folder: Path, target: Path) -> None:
    """Load the full build in ``build_folder`` into the new Oxigraph directory ``target``."""
    nquads = snapshot(build_folder)
    if target.exists():
        raise EngineError(f"{target} exists: load each build into a fresh directory.")
    partial = target.with_name(target.name + PARTIAL)
    shutil.rmtree(partial, ignore_errors=True)  # what a load that was stopped left
    command = [executable(), "load", "--location", str(partial), "--file", str(nquads)]
    command.append("--lenient")  # Oxigraph wrote the snapshot: its terms need no checking
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise EngineError(f"oxigraph load failed: {done.stderr.strip()}")
    partial.rename(target)


def serve_command(location: Path, bind: str, *, timeout: int | None = None) -> list[str]:
    """The command that serves ``location`` read-only on ``bind`` (``HOST:PORT``), its default
    graph the union of its named graphs, stopping queries after ``timeout`` seconds."""
    command = [executable(), "serve-read-only", "--location", str(location), "--bind", bind]
    command.append("--union-default-graph")
    if timeout is not None:
        command += ["--timeout-s", str(timeout)]
    return command
