"""The L-shaped method reaches the extensive form's optimum to 1e-6 relative."""

import numpy as np
import pytest

from atoopt import SolveOptions, solve
from atoopt.decomposition import LShapedOptions, NotDecomposableError, lshaped, split
from atoopt.decomposition.lshaped import Bundle
from atoopt.generate import random_instance
from atoopt.highs import HighsOptions, run_highs
from atoopt.matrix import build_matrix

from .conftest import newsvendor

FIRST_STAGE_FEATURES = ("on_hand", "bounds", "resources", "salvage")


def _ef_objective(instance):
    return run_highs(build_matrix(instance).lp, HighsOptions(method="ipm")).objective


@pytest.mark.parametrize(
    ("seed", "prices", "features", "bundle_size"),
    [
        (0, False, (), 1),
        (1, True, (), 1),
        (2, True, FIRST_STAGE_FEATURES, 1),
        (3, False, FIRST_STAGE_FEATURES, 4),
    ],
)
def test_lshaped_reaches_the_ef_optimum(seed, prices, features, bundle_size):
    instance = random_instance(12, 16, 40, 4, seed=seed, prices=prices, features=features)
    expected = _ef_objective(instance)
    blocks = split(build_matrix(instance), instance.arrays.p)
    result = lshaped(blocks, LShapedOptions(bundle_size=bundle_size, gap=1e-8))
    assert result.status == "optimal"
    assert abs(result.upper - expected) <= 1e-6 * abs(expected)
    assert result.lower <= expected + 1e-6 * abs(expected)  # a valid bound
    lowers = [r["lower"] for r in result.history]
    assert lowers == sorted(lowers)  # bounds reported as it goes, never worse


def test_decomposition_path_gives_the_same_solution_tables():
    instance = random_instance(10, 12, 30, 3, seed=7, prices=True, features=FIRST_STAGE_FEATURES)
    ef = solve(instance, SolveOptions(path="matrix"))
    dec = solve(instance, SolveOptions(path="decomposition"))
    assert dec.solver["path"] == "decomposition"
    assert dec.expected_total_cost == pytest.approx(ef.expected_total_cost, rel=1e-6)
    # the reported cost is recomputed from the plan, so the plan itself is optimal
    assert dec.cost_breakdown["total"] == pytest.approx(dec.solver["solver_objective"], rel=1e-9)


def test_newsvendor_textbook_optimum_by_decomposition():
    """Demand 0..9 equally likely, holding 1, shortage 3: stock 6, cost 7.8."""
    solution = solve(newsvendor(), SolveOptions(path="decomposition"))
    assert solution.solver["path"] == "decomposition"
    assert solution.components.at["part", "stock"] == pytest.approx(6.0, abs=1e-6)
    assert solution.expected_total_cost == pytest.approx(7.8, rel=1e-9)


def test_subgradient_is_bracketed_by_finite_differences():
    """(Q(q) - Q(q - h)) / h <= g_j <= (Q(q + h) - Q(q)) / h for a convex Q and its subgradient g."""
    instance = random_instance(6, 8, 3, 3, seed=4, prices=True)
    blocks = split(build_matrix(instance), instance.arrays.p)
    bundle = Bundle(blocks, 0, 3)
    q = np.full(blocks.n_first, 40.0)
    value, grad, _, _ = bundle.evaluate(q)
    assert np.any(np.abs(grad) > 1e-3)  # stock binds somewhere: the check has teeth
    h = 1e-3
    for j in range(blocks.n_first):
        step = np.zeros_like(q)
        step[j] = h
        up, down = bundle.evaluate(q + step)[0], bundle.evaluate(q - step)[0]
        assert (value - down) / h - 1e-6 <= grad[j] <= (up - value) / h + 1e-6


def test_fill_rate_targets_are_routed_to_the_extensive_form():
    instance = random_instance(8, 10, 20, 3, seed=5, features=("targets",))
    with pytest.raises(NotDecomposableError, match="links scenarios"):
        split(build_matrix(instance), instance.arrays.p)
    solution = solve(instance, SolveOptions(path="decomposition"))
    assert solution.solver["path"] == "matrix"
    assert "fill-rate" in solution.solver["notes"]
    assert solution.expected_total_cost == pytest.approx(_ef_objective(instance), rel=1e-6)


def _disjoint_instance(seed, bounds):
    """Five kits, each with its own two components: no component is shared."""
    import pandas as pd

    import atoopt

    rng = np.random.default_rng(seed)
    J, I = [f"c{j}" for j in range(12)], [f"p{i}" for i in range(5)]
    comps = pd.DataFrame(
        {
            "component": J,
            "holding_cost": rng.uniform(0.5, 2, 12).round(2),
            "unit_cost": rng.uniform(1, 5, 12).round(2),
            "salvage_value": rng.uniform(0, 0.4, 12).round(2),
        }
    )
    if bounds:
        comps["on_hand"] = rng.integers(0, 30, 12).astype(float)
        comps["min_stock"] = np.where(rng.random(12) < 0.3, 40.0, 0.0)
        comps["max_stock"] = np.where(rng.random(12) < 0.3, 80.0, np.nan)
    confs = pd.DataFrame(
        {"configuration": I, "price": rng.uniform(30, 60, 5).round(2), "shortage_cost": rng.uniform(0, 10, 5).round(2)}
    )
    bom = pd.DataFrame(
        [(I[i], J[2 * i + k], float(rng.integers(1, 3))) for i in range(5) for k in range(2)],
        columns=["configuration", "component", "quantity"],
    )
    demand = pd.DataFrame(
        [(f"s{s}", i, round(max(0.0, rng.normal(30, 10)), 1)) for s in range(40) for i in I],
        columns=["scenario", "configuration", "demand"],
    )
    return atoopt.Instance.from_frames(comps, confs, bom, demand[demand["demand"] > 0])


@pytest.mark.parametrize("bounds", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_closed_form_when_no_component_is_shared(seed, bounds):
    from atoopt.decomposition import closed_form

    instance = _disjoint_instance(seed, bounds)
    assert closed_form.applies(instance)
    solution = solve(instance)
    assert solution.solver["path"] == "closed-form"
    assert solution.expected_total_cost == pytest.approx(_ef_objective(instance), rel=1e-9)
    assert not closed_form.applies(random_instance(10, 10, 5, 3, seed=seed))  # shared components


def test_cvar_objective_is_routed_to_the_extensive_form():
    instance = random_instance(8, 10, 20, 3, seed=6, prices=True)
    instance.settings["cvar_weight"] = 0.5
    with pytest.raises(NotDecomposableError, match="CVaR"):
        split(build_matrix(instance), instance.arrays.p)
    solution = solve(instance, SolveOptions(path="decomposition"))
    assert solution.solver["path"] == "matrix" and "CVaR" in solution.solver["notes"]
    assert solution.solver["solver_objective"] == pytest.approx(_ef_objective(instance), rel=1e-9)
