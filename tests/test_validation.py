"""Every validation rule: feed the bad input, check the message names the right sheet, row and column."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import atoopt
from atoopt.errors import Problem

from .conftest import tiny_sheets, write_workbook


def problems(tmp_path, change) -> list[Problem]:
    """Problems found in the tiny workbook after ``change(sheets)``; asserts it was rejected."""
    sheets = tiny_sheets()
    change(sheets)
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    with pytest.raises(atoopt.InputError) as caught:
        atoopt.load(path)
    return caught.value.report.problems


def find(found: list[Problem], sheet, row, column, text, severity="error") -> Problem:
    for p in found:
        if (p.sheet, p.row, p.column, p.severity) == (sheet, row, column, severity) and text in p.message:
            return p
    raise AssertionError(f"no {severity} at {sheet}/{row}/{column} with {text!r} in {found}")


def drop_sheet(name):
    return lambda s: s.pop(name)


def set_cell(sheet, row, col, value):
    def change(s):
        s[sheet][row - 1][col] = value

    return change


def add_row(sheet, row):
    return lambda s: s[sheet].append(row)


CASES = [
    # (change, sheet, row, column, message fragment)
    (drop_sheet("BOM"), "BOM", None, None, "no sheet 'BOM'"),
    (set_cell("BOM", 1, 2, "qty"), "BOM", 1, "quantity", "no column 'quantity'"),
    (add_row("BOM", ["basic", "gear", 1]), "BOM", 6, "component", "unknown component 'gear'"),
    (set_cell("Demand", 3, 1, "deluxe"), "Demand", 3, "configuration", "unknown configuration 'deluxe'"),
    (set_cell("Demand", 2, 0, "medium"), "Demand", 2, "scenario", "unknown scenario 'medium'"),
    (add_row("Components", ["chip", 3, 1]), "Components", 4, "component", "component 'chip' appears twice"),
    (add_row("BOM", ["pro", "chip", 3]), "BOM", 6, "component", "appears twice (also in row 4)"),
    (set_cell("Components", 2, 1, "cheap"), "Components", 2, "unit_cost", "'cheap' is not a number"),
    (set_cell("Components", 3, 2, -0.5), "Components", 3, "holding_cost", "-0.5 is below 0"),
    (set_cell("Demand", 4, 2, -2), "Demand", 4, "demand", "-2 is below 0"),
    (set_cell("Demand", 5, 2, None), "Demand", 5, "demand", "is empty"),
    (set_cell("Scenarios", 2, 1, -0.5), "Scenarios", 2, "probability", "-0.5 is below 0"),
    (set_cell("Scenarios", 3, 1, 0.4), "Scenarios", None, "probability", "sum to 0.9, not 1"),
    (add_row("Configurations", ["deluxe", 12]), "Configurations", 4, "configuration", "'deluxe' has no bill"),
    (set_cell("BOM", 2, 2, 0), "BOM", 2, "quantity", "not above zero"),
    (set_cell("Demand", 2, 2, True), "Demand", 2, "demand", "true/false value"),
    (set_cell("Demand", 2, 2, dt.datetime(2026, 3, 1)), "Demand", 2, "demand", "a date"),
]


@pytest.mark.parametrize(
    ("change", "sheet", "row", "column", "text"), CASES, ids=[c[4].split("'")[0][:30] or c[4] for c in CASES]
)
def test_each_problem_names_sheet_row_and_column(tmp_path, change, sheet, row, column, text):
    problem = find(problems(tmp_path, change), sheet, row, column, text)
    assert problem.fix, "every error says how to fix it"


def test_every_problem_is_reported_at_once(tmp_path):
    def many(s):
        set_cell("Components", 2, 1, "cheap")(s)
        set_cell("Demand", 4, 2, -2)(s)

    found = problems(tmp_path, many)
    find(found, "Components", 2, "unit_cost", "not a number")
    find(found, "Demand", 4, "demand", "below 0")


def test_cross_sheet_problems_are_all_reported(tmp_path):
    def many(s):
        add_row("BOM", ["basic", "gear", 1])(s)
        add_row("Configurations", ["deluxe", 12])(s)

    found = problems(tmp_path, many)
    find(found, "BOM", 6, "component", "unknown component 'gear'")
    find(found, "Configurations", 4, "configuration", "no bill")


def test_unknown_id_suggests_the_near_miss(tmp_path):
    problem = find(problems(tmp_path, add_row("BOM", ["basic", "chipp", 1])), "BOM", 6, "component", "'chipp'")
    assert "did you mean 'chip'" in problem.fix


def test_min_above_max_and_max_below_on_hand(tmp_path):
    def bounds(s):
        s["Components"][0] += ["min_stock", "max_stock", "on_hand"]
        s["Components"][1] += [9, 5, 0]
        s["Components"][2] += [0, 5, 7]

    found = problems(tmp_path, bounds)
    find(found, "Components", 2, "min_stock", "above max_stock")
    find(found, "Components", 3, "max_stock", "below the 7 units on hand")


def test_salvage_above_buy_and_hold_without_max_stock_is_an_error(tmp_path):
    def salvage(s):
        s["Components"][0].append("salvage_value")
        s["Components"][1].append(5)

    find(problems(tmp_path, salvage), "Components", 2, "salvage_value", "order without end")


def test_warnings_leave_the_instance_usable(tmp_path):
    sheets = tiny_sheets()
    sheets["Components"][0] += ["salvage_value", "max_stock"]
    sheets["Components"][1] += [5, 40]  # salvage above cost, but bounded: a warning
    sheets["Components"].append(["spare", 1, 1, 0, None])  # used by nothing: a warning
    sheets["Settings"] = [["setting", "value"], ["colour", "blue"], ["mip_gap", 0.01]]
    sheets["Notes"] = [["anything"], ["at all"]]
    instance = atoopt.load(write_workbook(tmp_path / "warn.xlsx", sheets))
    found = instance.report.problems
    find(found, "Components", 2, "salvage_value", "stock max_stock just to salvage", "warning")
    find(found, "Components", 4, "component", "no configuration uses 'spare'", "warning")
    find(found, "Settings", 2, "setting", "unknown setting 'colour'", "warning")
    find(found, "Notes", None, None, "not one atoopt reads", "notice")
    assert instance.settings["mip_gap"] == 0.01


@pytest.mark.parametrize(
    ("setting", "value", "text"),
    [
        ("integer_stock", "maybe", "not true or false"),
        ("threads", 1.5, "not a whole number"),
        ("mip_gap", 2, "above 1"),
    ],
)
def test_bad_settings(tmp_path, setting, value, text):
    found = problems(tmp_path, lambda s: s.__setitem__("Settings", [["setting", "value"], [setting, value]]))
    find(found, "Settings", 2, "value", text)


def test_resource_use_names_the_right_kind_of_item(tmp_path):
    def resources(s):
        s["Resources"] = [["resource", "capacity"], ["line", 10]]
        s["ResourceUse"] = [
            ["resource", "item", "per", "usage"],
            ["line", "chip", "assembly", 1],
            ["line", "basic", "hourly", 1],
            ["oven", "chip", "stock", 1],
        ]

    found = problems(tmp_path, resources)
    find(found, "ResourceUse", 2, "item", "'chip' is not a configuration")
    find(found, "ResourceUse", 3, "per", "not one of 'order', 'stock', 'assembly'")
    find(found, "ResourceUse", 4, "resource", "unknown resource 'oven'")


def test_blank_rows_keep_excel_row_numbers(tmp_path):
    sheets = tiny_sheets()
    sheets["BOM"][2:2] = [[None, None, None], [None, None, None]]  # two empty rows before row 4
    sheets["BOM"].append(["pro", "gear", 1])
    path = write_workbook(tmp_path / "gaps.xlsx", sheets)
    with pytest.raises(atoopt.InputError) as caught:
        atoopt.load(path)
    find(caught.value.report.problems, "BOM", 8, "component", "unknown component 'gear'")
    assert "sheet 'BOM', row 8, column 'component'" in str(caught.value)


def test_dataframe_input_is_validated_the_same_way():
    with pytest.raises(atoopt.InputError) as caught:
        atoopt.Instance.from_frames(
            components=pd.DataFrame({"component": ["a"], "holding_cost": [-1.0]}),
            configurations=pd.DataFrame({"configuration": ["k"]}),
            bom=pd.DataFrame({"configuration": ["k"], "component": ["b"], "quantity": [1]}),
            demand=pd.DataFrame({"scenario": ["s"], "configuration": ["k"], "demand": [1]}),
        )
    text = str(caught.value)
    assert "table 'Components', record 0, column 'holding_cost'" in text
    assert "table 'BOM', record 0, column 'component': unknown component 'b'" in text


def test_csv_folder_messages_name_file_and_line(tmp_path):
    folder = tmp_path / "inst"
    folder.mkdir()
    for sheet, rows in tiny_sheets().items():
        pd.DataFrame(rows[1:], columns=rows[0]).to_csv(folder / f"{sheet.lower()}.csv", index=False)
    with open(folder / "bom.csv", "a") as handle:
        handle.write("pro,gear,1\n")
    with pytest.raises(atoopt.InputError) as caught:
        atoopt.load(folder)
    assert "file 'bom.csv', line 6, column 'component': unknown component 'gear'" in str(caught.value)


def test_missing_file_and_wrong_format(tmp_path):
    with pytest.raises(atoopt.InputError, match="there is no file"):
        atoopt.load(tmp_path / "nowhere.xlsx")
    (tmp_path / "plan.txt").write_text("hello")
    with pytest.raises(atoopt.InputError, match="not an Excel workbook"):
        atoopt.load(tmp_path / "plan.txt")
    (tmp_path / "broken.xlsx").write_text("not a zip")
    with pytest.raises(atoopt.InputError, match="open it in Excel or LibreOffice"):
        atoopt.load(tmp_path / "broken.xlsx")
