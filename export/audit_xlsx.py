"""The audit workbook a supervising office forwards: a summary sheet (one row per report) and a findings
sheet (one row per finding: the rule, the message, the place), plus the files that could not be read."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from export.xlsx_writer import _text
from model.audit import AuditedReport
from model.checks import SEVERITY_WORDS
from model.text_clean import clean_text

SUMMARY_SHEET = "汇总"
FINDINGS_SHEET = "问题清单"
SUMMARY_HEAD = ["序号", "文件", "机关名称", "报告年度", "文件格式", "格式版本", "错误", "警告", "导入问题",
                "对比的上年报告", "核查结论"]
FINDINGS_HEAD = ["序号", "文件", "机关名称", "报告年度", "规则", "严重程度", "问题说明", "位置"]
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDDDDD")
_ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")


def _safe(text: str) -> str:
    return clean_text(text or "")[0]


def _conclusion(r: AuditedReport) -> str:
    if r.unreadable:
        return "无法读取，未核查"
    if r.errors:
        return f"有 {r.errors} 个错误"
    if r.warnings:
        return "无错误，有警告"
    return "未发现问题"


def _sheet(ws, head: list[str], widths: list[int]) -> None:
    for c, (label, width) in enumerate(zip(head, widths), 1):
        cell = _text(ws, 1, c, label)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}1"


def render_audit_xlsx(reports: list[AuditedReport]) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    _sheet(summary, SUMMARY_HEAD, [6, 36, 30, 10, 14, 16, 8, 8, 50, 30, 18])
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, r in enumerate(reports, 1):
        row = n + 1
        summary.cell(row=row, column=1, value=n)
        _text(summary, row, 2, _safe(r.file))
        _text(summary, row, 3, _safe(r.agency))
        if r.year is not None:
            summary.cell(row=row, column=4, value=r.year)
        _text(summary, row, 5, r.kind)
        _text(summary, row, 6, r.format_name)
        if not r.unreadable:
            summary.cell(row=row, column=7, value=r.errors)
            summary.cell(row=row, column=8, value=r.warnings)
        problems = r.unreadable or "；".join(r.import_problems)
        _text(summary, row, 9, _safe(problems[:2000])).alignment = wrap
        _text(summary, row, 10, _safe(r.previous_file))
        conclusion = _text(summary, row, 11, _conclusion(r))
        if r.unreadable or r.errors:
            conclusion.fill = _ERROR_FILL
    findings = wb.create_sheet(FINDINGS_SHEET)
    _sheet(findings, FINDINGS_HEAD, [6, 36, 30, 10, 8, 10, 80, 50])
    row = 1
    for r in reports:
        for f in r.findings:
            row += 1
            findings.cell(row=row, column=1, value=row - 1)
            _text(findings, row, 2, _safe(r.file))
            _text(findings, row, 3, _safe(r.agency))
            if r.year is not None:
                findings.cell(row=row, column=4, value=r.year)
            _text(findings, row, 5, f.rule)
            _text(findings, row, 6, SEVERITY_WORDS.get(f.severity, f.severity))
            _text(findings, row, 7, _safe(f.message)).alignment = wrap
            _text(findings, row, 8, _safe(f.where)).alignment = wrap
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
