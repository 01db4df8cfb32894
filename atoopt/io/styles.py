"""Shared looks of the workbooks atoopt writes: headers, widths, number formats, tables.

One place for the conventions a reader of both the template and the result meets:
bold shaded headers frozen in row 1, thousands separators, percentages, columns wide
enough for their header and values, and each block of records an Excel table.
"""

from __future__ import annotations

import re

import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F4E78")
SUBTITLE_FONT = Font(bold=True, size=12, color="1F4E78")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

MONEY = "#,##0.00"
UNITS = "#,##0.##"
WHOLE = "#,##0"
PERCENT = "0.0%"
RATIO = "0.00"

#: Widest a column is made, in characters.
MAX_WIDTH = 45

#: Leading characters Excel would treat as the start of a formula.
FORMULA_START = ("=", "+", "-", "@")


def number_format(unit: str) -> str:
    """The display format of a column from its unit in the schema."""
    if unit == "fraction":
        return PERCENT
    if "currency" in unit:
        return MONEY
    return UNITS


def style_header(worksheet: Worksheet, row: int = 1, freeze: bool = True) -> None:
    """Bold white-on-blue header cells; rows above and including ``row`` stay in view."""
    for cell in worksheet[row]:
        if cell.value is not None:
            cell.fill = HEADER_FILL
            cell.font = HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    if freeze:
        worksheet.freeze_panes = worksheet.cell(row=row + 1, column=1).coordinate


def fit_widths(worksheet: Worksheet, minimum: int = 10, sample: int = 200, header_row: int = 1) -> None:
    """Each column as wide as its widest value among the first ``sample`` rows.

    Header text wraps onto two lines, so a long header widens its column only to
    its longest word or half its length.
    """
    widths: dict[int, int] = {}
    for row in worksheet.iter_rows(min_row=1, max_row=min(worksheet.max_row, sample)):
        for cell in row:
            if cell.value is None or type(cell).__name__ == "MergedCell":
                continue
            text = _shown(cell.value, cell.number_format)
            need = len(text) + 2
            if cell.row == header_row:
                need = max(max(len(w) for w in text.split() or [""]), (len(text) + 1) // 2) + 3
            widths[cell.column] = max(widths.get(cell.column, minimum), min(need, MAX_WIDTH))
    for column, width in widths.items():
        worksheet.column_dimensions[get_column_letter(column)].width = width
    if any(len(str(c.value or "")) > widths.get(c.column, minimum) - 3 for c in worksheet[header_row]):
        worksheet.row_dimensions[header_row].height = 30


def _shown(value, fmt: str) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if fmt != PERCENT else f"{value:.1%}"
    return str(value)


def add_table(worksheet: Worksheet, name: str, columns: int, last_row: int, first_row: int = 1) -> Table:
    """Make rows ``first_row..last_row`` (header first) an Excel table with filter buttons."""
    last_row = max(last_row, first_row + 1)  # a table needs a row under its header
    ref = f"A{first_row}:{get_column_letter(columns)}{last_row}"
    table = Table(displayName=table_name(name), ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    worksheet.add_table(table)
    return table


def table_name(name: str) -> str:
    """A valid Excel table name (letters, digits and underscores, starting with a letter)."""
    cleaned = re.sub(r"\W", "_", name)
    return cleaned if cleaned[:1].isalpha() else f"T_{cleaned}"


def write_frame(
    worksheet: Worksheet,
    frame: pd.DataFrame,
    formats: dict[str, str] | None = None,
    first_row: int = 1,
    table: str | None = None,
) -> None:
    """Write ``frame`` (header row first) at ``first_row``, formatted, safe against formulas."""
    formats = formats or {}
    styles = [formats.get(name) for name in frame.columns]
    rows = [[_cell(worksheet, v, fmt) for v, fmt in zip(values, styles)] for values in frame.itertuples(index=False)]
    if first_row == 1 and not worksheet._cells:  # a fresh sheet: append, openpyxl's fast path
        worksheet.append([str(name) for name in frame.columns])
        for row in rows:
            worksheet.append(row)
    else:
        for col, name in enumerate(frame.columns, start=1):
            worksheet.cell(row=first_row, column=col, value=str(name))
        for r, row in enumerate(rows, start=first_row + 1):
            for col, value in enumerate(row, start=1):
                target = worksheet.cell(row=r, column=col, value=getattr(value, "value", value))
                if isinstance(value, Cell):
                    target.data_type, target.number_format = value.data_type, value.number_format
    style_header(worksheet, first_row, freeze=first_row == 1)
    if table:
        add_table(worksheet, table, len(frame.columns), first_row + len(frame), first_row)


def _cell(worksheet: Worksheet, value, fmt: str | None):
    """A value ready to append: plain Python, None for NaN; a Cell where a format or text type is needed."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
        if isinstance(value, float) and value != value:
            return None
    text = isinstance(value, str)
    if not fmt and not (text and value.startswith(FORMULA_START)):
        return value
    cell = Cell(worksheet, value=value)
    if text and value.startswith(FORMULA_START):
        cell.data_type = "s"
    if fmt:
        cell.number_format = fmt
    return cell


def put(worksheet: Worksheet, row: int, column: int, value):
    """Write one value; text Excel would run as a formula (=, +, -, @) stays text."""
    if value is None or (isinstance(value, float) and value != value):
        return worksheet.cell(row=row, column=column)
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    cell = worksheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
    return cell


def print_fit(worksheet: Worksheet, landscape: bool = True) -> None:
    """Print (and render to PDF) the sheet one page wide."""
    worksheet.page_setup.orientation = "landscape" if landscape else "portrait"
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
