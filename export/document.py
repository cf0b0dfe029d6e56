"""One neutral layout of the report, built once from the state; every writer renders this and nothing else.

Order, numbering, labels, number formatting and cell spans are decided here, so the PDF, DOCX, XLSX and text
outputs cannot drift apart. Tables are full grids: a merged cell sits at its top-left position with its spans,
and the positions it covers hold None.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from model.text_clean import clean_text

if TYPE_CHECKING:  # the model is imported where a layout is built, not where one is only rendered (the PDF process)
    from model.spec import Table
    from model.state import ReportState

DRAFT_MARK = "草稿（未通过校验）"
# Longest value of a document property (title, author) that every format accepts.
PROPERTY_MAX_CHARS = 255
APP_NAME = "政务公开年报助手"  # named in the documents' properties as the program that made them


@dataclass
class Cell:
    text: str
    role: str  # "head" | "label" | "group" | "value" | "computed" | "block" | "note"
    rowspan: int = 1
    colspan: int = 1
    path: str | None = None  # the model cell a value comes from
    vertical: bool = False  # printed one character a line, as the official table does
    unit: str | None = None  # a value's unit (万元 …), for writers that show it apart from the number;
    # on a column's head cell: the unit of its values that its label does not name (2019's 采购总金额)

    @property
    def is_number(self) -> bool:
        return self.role in ("value", "computed")

    @property
    def printed_text(self) -> str:
        """The text a printed table (PDF, Word) shows: a head cell names its values' unit, as 2021's
        “本年收费金额（单位：万元）” does in the format itself; the text and Excel exports say it in their own way
        (a labelled line, a number format) from the same unit."""
        if self.role == "head" and self.unit:
            return f"{self.text}（单位：{self.unit}）"
        return self.text


@dataclass
class TableLayout:
    section: str
    columns: int
    widths: list[float]  # relative column widths
    header_rows: int  # rows repeated when the table breaks across pages
    rows: list[list[Cell | None]]
    font_scale: float = 1.0  # wide tables print smaller
    value_labels: list[str] = field(default_factory=list)  # the value columns' labels, for flat renderings

    def cells(self):
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if cell is not None:
                    yield r, c, cell


@dataclass
class Heading:
    level: int  # 1 = 一、 section heading; 2 = （一） sub-head
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Figure:
    caption: str
    image: bytes | None = None


@dataclass
class Document:
    title: str
    agency: str
    date_text: str
    body: list = field(default_factory=list)  # Heading | Paragraph | Figure | TableLayout
    draft_mark: bool = False
    notes: list[str] = field(default_factory=list)  # what the layout changed in the text, for the export notes

    def all_text(self) -> str:
        """Every character the document prints, for font coverage checks."""
        parts = [self.title, self.agency, self.date_text, DRAFT_MARK]
        for el in self.body:
            if isinstance(el, (Heading, Paragraph)):
                parts.append(el.text)
            elif isinstance(el, Figure):
                parts.append(el.caption)
            elif isinstance(el, TableLayout):
                parts.extend(cell.printed_text for _, _, cell in el.cells())
        return "".join(parts)


def build_document(state: ReportState, *, draft_mark: bool = False) -> Document:
    from model.rules_builtin import format_date

    meta = state.meta
    date_text = format_date(meta.publication_date) if meta.publication_date else ""
    doc = Document(state.title(), meta.agency, date_text, draft_mark=draft_mark)
    doc.body.extend(_blocks(state, "preamble"))
    for section in state.spec.sections:
        doc.body.append(Heading(1, section.heading))
        if section.kind == "narrative":
            doc.body.extend(_blocks(state, section.id))
        else:
            doc.body.append(build_table(state, state.spec.tables[section.table]))
    _clean_all_text(doc)
    return doc


def property_text(text: str) -> str:
    """A document property's value within what the formats allow: Word (and python-docx) refuse core
    properties over 255 characters, so a longer title or agency is cut there, ending in “…”."""
    return text if len(text) <= PROPERTY_MAX_CHARS else text[: PROPERTY_MAX_CHARS - 1] + "…"


def _clean_all_text(doc: Document) -> None:
    """The one sanitising step before any writer: every text the document prints goes through clean_text, so
    no writer meets a control character or non-character (which DOCX and XLSX cannot store and a TXT should
    not carry); every change is named, with its place, in doc.notes."""
    changes: dict[str, list[str]] = {}  # Chinese description of a change → places it was made

    def clean(text: str, where: str) -> str:
        cleaned, notes = clean_text(text)
        for note in notes:
            changes.setdefault(note, []).append(where)
        return cleaned

    doc.title = clean(doc.title, "标题")
    # the closing prints them as lines of their own: what was only blanks or control characters prints nothing
    doc.agency = clean(doc.agency, "机关名称").strip()
    doc.date_text = clean(doc.date_text, "落款日期").strip()
    section, paragraph = "正文开头", 0
    body = []
    for el in doc.body:
        if isinstance(el, Heading):
            el.text = clean(el.text, "章节标题" if el.level == 1 else f"{section}的小标题").strip()
            if el.level == 1:
                section, paragraph = el.text, 0
            if not el.text:
                continue
        elif isinstance(el, Paragraph):
            paragraph += 1
            el.text = clean(el.text, f"{section}第 {paragraph} 段").strip()
            if not el.text:
                continue
        elif isinstance(el, Figure):
            el.caption = clean(el.caption, f"{section}的图片说明").strip()
        elif isinstance(el, TableLayout):
            for _, _, cell in el.cells():
                cell.text = clean(cell.text, f"{section}的表格")
                if cell.role == "head" and cell.unit:  # a unit the draft names is printed in the head
                    cell.unit = clean(cell.unit, f"{section}的表格").strip() or None
        body.append(el)
    doc.body = body
    for note, places in changes.items():
        doc.notes.append(f"{'、'.join(dict.fromkeys(places))}：{note}。")
    for what, text in (("标题", doc.title), ("机关名称", doc.agency)):
        if len(text) > PROPERTY_MAX_CHARS:
            doc.notes.append(f"{what}有 {len(text)} 个字符，Word 和 Excel 文件属性中只保留前 {PROPERTY_MAX_CHARS - 1} 个字符"
                             "（正文中完整）。")


def _blocks(state: ReportState, section_id: str) -> list:
    out = []
    for block in state.blocks(section_id):
        if block.type == "heading":
            if block.text.strip():
                out.append(Heading(2, block.text.strip()))
        elif block.type == "paragraph":
            if block.text.strip():
                out.append(Paragraph(block.text.strip()))
        else:
            image = None
            if block.image:
                try:
                    image = base64.b64decode(block.image, validate=False)
                except (ValueError, TypeError):
                    image = None
            out.append(Figure(block.caption.strip(), image))
    return out


def value_text(state: ReportState, path: str) -> str:
    """A cell's printed text: the number exactly, with its unit where it is not the column's own."""
    from model.values import format_value

    value = state.value(path)
    text = format_value(value)
    unit = state.unit(path)
    if text and unit and unit != state.spec.cells[path].column.unit:
        text += unit
    return text


def _value_cell(state: ReportState, path: str, colspan: int = 1) -> Cell:
    role = "computed" if state.is_computed(path) else "value"
    return Cell(value_text(state, path), role, colspan=colspan, path=path, unit=state.unit(path))


def build_table(state: ReportState, table: Table) -> TableLayout:
    if table.layout == "stacked_blocks":
        return _stacked_blocks(state, table)
    if table.layout == "application_grid":
        return _application_grid(state, table)
    return _blocks_in_one_row(state, table)


def _stacked_blocks(state: ReportState, table: Table) -> TableLayout:
    width = 1 + (table.value_columns or 3)
    rows: list[list[Cell | None]] = []
    for block in table.blocks:
        rows.append(_row_with_spans(width, [Cell(block.title or "", "block", colspan=width)]))
        head = [Cell(block.header_label or "信息内容", "head")]
        body = []
        for row in block.rows:
            cells = [Cell(row.label, "label")]
            cells += [_value_cell(state, f"{table.id}.{row.id}.{col.id}", col.span) for col in block.columns]
            body.append(cells)
        for k, col in enumerate(block.columns):
            head.append(Cell(col.label, "head", colspan=col.span, unit=_unit_to_name(col.label, [r[k + 1] for r in body])))
        rows.append(_row_with_spans(width, head))
        rows.extend(_row_with_spans(width, cells) for cells in body)
    return TableLayout(table.id, width, [2.2, 1.6, 1.6, 1.6], 0, rows)


def _unit_to_name(label: str, cells: list[Cell]) -> str | None:
    """The unit a column's head must name: its values' one unit, when neither the label nor the values' own text
    says it (a value in another unit than the column's prints it after the number)."""
    units = {c.unit for c in cells}
    unit = units.pop() if len(units) == 1 else None
    if unit and unit not in label and not any(c.text.endswith(unit) for c in cells):
        return unit
    return None


def _row_with_spans(width: int, cells: list[Cell]) -> list[Cell | None]:
    row: list[Cell | None] = []
    for cell in cells:
        row.append(cell)
        row.extend([None] * (cell.colspan - 1))
    assert len(row) == width
    return row


def _place_headers(table: Table, width: int) -> list[list[Cell | None]]:
    """Lay header cells into a grid the way HTML tables do: each cell takes the next free position."""
    grid: list[list[Cell | None]] = [[None] * width for _ in table.header_rows]
    taken = [[False] * width for _ in table.header_rows]
    for r, header_row in enumerate(table.header_rows):
        c = 0
        for hc in header_row:
            while taken[r][c]:
                c += 1
            role = "note" if hc.rowspan > 1 and hc.colspan > 1 else "head"
            grid[r][c] = Cell(hc.text, role, rowspan=hc.rowspan, colspan=hc.colspan)
            for dr in range(hc.rowspan):
                for dc in range(hc.colspan):
                    taken[r + dr][c + dc] = True
            c += hc.colspan
    return grid


def _application_grid(state: ReportState, table: Table) -> TableLayout:
    block = table.blocks[0]
    label_cols = table.label_columns or 3
    width = label_cols + len(block.columns)
    rows = _place_headers(table, width)
    groups = {g.id: g for g in table.groups}

    def chain(group_id: str | None) -> list[str]:
        out = []
        while group_id is not None:
            out.insert(0, group_id)
            group_id = groups[group_id].parent
        return out

    chains = [chain(r.group) for r in block.rows]
    for i, row in enumerate(block.rows):
        line: list[Cell | None] = [None] * width
        for level, gid in enumerate(chains[i]):
            if i == 0 or len(chains[i - 1]) <= level or chains[i - 1][level] != gid:
                run = 1
                while i + run < len(block.rows) and len(chains[i + run]) > level and chains[i + run][level] == gid:
                    run += 1
                line[level] = Cell(groups[gid].label, "group", rowspan=run, vertical=(level == 0))
        depth = len(chains[i])
        line[depth] = Cell(row.label, "label", colspan=label_cols - depth)
        for j, col in enumerate(block.columns):
            line[label_cols + j] = _value_cell(state, f"{table.id}.{row.id}.{col.id}")
        rows.append(line)
    widths = [0.55, 1.05, 3.4] + [1.0] * len(block.columns)
    return TableLayout(table.id, width, widths, len(table.header_rows), rows, font_scale=0.9,
                       value_labels=[c.label for c in block.columns])


def _blocks_in_one_row(state: ReportState, table: Table) -> TableLayout:
    block = table.blocks[0]
    width = len(block.rows) * len(block.columns)
    rows = _place_headers(table, width)
    line: list[Cell | None] = []
    for row in block.rows:
        for col in block.columns:
            line.append(_value_cell(state, f"{table.id}.{row.id}.{col.id}"))
    rows.append(line)
    return TableLayout(table.id, width, [1.0] * width, len(table.header_rows), rows, font_scale=0.85,
                       value_labels=[c.label for c in block.columns])
