"""Render the pictures of docs/managers-guide.md: ``python docs/images/render.py``.

Writes the smoothie_bar example as a filled template, solves it, and renders chosen
sheets of both workbooks with LibreOffice headless (xlsx -> PDF) and pdftoppm
(PDF -> PNG), then crops the margins with Pillow. Needs ``soffice``, ``pdftoppm``
(Debian: libreoffice-calc-nogui, poppler-utils) and ``pip install pillow``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

from atoopt.errors import InputError
from atoopt.examples import example
from atoopt.instance import load
from atoopt.io.annotate import annotate
from atoopt.io.result_book import write_result_workbook
from atoopt.io.template import write_input_workbook
from atoopt.solve import solve

HERE = Path(__file__).parent
#: (picture, workbook, sheet)
PICTURES = [
    ("template-instructions.png", "template", "Instructions"),
    ("template-components.png", "template", "Components"),
    ("template-demand.png", "template", "Demand"),
    ("result-summary.png", "result", "Summary"),
    ("result-order-plan.png", "result", "Order plan"),
    ("result-service.png", "result", "Service"),
    ("problems-list.png", "problems", "Problems"),
    ("problems-marked.png", "problems", "BOM"),
]


def spoil(template: Path, target: Path) -> None:
    """The filled template with three typical mistakes, as a manager might make them."""
    book = openpyxl.load_workbook(template)
    book["BOM"]["B3"] = "strawbery"
    book["Components"]["B4"] = "cheap"
    book["Demand"]["C5"] = -3
    book.save(target)


def render_sheet(workbook: Path, sheet: str, target: Path, folder: Path, resolution: int = 110) -> None:
    """Page 1 of one sheet, as LibreOffice prints it, to a PNG."""
    book = openpyxl.load_workbook(workbook)
    for other in list(book.sheetnames):
        if other != sheet:
            del book[other]
    single = folder / f"{target.stem}.xlsx"
    book.save(single)
    subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(single)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    stem = folder / target.stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile", str(stem) + ".pdf", str(stem)],
        check=True,
    )
    _crop(Path(str(stem) + ".png"), target)


def _crop(page: Path, target: Path, margin: int = 12) -> None:
    """Cut the white page margins away (Pillow, needed only to make these pictures)."""
    from PIL import Image, ImageChops

    image = Image.open(page).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box:
        left, top, right, bottom = box
        image = image.crop((max(0, left - margin), max(0, top - margin), right + margin, bottom + margin))
    image.save(target, optimize=True)


def _problems(path: Path):
    try:
        load(path)
    except InputError as exc:
        return exc.report
    raise AssertionError("the spoiled workbook should have problems")


def main() -> int:
    instance = example("smoothie_bar")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        books = {"template": folder / "smoothie_bar.xlsx", "result": folder / "smoothie_bar-result.xlsx"}
        write_input_workbook(books["template"], instance)
        write_result_workbook(solve(instance), instance, books["result"], books["template"])
        spoiled = folder / "smoothie_bar-with-mistakes.xlsx"
        spoil(books["template"], spoiled)
        books["problems"] = folder / "smoothie_bar-problems.xlsx"
        annotate(spoiled, _problems(spoiled), books["problems"])
        for picture, book, sheet in PICTURES:
            render_sheet(books[book], sheet, HERE / picture, folder)
            print(f"wrote {HERE / picture} ({(HERE / picture).stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
