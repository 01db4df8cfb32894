"""The manager-ready result workbook: Summary first, then the order plan, service,
scenarios and the inputs echoed, with native Excel charts.

Sheets, in order: Summary (status, cost, the plan in sentences, cost breakdown and
its chart), Order plan (a purchase list, with a chart of stock versus expected use),
Service (per configuration, with a chart of fill rates), Resources (when any),
Scenarios and Allocation (bounded: see :data:`MAX_SCENARIO_ROWS` and
:data:`MAX_ALLOCATION_ROWS`), Run details (input file, solver), and the input sheets
with every setting as used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment

from .. import __version__
from ..instance import Instance
from ..solution import COST_TERMS, Solution
from . import report
from .results import write_atomic
from .styles import (
    BOLD,
    MONEY,
    PERCENT,
    RATIO,
    SUBTITLE_FONT,
    TITLE_FONT,
    WRAP,
    fit_widths,
    print_fit,
    put,
    write_frame,
)
from .template import instance_sheets

#: Most scenario rows written; beyond, the costliest scenarios are kept (all are in the JSON).
MAX_SCENARIO_ROWS = 10_000
#: Most allocation rows (scenario x configuration) written; beyond, the costliest scenarios'.
MAX_ALLOCATION_ROWS = 20_000
#: Most rows of an input sheet echoed (the input file itself is named and hashed).
MAX_ECHO_ROWS = 10_000

SUMMARY, ORDER_PLAN, SERVICE, SCENARIOS, ALLOCATION = "Summary", "Order plan", "Service", "Scenarios", "Allocation"

#: Quantities in the result show one decimal (plans are continuous unless lots are set).
UNITS = "#,##0.0"
_MONEY_COLUMNS = ("unit cost", "order value", "value of one more unit", "shortage cost per unit")
_PERCENT_COLUMNS = ("chance of running out", "fill rate", "fill-rate target", "chance of a shortage", "probability")


def write_result_workbook(solution: Solution, instance: Instance, path: str | Path, source: str | Path | None = None):
    """Write the result workbook atomically; ``source`` is the input file echoed in Run details."""
    book = build_result_workbook(solution, instance, source)
    return write_atomic(path, book.save)


def build_result_workbook(solution: Solution, instance: Instance, source: str | Path | None = None):
    """The result workbook as an openpyxl workbook (see the module docstring)."""
    book = openpyxl.Workbook()
    plan = report.order_plan(solution, instance)
    served = report.service(solution, instance)
    notes: list[str] = []
    _order_plan(book.create_sheet(ORDER_PLAN), plan)
    _service(book.create_sheet(SERVICE), served)
    if not solution.resources.empty:
        frame = solution.resources.reset_index()
        write_frame(book.create_sheet("Resources"), frame, {c: UNITS for c in ("capacity", "use", "slack")})
    notes += _scenarios(book, solution, instance)
    _run_details(book.create_sheet("Run details"), solution, instance, source)
    notes += _inputs(book, instance)
    _summary(book.active, solution, instance, plan, served, notes)
    for worksheet in book.worksheets:
        if worksheet.title != SUMMARY:
            fit_widths(worksheet)
        print_fit(worksheet)
    return book


def _summary(ws, solution, instance, plan, served, notes: list[str]) -> None:
    ws.title = SUMMARY
    money = f" ({solution.currency})" if solution.currency else ""
    ws["A1"] = f"atoopt plan for {instance.name or 'this instance'}"
    ws["A1"].font = TITLE_FONT
    rows = [("status", solution.status), ("message", solution.message), (f"expected total cost{money}", None)]
    for n, (label, value) in enumerate(rows, start=3):
        ws.cell(row=n, column=1, value=label).font = BOLD
        put(ws, n, 2, value)
    cost = ws.cell(row=5, column=2, value=solution.expected_total_cost)
    cost.number_format = MONEY
    row = 7
    ws.cell(row=row, column=1, value="The plan in brief").font = SUBTITLE_FONT
    for sentence in report.plan_sentences(solution, instance, plan, served):
        row += 1
        _paragraph(ws, row, sentence)
    for note in notes:
        row += 1
        _paragraph(ws, row, note)
    row += 2
    breakdown = solution.cost_breakdown
    table = pd.DataFrame({"cost term": list(COST_TERMS), f"expected{money}": [float(breakdown[t]) for t in COST_TERMS]})
    write_frame(ws, table, {table.columns[1]: MONEY}, first_row=row, table="CostBreakdown")
    total = row + len(table) + 1
    ws.cell(row=total, column=1, value="total").font = BOLD
    ws.cell(row=total, column=2, value=solution.expected_total_cost).number_format = MONEY
    chart = _bar_chart("Expected cost by term (credits negative)", "cost" + money, horizontal=True)
    chart.add_data(Reference(ws, min_col=2, min_row=row, max_row=row + len(table)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=row + 1, max_row=row + len(table)))
    chart.legend = None
    chart.x_axis.tickLblPos = "low"  # category names clear of bars below zero
    ws.add_chart(chart, f"D{row}")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 22
    ws.freeze_panes = "A2"


def _paragraph(ws, row: int, text: str) -> None:
    cell = ws.cell(row=row, column=1, value=text)
    cell.alignment = WRAP
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=12)
    ws.row_dimensions[row].height = 15 * max(1, -(-len(text) // 140))


def _formats(frame: pd.DataFrame) -> dict[str, str]:
    formats = {}
    for column in frame.columns:
        if column in _MONEY_COLUMNS:
            formats[column] = MONEY
        elif column in _PERCENT_COLUMNS:
            formats[column] = PERCENT
        elif column in ("value per unit of cost",):
            formats[column] = RATIO
        elif column == "purchase rank":
            formats[column] = "0"
        elif pd.api.types.is_numeric_dtype(frame[column]):
            formats[column] = UNITS
    return formats


def _order_plan(ws, plan: pd.DataFrame) -> None:
    frame = plan.rename(columns=report.ORDER_PLAN_COLUMNS)
    write_frame(ws, frame, _formats(frame), table="OrderPlan")
    notes = {
        "safety stock": "Stock above the expected need (what serving all demand would use); negative: below it.",
        "limit that binds": "The limit that holds this stock where it is; blank: the cost of one more unit balances "
        "the shortage it would avoid.",
        "value of one more unit": "Expected saving from one more unit in stock (less shortage, more sales, salvage).",
        "value per unit of cost": "Value of one more unit / (unit cost + holding cost). Above 1: buying more would "
        "pay if the binding limit allowed. Sort by this column for a purchase list.",
        "purchase rank": "1 = the component where extra money does most good (highest value per unit of cost).",
    }
    _header_notes(ws, frame, notes)
    n = len(frame)
    chart = _bar_chart("Stock versus expected use per component", "units")
    for name in ("stock", "expected use"):
        col = list(frame.columns).index(name) + 1
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    _size(chart, n)
    ws.add_chart(chart, f"A{n + 3}")


def _service(ws, served: pd.DataFrame) -> None:
    frame = served.rename(columns=report.SERVICE_COLUMNS)
    write_frame(ws, frame, _formats(frame), table="Service")
    _header_notes(
        ws,
        frame,
        {
            "fill rate": "Expected units assembled / expected units demanded.",
            "chance of a shortage": "Share of scenarios (by probability) in which some demand is not served.",
        },
    )
    n = len(frame)
    chart = _bar_chart("Fill rate per configuration", "fill rate")
    col = list(frame.columns).index("fill rate") + 1
    chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.legend = None
    _size(chart, n)
    ws.add_chart(chart, f"A{n + 3}")


def _scenarios(book, solution: Solution, instance: Instance) -> list[str]:
    """Scenario costs and allocation, bounded; returns notes on what was left out."""
    notes = []
    costs = solution.scenario_costs
    a = instance.arrays
    totals = pd.DataFrame(
        {"total demand": a.D.sum(axis=1)},
        index=costs.index,
    )
    alloc = solution.allocation
    assembled = alloc.groupby("scenario", sort=False)["assembled"].sum()
    totals["total assembled"] = assembled.reindex(costs.index, fill_value=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        totals["fill rate"] = totals["total assembled"] / totals["total demand"].where(totals["total demand"] > 0)
    frame = pd.concat([costs[["probability"]], totals, costs.drop(columns="probability")], axis=1)
    if len(frame) > MAX_SCENARIO_ROWS:
        frame = frame.nlargest(MAX_SCENARIO_ROWS, "total").sort_index(key=lambda s: s.map(costs.index.get_loc))
        notes.append(
            f"Sheet Scenarios lists the {MAX_SCENARIO_ROWS:,} costliest of {len(costs):,} scenarios "
            "(all are in 'atoopt solve --json' and the Python API)."
        )
    frame = frame.reset_index()
    formats = _formats(frame)
    formats.update({t: MONEY for t in (*COST_TERMS, "total")})
    write_frame(book.create_sheet(SCENARIOS), frame, formats, table="Scenarios")
    if len(alloc) > MAX_ALLOCATION_ROWS:
        per = max(1, len(alloc) // max(1, len(costs)))
        keep = costs["total"].nlargest(max(1, MAX_ALLOCATION_ROWS // per)).index
        alloc = alloc[alloc["scenario"].isin(keep)].head(MAX_ALLOCATION_ROWS)
        notes.append(
            f"Sheet Allocation shows the {alloc['scenario'].nunique():,} costliest scenarios "
            f"({len(alloc):,} of {len(solution.allocation):,} rows)."
        )
    write_frame(book.create_sheet(ALLOCATION), alloc, _formats(alloc), table="Allocation")
    return notes


def _run_details(ws, solution: Solution, instance: Instance, source) -> None:
    rows = [
        ("input file", str(Path(source).resolve()) if source else ""),
        ("input sha256", _sha256(source) if source and Path(source).is_file() else ""),
        ("written by", f"atoopt {__version__}"),
        ("written at", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        (
            "components / configurations / scenarios",
            f"{len(instance.arrays.J)} / {len(instance.arrays.I)} / {len(instance.arrays.S)}",
        ),
    ]
    rows += [(f"solver: {k}", _cell(v)) for k, v in solution.solver.items()]
    rows += [(f"input {p.severity}", p.describe(instance.report.source)) for p in instance.report.problems]
    write_frame(ws, pd.DataFrame(rows, columns=["item", "value"]))


def _inputs(book, instance: Instance) -> list[str]:
    notes = []
    for sheet, frame in instance_sheets(instance).items():
        if frame.empty:
            continue
        if len(frame) > MAX_ECHO_ROWS:
            notes.append(f"Sheet 'Input {sheet}' shows the first {MAX_ECHO_ROWS:,} of {len(frame):,} rows.")
            frame = frame.head(MAX_ECHO_ROWS)
        ws = book.create_sheet(f"Input {sheet}"[:31])
        write_frame(ws, frame.astype(object).where(frame.notna(), None), _formats(frame))
    return notes


def _header_notes(ws, frame: pd.DataFrame, notes: dict[str, str]) -> None:
    for col, name in enumerate(frame.columns, start=1):
        if name in notes:
            comment = Comment(notes[name], "atoopt")
            comment.width, comment.height = 300, 100
            ws.cell(row=1, column=col).comment = comment


def _bar_chart(title: str, axis: str, horizontal: bool = False) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.y_axis.title = axis
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.height, chart.width = 8, 16
    return chart


def _size(chart: BarChart, categories: int) -> None:
    chart.width = min(40, max(16, 0.6 * categories))


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _cell(value):
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
