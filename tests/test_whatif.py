"""What-if studies: per-case results equal solving each case alone, the cache resumes, removals bite.

The reference for every case is the Pyomo path (``atoopt.solve(..., SolveOptions(path="pyomo"))``) on the
instance with the case's overrides applied: an independent build and a cold
solve, against the study's warm, persistent matrix model.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import openpyxl
import pytest

from atoopt import SolveOptions, solve
from atoopt.cli import main
from atoopt.errors import InputError
from atoopt.instance import load
from atoopt.solution import COST_TERMS
from atoopt.studies.cache import CaseCache
from atoopt.studies.definition import Case, Override, Study, parse_sweep, read_study, sweep_cases
from atoopt.studies.overrides import apply_case
from atoopt.studies.runner import run_study, solve_cold

ROOT = Path(__file__).resolve().parents[1]
PC_MAKER = ROOT / "instances" / "pc_maker.xlsx"

#: 19 cases plus the base: every kind of override, two of them in a row that only move the budget.
STUDY_CSV = """case,parameter,item,change,value,description
demand_up,demand,,scale,1.2,all demand +20%
creator_slump,demand,creator,scale,0.5,
gamer_boom,demand,gamer_mid,scale,1.5,
gamer_boom,demand,gamer_high,scale,1.5,
shortage_x2,shortage_cost,,scale,2,
creator_pro_penalty,shortage_cost,creator_pro,set,500,
cpu_i7_dearer,unit_cost,cpu_i7,scale,1.3,
all_parts_dearer,unit_cost,,scale,1.1,
holding_up,holding_cost,,add,2,
no_salvage,salvage_value,,set,0,
budget_loose,budget,,set,330000,
budget_tight,budget,,set,20000,
hours_cut,capacity,assembly_hours,scale,0.8,
no_gpu_4080,component,gpu_4080,remove,,supplier drops the card
no_ram_8gb,component,ram_8gb,remove,,
creator_pro_95,fill_rate_target,creator_pro,set,0.95,
targets_all_80,fill_rate_target,,set,0.8,
price_cut,price,,scale,0.9,
assembly_up,assembly_cost,,add,10,
gpu_4060_cap,max_stock,gpu_4060,set,80,
"""


@pytest.fixture(scope="module")
def instance():
    return load(PC_MAKER)


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    path = tmp_path_factory.mktemp("study") / "study.csv"
    path.write_text(STUDY_CSV)
    return read_study(path)


@pytest.fixture(scope="module")
def warm_run(instance, study):
    return run_study(instance, study, jobs=1, progress=False)


def assert_same(record: dict, reference, case: str, fill_rates: bool = True) -> None:
    """A study record agrees with a Solution to 1e-6 (relative for costs and stock)."""
    assert record["status"] == reference.status, case
    if not reference.has_plan:
        return
    cost = reference.expected_total_cost
    assert abs(record["expected_total_cost"] - cost) <= 1e-6 * max(1.0, abs(cost)), case
    for j, stock in reference.components["stock"].items():
        assert abs(record["stock"][j] - stock) <= 1e-6 * max(1.0, abs(stock)), (case, j)
    if fill_rates:
        for i, fill in reference.configurations["fill_rate"].items():
            assert abs(record["fill_rate"][i] - fill) <= 1e-6, (case, i)


def assert_same_records(these: list[dict], those: list[dict]) -> None:
    assert [r["case"] for r in these] == [r["case"] for r in those]
    for a, b in zip(these, those):
        assert a["status"] == b["status"], a["case"]
        if a["status"] == "optimal":
            assert a["expected_total_cost"] == pytest.approx(b["expected_total_cost"], rel=1e-6), a["case"]
            assert a["stock"] == pytest.approx(b["stock"], rel=1e-6, abs=1e-6), a["case"]


def test_study_of_20_cases_equals_each_case_solved_alone(instance, study, warm_run):
    assert len(study.cases) == 20
    assert [r["case"] for r in warm_run.records] == [c.name for c in study.cases]
    _, alone = solve_cold(instance, study.cases)  # each case alone: its own model and a fresh HiGHS
    assert_same_records(warm_run.records, alone)
    for case, record in zip(study.cases, warm_run.records):
        # and an independent build (Pyomo) of the changed instance: same cost and stock
        reference = solve(apply_case(instance, case)[0], SolveOptions(path="pyomo"))
        assert reference.solver["path"] == "pyomo"
        assert_same(record, reference, case.name, fill_rates=False)
        if record["status"] == "optimal":
            # the cost is recomputed from the record's own plan (stock and assembly), so equal
            # costs make its assembly split, and so its fill rates, an optimal one too: where the
            # line binds, two splits can tie, and then fill rates may differ between solvers
            assert sum(record["costs"][t] for t in COST_TERMS) == pytest.approx(record["expected_total_cost"])
    hows = [r["how"] for r in warm_run.records]
    assert hows[0] == "built" and hows.count("warm") >= 10, hows  # the basis is reused for most cases
    by_name = {r["case"]: r["how"] for r in warm_run.records}
    assert by_name["budget_loose"] == "built"  # a budget row the base has not: the model is loaded afresh
    assert by_name["budget_tight"] == "cold"  # no plan: confirmed by a cold solve


def test_cases_differing_in_numbers_only_are_solved_warm(instance):
    study = Study()
    study.add(sweep_cases([parse_sweep("budget=300000:340000:3"), parse_sweep("shortage_cost=x1,2")]))
    run = run_study(instance, study, jobs=1, progress=False)
    assert [r["how"] for r in run.records] == ["built", "built"] + ["warm"] * 5
    cold = solve_cold(instance, study.cases)[1]
    assert_same_records(run.records, cold)
    # starting from the last case's basis takes far fewer simplex iterations than starting afresh
    warm_iterations = sum(r["simplex_iterations"] for r in run.records[2:])
    assert warm_iterations < 0.5 * sum(r["simplex_iterations"] for r in cold[2:])
    for case, record in zip(study.cases, run.records):
        reference = solve(apply_case(instance, case)[0], SolveOptions(path="pyomo"))
        assert reference.solver["path"] == "pyomo"
        assert_same(record, reference, case.name, fill_rates=False)


def test_an_infeasible_case_is_reported_in_its_row_and_the_others_go_on(warm_run):
    by_name = {r["case"]: r for r in warm_run.records}
    tight = by_name["budget_tight"]  # 20,000 cannot buy the 90% fill-rate targets
    assert tight["status"] == "infeasible"
    assert any("budget" in c for c in tight["conflicts"]), tight["conflicts"]
    assert sum(r["status"] == "optimal" for r in warm_run.records) == 19


def test_process_pool_gives_the_same_records(instance, study, warm_run):
    pooled = run_study(instance, study, jobs=2, progress=False)
    assert pooled.workers == "2 processes"
    assert_same_records(pooled.records, warm_run.records)


def test_removing_a_component_zeroes_exactly_the_configurations_that_need_it(instance, warm_run):
    bom = instance.bom
    for name, component in (("no_gpu_4080", "gpu_4080"), ("no_ram_8gb", "ram_8gb")):
        record = next(r for r in warm_run.records if r["case"] == name)
        needing = set(bom.loc[bom["component"] == component, "configuration"])
        assert needing
        assert record["stock"][component] == 0
        for i, fill in record["fill_rate"].items():
            if i in needing:
                assert fill == pytest.approx(0.0, abs=1e-9), (name, i)
            else:
                assert fill > 0.5, (name, i)
    notes = next(r for r in warm_run.records if r["case"] == "no_gpu_4080")["notes"]
    assert any("creator_pro" in n and "gamer_high" in n for n in notes)  # their targets could not hold


def test_an_interrupted_study_resumes_with_only_the_missing_cases(instance, study, tmp_path):
    cache_path = tmp_path / "out.xlsx.cache.jsonl"
    first = run_study(instance, study, jobs=1, cache=CaseCache(cache_path), progress=False)
    assert (first.solved, first.cached) == (20, 0)
    lines = cache_path.read_text().splitlines()
    # the study was killed while writing the 8th case: 7 whole lines and a torn one remain
    cache_path.write_text("\n".join(lines[:7]) + "\n" + lines[7][:40])
    resumed = run_study(instance, study, jobs=1, cache=CaseCache(cache_path), progress=False)
    assert (resumed.solved, resumed.cached) == (13, 7)
    assert [r["how"] == "cached" for r in resumed.records] == [True] * 7 + [False] * 13
    assert_same_records(first.records, resumed.records)
    extended = Study(list(study.cases))
    extended.add([Case("demand_up_more", (Override("demand", None, "scale", 1.3),))])
    again = run_study(instance, extended, jobs=1, cache=CaseCache(cache_path), progress=False)
    assert (again.solved, again.cached) == (1, 20)  # an extended study solves only the new case
    assert len(CaseCache(cache_path)) == 21


def test_a_changed_input_is_not_taken_from_the_cache(instance, tmp_path):
    cache = CaseCache(tmp_path / "c.jsonl")
    study = Study()
    study.add(sweep_cases([parse_sweep("shortage_cost=x1,2")]))
    run_study(instance, study, jobs=1, cache=cache, progress=False)
    changed, _ = apply_case(instance, Case("h", (Override("holding_cost", None, "add", 1.0),)))
    rerun = run_study(changed, study, jobs=1, cache=CaseCache(tmp_path / "c.jsonl"), progress=False)
    assert rerun.solved == 3


def test_sweep_syntax():
    assert parse_sweep("budget=1000:5000:5").values == (1000.0, 2000.0, 3000.0, 4000.0, 5000.0)
    sweep = parse_sweep("shortage_cost@creator=x1,1.5,2")
    assert (sweep.parameter, sweep.item, sweep.change, sweep.values) == (
        "shortage_cost",
        "creator",
        "scale",
        (1, 1.5, 2),
    )
    assert parse_sweep("holding_cost=+0:1:3").change == "add"
    grid = sweep_cases([parse_sweep("shortage_cost=x1,2"), parse_sweep("budget=1000:3000:3")])
    assert len(grid) == 6 and grid[-1].name == "shortage_cost x2, budget=3000"
    for bad in ("budget", "budget=", "budget=a,b", "colour=1,2", "budget=1:2:0", "component=1"):
        with pytest.raises(InputError):
            parse_sweep(bad)


def test_bad_overrides_name_the_whatif_row_column_and_fix(instance, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "case,parameter,item,change,value\n"
        "a,shortage_cost,creatr,scale,2\n"  # line 2: unknown configuration
        "b,colour,,set,1\n"  # line 3: unknown parameter
        "c,budget,,scale,2\n"  # line 4: no budget to scale
        "d,fill_rate_target,,scale,1.5\n"  # line 5: targets above 1
        "e,demand,,set,\n"  # line 6: no value
    )
    with pytest.raises(InputError) as bad_type:
        read_study(path)
    text = str(bad_type.value)
    assert "file 'bad.csv', line 3, column 'parameter'" in text and "colour" in text
    assert "file 'bad.csv', line 6, column 'value'" in text
    path.write_text(path.read_text().replace("b,colour,,set,1\n", "").replace("e,demand,,set,\n", ""))
    study = read_study(path)
    with pytest.raises(InputError) as bad_ids:
        run_study(instance, study, jobs=1, progress=False)
    text = str(bad_ids.value)
    assert "line 2, column 'item': 'creatr' is not a configuration" in text and "did you mean 'creator'" in text
    assert "line 3, column 'change': 'budget' is not set" in text
    assert "line 4, column 'value'" in text and "above its most 1" in text


def test_yaml_study_matches_the_csv_one(instance, tmp_path):
    pytest.importorskip("yaml", reason="PyYAML (the 'yaml' extra) is not installed")
    path = tmp_path / "study.yaml"
    path.write_text(
        "service_target: 0.9\n"
        "cases:\n"
        "  - name: demand_up\n"
        "    changes:\n"
        "      - {parameter: demand, change: scale, value: 1.2}\n"
        "  - name: no_gpu_4080\n"
        "    changes:\n"
        "      - {parameter: component, item: gpu_4080, change: remove}\n"
        "sweeps: ['shortage_cost=x1,2']\n"
    )
    study = read_study(path)
    assert [c.name for c in study.cases] == ["base", "demand_up", "no_gpu_4080", "shortage_cost x1", "shortage_cost x2"]
    assert study.service_target == 0.9
    path.write_text(
        "cases:\n  - name: a\n    changes:\n      - {parameter: demand, item: nope, change: scale, value: 2}\n"
    )
    with pytest.raises(InputError) as bad:
        run_study(instance, read_study(path), jobs=1, progress=False)
    assert "file 'study.yaml', case 1 ('a'), change 1, key 'item'" in str(bad.value)


def test_whatif_command_writes_the_comparison_workbook(tmp_path):
    workbook = tmp_path / "pc.xlsx"
    book = openpyxl.load_workbook(PC_MAKER)
    sheet = book.create_sheet("WhatIf")
    for row in [
        ("case", "parameter", "item", "change", "value"),
        ("no_gpu_4080", "component", "gpu_4080", "remove", None),
        ("demand_up", "demand", None, "scale", 1.2),
    ]:
        sheet.append(row)
    book.save(workbook)
    before = workbook.read_bytes()
    out = tmp_path / "study.xlsx"
    argv = ["whatif", str(workbook), "--sweep", "shortage_cost=x1,3", "--service-target", "0.866", "-o", str(out)]
    assert main([*argv, "--json", "--jobs", "1"]) == 0
    assert workbook.read_bytes() == before
    result = openpyxl.load_workbook(out)
    assert {"Summary", "Cases", "FillRate", "Stock", "Strategy", "Charts"} <= set(result.sheetnames)
    cases = [row[0].value for row in result["Cases"].iter_rows(min_row=2)]
    assert cases == ["base", "no_gpu_4080", "demand_up", "shortage_cost x1", "shortage_cost x3"]
    assert len(result["Charts"]._charts) == 2
    summary = {r[0].value: r[1].value for r in result["Summary"].iter_rows(min_row=2)}
    assert summary["cheapest_case_meeting_target"] == "shortage_cost x3"  # the only one above 86.6%
    assert main([*argv, "--quiet", "--no-plots"]) == 0  # again: every case from the cache
    summary = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["Summary"].iter_rows(min_row=2)}
    assert (summary["solved"], summary["from_cache"]) == (0, 5)


def test_whatif_benchmark_reports_agreement_with_cold_solves(tmp_path, capsys):
    out = tmp_path / "b.xlsx"
    argv = ["whatif", str(PC_MAKER), "--sweep", "demand=x0.8:1.2:4", "-o", str(out), "--benchmark", "--no-plots"]
    assert main([*argv, "--json", "--no-strategies", "--jobs", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["solved"] == 5 and data["cold_seconds"] > 0 and data["speedup"] > 0
    assert data["largest_relative_difference_to_cold"] < 1e-9


def test_template_has_a_whatif_sheet_that_validation_accepts(tmp_path):
    path = tmp_path / "t.xlsx"
    assert main(["template", str(path), "--example", "pc_maker"]) == 0
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book["WhatIf"][1]] == ["case", "parameter", "item", "change", "value", "description"]
    instance = load(path)
    assert not [p for p in instance.report.problems if p.sheet == "WhatIf"]


def test_missing_extras_give_install_hints(instance, tmp_path, monkeypatch, capsys):
    from atoopt.errors import AtooptError

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask[distributed] were not installed
    with pytest.raises(AtooptError, match=r"pip install 'atoopt\[cluster\]'"):
        run_study(
            instance,
            Study([Case("base"), Case("x", (Override("demand", None, "scale", 2.0),))]),
            scheduler="tcp://127.0.0.1:8786",
            progress=False,
        )
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # and matplotlib neither
    out = tmp_path / "o.xlsx"
    assert main(["whatif", str(PC_MAKER), "-o", str(out), "--jobs", "1", "--quiet", "--no-strategies"]) == 0
    assert "pip install 'atoopt[plots]'" in capsys.readouterr().err
    assert out.exists() and not list(tmp_path.glob("*.png"))


@pytest.mark.slow
def test_a_killed_whatif_command_resumes_with_only_the_missing_cases(tmp_path):
    import signal
    import subprocess
    import time

    from atoopt.examples import pc_maker
    from atoopt.io.template import write_input_workbook

    workbook = write_input_workbook(tmp_path / "big.xlsx", pc_maker(scenarios=200))
    out = tmp_path / "study.xlsx"
    argv = [sys.executable, "-m", "atoopt", "whatif", str(workbook), "-o", str(out), "--jobs", "1", "--quiet"]
    argv += ["--sweep", "shortage_cost=x0.5:2.5:5", "--sweep", "demand=x0.8:1.1:4", "--no-strategies", "--no-plots"]
    cache_path = tmp_path / "study.xlsx.cache.jsonl"
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if cache_path.exists() and cache_path.read_text().count("\n") >= 3:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the study finished before it could be killed"
    finished = len(CaseCache(cache_path))
    assert 3 <= finished < 21 and not out.exists()
    done = subprocess.run([*argv, "--json"], capture_output=True, text=True, check=True)
    summary = json.loads(done.stdout)
    assert (summary["solved"], summary["from_cache"]) == (21 - finished, finished)
    assert all(r["status"] == "optimal" for r in summary["cases"])


def test_integer_cases_are_solved_cold_and_agree_with_the_reference():
    from atoopt.generate import random_instance

    instance = random_instance(8, 10, 30, 3, seed=2, prices=True, features=("lots", "on_hand"))
    assert instance.components["lot_size"].notna().any()
    study = Study()
    study.add(sweep_cases([parse_sweep("holding_cost=x1,2"), parse_sweep("lot_size=+0,1")]))
    run = run_study(instance, study, jobs=1, progress=False)
    assert {r["how"] for r in run.records} == {"cold"}  # a MIP has no basis to start from
    for case, record in zip(study.cases, run.records):
        reference = solve(apply_case(instance, case)[0])
        assert record["status"] == reference.status == "optimal"
        # both stop within the default 1e-4 MIP gap of the same optimum
        assert record["expected_total_cost"] == pytest.approx(reference.expected_total_cost, rel=2e-4)


def test_a_study_where_no_case_has_a_plan_still_writes_its_workbook(instance, tmp_path):
    from atoopt.studies.report import write_comparison, write_plots

    study = Study([Case("base", (Override("budget", None, "set", 10.0),))])  # 90% targets on 10 EUR
    study.add(sweep_cases([parse_sweep("budget=20,30")]))
    run = run_study(instance, study, jobs=1, progress=False)
    assert [r["status"] for r in run.records] == ["infeasible"] * 3
    out = write_comparison(tmp_path / "none.xlsx", run.records, {"instance": "pc_maker"}, 0.9)
    book = openpyxl.load_workbook(out)
    assert [row[2].value for row in book["Cases"].iter_rows(min_row=2)] == ["infeasible"] * 3
    pytest.importorskip("matplotlib", reason="the 'plots' extra is not installed")
    assert write_plots(tmp_path / "none", run.records, 0.9) == []


def test_validate_checks_the_whatif_sheet_against_the_instance(tmp_path, capsys):
    workbook = tmp_path / "pc.xlsx"
    book = openpyxl.load_workbook(PC_MAKER)
    sheet = book.create_sheet("WhatIf")
    sheet.append(("case", "parameter", "item", "change", "value"))
    sheet.append(("dearer", "unit_cost", "cpu_i8", "scale", 1.2))
    book.save(workbook)
    assert main(["validate", str(workbook)]) == 2
    err = capsys.readouterr().err
    assert "sheet 'WhatIf', row 2, column 'item': 'cpu_i8' is not a component" in err
    assert "did you mean 'cpu_i7'" in err or "did you mean 'cpu_i9'" in err or "did you mean 'cpu_i3'" in err
