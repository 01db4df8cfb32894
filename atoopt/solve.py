"""Solve an instance: build, hand to HiGHS, read back, explain what happened.

Step by step, one function each (the PyPSA ``optimize`` pattern): the instance is
already validated -> :func:`~atoopt.model.build_model` -> user hook ``extend`` ->
:func:`~atoopt.pyomo_lp.compile_model` -> :func:`~atoopt.highs.run_highs` ->
values and duals loaded into the model -> :class:`~atoopt.solution.Solution`.
An infeasible model is re-solved in elastic form to name what conflicts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
import pyomo.environ as pyo

from .decomposition import LShapedOptions
from .fastpath import choose_path, solve_fast
from .highs import HighsOptions, run_highs
from .instance import Instance
from .model import build_model
from .pyomo_lp import compile_model
from .solution import Solution

#: A violation above this (relative to its limit) is reported as a conflict.
CONFLICT_TOLERANCE = 1e-6


@dataclass
class SolveOptions:
    """Solver settings; ``None`` takes the instance's ``Settings`` sheet value.

    time_limit: seconds before HiGHS stops with the best plan found.
    mip_gap: relative gap at which an integer (lot-size) solve stops.
    threads: HiGHS threads (0 lets HiGHS choose); also the parallel subproblem solves.
    method: HiGHS algorithm: ``auto`` (by size, :func:`~atoopt.highs.choose_method`),
        or HiGHS' own ``choose``, ``simplex``, ``ipm``, ``hipo`` or ``pdlp``.
    verbose: show HiGHS' log.
    path: ``auto``, ``matrix``, ``pyomo`` or ``decomposition`` (see :mod:`atoopt.fastpath`).
    integer: lot sizes solved ``exact`` (HiGHS MIP), by ``round``-ing the LP plan, or ``auto``.
    progress: called with bounds and elapsed time during long solves (:class:`~atoopt.progress.Progress`).
    decomposition: settings of the L-shaped method (:class:`~atoopt.decomposition.LShapedOptions`).
    """

    time_limit: float | None = None
    mip_gap: float | None = None
    threads: int | None = None
    method: str = "auto"
    verbose: bool = False
    path: str = "auto"
    integer: str = "auto"
    progress: Callable[[dict], None] | None = None
    decomposition: LShapedOptions | None = None

    def for_highs(self, instance: Instance) -> HighsOptions:
        settings = instance.settings

        def pick(name):
            mine = getattr(self, name)
            return mine if mine is not None else settings.get(name)

        return HighsOptions(
            time_limit=pick("time_limit"),
            mip_gap=pick("mip_gap") or 0.0,
            threads=pick("threads") or 0,
            method=self.method,
            verbose=self.verbose,
        )


def solve(
    instance: Instance,
    options: SolveOptions | None = None,
    extend: Callable[[pyo.ConcreteModel, Instance], None] | None = None,
) -> Solution:
    """Find the stock levels of least expected cost.

    ``extend(model, instance)`` may add variables, constraints or cost terms to the
    Pyomo model before it is solved (the model of :func:`~atoopt.model.build_model`);
    it takes the Pyomo path, the reference. Otherwise ``options.path`` decides
    (:func:`~atoopt.fastpath.choose_path`): by default the matrix-built EF or its
    decomposition, the same model built without Pyomo.
    """
    options = options or SolveOptions()
    path = choose_path(options, extend)
    if path != "pyomo":
        return solve_fast(instance, options, path)
    started = time.perf_counter()
    model = build_model(instance)
    if extend is not None:
        extend(model, instance)
    return solve_model(model, instance, options, build_time=time.perf_counter() - started)


def solve_model(
    model: pyo.ConcreteModel,
    instance: Instance,
    options: SolveOptions | None = None,
    build_time: float = float("nan"),
) -> Solution:
    """Solve a model built by :func:`~atoopt.model.build_model` (perhaps extended)."""
    options = options or SolveOptions()
    highs_options = options.for_highs(instance)
    started = time.perf_counter()
    compiled = compile_model(model)
    compile_time = time.perf_counter() - started
    result = run_highs(compiled.lp, highs_options, progress=options.progress)
    rows, cols, nonzeros = compiled.lp.shape
    solver = {
        "solver": f"HiGHS {highspy.Highs().version()}",
        "path": "pyomo",
        "method": result.method,
        "build_time": build_time,
        "compile_time": compile_time,
        "hand_off_time": result.hand_off_time,
        "run_time": result.run_time,
        "rows": rows,
        "columns": cols,
        "nonzeros": nonzeros,
        "integer": compiled.lp.is_mip,
        "mip_gap": result.mip_gap,
        "solver_objective": result.objective,
    }
    if not result.has_plan:
        conflicts = explain_infeasible(instance, highs_options) if result.status == "infeasible" else []
        message = result.message
        if conflicts:
            message = "no plan meets every limit: " + "; ".join(conflicts) + "."
        return Solution.without_plan(result.status, message, solver, conflicts)
    started = time.perf_counter()
    compiled.load(model, result)
    stock, assemble, dual = plan_arrays(model, instance)
    solution = Solution.from_plan(instance, stock, assemble, dual, result.status, result.message, solver)
    solver["extract_time"] = time.perf_counter() - started
    return solution


def plan_arrays(model: pyo.ConcreteModel, instance: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stock x (J), assembly z (S x I) and availability duals (S x J) from a solved model."""
    a = instance.arrays
    j_of = {j: n for n, j in enumerate(a.J.tolist())}
    i_of = {i: n for n, i in enumerate(a.I.tolist())}
    s_of = {s: n for n, s in enumerate(a.S.tolist())}
    stock = np.array([pyo.value(model.stock[j]) for j in a.J.tolist()], dtype=float)
    assemble = np.zeros((len(a.S), len(a.I)))
    for (i, s), var in model.assemble.items():
        assemble[s_of[s], i_of[i]] = var.value
    dual = np.zeros((len(a.S), len(a.J)))
    for (j, s), con in model.ComponentAvailability.items():
        dual[s_of[s], j_of[j]] = model.dual.get(con, 0.0)
    return stock, assemble, dual


def explain_infeasible(instance: Instance, options: HighsOptions) -> list[str]:
    """Which targets, resource limits or stock bounds cannot all hold, in plain words."""
    model = build_model(instance, elastic=True)
    compiled = compile_model(model)
    result = run_highs(compiled.lp, options, duals=False)
    if not result.has_plan:
        return []
    compiled.load(model, result)
    found = []
    for i, var in model.target_shortfall.items():
        need = pyo.value(model.FillRateTarget[i].lower)
        if var.value > CONFLICT_TOLERANCE * max(need, 1.0):
            target = instance.configurations.at[i, "fill_rate_target"]
            reached = target * (1 - var.value / need)
            found.append(f"the fill-rate target of '{i}' ({target:.1%} asked; the closest plan reaches {reached:.1%})")
    for k, var in model.resource_excess.items():
        cap = pyo.value(model.ResourceLimit[k].upper)
        if var.value > CONFLICT_TOLERANCE * max(cap, 1.0):
            found.append(f"resource '{k}' (capacity {cap:,.6g}, {var.value:,.6g} more needed)")
    worst: dict = {}
    for (k, _), var in model.assembly_resource_excess.items():
        worst[k] = max(worst.get(k, 0.0), var.value)
    for k, excess in worst.items():
        cap = instance.resource_table()[0].at[k, "capacity"]
        if excess > CONFLICT_TOLERANCE * max(cap, 1.0):
            found.append(f"resource '{k}' (capacity {cap:,.6g}, up to {excess:,.6g} more needed in a scenario)")
    for j, var in model.min_stock_shortfall.items():
        if var.value > CONFLICT_TOLERANCE:
            found.append(f"the min_stock of '{j}' ({instance.components.at[j, 'min_stock']:g})")
    for j, var in model.max_stock_excess.items():
        if var.value > CONFLICT_TOLERANCE:
            found.append(f"the max_stock of '{j}' ({instance.components.at[j, 'max_stock']:g})")
    if found:
        found += [f"held back by {limit}" for limit in _binding_limits(model, instance)]
    return found


def _binding_limits(model: pyo.ConcreteModel, instance: Instance) -> list[str]:
    """Resource capacities and max_stock bounds the least-violation plan runs into."""
    limits = []
    for k, con in model.ResourceLimit.items():
        if con.uslack() <= CONFLICT_TOLERANCE * max(abs(pyo.value(con.upper)), 1.0):
            limits.append(f"resource '{k}' (capacity {pyo.value(con.upper):,.6g})")
    tight = {
        k
        for (k, s), con in model.AssemblyResourceLimit.items()
        if con.uslack() <= CONFLICT_TOLERANCE * max(abs(pyo.value(con.upper)), 1.0)
    }
    capacity = instance.resource_table()[0]["capacity"]
    limits += [f"resource '{k}' (capacity {capacity[k]:,.6g} in a scenario)" for k in sorted(tight)]
    for j, con in model.StockBounds.items():
        if con.has_ub() and con.uslack() <= CONFLICT_TOLERANCE * max(abs(pyo.value(con.upper)), 1.0):
            limits.append(f"the max_stock of '{j}' ({instance.components.at[j, 'max_stock']:g})")
    return limits
