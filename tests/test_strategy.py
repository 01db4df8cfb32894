"""Assemble-to-order against make-to-stock: risk pooling is worth something, and nothing without sharing."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from atoopt.cli import main
from atoopt.instance import Instance
from atoopt.studies.strategy import compare_strategies, mts_instance


def _instance(components, configurations, bom, demand, probabilities) -> Instance:
    scenarios = pd.DataFrame({"scenario": list(probabilities), "probability": list(probabilities.values())})
    return Instance.from_frames(
        components=pd.DataFrame(components),
        configurations=pd.DataFrame(configurations),
        bom=pd.DataFrame(bom, columns=["configuration", "component", "quantity"]),
        demand=pd.DataFrame(demand, columns=["scenario", "configuration", "demand"]),
        scenarios=scenarios,
    )


def newsvendor(demand: np.ndarray, p: np.ndarray, cost: float, price: float, shortage: float, salvage: float):
    """Textbook newsvendor over discrete scenarios: the least d with P(D <= d) >= (r+b-C)/(r+b-V)."""
    ratio = (price + shortage - cost) / (price + shortage - salvage)
    order = np.argsort(demand)
    cdf = np.cumsum(p[order])
    quantity = demand[order][np.searchsorted(cdf, ratio - 1e-12)]
    sold = np.minimum(quantity, demand)
    expected = cost * quantity + p @ (-price * sold + shortage * (demand - sold) - salvage * (quantity - sold))
    return quantity, expected


def test_without_shared_components_or_assembly_cost_ato_and_mts_coincide_exactly():
    rng = np.random.default_rng(3)
    configs = ["a", "b", "c"]
    parts = {i: [f"{i}_frame", f"{i}_motor"] for i in configs}
    comps = [j for i in configs for j in parts[i]]
    unit = dict(zip(comps, rng.uniform(2, 9, len(comps)).round(2)))
    hold = dict(zip(comps, rng.uniform(0.1, 1, len(comps)).round(2)))
    salvage = {j: round(0.3 * unit[j], 2) for j in comps}
    quantity = {j: float(rng.integers(1, 3)) for j in comps}
    price = dict(zip(configs, rng.uniform(40, 60, 3).round(2)))
    shortage = dict(zip(configs, rng.uniform(5, 15, 3).round(2)))
    S = [f"s{k}" for k in range(9)]
    p = rng.dirichlet(np.ones(len(S)))
    p = dict(zip(S, p / p.sum()))
    D = {(s, i): float(rng.integers(0, 30)) for s in S for i in configs}
    instance = _instance(
        {
            "component": comps,
            "unit_cost": [unit[j] for j in comps],
            "holding_cost": [hold[j] for j in comps],
            "salvage_value": [salvage[j] for j in comps],
        },
        {
            "configuration": configs,
            "price": [price[i] for i in configs],
            "shortage_cost": [shortage[i] for i in configs],
        },
        [(i, j, quantity[j]) for i in configs for j in parts[i]],
        [(s, i, D[s, i]) for s in S for i in configs],
        p,
    )
    table, _ = compare_strategies(instance)
    ato, mts = table.at["expected_total_cost", "assemble_to_order"], table.at["expected_total_cost", "make_to_stock"]
    assert abs(ato - mts) <= 1e-9 * abs(ato)
    # each configuration is the textbook newsvendor of its finished unit
    probabilities = np.array(list(p.values()))
    total = 0.0
    for i in configs:
        cost = sum(quantity[j] * (unit[j] + hold[j]) for j in parts[i])
        credit = sum(quantity[j] * salvage[j] for j in parts[i])
        demand = np.array([D[s, i] for s in S])
        _, expected = newsvendor(demand, probabilities, cost, price[i], shortage[i], credit)
        total += expected
        for measure in ("assemble_to_order", "make_to_stock"):
            assert table.at[f"fill_rate: {i}", measure] == pytest.approx(table.at[f"fill_rate: {i}", "make_to_stock"])
    assert mts == pytest.approx(total, rel=1e-12)


def test_with_heavy_commonality_ato_beats_make_to_stock():
    configs = [f"model_{k}" for k in range(4)]
    comps = ["shared_chassis", "shared_board", *[f"trim_{k}" for k in range(4)]]
    bom = [(i, j, 1.0) for i in configs for j in ("shared_chassis", "shared_board")]
    bom += [(i, f"trim_{k}", 1.0) for k, i in enumerate(configs)]
    scenarios = list(itertools.product((0.0, 10.0), repeat=4))  # each model sells 0 or 10, independently
    S = [f"s{n}" for n in range(len(scenarios))]
    instance = _instance(
        {"component": comps, "unit_cost": [40, 30, 2, 2, 2, 2], "holding_cost": 1.0},
        {"configuration": configs, "price": 160.0, "shortage_cost": 10.0},
        bom,
        [(s, i, d) for s, ds in zip(S, scenarios) for i, d in zip(configs, ds)],
        dict.fromkeys(S, 1 / len(S)),
    )
    table, notes = compare_strategies(instance)
    ato, mts = table.at["expected_total_cost", "assemble_to_order"], table.at["expected_total_cost", "make_to_stock"]
    # MTS: each model a newsvendor, unit 75, P(D=10) = 1/2 < (160+10-75)/(160+10): stock 10 of each
    assert mts == pytest.approx(4 * (75 * 10 - 0.5 * 160 * 10), rel=1e-12)
    assert ato < mts - 100  # pooling the shared parts is worth far more than rounding
    assert table.at["inventory_value", "assemble_to_order"] < table.at["inventory_value", "make_to_stock"]
    assert any("assemble-to-order suits" in n for n in notes)


def test_mts_twin_prices_a_finished_unit_as_its_parts_plus_assembly():
    instance = _instance(
        {"component": ["x", "y"], "unit_cost": [3.0, 4.0], "holding_cost": [0.5, 0.25], "salvage_value": [1.0, 0.0]},
        {"configuration": ["k"], "price": 20.0, "assembly_cost": 2.0, "shortage_cost": 1.0},
        [("k", "x", 2.0), ("k", "y", 1.0)],
        [("s", "k", 5.0)],
        {"s": 1.0},
    )
    twin = mts_instance(instance)
    row = twin.components.loc["k"]
    assert (row["unit_cost"], row["holding_cost"], row["salvage_value"]) == (10.0, 1.25 + 2.0, 2.0)
    assert twin.configurations.at["k", "assembly_cost"] == 0.0


def test_compare_strategies_command(capsys):
    assert main(["compare-strategies", "instances/pc_maker.xlsx", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ato = data["strategies"]["assemble_to_order"]["expected_total_cost"]
    mts = data["strategies"]["make_to_stock"]["expected_total_cost"]
    assert ato < mts
    assert data["strategies"]["make_to_stock_minus_ato"]["expected_total_cost"] == pytest.approx(mts - ato)
