"""The command line as users meet it: exit statuses, JSON, messages without tracebacks."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest

from .conftest import ROOT, run_cli, tiny_sheets, write_workbook

CONFORMANCE = ROOT.parent / "shared" / "tools" / "conformance.py"


def test_solve_json_summary(tiny_workbook):
    result = run_cli("solve", tiny_workbook, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["status"] == "optimal"
    assert set(out["stock"]) == {"chip", "case"} and set(out["fill_rate"]) == {"basic", "pro"}
    assert out["expected_total_cost"] == pytest.approx(sum(v for k, v in out["cost_breakdown"].items() if k != "total"))
    assert (tiny_workbook.parent / "tiny-result.xlsx").exists()


def test_solve_prints_a_readable_summary(tiny_workbook, tmp_path):
    result = run_cli("solve", tiny_workbook, "-o", tmp_path / "elsewhere.xlsx")
    assert result.returncode == 0, result.stderr
    assert "expected total cost" in result.stdout and "fill rate" in result.stdout
    assert (tmp_path / "elsewhere.xlsx").exists()


def test_bad_input_exits_2_with_every_problem_and_writes_nothing(tmp_path):
    sheets = tiny_sheets()
    sheets["BOM"].append(["pro", "gear", 1])
    sheets["Demand"][2][2] = "lots"
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = run_cli("solve", path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "sheet 'BOM', row 6, column 'component': unknown component 'gear'" in result.stderr
    assert "sheet 'Demand', row 3, column 'demand': 'lots' is not a number" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx"]


def test_validate_reports_ready_or_problems(tiny_workbook, tmp_path):
    ok = run_cli("validate", tiny_workbook)
    assert ok.returncode == 0 and "ready to solve: 2 components, 2 configurations, 2 scenarios" in ok.stdout
    missing = run_cli("validate", tmp_path / "nowhere.xlsx")
    assert missing.returncode == 2 and "there is no file" in missing.stderr and "Traceback" not in missing.stderr


def test_infeasible_plan_exits_3_naming_the_conflict(tmp_path):
    sheets = tiny_sheets()
    sheets["Configurations"] = [
        ["configuration", "shortage_cost", "fill_rate_target"],
        ["basic", 5, 0.99],
        ["pro", 9, None],
    ]
    sheets["Settings"] = [["setting", "value"], ["budget", 10]]
    result = run_cli("solve", write_workbook(tmp_path / "tight.xlsx", sheets))
    assert result.returncode == 3
    assert "fill-rate target of 'basic'" in result.stderr and "resource 'budget'" in result.stderr
    assert not (tmp_path / "tight-result.xlsx").exists()


def test_template_round_trip(tmp_path):
    blank = tmp_path / "blank.xlsx"
    assert run_cli("template", blank).returncode == 0
    filled = tmp_path / "pc.xlsx"
    assert run_cli("template", filled, "--example", "pc_maker").returncode == 0
    result = run_cli("solve", filled, "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["status"] == "optimal"
    unknown = run_cli("template", tmp_path / "x.xlsx", "--example", "bakery")
    assert unknown.returncode == 2 and "choose one of pc_maker, smoothie_bar" in unknown.stderr


@pytest.mark.skipif(not CONFORMANCE.exists(), reason="../shared/tools/conformance.py is not beside this checkout")
def test_conformance_with_the_interface(tmp_path):
    """The shared conformance check, run against this checkout's code through a small launcher."""
    launcher = tmp_path / "atoopt"
    launcher.write_text(
        f'#!/bin/sh\nPYTHONPATH={ROOT}${{PYTHONPATH:+:$PYTHONPATH}} exec {sys.executable} -m atoopt "$@"\n'
    )
    launcher.chmod(launcher.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    result = subprocess.run(
        [sys.executable, CONFORMANCE, str(launcher)], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout


def test_installed_command_is_on_path():
    assert shutil.which("atoopt"), "pip install puts the atoopt command on PATH"
