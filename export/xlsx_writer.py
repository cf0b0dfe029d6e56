"""The tables as an Excel workbook, laid out like the printed tables, plus the check results.

Numbers are numeric cells holding values (never formulas: programs that do not recalculate would see empty
cells); amounts keep every decimal. Every cell of a merged range gets its border, as Excel draws each cell's
own. User text is always written as text, so "=SUM(A1)" typed by a user never becomes a formula. A unit that
the column's heading does not name (2019's 采购总金额 in 万元) is shown by the number format, so the cell stays a
number. A workbook exported with errors says so as the PDF does: a red banner row above every sheet's content,
and the mark in every printed page's header and footer.

The workbook's XML is written here directly (SpreadsheetML, ECMA-376 part 1 §18) rather than through openpyxl:
importing openpyxl and building its object model took longer than everything else the workbook needs. The parts
and elements are the ones openpyxl wrote for the same workbook (inline strings, the same styles, page setup,
print titles, header and footer, document properties and theme), so the workbook reads back cell for cell as it
did; tests/test_xlsx_txt_output.py and the importers read it with openpyxl and our own reader.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from export import document as d
from export.xml_text import xml_attr
from model.checks import SEVERITY_WORDS
from model.state import ReportState
from model.text_clean import clean_text

SHEET_NAMES = {"s2": "二、主动公开", "s3": "三、依申请公开", "s4": "四、复议诉讼"}
RESULTS_SHEET = "校验结果"
FIRST_ROW = 3  # row 1: the table's title, row 2: the report's title; a draft's banner takes row 3 and the table moves down
THEME_FILE = Path(__file__).resolve().parent.parent / "resources" / "xlsx_theme.xml"  # Office's default theme

# -- styles: each a piece of styles.xml; a cell's style is one of each kind and a number format --------------------
_DEFAULT_FONT = ('<font><name val="Calibri"/><family val="2"/><color theme="1"/><sz val="11"/>'
                 '<scheme val="minor"/></font>')
_HEADING_FONT = '<font><name val="黑体"/><sz val="14"/></font>'
_TITLE_FONT = '<font><name val="仿宋"/><color rgb="00666666"/><sz val="10"/></font>'
_DRAFT_FONT = '<font><name val="黑体"/><b val="1"/><color rgb="00C00000"/><sz val="14"/></font>'
_BOLD = '<font><name val="黑体"/><sz val="11"/></font>'
_FONT = '<font><name val="仿宋"/><sz val="11"/></font>'
_NO_FILL = "<fill><patternFill/></fill>"
_GREY_125 = '<fill><patternFill patternType="gray125"/></fill>'  # the second fill Excel expects in every workbook


def _solid(rgb: str) -> str:
    return f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}"/></patternFill></fill>'


_GREY = _solid("D9D9D9")
_COMPUTED = _solid("EAF1FB")
_DRAFT_FILL = _solid("FDE9E9")
_NO_BORDER = "<border><left/><right/><top/><bottom/><diagonal/></border>"
_THIN = '<color rgb="00000000"/>'
_BORDER = "".join(["<border>", *(f'<{side} style="thin">{_THIN}</{side}>' for side in ("left", "right", "top", "bottom")),
                   "</border>"])
_NO_ALIGN = ""
_ALIGN = {"left": '<alignment horizontal="left" vertical="center" wrapText="1"/>',
          "center": '<alignment horizontal="center" vertical="center" wrapText="1"/>'}
_DRAFT_ALIGN = '<alignment horizontal="center" vertical="center"/>'
_TOP_WRAP = '<alignment vertical="top" wrapText="1"/>'
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2}  # Excel's built-in number formats among those used here

# The characters XML 1.0 cannot hold (openpyxl refused them as well); the layout's texts never carry them.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


@dataclass(frozen=True)
class Style:
    font: str = _DEFAULT_FONT
    fill: str = _NO_FILL
    border: str = _NO_BORDER
    alignment: str = _NO_ALIGN
    number_format: str = "General"

    def but(self, **changes) -> "Style":
        return Style(**{**self.__dict__, **changes})


PLAIN = Style()


@dataclass
class Cell:
    value: object = None  # str (always text), int or float, or None
    style: Style = PLAIN


@dataclass
class Sheet:
    """One worksheet: cells by (row, column) counted from 1, and how it is laid out and printed."""
    title: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    tab_color: str | None = None
    fit_to_page: bool = False
    page_setup: dict[str, str] = field(default_factory=dict)  # pageSetup attributes, in the order written
    margins: tuple[float, ...] = (0.75, 0.75, 1, 1, 0.5, 0.5)  # left, right, top, bottom, header, footer
    print_title_rows: tuple[int, int] | None = None
    marked: bool = False  # the draft mark in every page's header and footer

    def cell(self, row: int, col: int) -> Cell:
        return self.cells.setdefault((row, col), Cell())

    def text(self, row: int, col: int, text: str, style: Style | None = None) -> Cell:
        """User text as text: never a formula, whatever it starts with."""
        cell = self.cell(row, col)
        cell.value = str(text)
        if style is not None:
            cell.style = style
        return cell

    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.merges.append((first_row, first_col, last_row, last_col))
        for r in range(first_row, last_row + 1):  # the covered cells are empty, as in Excel
            for c in range(first_col, last_col + 1):
                if (r, c) != (first_row, first_col) and (r, c) in self.cells:
                    self.cells[(r, c)] = Cell()

    @property
    def max_column(self) -> int:
        return max((c for _, c in self.cells), default=1)

    def move_down(self, rows: int) -> None:
        """Make room above the content (for the draft banner)."""
        self.cells = {(r + rows, c): cell for (r, c), cell in self.cells.items()}
        self.merges = [(a + rows, b, c + rows, e) for a, b, c, e in self.merges]
        self.heights = {r + rows: h for r, h in self.heights.items()}


@dataclass
class Book:
    sheets: list[Sheet] = field(default_factory=list)
    title: str = ""
    creator: str = ""
    last_modified_by: str = ""
    description: str = ""
    keywords: str | None = None

    def add(self, title: str) -> Sheet:
        sheet = Sheet(title)
        self.sheets.append(sheet)
        return sheet


# -- helpers shared with the roll-up and audit workbooks, which build theirs with openpyxl ---------------------------
def _text(ws, row: int, col: int, text: str):
    """An openpyxl worksheet's cell holding text: never a formula, whatever the text starts with."""
    cell = ws.cell(row=row, column=col)
    cell.value = text
    cell.data_type = "s"  # openpyxl's TYPE_STRING
    return cell


def _number(value):
    """A numeric cell value: ints stay ints; a Decimal becomes a float only when that is exact, else text."""
    if isinstance(value, Decimal):
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    return value


# -- the report's sheets -----------------------------------------------------------------------------------------------
def _draft_banner(ws: Sheet, row: int, columns: int) -> None:
    """The draft mark as a merged red row across the sheet's width, and in the printed header and footer."""
    ws.text(row, 1, f"{d.DRAFT_MARK}：报告仍有错误，本表格不是正式文件",
            Style(font=_DRAFT_FONT, fill=_DRAFT_FILL, alignment=_DRAFT_ALIGN))
    if columns > 1:
        ws.merge(row, 1, row, columns)
    ws.heights[row] = 24
    ws.marked = True
    ws.tab_color = "C00000"


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


def _table_sheet(wb: Book, state: ReportState, layout: d.TableLayout, heading: str, title: str,
                 draft: bool = False) -> None:
    ws = wb.add(SHEET_NAMES[layout.section])
    # rows 1 and 2 keep the table's heading and the report's title, where the workbook importer looks for them;
    # the draft banner comes right below, above the table
    first = FIRST_ROW + 1 if draft else FIRST_ROW
    ws.text(1, 1, heading, Style(font=_HEADING_FONT))
    ws.text(2, 1, title, Style(font=_TITLE_FONT))
    if draft:
        _draft_banner(ws, FIRST_ROW, layout.columns)
    headings = _headings_by_column(layout)
    bordered = PLAIN.but(border=_BORDER)
    for r, row in enumerate(layout.rows):
        for c, cell in enumerate(row):
            target = ws.cell(first + r, 1 + c)
            target.style = bordered
            if cell is None:
                continue
            style = bordered
            if cell.is_number and cell.path is not None:
                value = state.value(cell.path)
                if value is None:
                    target.value = None
                elif isinstance(_number(value), str):  # more decimals than a float holds: exact text
                    target.value = cell.text
                else:
                    target.value = _number(value)
                    unit = cell.unit if cell.unit and cell.unit not in headings[r].get(c, "") else None
                    style = style.but(number_format=_number_format(value, unit))
                style = style.but(font=_FONT, fill=_COMPUTED if cell.role == "computed" else _NO_FILL)
            else:
                target.value = "\n".join(cell.text) if cell.vertical else cell.text
                style = style.but(font=_BOLD if cell.role in ("head", "block") else _FONT,
                                  fill=_GREY if cell.role == "block" else _NO_FILL)
            target.style = style.but(alignment=_ALIGN["left" if cell.role == "label" else "center"])
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge(first + r, 1 + c, first + r + cell.rowspan - 1, 1 + c + cell.colspan - 1)
    # borders on every cell of merged ranges (the banner's too)
    for r1, c1, r2, c2 in ws.merges:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                cell = ws.cell(r, c)
                cell.style = cell.style.but(border=_BORDER)
    total = sum(layout.widths)
    full = 150 if layout.columns > 8 else 90
    for i, w in enumerate(layout.widths):
        ws.widths[i + 1] = max(5.0, full * w / total)
    for r, row in enumerate(layout.rows):
        longest = max((len(c.text) for c in row if c is not None and c.rowspan == 1), default=1)
        ws.heights[first + r] = 18 if longest < 14 else 32
    ws.page_setup = {"orientation": "landscape", "paperSize": "9", "fitToHeight": "0", "fitToWidth": "1"}  # 9: A4
    ws.fit_to_page = True
    ws.margins = (0.5, 0.5, 0.6, 0.6, 0.5, 0.5)
    if layout.header_rows:
        ws.print_title_rows = (first, first + layout.header_rows - 1)


def _results_sheet(wb: Book, state: ReportState, draft: bool = False) -> None:
    ws = wb.add(RESULTS_SHEET)
    headers = ["规则", "级别", "部分", "问题", "涉及单元格", "说明"]
    top = 2 if draft else 1  # the draft banner takes the first row
    if draft:
        _draft_banner(ws, 1, len(headers))
    head = Style(font=_BOLD, fill=_GREY, border=_BORDER)
    for c, h in enumerate(headers, 1):
        ws.text(top, c, h, head)
    body = Style(font=_FONT, border=_BORDER, alignment=_TOP_WRAP)
    for r, issue in enumerate(state.issues, top + 1):
        labels = "；".join(state.spec.cells[p].label for p in issue.cells[:8] if p in state.spec.cells)
        if len(issue.cells) > 8:
            labels += f" 等 {len(issue.cells)} 个"
        values = [issue.rule, SEVERITY_WORDS[issue.severity], state.spec.place_name(issue.section),
                  clean_text(issue.message)[0], labels, issue.acknowledged or ""]
        for c, v in enumerate(values, 1):
            ws.text(r, c, v, body)
    if not state.issues:
        ws.text(top + 1, 1, "校验通过：没有发现错误或警告。", Style(font=_FONT))
    for col, width in enumerate((8, 6, 26, 70, 40, 30), 1):
        ws.widths[col] = width
    ws.page_setup = {"orientation": "landscape", "fitToHeight": "0", "fitToWidth": "1"}
    ws.fit_to_page = True


def _comparison_sheet(wb: Book, state: ReportState) -> None:
    """与上年对比: the main figures this year and last year, when last year's report is attached."""
    from model.compare import year_over_year

    rows = year_over_year(state)
    if not rows:
        return
    ws = wb.add("与上年对比")
    head = Style(font=_BOLD, fill=_GREY, border=_BORDER)
    for c, h in enumerate(["项目", f"{state.meta.year}年", f"{state.previous.meta.year}年", "增减", "增减幅度"], 1):
        ws.text(1, c, h, head)
    bordered = PLAIN.but(border=_BORDER)
    for r, row in enumerate(rows, 2):
        ws.text(r, 1, row.label, bordered)
        for c, v in enumerate((row.this_year, row.last_year, row.change), 2):
            ws.cell(r, c).value = _number(v) if v is not None else None
            ws.cell(r, c).style = bordered
        ws.text(r, 5, row.percent, bordered)
    ws.widths[1] = 28
    for col in range(2, 6):
        ws.widths[col] = 14


EXTRA_SHEETS: list = [_comparison_sheet]  # functions (workbook, state) that add further sheets


def render_xlsx(state: ReportState, doc: d.Document) -> bytes:
    wb = Book()
    for layout in (el for el in doc.body if isinstance(el, d.TableLayout)):
        heading = state.spec.section_by_id[layout.section].heading
        _table_sheet(wb, state, layout, heading, doc.title, draft=doc.draft_mark)
    _results_sheet(wb, state, draft=doc.draft_mark)
    marked = len(wb.sheets)
    for extra in EXTRA_SHEETS:
        extra(wb, state)
    if doc.draft_mark:  # further sheets are marked too: their content moves down a row for the banner
        for ws in wb.sheets[marked:]:
            ws.move_down(1)
            _draft_banner(ws, 1, max(1, ws.max_column))
    wb.title = d.property_text(doc.title)
    wb.creator = d.property_text(doc.agency) or d.APP_NAME
    wb.last_modified_by = d.property_text(doc.agency) or d.APP_NAME
    wb.description = f"由{d.APP_NAME}生成"
    if doc.draft_mark:
        wb.title = d.property_text(f"{doc.title}（{d.DRAFT_MARK}）")
        wb.keywords = d.DRAFT_MARK
    return workbook_bytes(wb)


# -- SpreadsheetML -----------------------------------------------------------------------------------------------------
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument."


def _esc(text: str) -> str:
    if _ILLEGAL.search(text):
        raise ValueError("表格文字中有 XML 不能保存的控制字符")
    return xml_attr(text)


def _num(value) -> str:
    return "%.16g" % value  # as openpyxl wrote numbers and dimensions


def _column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Styles:
    """styles.xml: each distinct font, fill, border and number format once, and one cell format per style used."""

    def __init__(self):
        self.fonts = {_DEFAULT_FONT: 0}
        self.fills = {_NO_FILL: 0, _GREY_125: 1}
        self.borders = {_NO_BORDER: 0}
        self.formats: dict[str, int] = {}
        self.xfs: dict[Style, int] = {PLAIN: 0}
        self.xf_xml = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0"/>']

    def id(self, style: Style) -> int:
        number = self.xfs.get(style)
        if number is not None:
            return number
        font = self.fonts.setdefault(style.font, len(self.fonts))
        fill = self.fills.setdefault(style.fill, len(self.fills))
        border = self.borders.setdefault(style.border, len(self.borders))
        fmt = _BUILTIN_FORMATS.get(style.number_format)
        if fmt is None:
            fmt = self.formats.setdefault(style.number_format, 164 + len(self.formats))
        apply = ' applyAlignment="1"' if style.alignment else ""
        head = (f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}"{apply} pivotButton="0" '
                f'quotePrefix="0" xfId="0"')
        self.xf_xml.append(f"{head}>{style.alignment}</xf>" if style.alignment else f"{head}/>")
        number = self.xfs[style] = len(self.xf_xml) - 1
        return number

    def xml(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{n}" formatCode="{_esc(code)}"/>' for code, n in self.formats.items())
        return "".join([
            f'<styleSheet xmlns="{_MAIN}">',
            f'<numFmts count="{len(self.formats)}">{formats}</numFmts>' if self.formats else "",
            f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>',
            f'<fills count="{len(self.fills)}">{"".join(self.fills)}</fills>',
            f'<borders count="{len(self.borders)}">{"".join(self.borders)}</borders>',
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
            f'<cellXfs count="{len(self.xf_xml)}">{"".join(self.xf_xml)}</cellXfs>',
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0"/></cellStyles>',
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>',
            _INDEXED_COLORS,
            "</styleSheet>"])


_INDEXED_COLORS = "<colors><indexedColors>" + "".join(f'<rgbColor rgb="00{rgb}"/>' for rgb in (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF "
    "800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF "
    "000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 "
    "3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 993300 993366 333399 333333"
).split()) + "</indexedColors></colors>"


def _header_footer(mark: str) -> str:
    def part(place: str) -> str:
        return _esc(f'&{place}&"黑体,Bold"&12 &KC00000{mark}')

    return (f"<headerFooter><oddHeader>{part('C')}</oddHeader><oddFooter>{part('L')}</oddFooter>"
            f"<evenHeader>{part('C')}</evenHeader><evenFooter>{part('L')}</evenFooter>"
            "<firstHeader></firstHeader><firstFooter></firstFooter></headerFooter>")


def _sheet_xml(ws: Sheet, styles: _Styles) -> str:
    out = [f'<worksheet xmlns="{_MAIN}"><sheetPr>']
    if ws.tab_color:
        out.append(f'<tabColor rgb="00{ws.tab_color}"/>')
    out.append('<outlinePr summaryBelow="1" summaryRight="1"/>')
    out.append('<pageSetUpPr fitToPage="1"/>' if ws.fit_to_page else "<pageSetUpPr/>")
    out.append("</sheetPr>")
    spots = list(ws.cells) + [(r, c) for r1, c1, r2, c2 in ws.merges for r, c in ((r1, c1), (r2, c2))]
    if spots:
        top, bottom = min(r for r, _ in spots), max(r for r, _ in spots)
        left, right = min(c for _, c in spots), max(c for _, c in spots)
        ref = f"{_column_letter(left)}{top}:{_column_letter(right)}{bottom}"
    else:
        ref = "A1:A1"
    out.append(f'<dimension ref="{ref}"/><sheetViews><sheetView workbookViewId="0"><selection activeCell="A1" '
               'sqref="A1"/></sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>')
    if ws.widths:
        out.append("<cols>")
        out += [f'<col width="{_num(w)}" customWidth="1" min="{c}" max="{c}"/>' for c, w in sorted(ws.widths.items())]
        out.append("</cols>")
    rows: dict[int, list[int]] = {r: [] for r in ws.heights}
    for r, c in ws.cells:
        rows.setdefault(r, []).append(c)
    out.append("<sheetData>")
    for r in sorted(rows):
        height = ws.heights.get(r)
        size = f' ht="{_num(height)}" customHeight="1"' if height is not None else ""
        cells = sorted(rows[r])
        if not cells:
            out.append(f'<row r="{r}"{size}/>')
            continue
        out.append(f'<row r="{r}"{size}>')
        for c in cells:
            cell = ws.cells[(r, c)]
            if cell.value is None and cell.style == PLAIN:
                continue  # a covered cell of a merge, nothing of its own
            ref = f"{_column_letter(c)}{r}"
            s = f' s="{styles.id(cell.style)}"' if cell.style != PLAIN else ""
            value = cell.value
            if value == "":  # an empty text is a text cell without content
                out.append(f'<c r="{ref}"{s} t="inlineStr"></c>')
            elif isinstance(value, str):
                space = ' xml:space="preserve"' if value.strip() and value.strip() != value else ""
                out.append(f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_esc(value)}</t></is></c>')
            elif value is None:
                out.append(f'<c r="{ref}"{s} t="n"></c>')
            else:
                out.append(f'<c r="{ref}"{s} t="n"><v>{_num(value)}</v></c>')
        out.append("</row>")
    out.append("</sheetData>")
    if ws.merges:
        out.append(f'<mergeCells count="{len(ws.merges)}">')
        out += [f'<mergeCell ref="{_column_letter(c1)}{r1}:{_column_letter(c2)}{r2}"/>' for r1, c1, r2, c2 in ws.merges]
        out.append("</mergeCells>")
    left, right, top, bottom, header, footer = map(_num, ws.margins)
    out.append(f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="{header}" '
               f'footer="{footer}"/>')
    if ws.page_setup:
        out.append("<pageSetup " + " ".join(f'{k}="{v}"' for k, v in ws.page_setup.items()) + "/>")
    if ws.marked:
        out.append(_header_footer(d.DRAFT_MARK))
    out.append("</worksheet>")
    return "".join(out)


def _quoted(sheet_title: str) -> str:
    return "'" + sheet_title.replace("'", "''") + "'"


def _workbook_xml(wb: Book) -> str:
    sheets = "".join(f'<sheet xmlns:r="{_REL}" name="{_esc(ws.title)}" sheetId="{i}" state="visible" r:id="rId{i}"/>'
                     for i, ws in enumerate(wb.sheets, 1))
    names = "".join(f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
                    f"{_esc(_quoted(ws.title))}!${ws.print_title_rows[0]}:${ws.print_title_rows[1]}</definedName>"
                    for i, ws in enumerate(wb.sheets) if ws.print_title_rows)
    return (f'<workbook xmlns="{_MAIN}"><workbookPr/><workbookProtection/><bookViews><workbookView visibility="visible" '
            'minimized="0" showHorizontalScroll="1" showVerticalScroll="1" showSheetTabs="1" tabRatio="600" '
            f'firstSheet="0" activeTab="0" autoFilterDateGrouping="1"/></bookViews><sheets>{sheets}</sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')


def _core_xml(wb: Book) -> str:
    dc = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = ('xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:type="dcterms:W3CDTF"')
    parts = ['<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">']
    if wb.creator:
        parts.append(f"<dc:creator {dc}>{_esc(wb.creator)}</dc:creator>")
    if wb.title:
        parts.append(f"<dc:title {dc}>{_esc(wb.title)}</dc:title>")
    if wb.description:
        parts.append(f"<dc:description {dc}>{_esc(wb.description)}</dc:description>")
    parts.append(f"<dcterms:created {stamp}>{when}</dcterms:created><dcterms:modified {stamp}>{when}</dcterms:modified>")
    if wb.last_modified_by:
        parts.append(f"<cp:lastModifiedBy>{_esc(wb.last_modified_by)}</cp:lastModifiedBy>")
    if wb.keywords:
        parts.append(f"<cp:keywords>{_esc(wb.keywords)}</cp:keywords>")
    parts.append("</cp:coreProperties>")
    return "".join(parts)


def workbook_bytes(wb: Book) -> bytes:
    """The .xlsx file of the workbook: its parts in the order and form openpyxl wrote them."""
    styles = _Styles()
    sheets = [_sheet_xml(ws, styles) for ws in wb.sheets]  # first, so that styles.xml lists what they use
    n = len(sheets)
    overrides = [("/xl/styles.xml", _CT + "spreadsheetml.styles+xml"), ("/xl/theme/theme1.xml", _CT + "theme+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", _CT + "extended-properties+xml")]
    overrides += [(f"/xl/worksheets/sheet{i}.xml", _CT + "spreadsheetml.worksheet+xml") for i in range(1, n + 1)]
    overrides.append(("/xl/workbook.xml", _CT + "spreadsheetml.sheet.main+xml"))
    content_types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                     '<Default Extension="xml" ContentType="application/xml"/>'
                     + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>")
    package_rels = (f'<Relationships xmlns="{_PKG_REL}">'
                    f'<Relationship Type="{_REL}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
                    f'<Relationship Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml" Id="rId2"/>'
                    f'<Relationship Type="{_REL}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
                    "</Relationships>")
    workbook_rels = (f'<Relationships xmlns="{_PKG_REL}">'
                     + "".join(f'<Relationship Type="{_REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}"/>'
                               for i in range(1, n + 1))
                     + f'<Relationship Type="{_REL}/styles" Target="styles.xml" Id="rId{n + 1}"/>'
                     + f'<Relationship Type="{_REL}/theme" Target="theme/theme1.xml" Id="rId{n + 2}"/>'
                     + "</Relationships>")
    app = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>Microsoft Excel Compatible / Openpyxl 3.1.5</Application><AppVersion>3.1</AppVersion>"
           "</Properties>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("docProps/app.xml", app)
        zf.writestr("docProps/core.xml", _core_xml(wb))
        zf.writestr("xl/theme/theme1.xml", THEME_FILE.read_bytes())
        for i, xml in enumerate(sheets, 1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        zf.writestr("xl/styles.xml", styles.xml())
        zf.writestr("_rels/.rels", package_rels)
        zf.writestr("xl/workbook.xml", _workbook_xml(wb))
        zf.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        zf.writestr("[Content_Types].xml", content_types)
    return buf.getvalue()
