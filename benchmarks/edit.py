"""What a one-resource edit costs at scale, beside a full build as the peer: the validation of
the whole data (pySHACL, and pySHACL-turbo) against change validation (pySHACL on what changed),
and each phase of a build of the edit. Run from the project folder on a synthetic library:

    .venv/bin/python benchmarks/edit.py /tmp/s4/s3000.ttl
    .venv/bin/python benchmarks/edit.py /tmp/s4/s30000.ttl --no-whole-pyshacl

Two edits: a changed title, and an added resource with two credits. Times are of the clock, on
whatever else the machine runs; each build phase is logged by its process (helpers included).
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from belong_graph.build import build_store, check, current_store_dir
from belong_graph.phases import log_like
from belong_graph.settings import Settings

NEW_RESOURCE = """
resource:a-curators-new-guide a dcterms:BibliographicResource, schema:HowTo ;
    dcterms:title "A curator's new guide"@en ;
    dcterms:description "Added by a curator, with two credits."@en ;
    dcterms:issued "2024-03"^^xsd:gYearMonth ;
    dcterms:type rtype:toolkit ;
    dcterms:subject theme:integration ;
    prov:qualifiedAttribution authorship:a-curators-new-guide-1, authorship:a-curators-new-guide-2 ;
    prov:wasDerivedFrom source:synthetic .
authorship:a-curators-new-guide-1 a bel:Authorship ; prov:agent person:julie-walsh ;
    prov:hadRole contribution:author ; schema:position 1 ; prov:wasDerivedFrom source:synthetic .
authorship:a-curators-new-guide-2 a bel:Authorship ; prov:agent person:dominic-abrams ;
    prov:hadRole contribution:author ; schema:position 2 ; prov:wasDerivedFrom source:synthetic .
"""


def retitle(text: str) -> str:
    """``text`` with its first resource title changed."""
    return re.sub(
        r'dcterms:title "([^"]*)"@en', r'dcterms:title "\1 (2nd edition)"@en', text, count=1
    )


EDITS: dict[str, Callable[[str], str]] = {
    "title changed": retitle,
    "resource added with credits": lambda text: text + NEW_RESOURCE,
}


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="a synthetic library (Turtle)")
    parser.add_argument("--no-whole-pyshacl", action="store_true", help="skip pySHACL whole")
    args = parser.parse_args()
    log_like(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="edit-bench-") as folder:
        data = Path(folder) / "data" / "library.ttl"
        data.parent.mkdir()
        shutil.copyfile(args.library, data)
        where = {"data_paths": (data,), "store_dir": Path(folder) / "store"}
        settings, turbo = Settings.load(where), Settings.load({**where, "validator": "turbo"})
        print(f"# {args.library.name}")
        print(f"full build (turbo validation): {timed(lambda: build_store(turbo)):.1f} s")
        print(f"whole validation, turbo: {timed(lambda: check(turbo)):.1f} s (parse included)")
        if not args.no_whole_pyshacl:
            print(f"whole validation, pySHACL: {timed(lambda: check(settings)):.1f} s")
        for name, edit in EDITS.items():
            data.write_text(edit(data.read_text()))
            since = current_store_dir(settings)
            took = timed(lambda: check(settings, since=since))  # noqa: B023 (called at once)
            print(f"{name}: change validation, pySHACL: {took:.1f} s (parse included)")
            print(f"{name}: build: {timed(lambda: build_store(settings)):.1f} s")


if __name__ == "__main__":
    main()
