"""Place the conflicts of an infeasible model on the cells that set them.

:func:`atoopt.solve.explain_infeasible` names what cannot hold together in words
("the fill-rate target of 'kit' ...", "resource 'budget' ...", "the max_stock of
'chip' ..."). This module finds the cell behind each (the target, the capacity or
setting, the stock bound) in the input workbook, so ``solve --annotate`` can mark
them like input problems. A conflict it cannot place is listed without a cell.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import Report, Source
from . import read_tables

_PATTERNS = [
    (re.compile(r"fill-rate target of '([^']*)'"), "Configurations", "configuration", "fill_rate_target"),
    (re.compile(r"the min_stock of '([^']*)'"), "Components", "component", "min_stock"),
    (re.compile(r"the max_stock of '([^']*)'"), "Components", "component", "max_stock"),
    (re.compile(r"resource '([^']*)'"), "Resources", "resource", "capacity"),
]
#: Resources made from settings (see ``Instance.resource_table``).
_SETTING_RESOURCES = {"budget": "budget", "storage": "storage_capacity"}


def conflict_report(path: str | Path, conflicts: list[str]) -> Report:
    """A report with one error per conflict, at its cell where the workbook shows one."""
    tables, source = read_tables(path)
    report = Report(Source(source.kind, source.path))
    fix = "relax this limit (or one of the others listed), then solve again."
    for text in conflicts:
        sheet, row, column = _locate(tables, text)
        report.error(sheet, row, column, f"no plan meets every limit: {text}.", fix)
    return report


def _locate(tables: dict[str, pd.DataFrame], text: str) -> tuple[str, int | None, str | None]:
    for pattern, sheet, key, column in _PATTERNS:
        found = pattern.search(text)
        if not found:
            continue
        name = found.group(1)
        if sheet == "Resources" and name in _SETTING_RESOURCES:
            row = _row_of(tables, "Settings", "setting", _SETTING_RESOURCES[name])
            return ("Settings", row, "value") if row else ("", None, None)
        row = _row_of(tables, sheet, key, name)
        return (sheet, row, column) if row else ("", None, None)
    return "", None, None


def _row_of(tables: dict[str, pd.DataFrame], sheet: str, key: str, name: str) -> int | None:
    """Excel row of the record whose ``key`` reads ``name`` (sheet names compared as the reader does)."""
    for title, frame in tables.items():
        if "".join(title.split()).lower() != sheet.lower() or key not in frame.columns:
            continue
        for row, value in frame[key].items():
            text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
            if text.lower() == name.lower():
                return int(row)
    return None
