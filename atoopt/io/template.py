"""Write the input workbook generated from the schema: blank, or filled with an instance.

Everything a supply manager sees comes from :data:`atoopt.schema.SHEETS` and
:data:`atoopt.schema.ATTRIBUTES`, so a sheet or column added to the schema appears
here by itself: an Instructions sheet first, then one sheet per schema sheet with a
frozen header row, a note on each header cell (description, unit, default), number
formats, dropdowns of declared ids, bounds on numbers, an Excel table, and last a
Metadata sheet whose template version the reader checks.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import __version__, schema
from ..instance import Instance
from ..scenarios.tables import source_tables
from .results import write_atomic
from .styles import TITLE_FONT, WRAP, fit_widths, number_format, print_fit, style_header, write_frame

#: Version of the template's layout; the reader refuses versions it does not know.
TEMPLATE_VERSION = 1
#: Template versions this atoopt reads.
READABLE_VERSIONS = frozenset({1})
#: Sheets the template adds around the schema's; the reader checks and drops them.
INSTRUCTIONS, METADATA = "Instructions", "Metadata"
#: Rows below the data that still get dropdowns and checks, for records typed in later.
SPARE_ROWS = 2000


def instance_sheets(instance: Instance | None = None) -> dict[str, pd.DataFrame]:
    """The input sheets in schema order, with the schema's columns (empty without an instance)."""
    sheets = {}
    for sheet, spec in schema.SHEETS.iterrows():
        attrs = schema.attributes(sheet)
        if spec["layout"] == "settings":
            names = list(attrs["column"])
            values = [None] * len(names) if instance is None else [instance.settings.get(n) for n in names]
            sheets[sheet] = pd.DataFrame(
                {
                    "setting": names,
                    "value": values,
                    "unit": list(attrs["unit"]),
                    "description": list(attrs["description"]),
                }
            )
            continue
        columns = list(attrs["column"])
        sheets[sheet] = pd.DataFrame(columns=columns) if instance is None else _records(instance, sheet, columns)
    return sheets


def _records(instance: Instance, sheet: str, columns: list[str]) -> pd.DataFrame:
    frame = {
        "Components": instance.components,
        "Configurations": instance.configurations,
        "BOM": instance.bom,
        "Demand": instance.demand,
        "Scenarios": instance.scenarios,
        "Resources": instance.resources,
        "ResourceUse": instance.resource_use,
        **source_tables(instance),
    }.get(sheet)
    if not isinstance(frame, pd.DataFrame):
        return pd.DataFrame(columns=columns)
    if frame.index.name in columns:
        frame = frame.reset_index()
    return frame.reindex(columns=columns)


def write_input_workbook(path: str | Path, instance: Instance | None = None) -> Path:
    """Write the input workbook atomically: a blank template or ``instance`` as sheets."""
    book = build_input_workbook(instance)
    return write_atomic(path, book.save)


def build_input_workbook(instance: Instance | None = None) -> openpyxl.Workbook:
    """The template as an openpyxl workbook (see the module docstring)."""
    book = openpyxl.Workbook()
    _instructions(book.active)
    for sheet, frame in instance_sheets(instance).items():
        worksheet = book.create_sheet(sheet)
        spec = schema.SHEETS.loc[sheet]
        if spec["layout"] == "settings":
            _settings_sheet(worksheet, frame)
        else:
            _record_sheet(worksheet, sheet, frame)
    _metadata(book.create_sheet(METADATA))
    for worksheet in book.worksheets:
        print_fit(worksheet)
    return book


def _record_sheet(worksheet, sheet: str, frame: pd.DataFrame) -> None:
    attrs = schema.attributes(sheet)
    formats = {c: number_format(a["unit"]) for c, a in attrs.iterrows() if a["type"] in ("number", "integer")}
    write_frame(worksheet, frame, formats, table=sheet)
    last = len(frame) + 1 + SPARE_ROWS
    for col, (column, attr) in enumerate(attrs.iterrows(), start=1):
        header = worksheet.cell(row=1, column=col)
        header.comment = _note(attr)
        letter = get_column_letter(col)
        cells = f"{letter}2:{letter}{last}"
        validation = _validation(attr)
        if validation is not None:
            validation.add(cells)
            worksheet.add_data_validation(validation)
        if column in formats:  # the column's own style: rows typed in later get the format too
            worksheet.column_dimensions[letter].number_format = formats[column]
    fit_widths(worksheet, minimum=14)
    for col, (_, attr) in enumerate(attrs.iterrows(), start=1):
        if attr["type"] == "text":
            worksheet.column_dimensions[get_column_letter(col)].width = 40


def _settings_sheet(worksheet, frame: pd.DataFrame) -> None:
    write_frame(worksheet, frame, table="Settings")
    attrs = schema.attributes("Settings")
    for row, name in enumerate(frame["setting"], start=2):
        cell = worksheet.cell(row=row, column=2)
        attr = attrs.loc[name].copy()
        cell.comment = _note(attr)
        if attr["type"] in ("number", "integer") and "currency" in attr["unit"]:
            cell.number_format = number_format(attr["unit"])  # others General: a gap of 0.0001 stays visible
        validation = _validation(attr)
        if validation is not None:
            validation.add(cell.coordinate)
            worksheet.add_data_validation(validation)
    fit_widths(worksheet, minimum=12)
    worksheet.column_dimensions["D"].width = 70


def _note(attr: pd.Series) -> Comment:
    """The header note: what the column means, its unit, default and whether it is required."""
    lines = [attr["description"]]
    if attr["unit"]:
        lines.append(f"Unit: {attr['unit']}")
    if attr["required"]:
        lines.append("Required.")
    elif _given(attr["default"]) and attr["default"] != "":
        lines.append(f"Blank means {attr['default']}.")
    if attr["type"] == "ref":
        lines.append(f"Choose from sheet '{attr['refers_to']}'.")
    if attr["type"] == "choice":
        lines.append("One of: " + ", ".join(schema.CHOICES[(attr["sheet"], attr["column"])]))
    comment = Comment("\n".join(lines), "atoopt")
    comment.width, comment.height = 300, 110
    return comment


def _validation(attr: pd.Series) -> DataValidation | None:
    """Excel's own check for one column: a dropdown of ids or words, or a number range.

    Excel does not enforce these on pasted values; the reader checks everything again.
    """
    kind = attr["type"]
    if kind == "ref":
        target = attr["refers_to"]
        key = schema.SHEETS.loc[target, "key"][0]
        position = list(schema.attributes(target)["column"]).index(key) + 1
        letter = get_column_letter(position)
        return _dv(
            "list",
            formula1=f"'{target}'!${letter}$2:${letter}${SPARE_ROWS + 1000}",  # OOXML: no leading =
            error=f"Choose a {key} listed in sheet '{target}' (add it there first).",
            style="warning",
        )
    if kind == "choice":
        words = schema.CHOICES[(attr["sheet"], attr["column"])]
        return _dv("list", formula1='"' + ",".join(words) + '"', error="Choose one of " + ", ".join(words) + ".")
    if kind == "boolean":
        return _dv("list", formula1='"true,false"', error="Choose true or false.")
    if kind not in ("number", "integer"):
        return None
    low, high = attr["min"], attr["max"]
    positive = (attr["sheet"], attr["column"]) in schema.POSITIVE
    dv_type = "whole" if kind == "integer" else "decimal"
    if _given(low) and _given(high):
        return _dv(
            dv_type,
            operator="between",
            formula1=f"{low:g}",
            formula2=f"{high:g}",
            error=f"Enter a number from {low:g} to {high:g}.",
        )
    if positive:
        return _dv(dv_type, operator="greaterThan", formula1="0", error="Enter a number above zero.")
    if _given(low):
        return _dv(
            dv_type, operator="greaterThanOrEqual", formula1=f"{low:g}", error=f"Enter a number of at least {low:g}."
        )
    return _dv(dv_type, operator="between", formula1="-1E+300", formula2="1E+300", error="Enter a number.")


def _dv(kind: str, error: str, style: str = "stop", **options) -> DataValidation:
    return DataValidation(
        type=kind,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle=style,
        errorTitle="atoopt",
        error=error,
        **options,
    )


def _given(value) -> bool:
    return not (value is None or (isinstance(value, float) and math.isnan(value)))


# -- instructions and metadata ----------------------------------------------------------

_INTRO = [
    "How to use this workbook",
    "",
    "This workbook describes one planning decision: how many units of each component to order now, "
    "before you know which products customers will order. atoopt reads it and proposes the order that "
    "costs least on average over the demand scenarios you give.",
    "",
    "1. Fill in the sheets in order: Components, Configurations, BOM, Demand "
    "(and Scenarios, Settings if you need them).",
    "2. Row 1 of each sheet holds the column names: do not change them. Hover over a column name to see what "
    "it means and its unit. Blank optional cells take the default shown there.",
    "3. Ids (component, configuration, scenario names) are text; in BOM and Demand choose them from the dropdowns.",
    "4. Every cost is per unit, in one currency, for the planning period.",
    "5. Save the workbook, then run:  atoopt validate FILE.xlsx --annotate   (lists every problem, and writes a copy "
    "with the problem cells highlighted)  and  atoopt solve FILE.xlsx  (writes FILE-result.xlsx beside it).",
    "",
    "What is a scenario? One possible outcome of demand for the planning period: how many units of each "
    "configuration customers would order. Give several (the more, the better the plan), each with its "
    "probability in sheet Scenarios, or leave Scenarios out to weigh them equally. The Demand sheet takes "
    "one row per scenario and configuration (long form), or one row per scenario with one column per "
    "configuration (wide form).",
    "",
    "Formulas are fine: atoopt reads the value the formula last showed, so save the file in Excel or "
    "LibreOffice before running atoopt.",
    "",
]


def _instructions(worksheet) -> None:
    worksheet.title = INSTRUCTIONS
    row = 1
    for line in _INTRO:
        cell = worksheet.cell(row=row, column=1, value=line)
        cell.alignment = WRAP
        if row == 1:
            cell.font = TITLE_FONT
        row += 1
    rows = []
    for sheet, spec in schema.SHEETS.iterrows():
        need = "required" if spec["required"] else "optional"
        for _, attr in schema.attributes(sheet).iterrows():
            required = "yes" if attr["required"] else ""
            default = _word(attr["default"]) if _given(attr["default"]) and not attr["required"] else ""
            rows.append((sheet, need, attr["column"], required, attr["unit"], default, attr["description"]))
        rows.append((sheet, need, "(the sheet)", "", "", "", spec["description"]))
    table = pd.DataFrame(
        rows, columns=["sheet", "sheet is", "column / setting", "required", "unit", "blank means", "meaning"]
    )
    table = table.sort_values(["sheet", "column / setting"], key=_sheet_order, kind="stable")
    write_frame(worksheet, table, first_row=row, table="Columns")
    style_header(worksheet, row, freeze=False)
    worksheet.column_dimensions["A"].width = 16
    for letter, width in zip("BCDEFG", (10, 20, 10, 16, 12, 80)):
        worksheet.column_dimensions[letter].width = width
    for line in range(1, len(_INTRO) + 1):
        worksheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=7)
        worksheet.row_dimensions[line].height = 15 * max(1, math.ceil(len(_INTRO[line - 1]) / 150))


def _word(value) -> str:
    """A default as a manager reads it: 0, 1, 0.0001, false."""
    if isinstance(value, bool):
        return str(value).lower()
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _sheet_order(values: pd.Series) -> pd.Series:
    if values.name == "sheet":
        order = {name: n for n, name in enumerate(schema.SHEETS.index)}
        return values.map(order)
    return values.map(lambda v: v != "(the sheet)")  # the sheet's own description first


def _metadata(worksheet) -> None:
    rows = [
        ("template_version", TEMPLATE_VERSION, "Layout version of this workbook; atoopt checks it when reading."),
        ("written_by", f"atoopt {__version__}", ""),
        ("written_at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), ""),
    ]
    write_frame(worksheet, pd.DataFrame(rows, columns=["key", "value", "note"]))
    fit_widths(worksheet)
