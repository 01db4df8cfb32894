"""The template: generated from the schema, fillable, solvable, version-checked."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest

from atoopt import schema
from atoopt.cli import main
from atoopt.errors import InputError
from atoopt.instance import load
from atoopt.io.template import METADATA, SPARE_ROWS, TEMPLATE_VERSION

from .conftest import FIXTURES


def solve_json(path, capsys) -> dict:
    capsys.readouterr()
    assert main(["solve", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def template(tmp_path):
    path = tmp_path / "template.xlsx"
    assert main(["template", str(path)]) == 0
    return path


def test_template_has_every_schema_sheet_and_column_with_notes(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames[0] == "Instructions" and book.sheetnames[-1] == METADATA
    for sheet, spec in schema.SHEETS.iterrows():
        ws = book[sheet]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        attrs = schema.attributes(sheet)
        if spec["layout"] == "settings":
            assert header[:2] == ["setting", "value"]
            assert [ws.cell(row=r, column=1).value for r in range(2, len(attrs) + 2)] == list(attrs["column"])
            continue
        assert header == list(attrs["column"])
        for cell, (_, attr) in zip(ws[1], attrs.iterrows()):
            assert attr["description"] in cell.comment.text
            if attr["unit"]:
                assert f"Unit: {attr['unit']}" in cell.comment.text
        assert sheet in ws.tables


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_template_dropdowns_and_number_checks(template):
    book = openpyxl.load_workbook(template)
    last = SPARE_ROWS + 1
    bom = _validations(book["BOM"])
    assert bom[f"A2:A{last}"].type == "list" and bom[f"A2:A{last}"].formula1.startswith("'Configurations'!$A$2")
    assert bom[f"B2:B{last}"].formula1.startswith("'Components'!$A$2")
    assert bom[f"C2:C{last}"].operator == "greaterThan" and bom[f"C2:C{last}"].formula1 == "0"
    demand = _validations(book["Demand"])
    assert demand[f"B2:B{last}"].formula1.startswith("'Configurations'!$A$2")
    assert demand[f"C2:C{last}"].operator == "greaterThanOrEqual" and demand[f"C2:C{last}"].formula1 == "0"
    probability = _validations(book["Scenarios"])[f"B2:B{last}"]
    assert (probability.operator, probability.formula1, probability.formula2) == ("between", "0", "1")
    assert book["Components"]["B1"].comment is not None
    meta = {r[0]: r[1] for r in book[METADATA].iter_rows(min_row=2, values_only=True)}
    assert meta["template_version"] == TEMPLATE_VERSION


def test_round_trip_template_filled_from_python_solves(template, capsys):
    book = openpyxl.load_workbook(template)
    book["Components"].cell(row=2, column=1, value="part")
    book["Components"].cell(row=2, column=3, value=1)  # holding_cost
    book["Configurations"]["A2"], book["Configurations"]["D2"] = "kit", 3  # shortage_cost
    for col, value in enumerate(["kit", "part", 1], start=1):
        book["BOM"].cell(row=2, column=col, value=value)
    for k in range(10):
        for col, value in enumerate([f"d{k}", "kit", k], start=1):
            book["Demand"].cell(row=k + 2, column=col, value=value)
    book.save(template)
    out = solve_json(template, capsys)
    assert out["expected_total_cost"] == pytest.approx(7.8)
    assert out["stock"] == {"part": pytest.approx(6.0)}


def test_example_template_reads_back_as_the_example(tmp_path):
    from atoopt.examples import example

    path = tmp_path / "smoothie.xlsx"
    assert main(["template", str(path), "--example", "smoothie_bar"]) == 0
    read, original = load(path), example("smoothie_bar")
    assert pytest.approx(original.arrays.D) == read.arrays.D
    assert read.arrays.c == pytest.approx(original.arrays.c)
    assert read.settings["currency"] == original.settings["currency"]


def test_template_saved_by_libreoffice_with_a_formula_in_demand_solves(tmp_path, capsys):
    """tests/fixtures/lo_template_formula.xlsx: the smoothie_bar template, Demand!C2 = '=2*3+0.5',
    opened and saved by LibreOffice headless (see make_fixtures.py)."""
    path = tmp_path / "lo.xlsx"
    shutil.copy(FIXTURES / "lo_template_formula.xlsx", path)
    raw = openpyxl.load_workbook(path)["Demand"]["C2"].value
    assert raw == "=2*3+0.5"  # really a formula in the file
    instance = load(path)
    first = instance.demand.iloc[0]
    assert first["demand"] == 6.5
    out = solve_json(path, capsys)
    assert out["status"] == "optimal"


@pytest.mark.parametrize(
    ("version", "fix"), [(TEMPLATE_VERSION + 1, "update atoopt"), (0, "make a new template"), ("x", "new template")]
)
def test_template_version_is_checked_on_read(template, version, fix, tmp_path):
    book = openpyxl.load_workbook(template)
    book[METADATA]["B2"] = version
    book.save(template)
    with pytest.raises(InputError) as err:
        load(template)
    text = str(err.value)
    assert f"sheet '{METADATA}', row 2, column 'value'" in text
    assert f"template version {version}, which this atoopt does not read" in text and fix in text


def test_template_never_overwrites_a_workbook_unless_forced(template, capsys):
    before = template.read_bytes()
    assert main(["template", str(template)]) == 1
    assert "exists; choose another name, or pass --force" in capsys.readouterr().err
    assert template.read_bytes() == before
    assert main(["template", str(template), "--force", "--example", "smoothie_bar"]) == 0
    assert load(template).name == "template"


def test_blank_template_says_which_sheets_to_fill(template):
    with pytest.raises(InputError) as err:
        load(template)
    text = str(err.value)
    for sheet in ("Components", "Configurations", "BOM"):
        assert f"sheet '{sheet}': the sheet has no records. Fix: fill in sheet '{sheet}'" in text
    assert "sheet 'Demand': the sheet has no demand rows." in text


def test_template_with_a_demand_model_instead_of_demand_rows(template):
    """The template's empty Demand sheet gives way when DemandModel (a sheet the schema added) is filled."""
    book = openpyxl.load_workbook(template)
    book["Components"].append(["part", 0, 1])
    book["Configurations"].append(["kit", 0, 0, 3])
    book["BOM"].append(["kit", "part", 1])
    model = book["DemandModel"]
    header = [c.value for c in model[1]]
    row = dict.fromkeys(header)
    row.update(configuration="kit", distribution="poisson", mean=5)
    model.append([row[h] for h in header])
    book.save(template)
    instance = load(template)
    assert len(instance.arrays.S) > 1 and instance.arrays.D.mean() == pytest.approx(5, rel=0.3)
