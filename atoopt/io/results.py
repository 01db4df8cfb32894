"""Write the result workbook: plain sheets of the :class:`~atoopt.solution.Solution`.

Written to a temporary file beside the target and moved into place, so a
half-written result never replaces a good one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..instance import Instance
from ..solution import Solution


@contextmanager
def atomic_path(target: str | Path):
    """Yield a temporary path beside ``target``; move it over ``target`` on success."""
    target = Path(target)
    handle, temp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        yield Path(temp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # the permissions a plainly created file gets, not mkstemp's 0600
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def write_atomic(target: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp_path)`` and move the file into place only if it succeeds."""
    with atomic_path(target) as temp:
        write(temp)
    return Path(target)


def result_sheets(solution: Solution, name: str = "") -> dict[str, pd.DataFrame]:
    """The result workbook's sheets, in order."""
    summary = {
        "instance": name,
        "status": solution.status,
        "message": solution.message,
        "expected_total_cost": solution.expected_total_cost,
    }
    summary.update({f"cost: {k}": v for k, v in solution.cost_breakdown.items()})
    summary.update({f"solver: {k}": v for k, v in solution.solver.items()})
    summary.update({f"conflict {n + 1}": text for n, text in enumerate(solution.conflicts)})
    sheets = {"Summary": pd.DataFrame({"item": list(summary), "value": list(summary.values())})}
    if solution.has_plan:
        sheets.update(
            {
                "Components": solution.components.reset_index(),
                "Configurations": solution.configurations.reset_index(),
                "Costs": solution.cost_breakdown.rename_axis("term").reset_index(),
                "ScenarioCosts": solution.scenario_costs.reset_index(),
                "Allocation": solution.allocation,
                "Resources": solution.resources.reset_index(),
            }
        )
    return sheets


def write_result(
    solution: Solution,
    path: str | Path,
    name: str = "",
    instance: Instance | None = None,
    source: str | Path | None = None,
) -> Path:
    """Write the result workbook atomically; returns its path.

    With the ``instance`` (and a plan) it is the manager-ready workbook of
    :mod:`atoopt.io.result_book`; without, plain sheets of the Solution.
    """
    if instance is not None and solution.has_plan:
        from .result_book import write_result_workbook

        return write_result_workbook(solution, instance, path, source)
    sheets = result_sheets(solution, name)

    def write(temp: Path) -> None:
        with pd.ExcelWriter(temp, engine="openpyxl") as writer:
            for sheet, frame in sheets.items():
                frame.to_excel(writer, sheet_name=sheet, index=False)
                writer.sheets[sheet].freeze_panes = "A2"
                keep_as_text(writer.sheets[sheet], frame)

    return write_atomic(path, write)


def keep_as_text(worksheet, frame: pd.DataFrame) -> None:
    """Text starting with =, +, - or @ is written as text, never as a formula Excel would run."""
    for col, column in enumerate(frame.columns, start=1):
        values = frame[column]
        if values.dtype.kind not in "OUT" and not pd.api.types.is_string_dtype(values):
            continue
        for row in values.index[values.map(lambda v: isinstance(v, str) and v.startswith(("=", "+", "-", "@")))]:
            cell = worksheet.cell(row=frame.index.get_loc(row) + 2, column=col)
            cell.value = values[row]
            cell.data_type = "s"
