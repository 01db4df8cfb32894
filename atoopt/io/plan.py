"""Read a stocking plan (stock per component) from a result workbook or a CSV file.

A result workbook's ``Order plan`` (or ``Components``) sheet, or any workbook sheet / CSV file with
columns ``component`` and ``stock`` (or ``order``, taken as stock = on_hand + order).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, Report, Source
from .csvdir import read_csv_file
from .excel import read_workbook


def read_plan(path: str | Path, instance) -> np.ndarray:
    """Stock x_j of every component of ``instance`` (in its order), or raise InputError."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        source, sheet = Source("csv", str(path)), path.stem
        table = read_csv_file(path) if path.exists() else None
    else:
        source, sheet = Source("xlsx", str(path)), "Components"
        table = None
        if path.exists() and path.suffix.lower() in (".xlsx", ".xlsm"):
            wanted = {"order plan", "components"}  # the manager workbook's Order plan, or a plain Components sheet
            sheets = {name.lower(): frame for name, frame in read_workbook(path, wanted).items()}
            sheet = "Order plan" if "order plan" in sheets else sheet
            table = sheets.get("order plan", sheets.get("components"))
    report = Report(source)
    if table is None:
        report.error(
            "",
            None,
            None,
            f"no plan found at '{path}'.",
            "give a result workbook (with a 'Components' sheet) or a CSV file with columns component, stock.",
        )
        raise InputError(report)
    return plan_from_table(table, instance, report, sheet)


def plan_from_table(table: pd.DataFrame, instance, report: Report, sheet: str = "Components") -> np.ndarray:
    """Stock per component from a raw table with ``component`` and ``stock`` (or ``order``) columns."""
    table = table.rename(columns=lambda c: str(c).strip().lower())
    column = "stock" if "stock" in table.columns else "order" if "order" in table.columns else None
    if "component" not in table.columns or column is None:
        report.error(sheet, 1, None, "the plan needs columns 'component' and 'stock'.", "add them in row 1.")
        raise InputError(report)
    a = instance.arrays
    position = {str(j): n for n, j in enumerate(a.J)}
    stock = np.full(len(a.J), np.nan)
    for row, component, value in zip(table.index, table["component"], table[column]):
        name = _text(component)
        number = _number(value)
        if name not in position:
            report.error(sheet, row, "component", f"'{component}' is not a component of the instance.", "correct it.")
        elif number is None or number < 0:
            report.error(sheet, row, column, f"'{value}' is not a stock level.", "enter a number of at least 0.")
        else:
            stock[position[name]] = number + (a.on_hand[position[name]] if column == "order" else 0.0)
    missing = [str(j) for j, x in zip(a.J, stock) if math.isnan(x)]
    if missing and not report.errors:
        report.error(
            sheet,
            None,
            "component",
            f"the plan has no {column} for {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}.",
            "give every component of the instance a row.",
        )
    if report.errors:
        raise InputError(report)
    return stock


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
