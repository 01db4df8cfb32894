"""Demand scenarios: DemandModel / History sheets, sampling, reduction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from atoopt import InputError, Instance, load, solve
from atoopt.io import read_tables
from atoopt.io.template import write_input_workbook
from atoopt.scenarios import DemandModel, EmpiricalDemand, fast_forward_selection, reduce_instance, with_demand
from atoopt.scenarios.history import normal_score_correlation
from atoopt.scenarios.sampling import uniforms
from atoopt.validation import validate

COMPONENTS = pd.DataFrame({"component": ["c"], "holding_cost": [1.0]})
CONFIGURATIONS = pd.DataFrame({"configuration": ["a", "b"], "shortage_cost": [4.0, 3.0]})
BOM = pd.DataFrame({"configuration": ["a", "b"], "component": ["c", "c"], "quantity": [1.0, 2.0]})


def model_instance(model: dict, settings: dict | None = None, **sheets) -> Instance:
    return Instance.from_frames(
        COMPONENTS, CONFIGURATIONS, BOM, demand_model=pd.DataFrame(model), settings=settings or {}, **sheets
    )


def errors_of(tables: dict) -> list:
    raw = {}
    for name, frame in tables.items():
        frame = frame.astype(object).copy()
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        raw[name] = frame
    instance, report = validate(raw)
    assert instance is None
    return report.errors


TWO = {"configuration": ["a", "b"], "distribution": ["normal", "negative_binomial"], "mean": [100, 50], "std": [20, 10]}
BASE = {"Components": COMPONENTS, "Configurations": CONFIGURATIONS, "BOM": BOM}


@pytest.mark.parametrize(
    ("distribution", "mean", "std"),
    [("lognormal", 80, 30), ("gamma", 50, 20), ("negative_binomial", 30, 9), ("poisson", 12, np.nan)],
)
def test_marginals_have_the_given_mean_and_std(distribution, mean, std):
    model = DemandModel(["a"], [distribution], [mean], [std])
    D = model.sample(40_000, seed=1, method="lhs")[:, 0]
    assert D.mean() == pytest.approx(mean, rel=0.01)
    assert D.std() == pytest.approx(np.sqrt(mean) if np.isnan(std) else std, rel=0.03)
    if distribution in ("poisson", "negative_binomial"):
        assert np.array_equal(D, np.round(D))


def test_normal_is_truncated_at_zero_and_std_zero_is_certain():
    model = DemandModel(["a", "b"], ["normal", "gamma"], [5.0, 7.0], [10.0, 0.0])
    D = model.sample(5000, seed=0)
    assert D[:, 0].min() >= 0 and D[:, 0].max() > 20
    assert np.all(D[:, 1] == 7.0)
    assert model.mean_demand()[0] == pytest.approx(stats.truncnorm(-0.5, np.inf, loc=5, scale=10).mean())


def test_gaussian_copula_gives_the_correlation():
    R = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.0], [-0.3, 0.0, 1.0]])
    model = DemandModel(["a", "b", "c"], ["normal"] * 3, [100.0] * 3, [10.0] * 3, R)
    D = model.sample(30_000, seed=2, method="sobol")
    assert np.corrcoef(D, rowvar=False) == pytest.approx(R, abs=0.02)
    shared = DemandModel.common_factor(["a", "b"], ["gamma"] * 2, [10.0, 10.0], [3.0, 3.0], share=0.5)
    assert normal_score_correlation(shared.sample(20_000, seed=3))[0, 1] == pytest.approx(0.5, abs=0.03)


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_same_seed_same_sample_other_seed_other_sample(method):
    model = DemandModel(["a", "b"], ["gamma", "poisson"], [10.0, 4.0], [3.0, np.nan], np.array([[1, 0.4], [0.4, 1]]))
    first = model.sample(64, seed=7, method=method)
    assert np.array_equal(first, model.sample(64, seed=7, method=method))
    assert not np.array_equal(first, model.sample(64, seed=8, method=method))
    assert not np.array_equal(first, model.sample(64, seed=7, method=method, stream=(1,)))


def test_latin_hypercube_puts_one_point_in_each_stratum():
    u = uniforms(50, 3, np.random.default_rng(0), "lhs")
    for column in u.T:
        assert sorted(np.floor(column * 50).astype(int)) == list(range(50))


def test_empirical_demand_samples_its_support_with_its_probabilities():
    empirical = EmpiricalDemand(["a"], np.array([[1.0], [2.0], [3.0]]), np.array([0.5, 0.3, 0.2]))
    D = empirical.sample(20_000, seed=0, method="lhs")[:, 0]
    assert [np.mean(k == D) for k in (1, 2, 3)] == pytest.approx([0.5, 0.3, 0.2], abs=1e-3)


def test_demand_model_sheet_becomes_scenarios_and_demand():
    settings = {"scenarios": 40, "seed": 5, "sampling": "lhs", "demand_correlation": 0.3}
    instance = model_instance(
        {
            "configuration": ["a", "b"],
            "distribution": ["normal", "negative_binomial"],
            "mean": [100, 50],
            "std": [20, 10],
        },
        settings,
    )
    assert len(instance.scenarios) == 40 and instance.scenarios["probability"].sum() == pytest.approx(1.0)
    assert instance.arrays.D.shape == (40, 2)
    again = model_instance(
        {
            "configuration": ["a", "b"],
            "distribution": ["normal", "negative_binomial"],
            "mean": [100, 50],
            "std": [20, 10],
        },
        settings,
    )
    assert np.array_equal(instance.arrays.D, again.arrays.D)
    assert np.array_equal(solve(instance).components["stock"], solve(again).components["stock"])
    other = model_instance(
        {
            "configuration": ["a", "b"],
            "distribution": ["normal", "negative_binomial"],
            "mean": [100, 50],
            "std": [20, 10],
        },
        {**settings, "seed": 6},
    )
    assert not np.array_equal(instance.arrays.D, other.arrays.D)


def test_demand_model_workbook_round_trip(tmp_path):
    instance = model_instance(TWO, {"demand_correlation": 0.4, "scenarios": 12})
    path = write_input_workbook(tmp_path / "in.xlsx", instance)
    assert {"DemandModel", "Correlation", "History"} <= set(read_tables(path)[0])
    again = load(path)
    assert np.allclose(again.arrays.D, instance.arrays.D)
    assert again.demand_source.means.tolist() == [100, 50] and again.demand_source.distributions == TWO["distribution"]
    assert again.demand_source.correlation == pytest.approx(instance.demand_source.correlation)


def test_every_bad_demand_model_cell_is_named():
    model = pd.DataFrame(
        {
            "configuration": ["a", "b", "zz"],
            "distribution": ["weibull", "negative_binomial", "normal"],
            "mean": [10, 9, -1],
            "std": [1, 2, 1],
        }
    )
    problems = {(p.sheet, p.row, p.column): p for p in errors_of({**BASE, "DemandModel": model})}
    assert ("DemandModel", 2, "distribution") in problems
    assert "lognormal" in problems["DemandModel", 2, "distribution"].fix
    assert ("DemandModel", 4, "mean") in problems
    model = model.assign(distribution=["normal", "negative_binomial", "normal"], mean=[10, 9, 1])
    problems = {(p.sheet, p.row, p.column): p for p in errors_of({**BASE, "DemandModel": model})}
    assert set(problems) == {("DemandModel", 4, "configuration"), ("DemandModel", 3, "std")}
    problems = {(p.sheet, p.row, p.column): p for p in errors_of({**BASE, "DemandModel": model.iloc[:2]})}
    assert list(problems) == [("DemandModel", 3, "std")]
    assert "sqrt(mean) = 3" in problems["DemandModel", 3, "std"].message


def test_bad_settings_and_correlations_are_named():
    model = pd.DataFrame({"configuration": ["a", "b"], "distribution": "normal", "mean": [10, 10], "std": [1, 1]})
    settings = pd.DataFrame({"setting": ["sampling", "scenarios"], "value": ["quasi", 0]})
    problems = {(p.sheet, p.row, p.column) for p in errors_of({**BASE, "DemandModel": model, "Settings": settings})}
    assert problems == {("Settings", 2, "value"), ("Settings", 3, "value")}
    correlation = pd.DataFrame({"configuration": ["a", "a"], "other": ["a", "b"], "correlation": [0.5, 1.5]})
    problems = {
        (p.sheet, p.row, p.column) for p in errors_of({**BASE, "DemandModel": model, "Correlation": correlation})
    }
    assert problems == {("Correlation", 3, "correlation")}
    three = pd.concat([model, model.iloc[:1].assign(configuration="c")])
    configurations = pd.concat([CONFIGURATIONS, CONFIGURATIONS.iloc[:1].assign(configuration="c")])
    bom = pd.concat([BOM, BOM.iloc[:1].assign(configuration="c")])
    impossible = pd.DataFrame(
        {"configuration": ["a", "a", "b"], "other": ["b", "c", "c"], "correlation": [0.9, 0.9, -0.9]}
    )
    tables = {**BASE, "Configurations": configurations, "BOM": bom, "DemandModel": three, "Correlation": impossible}
    [problem] = errors_of(tables)
    assert problem.sheet == "Correlation" and "cannot all hold" in problem.message


def test_demand_is_needed_from_somewhere():
    [problem] = errors_of(BASE)
    assert problem.sheet == "Demand" and "DemandModel" in problem.fix
    model = pd.DataFrame({"configuration": ["a"], "distribution": "normal", "mean": [10], "std": [1]})
    history = pd.DataFrame({"period": ["p1"], "configuration": ["a"], "demand": [3]})
    [problem] = errors_of({**BASE, "DemandModel": model, "History": history})
    assert problem.sheet == "History" and "only one" in problem.message


def test_history_periods_are_equally_likely_scenarios_scaled_by_growth():
    history = pd.DataFrame(
        {"period": ["m1", "m1", "m2", "m3"], "configuration": ["a", "b", "a", "b"], "demand": [10.0, 4, 20, 6]}
    )
    instance = Instance.from_frames(COMPONENTS, CONFIGURATIONS, BOM, history=history, settings={"growth": 1.5})
    assert list(instance.scenarios.index) == ["m1", "m2", "m3"]
    assert instance.scenarios["probability"].tolist() == pytest.approx([1 / 3] * 3)
    assert instance.arrays.D.tolist() == [[15.0, 6.0], [30.0, 0.0], [0.0, 9.0]]


def test_history_fit_samples_a_fitted_model():
    rng = np.random.default_rng(0)
    a = rng.gamma(25, 4, 36)
    history = pd.DataFrame({"period": np.arange(36).astype(str), "configuration": "a", "demand": a})
    settings = {"history_use": "fit", "history_distribution": "gamma", "scenarios": 500, "seed": 1, "growth": 2}
    instance = Instance.from_frames(COMPONENTS, CONFIGURATIONS, BOM, history=history, settings=settings)
    model = instance.demand_source
    assert model.means[0] == pytest.approx(2 * a.mean()) and model.stds[0] == pytest.approx(2 * a.std(ddof=1))
    assert len(instance.scenarios) == 500
    assert instance.arrays.D[:, 0].mean() == pytest.approx(2 * a.mean(), rel=0.05)
    assert np.all(instance.arrays.D[:, 1] == 0)


def test_fast_forward_selection_by_hand():
    reduction = fast_forward_selection(np.array([[0.0], [1.0], [10.0]]), np.full(3, 1 / 3), 2)
    assert reduction.kept.tolist() == [1, 2]
    assert reduction.probabilities == pytest.approx([2 / 3, 1 / 3])
    assert reduction.distance == pytest.approx(1 / 3)


def test_reduction_error_shrinks_and_the_plan_stays_close():
    from atoopt.generate import random_instance
    from atoopt.stats import evaluate

    instance = random_instance(6, 5, 120, seed=4)
    full = solve(instance).expected_total_cost
    distances, errors = [], []
    for K in (5, 20, 60, 120):
        reduced, reduction = reduce_instance(instance, K)
        assert reduced.scenarios["probability"].sum() == pytest.approx(1.0)
        plan = solve(reduced).components["stock"].to_numpy()
        distances.append(reduction.distance)
        errors.append(evaluate(instance, plan, sample_size=None).expected_cost - full)
    assert distances == sorted(distances, reverse=True) and distances[-1] == 0
    assert all(e >= -1e-6 for e in errors) and errors[-1] == pytest.approx(0, abs=1e-6)
    assert errors[2] < 0.01 * abs(full)


def test_with_demand_keeps_everything_else():
    instance = model_instance({"configuration": ["a"], "distribution": ["gamma"], "mean": [20], "std": [5]})
    copy = with_demand(instance, np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([0.25, 0.75]))
    assert copy.arrays.D.tolist() == [[1.0, 2.0], [3.0, 0.0]] and copy.arrays.p.tolist() == [0.25, 0.75]
    assert copy.demand_source is instance.demand_source and copy.components is instance.components


def test_explicit_demand_wins_over_a_model_kept_for_fresh_samples():
    demand = pd.DataFrame({"scenario": ["s1"], "configuration": ["a"], "demand": [5.0]})
    model = pd.DataFrame({"configuration": ["a"], "distribution": ["gamma"], "mean": [20], "std": [5]})
    instance = Instance.from_frames(COMPONENTS, CONFIGURATIONS, BOM, demand, demand_model=model)
    assert instance.arrays.D.tolist() == [[5.0, 0.0]]
    assert isinstance(instance.demand_source, DemandModel)
    with pytest.raises(InputError):
        Instance.from_frames(COMPONENTS, CONFIGURATIONS, BOM)


def test_unknown_and_repeated_ids_in_demand_sheets_are_reported_not_crashed_on():
    model = pd.DataFrame({"configuration": ["a", "a"], "distribution": "gamma", "mean": [10, 12], "std": [2, 2]})
    correlation = pd.DataFrame({"configuration": ["a"], "other": ["nope"], "correlation": [0.3]})
    history = pd.DataFrame({"period": ["p1", "p1"], "configuration": ["a", "a"], "demand": [1, 2]})
    problems = {
        (p.sheet, p.row, p.column) for p in errors_of({**BASE, "DemandModel": model, "Correlation": correlation})
    }
    assert problems == {("DemandModel", 3, "configuration"), ("Correlation", 2, "other")}
    problems = {(p.sheet, p.row, p.column) for p in errors_of({**BASE, "History": history})}
    assert problems == {("History", 3, "configuration")}


def test_sampling_is_announced_and_a_poisson_std_is_flagged():
    model = {"configuration": ["a", "b"], "distribution": ["poisson", "poisson"], "mean": [16, 9], "std": [4, 5]}
    instance = model_instance(model, {"scenarios": 30, "seed": 2, "sampling": "sobol"})
    problems = {(p.severity, p.sheet, p.row, p.column): p.message for p in instance.report.problems}
    assert ("warning", "DemandModel", 3, "std") in problems and len(problems) == 2
    assert "30 demand scenarios sampled (sobol, seed 2)" in problems["notice", "DemandModel", None, None]


def test_an_error_elsewhere_does_not_hide_or_fake_demand_problems():
    model = pd.DataFrame({"configuration": ["a", "b"], "distribution": "gamma", "mean": [10, 12], "std": [2, 2]})
    bom = pd.concat([BOM, pd.DataFrame({"configuration": ["a"], "component": ["ghost"], "quantity": [1.0]})])
    problems = errors_of({**BASE, "BOM": bom, "DemandModel": model})
    assert [(p.sheet, p.row, p.column) for p in problems] == [("BOM", 4, "component")]
    bad_model = model.assign(distribution=["negative_binomial", "gamma"])
    problems = errors_of({**BASE, "BOM": bom, "DemandModel": bad_model})
    assert {(p.sheet, p.row, p.column) for p in problems} == {("BOM", 4, "component"), ("DemandModel", 2, "std")}
