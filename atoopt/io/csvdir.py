"""Read an instance kept as a folder of CSV files, one file per sheet."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .excel import _blank, _header, frame_from_records


def read_csv_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """Each ``<sheet>.csv`` in the folder as a raw table (line numbers as index).

    File names match sheet names case-insensitively (``bom.csv`` is the BOM sheet);
    every cell is read as text and typed by validation.
    """
    return {path.stem: read_csv_file(path) for path in sorted(folder.glob("*.csv"))}


def read_csv_file(path: Path) -> pd.DataFrame:
    """One CSV file as a raw table: cells as text, line numbers as index."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header = [_header(v, k) for k, v in enumerate(rows[0])] if rows else []
    records, numbers = [], []
    for number, values in enumerate(rows[1:], start=2):
        if all(_blank(v) for v in values):
            continue
        values = [v if v.strip() else None for v in values]
        values += [None] * (len(header) - len(values))
        records.append(values[: len(header)])
        numbers.append(number)
    return frame_from_records(header, records, numbers)
