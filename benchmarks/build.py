"""Where a build's time goes, beside Oxigraph's own loader as the peer. For each size, a
synthetic library (`belong-graph generate`) is loaded into an empty on-disk store by `oxigraph
load` (the server's command line: parse and index, nothing else), then built from scratch by
`belong-graph build -v` (pySHACL-turbo), which logs each phase of each process with its clock and
processor seconds. Writes the section "build" of benchmarks/RESULTS.md:

    .venv/bin/python benchmarks/build.py --resources 3000 --resources 30000

Processor time is user and system time of the command and every process under it (the
build's three helpers included), read from the kernel once it has ended. Divided by the cores,
it is the least time any order of the same work could take on this machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from run import BIN, generate
from sections import write_section

HERE = Path(__file__).resolve().parent
GOAL = {30_000: 60.0}  # build seconds the issue asks for, by size
PHASE = re.compile(
    r"^\S+ \S+ (?P<process>\S+) (?P<name>.+): (?P<clock>[\d.]+) s \(CPU (?P<cpu>[\d.]+) s\)$"
)
ENCLOSING = {"build", "publish"}  # phases that hold others: their time is counted in those
PROCESSES = {"MainProcess": "main", "SpawnProcess-1": "helper 1", "SpawnProcess-2": "helper 2"}


@dataclass
class Run:
    """One command's clock and processor seconds (user, system), and what it printed."""

    clock: float
    user: float
    system: float
    log: str

    @property
    def processor(self) -> float:
        return self.user + self.system


def timed(command: list[str], env: dict[str, str]) -> Run:
    """Run ``command`` to its end; its clock and the processor time of it and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    clock = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Run(
        clock, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, done.stderr
    )


def peer_load(data: Path, work: Path) -> Run:
    """``oxigraph load`` of the library into an empty on-disk store."""
    location = work / "oxigraph-load"
    shutil.rmtree(location, ignore_errors=True)
    return timed(
        [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(data)],
        {**os.environ},
    )


def build(data: Path, work: Path, resources: int) -> Run:
    """``belong-graph build -v`` from scratch, with a change ledger of its own (none yet)."""
    store = work / f"store-{resources}"
    shutil.rmtree(store, ignore_errors=True)
    env = {
        **os.environ,
        "BELONG_DATA_PATHS": str(data),
        "BELONG_STORE_DIR": str(store),
        "BELONG_VALIDATOR": "turbo",
        "BELONG_CHANGES_FILE": str(work / f"record-dates-{resources}.tsv"),
    }
    return timed([str(BIN / "belong-graph"), "build", "-v"], env)


def phases(log: str) -> list[tuple[str, str, float, float]]:
    """(process, phase, clock, processor) of every phase the build logged, in its order, but
    the phases that hold others."""
    found = []
    for line in log.splitlines():
        if (match := PHASE.match(line)) and match["name"] not in ENCLOSING:
            process = PROCESSES.get(match["process"], match["process"])
            found.append((process, match["name"], float(match["clock"]), float(match["cpu"])))
    return found


def size_report(resources: int, peer: Run, built: Run) -> str:
    cores = os.cpu_count() or 1
    rows = phases(built.log)
    per_process: dict[str, float] = defaultdict(float)
    for process, _, _, cpu in rows:
        per_process[process] += cpu
    lines = [
        f"### {resources:,} resources",
        "",
        "| | clock s | processor s (user + system, every process) | least clock on "
        f"{cores} cores (processor ÷ {cores}) |",
        "|---|---:|---:|---:|",
        f"| peer: `oxigraph load` | {peer.clock:.1f} | {peer.processor:.1f} "
        f"({peer.user:.1f} + {peer.system:.1f}) | {peer.processor / cores:.1f} |",
        f"| `belong-graph build` | {built.clock:.1f} | {built.processor:.1f} "
        f"({built.user:.1f} + {built.system:.1f}) | {built.processor / cores:.1f} |",
        f"| build ÷ peer | {built.clock / peer.clock:.1f}x "
        f"| {built.processor / peer.processor:.1f}x | |",
        "",
    ]
    if resources in GOAL:
        goal = GOAL[resources]
        met = "yes" if built.clock <= goal else "no"
        lines += [
            "| target | measured | met |",
            "|---|---:|:---:|",
            f"| build at most {goal:g} s (pySHACL-turbo) | {built.clock:.1f} s | {met} |",
            f"| (processor time any order would need at most; {goal:g} s by {cores} cores) "
            f"| {built.processor:.1f} s, {goal * cores:g} s at most | "
            f"{'yes' if built.processor <= goal * cores else 'no'} |",
            "",
        ]
    lines += [
        "Each phase as the build logged it (`belong-graph build -v`), in its order; "
        "processor seconds are the phase's own process's. The main process runs the chain from "
        "parse to the indexes; helper 1 validates, then writes the on-disk store; helper 2 "
        "makes the network.",
        "",
        "| process | phase | clock s | processor s |",
        "|---|---|---:|---:|",
        *(f"| {p} | {name} | {clock:.2f} | {cpu:.2f} |" for p, name, clock, cpu in rows),
        "",
        "Processor seconds logged, by process: "
        + ", ".join(f"{p} {s:.1f}" for p, s in per_process.items())
        + f"; the rest of the {built.processor:.1f} s (starting Python and the helpers, "
        "imports, the system's time) is outside the phases.",
    ]
    return "\n".join(lines)


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, action="append", help="sizes (3000, 30000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    sizes = args.resources or [3000, 30000]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    parts = []
    with tempfile.TemporaryDirectory(prefix="belong-build-bench-") as temporary:
        work = Path(temporary)
        for resources in sizes:
            data = generate(resources, args.seed, work)
            start_load = load_average()
            peer = peer_load(data, work)
            built = build(data, work, resources)
            print(f"{resources}: peer {peer.clock:.1f} s, build {built.clock:.1f} s", flush=True)
            parts.append(
                f"Load average (1/5/15 min) before: {start_load}, after: {load_average()}.\n\n"
                + size_report(resources, peer, built)
            )
    header = (
        "## The build beside Oxigraph's loader\n\n"
        "Produced by `.venv/bin/python benchmarks/build.py` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()} with {os.cpu_count()} "
        f"cores, Python {platform.python_version()}, belong-graph at commit {commit}. Each size "
        "is a synthetic library (`belong-graph generate --resources N --seed "
        f"{args.seed}`); the peer loads it with `oxigraph load` into an empty "
        "on-disk store (parse and index only), then `belong-graph build -v` builds it from scratch "
        "(no earlier build to compare with, so the whole data is validated, by pySHACL-turbo)."
    )
    write_section(args.output, "build", "\n\n".join([header, *parts]))


if __name__ == "__main__":
    main()
