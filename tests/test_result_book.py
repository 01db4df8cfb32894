"""The result workbook: its numbers equal the Solution, charts point at the right ranges,
text is never a formula, LibreOffice opens it; and the annotated copy of bad input."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from atoopt.cli import main
from atoopt.examples import example
from atoopt.instance import Instance
from atoopt.io import result_book
from atoopt.io.report import binding_limits, order_plan, shortage_chance
from atoopt.io.result_book import write_result_workbook
from atoopt.solve import solve

from .conftest import newsvendor_sheets, write_workbook


@pytest.fixture(scope="module")
def smoothie(tmp_path_factory):
    instance = example("smoothie_bar")
    solution = solve(instance)
    path = tmp_path_factory.mktemp("result") / "smoothie-result.xlsx"
    write_result_workbook(solution, instance, path)
    return instance, solution, path


def test_sheets_in_order_with_frozen_headers(smoothie):
    _, _, path = smoothie
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:5] == ["Summary", "Order plan", "Service", "Scenarios", "Allocation"]
    assert {"Run details", "Input Settings", "Input Components", "Input Demand"} <= set(book.sheetnames)
    for name in ("Order plan", "Service", "Scenarios", "Allocation"):
        assert book[name].freeze_panes == "A2"
    assert book["Order plan"]["G2"].number_format == "#,##0.00"  # order value
    assert book["Service"]["F2"].number_format == "0.0%"  # fill rate


def test_numbers_read_back_equal_the_solution(smoothie):
    _, solution, path = smoothie
    plan = pd.read_excel(path, sheet_name="Order plan", engine="openpyxl").set_index("component")
    comps = solution.components
    for column, name in [
        ("order", "order"),
        ("stock", "stock"),
        ("expected use", "expected_use"),
        ("chance of running out", "stockout_probability"),
        ("value of one more unit", "marginal_value"),
    ]:
        assert plan[column].reindex(comps.index).to_numpy() == pytest.approx(comps[name].to_numpy(), abs=1e-9)
    service = pd.read_excel(path, sheet_name="Service", engine="openpyxl").set_index("configuration")
    confs = solution.configurations
    assert service["fill rate"].reindex(confs.index).to_numpy() == pytest.approx(confs["fill_rate"].to_numpy())
    scen = pd.read_excel(path, sheet_name="Scenarios", engine="openpyxl").set_index("scenario")
    assert scen["total"].to_numpy() == pytest.approx(solution.scenario_costs["total"].to_numpy())
    summary = openpyxl.load_workbook(path)["Summary"]
    assert summary["B5"].value == pytest.approx(solution.expected_total_cost)
    labels = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value for r in range(1, 40)}
    assert labels["total"] == pytest.approx(solution.expected_total_cost)
    assert labels["shortage"] == pytest.approx(solution.cost_breakdown["shortage"])


def _chart_refs(path) -> list[tuple[str, list[str]]]:
    """(title text, [every <c:f> range]) of each chart part in the file."""
    charts = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart")):
            xml = archive.read(name).decode()
            title = re.findall(r"<a:t>([^<]*)</a:t>", xml)[0]
            charts.append((title, re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", xml)))
    return charts


def test_charts_reference_the_right_ranges(smoothie):
    instance, _, path = smoothie
    J, I = len(instance.arrays.J), len(instance.arrays.I)
    charts = dict(_chart_refs(path))
    stock = charts["Stock versus expected use per component"]
    assert stock == [
        "'Order plan'!E1",
        f"'Order plan'!$A$2:$A${J + 1}",
        f"'Order plan'!$E$2:$E${J + 1}",
        "'Order plan'!I1",
        f"'Order plan'!$A$2:$A${J + 1}",
        f"'Order plan'!$I$2:$I${J + 1}",
    ]
    book = openpyxl.load_workbook(path)
    assert book["Order plan"]["E1"].value == "stock" and book["Order plan"]["I1"].value == "expected use"
    fill = charts["Fill rate per configuration"]
    assert fill == ["'Service'!F1", f"'Service'!$A$2:$A${I + 1}", f"'Service'!$F$2:$F${I + 1}"]
    assert book["Service"]["F1"].value == "fill rate"
    cost = charts["Expected cost by term (credits negative)"]
    head = int(re.search(r"B(\d+)$", cost[0]).group(1))
    assert book["Summary"].cell(row=head + 1, column=1).value == "purchase"
    assert cost[-1] == f"'Summary'!$B${head + 1}:$B${head + 6}"


def test_report_columns_on_a_hand_solved_case(tmp_path):
    """Newsvendor, demand 0..9: stock 6, need 4.5 -> safety stock 1.5; runs out when demand is 7, 8 or 9."""
    from atoopt.instance import load

    instance = load(write_workbook(tmp_path / "nv.xlsx", newsvendor_sheets()))
    solution = solve(instance)
    plan = order_plan(solution, instance).set_index("component")
    assert plan.loc["part", "stock"] == pytest.approx(6)
    assert plan.loc["part", "expected_need"] == pytest.approx(4.5)
    assert plan.loc["part", "safety_stock"] == pytest.approx(1.5)
    assert plan.loc["part", "stockout_probability"] == pytest.approx(0.3)
    assert plan.loc["part", "binding_limit"] == ""
    assert shortage_chance(solution, instance)["kit"] == pytest.approx(0.3)


def test_binding_limit_names_max_stock_and_budget():
    instance = Instance.from_frames(
        components=pd.DataFrame({"component": ["a", "b"], "unit_cost": [1.0, 1.0], "max_stock": [2.0, np.nan]}),
        configurations=pd.DataFrame({"configuration": ["x", "y"], "shortage_cost": [20.0, 10.0]}),
        bom=pd.DataFrame({"configuration": ["x", "y"], "component": ["a", "b"], "quantity": [1.0, 1.0]}),
        demand=pd.DataFrame({"scenario": ["s", "s"], "configuration": ["x", "y"], "demand": [5.0, 5.0]}),
        settings={"budget": 4.0},
    )
    solution = solve(instance)
    limits = binding_limits(solution, instance)
    assert solution.components.loc["a", "stock"] == pytest.approx(2)  # max stock
    assert solution.components.loc["b", "stock"] == pytest.approx(2)  # the rest of the budget of 4
    assert "max stock" in limits["a"] and "budget" in limits["b"]


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    instance = Instance.from_frames(
        components=pd.DataFrame({"component": ["=1+1", "+x", "-y", "@z"], "holding_cost": [1.0] * 4}),
        configurations=pd.DataFrame({"configuration": ["k"], "shortage_cost": [3.0]}),
        bom=pd.DataFrame({"configuration": ["k"] * 4, "component": ["=1+1", "+x", "-y", "@z"], "quantity": [1.0] * 4}),
        demand=pd.DataFrame({"scenario": ["s"], "configuration": ["k"], "demand": [1.0]}),
    )
    path = write_result_workbook(solve(instance), instance, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(path)["Order plan"]
    cells = [sheet.cell(row=r, column=1) for r in range(2, 6)]
    assert sorted(c.value for c in cells) == sorted(["=1+1", "+x", "-y", "@z"])
    assert all(c.data_type == "s" for c in cells)


def test_thousands_of_scenarios_stay_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(result_book, "MAX_SCENARIO_ROWS", 10)
    monkeypatch.setattr(result_book, "MAX_ALLOCATION_ROWS", 50)
    instance = example("pc_maker")
    solution = solve(instance)
    path = write_result_workbook(solution, instance, tmp_path / "r.xlsx")
    scen = pd.read_excel(path, sheet_name="Scenarios", engine="openpyxl")
    costliest = solution.scenario_costs["total"].nlargest(10)
    assert sorted(scen["scenario"]) == sorted(costliest.index)
    alloc = pd.read_excel(path, sheet_name="Allocation", engine="openpyxl")
    assert 0 < len(alloc) <= 50
    summary = " ".join(str(c.value) for row in openpyxl.load_workbook(path)["Summary"].iter_rows() for c in row)
    assert "lists the 10 costliest of 40 scenarios" in summary


def test_solve_cli_writes_the_manager_workbook_atomically(tmp_path):
    path = write_workbook(tmp_path / "nv.xlsx", newsvendor_sheets())
    before = path.read_bytes()
    assert main(["solve", str(path)]) == 0
    assert path.read_bytes() == before
    assert openpyxl.load_workbook(tmp_path / "nv-result.xlsx").sheetnames[0] == "Summary"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind


@pytest.mark.slow
def test_libreoffice_opens_the_result_without_repair(smoothie, tmp_path):
    if shutil.which("soffice") is None:
        pytest.skip("soffice (LibreOffice) is not installed: apt-get install libreoffice-calc-nogui")
    _, _, path = smoothie
    run = subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "smoothie-result.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "The plan in brief" in text and "Fill rate per configuration" in text


# -- annotated copy of bad input --------------------------------------------------------


def test_annotate_marks_each_problem_cell_and_links_to_it(tmp_path):
    sheets = newsvendor_sheets()
    sheets["BOM"].append(["kit", "gear", 1])
    sheets["Components"] = [["component", "holding_cost"], ["part", "lots"]]
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    before = path.read_bytes()
    assert main(["validate", str(path), "--annotate"]) == 2
    assert path.read_bytes() == before
    book = openpyxl.load_workbook(tmp_path / "bad-problems.xlsx")
    assert book.sheetnames[0] == "Problems"
    problems = book["Problems"]
    rows = [[c.value for c in r] for r in problems.iter_rows(min_row=2)]
    assert rows[0][:3] == ["error", "Components", "B2"] and "'lots' is not a number" in rows[0][3]
    assert problems["C2"].hyperlink.location == "'Components'!B2"
    cell = book["Components"]["B2"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "'lots' is not a number" in cell.comment.text


def test_solve_annotate_marks_unknown_ids(tmp_path):
    sheets = newsvendor_sheets()
    sheets["BOM"].append(["kit", "gear", 1])
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    out = tmp_path / "marked.xlsx"
    assert main(["solve", str(path), "--annotate", str(out)]) == 2
    book = openpyxl.load_workbook(out)
    assert "unknown component 'gear'" in book["BOM"]["B3"].comment.text
    assert book["Problems"]["C2"].hyperlink.location == "'BOM'!B3"
    assert not (tmp_path / "bad-result.xlsx").exists()


def test_annotate_refuses_to_overwrite_the_input(tmp_path, capsys):
    sheets = newsvendor_sheets()
    sheets["BOM"].append(["kit", "gear", 1])
    path = write_workbook(tmp_path / "bad.xlsx", sheets)
    before = path.read_bytes()
    assert main(["validate", str(path), "--annotate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no annotated copy: --annotate must name a new file: the input is never changed" in err
    assert "unknown component 'gear'" in err  # the problems are still reported
    assert path.read_bytes() == before


def test_annotate_of_a_csv_folder_still_reports_the_problems(tmp_path, capsys):
    folder = tmp_path / "csv"
    folder.mkdir()
    for sheet, rows in newsvendor_sheets().items():
        (folder / f"{sheet.lower()}.csv").write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    (folder / "bom.csv").write_text("configuration,component,quantity\nkit,gear,1\n")
    assert main(["validate", str(folder), "--annotate"]) == 2
    err = capsys.readouterr().err
    assert "no annotated copy: --annotate needs an .xlsx workbook" in err and "unknown component 'gear'" in err


def test_solve_refuses_to_write_the_result_over_the_input(tmp_path, capsys):
    path = write_workbook(tmp_path / "nv.xlsx", newsvendor_sheets())
    before = path.read_bytes()
    assert main(["solve", str(path), "-o", str(path)]) == 1
    assert "the result would overwrite the input" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_validate_annotate_on_a_valid_workbook_keeps_its_notices(tmp_path):
    sheets = newsvendor_sheets()
    sheets["Components"] = [["component", "holding_cost", "supplier"], ["part", 1, "ACME"]]
    path = write_workbook(tmp_path / "ok.xlsx", sheets)
    out = tmp_path / "checked.xlsx"
    assert main(["validate", str(path), "--annotate", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book["Problems"]["A2"].value == "notice"
    assert "not one atoopt reads" in book["Components"]["C1"].comment.text
    assert book["Components"]["C1"].fill.fgColor.rgb.endswith("DDEBF7")


def test_infeasible_solve_annotate_marks_the_conflicting_cells(tmp_path, capsys):
    """A 90% fill-rate target the budget cannot pay for: both cells are marked."""
    sheets = newsvendor_sheets()
    sheets["Components"] = [["component", "unit_cost", "holding_cost"], ["part", 10, 1]]
    sheets["Configurations"] = [["configuration", "shortage_cost", "fill_rate_target"], ["kit", 3, 0.9]]
    sheets["Settings"] = [["setting", "value"], ["currency", "EUR"], ["budget", 20]]
    path = write_workbook(tmp_path / "tight.xlsx", sheets)
    assert main(["solve", str(path), "--annotate"]) == 3
    book = openpyxl.load_workbook(tmp_path / "tight-problems.xlsx")
    target, budget = book["Configurations"]["C2"], book["Settings"]["B3"]
    assert "fill-rate target of 'kit'" in target.comment.text and target.fill.fgColor.rgb.endswith("FFC7CE")
    assert "resource 'budget'" in budget.comment.text
    cells = {row[2].value for row in book["Problems"].iter_rows(min_row=2)}
    assert {"C2", "B3"} <= cells
    assert not (tmp_path / "tight-result.xlsx").exists()
