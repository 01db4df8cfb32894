"""The same extensive-form LP as :mod:`atoopt.model`, assembled directly with numpy.

No Pyomo objects: every block of the constraint matrix is built from the
instance's arrays in O(nonzeros), then handed to HiGHS in one call. It is an
independent second computation of the model (the tests hold the two equal) and
the fast path for large instances.

Columns: ``order`` q_j (J), ``lots`` n_j (components with a lot size), ``assemble``
z_is (demand pairs, scenario by scenario). Rows: component availability (j, s)
where s demands a configuration using j; lots; fill-rate targets; resources.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .highs import LP, HighsResult, run_highs
from .instance import Instance


@dataclass
class MatrixModel:
    """The LP and the maps from its columns and rows back to the plan."""

    lp: LP
    pair_scenario: np.ndarray  # per assemble column: scenario position s
    pair_configuration: np.ndarray  # per assemble column: configuration position i
    availability_rows: np.ndarray  # (component position j, scenario position s) per availability row
    n_order: int
    n_lots: int

    def plan(self, instance: Instance, result: HighsResult):
        """Stock (J), assembly (S x I) and availability duals (S x J) of a solved LP."""
        a = instance.arrays
        x = result.x
        stock = a.on_hand + x[: self.n_order]
        assemble = np.zeros((len(a.S), len(a.I)))
        first = self.n_order + self.n_lots
        assemble[self.pair_scenario, self.pair_configuration] = x[first : first + len(self.pair_scenario)]
        dual = np.zeros((len(a.S), len(a.J)))
        j, s = self.availability_rows
        dual[s, j] = result.row_dual[: len(j)]
        return stock, assemble, dual


def build_matrix(instance: Instance) -> MatrixModel:
    """Assemble the extensive form of :func:`atoopt.model.build_model` as one sparse LP."""
    a = instance.arrays
    nJ, nS = len(a.J), len(a.S)
    p = a.p
    s_of_pair, i_of_pair = np.nonzero(a.D)  # scenario-major, as the Pyomo model orders them
    n_pairs = len(s_of_pair)
    lot_components = np.flatnonzero(~np.isnan(a.lot_size))
    n_lots = len(lot_components)
    first_z = nJ + n_lots
    n_cols = first_z + n_pairs

    # Availability: sum_i a_ij z_is - q_j <= on_hand_j, one row per (j, s) with use.
    A = sp.csr_array(a.A)
    per_pair = np.diff(A.indptr)[i_of_pair]
    entry_pair = np.repeat(np.arange(n_pairs), per_pair)
    starts = A.indptr[i_of_pair]
    offsets = np.arange(len(entry_pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    entry_bom = np.repeat(starts, per_pair) + offsets
    entry_j = A.indices[entry_bom]
    row_key = entry_j * nS + s_of_pair[entry_pair]  # component-major, as in the Pyomo model
    keys, row_of_entry = np.unique(row_key, return_inverse=True)
    n_avail = len(keys)
    avail_j, avail_s = keys // nS, keys % nS
    rows = [row_of_entry, np.arange(n_avail)]
    cols = [first_z + entry_pair, avail_j]
    vals = [A.data[entry_bom], -np.ones(n_avail)]
    lower = [np.full(n_avail, -np.inf)]
    upper = [a.on_hand[avail_j]]
    n_rows = n_avail

    def add_rows(r, c, v, lo, hi):
        nonlocal n_rows
        rows.append(np.asarray(r) + n_rows)
        cols.append(np.asarray(c))
        vals.append(np.asarray(v, dtype=float))
        lower.append(np.asarray(lo, dtype=float))
        upper.append(np.asarray(hi, dtype=float))
        n_rows += len(lo)

    # Lots: q_j - L_j n_j = 0.
    if n_lots:
        k = np.arange(n_lots)
        add_rows(
            np.concatenate([k, k]),
            np.concatenate([lot_components, nJ + k]),
            np.concatenate([np.ones(n_lots), -a.lot_size[lot_components]]),
            np.zeros(n_lots),
            np.zeros(n_lots),
        )

    # Fill-rate targets: sum_s p_s z_is >= f_i sum_s p_s d_is.
    expected = p @ a.D
    targets = np.flatnonzero(~np.isnan(a.f) & (a.f > 0) & (expected > 0))
    if len(targets):
        target_row = np.full(len(a.I), -1)
        target_row[targets] = np.arange(len(targets))
        on_target = target_row[i_of_pair] >= 0
        add_rows(
            target_row[i_of_pair[on_target]],
            first_z + np.flatnonzero(on_target),
            p[s_of_pair[on_target]],
            a.f[targets] * expected[targets],
            np.full(len(targets), np.inf),
        )

    _add_resources(instance, add_rows, s_of_pair, i_of_pair, first_z)

    A_full = sp.csc_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, n_cols))
    low, high = a.order_bounds
    col_lower = np.concatenate([low, np.zeros(n_lots), np.zeros(n_pairs)])
    col_upper = np.concatenate([high, np.full(n_lots, np.inf), a.D[s_of_pair, i_of_pair]])
    c = np.concatenate([a.c + a.h - a.v, np.zeros(n_lots), p[s_of_pair] * a.assembly_cost_net[i_of_pair]])
    offset = float((a.h - a.v) @ a.on_hand + p @ (a.D @ a.b))
    integer = np.zeros(n_cols, dtype=bool)
    integer[nJ:first_z] = True
    lp = LP(
        c=c,
        A=A_full,
        row_lower=np.concatenate(lower),
        row_upper=np.concatenate(upper),
        col_lower=col_lower,
        col_upper=col_upper,
        integer=integer,
        offset=offset,
    )
    if instance.settings.get("cvar_weight"):
        lp = _add_cvar(lp, a, s_of_pair, i_of_pair, first_z, instance.settings)
    return MatrixModel(lp, s_of_pair, i_of_pair, np.vstack([avail_j, avail_s]), nJ, n_lots)


def _add_cvar(lp: LP, a, s_of_pair, i_of_pair, first_z: int, settings) -> LP:
    """weight x CVaR_alpha(cost) added to the objective, as :func:`atoopt.model._add_cvar`.

    New columns eta (free) and e_s >= 0; rows cost_s - eta - e_s <= 0, i.e.
    (c + h - v) q + sum_i net_i z_is - eta - e_s <= -((h - v) on_hand + b d_s).
    """
    weight, level = float(settings["cvar_weight"]), float(settings.get("cvar_level", 0.95))
    nJ, nS = len(a.J), len(a.S)
    n_cols = lp.A.shape[1]
    eta, excess = n_cols, n_cols + 1 + np.arange(nS)
    scen = np.arange(nS)
    rows = np.concatenate([np.repeat(scen, nJ), s_of_pair, scen, scen])
    cols = np.concatenate([np.tile(np.arange(nJ), nS), first_z + np.arange(len(s_of_pair)), np.full(nS, eta), excess])
    vals = np.concatenate([np.tile(a.c + a.h - a.v, nS), a.assembly_cost_net[i_of_pair], -np.ones(nS), -np.ones(nS)])
    keep = vals != 0
    block = sp.csc_array((vals[keep], (rows[keep], cols[keep])), shape=(nS, n_cols + 1 + nS))
    A = sp.vstack([sp.hstack([lp.A, sp.csc_array((lp.A.shape[0], 1 + nS))]), block], format="csc")
    constant = (a.h - a.v) @ a.on_hand + a.D @ a.b
    return LP(
        c=np.concatenate([lp.c, [weight], weight * a.p / (1.0 - level)]),
        A=A,
        row_lower=np.concatenate([lp.row_lower, np.full(nS, -np.inf)]),
        row_upper=np.concatenate([lp.row_upper, -constant]),
        col_lower=np.concatenate([lp.col_lower, [-np.inf], np.zeros(nS)]),
        col_upper=np.concatenate([lp.col_upper, np.full(1 + nS, np.inf)]),
        integer=np.concatenate([lp.integer, np.zeros(1 + nS, dtype=bool)]),
        offset=lp.offset,
    )


def _add_resources(instance: Instance, add_rows, s_of_pair, i_of_pair, first_z) -> None:
    """ResourceLimit (one row) or AssemblyResourceLimit (one row per scenario) per resource."""
    a = instance.arrays
    resources, uses = instance.resource_table()
    j_of, i_of = {j: n for n, j in enumerate(a.J)}, {i: n for n, i in enumerate(a.I)}
    nS = len(a.S)
    for k, capacity in resources["capacity"].items():
        rows = uses[uses["resource"] == k]
        order_use = np.zeros(len(a.J))
        for item, u in rows[rows["per"] != "assembly"][["item", "usage"]].itertuples(index=False):
            order_use[j_of[item]] += u
        stock_rows = rows[rows["per"] == "stock"]
        fixed = float(sum(u * a.on_hand[j_of[j]] for j, u in zip(stock_rows["item"], stock_rows["usage"])))
        q_cols = np.flatnonzero(order_use)
        assembly = rows[rows["per"] == "assembly"]
        if assembly.empty:
            add_rows(np.zeros(len(q_cols), int), q_cols, order_use[q_cols], [-np.inf], [capacity - fixed])
            continue
        per_config = np.zeros(len(a.I))
        for item, u in zip(assembly["item"], assembly["usage"]):
            per_config[i_of[item]] += u
        pair_use = per_config[i_of_pair]
        on = np.flatnonzero(pair_use)
        present = np.ones(nS, bool) if len(q_cols) else np.isin(np.arange(nS), s_of_pair[on])
        row_of_s = np.cumsum(present) - 1
        scen = np.flatnonzero(present)
        r = np.concatenate([np.repeat(row_of_s[scen], len(q_cols)), row_of_s[s_of_pair[on]]])
        c = np.concatenate([np.tile(q_cols, len(scen)), first_z + on])
        v = np.concatenate([np.tile(order_use[q_cols], len(scen)), pair_use[on]])
        add_rows(r, c, v, np.full(len(scen), -np.inf), np.full(len(scen), capacity - fixed))


def solve_matrix(instance: Instance, options=None):
    """Solve through the matrix path; returns a :class:`~atoopt.solution.Solution`."""
    from .solution import Solution
    from .solve import SolveOptions

    options = options or SolveOptions()
    started = time.perf_counter()
    model = build_matrix(instance)
    build_time = time.perf_counter() - started
    result = run_highs(model.lp, options.for_highs(instance))
    rows, cols, nonzeros = model.lp.shape
    solver = {
        "path": "matrix",
        "build_time": build_time,
        "hand_off_time": result.hand_off_time,
        "run_time": result.run_time,
        "rows": rows,
        "columns": cols,
        "nonzeros": nonzeros,
        "mip_gap": result.mip_gap,
        "solver_objective": result.objective,
    }
    if not result.has_plan:
        return Solution.without_plan(result.status, result.message, solver)
    stock, assemble, dual = model.plan(instance, result)
    return Solution.from_plan(instance, stock, assemble, dual, result.status, result.message, solver)
