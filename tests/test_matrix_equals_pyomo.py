"""The matrix-built EF is the Pyomo model: same columns, rows, bounds and objective.

The Pyomo model is compiled by Pyomo's own standard-form compiler; its columns
are mapped to the matrix ones by name (order[j], lots[j], assemble[i,s]), every
row of both is put in a canonical form (first coefficient positive) and the two
row sets are compared after sorting. All constraint families are on.
"""

import numpy as np
import pytest

from atoopt.generate import FEATURES, random_instance
from atoopt.matrix import build_matrix
from atoopt.model import build_model
from atoopt.pyomo_lp import compile_model


def _column_map(instance, model, compiled):
    """Matrix column of each compiled Pyomo column."""
    a = instance.arrays
    j_of = {j: n for n, j in enumerate(a.J)}
    lots = [a.J[n] for n in np.flatnonzero(~np.isnan(a.lot_size))]
    lot_of = {j: model.n_order + n for n, j in enumerate(lots)}
    first_z = model.n_order + model.n_lots
    pair_of = {
        (a.I[i], a.S[s]): first_z + n for n, (s, i) in enumerate(zip(model.pair_scenario, model.pair_configuration))
    }
    where = []
    for var in compiled.columns:
        name, index = var.parent_component().name, var.index()
        where.append({"order": j_of, "lots": lot_of, "assemble": pair_of}[name][index])
    return np.array(where)


def _canonical_rows(A, lower, upper, column_of=None):
    """Rows as sorted tuples ((col, coef)..., lower, upper), each scaled so its first coefficient is +."""
    A = A.tocsr()
    rows = []
    for r in range(A.shape[0]):
        cols, vals = A.indices[A.indptr[r] : A.indptr[r + 1]], A.data[A.indptr[r] : A.indptr[r + 1]]
        if column_of is not None:
            cols = column_of[cols]
        order = np.argsort(cols)
        cols, vals = cols[order], vals[order]
        lo, hi = lower[r], upper[r]
        if vals[0] < 0:
            vals, lo, hi = -vals, -hi, -lo
        rows.append((tuple(cols), tuple(np.round(vals, 9)), round(lo, 9), round(hi, 9)))
    return sorted(rows)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("prices", [False, True])
def test_matrix_is_the_pyomo_model(seed, prices):
    instance = random_instance(8, 10, 6, 3, seed=seed, prices=prices, features=FEATURES)
    model = build_matrix(instance)
    pyomo_model = build_model(instance)  # kept alive: compiled rows refer back to it
    compiled = compile_model(pyomo_model)
    lp, ref = model.lp, compiled.lp
    assert ref.shape == lp.shape
    column_of = _column_map(instance, model, compiled)
    assert sorted(column_of) == list(range(lp.shape[1]))  # one to one
    np.testing.assert_allclose(lp.c[column_of], ref.c, atol=1e-12)
    assert lp.offset == pytest.approx(ref.offset, abs=1e-9)
    np.testing.assert_array_equal(lp.col_lower[column_of], ref.col_lower)
    np.testing.assert_array_equal(lp.col_upper[column_of], ref.col_upper)
    np.testing.assert_array_equal(lp.integer[column_of], ref.integer)
    assert _canonical_rows(lp.A, lp.row_lower, lp.row_upper) == _canonical_rows(
        ref.A, ref.row_lower, ref.row_upper, column_of
    )
    # every constraint family is present
    families = {con.parent_component().name for con in compiled.rows}
    assert families >= {"ComponentAvailability", "OrderInLots", "FillRateTarget", "AssemblyResourceLimit"}
