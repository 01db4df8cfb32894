"""The Pyomo model of the two-stage ATO stocking problem: the reference formulation.

:func:`build_model` returns a ``ConcreteModel`` whose names follow
``models/ato_two_stage.md`` (one row there per constraint below). Index sets are
grouped once up front (configurations by component, demand pairs by scenario), so
every rule touches only its own nonzeros and build time grows linearly with them.
Users extend the model by adding components before :func:`atoopt.solve_model`.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyomo.environ as pyo

from .instance import Instance

#: A use below this is taken as "does not use the resource" (exact zeros are dropped).
_NO_USE = 0.0


def build_model(instance: Instance, elastic: bool = False) -> pyo.ConcreteModel:
    """Build the extensive form of the two-stage stochastic program.

    First stage: ``order[j]`` (q_j), with ``stock[j]`` = on_hand_j + q_j (x_j).
    Second stage, per scenario s: ``assemble[i, s]`` (z_is) for demand pairs with
    d_is > 0. Objective ``TotalCost`` = ``FirstStageCost`` + sum_s p_s
    ``SecondStageCost[s]``.

    With ``elastic=True`` the fill-rate targets, resource limits and stock bounds
    get nonnegative violation variables and the objective becomes their weighted
    sum: the model used to explain an infeasible plan.
    """
    a = instance.arrays
    m = pyo.ConcreteModel(name=instance.name or "atoopt")
    J, I, S = a.J.tolist(), a.I.tolist(), a.S.tolist()
    p = dict(zip(S, a.p))
    m.Components = pyo.Set(initialize=J, ordered=True)
    m.Configurations = pyo.Set(initialize=I, ordered=True)
    m.Scenarios = pyo.Set(initialize=S, ordered=True)

    # Demand pairs (i, s) with d_is > 0, grouped by scenario; BOM grouped by component.
    s_idx, i_idx = np.nonzero(a.D)
    demand = {(I[i], S[s]): a.D[s, i] for s, i in zip(s_idx, i_idx)}
    demanded_in = defaultdict(list)
    for i, s in demand:
        demanded_in[s].append(i)
    bom = a.A.tocoo()
    used_by = defaultdict(list)  # component -> [(configuration, a_ij)]
    for i, j, q in zip(bom.row, bom.col, bom.data):
        used_by[J[j]].append((I[i], float(q)))
    m.DemandPairs = pyo.Set(initialize=list(demand), dimen=2, ordered=True)

    # -- first stage ----------------------------------------------------------------
    low, high = a.order_bounds
    bounds = {j: (low[n], None if np.isinf(high[n]) else high[n]) for n, j in enumerate(J)}
    if elastic:
        bounds = {j: (0.0, None) for j in J}
    m.order = pyo.Var(
        m.Components,
        within=pyo.NonNegativeReals,
        bounds=bounds,
        doc="q_j: units of component j ordered before demand is known",
    )
    on_hand = dict(zip(J, a.on_hand))
    m.stock = pyo.Expression(
        m.Components,
        rule=lambda m, j: on_hand[j] + m.order[j],
        doc="x_j = on_hand_j + q_j: stock available for assembly",
    )
    lot = {j: a.lot_size[n] for n, j in enumerate(J) if not np.isnan(a.lot_size[n])}
    m.LotComponents = pyo.Set(initialize=list(lot), ordered=True)
    m.lots = pyo.Var(m.LotComponents, within=pyo.NonNegativeIntegers, doc="n_j: whole lots ordered")
    m.OrderInLots = pyo.Constraint(
        m.LotComponents, rule=lambda m, j: m.order[j] == lot[j] * m.lots[j], doc="q_j = L_j n_j"
    )

    # -- second stage -----------------------------------------------------------------
    m.assemble = pyo.Var(
        m.DemandPairs,
        within=pyo.NonNegativeReals,
        bounds=lambda m, i, s: (0.0, demand[i, s]),
        doc="z_is: units of configuration i assembled in scenario s",
    )
    demanded = {s: set(items) for s, items in demanded_in.items()}

    def use_rule(m, j, s):
        terms = [q * m.assemble[i, s] for i, q in used_by[j] if i in demanded.get(s, ())]
        return pyo.Constraint.Skip if not terms else sum(terms) <= m.stock[j]

    m.ComponentAvailability = pyo.Constraint(
        m.Components,
        m.Scenarios,
        rule=use_rule,
        doc="sum_i a_ij z_is <= x_j: assembly uses no more than the stock (leftover y_js >= 0)",
    )

    # -- costs ------------------------------------------------------------------------
    c, h, v = (dict(zip(J, vec)) for vec in (a.c, a.h, a.v))
    net = dict(zip(I, a.assembly_cost_net))
    shortage = dict(zip(I, a.b))
    m.FirstStageCost = pyo.Expression(
        expr=sum(c[j] * m.order[j] + h[j] * m.stock[j] for j in J), doc="sum_j c_j q_j + h_j x_j: purchase and holding"
    )

    def second_stage(m, s):
        # (k_i - r_i) z + b_i (d - z) - sum_j v_j (x_j - sum_i a_ij z), regrouped per z_is
        items = demanded_in.get(s, [])
        return (
            sum(net[i] * m.assemble[i, s] for i in items)
            + sum(shortage[i] * demand[i, s] for i in items)
            - sum(v[j] * m.stock[j] for j in J if v[j])
        )

    m.SecondStageCost = pyo.Expression(
        m.Scenarios, rule=second_stage, doc="assembly - revenue + shortage - salvage in scenario s"
    )
    m.TotalCost = pyo.Objective(expr=m.FirstStageCost + sum(p[s] * m.SecondStageCost[s] for s in S), sense=pyo.minimize)

    _add_fill_rate_targets(m, a, demand, p)
    _add_resource_limits(m, instance, demanded_in)
    if instance.settings.get("cvar_weight") and not elastic:
        _add_cvar(m, p, float(instance.settings["cvar_weight"]), float(instance.settings.get("cvar_level", 0.95)))
    if elastic:
        _make_elastic(m, a)
    return m


def _add_cvar(m, p, weight: float, level: float) -> None:
    """Risk aversion: TotalCost += weight x CVaR_level(cost) (Rockafellar and Uryasev, 2000).

    CVaR = eta + 1/(1 - alpha) sum_s p_s e_s with e_s >= cost_s - eta, e_s >= 0, where
    cost_s = FirstStageCost + SecondStageCost[s]; at the optimum eta is the VaR.
    """
    m.cvar_threshold = pyo.Var(within=pyo.Reals, doc="eta: value-at-risk of cost at level alpha")
    m.cvar_excess = pyo.Var(m.Scenarios, within=pyo.NonNegativeReals, doc="e_s: cost of scenario s above eta")
    m.CostExcess = pyo.Constraint(
        m.Scenarios,
        rule=lambda m, s: m.cvar_excess[s] >= m.FirstStageCost + m.SecondStageCost[s] - m.cvar_threshold,
        doc="e_s >= cost_s - eta",
    )
    m.CVaR = pyo.Expression(
        expr=m.cvar_threshold + sum(p[s] * m.cvar_excess[s] for s in m.Scenarios) / (1.0 - level),
        doc="eta + 1/(1 - alpha) sum_s p_s e_s",
    )
    m.TotalCost.set_value(m.TotalCost.expr + weight * m.CVaR)


def _add_fill_rate_targets(m, a, demand, p) -> None:
    """FillRateTarget[i]: sum_s p_s z_is >= f_i sum_s p_s d_is."""
    expected = dict(zip(a.I.tolist(), a.p @ a.D))
    targets = {i: f for i, f in zip(a.I.tolist(), a.f) if not np.isnan(f) and f > 0 and expected[i] > 0}
    pairs_of = defaultdict(list)
    for i, s in demand:
        if i in targets:
            pairs_of[i].append(s)
    m.TargetConfigurations = pyo.Set(initialize=list(targets), ordered=True)
    m.FillRateTarget = pyo.Constraint(
        m.TargetConfigurations,
        rule=lambda m, i: sum(p[s] * m.assemble[i, s] for s in pairs_of[i]) >= targets[i] * expected[i],
        doc="expected assembled >= f_i x expected demand",
    )


def _add_resource_limits(m, instance: Instance, demanded_in) -> None:
    """ResourceLimit[k] (stock/order use only) and AssemblyResourceLimit[k, s].

    sum_j (u_kj^order q_j + u_kj^stock x_j) [+ sum_i u_ki^asm z_is] <= R_k.
    """
    resources, uses = instance.resource_table()
    first_stage = defaultdict(list)
    assembly = defaultdict(dict)
    for k, item, per, u in uses[["resource", "item", "per", "usage"]].itertuples(index=False):
        if per == "assembly":
            assembly[k][item] = u
        else:
            first_stage[k].append((item, per, u))
    capacity = resources["capacity"].to_dict()

    def component_use(m, k):
        return sum(u * (m.order[j] if per == "order" else m.stock[j]) for j, per, u in first_stage[k])

    plain = [k for k in capacity if k not in assembly]
    m.Resources = pyo.Set(initialize=plain, ordered=True)
    m.ResourceLimit = pyo.Constraint(
        m.Resources,
        rule=lambda m, k: component_use(m, k) <= capacity[k],
        doc="resource use of orders and stock <= capacity",
    )
    pairs = [(k, s) for k in capacity if k in assembly for s in m.Scenarios]
    m.AssemblyResourcePairs = pyo.Set(initialize=pairs, dimen=2, ordered=True)

    def assembly_rule(m, k, s):
        terms = [u * m.assemble[i, s] for i, u in assembly[k].items() if i in demanded_in.get(s, ())]
        if not terms and not first_stage[k]:
            return pyo.Constraint.Skip
        return component_use(m, k) + sum(terms) <= capacity[k]

    m.AssemblyResourceLimit = pyo.Constraint(
        m.AssemblyResourcePairs,
        rule=assembly_rule,
        doc="resource use of stock and of assembly in scenario s <= capacity",
    )


def _make_elastic(m, a) -> None:
    """Relax targets, resources and stock bounds by priced violations (phase one)."""
    low, high = a.order_bounds
    position = {j: n for n, j in enumerate(a.J.tolist())}
    low = {j: low[n] for j, n in position.items()}
    high = {j: high[n] for j, n in position.items()}
    m.TotalCost.deactivate()
    m.target_shortfall = pyo.Var(m.TargetConfigurations, within=pyo.NonNegativeReals)
    for i in m.TargetConfigurations:
        con = m.FillRateTarget[i]
        con.set_value(con.body + m.target_shortfall[i] >= con.lower)
    m.resource_excess = pyo.Var(m.Resources, within=pyo.NonNegativeReals)
    for k in m.Resources:
        con = m.ResourceLimit[k]
        con.set_value(con.body - m.resource_excess[k] <= con.upper)
    m.assembly_resource_excess = pyo.Var(m.AssemblyResourcePairs, within=pyo.NonNegativeReals)
    for key, con in m.AssemblyResourceLimit.items():
        con.set_value(con.body - m.assembly_resource_excess[key] <= con.upper)
    m.min_stock_shortfall = pyo.Var(m.Components, within=pyo.NonNegativeReals)
    m.max_stock_excess = pyo.Var(m.Components, within=pyo.NonNegativeReals)
    m.StockBounds = pyo.Constraint(
        m.Components,
        rule=lambda m, j: pyo.inequality(
            low[j],
            m.order[j] + m.min_stock_shortfall[j] - m.max_stock_excess[j],
            None if np.isinf(high[j]) else high[j],
        ),
        doc="min_stock and max_stock, each with its violation",
    )

    def scaled(var, scale):
        return sum(var[key] / max(pyo.value(scale(key)), 1.0) for key in var)

    m.Violation = pyo.Objective(
        expr=scaled(m.target_shortfall, lambda i: m.FillRateTarget[i].lower)
        + scaled(m.resource_excess, lambda k: m.ResourceLimit[k].upper)
        + scaled(m.assembly_resource_excess, lambda ks: m.AssemblyResourceLimit[ks].upper)
        + scaled(m.min_stock_shortfall, lambda j: low[j])
        + scaled(m.max_stock_excess, lambda j: high[j] if np.isfinite(high[j]) else 1.0)
    )
