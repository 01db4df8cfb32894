"""Show problems where they are: a copy of the input with each problem cell marked.

The copy (never the input itself) gets a first sheet "Problems" listing every
problem with a link to its cell; each problem cell is filled (red: error, amber:
warning, blue: notice) and carries the message and the fix in a note. A problem
about a whole column marks its header cell; one about a whole sheet, cell A1.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from ..errors import AtooptError, Problem, Report
from .results import write_atomic
from .styles import WRAP, print_fit, put, write_frame

FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "notice": PatternFill("solid", fgColor="DDEBF7"),
}
PROBLEMS = "Problems"
LINK = Font(color="0563C1", underline="single")


def default_annotated_path(path: str | Path) -> Path:
    """``<stem>-problems.xlsx`` beside the input."""
    path = Path(path).resolve()
    return path.parent / f"{path.stem}-problems.xlsx"


def annotate(source: str | Path, report: Report, output: str | Path) -> Path:
    """Write a marked-up copy of the workbook ``source`` to ``output`` (atomically)."""
    source, output = Path(source), Path(output)
    if source.is_dir() or source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise AtooptError(
            f"--annotate needs an .xlsx workbook; '{source}' is not one (the messages above still apply)."
        )
    if source.resolve() == output.resolve():
        raise AtooptError("--annotate must name a new file: the input is never changed.")
    try:
        book = openpyxl.load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    except Exception as exc:  # the workbook could not be read at all: the messages say why
        raise AtooptError(f"could not copy '{source.name}' to mark its problems ({type(exc).__name__}).") from None
    rows, ranks = [], {}
    for problem in report.problems:
        cell = _mark(book, problem, ranks)
        where = f"'{cell.parent.title}'!{cell.coordinate}" if cell is not None else ""
        rows.append(
            {
                "severity": problem.severity,
                "sheet": problem.sheet,
                "cell": cell.coordinate if cell is not None else "",
                "problem": problem.message,
                "fix": problem.fix,
                "_target": where,
            }
        )
    _problem_sheet(book, rows)
    return write_atomic(output, book.save)


def _mark(book, problem: Problem, ranks: dict):
    """Fill and annotate the problem's cell; returns it (None when the sheet is not in the file)."""
    worksheet = _find_sheet(book, problem.sheet)
    if worksheet is None:
        return None
    column = _find_column(worksheet, problem.column) if problem.column else None
    row = problem.row or 1
    cell = worksheet.cell(row=row, column=column or 1)
    key, rank = (worksheet.title, cell.coordinate), list(FILLS).index(problem.severity)
    previous = cell.comment.text + "\n\n" if key in ranks and cell.comment is not None else ""
    text = (
        previous + f"{problem.severity.upper()}: {problem.message}" + (f"\nFix: {problem.fix}" if problem.fix else "")
    )
    comment = Comment(text, "atoopt")
    comment.width, comment.height = 320, 140
    cell.comment = comment
    if rank < ranks.get(key, len(FILLS)):  # the gravest problem of a cell gives its colour
        cell.fill = FILLS[problem.severity]
        ranks[key] = rank
    return cell


def _find_sheet(book, name: str):
    if not name:
        return None
    wanted = "".join(name.split()).lower()
    for worksheet in book.worksheets:
        if "".join(worksheet.title.split()).lower() == wanted:
            return worksheet
    return None


def _find_column(worksheet, name: str) -> int | None:
    """Column number of a header, compared as the reader does (case and spaces ignored)."""
    wanted = " ".join(str(name).split()).lower()
    for cell in worksheet[1]:
        if cell.value is not None and " ".join(str(cell.value).split()).lower() == wanted:
            return cell.column
    if worksheet.title.lower() == "settings" and wanted == "value":
        return 2
    return None


def _problem_sheet(book, rows: list[dict]) -> None:
    worksheet = book.create_sheet(PROBLEMS, 0)
    frame = pd.DataFrame(rows, columns=["severity", "sheet", "cell", "problem", "fix", "_target"])
    shown = frame.drop(columns="_target")
    if shown.empty:
        shown = pd.DataFrame(
            {"severity": ["none"], "sheet": [""], "cell": [""], "problem": ["No problems."], "fix": [""]}
        )
    write_frame(worksheet, shown, table="Problems")
    for n, target in enumerate(frame["_target"], start=2):
        severity = worksheet.cell(row=n, column=1)
        severity.fill = FILLS.get(frame.at[n - 2, "severity"], PatternFill())
        if target:
            link = put(worksheet, n, 3, worksheet.cell(row=n, column=3).value)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target, tooltip="go to the cell")
            link.font = LINK
    for letter, width in zip("ABCDE", (10, 16, 8, 70, 50)):
        worksheet.column_dimensions[letter].width = width
    for row in worksheet.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.alignment = WRAP
    print_fit(worksheet)
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False
