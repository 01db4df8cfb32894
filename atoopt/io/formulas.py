"""Find cells a reader would see as blank: formulas saved without a value, and error values.

Excel and LibreOffice store each formula with the value it last showed (``<v>``);
libraries such as openpyxl write the formula alone. Readers then see a blank cell.
This module scans the raw sheet XML for ``<f>`` without a ``<v>`` beside it.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c\s[^>]*>")
_REF = re.compile(rb'\sr="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*\bt="e"[^>]*>')
_VALUE_TEXT = re.compile(rb"<(?:\w+:)?v>([^<]*)<")
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f[^>]*>([^<]*)<")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the archive."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return parts


def unreadable_cells(path: Path, sheets: set[str]) -> dict[str, list[tuple[int, int, str, str]]]:
    """Per sheet: (row, column number, kind, text) of each cell a reader would see as blank.

    kind ``formula``: a formula with no saved value (text: the formula);
    kind ``error``: a cell showing an error such as #DIV/0! (text: the error).
    """
    found: dict[str, list[tuple[int, int, str, str]]] = {}
    with zipfile.ZipFile(path) as archive:
        for name, part in sheet_parts(archive).items():
            if name not in sheets:
                continue
            xml = archive.read(part)
            cells = [(r, c, "formula", f) for r, c, f in _cells_without_value(xml)]
            cells += list(_error_cells(xml))
            if cells:
                found[name] = sorted(cells)
    return found


def _error_cells(xml: bytes):
    if b't="e"' not in xml:
        return
    for head in _ERROR_CELL.finditer(xml):
        ref = _REF.search(head.group(0))
        end = xml.find(b"</", head.end())
        value = _VALUE_TEXT.search(xml, head.end(), xml.find(b"</c>", head.end()) if end >= 0 else len(xml))
        if ref:
            text = value.group(1).decode() if value else "#ERROR"
            yield int(ref.group(2)), _column_number(ref.group(1).decode()), "error", html.unescape(text)


def _cells_without_value(xml: bytes):
    if b"<f" not in xml and b":f" not in xml:
        return
    for formula in _FORMULA.finditer(xml):
        start = xml.rfind(b"<c ", 0, formula.start())
        if start < 0:
            start = xml.rfind(b":c ", 0, formula.start())
        end = xml.find(b"</c>", formula.start())
        cell = xml[start:end]
        if _VALUE.search(cell):
            continue
        head = _CELL_START.match(xml, start) or _CELL_START.search(xml, start)
        ref = _REF.search(head.group(0)) if head else None
        if not ref:
            continue
        text = _FORMULA_TEXT.search(cell)
        yield (
            int(ref.group(2)),
            _column_number(ref.group(1).decode()),
            html.unescape(text.group(1).decode()) if text else "",
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
