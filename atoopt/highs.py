"""One LP or MIP in matrix form, handed to HiGHS (highspy) in one call.

Both builders, the Pyomo model (compiled to standard form) and the direct matrix
assembly, produce an :class:`LP`; :func:`run_highs` solves it with the user's
options and returns plain arrays and a status word. No HiGHS exception or
message escapes as a traceback: every outcome is a :class:`HighsResult`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf


@dataclass
class LP:
    """``min c x + offset  s.t.  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper``.

    ``integer`` marks integer columns (empty or all False for an LP).
    """

    c: np.ndarray
    A: sp.csc_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    offset: float = 0.0

    @property
    def shape(self) -> tuple[int, int, int]:
        """Rows, columns and nonzeros."""
        return self.A.shape[0], self.A.shape[1], self.A.nnz

    @property
    def is_mip(self) -> bool:
        return bool(self.integer.any())


@dataclass
class HighsOptions:
    """What the user may set on HiGHS: the ``Settings`` sheet or :class:`~atoopt.solve.SolveOptions`."""

    time_limit: float | None = None
    mip_gap: float = 1e-4
    threads: int = 0
    method: str = "auto"  # auto (see choose_method) or HiGHS' 'solver': choose, simplex, ipm, hipo, pdlp
    verbose: bool = False


@dataclass
class HighsResult:
    """Outcome of one HiGHS run; ``x`` and ``row_dual`` are empty when there is no plan."""

    status: str  # optimal, time_limit, infeasible, unbounded, error
    message: str
    x: np.ndarray
    row_dual: np.ndarray
    objective: float
    mip_gap: float
    run_time: float
    hand_off_time: float
    iterations: dict
    method: str = ""  # the HiGHS algorithm that ran

    @property
    def has_plan(self) -> bool:
        return self.x.size > 0


_TIME_LIMITED = (
    "kTimeLimit",
    "kIterationLimit",
    "kInterrupt",
    "kSolutionLimit",
    "kObjectiveBound",
    "kObjectiveTarget",
    "kHighsInterrupt",
    "kMemoryLimit",
)


#: LPs with at least this many nonzeros go to the interior point method (IPX), smaller
#: ones to dual simplex. Measured on the 100 x 200 x 8 shape (docs/benchmarks.md):
#: simplex wins at 3,400 nonzeros (0.04 s vs 0.06 s), IPX from 8,500 (0.36 s vs 0.60 s)
#: and is 7x faster at 34,000, 18x at 85,000; PDLP is slower everywhere.
IPM_FROM_NONZEROS = 5_000


def choose_method(lp: LP) -> str:
    """HiGHS algorithm for ``lp``: ``choose`` for a MIP, by size for an LP (see :data:`IPM_FROM_NONZEROS`)."""
    if lp.is_mip:
        return "choose"
    return "ipm" if lp.shape[2] >= IPM_FROM_NONZEROS else "simplex"


def hipo_available() -> bool:
    """Whether this highspy build has the HiPO interior point solver (it needs BLAS and METIS)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h.setOptionValue("solver", "hipo") == highspy.HighsStatus.kOk


def run_highs(lp: LP, options: HighsOptions, duals: bool = True, progress=None) -> HighsResult:
    """Solve ``lp``; for a MIP, ``duals`` re-solves the LP with integers fixed to price stock.

    ``progress`` (a :class:`~atoopt.progress.Progress`) gets the elapsed time every
    second, and the MIP bounds as HiGHS finds them.
    """
    from .progress import Ticker

    started = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(options.verbose))
    if options.time_limit is not None:
        h.setOptionValue("time_limit", float(options.time_limit))
    h.setOptionValue("mip_rel_gap", float(options.mip_gap))
    if options.threads:
        h.setOptionValue("threads", int(options.threads))
    method = choose_method(lp) if options.method == "auto" else options.method
    if h.setOptionValue("solver", method) != highspy.HighsStatus.kOk:
        return _failed(f"this HiGHS build cannot use the method '{method}'; choose another (--method).", 0.0)
    status = h.passModel(to_highs(lp))
    hand_off = time.perf_counter() - started
    if status == highspy.HighsStatus.kError:
        return _failed("HiGHS rejected the model (an internal error in atoopt: please report it).", hand_off)
    with Ticker(progress, "HiGHS MIP" if lp.is_mip else f"HiGHS {method}") as ticker:
        if progress is not None and lp.is_mip:
            h.cbMipInterrupt.subscribe(lambda e: ticker.latest.update(_mip_bounds(e.data_out)))
        h.run()
    model_status = h.getModelStatus()
    name = model_status.name
    info = h.getInfo()
    run_time = h.getRunTime()
    iterations = {
        "simplex": info.simplex_iteration_count,
        "ipm": info.ipm_iteration_count,
        "mip_nodes": int(info.mip_node_count) if lp.is_mip else 0,
    }
    if name == "kOptimal":
        word = "optimal"
    elif name in _TIME_LIMITED:
        word = "time_limit"
    elif name == "kInfeasible":
        word = "infeasible"
    elif name in ("kUnbounded", "kUnboundedOrInfeasible"):
        word = "unbounded"
    elif name == "kModelEmpty":
        word = "optimal"
    else:
        return _failed(f"HiGHS stopped with '{h.modelStatusToString(model_status)}'.", hand_off, run_time)
    has_plan = word == "optimal" or (word == "time_limit" and info.primal_solution_status == 2)
    if not has_plan:
        message = {
            "infeasible": "no plan meets every constraint.",
            "unbounded": "the cost can be lowered without end.",
            "time_limit": "the solver stopped at its limit before finding a plan.",
        }[word]
        return HighsResult(
            word, message, np.zeros(0), np.zeros(0), np.nan, np.nan, run_time, hand_off, iterations, method
        )
    solution = h.getSolution()
    x = np.asarray(solution.col_value)
    objective = float(info.objective_function_value)
    gap = float(info.mip_gap) if lp.is_mip else 0.0
    row_dual = np.asarray(solution.row_dual) if solution.dual_valid else np.full(lp.shape[0], np.nan)
    if lp.is_mip and duals:
        row_dual = _fixed_integer_duals(h, lp, x)
        run_time = h.getRunTime() + run_time
    message = (
        "optimal plan found."
        if word == "optimal"
        else (f"stopped at the time limit; the best plan found is within {gap:.2%} of optimal.")
    )
    return HighsResult(word, message, x, row_dual, objective, gap, run_time, hand_off, iterations, method)


def _mip_bounds(out) -> dict:
    upper, lower = out.mip_primal_bound, out.mip_dual_bound
    bounds = {"lower": lower if abs(lower) < INF else None, "upper": upper if abs(upper) < INF else None}
    bounds["gap"] = out.mip_gap if bounds["upper"] is not None else None
    return bounds


def to_highs(lp: LP) -> highspy.HighsLp:
    """``lp`` as a highspy ``HighsLp`` (column-wise matrix, infinite limits as HiGHS' infinity)."""
    A = sp.csc_array(lp.A)
    A.sort_indices()
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = A.shape[1], A.shape[0]
    model.col_cost_ = np.asarray(lp.c, dtype=float)
    model.offset_ = float(lp.offset)
    model.col_lower_ = _finite_or_inf(lp.col_lower)
    model.col_upper_ = _finite_or_inf(lp.col_upper)
    model.row_lower_ = _finite_or_inf(lp.row_lower)
    model.row_upper_ = _finite_or_inf(lp.row_upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = A.indptr.astype(np.int32)
    model.a_matrix_.index_ = A.indices.astype(np.int32)
    model.a_matrix_.value_ = A.data.astype(float)
    if lp.is_mip:
        model.integrality_ = [
            highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous for b in lp.integer
        ]
    return model


def _finite_or_inf(values: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(values, dtype=float), -INF, INF)


def _fixed_integer_duals(h: highspy.Highs, lp: LP, x: np.ndarray) -> np.ndarray:
    """Duals of the LP left when every integer variable is fixed at its MIP value."""
    columns = np.flatnonzero(lp.integer).astype(np.int32)
    fixed = np.round(x[columns])
    h.changeColsIntegrality(len(columns), columns, np.full(len(columns), highspy.HighsVarType.kContinuous))
    h.changeColsBounds(len(columns), columns, fixed, fixed)
    h.run()
    if h.getModelStatus().name != "kOptimal":
        return np.full(lp.shape[0], np.nan)
    return np.asarray(h.getSolution().row_dual)


def _failed(message: str, hand_off: float, run_time: float = 0.0) -> HighsResult:
    return HighsResult("error", message, np.zeros(0), np.zeros(0), np.nan, np.nan, run_time, hand_off, {})
