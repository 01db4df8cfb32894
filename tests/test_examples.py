"""The bundled examples are tests: their files hold the generator's data and solve to the recorded result."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import atoopt
from atoopt.examples import EXAMPLES

from .conftest import ROOT


@pytest.mark.parametrize("name", list(EXAMPLES))
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_example_files_solve_to_the_recorded_result(name, form):
    path = ROOT / "instances" / (f"{name}.xlsx" if form == "xlsx" else name)
    solution = atoopt.solve(atoopt.load(path))
    expected = json.loads((ROOT / "instances" / f"{name}.expected.json").read_text())
    assert solution.status == expected["status"]
    assert solution.expected_total_cost == pytest.approx(expected["expected_total_cost"], rel=1e-6)
    for key in ("purchase", "holding", "salvage", "assembly", "revenue", "shortage"):
        assert solution.cost_breakdown[key] == pytest.approx(expected["cost_breakdown"][key], rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_files_hold_the_generated_data(name):
    generated = EXAMPLES[name]()
    stored = atoopt.load(ROOT / "instances" / f"{name}.xlsx")
    for table in ("components", "configurations", "scenarios"):
        pd.testing.assert_frame_equal(getattr(stored, table), getattr(generated, table), check_dtype=False)
    np.testing.assert_array_equal(stored.arrays.D, generated.arrays.D)
    np.testing.assert_array_equal(stored.arrays.A.toarray(), generated.arrays.A.toarray())


def test_examples_tell_their_story():
    pc = atoopt.solve(EXAMPLES["pc_maker"]())
    assert len(pc.components) >= 15 and len(pc.configurations) >= 12 and len(pc.scenario_costs) >= 30
    confs = pc.configurations
    targeted = confs[confs["fill_rate_target"].notna()]
    assert (targeted["fill_rate"] >= targeted["fill_rate_target"] - 1e-9).all()
    smoothie = EXAMPLES["smoothie_bar"]()
    assert (smoothie.components["salvage_value"] < 0).any()  # perishable bases cost to dispose of
    assert atoopt.solve(smoothie).solver["integer"]  # produce comes in whole cases
