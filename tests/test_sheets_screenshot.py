"""The README's picture of the curators' workbook: the Resources sheet of a real export, its cells
read back with openpyxl and drawn as an HTML table in Chromium (no spreadsheet program is at
hand), with the note of the Issued column shown as a spreadsheet shows it on hover. Written to a
temporary folder, or with ``BELONG_SCREENSHOTS`` set (``make screenshots``), there."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from tests.conftest import copy_project_data
from tests.test_screenshots import folder
from tests.test_sheets import sheet

pytestmark = [pytest.mark.browser]
__all__ = ["folder"]  # the README screenshots' folder fixture

SIZE = (1280, 560)
COLUMNS = ("Slug", "Title", "Issued", "Where to read it", "Themes", "Types", "Source")
STYLE = """
body { font: 13px Calibri, Carlito, Arial, sans-serif; margin: 0; }
table { border-collapse: collapse; }
td, th { border: 1px solid #c8c8c8; padding: 2px 6px; vertical-align: top; max-width: 260px;
  white-space: pre-wrap; }
th { background: #dde7f0; text-align: left; position: relative; }
.number { background: #eee; color: #555; text-align: right; }
.note { position: absolute; left: 40px; top: 22px; z-index: 1; width: 300px; padding: 6px;
  background: #ffffe1; border: 1px solid #999; font-weight: normal; box-shadow: 2px 2px 4px #aaa; }
.nowrap { white-space: nowrap; }
caption { caption-side: bottom; text-align: left; padding: 6px; color: #555; }
"""


def workbook_html(path: Path) -> str:
    """The first rows of the Resources sheet, as a spreadsheet would lay them out."""
    ws = load_workbook(path)["Resources"]
    headers = [str(c.value) for c in ws[1]]
    picked = [headers.index(h) for h in COLUMNS]
    head = "".join(
        f"<th>{html.escape(h)}"
        + (f'<div class="note">{html.escape(ws[1][i].comment.text)}</div>' if h == "Issued" else "")
        + "</th>"
        for h, i in zip(COLUMNS, picked, strict=True)
    )
    rows = [
        f'<tr><td class="number">{r[0].row}</td>'
        + "".join(
            f"<td{' class=nowrap' if h == 'Issued' else ''}>"
            f"{html.escape(str(r[i].value or ''))}</td>"
            for h, i in zip(COLUMNS, picked, strict=True)
        )
        + "</tr>"
        for r in ws.iter_rows(min_row=2, max_row=10)
    ]
    tabs = " · ".join(ws.parent.sheetnames)
    return (
        f"<!doctype html><style>{STYLE}</style><table><tr><th class='number'>1</th>{head}</tr>"
        f"{''.join(rows)}<caption>Sheets: {html.escape(tabs)}</caption></table>"
    )


def test_the_workbook_picture(browser: Browser, tmp_path: Path, folder: Path) -> None:
    data = copy_project_data(tmp_path / "data")
    workbook = tmp_path / "library.xlsx"
    assert sheet(data, "export", str(workbook)).exit_code == 0
    page_file = tmp_path / "workbook.html"
    page_file.write_text(workbook_html(workbook), encoding="utf-8")
    page = browser.new_page(viewport={"width": SIZE[0], "height": SIZE[1]})
    page.goto(page_file.as_uri())
    expect(page.locator("th").nth(3)).to_contain_text("Issued")
    expect(page.locator(".note")).to_contain_text("2022-07")
    expect(page.get_by_role("cell", name="supporting-migrant-communities")).to_be_visible()
    expect(page.get_by_role("cell", name="2022-11")).to_be_visible()
    page.screenshot(path=str(folder / "workbook.png"))
    page.close()
