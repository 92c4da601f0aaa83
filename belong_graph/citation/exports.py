"""A CSL-JSON record written as BibTeX and as RIS, for reference managers that import files.

An organisation stays one name: braced in BibTeX (``{University of Bristol}``), so that no
reader splits it into given and family names, and written whole in RIS. A person is written
"Family, Given" where the record has the parts, else as printed, braced like an organisation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from belong_graph.citation.record import Record

BIBTEX_TYPES = {"report": "techreport", "book": "book", "dataset": "misc"}  # else @misc
RIS_TYPES = {
    "report": "RPRT",
    "webpage": "ELEC",
    "speech": "SLIDE",
    "book": "BOOK",
    "dataset": "DATA",
}  # else GEN
BIBTEX_SPECIAL = str.maketrans({c: "\\" + c for c in "&%$#_{}"} | {"~": r"\~{}", "^": r"\^{}"})


def bibtex(record: Record) -> str:
    """The record as one BibTeX entry (UTF-8, as biblatex and bibtexparser read it)."""
    kind = BIBTEX_TYPES.get(record["type"], "misc")
    fields: list[tuple[str, str]] = []
    if record.get("author"):  # BibTeX has no field for other contributors
        fields.append(("author", " and ".join(_bibtex_name(n) for n in record["author"])))
    fields.append(("title", _escape(record["title"])))
    year, month = _year_month(record)
    if year:
        fields.append(("year", year))
    if month:
        fields.append(("month", month))
    if "publisher" in record:
        place = "institution" if kind == "techreport" else "publisher"
        fields.append((place, _escape(record["publisher"])))
    for variable, key in (
        ("version", "version"),
        ("DOI", "doi"),
        ("ISBN", "isbn"),
        ("ISSN", "issn"),
        ("URL", "url"),
        ("abstract", "abstract"),
        ("keyword", "keywords"),
        ("language", "language"),
    ):
        if record.get(variable):
            value = record[variable] if key in ("url", "doi") else _escape(record[variable])
            fields.append((key, value))
    if record["type"] != "report" and kind == "misc":
        fields.append(("type", _escape(record["type"])))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@{kind}{{{record['id']},\n{body}\n}}\n"


def ris(record: Record) -> str:
    """The record as one RIS reference (tags as the RIS format of Research Information Systems
    gives them, one a line, ``ER`` last)."""
    return "".join(f"{tag}  - {value}\r\n" for tag, value in _ris_lines(record))


def _ris_lines(record: Record) -> Iterator[tuple[str, str]]:
    yield "TY", RIS_TYPES.get(record["type"], "GEN")
    for name in record.get("author", []):
        yield "AU", _ris_name(name)
    for name in record.get("contributor", []):
        yield "A4", _ris_name(name)
    yield "TI", record["title"]
    year, _ = _year_month(record)
    if year:
        yield "PY", year
        parts = record["issued"]["date-parts"][0]
        yield "DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
    simple: tuple[tuple[str, str], ...] = (
        ("publisher", "PB"),
        ("version", "ET"),
        ("DOI", "DO"),
        ("ISBN", "SN"),
        ("ISSN", "SN"),
        ("URL", "UR"),
        ("abstract", "AB"),
        ("language", "LA"),
    )
    for variable, tag in simple:
        if record.get(variable):
            yield tag, _one_line(record[variable])
    for keyword in record.get("keyword", "").split(", "):
        if keyword:
            yield "KW", keyword
    yield "ER", ""


def _bibtex_name(name: dict[str, str]) -> str:
    if "family" in name:
        parts = [_escape(name["family"]), _escape(name.get("given", ""))]
        return ", ".join(p for p in parts if p)
    return "{" + _escape(name["literal"]) + "}"


def _ris_name(name: dict[str, str]) -> str:
    if "family" in name:
        return ", ".join(p for p in (name["family"], name.get("given", "")) if p)
    return name["literal"]


def _year_month(record: Record) -> tuple[str, str]:
    parts: list[int] = record.get("issued", {}).get("date-parts", [[]])[0]
    year = str(parts[0]) if parts else ""
    month = str(parts[1]) if len(parts) > 1 else ""
    return year, month


def _escape(value: Any) -> str:
    return _one_line(str(value)).translate(BIBTEX_SPECIAL)


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())
