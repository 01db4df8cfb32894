"""Time reading a large input workbook with each engine, side by side in one run.

usage: python benchmarks/read_workbook.py [SCENARIOS] [CONFIGURATIONS] [REPEATS]

Writes a long-form Demand sheet of SCENARIOS x CONFIGURATIONS rows (default
1000 x 200 = 200k rows) plus the other sheets, then times
``atoopt.io.excel.read_workbook`` with the calamine and openpyxl engines, and the
whole read + validate (``atoopt.load``) with each. Prints a Markdown table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from atoopt.errors import Source
from atoopt.generate import random_instance
from atoopt.instance import from_tables
from atoopt.io import excel
from atoopt.io.template import instance_sheets


def write_fast(instance, path: Path) -> None:
    """The instance's sheets written with openpyxl's write-only mode."""
    book = openpyxl.Workbook(write_only=True)
    for name, frame in instance_sheets(instance).items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False, name=None):
            sheet.append([None if v != v else v for v in row])
    book.save(path)


def timed(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main(scenarios: int = 1000, configurations: int = 200, repeats: int = 2) -> None:
    instance = random_instance(100, configurations, scenarios, 8, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.xlsx"
        write_fast(instance, path)
        rows = len(instance.demand)
        size = path.stat().st_size / 1024**2
        print(f"Demand rows: {rows:,}; file size {size:.1f} MB; best of {repeats}\n")
        print("| engine | read_workbook (s) | read + validate (s) |")
        print("|---|---|---|")
        results = {}
        for engine in excel.ENGINES:
            read = timed(lambda e=engine: excel.read_workbook(path, engine=e), repeats)
            full = timed(
                lambda e=engine: from_tables(excel.read_workbook(path, engine=e), Source("xlsx", str(path))), repeats
            )
            results[engine] = read
            print(f"| {engine} | {read:.2f} | {full:.2f} |")
        print(f"\nopenpyxl / calamine read time: {results['openpyxl'] / results['calamine']:.1f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
