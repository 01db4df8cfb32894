"""Schema-driven validation: every problem in the raw tables, reported at once.

:func:`validate` turns raw tables (cells as found, index = spreadsheet row) into a
typed :class:`~atoopt.instance.Instance`, or into a :class:`~atoopt.errors.Report`
naming sheet, row and column of each problem and the fix. Nothing is built, solved
or written until the report has no errors.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import schema
from .errors import Report, Source
from .io.numbers import AmbiguousNumberError, parse_number_text

#: At most this many cell messages per column; the rest are counted.
MAX_CELL_MESSAGES = 20
PROBABILITY_TOLERANCE = 1e-6
TRUE_WORDS = {"true", "yes", "y", "1", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "off"}


def validate(tables: Mapping[str, pd.DataFrame], source: Source | None = None):
    """Check raw tables against the schema.

    Returns ``(instance, report)``; ``instance`` is ``None`` when the report has
    errors. Warnings (e.g. a component no configuration uses) leave it usable.
    """
    from .instance import Instance

    report = Report(source or Source("xlsx"))
    sheets = _match_sheets(tables, report)
    typed: dict[str, pd.DataFrame] = {}
    invalid: set[tuple[str, str]] = set()  # (sheet, column) with a bad cell: not cross-checked
    for sheet, spec in schema.SHEETS.iterrows():
        raw = sheets.get(sheet)
        if raw is None:
            if spec["required"]:
                report.error(
                    sheet,
                    None,
                    None,
                    f"the workbook has no sheet '{sheet}'.",
                    f"add a sheet named '{sheet}' with the columns "
                    f"{_names(schema.attributes(sheet).query('required')['column'])} in row 1.",
                )
            continue
        if spec["layout"] == "settings":
            typed[sheet] = _settings(raw, report)
        elif sheet == "Demand" and is_wide_demand(raw):
            before = len(report.errors)
            typed[sheet] = _records(sheet, long_demand(raw, typed.get("Configurations"), report), report, invalid)
            if len(report.errors) > before:
                invalid.add((sheet, "demand"))
        else:
            typed[sheet] = _records(sheet, raw, report, invalid)
    if any(p.row in (None, 1) for p in report.errors):  # a sheet or column is missing: nothing to cross-check
        return None, report
    _empty_sheets(typed, report)
    _check_keys(typed, report)
    _check_references(typed, report)
    scenarios, demand, source = _demand_tables(typed, report, invalid)
    _check_components(typed, report)
    _check_configurations(typed, report)
    _check_resources(typed, report)
    if report.errors:
        return None, report
    settings = {**schema.settings_defaults(), **typed.get("Settings", {})}
    instance = Instance(
        components=_by_id(typed["Components"], "component"),
        configurations=_by_id(typed["Configurations"], "configuration"),
        bom=typed["BOM"].reset_index(drop=True),
        scenarios=_by_id(scenarios.reset_index(), "scenario"),
        demand=demand,
        settings=settings,
        resources=_by_id(_optional(typed, "Resources"), "resource"),
        resource_use=_optional(typed, "ResourceUse").reset_index(drop=True),
        report=report,
        demand_source=source,
    )
    return instance, report


# -- sheets and columns ---------------------------------------------------------------


def _match_sheets(tables: Mapping[str, pd.DataFrame], report: Report) -> dict[str, pd.DataFrame]:
    """Map sheet names case-insensitively (and ignoring spaces) onto the schema's."""
    known = {_squash(name): name for name in schema.SHEETS.index}
    matched = {}
    for name, frame in tables.items():
        canonical = known.get(_squash(name))
        if canonical is None:
            if not name.startswith("_"):
                report.notice(name, None, None, "this sheet is not one atoopt reads; it is ignored.")
            continue
        if canonical in matched:
            report.error(
                name,
                None,
                None,
                f"two sheets are named like '{canonical}'.",
                "keep one of them (names are compared ignoring case and spaces).",
            )
            continue
        matched[canonical] = frame
    return matched


def typed_records(sheet: str, raw: pd.DataFrame, report: Report) -> pd.DataFrame:
    """One record sheet typed by the schema (defaults filled, bad cells reported), for other readers."""
    return _records(sheet, raw, report, set())


def _records(sheet: str, raw: pd.DataFrame, report: Report, invalid: set) -> pd.DataFrame:
    """Typed columns of one record sheet, defaults filled; index stays the row number."""
    spec = schema.attributes(sheet)
    columns = [c for c in raw.columns if not c.startswith("_unnamed_")]
    for column in spec.query("required")["column"]:
        if column not in columns:
            report.error(
                sheet,
                1,
                column,
                f"the sheet has no column '{column}'.",
                f"add '{column}' to row 1 ({spec.loc[column, 'description']}).",
            )
    for column in columns:
        if column not in spec.index:
            report.notice(
                sheet,
                1,
                column,
                "this column is not one atoopt reads; it is ignored.",
                f"the columns of '{sheet}' are {_names(spec['column'])}.",
            )
    frame = pd.DataFrame(index=raw.index)
    for column, attr in spec.iterrows():
        cells = raw[column] if column in raw.columns else pd.Series(None, index=raw.index, dtype=object)
        before = len(report.errors)
        frame[column] = _typed(cells, attr, report)
        if len(report.errors) > before:
            invalid.add((sheet, column))
    return frame


def _settings(raw: pd.DataFrame, report: Report) -> dict[str, object]:
    """The Settings sheet as ``{name: typed value}``; unknown names are warned about."""
    for column in ("setting", "value"):
        if column not in raw.columns:
            report.error(
                "Settings",
                1,
                column,
                f"the sheet has no column '{column}'.",
                "row 1 of Settings must read 'setting' and 'value'.",
            )
    if report.errors:
        return {}
    spec = schema.attributes("Settings")
    values: dict[str, object] = {}
    seen: dict[str, int] = {}
    for row, name, value in zip(raw.index, raw["setting"], raw["value"]):
        if _is_blank(name):
            report.error(
                "Settings",
                row,
                "setting",
                "the setting has no name.",
                f"write one of {_names(spec['column'])}, or delete the row.",
            )
            continue
        key = str(name).strip().lower()
        if key not in spec.index:
            report.warning(
                "Settings",
                row,
                "setting",
                f"unknown setting '{name}' is ignored.",
                f"known settings are {_names(spec['column'])}{_did_you_mean(key, spec.index)}.",
            )
            continue
        if key in seen:
            report.error(
                "Settings",
                row,
                "setting",
                f"'{key}' is set twice (also in row {seen[key]}).",
                "keep one row per setting.",
            )
            continue
        seen[key] = row
        attr = spec.loc[key].copy()
        attr["column"] = "value"
        cell = pd.Series([value], index=[row], dtype=object)
        typed = _typed(cell, attr, report, subject=f"setting '{key}'")
        values[key] = _plain(typed.iloc[0])
    return values


# -- cells --------------------------------------------------------------------------


def _typed(cells: pd.Series, attr: pd.Series, report: Report, subject: str = "") -> pd.Series:
    """Convert one column to its schema type, reporting each bad cell."""
    sheet, column, kind = attr["sheet"], attr["column"], attr["type"]
    blank = cells.map(_is_blank).astype(bool)
    bad_cells: list[tuple[int, str, str]] = []
    if kind in ("id", "ref", "text", "choice"):
        values = cells.map(_as_text).astype(object)
        if kind == "choice":
            words = schema.CHOICES[(sheet, attr.name)]  # attr.name: the column, or the setting's name
            values = values.map(lambda v: v.lower() if isinstance(v, str) else v)
            wrong = ~blank & ~values.isin(words)
            for row in values.index[wrong]:
                bad_cells.append(
                    (row, f"'{cells[row]}' is not one of {_names(words)}.", f"write one of {_names(words)}.")
                )
            values = values.where(~wrong, None)
    elif kind == "boolean":
        values = cells.map(_as_boolean).astype(object)
        for row in values.index[~blank & values.isna()]:
            bad_cells.append((row, f"'{cells[row]}' is not true or false.", "write true or false."))
    else:
        values = cells.map(_as_number).astype(float)
        for row in values.index[~blank & values.isna()]:
            bad_cells.append((row, _not_a_number(cells[row]), "enter a plain number, such as 12.5."))
        if kind == "integer":
            for row in values.index[values.notna() & (values != np.floor(values))]:
                bad_cells.append((row, f"{cells[row]} is not a whole number.", "enter a whole number."))
        bad_cells += _out_of_bounds(values, attr)
    if attr["required"]:
        for row in values.index[blank]:
            what = attr["description"]
            bad_cells.append((row, f"{subject or 'the cell'} is empty.", f"enter {what[0].lower()}{what[1:]}"))
    else:
        default = attr["default"]
        if not (isinstance(default, float) and math.isnan(default)):
            values = values.where(~blank, default)
    for row, message, fix in bad_cells[:MAX_CELL_MESSAGES]:
        report.error(sheet, row, column, message, fix)
    if len(bad_cells) > MAX_CELL_MESSAGES:
        report.error(
            sheet,
            None,
            column,
            f"{len(bad_cells) - MAX_CELL_MESSAGES} more cells in this column have problems like those above.",
            "fix those first, then validate again.",
        )
    return values


def _out_of_bounds(values: pd.Series, attr: pd.Series) -> list[tuple[int, str, str]]:
    low, high = attr["min"], attr["max"]
    positive = (attr["sheet"], attr["column"]) in schema.POSITIVE
    found = []
    for row, value in values.dropna().items():
        if positive and value <= 0:
            found.append((row, f"{value:g} is not above zero.", f"enter a positive {_label(attr)}."))
        elif not math.isnan(low) and value < low:
            found.append((row, f"{value:g} is below {low:g}.", f"enter a {_label(attr)} of at least {low:g}."))
        elif not math.isnan(high) and value > high:
            found.append((row, f"{value:g} is above {high:g}.", f"enter a {_label(attr)} of at most {high:g}."))
    return found


def _label(attr: pd.Series) -> str:
    return attr["column"].replace("_", " ") + (f" ({attr['unit']})" if attr["unit"] else "")


def _is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _as_text(value) -> str | None:
    if _is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a numeric id typed as 7 reads back from Excel as 7.0
    return str(value).strip()


def _as_number(value) -> float:
    """A finite float, or NaN for anything that is not one (booleans and dates included)."""
    if isinstance(value, bool) or _is_blank(value):
        return math.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = parse_number_text(value)
        except AmbiguousNumberError:
            return math.nan
    else:
        return math.nan
    return number if math.isfinite(number) else math.nan


def _not_a_number(value) -> str:
    if isinstance(value, bool):
        return f"{value} (a true/false value) is where a number belongs."
    if hasattr(value, "year") or hasattr(value, "hour") or hasattr(value, "days"):
        return f"{value} (a date or time) is where a number belongs; the cell may be formatted as a date."
    if isinstance(value, str):
        try:
            parse_number_text(value)
        except AmbiguousNumberError:
            return (
                f"'{value.strip()}' is ambiguous: 1,234 means one thousand two hundred and thirty-four in some "
                "countries and one point two three four in others."
            )
        if value.strip().startswith("#"):
            return f"the cell shows the error {value.strip()} (a formula that failed)."
    return f"'{value}' is not a number."


def _as_boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


# -- demand in wide form ---------------------------------------------------------------


def is_wide_demand(raw: pd.DataFrame) -> bool:
    """A Demand sheet with a scenario column and one column per configuration (no 'demand')."""
    columns = [c for c in raw.columns if not c.startswith("_unnamed_")]
    return "scenario" in columns and "configuration" not in columns and "demand" not in columns and len(columns) > 1


def long_demand(raw: pd.DataFrame, configurations: pd.DataFrame | None, report: Report) -> pd.DataFrame:
    """Wide demand (row: scenario, columns: configurations) as long rows, row numbers kept.

    Headers match declared configurations ignoring case; a header that is none is an
    error at its cell. Blank cells mean no demand; bad cells are reported at their
    own column and left out.
    """
    declared = {} if configurations is None else {str(c).lower(): c for c in configurations["configuration"]}
    demand_attr = schema.attributes("Demand").loc["demand"]
    pieces = []
    for column in raw.columns:
        if column == "scenario" or column.startswith("_unnamed_") or column == "description":
            continue
        name = declared.get(column, column if not declared else None)
        if name is None:
            report.error(
                "Demand",
                1,
                column,
                f"'{column}' is not a configuration: in wide form each column after 'scenario' is one.",
                f"rename it to a configuration from sheet 'Configurations'{_did_you_mean(column, declared.values())}, "
                "or delete the column.",
            )
            continue
        attr = demand_attr.copy()
        attr["column"], attr["required"] = column, False
        attr["default"] = math.nan
        values = _typed(raw[column], attr, report)
        given = values.notna()
        pieces.append(
            pd.DataFrame(
                {"scenario": raw["scenario"][given], "configuration": name, "demand": values[given]},
                index=raw.index[given],
            )
        )
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("scenario", "configuration", "demand")})
    return pd.concat(pieces).sort_index(kind="stable").astype(object)


# -- records across sheets ----------------------------------------------------------


def _empty_sheets(typed: dict[str, pd.DataFrame], report: Report) -> None:
    """Sheets left empty, as in a fresh template: a required one is an error, an optional one absent.

    An empty Demand sheet stays (and is reported) unless DemandModel or History gives the demand.
    """
    sampled = any(s in typed and not typed[s].empty for s in ("DemandModel", "History"))
    for sheet, spec in schema.SHEETS.iterrows():
        if spec["layout"] != "records" or sheet not in typed or not typed[sheet].empty:
            continue
        if spec["required"]:
            report.error(
                sheet, None, None, "the sheet has no records.", f"fill in sheet '{sheet}': one record per row."
            )
        elif sheet != "Demand" or sampled:
            del typed[sheet]


def _check_keys(typed: dict[str, pd.DataFrame], report: Report) -> None:
    """No record twice: ids unique, BOM and Demand pairs unique."""
    for sheet, spec in schema.SHEETS.iterrows():
        frame = typed.get(sheet)
        if frame is None or spec["layout"] != "records":
            continue
        key = list(spec["key"])
        first_row: dict[tuple, int] = {}
        for row, values in zip(frame.index, frame[key].itertuples(index=False, name=None)):
            if None in values:
                continue
            if values in first_row:
                what = " and ".join(f"{k} '{v}'" for k, v in zip(key, values))
                report.error(
                    sheet,
                    row,
                    key[-1],
                    f"{what} appears twice (also in row {first_row[values]}).",
                    "keep one row for it (merge the two rows).",
                )
            else:
                first_row[values] = row


def _check_references(typed: dict[str, pd.DataFrame], report: Report) -> None:
    """Ids used in BOM, Demand and ResourceUse are declared in their own sheets."""
    for (sheet, column), attr in schema.ATTRIBUTES.set_index(["sheet", "column"]).iterrows():
        target = attr["refers_to"]
        if attr["type"] != "ref" or sheet not in typed or target not in typed:
            continue
        declared = set(typed[target][schema.SHEETS.loc[target, "key"][0]])
        frame = typed[sheet]
        frame[column] = _match_case(sheet, column, frame[column], declared, report)
        unknown = ~frame[column].isin(declared) & frame[column].notna()
        for row, value in zip(frame.index[unknown], frame[column][unknown]):
            report.error(
                sheet,
                row,
                column,
                f"unknown {column} '{value}': it is not in sheet '{target}'.",
                f"add '{value}' to '{target}' or correct the id{_did_you_mean(value, declared)}.",
            )
    uses = typed.get("ResourceUse")
    if uses is not None:
        for row, item, per in zip(uses.index, uses["item"], uses["per"]):
            if item is None or per is None:
                continue
            target = "Configurations" if per == "assembly" else "Components"
            kind = target[:-1].lower()
            declared = set(typed[target].iloc[:, 0])
            if item not in declared:
                report.error(
                    "ResourceUse",
                    row,
                    "item",
                    f"'{item}' is not a {kind}, and use per {per} is counted for {kind}s.",
                    f"name a {kind} from sheet '{target}'{_did_you_mean(item, declared)}.",
                )


def _match_case(sheet: str, column: str, ids: pd.Series, declared: set, report: Report) -> pd.Series:
    """Ids that differ from exactly one declared id only in case are read as that id, with a notice."""
    folded: dict[str, object] = {}
    for name in declared:
        key = str(name).casefold()
        folded[key] = None if key in folded else name  # two ids differing only in case: no guess
    fixed = ids.copy()
    seen: set = set()
    for position, value in enumerate(ids):
        if value in declared or not isinstance(value, str):
            continue
        match = folded.get(value.casefold())
        if match is None:
            continue
        fixed.iloc[position] = match
        if value not in seen:
            seen.add(value)
            report.notice(
                sheet,
                ids.index[position],
                column,
                f"'{value}' is read as '{match}' (ids differ only in upper/lower case).",
                f"write '{match}' to silence this notice.",
            )
    return fixed


def _demand_tables(typed: dict[str, pd.DataFrame], report: Report, invalid: set):
    """Scenarios, long-form demand and the demand source: from Demand, or sampled from DemandModel/History.

    Nothing is sampled while cells of the demand sheets or Settings are bad (they are reported already).
    """
    from .scenarios.sheets import DEMAND_SHEETS, demand_from_sheets

    blocked = any(sheet in DEMAND_SHEETS for sheet, _ in invalid) or any(p.sheet == "Settings" for p in report.errors)
    generated = None
    if not blocked:
        settings = {**schema.settings_defaults(), **typed.get("Settings", {})}
        generated = demand_from_sheets(typed, settings, report)
    source = generated[2] if generated else None
    if "Demand" in typed:
        return _scenarios(typed, report, invalid), typed["Demand"].reset_index(drop=True), source
    if generated is None:
        if not blocked and not any(p.sheet in DEMAND_SHEETS for p in report.errors):
            report.error(
                "Demand",
                None,
                None,
                "the workbook has no sheet 'Demand', nor a 'DemandModel' or 'History' to sample demand from.",
                "add a sheet 'Demand' with the columns 'scenario', 'configuration', 'demand' in row 1, "
                "or a 'DemandModel' (configuration, distribution, mean, std) or 'History' (period, configuration, "
                "demand) sheet.",
            )
        return (
            pd.DataFrame(columns=["probability"]),
            pd.DataFrame(columns=["scenario", "configuration", "demand"]),
            None,
        )
    return generated


def _scenarios(typed: dict[str, pd.DataFrame], report: Report, invalid: set) -> pd.DataFrame:
    """Scenario ids with probabilities: from Scenarios, or equal shares of those in Demand."""
    demand = typed["Demand"]
    given = typed.get("Scenarios")
    if given is None:
        ids = list(dict.fromkeys(demand["scenario"]))
        if not ids:
            report.error(
                "Demand",
                None,
                None,
                "the sheet has no demand rows.",
                "add one row per scenario and configuration with its demand.",
            )
            return pd.DataFrame(columns=["probability"])
        probability = pd.Series(1.0 / len(ids), index=pd.Index(ids, name="scenario"))
        return probability.to_frame("probability").assign(description="")
    probability = given["probability"]
    if ("Scenarios", "probability") in invalid:
        pass  # its bad cells are reported already; a sum would only echo them
    elif probability.isna().all():
        probability = pd.Series(1.0 / len(given), index=given.index)
    elif probability.isna().any():
        for row in given.index[probability.isna()]:
            report.error(
                "Scenarios",
                row,
                "probability",
                "the probability is empty while others are given.",
                "give every scenario a probability, or leave the whole column empty for equal shares.",
            )
    else:
        total = float(probability.sum())
        if abs(total - 1.0) > PROBABILITY_TOLERANCE:
            report.error(
                "Scenarios",
                None,
                "probability",
                f"the probabilities sum to {total:.6g}, not 1.",
                "correct them so they sum to 1 (divide each by their sum).",
            )
    frame = given.assign(probability=probability.astype(float)).set_index("scenario")
    return frame[["probability", "description"]]


def _check_components(typed: dict[str, pd.DataFrame], report: Report) -> None:
    components = typed["Components"]
    used = set(typed["BOM"]["component"])
    for row, c in components.iterrows():
        name = c["component"]
        if name not in used:
            report.warning(
                "Components",
                row,
                "component",
                f"no configuration uses '{name}'.",
                "add it to a BOM, or delete the row; the plan will order none of it.",
            )
        buy_and_hold = c["unit_cost"] + c["holding_cost"]
        if c["salvage_value"] > buy_and_hold:
            if math.isnan(c["max_stock"]):
                report.error(
                    "Components",
                    row,
                    "salvage_value",
                    f"'{name}' earns more left over ({c['salvage_value']:g}) than it costs to buy and hold "
                    f"({buy_and_hold:g}), so the cheapest plan would order without end.",
                    "lower salvage_value below unit_cost + holding_cost, or set a max_stock.",
                )
            else:
                report.warning(
                    "Components",
                    row,
                    "salvage_value",
                    f"'{name}' earns more left over ({c['salvage_value']:g}) than it costs to buy and "
                    f"hold ({buy_and_hold:g}): the plan will stock max_stock just to salvage it.",
                    "check salvage_value, unit_cost and holding_cost.",
                )
        if not math.isnan(c["max_stock"]):
            if c["min_stock"] > c["max_stock"]:
                report.error(
                    "Components",
                    row,
                    "min_stock",
                    f"min_stock {c['min_stock']:g} is above max_stock {c['max_stock']:g}.",
                    "lower min_stock or raise max_stock.",
                )
            if c["on_hand"] > c["max_stock"]:
                report.error(
                    "Components",
                    row,
                    "max_stock",
                    f"max_stock {c['max_stock']:g} is below the {c['on_hand']:g} units on hand, "
                    "and stock on hand cannot be sent back.",
                    "raise max_stock to at least on_hand, or leave it blank.",
                )


def _check_configurations(typed: dict[str, pd.DataFrame], report: Report) -> None:
    with_bom = set(typed["BOM"]["configuration"])
    for row, name in typed["Configurations"]["configuration"].items():
        if name not in with_bom:
            report.error(
                "Configurations",
                row,
                "configuration",
                f"'{name}' has no bill of materials.",
                f"add the components of '{name}' to sheet 'BOM', or delete the row.",
            )


def _check_resources(typed: dict[str, pd.DataFrame], report: Report) -> None:
    resources = typed.get("Resources")
    settings = typed.get("Settings", {})
    if resources is None:
        if "ResourceUse" in typed:
            report.error(
                "ResourceUse",
                None,
                None,
                "resources are used but there is no sheet 'Resources'.",
                "add a sheet 'Resources' with columns resource and capacity.",
            )
        return
    used = set(typed["ResourceUse"]["resource"]) if "ResourceUse" in typed else set()
    from_settings = {"budget": "budget", "storage": "storage_capacity"}
    for row, name in resources["resource"].items():
        if name in from_settings and settings.get(from_settings[name]) is not None:
            report.error(
                "Resources",
                row,
                "resource",
                f"'{name}' is also set as a setting.",
                "rename the resource, or drop the setting.",
            )
        if name not in used:
            report.warning(
                "Resources",
                row,
                "resource",
                f"nothing uses resource '{name}'.",
                "add its use to sheet 'ResourceUse', or delete the row.",
            )


def _by_id(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Records indexed by their id (plain Python strings, whatever pandas would infer)."""
    frame = frame.set_index(key)
    frame.index = pd.Index(frame.index.to_numpy(dtype=object), dtype=object, name=key)
    return frame


def _optional(typed: dict[str, pd.DataFrame], sheet: str) -> pd.DataFrame:
    if sheet in typed:
        return typed[sheet]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in schema.attributes(sheet)["column"]})


# -- wording ------------------------------------------------------------------------


def _names(words) -> str:
    return ", ".join(f"'{w}'" for w in words)


def _did_you_mean(word, candidates) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in candidates], n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _squash(name: str) -> str:
    return "".join(str(name).split()).lower()
