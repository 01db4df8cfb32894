"""Read an input workbook into raw tables, keeping Excel row numbers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

from ..errors import InputError, Report, Source


def read_workbook(path: Path, only: set[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet (or those named in ``only``, lower case) as a DataFrame of cell values.

    Formulas are read as their cached values.

    Row 1 is the header; blank rows are dropped but the index keeps each record's
    Excel row number, so messages can point at the cell. The file is opened
    read-only and never written.
    """
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        report = Report(Source("xlsx", str(path)))
        report.error(
            "",
            None,
            None,
            f"could not open '{path.name}' as an Excel workbook ({exc}).",
            "open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook).",
        )
        raise InputError(report) from None
    try:
        sheets = [ws for ws in book.worksheets if only is None or ws.title.lower() in only]
        return {ws.title: _sheet_frame(ws.iter_rows(values_only=True)) for ws in sheets}
    finally:
        book.close()


def _sheet_frame(rows) -> pd.DataFrame:
    header: list[str] | None = None
    records: list[tuple] = []
    numbers: list[int] = []
    for number, values in enumerate(rows, start=1):
        if header is None:
            header = [_header(v, k) for k, v in enumerate(values or ())]
            continue
        if values is None or all(_blank(v) for v in values):
            continue
        values = tuple(values) + (None,) * (len(header) - len(values))
        records.append(values[: len(header)])
        numbers.append(number)
    return frame_from_records(header or [], records, numbers)


def frame_from_records(header: list[str], records: list, numbers: list[int]) -> pd.DataFrame:
    """A raw table: object cells, normalised column names, row numbers as index."""
    frame = pd.DataFrame.from_records(records, columns=header, coerce_float=False)
    frame = frame.astype(object)
    frame.index = pd.Index(numbers, name="row")
    return frame


def _header(value, position: int) -> str:
    """Column names are matched case-insensitively, stray spaces ignored."""
    if _blank(value):
        return f"_unnamed_{position + 1}"
    return str(value).strip().lower()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
