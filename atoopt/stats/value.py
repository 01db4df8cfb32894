"""What modelling uncertainty is worth: EV, EEV, VSS, wait-and-see and EVPI.

With RP the optimal expected cost of the stochastic program (the recourse problem):

- EV: the cost of the expected-value problem (every demand at its mean), and
  x_EV its stock;
- EEV: the expected cost of x_EV when demand is uncertain (the stochastic
  program with the first stage fixed at x_EV);
- VSS = EEV - RP >= 0: what solving the stochastic program saves over planning
  for the average;
- WS: the wait-and-see cost, E over scenarios of the best cost with demand known
  in advance (the extensive form without nonanticipativity: one stock per scenario);
- EVPI = RP - WS >= 0: what a perfect forecast would be worth.

Both gaps are computed with the same LP (the matrix path), so they are never
negative beyond solver tolerance. They are for the risk-neutral expected cost
(a ``cvar_weight`` setting is set aside here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..highs import LP, HighsOptions, run_highs
from ..matrix import MatrixModel, build_matrix
from ..scenarios.tables import with_demand, with_settings
from .numbers import plain


@dataclass
class ValueOfInformation:
    """RP, EV, EEV, VSS, WS and EVPI (None where a problem has no solution, see ``notes``)."""

    recourse: float | None
    expected_value: float | None
    eev: float | None
    wait_and_see: float | None
    ev_stock: pd.Series = field(default_factory=pd.Series)
    notes: list[str] = field(default_factory=list)

    @property
    def vss(self) -> float | None:
        return _difference(self.eev, self.recourse)

    @property
    def evpi(self) -> float | None:
        return _difference(self.recourse, self.wait_and_see)

    def summary(self) -> dict:
        """Plain JSON: an infinite EEV (no feasible recourse) becomes null, with a note."""
        return plain(
            {
                "recourse_problem": self.recourse,
                "expected_value_problem": self.expected_value,
                "eev": self.eev,
                "vss": self.vss,
                "wait_and_see": self.wait_and_see,
                "evpi": self.evpi,
                "ev_stock": {str(j): float(x) for j, x in self.ev_stock.items()},
                "notes": list(self.notes),
            }
        )


def value_of_information(instance, options: HighsOptions | None = None) -> ValueOfInformation:
    """RP, EV, EEV, VSS, WS and EVPI of ``instance`` (its own scenarios)."""
    options = options or HighsOptions()
    instance = with_settings(instance, cvar_weight=0.0)
    a = instance.arrays
    notes = []
    full = build_matrix(instance)
    rp = run_highs(full.lp, options, duals=False)
    recourse = rp.objective if rp.has_plan else None
    if recourse is None:
        notes.append(f"the stochastic program has no plan ({rp.status}).")
    mean_instance = with_demand(instance, (a.p @ a.D)[None, :], np.ones(1), ids=["mean"])
    mean_model = build_matrix(mean_instance)
    ev = run_highs(mean_model.lp, options, duals=False)
    ev_value, eev, ev_stock = None, None, pd.Series(dtype=float)
    if ev.has_plan:
        ev_value = ev.objective
        first = mean_model.n_order + mean_model.n_lots
        ev_stock = pd.Series(a.on_hand + ev.x[: mean_model.n_order], index=pd.Index(a.J, name="component"))
        eev_result = run_highs(fix_first_stage(full, ev.x[:first]), options, duals=False)
        if eev_result.has_plan:
            eev = eev_result.objective
        else:
            notes.append("the mean-demand plan has no feasible recourse under uncertainty (EEV is infinite).")
            eev = math.inf
    else:
        notes.append(f"the mean-demand problem has no plan ({ev.status}).")
    ws = run_highs(wait_and_see_lp(full, len(a.S), a.p), options, duals=False)
    if not ws.has_plan:
        notes.append(f"the wait-and-see problem has no plan ({ws.status}).")
    return ValueOfInformation(recourse, ev_value, eev, ws.objective if ws.has_plan else None, ev_stock, notes)


def fix_first_stage(model: MatrixModel, first_stage: np.ndarray) -> LP:
    """The LP of ``model`` with order (and lot) columns fixed at ``first_stage``; integrality dropped."""
    lp = model.lp
    n = len(first_stage)
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[:n] = upper[:n] = np.round(first_stage, 9)
    return LP(lp.c, lp.A, lp.row_lower, lp.row_upper, lower, upper, np.zeros(lp.A.shape[1], dtype=bool), lp.offset)


def wait_and_see_lp(model: MatrixModel, n_scenarios: int, p: np.ndarray) -> LP:
    """The extensive form with one copy of the first stage per scenario (no nonanticipativity).

    A row holding assembly of one scenario s uses copy s of the first stage; a row of
    first-stage columns only (lots, budget) is repeated for every copy; rows coupling
    scenarios through assembly alone (fill-rate targets) are kept as they are. Copy s
    of a first-stage cost is weighted by p_s.
    """
    lp = model.lp
    n_first = model.n_order + model.n_lots
    n_rows, n_cols = lp.A.shape
    A = sp.coo_array(lp.A)
    r, c, v = A.row, A.col, A.data
    is_z = (c >= n_first) & (c < n_first + len(model.pair_scenario))
    scen = np.full(len(c), -1)
    scen[is_z] = model.pair_scenario[c[is_z] - n_first]
    low = np.full(n_rows, np.iinfo(np.int64).max)
    high = np.full(n_rows, -1)
    np.minimum.at(low, r[is_z], scen[is_z])
    np.maximum.at(high, r[is_z], scen[is_z])
    first_only = high < 0
    row_scenario = np.where(low == high, high, -1)
    first_entry = c < n_first
    if np.any(first_entry & ~first_only[r] & (row_scenario[r] < 0)):
        raise ValueError("a row couples first-stage columns with several scenarios")
    extra = n_cols - n_first - len(model.pair_scenario)  # columns after assembly (e.g. CVaR)
    if extra:
        raise ValueError("the wait-and-see LP is built for the risk-neutral model")
    shift = (n_scenarios - 1) * n_first
    kept_rows = np.flatnonzero(~first_only)
    new_row = np.full(n_rows, -1)
    new_row[kept_rows] = np.arange(len(kept_rows))
    dup_rows = np.flatnonzero(first_only)
    dup_index = np.full(n_rows, -1)
    dup_index[dup_rows] = np.arange(len(dup_rows))
    base = len(kept_rows)

    single = ~first_only[r]
    rows = [new_row[r[single]]]
    cols = [np.where(first_entry[single], row_scenario[r[single]] * n_first + c[single], c[single] + shift)]
    vals = [v[single]]
    dup = first_only[r]
    for s in range(n_scenarios):
        rows.append(base + dup_index[r[dup]] * n_scenarios + s)
        cols.append(s * n_first + c[dup])
        vals.append(v[dup])
    shape = (base + len(dup_rows) * n_scenarios, n_cols + shift)
    A_ws = sp.csc_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)
    repeat_rows = np.repeat(dup_rows, n_scenarios)
    first, second = slice(0, n_first), slice(n_first, n_cols)
    return LP(
        c=np.concatenate([np.kron(p, lp.c[first]), lp.c[second]]),
        A=A_ws,
        row_lower=np.concatenate([lp.row_lower[kept_rows], lp.row_lower[repeat_rows]]),
        row_upper=np.concatenate([lp.row_upper[kept_rows], lp.row_upper[repeat_rows]]),
        col_lower=np.concatenate([np.tile(lp.col_lower[first], n_scenarios), lp.col_lower[second]]),
        col_upper=np.concatenate([np.tile(lp.col_upper[first], n_scenarios), lp.col_upper[second]]),
        integer=np.concatenate([np.tile(lp.integer[first], n_scenarios), lp.integer[second]]),
        offset=lp.offset,
    )


def _difference(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return a - b
