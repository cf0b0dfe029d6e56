"""The tables as an Excel workbook (openpyxl), laid out like the printed tables, plus the check results.

Numbers are numeric cells holding values (never formulas: programs that do not recalculate would see empty
cells); amounts keep every decimal. Every cell of a merged range gets its border, as Excel draws each cell's
own. User text is always written as text, so "=SUM(A1)" typed by a user never becomes a formula. A unit that
the column's heading does not name (2019's 采购总金额 in 万元) is shown by the number format, so the cell stays a
number. A workbook exported with errors says so as the PDF does: a red banner row above every sheet's content,
and the mark in every printed page's header and footer.
"""

from __future__ import annotations

import io
from decimal import Decimal
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from export import document as d
from model.checks import SEVERITY_WORDS
from model.state import ReportState
from model.text_clean import clean_text

SHEET_NAMES = {"s2": "二、主动公开", "s3": "三、依申请公开", "s4": "四、复议诉讼"}
RESULTS_SHEET = "校验结果"
FIRST_ROW = 3  # row 1: the table's title, row 2: the report's title; a draft's banner takes row 3 and the table moves down

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_GREY = PatternFill("solid", fgColor="D9D9D9")
_COMPUTED = PatternFill("solid", fgColor="EAF1FB")
_FONT = Font(name="仿宋", size=11)
_BOLD = Font(name="黑体", size=11)
_DRAFT_FONT = Font(name="黑体", size=14, bold=True, color="C00000")
_DRAFT_FILL = PatternFill("solid", fgColor="FDE9E9")
_ALIGN = {"left": Alignment(horizontal="left", vertical="center", wrap_text=True),
          "center": Alignment(horizontal="center", vertical="center", wrap_text=True)}
_TOP_WRAP = Alignment(wrap_text=True, vertical="top")

# openpyxl finds a style's number in the workbook's style table by hashing the whole style object at every
# assignment, which was most of a workbook's time. Each of the shared style objects above is looked up the
# openpyxl way once per workbook; later cells get the same number directly (the tables only ever grow, so the
# number stays right and the file is the same).
_STYLE_KEYS = {"border": "borderId", "font": "fontId", "fill": "fillId", "alignment": "alignmentId"}
_style_numbers: WeakKeyDictionary = WeakKeyDictionary()


def _style(cell, attr: str, style) -> None:
    """cell.<attr> = style, for the module's shared style objects (they live as long as the module)."""
    numbers = _style_numbers.setdefault(cell.parent.parent, {})
    number = numbers.get((attr, id(style)))
    if number is None:
        setattr(cell, attr, style)
        numbers[(attr, id(style))] = getattr(cell._style, _STYLE_KEYS[attr])
    else:
        if not cell._style:  # as openpyxl's own setter: a new cell gets its style array on first use
            cell._style = StyleArray()
        setattr(cell._style, _STYLE_KEYS[attr], number)


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


def _draft_banner(ws, row: int, columns: int) -> None:
    """The draft mark as a merged red row across the sheet's width, and in the printed header and footer."""
    cell = _text(ws, row, 1, f"{d.DRAFT_MARK}：报告仍有错误，本表格不是正式文件")
    cell.font = _DRAFT_FONT
    cell.fill = _DRAFT_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    ws.row_dimensions[row].height = 24
    for part in (ws.oddHeader.center, ws.evenHeader.center, ws.oddFooter.left, ws.evenFooter.left):
        part.text = d.DRAFT_MARK
        part.font = "黑体,Bold"
        part.size = 12
        part.color = "C00000"
    ws.sheet_properties.tabColor = "C00000"


def _number_format(value, unit: str | None) -> str:
    """Every decimal the value has, and the unit as a literal suffix when the column's heading does not name it."""
    places = max(0, -value.as_tuple().exponent) if isinstance(value, Decimal) else 0
    fmt = "0." + "0" * places if places else "0"
    return f'{fmt}"{unit}"' if unit else fmt


def _headings_by_column(layout: d.TableLayout) -> list[dict[int, str]]:
    """For each row, column → the text of the head cells above it (its block's header, or the table's)."""
    above: dict[int, str] = {}
    out: list[dict[int, str]] = []
    for row in layout.rows:
        heads = [(c, cell) for c, cell in enumerate(row) if cell is not None and cell.role in ("head", "note")]
        if heads:
            if row[0] is not None and row[0].role == "head":  # a block's own header row starts afresh
                above = {}
            for c, cell in heads:
                for k in range(c, c + cell.colspan):
                    above[k] = above.get(k, "") + cell.text
        out.append(dict(above))
    return out


def _table_sheet(wb: Workbook, state: ReportState, layout: d.TableLayout, heading: str, title: str,
                 draft: bool = False) -> None:
    ws = wb.create_sheet(SHEET_NAMES[layout.section])
    # rows 1 and 2 keep the table's heading and the report's title, where the workbook importer looks for them;
    # the draft banner comes right below, above the table
    first = FIRST_ROW + 1 if draft else FIRST_ROW
    _text(ws, 1, 1, heading).font = Font(name="黑体", size=14)
    _text(ws, 2, 1, title).font = Font(name="仿宋", size=10, color="666666")
    if draft:
        _draft_banner(ws, FIRST_ROW, layout.columns)
    headings = _headings_by_column(layout)
    for r, row in enumerate(layout.rows):
        for c, cell in enumerate(row):
            target = ws.cell(row=first + r, column=1 + c)
            _style(target, "border", _BORDER)
            if cell is None:
                continue
            if cell.is_number and cell.path is not None:
                value = state.value(cell.path)
                if value is None:
                    target.value = None
                elif isinstance(_number(value), str):  # more decimals than a float holds: exact text
                    _text(ws, target.row, target.column, cell.text)
                else:
                    target.value = _number(value)
                    unit = cell.unit if cell.unit and cell.unit not in headings[r].get(c, "") else None
                    target.number_format = _number_format(value, unit)
                _style(target, "font", _FONT)
                if cell.role == "computed":
                    _style(target, "fill", _COMPUTED)
            else:
                _text(ws, target.row, target.column, "\n".join(cell.text) if cell.vertical else cell.text)
                _style(target, "font", _BOLD if cell.role in ("head", "block") else _FONT)
                if cell.role == "block":
                    _style(target, "fill", _GREY)
            _style(target, "alignment", _ALIGN["left" if cell.role == "label" else "center"])
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=target.row, start_column=target.column,
                               end_row=target.row + cell.rowspan - 1, end_column=target.column + cell.colspan - 1)
    # borders on every cell of merged ranges (merge_cells may have replaced covered cells)
    for rng in ws.merged_cells.ranges:
        for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col):
            for cell in row:
                _style(cell, "border", _BORDER)
    total = sum(layout.widths)
    full = 150 if layout.columns > 8 else 90
    for i, w in enumerate(layout.widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = max(5.0, full * w / total)
    for r, row in enumerate(layout.rows):
        longest = max((len(c.text) for c in row if c is not None and c.rowspan == 1), default=1)
        ws.row_dimensions[first + r].height = 18 if longest < 14 else 32
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if layout.header_rows:
        ws.print_title_rows = f"{first}:{first + layout.header_rows - 1}"
    ws.freeze_panes = None


def _results_sheet(wb: Workbook, state: ReportState, draft: bool = False) -> None:
    ws = wb.create_sheet(RESULTS_SHEET)
    headers = ["规则", "级别", "部分", "问题", "涉及单元格", "说明"]
    top = 2 if draft else 1  # the draft banner takes the first row
    if draft:
        _draft_banner(ws, 1, len(headers))
    for c, h in enumerate(headers, 1):
        cell = _text(ws, top, c, h)
        cell.font = _BOLD
        cell.fill = _GREY
        cell.border = _BORDER
    for r, issue in enumerate(state.issues, top + 1):
        labels = "；".join(state.spec.cells[p].label for p in issue.cells[:8] if p in state.spec.cells)
        if len(issue.cells) > 8:
            labels += f" 等 {len(issue.cells)} 个"
        values = [issue.rule, SEVERITY_WORDS[issue.severity], state.spec.place_name(issue.section), clean_text(issue.message)[0], labels,
                  issue.acknowledged or ""]
        for c, v in enumerate(values, 1):
            cell = _text(ws, r, c, v)
            _style(cell, "font", _FONT)
            _style(cell, "border", _BORDER)
            _style(cell, "alignment", _TOP_WRAP)
    if not state.issues:
        _text(ws, top + 1, 1, "校验通过：没有发现错误或警告。").font = _FONT
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
        _table_sheet(wb, state, layout, heading, doc.title, draft=doc.draft_mark)
    _results_sheet(wb, state, draft=doc.draft_mark)
    marked = len(wb.worksheets)
    for extra in EXTRA_SHEETS:
        extra(wb, state)
    if doc.draft_mark:  # further sheets are marked too: their content moves down a row for the banner
        for ws in wb.worksheets[marked:]:
            ws.insert_rows(1)
            _draft_banner(ws, 1, max(1, ws.max_column))
    wb.properties.title = d.property_text(doc.title)
    wb.properties.creator = d.property_text(doc.agency) or d.APP_NAME
    wb.properties.lastModifiedBy = d.property_text(doc.agency) or d.APP_NAME
    wb.properties.description = f"由{d.APP_NAME}生成"
    if doc.draft_mark:
        wb.properties.title = d.property_text(f"{doc.title}（{d.DRAFT_MARK}）")
        wb.properties.keywords = d.DRAFT_MARK
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
