"""Write an input workbook generated from the schema: blank, or filled with an instance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import schema
from ..instance import Instance
from ..scenarios.tables import source_tables
from .results import keep_as_text, write_atomic


def instance_sheets(instance: Instance | None = None) -> dict[str, pd.DataFrame]:
    """The input sheets in schema order, with the schema's columns (empty without an instance)."""
    sheets = {}
    for sheet, spec in schema.SHEETS.iterrows():
        columns = list(schema.attributes(sheet)["column"])
        if spec["layout"] == "settings":
            names = columns
            values = [None] * len(names) if instance is None else [instance.settings.get(n) for n in names]
            descriptions = list(schema.attributes(sheet)["description"])
            sheets[sheet] = pd.DataFrame({"setting": names, "value": values, "description": descriptions})
            continue
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
    }.get(sheet, pd.DataFrame(columns=columns))
    if frame.index.name in columns:
        frame = frame.reset_index()
    return frame.reindex(columns=columns)


def write_input_workbook(path: str | Path, instance: Instance | None = None) -> Path:
    """Write the input workbook atomically: a blank template or ``instance`` as sheets."""
    sheets = instance_sheets(instance)

    def write(temp: Path) -> None:
        with pd.ExcelWriter(temp, engine="openpyxl") as writer:
            for sheet, frame in sheets.items():
                frame.to_excel(writer, sheet_name=sheet, index=False)
                worksheet = writer.sheets[sheet]
                worksheet.freeze_panes = "A2"
                for cell in worksheet[1]:
                    worksheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 4)
                keep_as_text(worksheet, frame)

    return write_atomic(path, write)
