"""SAA bounds, out-of-sample evaluation, value of information and risk (CVaR)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from atoopt import Instance, SolveOptions, solve
from atoopt.cli import main
from atoopt.generate import random_instance
from atoopt.matrix import solve_matrix
from atoopt.scenarios import with_demand, with_settings
from atoopt.stats import cost_distribution, cvar, evaluate, saa, value_of_information
from atoopt.stats.evaluate import _lp_recourse, closed_form_recourse
from atoopt.stats.saa import solve_sample

HOLD, SHORT = 1.0, 4.0  # critical fractile (b - h) / b = 0.75
MEAN, STD = 100.0, 20.0
TRUE_DEMAND = stats.truncnorm(-MEAN / STD, np.inf, loc=MEAN, scale=STD)


def newsvendor(scenarios: int = 50, seed: int = 0, sampling: str = "mc") -> Instance:
    """One component, one configuration, demand N(100, 20) truncated at zero; cost h x + b E(D - x)^+."""
    return Instance.from_frames(
        pd.DataFrame({"component": ["c"], "holding_cost": [HOLD]}),
        pd.DataFrame({"configuration": ["a"], "shortage_cost": [SHORT]}),
        pd.DataFrame({"configuration": ["a"], "component": ["c"], "quantity": [1.0]}),
        demand_model=pd.DataFrame({"configuration": ["a"], "distribution": ["normal"], "mean": [MEAN], "std": [STD]}),
        settings={"scenarios": scenarios, "seed": seed, "sampling": sampling},
    )


def true_cost(x: float) -> float:
    """h x + b E[(D - x)^+] under the true distribution."""
    return HOLD * x + SHORT * TRUE_DEMAND.expect(lambda d: d - x, lb=x)


X_STAR = float(TRUE_DEMAND.ppf(1 - HOLD / SHORT))
Z_STAR = true_cost(X_STAR)


def discrete(demands, probabilities=None, shortage=SHORT, **settings) -> Instance:
    S = [f"s{k}" for k in range(len(demands))]
    scenarios = None if probabilities is None else pd.DataFrame({"scenario": S, "probability": probabilities})
    return Instance.from_frames(
        pd.DataFrame({"component": ["c"], "holding_cost": [HOLD]}),
        pd.DataFrame({"configuration": ["a"], "shortage_cost": [shortage]}),
        pd.DataFrame({"configuration": ["a"], "component": ["c"], "quantity": [1.0]}),
        pd.DataFrame({"scenario": S, "configuration": "a", "demand": demands}),
        scenarios=scenarios,
        settings=settings,
    )


# -- SAA ------------------------------------------------------------------------------


def test_saa_plan_converges_to_the_critical_fractile():
    instance = newsvendor()
    errors = []
    for N in (20, 200, 5000):
        runs = [solve_sample(instance, instance.demand_source.sample(N, s, "lhs"))[1][0] for s in range(5)]
        errors.append(np.mean(np.abs(np.array(runs) - X_STAR)))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 0.01 * X_STAR


@pytest.mark.slow
def test_saa_interval_covers_the_true_optimal_cost_at_its_nominal_rate():
    covers_optimum, covers_candidate, gaps = [], [], []
    instance = newsvendor()
    for seed in range(60):
        result = saa(instance, sample_size=40, replications=8, evaluation_size=2000, seed=seed)
        r = result.final
        low, high = r.optimal_cost_interval
        covers_optimum.append(low <= Z_STAR <= high)
        candidate_cost = true_cost(r.candidate.iloc[0])
        u_low = r.upper_bound - stats.norm.ppf(0.975) * r.evaluation.std_error
        covers_candidate.append(u_low <= candidate_cost <= r.upper_limit(0.025))
        gaps.append(candidate_cost - Z_STAR <= r.mrp_gap_limit)
        assert r.lower_bound < Z_STAR + 3 * r.lower_std_error  # E[v_N] <= z*
    assert np.mean(covers_optimum) >= 0.9
    assert 0.88 <= np.mean(covers_candidate) <= 1.0  # unbiased upper bound: about 95%
    assert np.mean(gaps) >= 0.9  # the MRP gap interval covers the true gap of the candidate


def test_target_gap_mode_grows_the_sample_until_the_gap_is_met():
    result = saa(newsvendor(), sample_size=10, replications=5, evaluation_size=4000, target_gap=0.004, seed=3)
    sizes = [r.sample_size for r in result.rounds]
    assert sizes == [10 * 2**k for k in range(len(sizes))] and len(sizes) > 1
    assert result.met_target and result.final.relative_gap <= 0.004
    assert all(r.relative_gap > 0.004 for r in result.rounds[:-1])
    capped = saa(newsvendor(), sample_size=10, replications=5, evaluation_size=500, target_gap=1e-9, max_sample_size=40)
    assert [r.sample_size for r in capped.rounds] == [10, 20, 40] and capped.met_target is False


def test_same_seed_same_saa_result():
    first = saa(newsvendor(), sample_size=30, replications=4, evaluation_size=500, seed=11, sampling="lhs").summary()
    second = saa(newsvendor(), sample_size=30, replications=4, evaluation_size=500, seed=11, sampling="lhs").summary()
    first.pop("seconds"), second.pop("seconds")
    for r in (*first.pop("rounds"), *second.pop("rounds")):
        r.pop("seconds")
    assert first == second


# -- out-of-sample evaluation -----------------------------------------------------------


def test_out_of_sample_cost_approaches_in_sample_cost_as_n_grows_and_a_poor_plan_is_worse():
    differences = {}
    for N in (10, 2000):
        diffs = []
        for seed in range(4):
            instance = newsvendor(N, seed, "lhs")
            solution = solve(instance)
            out = evaluate(instance, solution.components["stock"].to_numpy(), 20_000, seed=100 + seed)
            diffs.append(abs(out.expected_cost - solution.expected_total_cost))
        differences[N] = np.mean(diffs)
    assert differences[2000] < differences[10] / 5
    instance = newsvendor(2000, 0, "lhs")
    good = evaluate(instance, solve(instance).components["stock"].to_numpy(), 20_000)
    poor = evaluate(instance, [0.6 * X_STAR], 20_000)
    assert good.cost_interval[0] <= Z_STAR <= good.cost_interval[1]
    assert poor.cost_interval[0] > good.cost_interval[1]
    assert poor.expected_cost == pytest.approx(true_cost(0.6 * X_STAR), rel=0.01)
    assert good.fill_rate.loc["a", "estimate"] > poor.fill_rate.loc["a", "estimate"]


def test_evaluation_on_the_own_scenarios_reproduces_the_optimal_cost():
    for features in ((), ("salvage", "on_hand", "resources"), ("lots",)):
        instance = random_instance(8, 6, 15, seed=2, prices=True, features=features)
        solution = solve(instance)
        result = evaluate(instance, solution.components["stock"].to_numpy(), sample_size=None)
        assert result.method == "lp" and result.exact
        assert result.expected_cost == pytest.approx(solution.expected_total_cost, rel=1e-7, abs=1e-6)
        assert result.fill_rate["estimate"].to_numpy() == pytest.approx(solution.configurations["fill_rate"], abs=1e-6)


def test_closed_form_recourse_equals_the_lp_when_nothing_is_shared():
    components = pd.DataFrame({"component": ["x", "y", "z"], "holding_cost": 1.0, "salvage_value": [0.2, 0.0, 0.5]})
    configurations = pd.DataFrame({"configuration": ["a", "b"], "shortage_cost": [5.0, 0.5]})
    bom = pd.DataFrame({"configuration": ["a", "a", "b"], "component": ["x", "y", "z"], "quantity": [2.0, 1.0, 1.0]})
    model = pd.DataFrame({"configuration": ["a", "b"], "distribution": "gamma", "mean": [10, 5], "std": [3, 2]})
    instance = Instance.from_frames(components, configurations, bom, demand_model=model, settings={"scenarios": 200})
    x = np.array([21.0, 9.0, 4.0])
    D = instance.arrays.D
    assert np.allclose(closed_form_recourse(instance.arrays, x, D), _lp_recourse(instance, x, D))
    result = evaluate(instance, x, 5000)
    assert result.method == "closed_form"
    assert result.costs.shape == (5000,)


def test_plans_read_from_a_result_workbook_and_a_csv(tmp_path, capsys):
    from atoopt.io.template import write_input_workbook

    instance = random_instance(5, 4, 12, seed=1)
    path = write_input_workbook(tmp_path / "in.xlsx", instance)
    assert main(["solve", str(path), "--json"]) == 0
    solved = capsys.readouterr().out
    assert '"cost_distribution"' in solved
    result = tmp_path / "in-result.xlsx"
    assert main(["evaluate", str(path), "--plan", str(result), "--in-sample", "--json"]) == 0
    import json

    summary = json.loads(capsys.readouterr().out)
    assert summary["expected_cost"] == pytest.approx(json.loads(solved)["expected_total_cost"])
    csv = tmp_path / "plan.csv"
    stock = json.loads(solved)["stock"]
    csv.write_text("component,stock\n" + "".join(f"{j},{x}\n" for j, x in stock.items()))
    assert main(["evaluate", str(path), "--plan", str(csv), "-n", "2000"]) == 0
    assert "on 2000 fresh scenarios" in capsys.readouterr().out
    assert main(["evaluate", str(path), "--plan", str(csv)]) == 0  # explicit scenarios: exact by default
    assert "all 12 scenarios (exact)" in capsys.readouterr().out
    csv.write_text("component,stock\nc0,ten\nnope,3\n")
    assert main(["evaluate", str(path), "--plan", str(csv)]) == 2
    err = capsys.readouterr().err
    assert "line 2, column 'stock'" in err and "line 3, column 'component'" in err
    assert "Traceback" not in err


def test_saa_command(tmp_path, capsys):
    from atoopt.io.template import write_input_workbook

    path = write_input_workbook(tmp_path / "nv.xlsx", newsvendor())
    assert main(["saa", str(path), "-n", "30", "-m", "4", "--evaluation-size", "500", "--json"]) == 0
    import json

    summary = json.loads(capsys.readouterr().out)
    assert summary["sample_size"] == 30 and summary["replications"] == 4
    low, high = summary["optimal_cost_interval"]
    assert low < summary["lower_bound"] and summary["upper_bound"] < high
    assert summary["evaluation_size"] == 500 and summary["candidate_stock"]["c"] > 0
    assert main(["saa", str(path), "-n", "30", "-m", "4", "--evaluation-size", "500"]) == 0
    assert "optimal cost in [" in capsys.readouterr().out


# -- value of information ------------------------------------------------------------------


def test_value_of_information_by_hand():
    # h = 1, b = 4, demand 10/20/30: RP stocks 30 (cost 30); EV stocks 20: EEV = 20 + 4 x 10/3; WS = E[d] = 20
    value = value_of_information(discrete([10.0, 20.0, 30.0]))
    assert value.recourse == pytest.approx(30.0)
    assert value.expected_value == pytest.approx(20.0) and value.ev_stock["c"] == pytest.approx(20.0)
    assert value.eev == pytest.approx(20.0 + 40.0 / 3)
    assert value.vss == pytest.approx(10.0 / 3)
    assert value.wait_and_see == pytest.approx(20.0)
    assert value.evpi == pytest.approx(10.0)
    # unequal probabilities 0.5/0.3/0.2: RP stock 20 (P(D > 20) = 0.2 < 1/4), cost 20 + 4 x 0.2 x 10 = 28;
    # E[d] = 17: EEV = 17 + 4 (0.3 x 3 + 0.2 x 13) = 31; WS = 17
    value = value_of_information(discrete([10.0, 20.0, 30.0], [0.5, 0.3, 0.2]))
    assert (value.recourse, value.eev, value.wait_and_see) == pytest.approx((28.0, 31.0, 17.0))


def test_an_ev_plan_without_feasible_recourse_has_infinite_eev_reported_as_null():
    # a 95% expected fill rate needs E[min(d, x)] >= 19, so x >= 27; the EV plan stocks 20 (fills 16.67)
    instance = Instance.from_frames(
        pd.DataFrame({"component": ["c"], "holding_cost": [HOLD]}),
        pd.DataFrame({"configuration": ["a"], "shortage_cost": [SHORT], "fill_rate_target": [0.95]}),
        pd.DataFrame({"configuration": ["a"], "component": ["c"], "quantity": [1.0]}),
        pd.DataFrame({"scenario": ["s1", "s2", "s3"], "configuration": "a", "demand": [10.0, 20.0, 30.0]}),
    )
    value = value_of_information(instance)
    assert value.eev == np.inf and value.vss == np.inf
    assert (value.recourse, value.wait_and_see, value.evpi) == pytest.approx((30.0, 20.0, 10.0))
    summary = value.summary()
    assert summary["eev"] is None and summary["vss"] is None and "EEV is infinite" in summary["notes"][0]


def test_value_of_information_is_zero_when_demand_is_certain():
    for instance in (discrete([25.0]), discrete([25.0, 25.0, 25.0]), random_instance(5, 4, 1, seed=3, prices=True)):
        value = value_of_information(instance)
        assert value.vss == pytest.approx(0.0, abs=1e-6) and value.evpi == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("features", [(), ("targets", "resources"), ("salvage", "on_hand", "bounds"), ("lots",)])
def test_vss_and_evpi_are_never_negative(features):
    for seed in range(3):
        instance = random_instance(8, 6, 12, seed=seed, prices=seed % 2 == 1, features=features)
        value = value_of_information(instance)
        assert value.recourse == pytest.approx(solve(instance).expected_total_cost, rel=1e-6, abs=1e-6)
        assert value.vss >= -1e-6 and value.evpi >= -1e-6


def test_solve_reports_value_of_information(tmp_path, capsys):
    from atoopt.io.template import write_input_workbook

    path = write_input_workbook(tmp_path / "d.xlsx", discrete([10.0, 20.0, 30.0]))
    assert main(["solve", str(path), "--json", "--no-write", "--value-of-information"]) == 0
    import json

    summary = json.loads(capsys.readouterr().out)
    assert summary["value_of_information"]["vss"] == pytest.approx(10.0 / 3)
    assert summary["value_of_information"]["evpi"] == pytest.approx(10.0)
    # fast forward keeps 20 (nearest to all) then 10 (tie with 30, first wins); 30 moves to 20:
    # distance 10/3; reduced plan x = 20 costs 20 there and 20 + 4 x 10/3 on all three scenarios
    assert main(["solve", str(path), "--json", "--no-write", "--reduce-to", "2"]) == 0
    reduction = json.loads(capsys.readouterr().out)["scenario_reduction"]
    assert reduction["scenarios_before"] == 3 and reduction["scenarios_after"] == 2
    assert reduction["kantorovich_distance"] == pytest.approx(10 / 3)
    assert (reduction["reduced_cost"], reduction["full_cost"]) == pytest.approx((20.0, 20.0 + 40 / 3))


# -- risk --------------------------------------------------------------------------------


def test_cvar_and_var_by_hand():
    costs, p = np.array([1.0, 2.0, 3.0, 4.0]), np.full(4, 0.25)
    assert cvar(costs, p, 0.5) == pytest.approx(3.5)
    assert cvar(costs, p, 0.6) == pytest.approx((0.25 * 4 + 0.15 * 3) / 0.4)
    d = cost_distribution(costs, p, 0.75)
    assert (d["var"], d["cvar"], d["p50"], d["mean"]) == pytest.approx((3.0, 4.0, 2.0, 2.5))


def test_cvar_objective_by_hand_on_both_paths():
    # h = 1, b = 2.5, demand 10/20/30. Risk neutral: stock 20, E = 28.33, worst cost 45.
    # E + 1 x CVaR_2/3 (the worst third): stock 20 gives 28.33 + 45, stock 30 gives 30 + 30 = 60 (best).
    neutral = discrete([10.0, 20.0, 30.0], shortage=2.5)
    assert solve(neutral).components.loc["c", "stock"] == pytest.approx(20.0)
    averse = with_settings(neutral, cvar_weight=1.0, cvar_level=2 / 3)
    for solution in (solve(averse), solve_matrix(averse)):
        assert solution.components.loc["c", "stock"] == pytest.approx(30.0)
        assert solution.solver["solver_objective"] == pytest.approx(60.0)
        assert solution.expected_total_cost == pytest.approx(30.0)


def tail_cost(solution, level: float = 0.9) -> float:
    return cvar(solution.scenario_costs["total"].to_numpy(), solution.scenario_costs["probability"].to_numpy(), level)


@pytest.mark.parametrize("features", [(), ("salvage", "on_hand", "targets", "resources")])
def test_cvar_pyomo_and_matrix_agree_and_trade_mean_for_tail(features):
    instance = random_instance(8, 6, 20, seed=5, prices=True, features=features)
    neutral = solve(instance)
    averse_instance = with_settings(instance, cvar_weight=2.0, cvar_level=0.9)
    pyomo, matrix = solve(averse_instance, SolveOptions(path="pyomo")), solve_matrix(averse_instance)
    assert pyomo.solver["path"] == "pyomo" and matrix.solver["path"] != "pyomo"
    assert pyomo.solver["solver_objective"] == pytest.approx(matrix.solver["solver_objective"], rel=1e-7)
    for solution in (pyomo, matrix):
        costs = solution.scenario_costs
        tail = cvar(costs["total"].to_numpy(), costs["probability"].to_numpy(), 0.9)
        assert solution.solver["solver_objective"] == pytest.approx(solution.expected_total_cost + 2.0 * tail, rel=1e-7)
    neutral_tail = cvar(
        neutral.scenario_costs["total"].to_numpy(), neutral.scenario_costs["probability"].to_numpy(), 0.9
    )
    averse_tail = cvar(pyomo.scenario_costs["total"].to_numpy(), pyomo.scenario_costs["probability"].to_numpy(), 0.9)
    assert averse_tail <= neutral_tail + 1e-6
    assert pyomo.expected_total_cost >= neutral.expected_total_cost - 1e-6
    assert pyomo.summary()["cost_distribution"]["cvar"] == pytest.approx(
        cost_distribution(pyomo.scenario_costs["total"], pyomo.scenario_costs["probability"], 0.9)["cvar"]
    )


def test_with_demand_scenarios_are_solved_like_explicit_ones():
    instance = newsvendor(30, 4)
    D = instance.arrays.D
    explicit = discrete(D[:, 0].tolist())
    assert solve(instance).expected_total_cost == pytest.approx(solve(explicit).expected_total_cost)
    assert solve(with_demand(explicit, D)).expected_total_cost == pytest.approx(solve(explicit).expected_total_cost)


def test_saa_on_history_periods_resamples_the_periods():
    # periods 10/20/30: the true distribution is the empirical one, z* = 30 (stock 30, h 1, b 4)
    history = pd.DataFrame({"period": ["p1", "p2", "p3"], "configuration": "a", "demand": [10.0, 20.0, 30.0]})
    instance = Instance.from_frames(
        pd.DataFrame({"component": ["c"], "holding_cost": [HOLD]}),
        pd.DataFrame({"configuration": ["a"], "shortage_cost": [SHORT]}),
        pd.DataFrame({"configuration": ["a"], "component": ["c"], "quantity": [1.0]}),
        history=history,
    )
    result = saa(instance, sample_size=60, replications=6, evaluation_size=3000, sampling="lhs", seed=2).final
    low, high = result.optimal_cost_interval
    assert low <= 30.0 <= high and result.candidate["c"] == pytest.approx(30.0)
    assert evaluate(instance, [30.0], sample_size=None).expected_cost == pytest.approx(30.0)
