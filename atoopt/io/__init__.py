"""Reading instances from files and writing results: the adapters around the solver.

Readers return raw tables (``{sheet: DataFrame}``, cells as found, the index being
the spreadsheet row number) and leave every judgement to :mod:`atoopt.validation`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError, Report, Source
from .csvdir import read_csv_folder
from .excel import read_workbook

RawTables = dict[str, pd.DataFrame]


def read_tables(path: str | Path) -> tuple[RawTables, Source]:
    """Raw tables of a workbook (``.xlsx``/``.xlsm``) or a folder of CSV files."""
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path), Source("csv", str(path))
    source = Source("xlsx", str(path))
    if not path.exists():
        _fail(source, f"there is no file '{path}'.", "check the path and the file name.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        _fail(
            source,
            f"'{path.name}' is not an Excel workbook (.xlsx) or a folder of CSV files.",
            "save the workbook as .xlsx (Excel Workbook) and try again.",
        )
    return read_workbook(path), source


def _fail(source: Source, message: str, fix: str) -> None:
    report = Report(source)
    report.error("", None, None, message, fix)
    raise InputError(report)
