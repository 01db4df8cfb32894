"""Time writing the result workbook as scenarios grow (the solver is not run).

usage: python benchmarks/write_result.py [SCENARIOS ...]   (default: 200 2000 10000)

A random instance of 100 components and 200 configurations with a stand-in plan
(stock 10% above expected need, 90% of demand assembled) goes through
``Solution.from_plan`` and ``write_result_workbook``. The per-scenario sheets are
bounded (MAX_SCENARIO_ROWS, MAX_ALLOCATION_ROWS, MAX_ECHO_ROWS), so the time
should level off instead of growing with the scenario count.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from atoopt.generate import random_instance
from atoopt.io.result_book import write_result_workbook
from atoopt.solution import Solution


def main(counts: list[int]) -> None:
    print("| scenarios | allocation pairs | Solution.from_plan (s) | write workbook (s) | file MB |")
    print("|---|---|---|---|---|")
    for scenarios in counts:
        instance = random_instance(100, 200, scenarios, 8, seed=1)
        a = instance.arrays
        need = np.asarray((a.A.T @ a.D.T).T)
        started = time.perf_counter()
        solution = Solution.from_plan(instance, 1.1 * (a.p @ need), 0.9 * a.D, np.zeros((len(a.S), len(a.J))))
        plan = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "result.xlsx"
            started = time.perf_counter()
            write_result_workbook(solution, instance, path)
            write = time.perf_counter() - started
            size = path.stat().st_size / 1024**2
        print(f"| {scenarios:,} | {len(solution.allocation):,} | {plan:.2f} | {write:.2f} | {size:.1f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [200, 2000, 10000])
