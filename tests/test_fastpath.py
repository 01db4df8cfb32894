"""The default solve path, the automatic HiGHS algorithm, integer incumbents and progress."""

import io
import json
import time

import pytest

from atoopt import SolveOptions, fastpath, highs, solve
from atoopt.errors import AtooptError
from atoopt.generate import random_instance
from atoopt.highs import choose_method
from atoopt.matrix import build_matrix
from atoopt.progress import Progress, Ticker

from .conftest import newsvendor, run_cli


def test_default_path_is_the_matrix_ef_and_agrees_with_pyomo():
    instance = random_instance(8, 10, 12, 3, seed=2, prices=True, features=("on_hand", "resources"))
    default = solve(instance)
    reference = solve(instance, SolveOptions(path="pyomo"))
    assert default.solver["path"] == "matrix"
    assert reference.solver["path"] == "pyomo"
    assert default.expected_total_cost == pytest.approx(reference.expected_total_cost, rel=1e-9)


def test_extend_takes_the_pyomo_path_and_other_paths_refuse_it():
    def extend(model, instance):
        model.order["part"].setub(2.0)  # a user's extra limit

    solution = solve(newsvendor(), extend=extend)
    assert solution.solver["path"] == "pyomo"
    assert solution.components.at["part", "stock"] == pytest.approx(2.0)
    with pytest.raises(AtooptError, match="needs path 'pyomo'"):
        solve(newsvendor(), SolveOptions(path="matrix"), extend=extend)
    with pytest.raises(AtooptError, match="unknown solve path"):
        solve(newsvendor(), SolveOptions(path="fast"))


def test_many_scenarios_are_decomposed_automatically(monkeypatch):
    monkeypatch.setattr(fastpath, "DECOMPOSE_FROM_SCENARIOS", 10)
    instance = random_instance(6, 8, 12, 3, seed=4)  # components shared: no closed form
    solution = solve(instance)
    assert solution.solver["path"] == "decomposition"
    reference = solve(instance, SolveOptions(path="matrix"))
    assert solution.expected_total_cost == pytest.approx(reference.expected_total_cost, rel=1e-6)
    assert solve(newsvendor()).solver["path"] == "closed-form"  # one kit: its own newsvendor
    assert solve(newsvendor()).expected_total_cost == pytest.approx(7.8, rel=1e-9)


def test_algorithm_is_chosen_by_size_and_can_be_overridden(monkeypatch):
    small = build_matrix(random_instance(5, 5, 5, 2, seed=1)).lp
    assert choose_method(small) == "simplex"
    monkeypatch.setattr(highs, "IPM_FROM_NONZEROS", 1)
    assert choose_method(small) == "ipm"
    instance = random_instance(5, 5, 5, 2, seed=1)
    assert solve(instance).solver["method"] == "ipm"  # auto, with the lowered threshold
    assert solve(instance, SolveOptions(method="simplex")).solver["method"] == "simplex"
    lots = build_matrix(random_instance(5, 5, 5, 2, seed=1, features=("lots",))).lp
    assert lots.is_mip and choose_method(lots) == "choose"  # HiGHS' MIP solver


@pytest.mark.parametrize("path", ["matrix", "decomposition"])
def test_rounded_lots_incumbent_is_within_its_reported_gap(path):
    instance = random_instance(10, 12, 20, 3, seed=11, prices=True, features=("lots", "on_hand", "resources"))
    exact = solve(instance, SolveOptions(path=path, integer="exact", mip_gap=0.0))
    rounded = solve(instance, SolveOptions(path=path, integer="round"))
    best, found = exact.expected_total_cost, rounded.expected_total_cost
    assert rounded.status in ("optimal", "feasible")
    gap, lower = rounded.solver["mip_gap"], rounded.solver["lower_bound"]
    assert lower <= best + 1e-6 * abs(best)  # the LP bound is below the integer optimum
    assert found >= best - 1e-6 * abs(best)  # an incumbent cannot beat the optimum
    assert found - best <= gap * max(1.0, abs(found)) + 1e-6 * abs(best)  # within the reported gap
    lots = instance.components["lot_size"].dropna()
    stock = rounded.components.loc[lots.index]
    assert (stock["order"] / lots).round(6).mod(1).eq(0).all()  # whole lots


def test_progress_reports_bounds_and_time():
    stream = io.StringIO()
    solve(newsvendor(), SolveOptions(path="decomposition", progress=Progress(stream, interval=0)))
    lines = stream.getvalue().splitlines()
    assert lines and all("L-shaped" in line and " s]" in line for line in lines)
    assert "lower 7.8" in lines[-1] and "upper 7.8" in lines[-1]


def test_ticker_reports_elapsed_time_while_a_call_blocks():
    events = []
    with Ticker(events.append, "HiGHS ipm", interval=0.01):
        time.sleep(0.1)
    assert events and events[-1]["phase"] == "HiGHS ipm" and events[-1]["elapsed"] > 0


def test_cli_progress_on_stderr_and_off_for_json(tiny_workbook):
    shown = run_cli("solve", tiny_workbook, "--path", "decomposition", "--no-write")
    assert shown.returncode == 0, shown.stderr
    assert "L-shaped" in shown.stderr and "upper" in shown.stderr
    quiet = run_cli("solve", tiny_workbook, "--path", "decomposition", "--json", "--no-write")
    assert quiet.returncode == 0
    assert "L-shaped" not in quiet.stderr
    assert json.loads(quiet.stdout)["solver"]["path"] == "decomposition"


def test_bench_smoke():
    result = run_cli("bench", "--size", "tiny", "--json")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)["results"][0]
    assert row["size"] == "tiny" and row["nonzeros"] > 0
    objectives = [row[f"{m}_objective"] for m in ("matrix", "decomposition", "default")]
    assert max(objectives) - min(objectives) <= 1e-6 * abs(objectives[0])
    assert row["highs-ipm_objective"] == pytest.approx(objectives[0], rel=1e-6)
