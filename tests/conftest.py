"""Shared helpers: tiny instances from plain lists, workbooks written cell by cell, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import atoopt

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def newsvendor(demand=range(10), holding=1.0, shortage=3.0, target=None, settings=None, **component) -> atoopt.Instance:
    """One part, one kit, equally likely demand values: the textbook newsvendor."""
    comps = pd.DataFrame([{"component": "part", "holding_cost": holding, **component}])
    return atoopt.Instance.from_frames(
        components=comps,
        configurations=pd.DataFrame(
            {"configuration": ["kit"], "shortage_cost": [shortage], "fill_rate_target": [target]}
        ),
        settings=settings,
        bom=pd.DataFrame({"configuration": ["kit"], "component": ["part"], "quantity": [1.0]}),
        demand=pd.DataFrame(
            {"scenario": [f"d{k}" for k, _ in enumerate(demand)], "configuration": "kit", "demand": list(demand)}
        ),
    )


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook with the given rows per sheet (row 1 first), as a user would type it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def tiny_sheets() -> dict[str, list[list]]:
    """A valid two-kit workbook; tests break one thing at a time."""
    return {
        "Components": [["component", "unit_cost", "holding_cost"], ["chip", 2, 1], ["case", 1, 0.5]],
        "Configurations": [["configuration", "shortage_cost"], ["basic", 5], ["pro", 9]],
        "BOM": [
            ["configuration", "component", "quantity"],
            ["basic", "chip", 1],
            ["basic", "case", 1],
            ["pro", "chip", 2],
            ["pro", "case", 1],
        ],
        "Demand": [
            ["scenario", "configuration", "demand"],
            ["low", "basic", 3],
            ["low", "pro", 1],
            ["high", "basic", 6],
            ["high", "pro", 2],
        ],
        "Scenarios": [["scenario", "probability"], ["low", 0.5], ["high", 0.5]],
    }


def run_cli(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m atoopt`` (this checkout's code) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "atoopt", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )


@pytest.fixture
def tiny_workbook(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "tiny.xlsx", tiny_sheets())


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
    return write_workbook(tmp_path / "tiny.xlsx", newsvendor_sheets())
