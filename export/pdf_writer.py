"""The print-ready PDF in GB/T 9704 style (reportlab).

A4; text block 156 × 225 mm at 28 mm from the left and 37 mm from the top; body 仿宋 15.75 pt (28 characters a
line) with 22 lines a page; title 22 pt 小标宋; 一、 heads 黑体; （一） heads 楷体; page numbers "— N —" 14 pt 宋体,
7 mm below the text block, odd pages right and even pages left, one character in. Fonts are embedded as subsets.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (BaseDocTemplate, Frame, Image, KeepTogether, PageTemplate, Paragraph, Spacer,
                                Table, TableStyle)

from export import document as d
from export.fonts import FontSet, find_fonts, markup

LEFT, TOP, WIDTH, HEIGHT = 28 * mm, 37 * mm, 156 * mm, 225 * mm
BOTTOM = A4[1] - TOP - HEIGHT
BODY_SIZE = 15.75  # 28 characters in 156 mm
LEADING = HEIGHT / 22  # 22 lines a page
TITLE_SIZE = 22
PAGE_NO_SIZE = 14
TABLE_SIZE = 10.5  # 5号


class _Styles:
    def __init__(self, fonts: FontSet):
        r = fonts.roles
        self.fonts = fonts
        self.title = ParagraphStyle("title", fontName=r["小标宋"].name, fontSize=TITLE_SIZE, leading=TITLE_SIZE * 1.5,
                                    alignment=TA_CENTER, wordWrap="CJK", spaceAfter=LEADING * 0.5)
        self.h1 = ParagraphStyle("h1", fontName=r["黑体"].name, fontSize=BODY_SIZE, leading=LEADING,
                                 firstLineIndent=2 * BODY_SIZE, wordWrap="CJK", keepWithNext=1)
        self.h2 = ParagraphStyle("h2", parent=self.h1, fontName=r["楷体"].name)
        self.body = ParagraphStyle("body", fontName=r["仿宋"].name, fontSize=BODY_SIZE, leading=LEADING,
                                   firstLineIndent=2 * BODY_SIZE, alignment=TA_JUSTIFY, wordWrap="CJK")
        self.caption = ParagraphStyle("caption", parent=self.body, firstLineIndent=0, alignment=TA_CENTER,
                                      fontName=r["楷体"].name, fontSize=14, leading=LEADING * 0.9)
        self.right = ParagraphStyle("right", parent=self.body, firstLineIndent=0, alignment=TA_RIGHT)

    def cell(self, size: float, bold: bool = False) -> ParagraphStyle:
        r = self.fonts.roles
        return ParagraphStyle(f"cell{size}{bold}", fontName=(r["黑体"] if bold else r["仿宋"]).name, fontSize=size,
                              leading=size * 1.25, alignment=TA_CENTER, wordWrap="CJK")


def _p(text: str, style: ParagraphStyle, role: str, fonts: FontSet) -> Paragraph:
    font = next((f for f in fonts.roles.values() if f.name == style.fontName), fonts.roles[role])
    return Paragraph(markup(text, font, fonts), style)


def _table(layout: d.TableLayout, styles: _Styles) -> Table:
    fonts = styles.fonts
    size = TABLE_SIZE * layout.font_scale
    body_style = styles.cell(size)
    head_style = styles.cell(size, bold=True)
    label_style = ParagraphStyle("label", parent=body_style, alignment=0)
    data = []
    commands = [("FONTNAME", (0, 0), (-1, -1), fonts.roles["仿宋"].name),  # covered cells too: no base-14 font
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    for r, row in enumerate(layout.rows):
        line = []
        for c, cell in enumerate(row):
            if cell is None:
                line.append("")
                continue
            text = "\n".join(cell.text) if cell.vertical else cell.text
            if cell.role in ("head", "block", "group"):
                style = head_style if cell.role != "group" else body_style
            elif cell.role == "label":
                style = label_style
            elif cell.role == "note":
                style = ParagraphStyle("note", parent=body_style, fontSize=size * 0.9, leading=size * 1.15)
            else:
                style = body_style
            line.append(_p(text, style, "仿宋", fonts))
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            if cell.role == "block":
                commands.append(("BACKGROUND", (c, r), (c + cell.colspan - 1, r), colors.Color(0.85, 0.85, 0.85)))
        data.append(line)
    total = sum(layout.widths)
    widths = [WIDTH * w / total for w in layout.widths]
    table = Table(data, colWidths=widths, repeatRows=layout.header_rows, splitByRow=1, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table


def _figure(fig: d.Figure, styles: _Styles) -> list:
    parts = []
    if fig.image:
        try:
            reader = ImageReader(io.BytesIO(fig.image))
            w, h = reader.getSize()
            scale = min(WIDTH / w, (HEIGHT * 0.6) / h, 1.0 if w < WIDTH else WIDTH / w)
            parts.append(Image(io.BytesIO(fig.image), width=w * scale, height=h * scale))
        except Exception:  # a broken picture must not stop the report: print its caption only
            parts = []
    if fig.caption:
        parts.append(_p(fig.caption, styles.caption, "楷体", styles.fonts))
    return [KeepTogether(parts)] if parts else []


def _story(doc: d.Document, styles: _Styles) -> list:
    fonts = styles.fonts
    story: list = [_p(doc.title, styles.title, "小标宋", fonts), Spacer(1, LEADING * 0.5)]
    for i, el in enumerate(doc.body):
        if isinstance(el, d.Heading):
            style, role = (styles.h1, "黑体") if el.level == 1 else (styles.h2, "楷体")
            heading = _p(el.text, style, role, fonts)
            if i + 1 < len(doc.body) and isinstance(doc.body[i + 1], d.TableLayout):
                # a section heading travels with its table
                story.append(KeepTogether([heading, Spacer(1, LEADING * 0.25), _table(doc.body[i + 1], styles)]))
                story.append(Spacer(1, LEADING * 0.5))
                continue
            story.append(heading)
        elif isinstance(el, d.Paragraph):
            story.append(_p(el.text, styles.body, "仿宋", fonts))
        elif isinstance(el, d.Figure):
            story.extend(_figure(el, styles))
        elif isinstance(el, d.TableLayout):
            if i > 0 and isinstance(doc.body[i - 1], d.Heading):
                continue  # already placed with its heading
            # A table that fits on a page is kept whole: the spanning group labels of 三 cannot be split anyway.
            story.append(KeepTogether([Spacer(1, LEADING * 0.25), _table(el, styles)]))
            story.append(Spacer(1, LEADING * 0.5))
    story.append(Spacer(1, LEADING))
    closing = ParagraphStyle("closing", parent=styles.right, rightIndent=2 * BODY_SIZE)
    if doc.agency:
        story.append(_p(doc.agency, closing, "仿宋", fonts))
    if doc.date_text:
        story.append(_p(doc.date_text, closing, "仿宋", fonts))
    return story


def _page_decor(doc: d.Document, fonts: FontSet):
    song = fonts.roles["宋体"].name

    def draw(canvas, template):
        n = canvas.getPageNumber()
        text = f"— {n} —"
        canvas.saveState()
        canvas.setFont(song, PAGE_NO_SIZE)
        y = BOTTOM - 7 * mm - PAGE_NO_SIZE
        if n % 2:
            canvas.drawRightString(LEFT + WIDTH - PAGE_NO_SIZE, y, text)
        else:
            canvas.drawString(LEFT + PAGE_NO_SIZE, y, text)
        if doc.draft_mark:
            canvas.setFillColor(colors.red)
            canvas.setFont(fonts.roles["黑体"].name, 14)
            canvas.drawCentredString(A4[0] / 2, A4[1] - TOP / 2, d.DRAFT_MARK)
            canvas.setFillColor(colors.Color(1, 0, 0, alpha=0.12))
            canvas.setFont(fonts.roles["黑体"].name, 60)
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, d.DRAFT_MARK)
        canvas.restoreState()

    return draw


def render_pdf(doc: d.Document, fonts: FontSet | None = None) -> bytes:
    fonts = fonts or find_fonts()
    styles = _Styles(fonts)
    buf = io.BytesIO()
    # The initial font is our body font, so that no unembedded base-14 font ends up in the file.
    template = BaseDocTemplate(buf, pagesize=A4, leftMargin=LEFT, rightMargin=A4[0] - LEFT - WIDTH, topMargin=TOP,
                               bottomMargin=BOTTOM, title=doc.title, author=doc.agency, creator="政务公开年报助手",
                               lang="zh-CN", initialFontName=fonts.roles["仿宋"].name, initialFontSize=BODY_SIZE)
    frame = Frame(LEFT, BOTTOM, WIDTH, HEIGHT, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_page_decor(doc, fonts))])
    template.build(_story(doc, styles))
    return buf.getvalue()


def pdf_bytes(state, *, allow_errors: bool = True) -> bytes:
    """The PDF of a state, as the preview and the printer show it; marked as a draft while errors remain."""
    doc = d.build_document(state, draft_mark=bool(state.errors()))
    return render_pdf(doc)
