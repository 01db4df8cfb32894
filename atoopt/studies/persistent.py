"""One HiGHS model kept alive across the cases of a study.

Cases of a study differ in numbers, rarely in shape: a new demand level changes
the bounds z_is <= d_is and the fill-rate right-hand sides, a new cost changes
the objective c, a new budget the right-hand side R_k. :class:`PersistentLP`
compares each case's LP (from :func:`atoopt.matrix.build_matrix`) with the one
HiGHS holds and passes only what differs (``changeColsCost``, ``changeColsBounds``,
``changeRowsBounds``, ``changeCoeff``, ``changeObjectiveOffset``). HiGHS keeps its
simplex basis, so the next solve starts from the last case's optimal basis: a
warm start. A case whose LP has another shape (a new fill-rate row, a budget
where there was none) is loaded afresh; integer models (lot sizes) are solved
cold, as a MIP has no basis to reuse.
"""

from __future__ import annotations

import time

import highspy
import numpy as np
import scipy.sparse as sp

from ..highs import LP, HighsOptions, HighsResult, run_highs


class PersistentLP:
    """A HiGHS instance and the LP it currently holds.

    ``solve(lp)`` returns the :class:`~atoopt.highs.HighsResult` and how it was
    reached: ``warm`` (vectors changed, basis kept), ``built`` (loaded afresh) or
    ``cold`` (solved by :func:`~atoopt.highs.run_highs`, for MIPs and for any LP
    without an optimal plan, which is then re-solved from scratch to be sure).
    """

    def __init__(self):
        self.options: HighsOptions | None = None
        self.highs: highspy.Highs | None = None
        self.lp: LP | None = None

    def solve(self, lp: LP, options: HighsOptions) -> tuple[HighsResult, str]:
        if options != self.options:  # a case with its own time limit or gap gets its own model
            self.reset()
            self.options = options
        if lp.is_mip:
            return run_highs(lp, self.options), "cold"
        started = time.perf_counter()
        if self.lp is not None and same_shape(self.lp, lp):
            self._update(lp)
            how = "warm"
        else:
            self._load(lp)
            how = "built"
        hand_off = time.perf_counter() - started
        h = self.highs
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self.reset()  # the basis of a failed solve is no start for the next case
            return run_highs(lp, self.options), "cold"
        info = h.getInfo()
        solution = h.getSolution()
        result = HighsResult(
            status="optimal",
            message="optimal plan found.",
            x=np.asarray(solution.col_value),
            row_dual=np.asarray(solution.row_dual),
            objective=float(info.objective_function_value),
            mip_gap=0.0,
            run_time=h.getRunTime(),
            hand_off_time=hand_off,
            iterations={"simplex": info.simplex_iteration_count, "ipm": info.ipm_iteration_count, "mip_nodes": 0},
        )
        self.lp = lp
        return result, how

    def reset(self) -> None:
        self.highs = None
        self.lp = None

    def _load(self, lp: LP) -> None:
        h = highspy.Highs()
        h.setOptionValue("output_flag", bool(self.options.verbose))
        h.setOptionValue("solver", "simplex")  # the method that can start from a basis
        if self.options.time_limit is not None:
            h.setOptionValue("time_limit", float(self.options.time_limit))
        if self.options.threads:
            h.setOptionValue("threads", int(self.options.threads))
        A = sp.csc_array(lp.A)
        n_rows, n_cols = A.shape
        h.addRows(n_rows, _bounded(lp.row_lower), _bounded(lp.row_upper), 0, np.zeros(0, np.int32), [], [])
        h.addCols(
            n_cols,
            np.asarray(lp.c, float),
            _bounded(lp.col_lower),
            _bounded(lp.col_upper),
            A.nnz,
            A.indptr.astype(np.int32),
            A.indices.astype(np.int32),
            A.data.astype(float),
        )
        h.changeObjectiveOffset(float(lp.offset))
        self.highs = h
        self.lp = lp

    def _update(self, lp: LP) -> None:
        """Pass HiGHS only the costs, bounds, coefficients and offset that differ."""
        h, old = self.highs, self.lp
        cols = _changed(old.c, lp.c)
        if len(cols):
            h.changeColsCost(len(cols), cols, np.asarray(lp.c, float)[cols])
        cols = _changed(old.col_lower, lp.col_lower, old.col_upper, lp.col_upper)
        if len(cols):
            h.changeColsBounds(len(cols), cols, _bounded(lp.col_lower[cols]), _bounded(lp.col_upper[cols]))
        rows = _changed(old.row_lower, lp.row_lower, old.row_upper, lp.row_upper)
        if len(rows):
            h.changeRowsBounds(len(rows), rows, _bounded(lp.row_lower[rows]), _bounded(lp.row_upper[rows]))
        A_old, A_new = sp.csc_array(old.A), sp.csc_array(lp.A)
        entries = np.flatnonzero(A_old.data != A_new.data)
        if len(entries):
            col_of_entry = np.repeat(np.arange(A_new.shape[1]), np.diff(A_new.indptr))
            for e in entries:
                h.changeCoeff(int(A_new.indices[e]), int(col_of_entry[e]), float(A_new.data[e]))
        if old.offset != lp.offset:
            h.changeObjectiveOffset(float(lp.offset))


def same_shape(a: LP, b: LP) -> bool:
    """Same rows, columns, sparsity pattern and integrality: only numbers differ."""
    if a.A.shape != b.A.shape or a.A.nnz != b.A.nnz:
        return False
    A, B = sp.csc_array(a.A), sp.csc_array(b.A)
    return (
        np.array_equal(A.indptr, B.indptr)
        and np.array_equal(A.indices, B.indices)
        and np.array_equal(a.integer, b.integer)
    )


def _changed(*pairs: np.ndarray) -> np.ndarray:
    """Positions where any (old, new) pair of vectors differs, as HiGHS indices."""
    differ = np.zeros(len(pairs[0]), dtype=bool)
    for old, new in zip(pairs[::2], pairs[1::2]):
        differ |= np.asarray(old, float) != np.asarray(new, float)
    return np.flatnonzero(differ).astype(np.int32)


def _bounded(values: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(values, dtype=float), -highspy.kHighsInf, highspy.kHighsInf)
