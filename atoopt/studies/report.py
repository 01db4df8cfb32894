"""The comparison workbook of a study, its native Excel charts and PNG plots.

One row per case (status, expected total cost and its terms, service, inventory,
change against the base case), fill rate per configuration and stock per
component by case, the ATO / make-to-stock comparison, and two charts: the
cost-versus-service trade-off with the cheapest case meeting the service target
highlighted, and stock per component by case. Written atomically.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.styles import Font, PatternFill

from ..io.results import keep_as_text, write_atomic
from ..solution import COST_TERMS
from .definition import BASE

HIGHLIGHT = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
PLOTS_HINT = "PNG plots need matplotlib: pip install 'atoopt[plots]' (the workbook has the same charts)."


def cases_table(records: list[dict], service_target: float) -> pd.DataFrame:
    """One row per case, in study order, with the change against the base case."""
    rows = []
    for r in records:
        costs = r.get("costs") or {}
        rows.append(
            {
                "case": r["case"],
                "changes": r["changes"],
                "status": r["status"],
                "expected_total_cost": _num(r.get("expected_total_cost")),
                "service": _num(r.get("service")),
                "inventory_units": _num(r.get("inventory_units")),
                "inventory_value": _num(r.get("inventory_value")),
                **{f"cost_{t}": _num(costs.get(t)) for t in COST_TERMS},
                "message": r["message"],
                "notes": "; ".join(r.get("notes", []) + r.get("conflicts", [])),
                "solved": r.get("how", ""),
                "simplex_iterations": r.get("simplex_iterations"),
                "seconds": _num(r.get("seconds")),
            }
        )
    table = pd.DataFrame(rows)
    base = table[table["case"] == BASE].iloc[0] if (table["case"] == BASE).any() else None
    if base is not None:
        table.insert(4, "cost_change", table["expected_total_cost"] - base["expected_total_cost"])
        denominator = abs(base["expected_total_cost"]) or math.nan
        table.insert(5, "cost_change_pct", table["cost_change"] / denominator)
        table.insert(7, "service_change", table["service"] - base["service"])
    table.insert(
        table.columns.get_loc("service") + 1,
        "meets_target",
        (table["status"] == "optimal") & (table["service"] >= service_target - 1e-9),
    )
    return table


def cheapest_meeting(table: pd.DataFrame) -> str | None:
    """The case of least expected cost among those meeting the service target."""
    meeting = table[table["meets_target"]]
    return None if meeting.empty else str(meeting.loc[meeting["expected_total_cost"].idxmin(), "case"])


def by_case(records: list[dict], field: str) -> pd.DataFrame:
    """``field`` (fill_rate, stock) as a case x item table; cases without a plan stay blank."""
    frame = pd.DataFrame({r["case"]: r.get(field) or {} for r in records}).T
    frame.index.name = "case"
    return frame.astype(float).reindex([r["case"] for r in records])


def write_comparison(
    path: str | Path,
    records: list[dict],
    summary: dict,
    service_target: float,
    strategy: pd.DataFrame | None = None,
) -> Path:
    """Write the comparison workbook atomically; returns its path."""
    table = cases_table(records, service_target)
    best = cheapest_meeting(table)
    summary = {**summary, "service_target": service_target, "cheapest_case_meeting_target": best or "none"}
    sheets = {
        "Summary": pd.DataFrame({"item": list(summary), "value": [_cell(v) for v in summary.values()]}),
        "Cases": table,
        "FillRate": by_case(records, "fill_rate").reset_index(),
        "Stock": by_case(records, "stock").reset_index(),
    }
    if strategy is not None:
        sheets["Strategy"] = strategy.reset_index()

    def write(temp: Path) -> None:
        with pd.ExcelWriter(temp, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                sheet.freeze_panes = "B2"
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
                    sheet.column_dimensions[cell.column_letter].width = max(12, min(40, len(str(cell.value)) + 3))
                keep_as_text(sheet, frame)
            cases = writer.sheets["Cases"]
            if best is not None:
                row = table.index[table["case"] == best][0] + 2
                for cell in cases[row]:
                    cell.fill = HIGHLIGHT
            _add_charts(writer.book, table, best, len(records), len(sheets["Stock"].columns) - 1)

    return write_atomic(path, write)


def _add_charts(book, table: pd.DataFrame, best: str | None, n_cases: int, n_components: int) -> None:
    """Native charts on a 'Charts' sheet, drawn from the Cases and Stock sheets."""
    charts = book.create_sheet("Charts")
    cases = book["Cases"]
    columns = list(table.columns)
    x_col, y_col = columns.index("service") + 1, columns.index("expected_total_cost") + 1
    trade = ScatterChart()
    trade.title = "Expected total cost against service (fill rate)"
    trade.style = 13
    trade.x_axis.title = "service: expected units assembled / expected demand"
    trade.y_axis.title = "expected total cost"
    points = Series(
        Reference(cases, min_col=y_col, min_row=2, max_row=n_cases + 1),
        Reference(cases, min_col=x_col, min_row=2, max_row=n_cases + 1),
        title="cases",
    )
    points.marker.symbol = "circle"
    points.graphicalProperties.line.noFill = True
    trade.series.append(points)
    if best is not None:
        row = int(table.index[table["case"] == best][0]) + 2
        mark = Series(
            Reference(cases, min_col=y_col, min_row=row, max_row=row),
            Reference(cases, min_col=x_col, min_row=row, max_row=row),
            title=f"cheapest meeting the target: {best}",
        )
        mark.marker.symbol = "diamond"
        mark.marker.size = 12
        mark.graphicalProperties.line.noFill = True
        trade.series.append(mark)
    trade.x_axis.delete = False
    trade.y_axis.delete = False
    trade.width, trade.height = 22, 12
    charts.add_chart(trade, "A1")
    stock = book["Stock"]
    bars = BarChart()
    bars.type = "col"
    bars.title = "Stock per component by case"
    bars.y_axis.title = "units in stock"
    bars.add_data(
        Reference(stock, min_col=2, max_col=n_components + 1, min_row=1, max_row=n_cases + 1), titles_from_data=True
    )
    bars.set_categories(Reference(stock, min_col=1, min_row=2, max_row=n_cases + 1))
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    bars.width, bars.height = 28, 14
    charts.add_chart(bars, "A26")


def write_plots(stem: str | Path, records: list[dict], service_target: float) -> list[Path]:
    """``<stem>-tradeoff.png`` and ``<stem>-stock.png`` (none if no case has a plan).

    Raises ImportError without matplotlib.
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    table = cases_table(records, service_target)
    best = cheapest_meeting(table)
    ok = table[table["status"] == "optimal"]
    if ok.empty:
        return []  # no case has a plan: nothing to draw
    stem = Path(stem)
    written = []

    fig = Figure(figsize=(8, 5.5), layout="constrained")
    ax = fig.add_subplot()
    ax.scatter(ok["service"], ok["expected_total_cost"], color="tab:blue", label="cases", zorder=2)
    front = _efficient(ok)
    ax.plot(front["service"], front["expected_total_cost"], color="tab:blue", alpha=0.5, label="efficient cases")
    ax.axvline(service_target, color="tab:gray", linestyle="--", label=f"service target {service_target:.0%}")
    if best is not None:
        row = ok[ok["case"] == best].iloc[0]
        ax.scatter([row["service"]], [row["expected_total_cost"]], s=220, marker="*", color="tab:orange", zorder=3)
        ax.annotate(
            f"cheapest meeting the target:\n{best}",
            (row["service"], row["expected_total_cost"]),
            xytext=(10, 10),
            textcoords="offset points",
            fontsize=9,
        )
    ax.set_xlabel("service (expected units assembled / expected demand)")
    ax.set_ylabel("expected total cost")
    ax.set_title("Cost against service over the study's cases")
    ax.legend(loc="best", fontsize=8)
    written.append(_save(fig, stem.with_name(stem.name + "-tradeoff.png")))

    stock = by_case(records, "stock").dropna(how="all")
    fig = Figure(figsize=(max(8, 0.5 * stock.shape[1] + 4), 5.5), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(stock))
    positions = np.arange(stock.shape[1])
    for n, (case, values) in enumerate(stock.iterrows()):
        color = colormaps["tab20"](n % 20) if len(stock) > 10 else None
        ax.bar(positions + n * width, values.to_numpy(), width, label=str(case), color=color)
    ax.set_xticks(positions + 0.4 - width / 2, stock.columns, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("units in stock")
    ax.set_title("Stock per component by case")
    ax.legend(fontsize=7, ncols=2 if len(stock) > 8 else 1)
    written.append(_save(fig, stem.with_name(stem.name + "-stock.png")))
    return written


def _efficient(ok: pd.DataFrame) -> pd.DataFrame:
    """Cases no other case beats on both cost and service, by rising service."""
    ordered = ok.sort_values(["service", "expected_total_cost"], ascending=[False, True])
    keep, best_cost = [], math.inf
    for index, row in ordered.iterrows():
        if row["expected_total_cost"] < best_cost - 1e-9:
            keep.append(index)
            best_cost = row["expected_total_cost"]
    return ok.loc[keep].sort_values("service")


def _save(fig, path: Path) -> Path:
    return write_atomic(path, lambda temp: fig.savefig(temp, dpi=110, format="png"))


def _num(value) -> float:
    return math.nan if value is None else float(value)


def _cell(value):
    return value if isinstance(value, (str, int)) or value is None else float(value)
