"""Assemble-to-order against make-to-stock (MTS), on the user's own data.

Under MTS every configuration i is assembled before demand is known and stocked
as a finished unit: a newsvendor with

- cost per finished unit stocked: purchase sum_j a_ij c_j, carrying sum_j a_ij h_j
  and the assembly k_i, now paid for every unit built, sold or not;
- credit per finished unit left over: sum_j a_ij v_j (its parts' salvage);
- price r_i per unit sold and shortage cost b_i per unit short, as under ATO.

:func:`mts_instance` writes that as an instance of the same cost model (finished
units as "components", a one-to-one bill of materials, no assembly cost left), so
the same exact LP solves it: with no budget, resource or target linking the
configurations it separates into one newsvendor per configuration over the
scenarios. Budget, storage and resource limits carry over (resources used per
assembly are used once per finished unit built). The gap between the two plans'
expected costs is what component commonality (risk pooling) is worth here. With
no component shared and no assembly cost, the two plans cost exactly the same.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from ..errors import Report
from ..instance import Instance
from .definition import Case
from .runner import CaseSettings, solve_case

ROWS = ("status", "expected_total_cost", "service", "expected_shortage_units", "inventory_value", "stocked_units")


def mts_instance(instance: Instance) -> Instance:
    """The make-to-stock twin: finished configurations are the stocked items."""
    a = instance.arrays
    I = pd.Index(a.I, name="component")
    space = instance.components["storage_space"].to_numpy(float)
    components = pd.DataFrame(
        {
            "unit_cost": a.A @ a.c,
            "holding_cost": a.A @ a.h + a.k,
            "salvage_value": a.A @ a.v,
            "on_hand": 0.0,
            "min_stock": 0.0,
            "max_stock": math.nan,
            "lot_size": math.nan,
            "storage_space": a.A @ space,
            "description": [f"finished {i}" for i in a.I],
        },
        index=I,
    )
    configurations = instance.configurations.assign(assembly_cost=0.0)
    bom = pd.DataFrame({"configuration": a.I, "component": a.I, "quantity": 1.0})
    return dataclasses.replace(
        instance,
        components=components,
        configurations=configurations,
        bom=bom,
        resource_use=_finished_unit_use(instance),
        settings={**instance.settings, "integer_stock": False},
        report=Report(),
        name=f"{instance.name} [make-to-stock]",
    )


def _finished_unit_use(instance: Instance) -> pd.DataFrame:
    """Resource use per finished unit: its parts' use per order/stock, plus its assembly use, once."""
    use = instance.resource_use
    if use.empty:
        return use
    bom = instance.bom
    parts = use[use["per"] != "assembly"].merge(bom, left_on="item", right_on="component")
    parts = parts.assign(usage=parts["usage"] * parts["quantity"], item=parts["configuration"])
    built = use[use["per"] == "assembly"].assign(per="order")
    table = pd.concat([parts[["resource", "item", "per", "usage"]], built[["resource", "item", "per", "usage"]]])
    return table.groupby(["resource", "item", "per"], as_index=False)["usage"].sum()


def compare_strategies(instance: Instance, settings: CaseSettings | None = None) -> tuple[pd.DataFrame, list[str]]:
    """ATO and MTS side by side (rows: measures and fill rates) and notes on what was assumed.

    Stock already on hand is left out of both plans, so both strategies start from
    nothing; component stock limits and lot sizes have no make-to-stock meaning
    and apply to ATO only.
    """
    settings = settings or CaseSettings()
    notes = []
    comps = instance.components
    if (comps["on_hand"] > 0).any():
        notes.append("stock on hand is left out of both plans, so both strategies start from nothing")
        instance = dataclasses.replace(instance, components=comps.assign(on_hand=0.0), report=Report())
    if comps["lot_size"].notna().any() or comps["max_stock"].notna().any() or (comps["min_stock"] > 0).any():
        notes.append("component stock limits and lot sizes apply to the ATO plan only")
    mts = mts_instance(instance)
    records = {
        "assemble_to_order": solve_case(instance, Case("assemble_to_order"), settings, None),
        "make_to_stock": solve_case(mts, Case("make_to_stock"), settings, None),
    }
    assembly = pd.Series(instance.arrays.k, index=instance.arrays.I)
    columns = {}
    for name, record in records.items():
        column = {"status": record["status"], "expected_total_cost": record.get("expected_total_cost")}
        if record.get("stock") is not None:
            stock = pd.Series(record["stock"], dtype=float)
            confs = pd.Series(record["fill_rate"], dtype=float)
            value = record["inventory_value"]
            if name == "make_to_stock":  # a finished unit holds its assembly too
                value += float(assembly.reindex(stock.index).fillna(0.0) @ stock)
            column.update(
                service=record["service"],
                expected_shortage_units=_shortage(instance, confs),
                inventory_value=value,
                stocked_units=float(stock.sum()),
                **{f"fill_rate: {i}": v for i, v in confs.items()},
            )
        columns[name] = column
    table = pd.DataFrame(columns)
    ato, mts_cost = (
        table.at["expected_total_cost", "assemble_to_order"],
        table.at["expected_total_cost", "make_to_stock"],
    )
    numeric = table.drop(index="status").astype(float)
    table["make_to_stock_minus_ato"] = pd.concat(
        [pd.Series({"status": ""}), numeric["make_to_stock"] - numeric["assemble_to_order"]]
    )
    table.index.name = "measure"
    if ato is not None and mts_cost is not None:
        notes.append(
            f"component commonality (risk pooling) is worth {mts_cost - ato:,.2f} in expected cost: "
            + ("assemble-to-order suits this operation" if mts_cost - ato > 1e-9 else "ATO gains nothing here")
        )
    return table, notes


def _shortage(instance: Instance, fill_rate: pd.Series) -> float:
    a = instance.arrays
    expected = pd.Series(a.p @ a.D, index=a.I)
    return float(((1 - fill_rate.reindex(expected.index).fillna(1.0)) * expected).sum())


def as_records(table: pd.DataFrame) -> dict:
    """The comparison as JSON-ready ``{strategy: {measure: value}}``."""
    return {
        column: {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in table[column].items()}
        for column in table.columns
    }
