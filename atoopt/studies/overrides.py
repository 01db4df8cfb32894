"""Apply a case's overrides to the base :class:`~atoopt.instance.Instance`.

Each override maps to one table of the instance: a Components or Configurations
column (per item or all), the demand d_is of some or all configurations, the
capacity R_k of resources, a numeric setting, or a whole component removed.
Every new value is checked against the schema's bounds, and every id against
the instance, so a bad study is reported like a bad workbook: the WhatIf row,
its column, what is wrong and the fix.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from .. import schema
from ..errors import InputError, Report
from ..instance import Instance
from ..validation import _did_you_mean
from .definition import SHEET, Case, Override, Study

COMPONENT_COLUMNS = ("unit_cost", "holding_cost", "salvage_value", "on_hand", "min_stock", "max_stock")
COMPONENT_COLUMNS += ("lot_size", "storage_space")
CONFIGURATION_COLUMNS = ("price", "assembly_cost", "shortage_cost", "fill_rate_target")
SETTINGS = ("budget", "storage_capacity", "time_limit", "mip_gap")


def check_study(study: Study, instance: Instance) -> None:
    """Raise :class:`InputError` naming every override that does not fit the instance."""
    report = Report(study.source)
    for case in study.cases:
        apply_case(instance, case, report)
    if report.errors:
        raise InputError(report)


def apply_case(instance: Instance, case: Case, report: Report | None = None) -> tuple[Instance, list[str]]:
    """The instance with the case's overrides applied in order, and notes on side effects.

    With a ``report``, problems are added to it (and the override skipped);
    without one, the first problem raises :class:`InputError`.
    """
    own = report if report is not None else Report()
    tables = {
        "Components": instance.components.copy(),
        "Configurations": instance.configurations.copy(),
        "Demand": instance.demand.copy(),
        "Resources": instance.resources.copy(),
    }
    settings = dict(instance.settings)
    notes: list[str] = []
    for override in case.overrides:
        before = len(own.errors)
        if override.change == "remove":
            _remove_component(instance, tables, override, own, notes)
        elif override.parameter in SETTINGS:
            _change_setting(settings, override, own)
        else:
            _change_column(instance, tables, override, own)
        if report is None and len(own.errors) > before:
            raise InputError(own)
    changed = dataclasses.replace(
        instance,
        components=tables["Components"],
        configurations=tables["Configurations"],
        demand=tables["Demand"],
        resources=tables["Resources"],
        settings=settings,
        report=Report(),
        name=f"{instance.name} [{case.name}]" if case.overrides else instance.name,
    )
    return changed, notes


# -- one override --------------------------------------------------------------------


def _change_column(instance: Instance, tables: dict, override: Override, report: Report) -> None:
    """A column of Components, Configurations, Demand or Resources, for one item or all."""
    parameter = override.parameter
    if parameter in COMPONENT_COLUMNS:
        sheet, column, ids = "Components", parameter, instance.components.index
    elif parameter in CONFIGURATION_COLUMNS:
        sheet, column, ids = "Configurations", parameter, instance.configurations.index
    elif parameter == "demand":
        sheet, column, ids = "Demand", "demand", instance.configurations.index
    else:  # capacity
        sheet, column, ids = "Resources", "capacity", instance.resources.index
        if ids.empty:
            _problem(
                report,
                override,
                "parameter",
                "the instance has no resources to change the capacity of.",
                "add them to sheets Resources and ResourceUse, or change 'budget' or 'storage_capacity'.",
            )
            return
    if override.item is not None and override.item not in ids:
        kind = {"Resources": "resource", "Components": "component"}.get(sheet, "configuration")
        _problem(
            report,
            override,
            "item",
            f"'{override.item}' is not a {kind} of the instance.",
            f"name a {kind} from sheet '{'Configurations' if sheet == 'Demand' else sheet}'"
            f"{_did_you_mean(override.item, ids)}, or leave 'item' blank for all of them.",
        )
        return
    table = tables[sheet]
    if sheet == "Demand":
        rows = table.index if override.item is None else table.index[table["configuration"] == override.item]
    else:
        rows = table.index if override.item is None else pd.Index([override.item])
    new = _changed(table.loc[rows, column].to_numpy(dtype=float), override)
    if _in_bounds(sheet, column, new, override, report):
        table.loc[rows, column] = new


def _change_setting(settings: dict, override: Override, report: Report) -> None:
    name = override.parameter
    if override.item is not None:
        _problem(report, override, "item", f"'{name}' is a setting of the whole plan, not of an item.", "clear 'item'.")
        return
    old = settings.get(name)
    if old is None and override.change != "set":
        _problem(
            report,
            override,
            "change",
            f"'{name}' is not set in the instance, so it cannot be {override.change}d.",
            f"use change 'set' with the {name} to try, or set it on the Settings sheet.",
        )
        return
    new = _changed(np.array([np.nan if old is None else float(old)]), override)
    if _in_bounds("Settings", name, new, override, report):
        settings[name] = float(new[0])


def _remove_component(instance: Instance, tables: dict, override: Override, report: Report, notes: list) -> None:
    """Stock of ``item`` fixed at zero (none on hand, none ordered): what needs it cannot be built."""
    j = override.item
    if j is None or j not in instance.components.index:
        what = "names no component" if j is None else f"'{j}' is not a component of the instance"
        _problem(
            report,
            override,
            "item",
            f"remove {what}.",
            f"name the component to remove in 'item'{_did_you_mean(j, instance.components.index) if j else ''}.",
        )
        return
    components = tables["Components"]
    components.loc[j, ["on_hand", "min_stock", "max_stock"]] = 0.0
    components.loc[j, "lot_size"] = math.nan
    needing = instance.bom.loc[instance.bom["component"] == j, "configuration"].unique()
    configurations = tables["Configurations"]
    dropped = [i for i in needing if not math.isnan(configurations.at[i, "fill_rate_target"])]
    configurations.loc[dropped, "fill_rate_target"] = math.nan
    if dropped:
        notes.append(f"fill-rate targets of {', '.join(dropped)} dropped: they need the removed component {j}")


# -- helpers -------------------------------------------------------------------------


def _changed(old: np.ndarray, override: Override) -> np.ndarray:
    """set / scale / add; a blank (no limit, no target) stays blank unless set."""
    value = float(override.value)
    if override.change == "set":
        return np.full(len(old), value)
    return old * value if override.change == "scale" else old + value


def _in_bounds(sheet: str, column: str, new: np.ndarray, override: Override, report: Report) -> bool:
    """The schema's min, max and positivity hold for every new value."""
    attr = schema.attributes(sheet).loc[column]
    values = new[~np.isnan(new)]
    low, high = attr["min"], attr["max"]
    positive = (sheet, column) in schema.POSITIVE
    bad = None
    if positive and (values <= 0).any():
        bad = f"it would make {column} {values.min():g}, and it must be above zero"
    elif not math.isnan(low) and (values < low).any():
        bad = f"it would make {column} {values.min():g}, below its least value {low:g}"
    elif not math.isnan(high) and (values > high).any():
        bad = f"it would make {column} {values.max():g}, above its most {high:g}"
    if bad is None:
        return True
    _problem(report, override, "value", f"{override.label()}: {bad}.", f"choose a value that keeps {column} in range.")
    return False


def _problem(report: Report, override: Override, column: str, message: str, fix: str) -> None:
    """An error on the override's WhatIf row, or on the command line's sweep."""
    if override.row is None:
        report.error("", None, None, f"--sweep {override.label()}: {message}", fix)
    else:
        report.error(SHEET, override.row, column, message, fix)
