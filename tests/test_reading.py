"""Reading what real people save: each trap, and the message it gets."""

from __future__ import annotations

import datetime as dt
import math
import shutil
import zipfile

import openpyxl
import pytest

from atoopt.errors import InputError
from atoopt.instance import load
from atoopt.io import excel, limits
from atoopt.io.numbers import AmbiguousNumberError, parse_number_text

from .conftest import FIXTURES, newsvendor_sheets, write_workbook


def problems(path) -> str:
    with pytest.raises(InputError) as err:
        load(path)
    return str(err.value)


def test_libreoffice_saved_traps_read_right(tmp_path):
    """lo_traps.xlsx (saved by LibreOffice): decimal commas and thousands separators in text,
    stray spaces and case in sheet names, headers and ids, empty rows, an extra column, wide demand
    with a formula."""
    path = tmp_path / "traps.xlsx"
    shutil.copy(FIXTURES / "lo_traps.xlsx", path)
    instance = load(path)
    comps = instance.components
    assert comps.loc["board", "unit_cost"] == 12.5  # '12,5'
    assert comps.loc["screen", "unit_cost"] == 1234.5  # '1.234,5'
    assert comps.loc["screen", "holding_cost"] == 2.25  # '2,25'
    assert list(instance.configurations.index) == ["Tablet", "laptop"]
    bom = {(r.configuration, r.component): r.quantity for r in instance.bom.itertuples()}
    assert bom == {("Tablet", "board"): 1, ("laptop", "board"): 2, ("laptop", "screen"): 1}
    demand = {(r.scenario, r.configuration): r.demand for r in instance.demand.itertuples()}
    assert demand == {
        ("low", "Tablet"): 10,
        ("low", "laptop"): 5,
        ("high", "Tablet"): 20.5,
        ("mid", "Tablet"): 15,
        ("mid", "laptop"): 5,  # '=2+3', calculated by LibreOffice
    }
    lines = instance.report.lines()
    assert any("column 'supplier': this column is not one atoopt reads; it is ignored" in line for line in lines)
    assert any("'tablet' is read as 'Tablet' (ids differ only in upper/lower case)" in line for line in lines)


def test_both_engines_read_the_libreoffice_files_alike():
    for name in ("lo_traps.xlsx", "lo_template_formula.xlsx", "lo_bad_types.xlsx"):
        fast = excel.read_workbook(FIXTURES / name, engine="calamine")
        slow = excel.read_workbook(FIXTURES / name, engine="openpyxl")
        assert fast.keys() == slow.keys()
        for sheet in fast:
            assert list(fast[sheet].index) == list(slow[sheet].index), sheet
            assert list(fast[sheet].columns) == list(slow[sheet].columns), sheet


@pytest.mark.parametrize("engine", excel.ENGINES)
def test_dates_and_booleans_where_numbers_belong(engine, monkeypatch):
    monkeypatch.setattr(excel, "default_engine", lambda: engine)
    text = problems(FIXTURES / "lo_bad_types.xlsx")
    assert "sheet 'Components', row 2, column 'unit_cost': 2024-03-01" in text
    assert "(a date or time) is where a number belongs" in text
    assert "sheet 'Components', row 2, column 'on_hand': True (a true/false value) is where a number belongs" in text


def test_formulas_without_saved_values_say_to_save_in_excel(tmp_path):
    sheets = newsvendor_sheets()
    sheets["Demand"][3][2] = "=1+1"  # openpyxl writes the formula alone, with no value
    path = write_workbook(tmp_path / "formula.xlsx", sheets)
    text = problems(path)
    assert (
        "sheet 'Demand', row 4, column 'demand': the cell holds a formula (=1+1) whose value was never calculated"
        in text
    )
    assert "open the file in Excel or LibreOffice and save it" in text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12.5", 12.5),
        (" 12,5 ", 12.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("1 234", 1234),
        ("1\u00a0234,5", 1234.5),
        ("95%", 0.95),
        ("-3", -3),
        ("1e3", 1000),
    ],
)
def test_numbers_written_as_text(text, number):
    assert parse_number_text(text) == pytest.approx(number)


def test_text_that_is_no_number():
    assert math.isnan(parse_number_text("twelve"))
    with pytest.raises(AmbiguousNumberError):
        parse_number_text("1,234")


def test_numbers_as_text_with_commas_and_an_ambiguous_one(tmp_path):
    sheets = newsvendor_sheets()
    sheets["Components"] = [["component", "holding_cost", "unit_cost"], ["part", "1,0", "1,234"]]
    text = problems(write_workbook(tmp_path / "text.xlsx", sheets))
    assert "sheet 'Components', row 2, column 'unit_cost': '1,234' is ambiguous" in text
    assert "holding_cost" not in text  # '1,0' reads as 1


def test_excel_error_values_are_named(tmp_path):
    sheets = newsvendor_sheets()
    sheets["Components"] = [["component", "holding_cost"], ["part", "#DIV/0!"]]
    text = problems(write_workbook(tmp_path / "err.xlsx", sheets))
    assert "column 'holding_cost': the cell shows the error #DIV/0! (a formula that failed" in text


def test_wide_demand_equals_long_demand(tmp_path):
    long = load(write_workbook(tmp_path / "long.xlsx", newsvendor_sheets()))
    wide_rows = [["Scenario", " KIT "]] + [[f"d{k}", k if k else None] for k in range(10)]
    wide = load(write_workbook(tmp_path / "wide.xlsx", newsvendor_sheets(wide_rows)))
    assert list(wide.arrays.S) == [f"d{k}" for k in range(1, 10)]  # blank = no demand: d0 never appears
    assert wide.arrays.D[:, 0].tolist() == long.arrays.D[1:, 0].tolist()


def test_wide_demand_unknown_configuration_and_bad_cell(tmp_path):
    rows = [["scenario", "kit", "kitt"], ["a", "x", 1]]
    text = problems(write_workbook(tmp_path / "wide.xlsx", newsvendor_sheets(rows)))
    assert "sheet 'Demand', row 1, column 'kitt': 'kitt' is not a configuration" in text
    assert "(did you mean 'kit'?)" in text
    assert "sheet 'Demand', row 2, column 'kit': 'x' is not a number." in text


def test_empty_rows_and_stray_spaces(tmp_path):
    sheets = newsvendor_sheets()
    sheets["Components"] = [["  Component ", "Holding_Cost"], [None, None], [" part ", " 1 "]]
    instance = load(write_workbook(tmp_path / "spaces.xlsx", sheets))
    assert list(instance.components.index) == ["part"]
    assert instance.components.loc["part", "holding_cost"] == 1


def test_too_large_workbook_is_refused_before_loading(newsvendor_book, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 20)
    text = problems(newsvendor_book)
    assert "its sheets declare" in text and "more than the 20 atoopt reads" in text
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED", 1000)
    text = problems(newsvendor_book)
    assert "MB once unpacked" in text


def test_zip_bomb_part_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 50_000_000 + b"</a>")
    text = problems(path)
    assert "expands" in text and "times when unpacked" in text


def test_hostile_xml_is_defused():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed so openpyxl parses with it"


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip")
    assert "could not open 'fake.xlsx' as an Excel workbook" in problems(path)


def test_input_is_never_modified(tmp_path):
    path = tmp_path / "traps.xlsx"
    shutil.copy(FIXTURES / "lo_traps.xlsx", path)
    before = path.read_bytes()
    load(path)
    assert path.read_bytes() == before


def test_time_values_are_refused(tmp_path):
    sheets = newsvendor_sheets()
    sheets["Components"] = [["component", "holding_cost"], ["part", dt.time(8, 30)]]
    path = write_workbook(tmp_path / "time.xlsx", sheets)
    book = openpyxl.load_workbook(path)
    book["Components"]["B2"].number_format = "hh:mm"
    book.save(path)
    assert "(a date or time) is where a number belongs" in problems(path)


@pytest.mark.parametrize("engine", excel.ENGINES)
def test_entity_expansion_bomb_is_refused_quickly(newsvendor_book, tmp_path, engine, monkeypatch):
    """A 'billion laughs' DOCTYPE in workbook.xml: refused with a clear message, never expanded."""
    monkeypatch.setattr(excel, "default_engine", lambda: engine)
    bomb = tmp_path / "bomb.xlsx"
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n + 1} "{("&lol" + (str(n) if n else "") + ";") * 10}">' for n in range(9))
        + "]>"
    )
    with zipfile.ZipFile(newsvendor_book) as source, zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = (laughs + data.decode().replace("<sheets>", "<sheets>&lol9;", 1)).encode()
            target.writestr(item, data)
    text = problems(bomb)
    assert "bomb.xlsx" in text and "could not" in text and "lol" * 100 not in text
