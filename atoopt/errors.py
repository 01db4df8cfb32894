"""Problems found in input or while solving, gathered and reported all at once.

A :class:`Problem` names where it is (sheet or file, Excel row, column), what is
wrong and what would be right. A :class:`Report` collects them; validation never
stops at the first one (the calliope ``print_warnings_and_raise_errors`` pattern).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True)
class Source:
    """Where the tables came from: a workbook, a folder of CSV files, or DataFrames."""

    kind: Literal["xlsx", "csv", "frames"]
    path: str = ""

    def where(self, sheet: str, row: int | None, column: str | None) -> str:
        """Plain-language location, e.g. ``sheet 'BOM', row 3, column 'component'``.

        ``row`` is the spreadsheet row number (the header is row 1), which for a CSV
        file is its line number and for a DataFrame is the record's position + 2.
        """
        if not sheet:
            return f"file '{self.path}'" if self.path else "input"
        if self.kind == "csv":
            place = f"file '{sheet.lower()}.csv'"
            row_word = "line"
        elif self.kind == "frames":
            place = f"table '{sheet}'"
            row_word = "record"
        else:
            place = f"sheet '{sheet}'"
            row_word = "row"
        if row is not None:
            place += f", {row_word} {row if self.kind != 'frames' else row - 2}"
        if column:
            place += f", column '{column}'"
        return place


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth knowing) about the input."""

    severity: Severity
    sheet: str
    row: int | None
    column: str | None
    message: str
    fix: str = ""

    def describe(self, source: Source = Source("xlsx")) -> str:
        text = f"{source.where(self.sheet, self.row, self.column)}: {self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


@dataclass
class Report:
    """All problems found in one input, in the order they were found."""

    source: Source = field(default_factory=lambda: Source("xlsx"))
    problems: list[Problem] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        sheet: str,
        row: int | None,
        column: str | None,
        message: str,
        fix: str = "",
    ) -> None:
        self.problems.append(Problem(severity, sheet, row, column, message, fix))

    def error(self, sheet, row, column, message, fix="") -> None:
        self.add("error", sheet, row, column, message, fix)

    def warning(self, sheet, row, column, message, fix="") -> None:
        self.add("warning", sheet, row, column, message, fix)

    def notice(self, sheet, row, column, message, fix="") -> None:
        self.add("notice", sheet, row, column, message, fix)

    def of(self, severity: Severity) -> list[Problem]:
        return [p for p in self.problems if p.severity == severity]

    @property
    def errors(self) -> list[Problem]:
        return self.of("error")

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """Every problem as one line, errors first, each prefixed by its severity."""
        order = {"error": 0, "warning": 1, "notice": 2}
        ranked = sorted(self.problems, key=lambda p: order[p.severity])
        return [f"{p.severity.upper()}: {p.describe(self.source)}" for p in ranked]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class AtooptError(Exception):
    """Base of every error atoopt raises on purpose; the CLI prints it without a traceback."""

    exit_code = 1


class InputError(AtooptError):
    """The input has errors; ``report`` lists every one of them."""

    exit_code = 2

    def __init__(self, report: Report):
        self.report = report
        n = len(report.errors)
        head = f"the input has {n} problem{'s' if n != 1 else ''} to fix:"
        super().__init__("\n".join([head, *report.lines()]))
