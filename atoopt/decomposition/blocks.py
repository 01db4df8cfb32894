"""The extensive-form LP split into its first stage and its scenario blocks.

The EF of :func:`atoopt.matrix.build_matrix` reads, with first-stage columns
``q`` (orders, lots) and second-stage columns ``z_s`` (assembly in scenario s)::

    min  c0 q + sum_s c_s z_s
    s.t. l0 <= A0 q <= u0                       (lots, resource limits on stock)
         l_s <= T_s q + W_s z_s <= u_s          (availability, assembly resources)

The split is read from the matrix itself, so the decomposition solves exactly
the model the other paths solve. A row touching the columns of two scenarios
(a fill-rate target) links the scenarios: such a model is not split.

The recourse is relatively complete when every second-stage row is ``<=`` with
``W_s >= 0`` and every ``z`` has lower bound 0: then ``z_s = 0`` is feasible
whenever ``T_s q <= u_s``, and those "induced" rows go into the master.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..matrix import MatrixModel


class NotDecomposableError(ValueError):
    """The model has a feature the L-shaped method does not handle; solve the EF."""


@dataclass
class Blocks:
    """First stage and scenario blocks of one EF LP (rows of a block are contiguous).

    ``W`` and ``T`` hold the second-stage rows sorted by scenario; scenario ``s``
    owns rows ``row_start[s]:row_start[s+1]`` and columns
    ``col_start[s]:col_start[s+1]`` of ``W`` (columns in EF order after ``n_first``).
    """

    n_first: int
    c_first: np.ndarray
    first_lower: np.ndarray
    first_upper: np.ndarray
    first_integer: np.ndarray
    A_first: sp.csr_array  # first-stage rows (lots, resources) and induced rows
    first_row_lower: np.ndarray
    first_row_upper: np.ndarray
    W: sp.csr_array
    T: sp.csr_array
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_order: np.ndarray  # EF row index of each W/T row
    c_second: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_start: np.ndarray
    col_start: np.ndarray
    offset: float
    probability: np.ndarray  # p_s

    @property
    def n_scenarios(self) -> int:
        return len(self.row_start) - 1

    def first_stage_feasible(self, q: np.ndarray, tolerance: float = 1e-7) -> bool:
        """Whether ``q`` keeps its bounds and the first-stage (and induced) rows."""
        activity = self.A_first @ q
        scale = tolerance * (1.0 + np.abs(activity))
        return bool(
            np.all(q >= self.first_lower - tolerance * (1.0 + np.abs(q)))
            and np.all(q <= self.first_upper + tolerance * (1.0 + np.abs(q)))
            and np.all(activity >= self.first_row_lower - scale)
            and np.all(activity <= self.first_row_upper + scale)
        )

    def bound_below(self, first: int, last: int) -> float:
        """A lower bound of the second-stage cost of scenarios ``first:last`` (any q)."""
        c0, c1 = self.col_start[first], self.col_start[last]
        c = self.c_second[c0:c1]
        return float(np.minimum(c * self.col_lower[c0:c1], c * self.col_upper[c0:c1]).sum())


def split(model: MatrixModel, probability: np.ndarray) -> Blocks:
    """Split the EF of ``model`` by scenario; raises :class:`NotDecomposableError`."""
    lp = model.lp
    n_scenarios = len(probability)
    n_first = model.n_order + model.n_lots
    n_cols = lp.shape[1]
    if n_cols != n_first + len(model.pair_scenario):
        raise NotDecomposableError("the objective weighs the cost's tail (CVaR), which links the scenarios")
    col_scenario = np.full(n_cols, -1)
    col_scenario[n_first:] = model.pair_scenario
    if np.any(np.diff(model.pair_scenario) < 0):
        raise NotDecomposableError("assembly columns are not ordered by scenario")
    A = sp.csr_array(lp.A)
    A.sort_indices()
    entry_row = np.repeat(np.arange(A.shape[0]), np.diff(A.indptr))
    entry_scenario = col_scenario[A.indices]
    second = entry_scenario >= 0
    low = np.full(A.shape[0], np.iinfo(np.int64).max)
    high = np.full(A.shape[0], -1)
    np.minimum.at(low, entry_row[second], entry_scenario[second])
    np.maximum.at(high, entry_row[second], entry_scenario[second])
    scenario_row = high >= 0
    if np.any(scenario_row & (low != high)):
        raise NotDecomposableError("a constraint links scenarios (a fill-rate target)")
    if np.any(lp.col_lower[n_first:] != 0) or np.any(A.data[second] < 0):
        raise NotDecomposableError("the recourse is not of the packing form z >= 0, W z <= u")
    if np.any(np.isfinite(lp.row_lower[scenario_row])):
        raise NotDecomposableError("a second-stage row has a lower limit")
    if np.any(~np.isfinite(lp.col_upper[n_first:])):
        raise NotDecomposableError("a second-stage column is unbounded")

    rows = np.flatnonzero(scenario_row)
    rows = rows[np.argsort(high[rows], kind="stable")]
    row_start = np.searchsorted(high[rows], np.arange(n_scenarios + 1))
    col_start = n_first + np.searchsorted(model.pair_scenario, np.arange(n_scenarios + 1))
    block = A[rows]
    W = sp.csr_array(block[:, n_first:])
    T = sp.csr_array(block[:, :n_first])
    upper = lp.row_upper[rows]

    first_rows = np.flatnonzero(~scenario_row)
    induced_A, induced_upper = _induced_rows(T, upper, lp.col_lower[:n_first], lp.col_upper[:n_first])
    A_first = sp.vstack([A[first_rows][:, :n_first], induced_A], format="csr")
    return Blocks(
        n_first=n_first,
        c_first=lp.c[:n_first],
        first_lower=lp.col_lower[:n_first],
        first_upper=lp.col_upper[:n_first],
        first_integer=lp.integer[:n_first] if lp.integer.size else np.zeros(n_first, bool),
        A_first=A_first,
        first_row_lower=np.concatenate([lp.row_lower[first_rows], np.full(len(induced_upper), -np.inf)]),
        first_row_upper=np.concatenate([lp.row_upper[first_rows], induced_upper]),
        W=W,
        T=T,
        row_lower=lp.row_lower[rows],
        row_upper=upper,
        row_order=rows,
        c_second=lp.c[n_first:],
        col_lower=lp.col_lower[n_first:],
        col_upper=lp.col_upper[n_first:],
        row_start=row_start,
        col_start=col_start - n_first,
        offset=lp.offset,
        probability=np.asarray(probability, dtype=float),
    )


def _induced_rows(T: sp.csr_array, upper: np.ndarray, low: np.ndarray, high: np.ndarray):
    """Distinct rows ``T_r q <= u_r`` that keep ``z = 0`` feasible and can bind on the box."""
    Tp, Tn = T.maximum(0), T.minimum(0)
    unbounded = np.isinf(high)
    worst = Tp @ np.where(unbounded, 0.0, high) + Tn @ low
    can_bind = (worst > upper) | (Tp @ unbounded.astype(float) > 0)
    if not can_bind.any():
        return sp.csr_array((0, T.shape[1])), np.zeros(0)
    dense = np.column_stack([T[np.flatnonzero(can_bind)].toarray(), upper[can_bind]])
    unique = np.unique(dense, axis=0)
    return sp.csr_array(unique[:, :-1]), unique[:, -1]
