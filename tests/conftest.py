"""Shared helpers of atoopt's tests."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with one sheet per entry, rows as given (row 1 = header)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def newsvendor_sheets(demand_rows: list[list] | None = None) -> dict[str, list[list]]:
    """Demand 0..9 equally likely, holding 1, shortage 3: stock 6, expected cost 6 + 3 * 0.6 = 7.8."""
    return {
        "Components": [["component", "holding_cost"], ["part", 1]],
        "Configurations": [["configuration", "shortage_cost"], ["kit", 3]],
        "BOM": [["configuration", "component", "quantity"], ["kit", "part", 1]],
        "Demand": demand_rows or [["scenario", "configuration", "demand"]] + [[f"d{k}", "kit", k] for k in range(10)],
    }


@pytest.fixture
def newsvendor_book(tmp_path) -> Path:
    return write_book(tmp_path / "tiny.xlsx", newsvendor_sheets())
