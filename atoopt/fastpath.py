"""The default way to solve: the matrix-built extensive form, or its decomposition.

:func:`choose_path` picks how :func:`atoopt.solve` solves an instance:

- ``pyomo``: the reference model (always when the user passes ``extend=``);
- ``matrix``: the same EF assembled with numpy and handed to HiGHS in one call;
- ``decomposition``: the regularised L-shaped method on that EF's scenario blocks;
- ``auto`` (default): the exact closed form when no two configurations share a
  component (:mod:`atoopt.decomposition.closed_form`); decomposition from :data:`DECOMPOSE_FROM_SCENARIOS` scenarios
  when the model allows it (no fill-rate target links the scenarios), the matrix
  EF otherwise.

Integer stock (lot sizes) is solved exactly by HiGHS' MIP up to
:data:`EXACT_MIP_UP_TO_NONZEROS`; beyond, the LP relaxation is solved (giving a
lower bound), its lots rounded up and to the nearest, each candidate evaluated
exactly, and the best kept with its gap to the bound.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from .decomposition import LShapedOptions, NotDecomposableError, closed_form, lshaped, split
from .decomposition.lshaped import evaluate_plan
from .errors import AtooptError
from .highs import HighsResult, run_highs
from .instance import Instance
from .matrix import MatrixModel, build_matrix
from .solution import Solution

PATHS = ("auto", "matrix", "pyomo", "decomposition")
INTEGER_STRATEGIES = ("auto", "exact", "round")

#: From this many scenarios ``auto`` decomposes (measured: docs/benchmarks.md).
DECOMPOSE_FROM_SCENARIOS = 200
#: Up to this many EF nonzeros ``auto`` solves integer stock exactly (HiGHS MIP).
EXACT_MIP_UP_TO_NONZEROS = 200_000


def choose_path(options, extend=None) -> str:
    """The path :func:`atoopt.solve` takes: ``options.path``, or ``pyomo`` to honour ``extend``."""
    if options.path not in PATHS:
        raise AtooptError(f"unknown solve path '{options.path}': use one of {', '.join(PATHS)}.")
    if extend is not None:
        if options.path not in ("auto", "pyomo"):
            raise AtooptError(f"extend= changes the Pyomo model, so it needs path 'pyomo', not '{options.path}'.")
        return "pyomo"
    return options.path


def solve_fast(instance: Instance, options, path: str = "auto") -> Solution:
    """Solve through the matrix EF or the decomposition (``path`` from :func:`choose_path`)."""
    if options.integer not in INTEGER_STRATEGIES:
        raise AtooptError(f"unknown integer strategy '{options.integer}': use one of {', '.join(INTEGER_STRATEGIES)}.")
    started = time.perf_counter()
    model = build_matrix(instance)
    run = _Run(instance, options, model, time.perf_counter() - started)
    if path == "auto" and closed_form.applies(instance):
        return run.closed_form()
    if path == "decomposition" or (path == "auto" and len(instance.arrays.S) >= DECOMPOSE_FROM_SCENARIOS):
        try:
            run.blocks = split(model, instance.arrays.p)
        except NotDecomposableError as why:
            run.notes.append(f"solved as one LP: {why}")
    if model.lp.is_mip:
        return run.integer()
    return run.lshaped() if run.blocks is not None else run.extensive()


class _Run:
    """One solve: the matrix model, the options, and the solver record it fills."""

    def __init__(self, instance: Instance, options, model: MatrixModel, build_time: float):
        self.instance, self.options, self.model = instance, options, model
        self.highs = options.for_highs(instance)
        self.blocks = None
        self.notes: list[str] = []
        rows, cols, nonzeros = model.lp.shape
        self.solver: dict = {
            "path": "matrix",
            "build_time": build_time,
            "rows": rows,
            "columns": cols,
            "nonzeros": nonzeros,
            "integer": model.lp.is_mip,
        }

    # -- the three ways -------------------------------------------------------------

    def extensive(self, lp=None) -> Solution:
        """HiGHS on the whole EF (``lp``: the model's LP unless given)."""
        result = run_highs(lp or self.model.lp, self.highs, progress=self.options.progress)
        self._record(result)
        if not result.has_plan:
            return self._no_plan(result)
        return self._finish(result.x, result.row_dual, result.status, result.message)

    def lshaped(self) -> Solution:
        """The L-shaped method; falls back to the EF if a subproblem or the master fails."""
        outcome = self._relaxation_by_lshaped()
        if outcome is None:
            return self.extensive()
        res, x, row_dual = outcome
        message = "optimal plan found." if res.status == "optimal" else "stopped at its limit with the best plan found."
        return self._finish(x, row_dual, res.status, message)

    def closed_form(self) -> Solution:
        """Configurations share no component: the newsvendor of each, exactly."""
        started = time.perf_counter()
        stock, assemble, dual = closed_form.solve_closed_form(self.instance)
        self.solver.update(path="closed-form", method="newsvendor per configuration")
        self.solver["run_time"] = time.perf_counter() - started
        solver = self._solver()
        solution = Solution.from_plan(self.instance, stock, assemble, dual, "optimal", "optimal plan found.", solver)
        solution.solver["extract_time"] = time.perf_counter() - started - self.solver["run_time"]
        return solution

    def integer(self) -> Solution:
        """Integer lots: exact MIP when small (or asked), else rounding of the LP relaxation."""
        small = self.model.lp.shape[2] <= EXACT_MIP_UP_TO_NONZEROS
        if self.options.integer == "exact" or (self.options.integer == "auto" and small):
            return self.extensive()
        relaxed = replace(self.model.lp, integer=np.zeros(0, dtype=bool))
        if self.blocks is not None and (outcome := self._relaxation_by_lshaped()) is not None:
            lower, x_lp = outcome[0].lower, outcome[1]
        else:
            result = run_highs(relaxed, self.highs, progress=self.options.progress)
            self._record(result)
            if not result.has_plan:
                return self._no_plan(result)
            lower, x_lp = result.objective, result.x
        best = self._round_lots(relaxed, x_lp)
        if best is None:  # no rounding is feasible: leave it to the MIP
            self.notes.append("rounding the LP plan gave no feasible plan; solved as a MIP")
            return self.extensive()
        upper, x, row_dual = best
        gap = max(0.0, (upper - lower) / max(1.0, abs(upper)))
        self.solver.update(lower_bound=lower, mip_gap=gap, incumbent="lots rounded from the LP plan")
        if gap <= self.highs.mip_gap:
            return self._finish(x, row_dual, "optimal", f"plan within {gap:.2%} of optimal (mip_gap).")
        message = f"plan within {gap:.2%} of optimal (lots rounded from the LP plan; lower bound {lower:,.6g})."
        return self._finish(x, row_dual, "feasible", message)

    # -- helpers --------------------------------------------------------------------

    def _relaxation_by_lshaped(self):
        blocks = self.blocks
        opts = self.options.decomposition or LShapedOptions()
        opts = replace(opts, threads=opts.threads or self.highs.threads, time_limit=self.highs.time_limit)
        progress = self.options.progress

        def report(record):
            if progress is not None:
                progress({"phase": "L-shaped", **record})

        try:
            res = lshaped(blocks, opts, report)
        except RuntimeError as why:
            self.notes.append(f"decomposition failed ({why}); solved as one LP")
            return None
        self.solver.update(
            path="decomposition",
            method="L-shaped (trust region)",
            run_time=res.times["total"],
            iterations=res.iterations,
            bundles=res.times["bundles"],
            lower_bound=res.lower,
            gap=res.gap,
            solver_objective=res.upper,
        )
        x = np.zeros(self.model.lp.shape[1])
        x[: blocks.n_first] = res.q
        x[blocks.n_first :] = res.z
        row_dual = np.zeros(self.model.lp.shape[0])
        row_dual[blocks.row_order] = res.duals
        return res, x, row_dual

    def _round_lots(self, relaxed, x_lp):
        """Best of the lots rounded up and to the nearest, each evaluated exactly."""
        a = self.instance.arrays
        nJ, n_lots = self.model.n_order, self.model.n_lots
        lots = np.flatnonzero(~np.isnan(a.lot_size))
        size = a.lot_size[lots]
        low, high = a.order_bounds
        n_min, n_max = np.ceil(low[lots] / size - 1e-9), np.floor(high[lots] / size + 1e-9)
        n_lp = x_lp[nJ : nJ + n_lots]
        candidates = {tuple(np.clip(f(n_lp), n_min, n_max)) for f in (lambda n: np.ceil(n - 1e-6), np.round)}
        best = None
        for n in sorted(candidates):
            n = np.array(n)
            if self.blocks is not None:
                q = x_lp[: nJ + n_lots].copy()
                q[lots], q[nJ:] = n * size, n
                if not self.blocks.first_stage_feasible(q):  # e.g. a budget the rounding overshoots
                    continue
                value, z, duals = evaluate_plan(self.blocks, q, self.highs.threads)
                x = np.concatenate([q, z])
                row_dual = np.zeros(relaxed.shape[0])
                row_dual[self.blocks.row_order] = duals
            else:
                col_lower, col_upper = relaxed.col_lower.copy(), relaxed.col_upper.copy()
                col_lower[nJ : nJ + n_lots] = col_upper[nJ : nJ + n_lots] = n
                result = run_highs(replace(relaxed, col_lower=col_lower, col_upper=col_upper), self.highs)
                if result.status != "optimal":
                    continue
                value, x, row_dual = result.objective, result.x, result.row_dual
            if best is None or value < best[0]:
                best = (value, x, row_dual)
        return best

    def _record(self, result: HighsResult) -> None:
        self.solver.update(
            method=result.method,
            hand_off_time=result.hand_off_time,
            run_time=result.run_time,
            mip_gap=result.mip_gap,
            solver_objective=result.objective,
        )

    def _no_plan(self, result: HighsResult) -> Solution:
        from .solve import explain_infeasible

        conflicts = explain_infeasible(self.instance, self.highs) if result.status == "infeasible" else []
        message = result.message
        if conflicts:
            message = "no plan meets every limit: " + "; ".join(conflicts) + "."
        return Solution.without_plan(result.status, message, self._solver(), conflicts)

    def _finish(self, x, row_dual, status: str, message: str) -> Solution:
        started = time.perf_counter()
        stock, assemble, dual = self.model.plan_from(self.instance, x, row_dual)
        solution = Solution.from_plan(self.instance, stock, assemble, dual, status, message, self._solver())
        solution.solver["extract_time"] = time.perf_counter() - started
        return solution

    def _solver(self) -> dict:
        import highspy

        if self.notes:
            self.solver["notes"] = "; ".join(self.notes)
        return {"solver": f"HiGHS {highspy.Highs().version()}", **self.solver}
