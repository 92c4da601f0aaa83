"""How soon a running server serves a new build: the seconds from the moment the store's
``current`` pointer moves to the first answer from the new build. Run from the project folder:

    .venv/bin/python benchmarks/reload.py --resources 3000

It writes a synthetic library of N resources, builds it into a temporary store, serves it
(``belong-graph serve`` on a free loopback port), asks ``ASK {}`` every 20 ms while a library of
N + 1 resources is built, and prints the seconds from the pointer's move (its change time) to
the first answer from the new build: the first whose ETag (which carries the dataset version)
is new. The question costs nothing, so the time is the switch's alone. ``BELONG_VALIDATOR`` and
the other settings come from the environment.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

QUESTION = "ASK {}"
CLI = [sys.executable, "-m", "belong_graph"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=3000)
    resources = parser.parse_args().resources
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        env = {
            **os.environ,
            "BELONG_DATA_PATHS": str(root / "library.ttl"),
            "BELONG_STORE_DIR": str(root / "store"),
            "BELONG_CHANGES_FILE": str(root / "record-dates.tsv"),
        }
        _library(resources, root, env)
        port = _free_port()
        server = subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env)
        try:
            url = f"http://127.0.0.1:{port}/sparql?" + urlencode({"query": QUESTION})
            old = _ask(url, wait=120)
            _library(resources + 1, root, env)
            moved = os.lstat(root / "store" / "current").st_mtime
            while _ask(url) == old:
                time.sleep(0.02)
            seconds = time.time() - moved
        finally:
            server.terminate()
            server.wait()
    print(f"{resources} resources: first new answer {seconds:.2f} s after the pointer moved")


def _library(resources: int, root: Path, env: dict[str, str]) -> None:
    """Write and build a synthetic library of ``resources`` resources."""
    library = root / "library.ttl"
    subprocess.run([*CLI, "generate", "--resources", str(resources), "-o", library], check=True)
    subprocess.run([*CLI, "build", "--full-only"], env=env, check=True, stdout=subprocess.DEVNULL)


def _ask(url: str, wait: float = 0) -> str:
    """The answer's ETag; waits up to ``wait`` seconds for the server to come up."""
    deadline = time.monotonic() + wait
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return str(response.headers["ETag"])
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()
