"""The roll-up workbook: the summary's tables as the XLSX exporter draws them, plus one row per unit per
table (amounts in the column's unit, as they were summed) so that the compiler can check every figure, and the
files that were not summed with the reason."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment

from export.document import build_document
from export.xlsx_writer import _number, _text, render_xlsx
from model.drafts_io import atomic_write_bytes
from model.text_clean import clean_text
from model.state import ReportState
from model.values import format_value

LEFT_OUT_SHEET = "未计入的文件"


def render_rollup_xlsx(result, skipped=()) -> bytes:
    """`result` is a model.rollup.RollupResult; `skipped` the files passed over before summing."""
    summary = ReportState(result.draft)
    wb = load_workbook(io.BytesIO(render_xlsx(summary, build_document(summary))))
    spec = summary.spec
    for section in spec.sections:
        if section.kind != "table":
            continue
        ws = wb.create_sheet(f"{section.number}、各单位明细")
        paths = spec.table_cells(section.table)
        _text(ws, 1, 1, "单位")
        _text(ws, 1, 2, "文件")
        for c, p in enumerate(paths, 3):
            _text(ws, 1, c, spec.cells[p].label)
        for r, (name, state) in enumerate(result.units, 2):
            _text(ws, r, 1, _safe(state.meta.agency))
            _text(ws, r, 2, _safe(name))
            summed = result.unit_values.get(name, {})
            for c, p in enumerate(paths, 3):
                value = summed.get(p, state.value(p))  # totals are shown as the unit computes them
                cell = ws.cell(row=r, column=c)
                cell.value = _number(value) if value is not None else None
                if p in summed and summed[p] != state.value(p):
                    cell.comment = Comment(f"原填 {format_value(state.value(p))}{state.unit(p) or ''}", "汇总")
        total_row = len(result.units) + 2
        _text(ws, total_row, 1, "汇总")
        for c, p in enumerate(paths, 3):
            value = summary.value(p)
            ws.cell(row=total_row, column=c).value = _number(value) if value is not None else None
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
    return buf.getvalue()


def _safe(text: str) -> str:
    """Unit names and file names as XML can hold them (a workbook cannot store most control characters)."""
    return clean_text(text)[0]


def write_rollup_xlsx(result, path: str | Path, skipped=()) -> None:
    atomic_write_bytes(path, render_rollup_xlsx(result, skipped))
