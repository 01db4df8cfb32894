"""A regularised L-shaped method for the ATO two-stage LP (Benders by scenario).

The expected second-stage cost ``Q(q) = sum_b Q_b(q)`` is convex piecewise linear
in the first stage ``q``; each bundle ``b`` of scenarios returns its value and a
subgradient ``g_b = -T_b' pi_b`` (``pi_b`` the duals of its rows), a cut
``theta_b >= Q_b(q_k) + g_b (q - q_k)``. The master

    min  c0 q + sum_b theta_b   s.t.  first-stage rows, cuts,  |q - q_hat|_inf <= Delta

keeps the step inside an L-infinity trust region around the best plan ``q_hat``
(Linderoth and Wright, 2003): serious steps move the centre, null steps shrink
the region. The same master without the region gives a valid lower bound, the
best evaluated plan an upper bound; the method stops when they meet within the
relative tolerance. Warm start: the EF of a small sample of scenarios.

Each bundle is one persistent HiGHS object (its scenarios' blocks side by side)
whose row limits ``u - T q`` change between iterations, so dual simplex restarts
from the previous basis. Bundles are solved in parallel threads: HiGHS releases
the GIL while it runs.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from ..highs import INF, LP, HighsOptions, run_highs, to_highs
from .blocks import Blocks

#: With the trust region binding, the unregularised master (the lower bound) is
#: solved only this often, or when the region's model predicts no more progress.
LOWER_BOUND_EVERY = 4

#: The first trust region, as a fraction of the largest warm-start order.
INITIAL_RADIUS = 0.02
#: At most this many bundles (cuts per iteration, theta columns of the master).
MAX_BUNDLES = 500

#: Relative gap between the bounds at which the method stops (the EF agrees to it).
DEFAULT_GAP = 1e-7


@dataclass
class LShapedOptions:
    """Settings of :func:`lshaped`.

    gap: relative gap (UB - LB) / max(1, |UB|) to stop at.
    bundle_size: scenarios per subproblem (one HiGHS object, one cut); 0 chooses.
    sample: scenarios in the warm-start EF; 0 chooses (about 10%).
    threads: parallel subproblem solves (0: one per core).
    time_limit: seconds before stopping with the best plan.
    max_iterations: master iterations before stopping with the best plan.
    """

    gap: float = DEFAULT_GAP
    bundle_size: int = 0
    sample: int = 0
    threads: int = 0
    time_limit: float | None = None
    max_iterations: int = 500
    seed: int = 0


@dataclass
class LShapedResult:
    """The best plan found, its bounds and the bundles' solutions at that plan."""

    status: str  # optimal, time_limit
    q: np.ndarray
    upper: float
    lower: float
    z: np.ndarray  # second-stage columns at q, in W order
    duals: np.ndarray  # second-stage row duals at q, in W order
    iterations: int
    history: list = field(default_factory=list)
    times: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        return (self.upper - self.lower) / max(1.0, abs(self.upper))


class Bundle:
    """Scenarios ``first:last`` as one LP in ``z`` with row limits ``u - T q``."""

    def __init__(self, blocks: Blocks, first: int, last: int):
        r0, r1 = blocks.row_start[first], blocks.row_start[last]
        c0, c1 = blocks.col_start[first], blocks.col_start[last]
        self.rows = slice(r0, r1)
        self.cols = slice(c0, c1)
        self.T = sp.csr_array(blocks.T[r0:r1])
        self.upper = blocks.row_upper[r0:r1]
        self.index = np.arange(r1 - r0, dtype=np.int32)
        self.lower_bound = blocks.bound_below(first, last)
        lp = LP(
            c=blocks.c_second[c0:c1],
            A=sp.csc_array(blocks.W[r0:r1, c0:c1]),
            row_lower=np.full(r1 - r0, -np.inf),
            row_upper=self.upper,
            col_lower=blocks.col_lower[c0:c1],
            col_upper=blocks.col_upper[c0:c1],
        )
        self.highs = _quiet_highs()
        self.highs.setOptionValue("solver", "simplex")
        self.highs.setOptionValue("simplex_strategy", 1)  # dual: restarts well after a change of limits
        self.highs.passModel(to_highs(lp))

    def evaluate(self, q: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
        """``Q_b(q)``, a subgradient, and the solution (z, row duals)."""
        if self.cols.stop == self.cols.start:  # no demand in these scenarios: nothing to decide
            return 0.0, np.zeros(len(q)), np.zeros(0), np.zeros(0)
        h = self.highs
        h.changeRowsBounds(len(self.index), self.index, np.full(len(self.index), -INF), self.upper - self.T @ q)
        _run_to_optimum(h, "subproblem")
        solution = h.getSolution()
        dual = np.asarray(solution.row_dual)
        value = h.getInfo().objective_function_value
        return value, -(self.T.T @ dual), np.asarray(solution.col_value), dual


class Recourse:
    """All bundles of ``blocks``, evaluated in parallel threads: ``c0 q + sum_b Q_b(q)``."""

    def __init__(self, blocks: Blocks, bundle_size: int = 0, threads: int = 0):
        S = blocks.n_scenarios
        size = bundle_size or default_bundle_size(S)
        edges = np.unique(np.append(np.arange(0, S, size), S))
        self.blocks = blocks
        self.bundles = [Bundle(blocks, a, b) for a, b in itertools.pairwise(edges)]
        self.pool = ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1)

    def __enter__(self) -> Recourse:
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown()

    def evaluate(self, q: np.ndarray) -> tuple[float, np.ndarray, np.ndarray, list]:
        """Total cost at ``q``, each bundle's value and subgradient, and their solutions."""
        results = list(self.pool.map(lambda b: b.evaluate(q), self.bundles))
        values = np.array([r[0] for r in results])
        grads = np.vstack([r[1] for r in results])
        total = float(self.blocks.c_first @ q + values.sum() + self.blocks.offset)
        return total, values, grads, results


def evaluate_plan(blocks: Blocks, q: np.ndarray, threads: int = 0) -> tuple[float, np.ndarray, np.ndarray]:
    """Expected total cost of the first stage ``q``, with the second-stage columns and row duals."""
    with Recourse(blocks, threads=threads) as recourse:
        total, _, _, results = recourse.evaluate(q)
    return total, np.concatenate([r[2] for r in results]), np.concatenate([r[3] for r in results])


class Master:
    """``min c0 q + sum_b theta_b`` over first-stage rows and cuts, in a box or not.

    Two HiGHS objects hold the same rows: one is solved in the trust region, the
    other without it (the lower bound), so each restarts from its own last basis.
    Cuts slack for :data:`CUT_AGE_LIMIT` solves in a row are dropped from each.
    """

    def __init__(self, blocks: Blocks, theta_lower: np.ndarray):
        n, G = blocks.n_first, len(theta_lower)
        self.n, self.G = n, G
        self.lower, self.upper = blocks.first_lower, blocks.first_upper
        self.q_index = np.arange(n, dtype=np.int32)
        self.base_rows = blocks.A_first.shape[0]
        self.box = _MasterLP(blocks, theta_lower)
        self.free = _MasterLP(blocks, theta_lower)
        self.cuts = 0

    def add_cuts(self, group: np.ndarray, q: np.ndarray, value: np.ndarray, grad: np.ndarray) -> None:
        """Rows ``theta_g - grad_g q >= value_g - grad_g q_k``, one per group."""
        k = len(group)
        if not k:
            return
        dense = np.zeros((k, self.n + self.G))
        dense[:, : self.n] = -grad
        dense[np.arange(k), self.n + group] = 1.0
        cut = sp.csr_array(dense)
        for lp in (self.box, self.free):
            lp.add_cuts(cut, value - grad @ q)
        self.cuts += k

    def solve(self, centre: np.ndarray | None = None, radius: float = math.inf) -> tuple[float, np.ndarray, np.ndarray]:
        """The model's minimum (in the box ``|q - centre| <= radius``): value, q, theta."""
        if centre is None or not math.isfinite(radius):
            return self.free.solve(self.q_index, self.lower, self.upper)
        low, high = np.maximum(self.lower, centre - radius), np.minimum(self.upper, centre + radius)
        return self.box.solve(self.q_index, low, high)


#: A cut slack at this many master solves in a row leaves the master.
CUT_AGE_LIMIT = 8


class _MasterLP:
    """One HiGHS object of the master, with the age of each cut row."""

    def __init__(self, blocks: Blocks, theta_lower: np.ndarray):
        n, G = blocks.n_first, len(theta_lower)
        self.n = n
        self.highs = h = _quiet_highs()
        h.setOptionValue("simplex_strategy", 1)
        upper = np.clip(np.concatenate([blocks.first_upper, np.full(G, INF)]), -INF, INF)
        h.addVars(n + G, np.concatenate([blocks.first_lower, theta_lower]), upper)
        h.changeColsCost(n + G, np.arange(n + G, dtype=np.int32), np.concatenate([blocks.c_first, np.ones(G)]))
        A = sp.csr_array(blocks.A_first)
        self.base = A.shape[0]
        if self.base:
            self._add(A, blocks.first_row_lower, blocks.first_row_upper)
        self.age = np.zeros(0, dtype=int)
        self.rhs = np.zeros(0)

    def add_cuts(self, rows: sp.csr_array, lower: np.ndarray) -> None:
        """Cut rows ``rows x >= lower``, each of age 0."""
        self._add(rows, lower, np.full(rows.shape[0], np.inf))
        self.age = np.concatenate([self.age, np.zeros(rows.shape[0], dtype=int)])
        self.rhs = np.concatenate([self.rhs, lower])

    def _add(self, rows: sp.csr_array, lower: np.ndarray, upper: np.ndarray) -> None:
        self.highs.addRows(
            rows.shape[0],
            np.clip(lower, -INF, INF),
            np.clip(upper, -INF, INF),
            rows.nnz,
            rows.indptr.astype(np.int32),
            rows.indices.astype(np.int32),
            rows.data.astype(float),
        )

    def solve(self, index, low, high) -> tuple[float, np.ndarray, np.ndarray]:
        h = self.highs
        h.changeColsBounds(len(index), index, low, np.clip(high, -INF, INF))
        _run_to_optimum(h, "master")
        solution = h.getSolution()
        x = np.asarray(solution.col_value)
        value = h.getInfo().objective_function_value
        activity = np.asarray(solution.row_value)[self.base :]
        slack = activity - self.rhs > 1e-7 * (1.0 + np.abs(self.rhs))
        self.age = np.where(slack, self.age + 1, 0)
        old = np.flatnonzero(self.age >= CUT_AGE_LIMIT)
        if len(old):
            h.deleteRows(len(old), (old + self.base).astype(np.int32))
            keep = np.ones(len(self.age), dtype=bool)
            keep[old] = False
            self.age, self.rhs = self.age[keep], self.rhs[keep]
        return value, x[: self.n], x[self.n :]


def lshaped(
    blocks: Blocks,
    options: LShapedOptions | None = None,
    progress: Callable[[dict], None] | None = None,
) -> LShapedResult:
    """Minimise ``c0 q + sum_s Q_s(q)`` over the first-stage rows (the LP relaxation of lots)."""
    options = options or LShapedOptions()
    started = time.perf_counter()
    recourse = Recourse(blocks, options.bundle_size, options.threads)
    setup_time = time.perf_counter() - started
    G = len(recourse.bundles)
    master = Master(blocks, np.array([b.lower_bound for b in recourse.bundles]))
    const = blocks.offset
    deadline = started + options.time_limit if options.time_limit else math.inf
    evaluate = recourse.evaluate

    t0 = time.perf_counter()
    q_hat = _warm_start(blocks, options)
    warm_time = time.perf_counter() - t0
    f_hat, values, grads, best = evaluate(q_hat)
    master.add_cuts(np.arange(G), q_hat, values, grads)
    lower = -math.inf
    radius = max(1.0, INITIAL_RADIUS * float(np.abs(q_hat).max(initial=0.0)))
    history = []
    clock = {"master": 0.0, "recourse": 0.0}
    status = "optimal"
    iteration = 0
    try:
        for iteration in range(1, options.max_iterations + 1):
            tick = time.perf_counter()
            m_box, q_k, theta = master.solve(q_hat, radius)
            free = _inside(q_k, q_hat, radius, master.lower, master.upper)
            predicted = f_hat - (m_box + const)
            if free:  # the box does not bind: its minimum is the model's
                lower = max(lower, m_box + const)
            elif predicted <= options.gap * max(1.0, abs(f_hat)) or iteration % LOWER_BOUND_EVERY == 1:
                lower = max(lower, master.solve()[0] + const)
            clock["master"] += time.perf_counter() - tick
            gap = (f_hat - lower) / max(1.0, abs(f_hat))
            record = {
                "iteration": iteration,
                "lower": lower,
                "upper": f_hat,
                "gap": gap,
                "radius": radius,
                "cuts": master.cuts,
                "elapsed": time.perf_counter() - started,
            }
            if gap <= options.gap:
                record["final"] = True
            history.append(record)
            if progress is not None:
                progress(record)
            if gap <= options.gap:
                break
            if time.perf_counter() > deadline:
                status = "time_limit"
                break
            tick = time.perf_counter()
            f_k, values, grads, results = evaluate(q_k)
            clock["recourse"] += time.perf_counter() - tick
            violated = np.flatnonzero(values - theta > 1e-9 * (1.0 + np.abs(values)))
            master.add_cuts(violated, q_k, values[violated], grads[violated])
            if f_k < f_hat - 1e-4 * max(predicted, 0.0):  # serious step
                ratio = (f_hat - f_k) / max(predicted, 1e-300)
                q_hat, f_hat, best = q_k, f_k, results
                if ratio > 0.5 and not free:
                    radius *= 2.0
            else:  # null step: the model was too optimistic this far out
                ratio = (f_hat - f_k) / max(predicted, 1e-300)
                if ratio < 0.0:
                    radius = max(radius / 2.0, 1e-6)
        else:
            status = "time_limit"
    finally:
        recourse.pool.shutdown()
    z = np.concatenate([r[2] for r in best]) if best else np.zeros(0)
    duals = np.concatenate([r[3] for r in best]) if best else np.zeros(0)
    total = time.perf_counter() - started
    return LShapedResult(
        status=status,
        q=q_hat,
        upper=f_hat,
        lower=lower,
        z=z,
        duals=duals,
        iterations=iteration,
        history=history,
        times={"setup": setup_time, "warm_start": warm_time, "total": total, "bundles": G, **clock},
    )


def default_bundle_size(n_scenarios: int) -> int:
    """Scenarios per subproblem: one, up to :data:`MAX_BUNDLES` bundles (a master of bounded size)."""
    return max(1, math.ceil(n_scenarios / MAX_BUNDLES))


def _inside(q, centre, radius, lower, upper) -> bool:
    """Whether ``q`` lies strictly inside the trust region where it is tighter than the bounds."""
    tol = 1e-9 * (1.0 + radius)
    low_active = (centre - radius > lower) & (q <= centre - radius + tol)
    high_active = (centre + radius < upper) & (q >= centre + radius - tol)
    return not (low_active.any() or high_active.any())


def _warm_start(blocks: Blocks, options: LShapedOptions) -> np.ndarray:
    """First-stage plan of the EF over a random sample of scenarios (probabilities rescaled)."""
    S = blocks.n_scenarios
    n = options.sample or min(S, max(20, min(250, S // 10)))
    chosen = np.sort(np.random.default_rng(options.seed).choice(S, size=min(n, S), replace=False))
    rows = np.concatenate([np.arange(blocks.row_start[s], blocks.row_start[s + 1]) for s in chosen])
    cols = np.concatenate([np.arange(blocks.col_start[s], blocks.col_start[s + 1]) for s in chosen])
    c = blocks.c_second[cols]
    weight = 1.0 / blocks.probability[chosen].sum()
    n_first = blocks.n_first
    A = sp.vstack(
        [
            sp.hstack([blocks.A_first, sp.csr_array((blocks.A_first.shape[0], len(cols)))]),
            sp.hstack([blocks.T[rows], blocks.W[rows][:, cols]]),
        ],
        format="csc",
    )
    lp = LP(
        c=np.concatenate([blocks.c_first, c * weight]),
        A=A,
        row_lower=np.concatenate([blocks.first_row_lower, blocks.row_lower[rows]]),
        row_upper=np.concatenate([blocks.first_row_upper, blocks.row_upper[rows]]),
        col_lower=np.concatenate([blocks.first_lower, blocks.col_lower[cols]]),
        col_upper=np.concatenate([blocks.first_upper, blocks.col_upper[cols]]),
    )
    result = run_highs(lp, HighsOptions(method="ipm" if len(chosen) > 5 else "simplex"), duals=False)
    if not result.has_plan:
        return np.clip(np.zeros(n_first), blocks.first_lower, blocks.first_upper)
    return np.clip(result.x[:n_first], blocks.first_lower, blocks.first_upper)


def _run_to_optimum(h: highspy.Highs, what: str) -> None:
    """Run from the last basis; after numerical trouble start afresh once; else raise."""
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        h.clearSolver()
        h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"{what}: {h.modelStatusToString(h.getModelStatus())}")


def _quiet_highs() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h
