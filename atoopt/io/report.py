"""What the result workbook says, as plain tables and sentences (no Excel here).

Computed from a :class:`~atoopt.solution.Solution` and its
:class:`~atoopt.instance.Instance`, without changing either: the order plan with the
columns a buyer asks about (safety stock, the limit that binds, the value of one more
unit), service per configuration, and the plan in a few sentences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..instance import Instance
from ..solution import RUN_OUT_TOLERANCE, Solution

#: A configuration short in at least this share of scenarios is "at risk of shortage".
RISK_CHANCE = 0.10
#: Relative tolerance for "at its limit".
AT_LIMIT = 1e-6
#: How many names a sentence lists.
NAMED = 5

ORDER_PLAN_COLUMNS = {
    "component": "component",
    "description": "description",
    "on_hand": "on hand",
    "order": "order",
    "stock": "stock",
    "unit_cost": "unit cost",
    "order_cost": "order value",
    "expected_need": "expected need",
    "expected_use": "expected use",
    "safety_stock": "safety stock",
    "expected_leftover": "expected leftover",
    "stockout_probability": "chance of running out",
    "binding_limit": "limit that binds",
    "marginal_value": "value of one more unit",
    "value_per_cost": "value per unit of cost",
    "purchase_rank": "purchase rank",
}

SERVICE_COLUMNS = {
    "configuration": "configuration",
    "description": "description",
    "expected_demand": "expected demand",
    "expected_assembled": "expected assembled",
    "expected_shortage": "expected shortage",
    "fill_rate": "fill rate",
    "fill_rate_target": "fill-rate target",
    "shortage_chance": "chance of a shortage",
    "shortage_cost": "shortage cost per unit",
}


def order_plan(solution: Solution, instance: Instance) -> pd.DataFrame:
    """Per component, ranked as a purchase list (most value per unit of cost first).

    expected_need = E[sum_i a_ij d_is] (what full service would use);
    safety_stock = x_j - expected_need (negative: planned below average need);
    value_per_cost = marginal value / (c_j + h_j): above 1, one more unit would pay.
    """
    a = instance.arrays
    comps = solution.components.copy()
    need = np.asarray((a.A.T @ a.D.T).T)  # S x J
    comps["expected_need"] = a.p @ need
    comps["safety_stock"] = comps["stock"] - comps["expected_need"]
    comps["description"] = instance.components["description"].reindex(comps.index).fillna("")
    comps["binding_limit"] = binding_limits(solution, instance)
    cost = a.c + a.h
    with np.errstate(divide="ignore", invalid="ignore"):
        comps["value_per_cost"] = np.where(cost > 0, comps["marginal_value"] / cost, np.nan)
    ranking = comps.sort_values(["value_per_cost", "order_cost"], ascending=[False, False], na_position="last")
    comps["purchase_rank"] = pd.Series(np.arange(1, len(comps) + 1), index=ranking.index)
    comps = comps.loc[ranking.index].reset_index()
    return comps[list(ORDER_PLAN_COLUMNS)]


def binding_limits(solution: Solution, instance: Instance) -> pd.Series:
    """For each component, the limits its stock sits at, in words ("" when none binds).

    None binding means the stock balances the cost of one more unit against the
    shortage it avoids (the newsvendor balance).
    """
    a = instance.arrays
    comps = solution.components
    found: dict[str, list[str]] = {j: [] for j in comps.index}

    def at(value, limit) -> bool:
        return abs(value - limit) <= AT_LIMIT * max(1.0, abs(limit))

    for n, j in enumerate(comps.index):
        stock, order = comps.at[j, "stock"], comps.at[j, "order"]
        if not np.isnan(a.max_stock[n]) and at(stock, a.max_stock[n]):
            found[j].append("max stock")
        if a.min_stock[n] > 0 and at(stock, a.min_stock[n]):
            found[j].append("min stock")
        if at(order, 0.0) and a.on_hand[n] > 0 and comps.at[j, "marginal_value"] < a.c[n] + a.h[n] - AT_LIMIT:
            found[j].append("stock on hand (more than needed)")
        if not np.isnan(a.lot_size[n]):
            found[j].append(f"lot size {a.lot_size[n]:g}")
    _, uses = instance.resource_table()
    table = solution.resources
    for k in table.index:
        if not at(table.at[k, "use"], table.at[k, "capacity"]):
            continue
        label = {"budget": "budget", "storage": "storage capacity"}.get(k, f"resource '{k}'")
        rows = uses[uses["resource"] == k]
        items = set(rows.loc[rows["per"] != "assembly", "item"])
        configs = set(rows.loc[rows["per"] == "assembly", "item"])
        items |= set(instance.bom.loc[instance.bom["configuration"].isin(configs), "component"])
        for j in items & set(found):
            found[j].append(label)
    confs = solution.configurations
    tight = confs.index[confs["fill_rate_target"].notna() & (confs["fill_rate"] <= confs["fill_rate_target"] + 1e-7)]
    bom = instance.bom
    targets: dict[str, list[str]] = {}
    for i in tight:
        for j in bom.loc[bom["configuration"] == i, "component"]:
            targets.setdefault(j, []).append(str(i))
    for j, names in targets.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        found[j].append(f"fill-rate target{'s' if len(names) > 1 else ''} of {shown}")
    return pd.Series({j: "; ".join(v) for j, v in found.items()}, name="binding_limit")


def service(solution: Solution, instance: Instance) -> pd.DataFrame:
    """Per configuration: demand, fill rate, expected shortage and the chance of any shortage."""
    confs = solution.configurations.copy()
    confs["shortage_chance"] = shortage_chance(solution, instance)
    confs["description"] = instance.configurations["description"].reindex(confs.index).fillna("")
    confs["shortage_cost"] = instance.configurations["shortage_cost"].reindex(confs.index)
    return confs.reset_index()[list(SERVICE_COLUMNS)]


def shortage_chance(solution: Solution, instance: Instance) -> pd.Series:
    """P[z_is < d_is]: the share of scenarios (by probability) in which i is short."""
    a = instance.arrays
    alloc = solution.allocation
    short = alloc[alloc["shortage"] > RUN_OUT_TOLERANCE * np.maximum(1.0, alloc["demand"])]
    p = pd.Series(a.p, index=a.S)
    chance = p.reindex(short["scenario"]).to_numpy()
    total = pd.Series(chance, index=short["configuration"].to_numpy()).groupby(level=0).sum()
    return total.reindex(a.I, fill_value=0.0).rename("shortage_chance")


def plan_sentences(solution: Solution, instance: Instance, plan: pd.DataFrame, served: pd.DataFrame) -> list[str]:
    """The plan in a few plain sentences, for the Summary sheet."""
    money = f" {solution.currency}" if solution.currency else ""
    ordered = plan[plan["order"] > 1e-9]
    lines = [
        f"Order {ordered['order'].sum():,.0f} units of {len(ordered)} of the {len(plan)} components, "
        f"{ordered['order_cost'].sum():,.2f}{money} in all.",
        _cost_sentence(solution.expected_total_cost, money),
    ]
    risky = served[served["shortage_chance"] >= RISK_CHANCE].sort_values("expected_shortage", ascending=False)
    if risky.empty:
        lines.append(f"No configuration is short in more than {RISK_CHANCE:.0%} of the scenarios.")
    else:
        named = ", ".join(
            f"{r['configuration']} (fill rate {r['fill_rate']:.1%}, short in {r['shortage_chance']:.0%} of scenarios)"
            for _, r in risky.head(NAMED).iterrows()
        )
        more = f" and {len(risky) - NAMED} more" if len(risky) > NAMED else ""
        lines.append(f"At risk of shortage: {named}{more}.")
    limiting = plan[plan["stockout_probability"] > 0].sort_values(
        ["stockout_probability", "marginal_value"], ascending=False
    )
    if limiting.empty:
        lines.append("No component runs out in any scenario.")
    else:
        named = ", ".join(
            f"{r['component']} (runs out in {r['stockout_probability']:.0%} of scenarios; "
            f"one more unit is worth {r['marginal_value']:,.2f}{money})"
            for _, r in limiting.head(3).iterrows()
        )
        lines.append(f"Components that limit service most: {named}.")
    bound = plan[plan["binding_limit"].str.contains("budget|resource|storage", regex=True)]
    if not bound.empty:
        limits = sorted({part for text in bound["binding_limit"] for part in text.split("; ") if part})
        limits = [w for w in limits if any(k in w for k in ("budget", "resource", "storage"))]
        lines.append(f"Fully used: {', '.join(limits)}; more of it would allow more stock.")
    return lines


def _cost_sentence(cost: float, money: str) -> str:
    if cost < 0:
        return f"Expected result of the plan: a profit of {-cost:,.2f}{money} (expected total cost {cost:,.2f}{money})."
    return f"Expected total cost of the plan: {cost:,.2f}{money}."
