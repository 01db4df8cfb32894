"""The mpi-sppy engine: the same model, scenario by scenario, gives atoopt's own optimum.

Needs the optional extra ``mpi`` (``pip install 'atoopt[mpi]'``: mpi-sppy, mpi4py,
mpich); without it the tests that run mpi-sppy are skipped, saying so. The tests of
the one-scenario models need only the core.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from atoopt import Instance, solve
from atoopt.errors import AtooptError
from atoopt.examples import pc_maker, smoothie_bar
from atoopt.generate import random_instance
from atoopt.scenario_model import (
    NotDecomposableError,
    ScenarioModels,
    check_decomposable,
    implied_order_cap,
    without_fill_rate_targets,
)

ROOT = Path(__file__).resolve().parents[1]
NO_MPI = "the optional extra 'mpi' is not installed (pip install 'atoopt[mpi]': mpi-sppy, mpi4py, mpich)"


def _have(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


needs_mpisppy = pytest.mark.skipif(not _have("mpisppy"), reason=NO_MPI)
needs_mpi = pytest.mark.skipif(not (_have("mpisppy") and _have("mpi4py")), reason=NO_MPI)


def tiny(salvage: float = 0.0, max_stock=None) -> Instance:
    """One part (on hand 3, lots of 5) in two kits; the largest requirement is 2*4 + 4 = 12."""
    return Instance.from_frames(
        components=pd.DataFrame(
            {
                "component": ["part"],
                "unit_cost": [1.0],
                "holding_cost": [0.5],
                "salvage_value": [salvage],
                "on_hand": [3.0],
                "lot_size": [5.0],
                "max_stock": [max_stock],
            }
        ),
        configurations=pd.DataFrame({"configuration": ["a", "b"], "shortage_cost": [4.0, 6.0]}),
        bom=pd.DataFrame({"configuration": ["a", "b"], "component": ["part", "part"], "quantity": [2.0, 1.0]}),
        demand=pd.DataFrame(
            {"scenario": ["low", "high", "high"], "configuration": ["a", "a", "b"], "demand": [1.0, 4.0, 4.0]}
        ),
        scenarios=pd.DataFrame({"scenario": ["low", "high"], "probability": [0.75, 0.25]}),
    )


# -- the one-scenario models (core only) ----------------------------------------------


def test_one_scenario_model_holds_that_scenario_alone_with_probability_one():
    models = ScenarioModels(tiny())
    assert models.names == ["low", "high"]
    assert models.probability == {"low": 0.75, "high": 0.25}
    high = models("high")
    assert list(high.Scenarios) == ["high"]
    assert sorted(high.assemble) == [("a", "high"), ("b", "high")]
    low = models("low")
    assert list(low.assemble) == [("a", "low")]
    # stock 8 (order 5, one lot): 'low' assembles its one 'a', 'high' can serve both 'b' (4) and 'a' twice
    for model in (low, high):
        model.lots["part"].fix(1)
        model.order["part"].fix(5)
    low.assemble["a", "low"].fix(1)
    assert low.TotalCost() == pytest.approx(5 * 1.0 + 8 * 0.5)
    high.assemble["a", "high"].fix(2)
    high.assemble["b", "high"].fix(4)
    assert high.TotalCost() == pytest.approx(5 * 1.0 + 8 * 0.5 + 2 * 4.0)


def test_implied_order_cap_is_the_largest_requirement_in_whole_lots():
    # requirement 12, on hand 3: 9 more, in lots of 5 -> 10
    assert implied_order_cap(tiny()) == {"part": 10.0}
    # a part worth more left over than bought and held is bounded only by its max_stock
    assert implied_order_cap(tiny(salvage=2.0, max_stock=30.0)) == {}
    models = ScenarioModels(tiny())
    assert models("low").order["part"].ub == 10.0


def test_implied_order_cap_cuts_off_no_optimum():
    instance = random_instance(8, 10, 12, seed=3, prices=True, features=("on_hand", "bounds", "salvage"))
    solution = solve(instance)
    cap = implied_order_cap(instance)
    order = solution.components["order"]
    assert all(order[j] <= cap[j] + 1e-6 for j in cap)


def test_fill_rate_targets_are_refused_as_scenario_linking():
    instance = pc_maker()
    with pytest.raises(NotDecomposableError) as raised:
        ScenarioModels(instance)
    message = str(raised.value)
    assert "'creator_pro'" in message and "'gamer_high'" in message
    assert "fill_rate_target" in message and "--drop-fill-rate-targets" in message
    assert raised.value.exit_code == 2
    check_decomposable(without_fill_rate_targets(instance))  # nothing else links scenarios


def test_unknown_scenario_is_named():
    with pytest.raises(AtooptError, match="no scenario 'storm'"):
        ScenarioModels(tiny())("storm")


# -- mpi-sppy's extensive form through the module -----------------------------------


def pc_maker_without_targets() -> Instance:
    """pc_maker's fill-rate targets link scenarios; its assembly-hours limit is per scenario and stays."""
    return without_fill_rate_targets(pc_maker())


CASES = {
    "pc_maker_without_targets": pc_maker_without_targets,
    "smoothie_bar": smoothie_bar,  # lot sizes: a MIP, solved to proven optimality
    "random_all_features": lambda: random_instance(
        12, 15, 20, per_configuration=4, seed=5, prices=True, features=("on_hand", "bounds", "resources", "salvage")
    ),
}


@needs_mpisppy
def test_extensive_form_with_cvar_keeps_the_value_at_risk_first_stage():
    """With a CVaR weight, eta is nonanticipative, so the scenario-wise objective is atoopt's risk-averse one."""
    from atoopt.scaleout import MpisppyOptions, solve_mpisppy

    instance = random_instance(6, 8, 15, seed=4, prices=True)
    instance = dataclasses.replace(instance, settings={**instance.settings, "cvar_weight": 0.5, "cvar_level": 0.9})
    reference = solve(instance)
    solution = solve_mpisppy(instance, MpisppyOptions(algorithm="ef"))
    assert solution.solver["objective"] == pytest.approx(reference.solver["solver_objective"], rel=1e-6)
    assert solution.expected_total_cost == pytest.approx(reference.expected_total_cost, rel=1e-6)
    assert solution.status == "optimal"


@needs_mpisppy
@pytest.mark.parametrize("name", list(CASES))
def test_extensive_form_through_mpisppy_equals_atoopt_solve(name):
    from atoopt.scaleout import MpisppyOptions, solve_mpisppy

    instance = CASES[name]()
    reference = solve(instance)
    solution = solve_mpisppy(instance, MpisppyOptions(algorithm="ef"))
    assert solution.status == "optimal"
    expected = reference.expected_total_cost
    assert solution.solver["objective"] == pytest.approx(expected, rel=1e-6)  # mpi-sppy's own objective
    assert solution.expected_total_cost == pytest.approx(expected, rel=1e-6)  # the plan, evaluated by the core
    assert solution.components.index.tolist() == reference.components.index.tolist()


@needs_mpisppy
def test_generic_cylinders_loads_the_models_file_as_it_is(tmp_path):
    """mpi-sppy's own driver, pointed at models/atoopt_mpisppy.py, solves the EF of a bundled example."""
    base = tmp_path / "sb"
    command = [sys.executable, "-m", "mpisppy.generic_cylinders", "--module-name", str(ROOT / "models/atoopt_mpisppy")]
    command += ["--instance", "example:smoothie_bar", "--EF", "--EF-solver-name", "appsi_highs"]
    command += ["--EF-solver-options", "mip_rel_gap=0", "--atoopt-output", str(base)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(Path(f"{base}-report.json").read_text())
    plan = json.loads(Path(f"{base}-plan.json").read_text())
    reference = solve(smoothie_bar())
    assert report["objective"] == pytest.approx(reference.expected_total_cost, rel=1e-6)
    assert set(plan["stock"]) == set(reference.components.index)


@needs_mpisppy
def test_cli_engine_mpisppy_writes_the_result_workbook(tmp_path, capsys):
    from atoopt.cli import main

    out = tmp_path / "sb-result.xlsx"
    assert main(["mpisppy", "example:smoothie_bar", "-o", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "optimal"
    assert summary["expected_total_cost"] == pytest.approx(solve(smoothie_bar()).expected_total_cost, rel=1e-6)
    with pd.ExcelFile(out) as book:
        assert {"Summary", "Components", "Allocation"} <= set(book.sheet_names)


@needs_mpisppy
def test_cli_refuses_fill_rate_targets_without_a_traceback(capsys):
    from atoopt.cli import main

    assert main(["solve", "example:pc_maker", "--engine", "mpisppy"]) == 2
    err = capsys.readouterr().err
    assert "fill_rate_target" in err and "Traceback" not in err


# -- progressive hedging on MPI ranks -----------------------------------------------------


@pytest.fixture(scope="module")
def pc_maker_ef():
    """pc_maker without targets: its EF optimum and plan (atoopt's own solve)."""
    return solve(pc_maker_without_targets())


def cost_of(stock: np.ndarray, instance: Instance) -> float:
    from atoopt.scaleout import evaluate_plan

    return evaluate_plan(instance, stock).expected_total_cost


@needs_mpi
@pytest.mark.slow
@pytest.mark.parametrize("ranks", [2, 4])
def test_progressive_hedging_on_ranks_reaches_the_optimum(ranks, pc_maker_ef):
    from atoopt.scaleout import MpisppyOptions, solve_mpisppy

    reference = pc_maker_ef
    optimum = reference.expected_total_cost
    options = MpisppyOptions(algorithm="ph", ranks=ranks, max_iterations=40, rel_gap=1e-3, drop_fill_rate_targets=True)
    solution = solve_mpisppy("example:pc_maker", options)
    solver = solution.solver
    # the bounds bracket the optimum; the plan's evaluated cost is the upper bound mpi-sppy reported
    assert solver["outer_bound"] <= optimum + 1e-6 * abs(optimum)
    assert solver["inner_bound"] == pytest.approx(solution.expected_total_cost, rel=1e-6)
    assert solution.expected_total_cost >= optimum - 1e-6 * abs(optimum)
    assert solution.expected_total_cost <= optimum + 0.005 * abs(optimum)
    assert solver["ranks"] == ranks and solver["iterations"] >= 1
    # out of sample: on 200 fresh weeks the PH plan costs within 0.5% of the EF plan
    fresh = without_fill_rate_targets(pc_maker(scenarios=200, seed=2027))
    ph_cost = cost_of(solution.components["stock"].to_numpy(), fresh)
    ef_cost = cost_of(reference.components["stock"].to_numpy(), fresh)
    assert abs(ph_cost - ef_cost) <= 0.005 * abs(ef_cost)


# -- the module's plumbing -----------------------------------------------------------------


def test_random_source_reads_keywords_and_names_bad_ones():
    from atoopt.scaleout.source import open_source, random_arguments

    assert random_arguments("components=4,configurations=5,scenarios=6,prices=1,features=lots+bounds") == {
        "components": 4,
        "configurations": 5,
        "scenarios": 6,
        "prices": True,
        "features": ("lots", "bounds"),
    }
    instance = open_source("random:components=4,configurations=5,scenarios=6,seed=2")
    assert instance.arrays.D.shape == (6, 5)
    with pytest.raises(AtooptError, match="keys among"):
        random_arguments("components=4,colour=red")
    with pytest.raises(AtooptError, match="unknown features"):
        random_arguments("features=lots+magic")
    with pytest.raises(AtooptError, match="whole number"):
        random_arguments("scenarios=many")


@pytest.mark.parametrize(
    ("ranks", "spokes", "ratio"),
    [(2, ["--xhatshuffle"], None), (3, ["--xhatshuffle", "--lagrangian"], "1"), (4, ["--lagrangian"], "0.5")],
)
def test_ph_command_lays_out_hub_and_spokes(ranks, spokes, ratio):
    from atoopt.scaleout.run import MpisppyOptions, ph_command

    command = ph_command("example:pc_maker", MpisppyOptions(algorithm="ph", ranks=ranks), "/tmp/base")
    assert command[:3] == ["mpiexec", "-n", str(ranks)]
    assert all(flag in command for flag in spokes)
    assert ("--lagrangian" in command) == (ranks >= 3)
    if ratio is not None:
        assert command[command.index("--lagrangian-rank-ratio") + 1] == ratio
    assert command[command.index("--module-name") + 1] == "atoopt.scaleout.module"


def test_ph_needs_two_ranks():
    from atoopt.scaleout.run import MpisppyOptions, ph_command

    with pytest.raises(AtooptError, match="at least 2 MPI ranks"):
        ph_command("example:pc_maker", MpisppyOptions(algorithm="ph", ranks=1), "/tmp/base")


@needs_mpisppy
def test_scenario_creator_weights_by_probability_and_denouement_records_the_cost():
    from atoopt.scaleout import module

    models = ScenarioModels(tiny())
    high = module.scenario_creator("high", models=models)
    assert high._mpisppy_probability == 0.25
    root = high._mpisppy_node_list[0]
    assert root.name == "ROOT" and [v.name for v in root.nonant_vardata_list] == ["order[part]", "lots[part]"]
    # only the first scenario kept: its probability becomes one
    assert module.scenario_creator("low", models=models, num_scens=1)._mpisppy_probability == 1.0
    high.order["part"].fix(5)
    high.assemble["a", "high"].fix(2)
    high.assemble["b", "high"].fix(4)
    module.scenario_denouement(0, "high", high)
    assert module.SECOND_STAGE_COST["high"] == pytest.approx(2 * 4.0)  # two 'a' short at 4 each


@needs_mpisppy
def test_ph_refuses_fill_rate_targets_before_starting_mpi(monkeypatch):
    from atoopt.scaleout import MpisppyOptions, solve_mpisppy
    from atoopt.scaleout import run as run_module

    def no_mpi(*args, **kwargs):
        raise AssertionError("MPI processes were started")

    monkeypatch.setattr(run_module.subprocess, "run", no_mpi)
    with pytest.raises(NotDecomposableError, match="gamer_high"):
        solve_mpisppy("example:pc_maker", MpisppyOptions(algorithm="ph", ranks=2))


def test_each_source_is_read_once_per_process(tmp_path, monkeypatch):
    """A workbook, a CSV folder and a generated size give the same scenarios, each read once."""
    from atoopt.io.template import instance_sheets, write_input_workbook
    from atoopt.scaleout import module

    instance = random_instance(5, 4, 6, seed=8, prices=True)
    workbook = write_input_workbook(tmp_path / "r.xlsx", instance)
    folder = tmp_path / "r"
    folder.mkdir()
    for sheet, frame in instance_sheets(instance).items():
        if not frame.empty:
            frame.to_csv(folder / f"{sheet.lower()}.csv", index=False)
    reads = []
    opened = module.open_source
    monkeypatch.setattr(module, "open_source", lambda source: reads.append(source) or opened(source))
    monkeypatch.setattr(module, "_CACHE", {})
    generated = "random:components=5,configurations=4,scenarios=6,seed=8,prices=1"
    for source in (str(workbook), str(folder), generated):
        module.kw_creator(_Config(instance=source))
        assert module.scenario_names_creator(None) == [f"s{k}" for k in range(6)]
        assert module.scenario_names_creator(2, start=3) == ["s3", "s4"]
        for name in ("s0", "s5", "s0"):
            model = module.scenario_models(source)(name)
            assert list(model.Scenarios) == [name]
    assert reads == [str(workbook), str(folder), generated]


class _Config(dict):
    """The part of mpi-sppy's Config that kw_creator reads."""

    def __getattr__(self, name):
        return self[name]
