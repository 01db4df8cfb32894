"""Reading the same instance from a workbook, CSV files and DataFrames; writing results safely."""

from __future__ import annotations

import hashlib

import openpyxl
import pandas as pd
import pytest

import atoopt
from atoopt.io.results import write_atomic, write_result

from .conftest import tiny_sheets, write_workbook


def test_workbook_csv_and_frames_give_the_same_instance(tmp_path):
    sheets = tiny_sheets()
    from_xlsx = atoopt.load(write_workbook(tmp_path / "t.xlsx", sheets))
    folder = tmp_path / "t"
    folder.mkdir()
    frames = {name: pd.DataFrame(rows[1:], columns=rows[0]) for name, rows in sheets.items()}
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name.lower()}.csv", index=False)
    from_csv = atoopt.load(folder)
    from_frames = atoopt.Instance.from_frames(
        components=frames["Components"],
        configurations=frames["Configurations"],
        bom=frames["BOM"],
        demand=frames["Demand"],
        scenarios=frames["Scenarios"],
    )
    costs = [atoopt.solve(i).expected_total_cost for i in (from_xlsx, from_csv, from_frames)]
    assert costs[0] == pytest.approx(costs[1], rel=1e-12) and costs[0] == pytest.approx(costs[2], rel=1e-12)
    for other in (from_csv, from_frames):
        pd.testing.assert_frame_equal(other.components, from_xlsx.components)


def test_names_are_matched_ignoring_case_and_spaces(tmp_path):
    sheets = {name.upper(): [[f" {c.upper()} " for c in rows[0]], *rows[1:]] for name, rows in tiny_sheets().items()}
    instance = atoopt.load(write_workbook(tmp_path / "caps.xlsx", sheets))
    assert list(instance.components.index) == ["chip", "case"]


def test_numeric_ids_read_as_text(tmp_path):
    sheets = tiny_sheets()
    sheets["Components"][1][0] = 101
    for row in sheets["BOM"][1:]:
        row[1] = 101 if row[1] == "chip" else row[1]
    instance = atoopt.load(write_workbook(tmp_path / "ids.xlsx", sheets))
    assert "101" in instance.components.index


def test_result_workbook_holds_the_solution(tmp_path, tiny_workbook):
    instance = atoopt.load(tiny_workbook)
    solution = atoopt.solve(instance)
    path = write_result(solution, tmp_path / "out.xlsx", instance.name)
    book = pd.read_excel(path, sheet_name=None)
    components = book["Components"].set_index("component")
    pd.testing.assert_series_equal(
        components["stock"], solution.components["stock"], check_names=False, check_dtype=False
    )
    summary = book["Summary"].set_index("item")["value"]
    assert float(summary["expected_total_cost"]) == pytest.approx(solution.expected_total_cost)
    assert len(book["Allocation"]) == len(solution.allocation)
    assert not list(tmp_path.glob(".out-*")), "no temporary file is left behind"


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    sheets = tiny_sheets()
    sheets["Components"][1][0] = "=1+1"
    for row in sheets["BOM"][1:]:
        row[1] = "=1+1" if row[1] == "chip" else row[1]
    path = write_workbook(tmp_path / "f.xlsx", sheets)
    book = openpyxl.load_workbook(path)
    book["Components"]["A2"].data_type = "s"  # as Excel would store text typed with a leading apostrophe
    for row in book["BOM"].iter_rows(min_row=2):
        if row[1].value == "=1+1":
            row[1].data_type = "s"
    book.save(path)
    instance = atoopt.load(path)
    out = write_result(atoopt.solve(instance), tmp_path / "f-result.xlsx")
    cell = openpyxl.load_workbook(out)["Components"]["A2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_a_failed_write_keeps_the_previous_result(tmp_path):
    target = tmp_path / "keep.xlsx"
    target.write_bytes(b"previous result")

    def half_write(temp):
        temp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(target, half_write)
    assert target.read_bytes() == b"previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


def test_reading_never_changes_the_input(tiny_workbook):
    before = hashlib.sha256(tiny_workbook.read_bytes()).hexdigest()
    atoopt.solve(atoopt.load(tiny_workbook))
    assert hashlib.sha256(tiny_workbook.read_bytes()).hexdigest() == before


def test_results_get_the_permissions_of_a_plainly_created_file(tmp_path):
    import os
    import stat

    written = write_atomic(tmp_path / "r.txt", lambda temp: temp.write_text("plan"))
    plain = tmp_path / "plain.txt"
    plain.write_text("plan")
    assert stat.S_IMODE(os.stat(written).st_mode) == stat.S_IMODE(os.stat(plain).st_mode)
