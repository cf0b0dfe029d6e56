"""The print-ready PDF in GB/T 9704 style (reportlab).

A4; text block 156 × 225 mm at 28 mm from the left and 37 mm from the top; body 仿宋 15.75 pt (28 characters a
line) with 22 lines a page; title 22 pt 小标宋; 一、 heads 黑体; （一） heads 楷体; page numbers "— N —" 14 pt 宋体,
7 mm below the text block, odd pages right and even pages left, one character in. Fonts are embedded as subsets.

Text is set line by line by export.linebreak (Chinese line-breaking rules, every line but a paragraph's last
justified to the block) and drawn by TextBlock, which splits between lines for page breaking: a heading keeps the
first two lines of what follows, no paragraph leaves a single line at a page's foot or head, a picture that does
not fit the rest of a page lets the paragraphs after it (up to the next heading) fill it first, and the closing
agency and date stay with the last lines, table rows or picture of the report.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass

from export.reportlab_import import import_platypus  # first: see that module

import_platypus()  # before the platypus imports below

from reportlab import rl_config  # noqa: E402
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, Image, KeepTogether, PageTemplate,
                                Spacer, Table, TableStyle)
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import _listWrapOn

from export import document as d
from export.fonts import FontSet, RegisteredFont, find_fonts
from export.linebreak import Line, break_lines, break_title, title_breaks
from export.render_lock import REPORTLAB_LOCK
from export.table_widths import fit_column_widths

LEFT, TOP, WIDTH, HEIGHT = 28 * mm, 37 * mm, 156 * mm, 225 * mm
BOTTOM = A4[1] - TOP - HEIGHT
BODY_SIZE = 15.75  # 28 characters in 156 mm
LEADING = HEIGHT / 22  # 22 lines a page
TITLE_SIZE = 22
TITLE_LEADING = TITLE_SIZE * 1.5
PAGE_NO_SIZE = 14
TABLE_SIZE = 10.5  # 5号
TABLE_MIN_SIZE = 6.5  # a table's font steps down to this at most, so that every number stays on one line
CELL_PAD = 2
PICTURE_DPI = 96  # a picture is never printed larger than its natural size at this resolution
ORPHANS = WIDOWS = 2  # lines a paragraph keeps together at a page's foot and head

# Streams (page contents, font subsets, pictures) are compressed binary, not also ASCII85-encoded: the encoding
# is pure Python and cost most of a long report's time, and only served 7-bit channels a PDF file never goes through.
rl_config.useA85 = 0

_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_utf16(fontname, subset):
    """reportlab's ToUnicode map writes every code point as hex digits, so a character beyond U+FFFF (emoji,
    CJK Extension B) is copied and searched as another character; PDF wants it as UTF-16BE (a surrogate pair)."""
    return re.sub(r"<([0-9A-F]{2})> <([0-9A-F]{5,6})>",
                  lambda m: f"<{m[1]}> <{chr(int(m[2], 16)).encode('utf-16-be').hex().upper()}>",
                  _reportlab_to_unicode(fontname, subset))


ttfonts.makeToUnicodeCMap = _to_unicode_utf16


class _Face:
    """One role's font at one size: character widths, and which registered font draws each character."""

    def __init__(self, font: RegisteredFont, size: float, fonts: FontSet):
        self.font, self.size, self.fonts = font, size, fonts
        self._name: dict[str, str | None] = {}
        self._width: dict[str, float] = {}

    def name_of(self, ch: str) -> str | None:
        """The font that draws the character; None when no installed font has it (the export notes say so)."""
        if ch not in self._name:
            use: RegisteredFont | None = self.font
            if not (self.font.has(ch) or ch.isspace()):
                use = self.fonts.fallback_for(ch)
            self._name[ch] = use.name if use else None
        return self._name[ch]

    def width(self, ch: str) -> float:
        w = self._width.get(ch)
        if w is None:
            name = self.name_of(ch)
            # a character no font has keeps a one-character blank, rather than a box that breaks text extraction
            w = self._width[ch] = stringWidth(ch, name, self.size) if name else self.size
        return w

    def text_width(self, text: str) -> float:
        return sum(self.width(ch) for ch in text)


@dataclass
class _Row:
    """One printed line: (x, font name, size, text, character spacing) runs, its height and whether a page may
    break after it."""
    runs: list[tuple[float, str, float, str, float]]
    height: float
    size: float
    keep_with_next: bool = False


def _row(line: Line, face: _Face, height: float, x0: float = 0.0) -> _Row:
    """Glyphs placed where the line breaker put them, drawn as few runs as possible: consecutive glyphs of one font
    with equal spacing share a run whose character spacing is that gap (the justification)."""
    glyphs = []  # (x, font name, character)
    for piece in line.pieces:
        x = x0 + piece.x
        for ch in piece.text:
            glyphs.append((x, face.name_of(ch), ch))
            x += face.width(ch)
    runs: list[tuple[float, str, float, str, float]] = []
    run_width = 0.0  # the last run's characters' widths added in order, as sum() over its text adds them
    for x, name, ch in glyphs:
        if runs and name and runs[-1][1] == name:
            rx, _, size, text, space = runs[-1]
            gap = x - (rx + run_width + space * (len(text) - 1))
            if len(text) == 1:
                space = gap
            if abs(gap - space) < 1e-6:
                runs[-1] = (rx, name, size, text + ch, space)
                run_width += face.width(ch)
                continue
        runs.append((x, name or "", face.size, ch, 0.0))
        run_width = face.width(ch)
    return _Row(runs, height, face.size)


class TextBlock(Flowable):
    """Lines set by export.linebreak, drawn glyph run by glyph run; splits only where a row allows it."""

    under_heading = False  # starts with its heading's rows: no picture floats past a heading

    def __init__(self, rows: list[_Row]):
        super().__init__()
        self.rows = rows
        self.height_ = sum(r.height for r in rows)

    def wrap(self, availWidth, availHeight):
        return WIDTH, self.height_

    def split(self, availWidth, availHeight):
        used, cut, fits = 0.0, 0, 0
        for k, row in enumerate(self.rows):
            used += row.height
            if used > availHeight + 1e-6:
                break
            fits = k + 1
            if not row.keep_with_next:
                cut = k + 1
        if cut == 0 and self.height_ > HEIGHT:
            cut = fits  # rows kept together that no page can hold (a title of hundreds of lines): cut at the foot
        if cut == 0 or cut >= len(self.rows):
            return []
        return [TextBlock(self.rows[:cut]), TextBlock(self.rows[cut:])]

    def draw(self):
        canvas = self.canv
        top = self.height_
        text = canvas.beginText()
        current, char_space = None, 0.0
        for row in self.rows:
            # the baseline sits where a Paragraph with this leading would put it, centred in the line's height
            baseline = top - row.height / 2 - row.size * 0.35
            for x, name, size, s, space in row.runs:
                if not name:
                    continue  # no font has it: a blank, named in the export notes
                if (name, size) != current:
                    text.setFont(name, size)
                    current = (name, size)
                if space != char_space:
                    text.setCharSpace(space)
                    char_space = space
                text.setTextOrigin(x, baseline)
                text.textOut(s)
            top -= row.height
        canvas.drawText(text)


class CellText(TextBlock):
    """A table cell's text, broken by the same rules at whatever width the column gives it; lines of a label are
    justified, centred cells are centred line by line."""

    def __init__(self, text: str, face: _Face, centred: bool):
        super().__init__([])
        self.text, self.face, self.centred = text, face, centred
        self._width = None

    def wrap(self, availWidth, availHeight):
        if self._width != availWidth:
            self._width = availWidth
            rows = []
            leading = self.face.size * 1.25
            for part in self.text.split("\n"):
                lines = break_lines(part, self.face.width, max(availWidth, self.face.size), justify=not self.centred)
                for line in lines:
                    x0 = (availWidth - line.natural) / 2 if self.centred and not line.justified else 0.0
                    rows.append(_row(line, self.face, leading, max(0.0, x0)))
            self.rows = rows
            self.height_ = sum(r.height for r in rows)
        return availWidth, self.height_

    def split(self, availWidth, availHeight):
        return []


class _Setter:
    def __init__(self, fonts: FontSet):
        r = fonts.roles
        self.fonts = fonts
        self.body = _Face(r["仿宋"], BODY_SIZE, fonts)
        self.h1 = _Face(r["黑体"], BODY_SIZE, fonts)
        self.h2 = _Face(r["楷体"], BODY_SIZE, fonts)
        self.title_face = _Face(r["小标宋"], TITLE_SIZE, fonts)

    def paragraph(self, text: str, face: _Face | None = None, indent: bool = True) -> list[_Row]:
        face = face or self.body
        lines = break_lines(text, face.width, WIDTH, first_indent=2 * BODY_SIZE if indent else 0.0)
        rows = [_row(line, face, LEADING) for line in lines]
        if len(rows) >= 2:
            for r in rows[:ORPHANS - 1]:
                r.keep_with_next = True
            for r in rows[len(rows) - WIDOWS:-1]:
                r.keep_with_next = True
        return rows

    def heading(self, el: d.Heading) -> list[_Row]:
        rows = self.paragraph(el.text, self.h1 if el.level == 1 else self.h2)
        for r in rows:
            r.keep_with_next = True
        return rows

    def title(self, doc: d.Document) -> list[_Row]:
        face = self.title_face
        rows = []
        for text in break_title(doc.title, face.width, WIDTH, title_breaks(doc.title, doc.agency)):
            lines = break_lines(text, face.width, WIDTH, justify=False)
            for line in lines:
                rows.append(_row(line, face, TITLE_LEADING, (WIDTH - line.natural) / 2))
        for r in rows:
            r.keep_with_next = True
        return rows

    def closing(self, doc: d.Document) -> list[_Row]:
        """GB/T 9704-2012 7.3.5: one blank line under the text, the agency two characters in from the right, the
        date under it starting two characters right of the agency's first character; a date longer than that is
        set two characters in from the right and the agency moves left with it."""
        face, em = self.body, BODY_SIZE
        agency = break_lines(doc.agency, face.width, WIDTH, justify=False)
        if len(agency) > 1:
            # a name longer than a line: full lines ending two characters in, the last one set to the right
            agency = break_lines(doc.agency, face.width, WIDTH - 2 * em)
        date = break_lines(doc.date_text, face.width, WIDTH, justify=False)
        wa = agency[-1].natural if agency else 0.0
        wd = max((line.natural for line in date), default=0.0)
        if not date or wd <= wa - 2 * em:
            xa = WIDTH - 2 * em - wa
            xd = xa + 2 * em
        else:
            xd = WIDTH - 2 * em - wd
            xa = xd - 2 * em
        rows = [_Row([], LEADING, BODY_SIZE, keep_with_next=True)]
        for k, line in enumerate(agency):
            rows.append(_row(line, face, LEADING, max(0.0, xa) if k == len(agency) - 1 else 0.0))
            rows[-1].keep_with_next = True
        for line in date:
            rows.append(_row(line, face, LEADING, max(0.0, xd)))
            rows[-1].keep_with_next = True
        rows[-1].keep_with_next = False
        return rows


# -- tables -------------------------------------------------------------------------------------------------------

def _column_widths(layout: d.TableLayout, font: str, size: float,
                   number_chars: int | None = None) -> list[float] | None:
    """Widths that give every number its full width on one line (or `number_chars` of its characters, when
    numbers wrap) and every text column at least two characters, as close to the layout's proportions as that
    allows; None when no such widths fit the text block."""
    return fit_column_widths(layout, WIDTH, size, 2 * CELL_PAD + 1,
                             lambda text: stringWidth(text[:number_chars], font, size))


def _table(layout: d.TableLayout, fonts: FontSet) -> Table:
    """The table at the largest size (down to TABLE_MIN_SIZE) at which every number fits its cell on one line and
    reportlab can break it between pages. Any number the model holds gets a layout: at the smallest size, as a
    last resort, numbers wrap digit-wise, in ever fewer characters a line."""
    font = fonts.roles["仿宋"].name
    size = TABLE_SIZE * layout.font_scale
    longest = max((len(cell.text) for _, _, cell in layout.cells() if cell.is_number), default=1)
    number_chars: int | None = None  # characters of a number a line; None: every number on one line
    while True:
        last = size <= TABLE_MIN_SIZE and (number_chars or longest) <= 1
        widths = _column_widths(layout, font, size, number_chars)
        if widths is None and last:  # nothing narrower is left to try: keep the layout's proportions
            widths = [WIDTH * w / sum(layout.widths) for w in layout.widths]
        if widths is not None:
            table = _table_at(layout, fonts, size, widths, wrap_numbers=number_chars is not None)
            if last or _breaks_between_pages(table, layout):
                return table
        if size > TABLE_MIN_SIZE:
            size = max(TABLE_MIN_SIZE, size - 0.25)
        else:
            number_chars = max(1, (number_chars or longest) // 2)


def _breaks_between_pages(table: Table, layout: d.TableLayout) -> bool:
    """Whether reportlab can set the table: it fits a page, or the header rows with any run of rows that a
    vertical span holds together (reportlab splits only between such runs) fit the text block."""
    if table.wrap(WIDTH, HEIGHT)[1] <= HEIGHT:
        return True
    table.wrap(WIDTH, 1e9)  # every row measured: within a page's height reportlab stops at the page's foot
    heights = table._rowHeights
    reach = list(range(1, len(heights) + 1))  # reach[r]: the row after the last one a span from row r covers
    for r, _, cell in layout.cells():
        reach[r] = max(reach[r], r + cell.rowspan)
    head = sum(heights[:layout.header_rows])
    start = layout.header_rows
    while start < len(heights):
        end, k = reach[start], start
        while k < end:
            end = max(end, reach[k])
            k += 1
        if head + sum(heights[start:end]) > HEIGHT + 1e-6:
            return False
        start = end
    return True


def _table_at(layout: d.TableLayout, fonts: FontSet, size: float, widths: list[float], wrap_numbers: bool) -> Table:
    font = fonts.roles["仿宋"].name
    faces = {"head": _Face(fonts.roles["黑体"], size, fonts), "body": _Face(fonts.roles["仿宋"], size, fonts),
             "note": _Face(fonts.roles["仿宋"], size * 0.9, fonts)}
    data = []
    commands = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), size),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    for r, row in enumerate(layout.rows):
        line = []
        for c, cell in enumerate(row):
            if cell is None:
                line.append("")
                continue
            if cell.is_number and wrap_numbers:
                line.append(CellText(cell.text, faces["body"], centred=True))  # broken between digits
            elif cell.is_number:
                line.append(cell.text)  # a plain string: drawn on one line, never wrapped
            else:
                text = "\n".join(cell.text) if cell.vertical else cell.printed_text
                face = faces[{"head": "head", "block": "head", "note": "note"}.get(cell.role, "body")]
                line.append(CellText(text, face, centred=cell.role != "label"))
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
            if cell.role == "block":
                commands.append(("BACKGROUND", (c, r), (c + cell.colspan - 1, r), colors.Color(0.85, 0.85, 0.85)))
        data.append(line)
    table = Table(data, colWidths=widths, repeatRows=layout.header_rows, splitByRow=1, hAlign="CENTER")
    table.setStyle(TableStyle(commands))
    return table


def _table_start_height(layout: d.TableLayout) -> float:
    """Room a table needs on a page before it may start there: its header rows and two more rows."""
    return (layout.header_rows + 2) * TABLE_SIZE * 2.2


class _JpegNamedByBytes(ImageReader):
    """reportlab embeds a JPEG as it is (DCT, no re-encoding) but names the embedded object by the MD5 of its
    decoded pixels, so every photo was decoded in full only for its name: most of a long report's time. A JPEG is
    named by its file bytes instead (equal bytes, equal picture); other pictures go reportlab's own way."""

    def getRGBData(self):
        if self.jpeg_fh() is None:
            return super().getRGBData()
        self._dataA = None  # a JPEG has no alpha channel
        return self.fp.getvalue()


class _Picture(Image):
    def __init__(self, data: bytes, width: float, height: float):
        super().__init__(io.BytesIO(data), width=width, height=height)
        self._img = _JpegNamedByBytes(io.BytesIO(data))


def _figure(fig: d.Figure, setter: _Setter) -> list:
    parts: list = []
    if fig.image:
        try:
            reader = ImageReader(io.BytesIO(fig.image))
            w, h = reader.getSize()
            w, h = w * 72 / PICTURE_DPI, h * 72 / PICTURE_DPI  # natural size in points
            scale = min(1.0, WIDTH / w, HEIGHT * 0.6 / h)
            parts.append(_Picture(fig.image, width=w * scale, height=h * scale))
        except Exception:  # a broken picture must not stop the report: print its caption only
            parts = []
    if fig.caption:
        face = _Face(setter.fonts.roles["楷体"], 14, setter.fonts)
        rows = []
        for line in break_lines(fig.caption, face.width, WIDTH, justify=False):
            rows.append(_row(line, face, LEADING * 0.9, (WIDTH - line.natural) / 2))
        parts.append(TextBlock(rows))
    return parts


class _FloatingFigure(Flowable):
    """A picture with its caption, and the paragraphs after it up to the next heading (its own part of the text).
    When the picture does not fit in the rest of the page, those paragraphs fill the rest first and the picture
    opens the next page, rather than leaving the gap empty; the picture never passes a heading, so it stays beside
    what it illustrates. Like KeepTogether it is never drawn itself: it hands its flowables back to the frame in
    the order they go on the page."""

    def __init__(self, figure: list, after: list, followers: list):
        super().__init__()
        self.figure, self.after, self.followers = figure, after, followers

    def wrap(self, availWidth, availHeight):
        return availWidth, 0xFFFFFF  # always split: the frame then places the parts one by one

    def split(self, availWidth, availHeight):
        in_order = self.figure + self.after + self.followers
        frame = getattr(self, "_frame", None)
        at_top = frame is None or getattr(frame, "_atTop", False)
        if at_top or _listWrapOn(self.figure, availWidth, self.canv)[1] <= availHeight + 1e-6:
            return in_order
        placed, used, waiting = [], 0.0, list(self.followers)
        while waiting:
            block = waiting[0]
            h = block.wrapOn(self.canv, availWidth, availHeight - used)[1]
            if used + h <= availHeight + 1e-6:
                placed.append(waiting.pop(0))
                used += h
                continue
            parts = block.splitOn(self.canv, availWidth, availHeight - used)
            if len(parts) >= 2:
                placed.append(parts[0])
                waiting[0:1] = parts[1:]
            break
        return placed + [FrameBreak()] + self.figure + self.after + waiting


class _EndsWithClosing(Flowable):
    """The report's last table or picture (with its heading) and the closing after it, which never starts a page
    alone (GB/T 9704-2012 7.3.5): when the page cannot hold both, the content splits so that a part of it goes over
    with the closing — a table's last rows (its header repeated), or the whole picture with its caption. Like
    KeepTogether it is never drawn itself: it hands its flowables back to the frame, split where they must be.

    `lead` is how many of the first content flowables (the heading rows, a spacer) may not end a page alone."""

    def __init__(self, content: list, closing: list, lead: int, keep_whole: bool):
        super().__init__()
        self.content, self.closing, self.lead = content, closing, lead
        self.keep_whole = keep_whole  # content that fits on a page starts on a new one rather than split

    def _height(self, flowables: list, width: float) -> float:
        return _listWrapOn(flowables, width, self.canv)[1]

    def wrap(self, availWidth, availHeight):
        return availWidth, 0xFFFFFF  # always split: the frame then places the parts one by one

    def split(self, availWidth, availHeight):
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is None or getattr(frame, "_atTop", False))
        total = self._height(self.content + self.closing, availWidth)
        if total <= availHeight + 1e-6:
            return self.content + self.closing
        body = self._height(self.content, availWidth)
        if not at_top and (total <= HEIGHT or (self.keep_whole and availHeight < body <= HEIGHT)):
            return [FrameBreak(), self]  # all of it, or the content that fits a page, starts on the next page
        # the content ends on this page when it fits: then its last part must go over, with the closing
        limit = min(availHeight, body - 0.5)
        first, rest = self._fill(availWidth, limit)
        if len(first) <= self.lead or not rest:  # nothing but the heading would stay here, or nothing goes over
            return self.content + self.closing if at_top else [FrameBreak(), self]
        return first + [_EndsWithClosing(rest, self.closing, 0, keep_whole=False)]

    def _fill(self, width: float, height: float) -> tuple[list, list]:
        """The content split into what fits `height` and the rest, splitting the flowable at the cut if it can."""
        first, used = [], 0.0
        for k, f in enumerate(self.content):
            h = f.wrapOn(self.canv, width, height - used)[1]
            if used + h <= height + 1e-6:
                first.append(f)
                used += h
                continue
            parts = f.splitOn(self.canv, width, height - used) if k >= self.lead else []
            if len(parts) >= 2:
                return first + parts[:1], parts[1:] + self.content[k + 1:]
            return first, self.content[k:]
        return first, []


def _story(doc: d.Document, setter: _Setter) -> list:
    story: list = [TextBlock(setter.title(doc)), Spacer(1, LEADING * 0.5)]
    pending: list[_Row] = []  # heading rows waiting for what follows them
    last_text: TextBlock | None = None
    last_group: tuple[int, list, int, bool, float] | None = None  # a final table or picture: where it starts in the
    # story, its flowables, how many of them lead (heading, spacer), whether it moves whole, the space after it
    for el in doc.body:
        last_text, last_group = None, None
        if isinstance(el, d.Heading):
            pending += setter.heading(el)
            continue
        if isinstance(el, d.Paragraph):
            block = TextBlock(pending + setter.paragraph(el.text))
            block.under_heading = bool(pending)
            story.append(block)
            last_text = block
        else:
            lead = [TextBlock(pending)] if pending else []
            for block in lead:
                block.under_heading = True
            if isinstance(el, d.TableLayout):
                need = sum(r.height for r in pending) + _table_start_height(el)
                story.append(CondPageBreak(need))
                table = _table(el, setter.fonts)
                parts = lead + [Spacer(1, LEADING * 0.25), table]
                whole = sum(r.height for r in pending) + LEADING * 0.25 + table.wrap(WIDTH, HEIGHT)[1] <= HEIGHT
                last_group = (len(story), parts, len(lead) + 1, whole, LEADING * 0.5)
                if whole:
                    story.append(KeepTogether(parts))  # fits on a page: starts on a new one rather than split
                else:
                    story.extend(parts)  # taller than a page: starts here, splits between rows, headers repeated
                story.append(Spacer(1, LEADING * 0.5))
            elif isinstance(el, d.Figure):
                parts = lead + _figure(el, setter)  # one KeepTogether: a nested one would ask for a whole page
                if parts:
                    last_group = (len(story), parts, len(lead), True, LEADING * 0.25)
                    kept = KeepTogether(parts)
                    kept.may_float = not lead  # a picture right under a heading stays there
                    story.append(kept)
                    story.append(Spacer(1, LEADING * 0.25))
        pending = []
    if pending:  # a last heading with nothing under it
        last_text = TextBlock(pending)
        last_text.under_heading = True
        story.append(last_text)
    if doc.agency or doc.date_text:
        closing = setter.closing(doc)
        if last_text is not None and last_text.rows:
            last_text.rows[-1].keep_with_next = True  # the closing never goes alone onto a page
            story[-1] = TextBlock(last_text.rows + closing)
            story[-1].under_heading = last_text.under_heading
        elif last_group is not None:
            at, parts, lead, whole, space = last_group
            story[at:] = [_EndsWithClosing(parts, [Spacer(1, space), TextBlock(closing)], lead, whole)]
        else:
            story.append(TextBlock(closing))
    return _float_figures(story)


def _float_figures(story: list) -> list:
    """Each picture that may float, with the paragraphs after it up to the next heading, table or picture."""
    out: list = []
    k = 0
    while k < len(story):
        item = story[k]
        k += 1
        if not getattr(item, "may_float", False):
            out.append(item)
            continue
        after = [story[k]] if k < len(story) and isinstance(story[k], Spacer) else []
        k += len(after)
        followers = []
        while k < len(story) and isinstance(story[k], TextBlock) and not story[k].under_heading:
            followers.append(story[k])
            k += 1
        out.append(_FloatingFigure(item._content, after, followers) if followers else item)
        out.extend([] if followers else after)
    return out


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
    with REPORTLAB_LOCK:  # reportlab's font state is shared by the whole process
        return _render_pdf(doc, fonts)


def _render_pdf(doc: d.Document, fonts: FontSet | None) -> bytes:
    fonts = fonts or find_fonts()
    buf = io.BytesIO()
    # The initial font is our body font, so that no unembedded base-14 font ends up in the file.
    template = BaseDocTemplate(buf, pagesize=A4, leftMargin=LEFT, rightMargin=A4[0] - LEFT - WIDTH, topMargin=TOP,
                               bottomMargin=BOTTOM, title=doc.title, author=doc.agency, creator="政务公开年报助手",
                               lang="zh-CN", initialFontName=fonts.roles["仿宋"].name, initialFontSize=BODY_SIZE)
    frame = Frame(LEFT, BOTTOM, WIDTH, HEIGHT, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_page_decor(doc, fonts))])
    template.build(_story(doc, _Setter(fonts)))
    return buf.getvalue()


# A grey picture of 2 × 2 pixels (PNG): setting it loads the picture decoders a report's photos need.
_WARM_UP_PICTURE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4nGM8wcDEwAAAA/oAzIAKlEUAAAAASUVORK5CYII=")


def _warm_up_document() -> d.Document:
    """One small page with everything a report's pages use: each heading level, body text, a picture, a table with
    head, labels and numbers, the closing — so each role's font, the picture decoders and reportlab's page, text and
    table code are loaded."""
    head, label, value = (lambda text, role: d.Cell(text, role)), d.Cell, d.Cell
    table = d.TableLayout("warm-up", 3, [2.0, 1.0, 1.0], 1,
                          [[head("项目", "head"), head("数量", "head"), head("金额", "head")],
                           [label("申请", "label"), value("12", "value"), value("3.5", "computed")]])
    return d.Document(title="2025年政府信息公开工作年度报告", agency="某某人民政府办公室", date_text="2026年1月20日",
                      body=[d.Heading(1, "一、总体情况"), d.Heading(2, "（一）主动公开"),
                            d.Paragraph("本年度共公开政府信息120条，同比增长5%。"),
                            d.Figure("图1", _WARM_UP_PICTURE), table])


def prepare_pdf() -> FontSet:
    """What rendering any report needs before it sees one: the fonts with their metrics, and reportlab's page,
    text and table code, loaded by setting one small page that is thrown away. An export does this in its PDF
    process while the report is still being read (export.render_worker), which leaves the report's own pages
    less to do once its layout arrives; nothing of the small page reaches any file."""
    fonts = find_fonts()
    try:
        render_pdf(_warm_up_document(), fonts)
    except Exception:  # noqa: BLE001 — only a head start: the report renders (and reports any fault) without it
        pass
    return fonts


def pdf_bytes(state, *, allow_errors: bool = True) -> bytes:
    """The PDF of a state, as the preview and the printer show it; marked as a draft while errors remain."""
    doc = d.build_document(state, draft_mark=bool(state.errors()))
    return render_pdf(doc)
