"""Read an input workbook into raw tables, keeping Excel row numbers.

The file is opened read-only and never written. Before loading, its size is
checked (:mod:`atoopt.io.limits`); after, formulas saved without a value are
reported (:mod:`atoopt.io.formulas`) and the template's Metadata sheet is checked
and dropped with the Instructions sheet. Cells are read by python-calamine when it
is installed (several times faster, see ``docs/excel-reading.md``) and by openpyxl
otherwise; both give the cached values of formulas.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from ..errors import InputError, Report, Source
from .formulas import unreadable_cells
from .limits import check_workbook_size

#: Engines that read cells, fastest first.
ENGINES = ("calamine", "openpyxl")


def read_workbook(path: Path, only: set[str] | None = None, engine: str | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet (or those named in ``only``, lower case) as a DataFrame of cell values.

    Formulas are read as their cached values.

    Row 1 is the header; blank rows are dropped but the index keeps each record's
    Excel row number, so messages can point at the cell.
    """
    path = Path(path)
    check_workbook_size(path)
    engine = engine or default_engine()
    try:
        rows = _rows_calamine(path, only) if engine == "calamine" else _rows_openpyxl(path, only)
    except InputError:
        raise
    except Exception as exc:  # each engine has its own zoo of exceptions for a damaged file
        _fail(
            path,
            f"could not open '{path.name}' as an Excel workbook ({type(exc).__name__}: {exc}).",
            "open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook).",
        )
    tables = {name: _sheet_frame(sheet_rows) for name, sheet_rows in rows.items()}
    _check_formulas(path, tables)
    _check_template_version(path, tables)
    return tables


def default_engine() -> str:
    """``calamine`` when python-calamine is installed, else ``openpyxl``."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "openpyxl"
    return "calamine"


def _rows_openpyxl(path: Path, only: set[str] | None) -> dict[str, list]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = [ws for ws in book.worksheets if only is None or ws.title.lower() in only]
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in sheets}
    finally:
        book.close()


def _rows_calamine(path: Path, only: set[str] | None) -> dict[str, list]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    try:
        sheets = {}
        for name in book.sheet_names:
            if only is not None and name.lower() not in only:
                continue
            sheet = book.get_sheet_by_name(name)
            sheets[name] = [[None if v == "" else v for v in row] for row in _from_a1(sheet)]
        return sheets
    finally:
        book.close()


def _from_a1(sheet) -> list[list]:
    """Calamine's rows start at the first used cell; pad so that row 1 is Excel's row 1."""
    rows = sheet.to_python(skip_empty_area=False)
    start = sheet.start or (0, 0)
    pad_rows, pad_cols = start
    if pad_cols:
        rows = [[None] * pad_cols + list(row) for row in rows]
    return [[]] * pad_rows + rows


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
    return " ".join(str(value).split()).lower()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- checks on the file as saved ----------------------------------------------------------

#: At most this many formula cells are named per sheet; the rest are counted.
MAX_FORMULA_MESSAGES = 10


def _check_formulas(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Formulas without a saved value read as blank: say so, instead of reading a wrong 0."""
    from .. import schema

    known = {_squash(s) for s in schema.SHEETS.index}
    try:
        missing = unreadable_cells(path, {name for name in tables if _squash(name) in known})
    except (zipfile.BadZipFile, KeyError):
        return
    except Exception as exc:  # defusedxml refuses entity tricks; expat a broken part
        _fail(
            path,
            f"could not read the structure of '{path.name}' ({type(exc).__name__}): it may be damaged or hostile.",
            "open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook).",
        )
    if not missing:
        return
    report = Report(Source("xlsx", str(path)))
    for sheet, cells in missing.items():
        columns = list(tables[sheet].columns)
        for row, col, kind, text in cells[:MAX_FORMULA_MESSAGES]:
            name = columns[col - 1] if col <= len(columns) else None
            if kind == "error":
                report.error(
                    sheet,
                    row,
                    name,
                    f"the cell shows the error {text} (a formula that failed, or an error typed in).",
                    "correct the formula or enter a plain number.",
                )
                continue
            report.error(
                sheet,
                row,
                name,
                f"the cell holds a formula (={text}) whose value was never calculated: the file was "
                "written by a program that does not calculate formulas.",
                "open the file in Excel or LibreOffice and save it (that calculates and stores every value), "
                "then run atoopt again.",
            )
        if len(cells) > MAX_FORMULA_MESSAGES:
            report.error(
                sheet,
                None,
                None,
                f"{len(cells) - MAX_FORMULA_MESSAGES} more cells have no value atoopt can read (see above).",
                "open the file in Excel or LibreOffice and save it.",
            )
    raise InputError(report)


def _check_template_version(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Drop the template's Instructions and Metadata sheets; refuse an unknown template version."""
    from .template import INSTRUCTIONS, METADATA, READABLE_VERSIONS, TEMPLATE_VERSION

    for name in list(tables):
        if _squash(name) == _squash(INSTRUCTIONS):
            del tables[name]
        elif _squash(name) == _squash(METADATA):
            meta = tables.pop(name)
            if "key" not in meta.columns or "value" not in meta.columns:
                continue
            keys = meta["key"].map(lambda k: str(k).strip().lower())
            found = meta.loc[keys == "template_version", "value"]
            if found.empty:
                continue
            value, row = found.iloc[0], int(found.index[0])
            try:
                version = int(float(str(value).strip()))
            except ValueError:
                version = None
            if version in READABLE_VERSIONS:
                continue
            newer = version is not None and version > TEMPLATE_VERSION
            report = Report(Source("xlsx", str(path)))
            report.error(
                name,
                row,
                "value",
                f"this workbook is template version {value if version is None else version}, "
                "which this atoopt does not read "
                f"(it reads version {', '.join(map(str, sorted(READABLE_VERSIONS)))}).",
                "update atoopt (pip install -U atoopt)"
                if newer
                else "make a new template with 'atoopt template NEW.xlsx' and copy your data into it.",
            )
            raise InputError(report)


def _squash(name: str) -> str:
    return "".join(str(name).split()).lower()


def _fail(path: Path, message: str, fix: str) -> None:
    report = Report(Source("xlsx", str(path)))
    report.error("", None, None, message, fix)
    raise InputError(report)
