"""Refuse a workbook too large to process, before loading it.

An .xlsx file is a zip of XML parts. Its size on disk says little: XML compresses
a hundredfold, and a hostile file ("zip bomb") far more. So the zip directory is
read first, and the file is refused with a clear error when the parts would
decompress to more than :data:`MAX_UNCOMPRESSED` bytes, when one part expands
more than :data:`MAX_RATIO` times, or when the sheets declare more than
:data:`MAX_CELLS` cells. Hostile XML inside (entity expansion) is handled by
defusedxml, which openpyxl uses whenever it is installed.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import InputError, Report, Source

#: Most bytes all parts of a workbook may decompress to (2 GiB: ~10 million cells).
MAX_UNCOMPRESSED = 2 * 1024**3
#: Most a single part may expand relative to its compressed size (real sheets: 5-30x).
MAX_RATIO = 200
#: Most cells all sheets together may declare in their dimension (rows x columns).
MAX_CELLS = 20_000_000
#: Parts smaller than this are never judged by their ratio.
_RATIO_FLOOR = 1024**2

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def check_workbook_size(
    path: Path,
    max_uncompressed: int | None = None,
    max_ratio: float | None = None,
    max_cells: int | None = None,
) -> None:
    """Raise :class:`InputError` if the workbook at ``path`` is too large to read safely.

    Limits left ``None`` take the module's :data:`MAX_UNCOMPRESSED`, :data:`MAX_RATIO`, :data:`MAX_CELLS`.
    """
    max_uncompressed = MAX_UNCOMPRESSED if max_uncompressed is None else max_uncompressed
    max_ratio = MAX_RATIO if max_ratio is None else max_ratio
    max_cells = MAX_CELLS if max_cells is None else max_cells
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > max_uncompressed:
                _fail(
                    path,
                    f"the workbook would take {total / 1024**2:,.0f} MB once unpacked, more than the "
                    f"{max_uncompressed / 1024**2:,.0f} MB atoopt reads.",
                )
            for info in infos:
                if info.file_size > _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
                    _fail(
                        path,
                        f"part '{info.filename}' expands {info.file_size / max(info.compress_size, 1):,.0f} times "
                        "when unpacked, which no real workbook does; it may be damaged or hostile.",
                    )
            cells = sum(_declared_cells(archive, info) for info in infos if _is_sheet(info.filename))
    except zipfile.BadZipFile:
        return  # not a zip: the reader says so in its own words
    if cells > max_cells:
        _fail(path, f"its sheets declare {cells:,} cells, more than the {max_cells:,} atoopt reads.")


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _declared_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Rows x columns of the sheet's ``<dimension>`` element (0 when it has none)."""
    with archive.open(info) as part:
        head = part.read(4096)
    found = _DIMENSION.search(head)
    if not found or not found.group(3):
        return 1 if found else 0
    first_col, first_row, last_col, last_row = found.groups()
    columns = _column_number(last_col) - _column_number(first_col) + 1
    return columns * (int(last_row) - int(first_row) + 1)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def _fail(path: Path, message: str) -> None:
    report = Report(Source("xlsx", str(path)))
    report.error(
        "",
        None,
        None,
        message,
        "split the data into smaller workbooks, delete unused sheets and formatting of whole columns, "
        "or use a folder of CSV files.",
    )
    raise InputError(report)
