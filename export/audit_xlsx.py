"""The audit workbook a supervising office forwards: a summary sheet (one row per report) and a findings
sheet (one row per finding: the rule, the message, the place), plus the files that could not be read."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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


def _text(ws, value: str, font=None, fill=None, alignment=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value)
    cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _sheet(wb: Workbook, title: str, head: list[str], widths: list[int]):
    """A streamed sheet with its head row; widths, frozen head and filter are set before any row is written."""
    ws = wb.create_sheet(title)
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}1"
    ws.append([_text(ws, label, _HEAD_FONT, _HEAD_FILL) for label in head])
    return ws


def render_audit_xlsx(reports: list[AuditedReport]) -> bytes:
    """Written row by row (openpyxl's write-only mode): an audit of thousands of reports has as many rows, and
    findings many times more."""
    wb = Workbook(write_only=True)
    summary = _sheet(wb, SUMMARY_SHEET, SUMMARY_HEAD, [6, 36, 30, 10, 14, 16, 8, 8, 50, 30, 18])
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, r in enumerate(reports, 1):
        problems = r.unreadable or "；".join(r.import_problems)
        conclusion = _text(summary, _conclusion(r), fill=_ERROR_FILL if r.unreadable or r.errors else None)
        summary.append([n, _text(summary, _safe(r.file)), _text(summary, _safe(r.agency)), r.year,
                        _text(summary, r.kind), _text(summary, r.format_name),
                        None if r.unreadable else r.errors, None if r.unreadable else r.warnings,
                        _text(summary, _safe(problems[:2000]), alignment=wrap), _text(summary, _safe(r.previous_file)),
                        conclusion])
    findings = _sheet(wb, FINDINGS_SHEET, FINDINGS_HEAD, [6, 36, 30, 10, 8, 10, 80, 50])
    n = 0
    for r in reports:
        for f in r.findings:
            n += 1
            findings.append([n, _text(findings, _safe(r.file)), _text(findings, _safe(r.agency)), r.year,
                             _text(findings, f.rule), _text(findings, SEVERITY_WORDS.get(f.severity, f.severity)),
                             _text(findings, _safe(f.message), alignment=wrap),
                             _text(findings, _safe(f.where), alignment=wrap)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
