"""A what-if study: named cases, each a list of changes to one base instance.

Three spellings, one meaning (each row of each is one :class:`Override`):

- the ``WhatIf`` sheet of the input workbook (columns of :mod:`atoopt.schema`:
  ``case, parameter, item, change, value, description``);
- a CSV file with the same columns;
- a YAML file ``cases: [{name: ..., changes: [{parameter: ..., item: ..., change: ..., value: ...}]}]``
  (optionally ``sweeps: ["shortage_cost=x1,1.5,2"]`` and ``service_target: 0.95``).

Grid sweeps (:func:`parse_sweep`) add cases from the command line. Every row is
typed by the schema here; ids are checked against the instance in
:mod:`atoopt.studies.overrides`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..errors import InputError, Report, Source
from ..io.csvdir import read_csv_file
from ..io.excel import frame_from_records

SHEET = "WhatIf"
BASE = "base"
COLUMNS = tuple(schema.attributes(SHEET)["column"])

#: The service (overall fill rate) a study highlights the cheapest case for, unless told.
DEFAULT_SERVICE_TARGET = 0.95


@dataclass(frozen=True)
class Override:
    """One change: ``parameter`` of ``item`` (None: all items) by ``change`` with ``value``.

    ``origin`` is the spreadsheet row (or YAML entry, or sweep) it came from, so a
    problem found later can still name it.
    """

    parameter: str
    item: str | None
    change: str  # set, scale, add, remove
    value: float | None
    row: int | None = None

    def label(self) -> str:
        """Short text, e.g. ``demand[creator] x1.2`` or ``remove component gpu_4080``."""
        if self.change == "remove":
            return f"remove {self.parameter} {self.item}"
        target = f"{self.parameter}[{self.item}]" if self.item else self.parameter
        sign = {"set": "=", "scale": " x", "add": " +"}[self.change]
        return f"{target}{sign}{self.value:g}"

    def key(self) -> tuple:
        return (self.parameter, self.item, self.change, self.value)


@dataclass(frozen=True)
class Case:
    """A named variant of the base instance: its overrides, applied in order."""

    name: str
    overrides: tuple[Override, ...] = ()

    def describe(self) -> str:
        return "; ".join(o.label() for o in self.overrides) or "the instance as given"


@dataclass
class Study:
    """The cases of a study; the first is always the unchanged ``base`` case."""

    cases: list[Case] = field(default_factory=list)
    service_target: float = DEFAULT_SERVICE_TARGET
    report: Report = field(default_factory=Report)
    source: Source = field(default_factory=lambda: Source("xlsx"))

    def __post_init__(self) -> None:
        if not self.cases or self.cases[0].name != BASE:
            self.cases.insert(0, Case(BASE))

    def add(self, cases: list[Case]) -> None:
        """Append cases, refusing a name used twice."""
        seen = {c.name for c in self.cases}
        for case in cases:
            if case.name in seen:
                raise _error(self.source, "", None, None, f"two cases are named '{case.name}'.", "rename one.")
            seen.add(case.name)
            self.cases.append(case)


class StudySource(Source):
    """Where a study row came from: a sheet, a CSV file (line numbers) or a YAML file (entries)."""

    def __init__(self, kind: str, path: str = "", labels: Mapping[int, str] | None = None):
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "labels", dict(labels or {}))

    def where(self, sheet: str, row: int | None, column: str | None) -> str:
        if self.kind == "xlsx":
            return super().where(sheet, row, column)
        place = f"file '{Path(self.path).name}'"
        if row is not None:
            place += f", {self.labels.get(row, f'line {row}')}"
        if column:
            place += f", {'key' if self.kind == 'yaml' else 'column'} '{column}'"
        return place


# -- reading ------------------------------------------------------------------------


def study_from_tables(tables: Mapping[str, pd.DataFrame], source: Source) -> Study:
    """The study of a workbook's ``WhatIf`` sheet (only the base case when there is none)."""
    raw = next((frame for name, frame in tables.items() if "".join(name.split()).lower() == "whatif"), None)
    if raw is None:
        return Study(source=source)
    return _study_from_raw(raw, source)


def read_study(path: str | Path) -> Study:
    """A study from a ``.csv`` or ``.yaml``/``.yml`` file."""
    path = Path(path)
    if not path.is_file():
        raise _error(StudySource("csv", str(path)), "", None, None, f"there is no file '{path}'.", "check the path.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _study_from_raw(read_csv_file(path), StudySource("csv", str(path)))
    if suffix in (".yaml", ".yml"):
        return _read_yaml(path)
    raise _error(
        StudySource("csv", str(path)),
        "",
        None,
        None,
        f"'{path.name}' is neither a .csv nor a .yaml study file.",
        "write the study as a CSV file with the WhatIf columns, or as YAML (see docs/whatif.md).",
    )


def _read_yaml(path: Path) -> Study:
    try:
        import yaml
    except ImportError:
        raise _error(
            StudySource("yaml", str(path)),
            "",
            None,
            None,
            "reading a YAML study needs PyYAML, which is not installed.",
            "pip install 'atoopt[yaml]', or write the study as a CSV file or a WhatIf sheet.",
        ) from None
    source = StudySource("yaml", str(path))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise _error(
            source, "", None, None, f"the file is not valid YAML ({exc}).", "correct the YAML syntax."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cases", []), list):
        raise _error(source, "", None, None, "the file must hold a mapping with a list 'cases'.", "see docs/whatif.md.")
    records, numbers, labels = [], [], {}
    for n, entry in enumerate(data.get("cases") or [], start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        changes = entry.get("changes", []) if isinstance(entry, dict) else None
        if name is None or not isinstance(changes, list):
            raise _error(
                source, "", None, None, f"case {n} has no 'name' or no list 'changes'.", "give each case both."
            )
        for m, change in enumerate(changes, start=1):
            if not isinstance(change, dict):
                raise _error(source, "", None, None, f"case {n}, change {m} is not a mapping.", "see docs/whatif.md.")
            row = len(records) + 2
            unknown = set(change) - set(COLUMNS)
            if unknown:
                labels[row] = f"case {n} ('{name}'), change {m}"
                raise _error(
                    StudySource("yaml", str(path), labels),
                    SHEET,
                    row,
                    sorted(unknown)[0],
                    "this key is not one a change has.",
                    f"use the keys {', '.join(COLUMNS[1:5])}.",
                )
            records.append([name, *(change.get(c) for c in COLUMNS[1:])])
            numbers.append(row)
            labels[row] = f"case {n} ('{name}'), change {m}"
    source = StudySource("yaml", str(path), labels)
    study = _study_from_raw(frame_from_records(list(COLUMNS), records, numbers), source)
    study.service_target = float(data.get("service_target", DEFAULT_SERVICE_TARGET))
    for text in data.get("sweeps") or []:
        study.add(sweep_cases([parse_sweep(str(text), source)]))
    return study


def _study_from_raw(raw: pd.DataFrame, source: Source) -> Study:
    from ..validation import typed_records  # the schema's cell typing, shared with every sheet

    report = Report(source)
    typed = typed_records(SHEET, raw, report)
    overrides: dict[str, list[Override]] = {}
    if any(p.row == 1 for p in report.errors):  # a column is missing: row checks would only echo it
        raise InputError(report)
    given = raw["value"] if "value" in raw.columns else pd.Series(None, index=raw.index)
    for row, r in typed.iterrows():
        if _missing(r["parameter"]) or _missing(r["change"]):
            continue  # a word that is not one of the choices: reported above
        if r["change"] != "remove" and _missing(r["value"]) and _missing(given[row]):
            report.error(SHEET, row, "value", f"change '{r['change']}' needs a value.", "enter a number in 'value'.")
        elif r["change"] == "remove" and r["parameter"] != "component":
            report.error(
                SHEET,
                row,
                "change",
                f"only a component can be removed, not '{r['parameter']}'.",
                "write parameter 'component' and the component's id in 'item', or use set/scale/add.",
            )
        if r["case"] == BASE:
            report.error(SHEET, row, "case", "'base' is the unchanged instance.", "give the case another name.")
        value = None if _missing(r["value"]) else float(r["value"])
        item = None if _missing(r["item"]) else str(r["item"])
        overrides.setdefault(r["case"], []).append(Override(r["parameter"], item, r["change"], value, row))
    if report.errors:
        raise InputError(report)
    study = Study(report=report, source=source)
    study.add([Case(name, tuple(items)) for name, items in overrides.items()])
    return study


# -- sweeps -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """One swept parameter: ``parameter[@item]`` taking each of ``values`` by ``change``."""

    parameter: str
    item: str | None
    change: str
    values: tuple[float, ...]

    def overrides(self) -> list[Override]:
        return [Override(self.parameter, self.item, self.change, v) for v in self.values]


def parse_sweep(text: str, source: Source | None = None) -> Sweep:
    """Read ``PARAMETER[@ITEM]=VALUES``.

    VALUES is a list ``1000,2000,4000`` or an evenly spaced range ``START:STOP:COUNT``
    (both ends included); a leading ``x`` scales the base value instead of setting
    it (``x1,1.5,2``, ``x0.5:2:4``), a leading ``+`` adds to it.

    >>> parse_sweep("shortage_cost@creator=x1,1.5,2")
    Sweep(parameter='shortage_cost', item='creator', change='scale', values=(1.0, 1.5, 2.0))
    >>> parse_sweep("budget=1000:5000:5").values
    (1000.0, 2000.0, 3000.0, 4000.0, 5000.0)
    """
    source = source or Source("xlsx")
    hint = "write PARAMETER[@ITEM]=VALUES, e.g. shortage_cost=x1,1.5,2 or budget=1000:5000:5."
    target, sep, spec = text.partition("=")
    parameter, _, item = target.strip().partition("@")
    parameter = parameter.strip().lower()
    if not sep or not spec.strip():
        raise _error(source, "", None, None, f"sweep '{text}' has no '=VALUES'.", hint)
    if parameter not in schema.WHATIF_PARAMETERS or parameter == "component":
        known = ", ".join(p for p in schema.WHATIF_PARAMETERS if p != "component")
        raise _error(
            source, "", None, None, f"sweep '{text}': '{parameter}' cannot be swept.", f"sweep one of {known}."
        )
    spec = spec.strip()
    change = {"x": "scale", "+": "add"}.get(spec[0], "set")
    body = spec[1:] if change != "set" else spec
    try:
        if ":" in body:
            start, stop, count = body.split(":")
            if float(count) != int(float(count)) or int(float(count)) < 1:
                raise ValueError
            values = np.linspace(float(start), float(stop), int(float(count)))
        else:
            values = np.array([float(v) for v in body.split(",")])
    except ValueError:
        raise _error(
            source, "", None, None, f"sweep '{text}': '{spec}' is not a list or range of numbers.", hint
        ) from None
    if not np.isfinite(values).all():
        raise _error(source, "", None, None, f"sweep '{text}' has a value that is not a finite number.", hint)
    return Sweep(parameter, item.strip() or None, change, tuple(float(round(v, 12)) for v in values))


def sweep_cases(sweeps: list[Sweep]) -> list[Case]:
    """Every combination of the swept values (a grid), one case each."""
    cases = []
    for combo in itertools.product(*(s.overrides() for s in sweeps)):
        cases.append(Case(", ".join(o.label() for o in combo), tuple(combo)))
    return cases


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _error(source: Source, sheet: str, row, column, message: str, fix: str) -> InputError:
    report = Report(source)
    report.error(sheet, row, column, message, fix)
    return InputError(report)
