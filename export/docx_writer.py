"""The report as a real Word document (python-docx).

Named styles carry the fonts (标题 小标宋, 一级标题 黑体, 二级标题 楷体, 正文 仿宋, 表格文字 仿宋), with the East Asian
font set on every style and on docDefaults — python-docx's template names a theme font there that would win
otherwise. Exact 28.95 pt line spacing instead of Word's character grid, which LibreOffice letter-spaces badly.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from export import document as d

FONT_NAMES = {"仿宋": "仿宋_GB2312", "黑体": "黑体", "楷体": "楷体_GB2312", "宋体": "宋体", "小标宋": "方正小标宋简体"}
BODY_PT = 16
LINE_PT = 28.95
TABLE_PT = 10.5


def _set_east_asian(rpr_parent, font: str, size: float | None = None) -> None:
    """Set ascii, hAnsi and eastAsia fonts on a style's or run's rPr, replacing any theme font reference."""
    rpr = rpr_parent.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        # rPr comes first in a run and after pPr in a style
        ppr = rpr_parent.find(qn("w:pPr"))
        if ppr is not None:
            ppr.addnext(rpr)
        elif rpr_parent.tag == qn("w:r"):
            rpr_parent.insert(0, rpr)
        else:
            rpr_parent.append(rpr)
    old = rpr.find(qn("w:rFonts"))
    if old is not None:
        rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    rpr.insert(0, fonts)
    # schema order matters to Word: sz and szCs come before lang, which stays last
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                lang.addprevious(el)
            el.set(qn("w:val"), str(int(size * 2)))


def _styles(doc) -> dict:
    styles = doc.styles
    # docDefaults: the East Asian font of everything not styled otherwise
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    _set_east_asian(rpr_default, FONT_NAMES["仿宋"], BODY_PT)

    def make(name: str, font: str, size: float, align=None, indent: bool = True, bold: bool = False,
             exact: bool = True):
        try:
            style = styles[name]
        except KeyError:
            style = styles.add_style(name, 1)
        style.base_style = None
        _set_east_asian(style.element, font, size)
        style.font.size = Pt(size)
        style.font.bold = bold
        pf = style.paragraph_format
        if exact:
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(LINE_PT)
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.first_line_indent = Pt(2 * size) if indent else Pt(0)
        if align is not None:
            pf.alignment = align
        return style

    return {
        "title": make("标题", FONT_NAMES["小标宋"], 22, WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False),
        "h1": make("一级标题", FONT_NAMES["黑体"], BODY_PT),
        "h2": make("二级标题", FONT_NAMES["楷体"], BODY_PT),
        "body": make("正文", FONT_NAMES["仿宋"], BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "caption": make("图片说明", FONT_NAMES["楷体"], 14, WD_ALIGN_PARAGRAPH.CENTER, indent=False),
        "cell": make("表格文字", FONT_NAMES["仿宋"], TABLE_PT, WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False),
        "closing": make("落款", FONT_NAMES["仿宋"], BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT, indent=False),
    }


def _page_number_footer(paragraph, align) -> None:
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(0)
    run = paragraph.add_run("— ")

    def field(instr: str):
        r = paragraph.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = instr
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        r._r.append(begin)
        r._r.append(text)
        r._r.append(end)
        return r

    field(" PAGE ")
    paragraph.add_run(" —")
    for r in paragraph.runs:
        _set_east_asian(r._r, FONT_NAMES["宋体"], 14)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    del run


def _page_setup(doc, mark: bool) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Pt(14)
    section.header_distance = Mm(15)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    if mark:
        for header in (section.header, section.even_page_header):
            p = header.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(d.DRAFT_MARK)
            run.font.color.rgb = RGBColor(0xC0, 0, 0)
            run.font.bold = True
            _set_east_asian(run._r, FONT_NAMES["黑体"], 14)


def _cell_margins(table) -> None:
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "40")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(mar)  # tblCellMar precedes tblLook in the schema
    else:
        tbl_pr.append(mar)


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    # shd precedes noWrap, tcMar, textDirection, tcFitText, vAlign and hideMark in the schema
    later = [tc_pr.find(qn(t)) for t in ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")]
    later = [el for el in later if el is not None]
    if later:
        later[0].addprevious(shd)
    else:
        tc_pr.append(shd)


def _table(doc, layout: d.TableLayout, styles: dict) -> None:
    nrows, ncols = len(layout.rows), layout.columns
    table = doc.add_table(rows=nrows, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _cell_margins(table)
    total = sum(layout.widths)
    widths = [Mm(156 * w / total) for w in layout.widths]
    for i, col in enumerate(table.columns):
        col.width = widths[i]  # gridCol, read by LibreOffice
    grid = [row.cells for row in table.rows]  # built once: table.cell() rebuilds the cell list on every call
    for r in range(nrows):
        for c in range(ncols):
            grid[r][c].width = widths[c]  # tcW, read by Word
    size = TABLE_PT * layout.font_scale
    # merge first, then fill
    for r, c, cell in layout.cells():
        if cell.rowspan > 1 or cell.colspan > 1:
            grid[r][c].merge(grid[r + cell.rowspan - 1][c + cell.colspan - 1])
    cell_style_id = styles["cell"].style_id
    for r, c, cell in layout.cells():
        target = grid[r][c]
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = target.paragraphs[0]
        p._p.style = cell_style_id  # by id: python-docx's style lookup rescans every style for each cell
        if cell.role == "label":
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        text = "\n".join(cell.text) if cell.vertical else cell.text
        run = p.add_run(text)
        run.font.size = Pt(size * (0.9 if cell.role == "note" else 1))
        if cell.role in ("head", "block"):
            _set_east_asian(run._r, FONT_NAMES["黑体"], size)
        if cell.role == "block":
            _shade(target, "D9D9D9")
    # header rows repeat when the table breaks across pages; no row splits across pages
    for r, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        tr_pr.append(cant)
        if r < layout.header_rows:
            hdr = OxmlElement("w:tblHeader")
            tr_pr.append(hdr)


def render_docx(doc_layout: d.Document) -> bytes:
    doc = new_docx()
    styles = _styles(doc)
    _page_setup(doc, doc_layout.draft_mark)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._p.getparent().remove(body._p)
    doc.add_paragraph(doc_layout.title, style=styles["title"])
    doc.add_paragraph("", style=styles["body"])
    for el in doc_layout.body:
        if isinstance(el, d.Heading):
            p = doc.add_paragraph(el.text, style=styles["h1" if el.level == 1 else "h2"])
            p.paragraph_format.keep_with_next = True
        elif isinstance(el, d.Paragraph):
            doc.add_paragraph(el.text, style=styles["body"])
        elif isinstance(el, d.Figure):
            if el.image:
                try:
                    p = doc.add_paragraph(style=styles["caption"])
                    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                    p.add_run().add_picture(io.BytesIO(el.image), width=Mm(120))
                    p.paragraph_format.keep_with_next = True
                except Exception:  # an unreadable picture must not stop the report: keep its caption
                    pass
            if el.caption:
                doc.add_paragraph(el.caption, style=styles["caption"])
        elif isinstance(el, d.TableLayout):
            _table(doc, el, styles)
            doc.add_paragraph("", style=styles["body"])
    doc.add_paragraph("", style=styles["body"])
    for line in (doc_layout.agency, doc_layout.date_text):
        if line:
            p = doc.add_paragraph(line, style=styles["closing"])
            p.paragraph_format.right_indent = Pt(2 * BODY_PT)
    doc.core_properties.title = doc_layout.title
    doc.core_properties.author = doc_layout.agency
    doc.core_properties.language = "zh-CN"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

