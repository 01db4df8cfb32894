"""Out-of-sample evaluation of a stocking plan: the second stage only, per scenario.

With stock x fixed, each scenario's recourse is its own small LP

    Q(x, d) = min sum_i (k_i - r_i) z_i + b_i (d_i - z_i) - sum_j v_j (x_j - sum_i a_ij z_i)
              s.t. sum_i a_ij z_i <= x_j,  0 <= z_i <= d_i,  assembly resources,

and the plan's cost in scenario s is C_s = c q + h x + Q(x, d_s). On a fresh
sample of n scenarios the estimate is the mean of C_s with the confidence
interval mean +- t_{n-1} s / sqrt(n); a fill rate is the ratio of means
sum z / sum d with its delta-method standard error.

Two exact paths: a closed form when no two configurations share a component
(then z_i = min(d_i, min_j x_j / a_ij) if assembling pays, net_i < 0, else 0),
and otherwise one block LP per chunk of scenarios (about 10,000 demand pairs) with the stock fixed (the
matrix path of :mod:`atoopt.matrix`). Fill-rate targets are expectations over
scenarios, not per-scenario rules, so they are reported, not imposed.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import AtooptError
from ..highs import HighsOptions, run_highs
from ..matrix import build_matrix
from ..scenarios.tables import demand_source, with_demand
from .numbers import plain
from .risk import cost_distribution

#: Demand pairs per block LP when the recourse is solved by LP (10k-20k measured fastest with dual simplex).
PAIRS_PER_BLOCK = 10_000


@dataclass
class Evaluation:
    """A plan's expected cost and fill rates on a sample, with confidence intervals."""

    stock: pd.Series
    sample_size: int
    exact: bool  # True: evaluated on the whole discrete distribution (no sampling error)
    confidence: float
    expected_cost: float
    std_error: float
    cost_interval: tuple[float, float]
    fill_rate: pd.DataFrame  # per configuration: estimate, low, high
    costs: np.ndarray  # C_s per scenario
    probabilities: np.ndarray
    method: str  # closed_form or lp
    seconds: float
    cvar_level: float = 0.95

    def summary(self) -> dict:
        """Plain JSON: NaN (a configuration without demand) and infinity become null."""
        return plain(
            {
                "sample_size": self.sample_size,
                "exact": self.exact,
                "confidence": self.confidence,
                "expected_cost": self.expected_cost,
                "std_error": self.std_error,
                "cost_interval": list(self.cost_interval),
                "fill_rate": {str(i): row.to_dict() for i, row in self.fill_rate.iterrows()},
                "cost_distribution": cost_distribution(self.costs, self.probabilities, self.cvar_level),
                "stock": {str(j): float(x) for j, x in self.stock.items()},
                "method": self.method,
                "seconds": self.seconds,
            }
        )


def evaluate(
    instance,
    stock,
    sample_size: int | None = 10_000,
    seed: int | None = None,
    sampling: str = "mc",
    confidence: float = 0.95,
) -> Evaluation:
    """Evaluate ``stock`` (array in component order, or {component: stock}) on a fresh sample.

    The sample comes from the instance's DemandModel or History (or, for explicit
    scenarios, from their discrete distribution), seeded by ``seed`` (default: the
    instance's seed) on a stream apart from the one its own scenarios came from.
    ``sample_size=None`` evaluates exactly on the instance's own scenarios.
    """
    started = time.perf_counter()
    x = stock_vector(instance, stock)
    if sample_size is None:
        D, p, exact = instance.arrays.D, instance.arrays.p, True
    else:
        seed = instance.settings.get("seed", 0) if seed is None else seed
        D = demand_source(instance).sample(int(sample_size), seed, sampling, stream=(1,))
        p, exact = np.full(len(D), 1.0 / len(D)), False
    Z, method = recourse(instance, x, D)
    costs = scenario_costs(instance, x, Z, D)
    mean = float(p @ costs)
    n = len(costs)
    if exact or n < 2:
        se, t = 0.0, 0.0
    else:
        se = float(costs.std(ddof=1) / np.sqrt(n))
        t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    return Evaluation(
        stock=pd.Series(x, index=pd.Index(instance.arrays.J, name="component")),
        sample_size=n,
        exact=exact,
        confidence=confidence,
        expected_cost=mean,
        std_error=se,
        cost_interval=(mean - t * se, mean + t * se),
        fill_rate=fill_rates(instance.arrays.I, Z, D, p, t if not exact else 0.0),
        costs=costs,
        probabilities=p,
        method=method,
        seconds=time.perf_counter() - started,
        cvar_level=float(instance.settings.get("cvar_level", 0.95)),
    )


def stock_vector(instance, stock) -> np.ndarray:
    """Stock as an array in the instance's component order."""
    if isinstance(stock, dict | pd.Series):
        stock = pd.Series(stock).reindex(instance.arrays.J)
        if stock.isna().any():
            raise AtooptError(f"the plan has no stock for {', '.join(map(str, stock.index[stock.isna()]))}.")
    x = np.asarray(stock, dtype=float)
    if x.shape != (len(instance.arrays.J),):
        raise AtooptError(f"the plan has {x.size} stock levels for {len(instance.arrays.J)} components.")
    return x


def recourse(instance, x: np.ndarray, D: np.ndarray) -> tuple[np.ndarray, str]:
    """Optimal assembly Z (S x I) of every scenario of ``D`` with stock ``x``, and the path used."""
    if separable(instance):
        return closed_form_recourse(instance.arrays, x, D), "closed_form"
    per_scenario = max(1, int(np.count_nonzero(D) / max(len(D), 1)))
    block = max(1, PAIRS_PER_BLOCK // per_scenario)
    Z = np.vstack([_lp_recourse(instance, x, D[k : k + block]) for k in range(0, len(D), block)])
    return Z, "lp"


def separable(instance) -> bool:
    """No component is used by two configurations and no resource limits assembly."""
    a = instance.arrays
    users = np.diff(a.A.tocsc().indptr)
    _, uses = instance.resource_table()
    return bool(users.max(initial=0) <= 1) and not (uses["per"] == "assembly").any()


def closed_form_recourse(a, x: np.ndarray, D: np.ndarray) -> np.ndarray:
    """z_is = min(d_is, min_j x_j / a_ij) where assembling pays (net_i < 0), else 0."""
    A = a.A.tocsr()
    capacity = np.full(len(a.I), np.inf)
    rows = np.repeat(np.arange(len(a.I)), np.diff(A.indptr))
    np.minimum.at(capacity, rows, x[A.indices] / A.data)
    capacity = np.maximum(capacity, 0.0)
    pays = a.assembly_cost_net < 0
    return np.where(pays[None, :], np.minimum(D, capacity[None, :]), 0.0)


def _lp_recourse(instance, x: np.ndarray, D: np.ndarray) -> np.ndarray:
    """One block LP over the scenarios of D with the orders fixed at x - on_hand."""
    a = instance.arrays
    recourse_instance = recourse_only(with_demand(instance, D))
    model = build_matrix(recourse_instance)
    lp = model.lp
    order = x - a.on_hand
    lp.col_lower[: model.n_order] = order
    lp.col_upper[: model.n_order] = order
    result = run_highs(lp, HighsOptions(method="simplex"), duals=False)
    if not result.has_plan:
        raise AtooptError(
            f"the plan cannot be evaluated: the recourse problem is {result.status} "
            f"({result.message}); does the plan break a resource limit?"
        )
    return model.plan(recourse_instance, result)[1]


def recourse_only(instance):
    """The instance with nothing but the second stage's own rules: no targets, stock bounds, lots or CVaR."""
    components = instance.components.assign(min_stock=0.0, max_stock=np.nan, lot_size=np.nan)
    configurations = instance.configurations.assign(fill_rate_target=np.nan)
    settings = {**instance.settings, "integer_stock": False, "cvar_weight": 0.0, "budget": None}
    settings["storage_capacity"] = None
    return dataclasses.replace(instance, components=components, configurations=configurations, settings=settings)


def scenario_costs(instance, x: np.ndarray, Z: np.ndarray, D: np.ndarray) -> np.ndarray:
    """C_s = c q + h x + (k - r) z_s + b (d_s - z_s) - v (x - A^T z_s) per scenario."""
    a = instance.arrays
    first = float(a.c @ (x - a.on_hand) + a.h @ x - a.v @ x)
    return first + Z @ (a.k - a.r - a.b + a.A @ a.v) + D @ a.b


def fill_rates(configurations, Z: np.ndarray, D: np.ndarray, p: np.ndarray, t: float) -> pd.DataFrame:
    """sum_s p_s z_is / sum_s p_s d_is with a delta-method interval of half-width t x SE."""
    served, demanded = p @ Z, p @ D
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(demanded > 0, served / demanded, np.nan)
        residual = Z - rate[None, :] * D
        se = np.sqrt(p @ (residual - p @ residual) ** 2 / max(len(D) - 1, 1)) / demanded
    return pd.DataFrame(
        {"estimate": rate, "low": rate - t * se, "high": np.minimum(rate + t * se, 1.0)},
        index=pd.Index(configurations, name="configuration"),
    )
