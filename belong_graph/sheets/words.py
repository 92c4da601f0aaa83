"""What an import changes, in words, per entity: what a dry run prints."""

from __future__ import annotations

from collections.abc import Mapping

from belong_graph.sheets.columns import SHEETS, Sheet
from belong_graph.sheets.tables import Row, derived_slug


def changes_in_words(before: Mapping[str, list[Row]], after: Mapping[str, list[Row]]) -> list[str]:
    """One line per added, removed or changed row, sheet by sheet."""
    lines: list[str] = []
    for sheet in SHEETS:
        old = _by_slug(sheet, before.get(sheet.name, []))
        new = _by_slug(sheet, after.get(sheet.name, []))
        for slug, row in new.items():
            if slug not in old:
                filled = "; ".join(f"{h}: {_short(v)}" for h, v in row.items() if v)
                lines.append(f"{sheet.entity} '{slug}' added: {filled}.")
            elif row != old[slug]:
                edits = [_edit(h, old[slug].get(h, ""), v) for h, v in row.items()]
                lines.append(f"{sheet.entity} '{slug}': {'; '.join(e for e in edits if e)}.")
        lines += [f"{sheet.entity} '{slug}' removed." for slug in old if slug not in new]
    return lines


def _by_slug(sheet: Sheet, rows: list[Row]) -> dict[str, Row]:
    return {derived_slug(sheet, r) if sheet.slug_parts else r[sheet.slug_header]: r for r in rows}


def _edit(header: str, old: str, new: str) -> str:
    if old == new:
        return ""
    if not old:
        return f"{header} set to '{_short(new)}'"
    if not new:
        return f"{header} emptied (was '{_short(old)}')"
    return f"{header} changed from '{_short(old)}' to '{_short(new)}'"


def _short(text: str, limit: int = 80) -> str:
    flat = " | ".join(text.splitlines())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
