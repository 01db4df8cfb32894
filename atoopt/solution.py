"""The :class:`Solution`: a stocking plan and what it does, as plain tables.

Everything is computed here from three arrays, whichever path solved the model:
stock x_j, assembly z_is and the duals of component availability. So the Pyomo
path and the matrix path report the same numbers the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .instance import Instance
from .stats.risk import solution_cost_distribution

#: Demand for a component above its stock by more than this counts as running out.
RUN_OUT_TOLERANCE = 1e-7

COST_TERMS = ("purchase", "holding", "salvage", "assembly", "revenue", "shortage")


@dataclass
class Solution:
    """A plan and its expected consequences.

    Attributes
    ----------
    status:
        ``optimal``; ``time_limit`` (the best plan found, see ``solver['mip_gap']``);
        ``infeasible``, ``unbounded`` or ``error`` (no plan; see ``message``, ``conflicts``).
    components:
        Per component: on_hand, order (q_j), stock (x_j), unit_cost, order_cost,
        expected_use, expected_leftover (E[y_j]), stockout_probability
        (P[sum_i a_ij d_i > x_j]), marginal_value (expected second-stage saving
        from one more unit in stock, the dual of the component balance:
        v_j - sum_s pi_js; at an interior optimum it equals c_j + h_j).
    configurations:
        Per configuration: expected_demand, expected_assembled, expected_shortage,
        fill_rate (expected assembled / expected demand), fill_rate_target.
    allocation:
        Per scenario and configuration with demand: demand, assembled, shortage.
    scenario_costs:
        Per scenario: probability and each cost term (negative for credits), total.
    cost_breakdown:
        Expected purchase, holding, salvage, assembly, revenue, shortage and total.
    resources:
        Per resource: capacity, use (the largest over scenarios for assembly use), slack.
    """

    status: str
    message: str
    components: pd.DataFrame = field(default_factory=pd.DataFrame)
    configurations: pd.DataFrame = field(default_factory=pd.DataFrame)
    allocation: pd.DataFrame = field(default_factory=pd.DataFrame)
    scenario_costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_breakdown: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    resources: pd.DataFrame = field(default_factory=pd.DataFrame)
    solver: dict = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    currency: str = ""
    cvar_level: float = 0.95  # level alpha of the VaR and CVaR in summary()['cost_distribution']

    @property
    def has_plan(self) -> bool:
        return not self.components.empty

    @property
    def expected_total_cost(self) -> float:
        """The objective of the cost model for this plan (NaN without a plan)."""
        return float(self.cost_breakdown.get("total", math.nan))

    def summary(self) -> dict:
        """The JSON summary of ``atoopt solve --json`` (see ``interface.md``)."""
        out: dict = {
            "status": self.status,
            "message": self.message,
            "expected_total_cost": _number(self.expected_total_cost),
        }
        if self.has_plan:
            comps, confs = self.components, self.configurations
            out["cost_breakdown"] = {k: _number(v) for k, v in self.cost_breakdown.items()}
            out["stock"] = _numbers(comps["stock"])
            out["order"] = _numbers(comps["order"])
            out["fill_rate"] = _numbers(confs["fill_rate"])
            out["expected_shortage"] = _numbers(confs["expected_shortage"])
            out["stockout_probability"] = _numbers(comps["stockout_probability"])
            out["marginal_value"] = _numbers(comps["marginal_value"])
            out["cost_distribution"] = solution_cost_distribution(self)
        if self.conflicts:
            out["conflicts"] = list(self.conflicts)
        out["solver"] = {k: _number(v) if isinstance(v, float) else v for k, v in self.solver.items()}
        return out

    @classmethod
    def without_plan(
        cls, status: str, message: str, solver: dict | None = None, conflicts: list[str] | None = None
    ) -> Solution:
        return cls(status=status, message=message, solver=solver or {}, conflicts=conflicts or [])

    @classmethod
    def from_plan(
        cls,
        instance: Instance,
        stock: np.ndarray,
        assemble: np.ndarray,
        availability_dual: np.ndarray | None,
        status: str = "optimal",
        message: str = "",
        solver: dict | None = None,
    ) -> Solution:
        """Tables of the plan: ``stock`` (J), ``assemble`` (S x I), ``availability_dual`` (S x J)."""
        a = instance.arrays
        x = np.asarray(stock, dtype=float)
        Z = np.asarray(assemble, dtype=float)
        use = np.asarray((a.A.T @ Z.T).T)  # S x J: sum_i a_ij z_is
        requirement = np.asarray((a.A.T @ a.D.T).T)  # S x J: sum_i a_ij d_is
        leftover = x[None, :] - use
        order = x - a.on_hand
        # one more unit is either used (saving -pi_js) or left over (earning v_j)
        marginal = a.v - availability_dual.sum(axis=0) if availability_dual is not None else np.full(len(x), np.nan)
        components = pd.DataFrame(
            {
                "on_hand": a.on_hand,
                "order": order,
                "stock": x,
                "unit_cost": a.c,
                "order_cost": a.c * order,
                "expected_use": a.p @ use,
                "expected_leftover": a.p @ leftover,
                "stockout_probability": a.p @ (requirement > x[None, :] + RUN_OUT_TOLERANCE),
                "marginal_value": marginal,
            },
            index=pd.Index(a.J, name="component"),
        )
        expected_demand = a.p @ a.D
        expected_assembled = a.p @ Z
        with np.errstate(invalid="ignore", divide="ignore"):
            fill = np.where(expected_demand > 0, expected_assembled / expected_demand, np.nan)
        configurations = pd.DataFrame(
            {
                "expected_demand": expected_demand,
                "expected_assembled": expected_assembled,
                "expected_shortage": expected_demand - expected_assembled,
                "fill_rate": fill,
                "fill_rate_target": a.f,
            },
            index=pd.Index(a.I, name="configuration"),
        )
        s_idx, i_idx = np.nonzero(a.D)
        allocation = pd.DataFrame(
            {
                "scenario": a.S[s_idx],
                "configuration": a.I[i_idx],
                "demand": a.D[s_idx, i_idx],
                "assembled": Z[s_idx, i_idx],
                "shortage": a.D[s_idx, i_idx] - Z[s_idx, i_idx],
            }
        )
        per_scenario = pd.DataFrame(
            {
                "probability": a.p,
                "purchase": float(a.c @ order),
                "holding": float(a.h @ x),
                "salvage": -(leftover @ a.v),
                "assembly": Z @ a.k,
                "revenue": -(Z @ a.r),
                "shortage": (a.D - Z) @ a.b,
            },
            index=pd.Index(a.S, name="scenario"),
        )
        per_scenario["total"] = per_scenario[list(COST_TERMS)].sum(axis=1)
        breakdown = pd.Series({t: float(a.p @ per_scenario[t]) for t in (*COST_TERMS, "total")}, name="expected")
        return cls(
            status=status,
            message=message,
            components=components,
            configurations=configurations,
            allocation=allocation,
            scenario_costs=per_scenario,
            cost_breakdown=breakdown,
            resources=_resource_use(instance, order, x, Z),
            solver=solver or {},
            currency=str(instance.settings.get("currency") or ""),
            cvar_level=float(instance.settings.get("cvar_level", 0.95)),
        )


def _resource_use(instance: Instance, order, stock, Z) -> pd.DataFrame:
    resources, uses = instance.resource_table()
    if resources.empty:
        return pd.DataFrame(columns=["capacity", "use", "slack"], index=pd.Index([], name="resource"))
    a = instance.arrays
    j_of, i_of = pd.Index(a.J), pd.Index(a.I)
    use = {}
    for k in resources.index:
        rows = uses[uses["resource"] == k]
        total = np.zeros(len(a.S))
        for per, values in (("order", order), ("stock", stock)):
            part = rows[rows["per"] == per]
            total += float(part["usage"].to_numpy(dtype=float) @ values[j_of.get_indexer(part["item"])])
        part = rows[rows["per"] == "assembly"]
        total += Z[:, i_of.get_indexer(part["item"])] @ part["usage"].to_numpy(dtype=float)
        use[k] = total.max() if len(total) else 0.0
    table = resources.assign(use=pd.Series(use))
    table["slack"] = table["capacity"] - table["use"]
    table.index.name = "resource"
    return table


def _number(value):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _numbers(series: pd.Series) -> dict:
    return {str(k): _number(v) for k, v in series.items()}
