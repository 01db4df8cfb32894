"""Each option of the cost model on a hand-solved newsvendor: bounds, lots, targets, resources."""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo
import pytest

import atoopt

from .conftest import newsvendor


def stock(solution) -> float:
    return float(solution.components.at["part", "stock"])


def test_lot_size_rounds_to_the_cheaper_whole_lot():
    """Lots of 4: stock 4 costs 4 + 3 * 1.5 = 8.5, stock 8 costs 8 + 3 * 0.1 = 8.3."""
    solution = atoopt.solve(newsvendor(lot_size=4.0))
    assert solution.solver["integer"]
    assert stock(solution) == pytest.approx(8) and solution.expected_total_cost == pytest.approx(8.3)


def test_integer_stock_setting():
    """Demand k + 0.5: the LP stocks 6.5; whole units cost 8.4 at 6 and 8.35 at 7."""
    demand = [k + 0.5 for k in range(10)]
    assert stock(atoopt.solve(newsvendor(demand))) == pytest.approx(6.5)
    solution = atoopt.solve(newsvendor(demand, settings={"integer_stock": True}))
    assert stock(solution) == pytest.approx(7) and solution.expected_total_cost == pytest.approx(8.35)


@pytest.mark.parametrize(
    ("limits", "expected_stock", "expected_cost"),
    [
        ({"min_stock": 8.0}, 8.0, 8.3),
        ({"max_stock": 3.0}, 3.0, 9.3),
        ({"on_hand": 10.0}, 10.0, 10.0),  # stock on hand is held (and carried) whatever the plan
        ({"on_hand": 2.0}, 6.0, 7.8),
    ],
)
def test_stock_bounds_and_stock_on_hand(limits, expected_stock, expected_cost):
    solution = atoopt.solve(newsvendor(**limits))
    assert stock(solution) == pytest.approx(expected_stock)
    assert solution.expected_total_cost == pytest.approx(expected_cost)
    on_hand = limits.get("on_hand", 0.0)
    assert solution.components.at["part", "order"] == pytest.approx(expected_stock - on_hand)


def test_budget_caps_what_is_bought():
    """Cost 2, holding 1, shortage 10: unconstrained x = 7 (ratio 0.7); a budget of 8 buys 4."""
    assert stock(atoopt.solve(newsvendor(holding=1.0, shortage=10.0, unit_cost=2.0))) == pytest.approx(7)
    solution = atoopt.solve(newsvendor(holding=1.0, shortage=10.0, unit_cost=2.0, settings={"budget": 8}))
    assert stock(solution) == pytest.approx(4)
    assert solution.resources.at["budget", "use"] == pytest.approx(8)
    assert solution.resources.at["budget", "slack"] == pytest.approx(0, abs=1e-9)


def test_fill_rate_target_is_met_exactly():
    """Target 95% of E[D] = 4.275: E[min(D, 7 + t)] = 4.2 + 0.2 t gives t = 0.375."""
    solution = atoopt.solve(newsvendor(target=0.95))
    assert stock(solution) == pytest.approx(7.375)
    assert solution.configurations.at["kit", "fill_rate"] == pytest.approx(0.95)


def test_assembly_line_hours_limit_what_stock_becomes():
    """5 line hours, one per kit: the kit dearer to miss is built first, and only what is built is stocked."""
    instance = atoopt.Instance.from_frames(
        components=pd.DataFrame({"component": ["a", "b"], "holding_cost": [1.0, 1.0]}),
        configurations=pd.DataFrame({"configuration": ["ka", "kb"], "shortage_cost": [10.0, 5.0]}),
        bom=pd.DataFrame({"configuration": ["ka", "kb"], "component": ["a", "b"], "quantity": [1.0, 1.0]}),
        demand=pd.DataFrame({"scenario": "s", "configuration": ["ka", "kb"], "demand": [4.0, 4.0]}),
        resources=pd.DataFrame({"resource": ["line"], "capacity": [5.0]}),
        resource_use=pd.DataFrame({"resource": "line", "item": ["ka", "kb"], "per": "assembly", "usage": 1.0}),
    )
    solution = atoopt.solve(instance)
    assert solution.components["stock"].to_dict() == pytest.approx({"a": 4.0, "b": 1.0})
    assert solution.expected_total_cost == pytest.approx(5 + 3 * 5)
    assert solution.resources.at["line", "use"] == pytest.approx(5)


def test_storage_capacity_setting_counts_space_per_unit():
    solution = atoopt.solve(newsvendor(storage_space=2.0, settings={"storage_capacity": 9}))
    assert stock(solution) == pytest.approx(4.5)
    assert solution.resources.at["storage", "use"] == pytest.approx(9)


def test_infeasible_names_what_conflicts():
    """A 95% target needs more stock than a budget of 5 units buys."""
    solution = atoopt.solve(newsvendor(unit_cost=10.0, target=0.95, settings={"budget": 50}))
    assert solution.status == "infeasible" and not solution.has_plan
    text = " ".join(solution.conflicts)
    assert "fill-rate target of 'kit'" in text and "resource 'budget'" in text
    assert "77.8%" in text  # E[min(D, 5)] / E[D] = 3.5 / 4.5, the most the budget allows
    assert solution.summary()["status"] == "infeasible"


def test_lots_that_cannot_fit_between_min_and_max_stock():
    solution = atoopt.solve(newsvendor(lot_size=10.0, min_stock=5.0, max_stock=8.0))
    assert solution.status == "infeasible"
    assert any("min_stock of 'part'" in c or "max_stock of 'part'" in c for c in solution.conflicts)


def test_time_limit_is_reported_not_raised():
    solution = atoopt.solve(newsvendor(range(200), lot_size=3.0), atoopt.SolveOptions(time_limit=0.0))
    assert solution.status in ("time_limit", "optimal")
    if solution.status == "time_limit" and not solution.has_plan:
        assert "limit" in solution.message


def test_extend_adds_a_users_constraint():
    def at_most_two(model, instance):
        model.UserCap = pyo.Constraint(expr=model.order["part"] <= 2)

    solution = atoopt.solve(newsvendor(), extend=at_most_two)
    assert stock(solution) == pytest.approx(2)
    model = atoopt.build_model(newsvendor())
    assert {"FirstStageCost", "SecondStageCost", "ComponentAvailability", "TotalCost"} <= {
        c.local_name for c in model.component_objects()
    }
