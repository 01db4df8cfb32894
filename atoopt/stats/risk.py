"""The distribution of a plan's cost over scenarios: percentiles, VaR and CVaR.

For costs C_s with probabilities p_s and a level alpha:

    VaR_alpha  = min { t : P(C <= t) >= alpha }
    CVaR_alpha = VaR_alpha + 1/(1 - alpha) E[(C - VaR_alpha)^+]   (Rockafellar and Uryasev)

CVaR_alpha is the mean cost of the worst 1 - alpha share of outcomes (splitting
the atom at VaR), the quantity the ``cvar_weight`` setting puts in the objective.
"""

from __future__ import annotations

import numpy as np

PERCENTILES = (5, 25, 50, 75, 95)


def quantile(costs: np.ndarray, probabilities: np.ndarray, level: float) -> float:
    """min { t : P(C <= t) >= level } of a discrete distribution."""
    order = np.argsort(costs, kind="stable")
    cumulative = np.cumsum(probabilities[order])
    k = np.searchsorted(cumulative, level * cumulative[-1] - 1e-12, side="left")
    return float(costs[order][min(k, len(costs) - 1)])


def cvar(costs: np.ndarray, probabilities: np.ndarray, level: float) -> float:
    """CVaR_level: VaR + E[(C - VaR)^+] / (1 - level)."""
    costs, p = np.asarray(costs, float), np.asarray(probabilities, float)
    p = p / p.sum()
    var = quantile(costs, p, level)
    return var + float(p @ np.maximum(costs - var, 0.0)) / (1.0 - level)


def cost_distribution(costs, probabilities=None, level: float = 0.95, percentiles=PERCENTILES) -> dict:
    """Mean, standard deviation, min, max, percentiles, VaR and CVaR of scenario costs."""
    costs = np.asarray(costs, dtype=float)
    p = np.full(len(costs), 1.0 / len(costs)) if probabilities is None else np.asarray(probabilities, float)
    p = p / p.sum()
    mean = float(p @ costs)
    return {
        "mean": mean,
        "std": float(np.sqrt(p @ (costs - mean) ** 2)),
        "min": float(costs.min()),
        "max": float(costs.max()),
        **{f"p{q:g}": quantile(costs, p, q / 100) for q in percentiles},
        "level": float(level),
        "var": quantile(costs, p, level),
        "cvar": cvar(costs, p, level),
    }


def solution_cost_distribution(solution, level: float | None = None) -> dict:
    """:func:`cost_distribution` of a :class:`~atoopt.solution.Solution`'s scenario costs."""
    table = solution.scenario_costs
    level = getattr(solution, "cvar_level", 0.95) if level is None else level
    return cost_distribution(table["total"].to_numpy(), table["probability"].to_numpy(), level)
