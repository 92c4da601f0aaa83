"""What a one-resource edit costs at scale, beside a full build as the peer: the validation of
the whole data (pySHACL, and pySHACL-turbo) against change validation (pySHACL on what changed),
and each phase of a build of the edit. Run from the project folder on a synthetic library:

    .venv/bin/python benchmarks/edit.py /tmp/s4/s3000.ttl --whole pyshacl turbo
    .venv/bin/python benchmarks/edit.py /tmp/s4/s30000.ttl --whole turbo

Three edits: a changed resource title, the changed title of the source document that every
entity cites, and an added resource with two credits. Each is checked by change validation
against the library as first built (so each check holds the edits before it); then all are
built, beside the first build as the peer. Times are of the clock and of this process's
processor (the helpers' own is in their log lines): on a shared machine the clock counts the
others' work too. Each build phase is logged by its process as ``name: clock s (CPU s)``.
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
    """``text`` with its first resource's title changed."""
    resource = r'(a dcterms:BibliographicResource\b.*\n    dcterms:title "[^"]*)"@en'
    return re.sub(resource, r'\1 (2nd edition)"@en', text, count=1)


EDITS: dict[str, Callable[[str], str]] = {
    "title changed": retitle,
    "source retitled (every entity cites it)": lambda text: text.replace(
        '"Synthetic library"@en', '"Synthetic library (2nd edition)"@en', 1
    ),
    "resource added with credits": lambda text: text + NEW_RESOURCE,
}


def timed(work: Callable[[], object]) -> str:
    """How long ``work`` took, of the clock and of this process's processor."""
    start, cpu = time.perf_counter(), time.process_time()
    work()
    return f"{time.perf_counter() - start:.1f} s (CPU {time.process_time() - cpu:.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path, help="a synthetic library (Turtle)")
    parser.add_argument(
        "--whole",
        nargs="*",
        default=[],
        choices=["pyshacl", "turbo"],
        help="engines to time on the whole data",
    )
    args = parser.parse_args()
    log_like(logging.INFO)
    with tempfile.TemporaryDirectory(prefix="edit-bench-") as folder:
        data = Path(folder) / "data" / "library.ttl"
        data.parent.mkdir()
        shutil.copyfile(args.library, data)
        where = {"data_paths": (data,), "store_dir": Path(folder) / "store"}
        settings, turbo = Settings.load(where), Settings.load({**where, "validator": "turbo"})
        print(f"# {args.library.name}")
        print(f"full build (turbo validation): {timed(lambda: build_store(turbo))}")
        since = current_store_dir(settings)
        for engine in args.whole:
            whole = Settings.load({**where, "validator": engine})
            print(f"whole validation, {engine}: {timed(lambda: check(whole))} (parse included)")  # noqa: B023
        for name, edit in EDITS.items():
            data.write_text(edit(data.read_text()))
            took = timed(lambda: check(settings, since=since))
            print(f"{name}: change validation, pySHACL: {took} (parse included)")
        print(f"build of both edits: {timed(lambda: build_store(settings))}")


if __name__ == "__main__":
    main()
