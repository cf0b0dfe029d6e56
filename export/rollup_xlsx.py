"""The roll-up workbook: the summary's tables as the XLSX exporter draws them, plus one row per unit per
table (amounts in the column's unit, as they were summed) so that the compiler can check every figure, and the
files that were not summed with the reason.

A roll-up of ten thousand units puts two million cells in the per-unit sheets. openpyxl builds an object per
cell and writes each through its XML writer, which took longer than the whole roll-up may; so openpyxl makes
the workbook with those sheets empty but for their settings (frozen panes) and the notes on converted amounts,
and their rows are then streamed into the saved file as the cells openpyxl itself writes: numbers as
`<v>`, text as inline strings.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from posixpath import join, normpath
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter

from export.document import build_document
from export.xlsx_writer import _number, _text, render_xlsx
from export.xml_text import xml_text
from model.drafts_io import atomic_write_bytes
from model.rollup_unit import cell_order
from model.state import ReportState
from model.text_clean import clean_text

LEFT_OUT_SHEET = "未计入的文件"
FIRST_DATA_COLUMN = 3  # after 单位 and 文件

_EXACT_DIGITS = 10**16
# for the sheets streamed in: they are most of a large workbook's bytes, and the fastest compression keeps
# saving quick (the parts openpyxl wrote keep theirs)
_FAST_COMPRESSION = 1
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def render_rollup_xlsx(result, skipped=()) -> bytes:
    """`result` is a model.rollup.RollupResult; `skipped` the files passed over before summing."""
    summary = result.summary or ReportState(result.draft)
    wb = load_workbook(io.BytesIO(render_xlsx(summary, build_document(summary))))
    spec = summary.spec
    order, _ = cell_order(spec)
    index = {p: i for i, p in enumerate(order)}
    streamed: dict[str, list[int]] = {}  # sheet title → indexes (in UnitRow.shown) of its columns
    for section in spec.sections:
        if section.kind != "table":
            continue
        ws = wb.create_sheet(f"{section.number}、各单位明细")
        columns = [index[p] for p in spec.table_cells(section.table)]
        streamed[ws.title] = columns
        position = {i: c for c, i in enumerate(columns, FIRST_DATA_COLUMN)}
        for r, unit in enumerate(result.units, 2):
            for i, note in unit.notes:  # the value streamed later; the note needs openpyxl's parts
                if i in position:
                    ws.cell(row=r, column=position[i]).comment = Comment(note, "汇总")
        ws.freeze_panes = "C2"
    lines = list(skipped) + list(result.left_out)
    if lines:
        ws = wb.create_sheet(LEFT_OUT_SHEET)
        _text(ws, 1, 1, "文件")
        _text(ws, 1, 2, "原因")
        for r, item in enumerate(lines, 2):
            _text(ws, r, 1, _safe(item.name))
            _text(ws, r, 2, _safe(item.reason))
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    totals = tuple(summary.value(p) for p in order)
    heads = tuple(spec.cells[p].label for p in order)
    return _with_unit_rows(buf.getvalue(), streamed, result.units, heads, totals)


def _with_unit_rows(workbook: bytes, streamed: dict[str, list[int]], units, heads, totals) -> bytes:
    """The saved workbook with the rows of each per-unit sheet written into it."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    parts = _sheet_parts(source)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=_FAST_COMPRESSION) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            title = parts.get(info.filename)
            if title not in streamed:
                target.writestr(info, data)
                continue
            columns = streamed[title]
            found = _SHEET_DATA.search(data)
            head, tail = data[:found.start()], data[found.end():]
            last = f"{get_column_letter(FIRST_DATA_COLUMN + len(columns) - 1)}{len(units) + 2}"
            head = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>'.encode(), head, count=1)
            with target.open(info.filename, "w") as sheet:
                sheet.write(head)
                for chunk in _sheet_rows(columns, units, heads, totals):
                    sheet.write(chunk)
                sheet.write(tail)
    return out.getvalue()


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Zip member name → sheet title, from the workbook's own list of sheets and its relationships."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target_of = {r.get("Id"): r.get("Target") for r in rels.findall("p:Relationship", _NS)}
    out = {}
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = target_of[sheet.get(f"{{{_NS['r']}}}id")]
        member = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
        out[member] = sheet.get("name")
    return out


def _sheet_rows(columns: list[int], units, heads, totals):
    """sheetData of a per-unit sheet, a few hundred rows per chunk: the head row, a row per unit, the totals."""
    letters = [get_column_letter(c) for c in range(1, FIRST_DATA_COLUMN + len(columns))]
    yield b"<sheetData>"
    rows = [_row(1, letters, ["单位", "文件"] + [heads[i] for i in columns])]
    for r, unit in enumerate(units, 2):
        shown = unit.shown
        rows.append(_row(r, letters, [_safe(unit.agency), _safe(unit.name)] + [shown[i] for i in columns]))
        if len(rows) >= 500:
            yield "".join(rows).encode()
            rows = []
    rows.append(_row(len(units) + 2, letters, ["汇总", None] + [totals[i] for i in columns]))
    yield "".join(rows).encode()
    yield b"</sheetData>"


def _row(r: int, letters: list[str], values: list) -> str:
    cells = []
    for letter, value in zip(letters, values):
        kind = type(value)
        if kind is int and -_EXACT_DIGITS < value < _EXACT_DIGITS:  # openpyxl writes "%.16g": the same digits
            cells.append(f'<c r="{letter}{r}" t="n"><v>{value}</v></c>')
        elif value is None or value == "":  # as openpyxl: an empty cell reads back as no value
            continue
        elif kind is str:  # text is always text, never a formula (as xlsx_writer._text)
            space = ' xml:space="preserve"' if value != value.strip() else ""
            cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t{space}>{xml_text(value)}</t></is></c>')
        elif isinstance(number := _number(value), str):  # an amount no float holds exactly stays text
            cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{number}</t></is></c>')
        else:
            cells.append(f'<c r="{letter}{r}" t="n"><v>{safe_string(number)}</v></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'


def _safe(text: str) -> str:
    """Unit names and file names as XML can hold them (a workbook cannot store most control characters)."""
    return clean_text(text)[0]


def write_rollup_xlsx(result, path: str | Path, skipped=()) -> None:
    atomic_write_bytes(path, render_rollup_xlsx(result, skipped))
