"""Hand-solved cases with exact decisions: the newsvendor and its ATO generalisations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import atoopt
from atoopt.examples import pc_maker

from .conftest import newsvendor


def newsvendor_cost(x, demand, c=0.0, h=0.0, r=0.0, k=0.0, v=0.0, b=0.0):
    """Expected cost of stocking x, computed directly from the demand values."""
    d = np.asarray(demand, dtype=float)
    sold = np.minimum(d, x)
    return float(np.mean((c + h) * x + (k - r) * sold + b * (d - sold) - v * (x - sold)))


def test_newsvendor_critical_fractile():
    """Carrying 1, shortage 3: P(D <= x) >= 3/4 ... for D uniform on 0..9 the fractile gives x = 6."""
    solution = atoopt.solve(newsvendor())
    assert solution.status == "optimal"
    assert solution.components.at["part", "stock"] == pytest.approx(6, abs=1e-9)
    assert solution.expected_total_cost == pytest.approx(7.8, abs=1e-9)
    assert solution.configurations.at["kit", "fill_rate"] == pytest.approx(39 / 45, abs=1e-9)
    assert solution.components.at["part", "stockout_probability"] == pytest.approx(0.3, abs=1e-12)
    assert solution.components.at["part", "expected_leftover"] == pytest.approx(2.1, abs=1e-9)


def test_profit_newsvendor_matches_critical_ratio():
    """Price 8, assembly 1, cost 3, holding 0.5, salvage 1: ratio (8-1-3.5)/(8-1-1) = 7/12, so x = 59."""
    demand = range(1, 101)
    costs = {"c": 3.0, "h": 0.5, "r": 8.0, "k": 1.0, "v": 1.0}
    instance = atoopt.Instance.from_frames(
        components=pd.DataFrame(
            {"component": ["p"], "unit_cost": [3.0], "holding_cost": [0.5], "salvage_value": [1.0]}
        ),
        configurations=pd.DataFrame({"configuration": ["kit"], "price": [8.0], "assembly_cost": [1.0]}),
        bom=pd.DataFrame({"configuration": ["kit"], "component": ["p"], "quantity": [1]}),
        demand=pd.DataFrame({"scenario": [f"s{d}" for d in demand], "configuration": "kit", "demand": list(demand)}),
    )
    solution = atoopt.solve(instance)
    assert solution.components.at["p", "stock"] == pytest.approx(59, abs=1e-9)
    best = newsvendor_cost(59, demand, **costs)
    assert solution.expected_total_cost == pytest.approx(best, rel=1e-12)
    assert best < newsvendor_cost(58, demand, **costs) and best < newsvendor_cost(60, demand, **costs)
    breakdown = solution.cost_breakdown
    assert breakdown["purchase"] == pytest.approx(3 * 59) and breakdown["holding"] == pytest.approx(0.5 * 59)
    assert breakdown["revenue"] == pytest.approx(-8 * np.mean(np.minimum(demand, 59)))


def test_disposal_cost_lowers_the_stock():
    """Salvage -1 (a disposal cost): overage 1 + 1 = 2, underage 3, ratio 0.6, so x = 5."""
    solution = atoopt.solve(newsvendor(salvage_value=-1.0))
    assert solution.components.at["part", "stock"] == pytest.approx(5, abs=1e-9)
    assert solution.expected_total_cost == pytest.approx(newsvendor_cost(5, range(10), h=1, v=-1, b=3))


def test_configurations_sharing_nothing_decompose():
    """Two kits on separate parts: one solve equals the two newsvendors solved alone."""
    together = atoopt.Instance.from_frames(
        components=pd.DataFrame({"component": ["a", "b"], "holding_cost": [1.0, 2.0]}),
        configurations=pd.DataFrame({"configuration": ["ka", "kb"], "shortage_cost": [3.0, 3.0]}),
        bom=pd.DataFrame({"configuration": ["ka", "kb"], "component": ["a", "b"], "quantity": [1.0, 2.0]}),
        demand=pd.DataFrame(
            {
                "scenario": [f"d{k}" for k in range(10)] * 2,
                "configuration": ["ka"] * 10 + ["kb"] * 10,
                "demand": list(range(10)) + list(range(10, 0, -1)),
            }
        ),
    )
    both = atoopt.solve(together)
    alone_a = atoopt.solve(newsvendor(range(10), holding=1.0))
    # kit b needs 2 units of b (holding 2 each): per kit, holding 4 against shortage 3 -> stock nothing
    alone_b = atoopt.solve(newsvendor(range(10, 0, -1), holding=4.0))
    assert both.components.at["a", "stock"] == pytest.approx(alone_a.components.at["part", "stock"])
    assert both.components.at["b", "stock"] == pytest.approx(2 * alone_b.components.at["part", "stock"])
    assert both.expected_total_cost == pytest.approx(alone_a.expected_total_cost + alone_b.expected_total_cost)


def test_shared_component_goes_to_the_higher_shortage_cost_per_unit_first():
    """10 chips; premium needs 2 and costs 5 short (2.5 a chip), basic needs 1 and costs 1."""
    instance = atoopt.Instance.from_frames(
        components=pd.DataFrame({"component": ["chip"], "on_hand": [10.0], "max_stock": [10.0]}),
        configurations=pd.DataFrame({"configuration": ["basic", "premium"], "shortage_cost": [1.0, 5.0]}),
        bom=pd.DataFrame({"configuration": ["basic", "premium"], "component": "chip", "quantity": [1.0, 2.0]}),
        demand=pd.DataFrame({"scenario": "only", "configuration": ["basic", "premium"], "demand": [8.0, 4.0]}),
    )
    solution = atoopt.solve(instance)
    allocation = solution.allocation.set_index("configuration")
    assert allocation.at["premium", "assembled"] == pytest.approx(4)
    assert allocation.at["basic", "assembled"] == pytest.approx(2)
    assert solution.expected_total_cost == pytest.approx(6)
    assert solution.components.at["chip", "order"] == pytest.approx(0)


def test_marginal_value_equals_cost_of_a_unit_at_an_interior_optimum():
    """The dual of the component balance prices one more unit at c_j + h_j wherever q_j is free to move."""
    instance = pc_maker()
    solution = atoopt.solve(instance)
    comps = solution.components
    interior = comps[(comps["order"] > 1e-6)]
    assert len(interior) >= 10
    expected = instance.components.loc[interior.index, ["unit_cost", "holding_cost"]].sum(axis=1)
    np.testing.assert_allclose(interior["marginal_value"], expected, rtol=1e-6)


def test_cost_per_scenario_averages_to_the_objective():
    solution = atoopt.solve(pc_maker())
    costs = solution.scenario_costs
    assert float(costs["probability"] @ costs["total"]) == pytest.approx(solution.expected_total_cost, rel=1e-12)
    assert solution.solver["solver_objective"] == pytest.approx(solution.expected_total_cost, rel=1e-9)
