"""The tables as an Excel workbook (openpyxl), laid out like the printed tables, plus the check results.

Numbers are numeric cells holding values (never formulas: programs that do not recalculate would see empty
cells); amounts keep every decimal. Every cell of a merged range gets its border, as Excel draws each cell's
own. User text is always written as text, so "=SUM(A1)" typed by a user never becomes a formula.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from export import document as d
from model.checks import SEVERITY_WORDS
from model.state import ReportState

SHEET_NAMES = {"s2": "二、主动公开", "s3": "三、依申请公开", "s4": "四、复议诉讼"}
RESULTS_SHEET = "校验结果"
FIRST_ROW = 3  # row 1: the table's title, row 2: the report's title

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_GREY = PatternFill("solid", fgColor="D9D9D9")
_COMPUTED = PatternFill("solid", fgColor="EAF1FB")
_FONT = Font(name="仿宋", size=11)
_BOLD = Font(name="黑体", size=11)


def _text(ws, row: int, col: int, text: str):
    cell = ws.cell(row=row, column=col)
    cell.value = text
    cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
    return cell


def _number(value):
    """A numeric cell value: ints stay ints; a Decimal becomes a float only when that is exact, else text."""
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    return value


def _table_sheet(wb: Workbook, state: ReportState, layout: d.TableLayout, heading: str, title: str) -> None:
    ws = wb.create_sheet(SHEET_NAMES[layout.section])
    _text(ws, 1, 1, heading).font = Font(name="黑体", size=14)
    _text(ws, 2, 1, title).font = Font(name="仿宋", size=10, color="666666")
    for r, row in enumerate(layout.rows):
        for c, cell in enumerate(row):
            target = ws.cell(row=FIRST_ROW + r, column=1 + c)
            target.border = _BORDER
            if cell is None:
                continue
            if cell.is_number and cell.path is not None:
                value = state.value(cell.path)
                if value is None:
                    target.value = None
                elif cell.text != d.format_value(value):  # a unit other than the column's: keep it visible
                    _text(ws, target.row, target.column, cell.text)
                else:
                    target.value = _number(value)
                    if isinstance(value, Decimal):
                        places = max(0, -value.as_tuple().exponent)
                        target.number_format = "0." + "0" * places if places else "0"
                    else:
                        target.number_format = "0"
                target.font = _FONT
                if cell.role == "computed":
                    target.fill = _COMPUTED
            else:
                _text(ws, target.row, target.column, "\n".join(cell.text) if cell.vertical else cell.text)
                target.font = _BOLD if cell.role in ("head", "block") else _FONT
                if cell.role == "block":
                    target.fill = _GREY
            horizontal = "left" if cell.role == "label" else "center"
            target.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=target.row, start_column=target.column,
                               end_row=target.row + cell.rowspan - 1, end_column=target.column + cell.colspan - 1)
    # borders on every cell of merged ranges (merge_cells may have replaced covered cells)
    for rng in ws.merged_cells.ranges:
        for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col):
            for cell in row:
                cell.border = _BORDER
    total = sum(layout.widths)
    full = 150 if layout.columns > 8 else 90
    for i, w in enumerate(layout.widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = max(5.0, full * w / total)
    for r, row in enumerate(layout.rows):
        longest = max((len(c.text) for c in row if c is not None and c.rowspan == 1), default=1)
        ws.row_dimensions[FIRST_ROW + r].height = 18 if longest < 14 else 32
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if layout.header_rows:
        ws.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW + layout.header_rows - 1}"
    ws.freeze_panes = None


def _results_sheet(wb: Workbook, state: ReportState) -> None:
    ws = wb.create_sheet(RESULTS_SHEET)
    headers = ["规则", "级别", "部分", "问题", "涉及单元格", "说明"]
    for c, h in enumerate(headers, 1):
        cell = _text(ws, 1, c, h)
        cell.font = _BOLD
        cell.fill = _GREY
        cell.border = _BORDER
    for r, issue in enumerate(state.issues, 2):
        labels = "；".join(state.spec.cells[p].label for p in issue.cells[:8] if p in state.spec.cells)
        if len(issue.cells) > 8:
            labels += f" 等 {len(issue.cells)} 个"
        values = [issue.rule, SEVERITY_WORDS[issue.severity], state.spec.place_name(issue.section), issue.message, labels,
                  issue.acknowledged or ""]
        for c, v in enumerate(values, 1):
            cell = _text(ws, r, c, v)
            cell.font = _FONT
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if not state.issues:
        _text(ws, 2, 1, "校验通过：没有发现错误或警告。").font = _FONT
    for col, width in zip("ABCDEF", (8, 6, 26, 70, 40, 30)):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _comparison_sheet(wb: Workbook, state: ReportState) -> None:
    """与上年对比: the main figures this year and last year, when last year's report is attached."""
    from model.compare import year_over_year

    rows = year_over_year(state)
    if not rows:
        return
    ws = wb.create_sheet("与上年对比")
    for c, h in enumerate(["项目", f"{state.meta.year}年", f"{state.previous.meta.year}年", "增减", "增减幅度"], 1):
        cell = _text(ws, 1, c, h)
        cell.font = _BOLD
        cell.fill = _GREY
        cell.border = _BORDER
    for r, row in enumerate(rows, 2):
        _text(ws, r, 1, row.label).border = _BORDER
        for c, v in enumerate((row.this_year, row.last_year, row.change), 2):
            cell = ws.cell(row=r, column=c)
            cell.value = _number(v) if v is not None else None
            cell.border = _BORDER
        _text(ws, r, 5, row.percent).border = _BORDER
    ws.column_dimensions["A"].width = 28
    for col in "BCDE":
        ws.column_dimensions[col].width = 14


EXTRA_SHEETS: list = [_comparison_sheet]  # functions (workbook, state) that add further sheets


def render_xlsx(state: ReportState, doc: d.Document) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    layouts = [el for el in doc.body if isinstance(el, d.TableLayout)]
    for layout in layouts:
        heading = state.spec.section_by_id[layout.section].heading
        _table_sheet(wb, state, layout, heading, doc.title)
    _results_sheet(wb, state)
    for extra in EXTRA_SHEETS:
        extra(wb, state)
    wb.properties.title = doc.title
    wb.properties.creator = doc.agency or "政务公开年报助手"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
