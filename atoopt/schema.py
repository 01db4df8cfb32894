"""The one schema of every input attribute.

Two tables, both plain data: :data:`SHEETS` (one row per sheet) and
:data:`ATTRIBUTES` (one row per column of a record sheet, and per setting of the
Settings sheet). Validation, the Excel template and the docs all read them, so
they cannot disagree (the PyPSA ``component_attrs`` pattern).

Attribute types:

- ``id``: text naming a record (numbers are read as their text, ``7`` -> ``"7"``);
- ``ref``: an id that must be declared in the ``refers_to`` sheet;
- ``number`` / ``integer`` / ``boolean`` / ``text``;
- ``choice``: one of the words in ``choices``.
"""

from __future__ import annotations

import math

import pandas as pd

NONE = math.nan  # "no default": the attribute is absent unless given

# fmt: off
_SHEETS = [  # one row per line: a table, not code
    # sheet, required, layout, key, description
    ("Components", True, "records", ("component",), "The components kept in stock: what a unit costs to buy and to hold, and any stock limits."),
    ("Configurations", True, "records", ("configuration",), "The finished products customers order, assembled from components after the order arrives."),
    ("BOM", True, "records", ("configuration", "component"), "Bill of materials: how many units of each component one unit of a configuration needs."),
    ("Demand", False, "records", ("scenario", "configuration"), "Demand per scenario and configuration (long form; a missing pair means no demand). Needed unless DemandModel or History is given."),
    ("Scenarios", False, "records", ("scenario",), "The demand scenarios and their probabilities (equal shares when absent)."),
    ("Settings", False, "settings", ("setting",), "Solver and model settings, one per row: the name in 'setting', its value in 'value'."),
    ("Resources", False, "records", ("resource",), "Limited resources (budget, storage, machine or assembly hours) and their capacity."),
    ("ResourceUse", False, "records", ("resource", "item", "per"), "How much of a resource one unit ordered, stocked or assembled uses."),
    ("DemandModel", False, "records", ("configuration",), "A demand distribution per configuration; scenarios are sampled from it when Demand is absent."),
    ("Correlation", False, "records", ("configuration", "other"), "Correlation of demand between two configurations of DemandModel (Gaussian copula)."),
    ("History", False, "records", ("period", "configuration"), "Past demand per period and configuration; the periods become scenarios (or are fitted and sampled)."),
    ("WhatIf", False, "study", ("case", "parameter", "item", "change"), "What-if cases for 'atoopt whatif': one change per row; rows with the same case name form one case."),
]
# fmt: on

# fmt: off
_ATTRIBUTES = [  # one row per line: a table, not code
    # sheet, column, type, unit, default, min, max, required, refers_to, description
    ("Components", "component", "id", "", NONE, NONE, NONE, True, "", "Name of the component, unique in the sheet."),
    ("Components", "unit_cost", "number", "currency/unit", 0.0, 0.0, NONE, False, "", "Purchase cost of one unit ordered."),
    ("Components", "holding_cost", "number", "currency/unit", 0.0, 0.0, NONE, False, "", "Carrying cost of one unit in stock for the planning period."),
    ("Components", "salvage_value", "number", "currency/unit", 0.0, NONE, NONE, False, "", "Credit per unit left over at the end of the period; negative for a disposal cost."),
    ("Components", "on_hand", "number", "units", 0.0, 0.0, NONE, False, "", "Units already in stock before ordering."),
    ("Components", "min_stock", "number", "units", 0.0, 0.0, NONE, False, "", "Least stock to hold after ordering."),
    ("Components", "max_stock", "number", "units", NONE, 0.0, NONE, False, "", "Most stock to hold after ordering (blank: no limit)."),
    ("Components", "lot_size", "number", "units", NONE, 0.0, NONE, False, "", "Orders come in whole multiples of this many units (blank: any amount)."),
    ("Components", "storage_space", "number", "space/unit", 1.0, 0.0, NONE, False, "", "Storage space one unit takes, counted against the storage_capacity setting."),
    ("Components", "description", "text", "", "", NONE, NONE, False, "", "Free text, ignored by the solver."),
    ("Configurations", "configuration", "id", "", NONE, NONE, NONE, True, "", "Name of the configuration, unique in the sheet."),
    ("Configurations", "price", "number", "currency/unit", 0.0, 0.0, NONE, False, "", "Revenue per unit assembled and sold."),
    ("Configurations", "assembly_cost", "number", "currency/unit", 0.0, 0.0, NONE, False, "", "Cost to assemble one unit after the order arrives."),
    ("Configurations", "shortage_cost", "number", "currency/unit", 0.0, 0.0, NONE, False, "", "Penalty per unit of demand not served (lost goodwill, expediting)."),
    ("Configurations", "fill_rate_target", "number", "fraction", NONE, 0.0, 1.0, False, "", "Least share of expected demand to serve, e.g. 0.95 (blank: no target)."),
    ("Configurations", "description", "text", "", "", NONE, NONE, False, "", "Free text, ignored by the solver."),
    ("BOM", "configuration", "ref", "", NONE, NONE, NONE, True, "Configurations", "The configuration being assembled."),
    ("BOM", "component", "ref", "", NONE, NONE, NONE, True, "Components", "A component it needs."),
    ("BOM", "quantity", "number", "units/unit", NONE, 0.0, NONE, True, "", "Units of the component in one unit of the configuration (above zero)."),
    ("Demand", "scenario", "ref", "", NONE, NONE, NONE, True, "Scenarios", "The scenario (declared in Scenarios when that sheet is given)."),
    ("Demand", "configuration", "ref", "", NONE, NONE, NONE, True, "Configurations", "The configuration demanded."),
    ("Demand", "demand", "number", "units", NONE, 0.0, NONE, True, "", "Units demanded in the scenario."),
    ("Scenarios", "scenario", "id", "", NONE, NONE, NONE, True, "", "Name of the scenario, unique in the sheet."),
    ("Scenarios", "probability", "number", "fraction", NONE, 0.0, 1.0, False, "", "Probability of the scenario; all must sum to 1 (blank column: equal shares)."),
    ("Scenarios", "description", "text", "", "", NONE, NONE, False, "", "Free text, ignored by the solver."),
    ("Settings", "time_limit", "number", "seconds", NONE, 0.0, NONE, False, "", "Stop the solver after this long and report the best plan found (blank: no limit)."),
    ("Settings", "mip_gap", "number", "fraction", 0.0001, 0.0, 1.0, False, "", "Relative optimality gap at which an integer (lot-size) solve stops."),
    ("Settings", "threads", "integer", "", 0, 0.0, NONE, False, "", "Solver threads (0: HiGHS chooses)."),
    ("Settings", "integer_stock", "boolean", "", False, NONE, NONE, False, "", "Order whole units only (true/false); lot sizes always imply whole lots."),
    ("Settings", "budget", "number", "currency", NONE, 0.0, NONE, False, "", "Most to spend on orders: sum of unit_cost x order (blank: no limit)."),
    ("Settings", "storage_capacity", "number", "space", NONE, 0.0, NONE, False, "", "Most storage space the stock may take: sum of storage_space x stock (blank: no limit)."),
    ("Settings", "currency", "text", "", "", NONE, NONE, False, "", "Currency symbol or code shown in results, e.g. EUR."),
    ("Resources", "resource", "id", "", NONE, NONE, NONE, True, "", "Name of the resource, unique in the sheet."),
    ("Resources", "capacity", "number", "resource units", NONE, 0.0, NONE, True, "", "How much of the resource there is (for assembly use: in every scenario)."),
    ("Resources", "description", "text", "", "", NONE, NONE, False, "", "Free text, ignored by the solver."),
    ("ResourceUse", "resource", "ref", "", NONE, NONE, NONE, True, "Resources", "The resource used."),
    ("ResourceUse", "item", "id", "", NONE, NONE, NONE, True, "", "A component (per order or stock) or a configuration (per assembly)."),
    ("ResourceUse", "per", "choice", "", NONE, NONE, NONE, True, "", "What one unit of use is counted per: order, stock (components) or assembly (configurations)."),
    ("ResourceUse", "usage", "number", "resource units/unit", NONE, 0.0, NONE, True, "", "Resource used per unit ordered, stocked or assembled."),
    ("DemandModel", "configuration", "ref", "", NONE, NONE, NONE, True, "Configurations", "The configuration."),
    ("DemandModel", "distribution", "choice", "", NONE, NONE, NONE, True, "", "normal (truncated at zero), lognormal, poisson, negative_binomial or gamma."),
    ("DemandModel", "mean", "number", "units", NONE, 0.0, NONE, True, "", "Mean demand per period."),
    ("DemandModel", "std", "number", "units", NONE, 0.0, NONE, False, "", "Standard deviation of demand (not for poisson; above sqrt(mean) for negative_binomial)."),
    ("DemandModel", "description", "text", "", "", NONE, NONE, False, "", "Free text, ignored by the solver."),
    ("Correlation", "configuration", "ref", "", NONE, NONE, NONE, True, "Configurations", "One configuration."),
    ("Correlation", "other", "ref", "", NONE, NONE, NONE, True, "Configurations", "The other configuration."),
    ("Correlation", "correlation", "number", "", NONE, -1.0, 1.0, True, "", "Correlation of the two demands' normal scores, between -1 and 1."),
    ("History", "period", "id", "", NONE, NONE, NONE, True, "", "Name of the past period, e.g. 2024-03."),
    ("History", "configuration", "ref", "", NONE, NONE, NONE, True, "Configurations", "The configuration sold."),
    ("History", "demand", "number", "units", NONE, 0.0, NONE, True, "", "Units demanded in the period."),
    ("Settings", "scenarios", "integer", "", 100, 1.0, NONE, False, "", "How many demand scenarios to sample from DemandModel (or a fitted History)."),
    ("Settings", "seed", "integer", "", 0, 0.0, NONE, False, "", "Seed of the random sample: the same seed, the same scenarios."),
    ("Settings", "sampling", "choice", "", "mc", NONE, NONE, False, "", "How to sample: mc (plain Monte Carlo), lhs (Latin hypercube) or sobol (scrambled Sobol points)."),
    ("Settings", "demand_correlation", "number", "", 0.0, 0.0, 1.0, False, "", "Common-factor share: correlation between every two configurations' demands (Correlation overrides)."),
    ("Settings", "history_use", "choice", "", "periods", NONE, NONE, False, "", "periods (each past period an equally likely scenario) or fit (fit history_distribution and sample)."),
    ("Settings", "history_distribution", "choice", "", "normal", NONE, NONE, False, "", "Distribution fitted to History when history_use is fit (as in DemandModel)."),
    ("Settings", "growth", "number", "factor", 1.0, 0.0, NONE, False, "", "History demand is multiplied by this."),
    ("Settings", "cvar_weight", "number", "", 0.0, 0.0, NONE, False, "", "Weight of CVaR of cost in the objective: E[cost] + weight x CVaR (0: risk neutral)."),
    ("Settings", "cvar_level", "number", "fraction", 0.95, 0.0, 0.999, False, "", "CVaR level alpha: CVaR is the mean cost of the worst 1 - alpha share of scenarios."),
]
# fmt: on

_ATTRIBUTES += [
    ("WhatIf", "case", "text", "", NONE, NONE, NONE, True, "", "Name of the what-if case the change belongs to."),
    (
        "WhatIf",
        "parameter",
        "choice",
        "",
        NONE,
        NONE,
        NONE,
        True,
        "",
        "What to change: demand, a Components or Configurations column, capacity, a setting, or component.",
    ),
    (
        "WhatIf",
        "item",
        "text",
        "",
        NONE,
        NONE,
        NONE,
        False,
        "",
        "The component, configuration or resource changed (blank: all of them).",
    ),
    ("WhatIf", "change", "choice", "", NONE, NONE, NONE, True, "", "How: set, scale (multiply), add, or remove."),
    (
        "WhatIf",
        "value",
        "number",
        "",
        NONE,
        NONE,
        NONE,
        False,
        "",
        "The new value, factor or amount (blank for remove).",
    ),
    ("WhatIf", "description", "text", "", "", NONE, NONE, False, "", "Free text, ignored by the solver."),
]

#: Strictly positive attributes (a zero would make no sense).
POSITIVE = {("BOM", "quantity"), ("Components", "lot_size")}

#: Allowed words of ``choice`` attributes.
DISTRIBUTIONS = ("normal", "lognormal", "poisson", "negative_binomial", "gamma")
CHOICES = {
    ("ResourceUse", "per"): ("order", "stock", "assembly"),
    ("DemandModel", "distribution"): DISTRIBUTIONS,
    ("Settings", "sampling"): ("mc", "lhs", "sobol"),
    ("Settings", "history_use"): ("periods", "fit"),
    ("Settings", "history_distribution"): DISTRIBUTIONS,
}

#: What a WhatIf row may change: per-item columns, demand, capacity, numeric settings, a whole component.
WHATIF_PARAMETERS = (
    "demand",
    "unit_cost",
    "holding_cost",
    "salvage_value",
    "on_hand",
    "min_stock",
    "max_stock",
    "lot_size",
    "storage_space",
    "price",
    "assembly_cost",
    "shortage_cost",
    "fill_rate_target",
    "capacity",
    "budget",
    "storage_capacity",
    "time_limit",
    "mip_gap",
    "component",
)
CHOICES[("WhatIf", "parameter")] = WHATIF_PARAMETERS
CHOICES[("WhatIf", "change")] = ("set", "scale", "add", "remove")

SHEETS = pd.DataFrame(_SHEETS, columns=["sheet", "required", "layout", "key", "description"]).set_index(
    "sheet", drop=False
)

ATTRIBUTES = pd.DataFrame(
    _ATTRIBUTES,
    columns=["sheet", "column", "type", "unit", "default", "min", "max", "required", "refers_to", "description"],
)


def attributes(sheet: str) -> pd.DataFrame:
    """The schema rows of one sheet, in the order they are written."""
    return ATTRIBUTES[ATTRIBUTES["sheet"] == sheet].set_index("column", drop=False)


def settings_defaults() -> dict[str, object]:
    """Each setting's default (``None`` where there is none)."""
    rows = attributes("Settings")
    return {name: _none_if_nan(d) for name, d in zip(rows["column"], rows["default"])}


def _none_if_nan(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else value
