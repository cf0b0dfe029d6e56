"""The roll-up workbook: the summary's tables as the XLSX exporter draws them, plus one row per unit per
table so that the compiler can check every figure."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from export.document import build_document
from export.xlsx_writer import _text, render_xlsx
from model.drafts_io import atomic_write_bytes
from model.state import ReportState
from model.values import format_value


def write_rollup_xlsx(result, path: str | Path) -> None:
    import io

    summary = ReportState(result.draft)
    data = render_xlsx(summary, build_document(summary))
    wb = load_workbook(io.BytesIO(data))
    spec = summary.spec
    for section in spec.sections:
        if section.kind != "table":
            continue
        ws = wb.create_sheet(f"{section.number}、各单位明细")
        paths = spec.table_cells(section.table)
        _text(ws, 1, 1, "单位")
        for c, p in enumerate(paths, 2):
            _text(ws, 1, c, spec.cells[p].label)
        for r, (name, state) in enumerate(result.units, 2):
            _text(ws, r, 1, name)
            for c, p in enumerate(paths, 2):
                v = state.value(p)
                cell = ws.cell(row=r, column=c)
                cell.value = v if isinstance(v, int) else (float(v) if v is not None and float(v) == v else
                                                          (format_value(v) if v is not None else None))
        total_row = len(result.units) + 2
        _text(ws, total_row, 1, "汇总")
        for c, p in enumerate(paths, 2):
            v = summary.value(p)
            ws.cell(row=total_row, column=c).value = v if isinstance(v, int) or v is None else format_value(v)
        ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())
