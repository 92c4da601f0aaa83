"""Problems in a workbook, in the curator's terms: sheet, row, column and what to do."""

from __future__ import annotations

from dataclasses import dataclass

from belong_graph.errors import BelongError


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, at the spreadsheet's own 1-based row number (0: the whole sheet)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = [self.sheet] if self.sheet else ["Workbook"]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class WorkbookProblems(BelongError):
    """The workbook was refused; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s); data/ was not changed:\n{lines}")


class UnrepresentableFacts(BelongError):
    """Facts of data/ that no sheet can hold: exporting them would lose them."""

    def __init__(self, facts: list[str]) -> None:
        self.facts = facts
        shown = "\n".join(f"  {fact}" for fact in facts[:20])
        super().__init__(f"{len(facts)} fact(s) of data/ fit no sheet of the workbook:\n{shown}")
