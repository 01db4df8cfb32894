"""A first-stage plan from mpi-sppy back to the usual :class:`~atoopt.solution.Solution`.

mpi-sppy returns the stock x_j. With it fixed, the second stage separates by
scenario; the core's matrix path (:func:`~atoopt.matrix.build_matrix` on the
second stage's rules, :func:`~atoopt.stats.evaluate.recourse_only`, with the
order q_j bounded to exactly x_j - on_hand_j) solves every scenario's assembly
in one HiGHS run, and :meth:`Solution.from_plan` builds the tables from stock,
assembly and availability duals as for any other solve. Its expected total cost
is the plan's true cost on the instance's scenarios: an upper bound on the optimum.
"""

from __future__ import annotations

import numpy as np

from ..errors import AtooptError
from ..highs import HighsOptions, run_highs
from ..instance import Instance
from ..matrix import build_matrix
from ..solution import Solution
from ..stats.evaluate import recourse_only


def evaluate_plan(instance: Instance, stock: np.ndarray, solver: dict | None = None, rel_gap: float = 0.0) -> Solution:
    """The Solution of the plan x = ``stock`` on every scenario of ``instance``.

    ``solver`` (the engine's report, with ``inner_bound`` and ``outer_bound`` when
    known) is completed with the gap between the two (or this plan's cost and the lower bound); the
    status is ``optimal`` within ``rel_gap`` of the lower bound, ``gap_limit`` else.
    """
    fixed = recourse_only(instance)  # the second stage's rules; the stock is fixed below
    model = build_matrix(fixed)
    order = np.maximum(np.asarray(stock, dtype=float), instance.arrays.on_hand) - instance.arrays.on_hand
    model.lp.col_lower[: model.n_order] = order
    model.lp.col_upper[: model.n_order] = order
    result = run_highs(model.lp, HighsOptions())
    if not result.has_plan:
        raise AtooptError(
            f"the stock plan from mpi-sppy cannot be carried out in every scenario ({result.status}: "
            f"{result.message}); check the resource limits, or solve with 'atoopt solve'."
        )
    x, assemble, dual = model.plan(fixed, result)
    solver = dict(solver or {})
    cost = float(result.objective)
    lower = solver.get("outer_bound")
    upper = solver.get("inner_bound", cost)  # the engine's objective: with CVaR, more than the expected cost
    gap = (upper - lower) / max(abs(upper), 1e-10) if lower is not None else float("nan")
    solver.update(plan_cost=cost, gap=gap, evaluation_time=result.run_time)
    within = np.isfinite(gap) and gap <= rel_gap + 1e-9
    status = "optimal" if within else "gap_limit"
    message = f"{solver.get('method', 'mpi-sppy')}: plan cost {cost:,.6g}" + (
        f", {gap:.4%} above the lower bound {lower:,.6g}" if lower is not None else ""
    )
    return Solution.from_plan(instance, x, assemble, dual, status, message, solver)
