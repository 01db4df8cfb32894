"""Benchmarks users can run: each method's time and memory, and the ratios, in one run.

For each named size of :data:`atoopt.generate.SIZES` one random instance is
generated and solved by each method; every ratio compares methods measured in
the same run, on the same machine, at the same load (``os.getloadavg`` is
recorded before and after).

Methods:

- ``highs-<m>``: HiGHS alone (algorithm ``m``: ipm, simplex, hipo) on the EF
  matrix, built once beforehand; the time is HiGHS' own ``getRunTime``.
- ``matrix``: our EF path end to end (build, hand-off, HiGHS, extraction).
- ``decomposition``: the L-shaped method end to end.
- ``default``: :func:`atoopt.solve` with default options.
- ``pyomo-build``: the Pyomo model built and compiled to the same matrix
  (no solve), against our ``build_matrix``.

Times are wall-clock seconds (HiGHS' own clock for ``highs-*``); ``<method>_cpu``
is the CPU time of this process, all threads, which a shared machine's load
disturbs less (the L-shaped method uses more CPU than wall time when it runs
its subproblems in parallel).

Memory: the peak of Python/numpy allocations (tracemalloc) while building the
EF, handing it to HiGHS and extracting a plan; HiGHS' own C++ memory is not
traced, so this is what we add beyond HiGHS, reported per nonzero.
"""

from __future__ import annotations

import os
import platform
import time
import tracemalloc
from collections.abc import Callable

import highspy
import numpy as np

from .generate import SIZES, sized_instance
from .highs import HighsOptions, hipo_available, run_highs, to_highs
from .matrix import build_matrix
from .solution import Solution
from .solve import SolveOptions, solve

METHODS = ("highs-ipm", "highs-simplex", "highs-hipo", "matrix", "decomposition", "default", "pyomo-build")
#: Methods run when none are named; simplex and HiPO are slow beyond small sizes (see docs/benchmarks.md).
DEFAULT_METHODS = ("highs-ipm", "matrix", "decomposition", "default", "pyomo-build")


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30 if hasattr(os, "sysconf") else None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1) if memory else None,
        "python": platform.python_version(),
        "highs": highspy.Highs().version(),
        "platform": platform.platform(),
    }


def bench_size(
    size: str,
    methods: tuple[str, ...] = DEFAULT_METHODS,
    seed: int = 0,
    time_limit: float | None = None,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Run ``methods`` on the instance of ``size``; times in seconds, memory in bytes."""
    say = log or (lambda message: None)
    row: dict = {"size": size, "shape": "x".join(map(str, SIZES[size])), "load_before": os.getloadavg()[0]}
    instance = sized_instance(size, seed=seed)
    started = time.perf_counter()
    model = build_matrix(instance)
    row["build"] = time.perf_counter() - started
    rows, cols, nonzeros = model.lp.shape
    row.update(rows=rows, columns=cols, nonzeros=nonzeros)
    row["overhead_bytes"] = _overhead_bytes(instance)
    row["overhead_bytes_per_nonzero"] = row["overhead_bytes"] / nonzeros
    for method in methods:
        say(f"{size}: {method} ...")
        cpu = time.process_time()
        if method.startswith("highs-"):
            algorithm = method.removeprefix("highs-")
            if algorithm == "hipo" and not hipo_available():
                row[method] = None
                row[f"{method}_note"] = "not in this highspy build"
                continue
            result = run_highs(model.lp, HighsOptions(method=algorithm, time_limit=time_limit), duals=False)
            row[method] = result.run_time if result.status == "optimal" else None
            row[f"{method}_objective"] = result.objective
        elif method == "pyomo-build":
            row[method] = _pyomo_build_time(instance)
        else:
            path = {"matrix": "matrix", "decomposition": "decomposition", "default": "auto"}[method]
            started = time.perf_counter()
            solution = solve(instance, SolveOptions(path=path, time_limit=time_limit))
            row[method] = time.perf_counter() - started
            row[f"{method}_objective"] = solution.expected_total_cost
            row[f"{method}_status"] = solution.status
            row[f"{method}_path"] = solution.solver.get("path")
            if "iterations" in solution.solver:
                row[f"{method}_iterations"] = solution.solver["iterations"]
            if method == "matrix":
                s = solution.solver
                row["matrix_highs"] = s.get("run_time")
                row["matrix_overhead"] = s["build_time"] + s.get("hand_off_time", 0) + s.get("extract_time", 0)
        row[f"{method}_cpu"] = time.process_time() - cpu
        took = "n/a" if row[method] is None else f"{row[method]:.2f}"
        say(f"{size}: {method} {took} s (cpu {row[f'{method}_cpu']:.1f} s)")
    row["load_after"] = os.getloadavg()[0]
    row.update(ratios(row))
    return row


def ratios(row: dict) -> dict:
    """The ratios of the issue's targets, from one row of :func:`bench_size`."""
    ef = [row[m] for m in ("highs-ipm", "highs-simplex", "highs-hipo") if row.get(m)]
    best = min(ef) if ef else row.get("matrix_highs")
    out = {"best_highs": best}
    if best:
        if row.get("default"):
            out["default_vs_highs"] = row["default"] / best
        if row.get("decomposition"):
            out["decomposition_vs_highs"] = row["decomposition"] / best
    if row.get("matrix_overhead") is not None and row.get("matrix_highs"):
        out["overhead_vs_highs"] = row["matrix_overhead"] / row["matrix_highs"]
    if row.get("pyomo-build"):
        out["pyomo_vs_ours"] = row["pyomo-build"] / row["build"]
    return out


def _overhead_bytes(instance) -> int:
    """Peak traced memory of build + hand-off arrays + extraction of a (zero) plan."""
    tracemalloc.start()
    try:
        model = build_matrix(instance)
        handed = to_highs(model.lp)
        x = np.zeros(model.lp.shape[1])
        stock, assemble, dual = model.plan_from(instance, x, np.zeros(model.lp.shape[0]))
        Solution.from_plan(instance, stock, assemble, dual)
        del handed
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _pyomo_build_time(instance) -> float:
    from .model import build_model
    from .pyomo_lp import compile_model

    started = time.perf_counter()
    compile_model(build_model(instance))
    return time.perf_counter() - started


COLUMNS = [
    ("size", "size", "{}"),
    ("nonzeros", "EF nonzeros", "{:,}"),
    ("best_highs", "best HiGHS run s", "{:.2f}"),
    ("highs-ipm", "HiGHS ipm s", "{:.2f}"),
    ("highs-simplex", "HiGHS simplex s", "{:.2f}"),
    ("highs-hipo", "HiGHS hipo s", "{:.2f}"),
    ("matrix", "matrix path s", "{:.2f}"),
    ("decomposition", "L-shaped s", "{:.2f}"),
    ("default", "default solve s", "{:.2f}"),
    ("default_vs_highs", "default / HiGHS", "{:.2f}"),
    ("overhead_vs_highs", "build+hand-off+extract / HiGHS", "{:.1%}"),
    ("decomposition_vs_highs", "L-shaped / best EF", "{:.2f}"),
    ("pyomo_vs_ours", "Pyomo build / ours", "{:.0f}x"),
    ("overhead_bytes_per_nonzero", "our bytes / nonzero", "{:.0f}"),
    ("load_before", "load", "{:.1f}"),
]


def markdown(results: list[dict]) -> str:
    """The results as one markdown table (columns without any value are left out)."""
    shown = [(key, title, fmt) for key, title, fmt in COLUMNS if any(r.get(key) is not None for r in results)]
    lines = ["| " + " | ".join(title for _, title, _ in shown) + " |", "|" + "---|" * len(shown)]
    for r in results:
        cells = [fmt.format(r[key]) if r.get(key) is not None else "-" for key, _, fmt in shown]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
