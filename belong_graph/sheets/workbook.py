"""The tables as an Excel workbook (openpyxl) or a folder of CSV files, and back.

The workbook has a header row whose cells carry each column's note (a cell comment), frozen
with the slug column; drop-down lists (data validation) for every reference to another sheet and
every yes/true column; and every cell as text, so that 2022-07 stays 2022-07. Reading refuses
what a curator could not have meant: formulas, merged cells, dates the spreadsheet turned into
its own date values, unknown sheets or columns, a file that is not a workbook, a CSV that is
not UTF-8.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from belong_graph.sheets.columns import MORE_FACTS, NOTE, SHEETS, SHEETS_BY_NAME, Kind, Sheet
from belong_graph.sheets.problems import Problem, WorkbookProblems
from belong_graph.sheets.tables import FIRST_ROW, Row, Tables

LAST_ROW = 2000  # how far down the drop-down lists reach
_TEXT = "@"  # Excel's number format "Text"
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def header_note(sheet: Sheet, header: str) -> str:
    """What a column holds, whether it is required and its format, for the header's comment."""
    if header == sheet.slug_header:
        return (
            f"The {sheet.entity.lower()}'s identifier, the end of its web address "
            f"(id/{sheet.namespace.split('/')[1]}/SLUG): lower-case words joined by hyphens. "
            "Required; never change it once published."
        )
    if header == MORE_FACTS:
        return (
            "Facts no other column holds (dated names, periods, images), in Turtle. Optional; "
            "leave it as it is unless you know Turtle."
        )
    if header == NOTE:
        return "A note for other curators on how the sources were read; not published. Optional."
    column = sheet.column(header)
    several = f" Several values: separated by '{column.separator.strip() or 'a new line'}'."
    return (
        f"{column.note} {'Required' if column.required else 'Optional'}. "
        f"Format: {column.kind.value}"
        f"{' (' + column.target + ')' if column.kind is Kind.REF else ''}."
        f"{several if column.many else ''}"
    )


def write_xlsx(tables: Tables, path: Path) -> None:
    """Write ``tables`` as one workbook, a sheet per kind of entity."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in SHEETS:
        _write_sheet(book.create_sheet(sheet.name), sheet, tables[sheet.name])
    book.save(path)


def _write_sheet(ws: Worksheet, sheet: Sheet, rows: list[Row]) -> None:
    for index, header in enumerate(sheet.headers, start=1):
        cell = ws.cell(row=1, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.comment = Comment(header_note(sheet, header), "belong-graph", width=320, height=160)
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 40 if header in _WIDE else 18
        ws.column_dimensions[letter].number_format = _TEXT  # new rows' cells too
        for number, row in enumerate(rows, start=FIRST_ROW):
            data = ws.cell(row=number, column=index, value=row.get(header, "") or None)
            data.number_format = _TEXT
            data.alignment = Alignment(wrap_text=True, vertical="top")
        _add_list(ws, sheet, header, letter)
    ws.freeze_panes = "B2" if not sheet.slug_parts else "A2"


_WIDE = {"Title", "Name", "Description", "Label", "Definition", "Text", MORE_FACTS, NOTE}


def _add_list(ws: Worksheet, sheet: Sheet, header: str, letter: str) -> None:
    """A drop-down list for a column of references, flags or true/false."""
    if header in (sheet.slug_header, MORE_FACTS, NOTE):
        return
    column = sheet.column(header)
    if column.kind is Kind.REF and not SHEETS_BY_NAME[column.target].slug_parts:
        formula = f"'{column.target}'!$A${FIRST_ROW}:$A${LAST_ROW}"
    elif column.kind is Kind.FLAG:
        formula = '"yes"'
    elif column.kind is Kind.BOOLEAN:
        formula = '"true,false"'
    else:
        return
    check = DataValidation(type="list", formula1=formula, allow_blank=True)
    check.showErrorMessage = not column.many  # a cell of several values is not one list item
    check.error = f"Choose a value from the list ({column.target or 'yes'})."
    check.promptTitle = header
    check.prompt = column.note[:250]
    check.showInputMessage = True
    ws.add_data_validation(check)
    check.add(f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}")


def write_csv(tables: Tables, folder: Path) -> None:
    """Write ``tables`` as one UTF-8 CSV file per sheet, named after it."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in SHEETS:
        with (folder / f"{sheet.name}.csv").open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=sheet.headers)
            writer.writeheader()
            writer.writerows(tables[sheet.name])


def read_tables(path: Path) -> Tables:
    """The tables of a workbook or a folder of CSV files; :class:`WorkbookProblems` if any."""
    problems: list[Problem] = []
    found = _read_csv(path, problems) if path.is_dir() else _read_xlsx(path, problems)
    tables: Tables = {}
    for name, (headers, rows) in found.items():
        if name not in SHEETS_BY_NAME:
            problems.append(
                Problem(
                    name,
                    0,
                    "",
                    f"There is no sheet '{name}' in the workbook's design; rename or remove it.",
                )
            )
            continue
        tables[name] = _rows(SHEETS_BY_NAME[name], headers, rows, problems)
    for sheet in SHEETS:
        if sheet.name not in found and not problems:
            problems.append(
                Problem(
                    sheet.name,
                    0,
                    "",
                    "This sheet is missing: keep every sheet, even if you empty it.",
                )
            )
    if problems:
        raise WorkbookProblems(problems)
    return tables


Found = dict[str, tuple[list[str], list[list[str]]]]


def _rows(
    sheet: Sheet, headers: list[str], rows: Iterable[list[str]], problems: list[Problem]
) -> list[Row]:
    for header in headers:
        if header and header not in sheet.headers:
            problems.append(
                Problem(
                    sheet.name,
                    1,
                    header,
                    "This column is not one of the sheet's; rename or remove it.",
                )
            )
    for header in sheet.headers:
        if header not in headers:
            problems.append(
                Problem(
                    sheet.name, 1, header, "This column is missing: put its header back in row 1."
                )
            )
    return [{h: v for h, v in zip(headers, row, strict=False) if h} for row in rows]


def _read_xlsx(path: Path, problems: list[Problem]) -> Found:
    try:
        book = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        problems.append(
            Problem(
                "",
                0,
                "",
                f"{path.name} is not an Excel workbook (.xlsx): export one with "
                "`belong-graph sheet export`, or give a folder of CSV files.",
            )
        )
        return {}
    found: Found = {}
    for ws in book.worksheets:
        values = list(ws.iter_rows())
        headers = [str(c.value or "").strip() for c in values[0]] if values else []
        for merged in ws.merged_cells.ranges:
            problems.append(
                Problem(
                    ws.title,
                    merged.min_row,
                    _header(headers, merged.min_col),
                    f"Cells {merged.coord} are merged: unmerge them, one value per cell.",
                )
            )
        rows = []
        for row in values[1:]:
            texts = []
            for cell in row:
                texts.append(
                    _cell(
                        ws.title,
                        cell.row or 0,
                        _header(headers, cell.column or 0),
                        cell.value,
                        cell.data_type,
                        problems,
                    )
                )
            rows.append(texts)
        found[ws.title] = (headers, rows)
    return found


def _header(headers: list[str], column: int) -> str:
    return headers[column - 1] if 0 < column <= len(headers) else ""


def _cell(
    sheet: str, row: int, header: str, value: object, data_type: str, problems: list[Problem]
) -> str:
    """A cell's text; a formula or a spreadsheet date is a problem."""
    if value is None:
        return ""
    if data_type == "f" or (isinstance(value, str) and value.startswith("=")):
        problems.append(
            Problem(
                sheet, row, header, f"The cell holds a formula ({value}): type the value itself."
            )
        )
        return ""
    if isinstance(value, datetime | date):
        problems.append(
            Problem(
                sheet,
                row,
                header,
                f"The spreadsheet turned this into a date ({value:%Y-%m-%d}): format the cell "
                "as text and type the date at its precision, e.g. 2022-07.",
            )
        )
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(folder: Path, problems: list[Problem]) -> Found:
    found: Found = {}
    for path in sorted(folder.glob("*.csv")):
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(
                Problem(
                    path.stem,
                    0,
                    "",
                    f"{path.name} is not UTF-8 (byte {error.start}): save it as 'CSV UTF-8'.",
                )
            )
            continue
        lines = list(csv.reader(io.StringIO(text, newline="")))
        headers = [h.strip() for h in lines[0]] if lines else []
        rows = [
            [
                _cell(path.stem, n, _header(headers, i), v, "s", problems)
                for i, v in enumerate(line, 1)
            ]
            for n, line in enumerate(lines[1:], start=FIRST_ROW)
        ]
        found[path.stem] = (headers, rows)
    if not found:
        problems.append(Problem("", 0, "", f"{folder} holds no CSV files."))
    return found
