"""The report as a real Word document, written as zip and XML text without python-docx.

Page as GB/T 9704 asks: A4, a 156 × 225 mm text block holding 22 lines of 28 characters on Word's document grid
(docGrid linesAndChars: line pitch 225 mm / 22, character pitch 15.75 pt against the 16 pt Normal font). Body text
is justified (jc both) with Chinese kinsoku: the zh-CN first/last character lists in the settings, kinsoku on and
punctuation never hanging into the margin; “……” and “——” are never split (see UNSPLIT_MARKS). Headings keep with
what follows and never split; widow control is on; table rows never split across pages, header rows repeat, and a
number never wraps inside its cell; the closing keeps with the report's last paragraph, picture or table row.

Fonts: runs name the GB/T faces (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体), which offices install. Stock Windows
10/11 has none of them, so the font table gives each one the stock face as w:altName: ECMA-376 17.8.3.1 has an
application try the alternate names before substituting by metrics, and Word takes the whole value as one name
(MS-OE376). The stock face's panose, charset and signature go with it, so even metric substitution lands on 仿宋,
楷体 or 宋体. The East Asian font is set on every style and on docDefaults, replacing python-docx's theme font
reference that would otherwise win. Theme, settings and runs say zh-CN, so Word breaks lines as Chinese rather
than Japanese. Exact 28.95 pt line spacing is kept besides the grid: LibreOffice honours it where it does not
honour the line grid.

What does not depend on the report (styles, settings, font table, theme, footers, the draft mark's header, the
section's page setup) is stored in resources/docx/ as python-docx made it from its template with our styles
(packaging/make_docx_parts.py, which tests run to see that the stored parts never drift from it). This module
writes the body, the pictures and their relationships, the content types and the properties, element for element
as python-docx wrote them, so Word, LibreOffice, the importers and the tests see the same document; importing
python-docx and building the styles through its objects took most of the Word process's time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import struct
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

from export import document as d
from export.linebreak import CANNOT_END, CANNOT_START, break_title, title_breaks
from export.table_widths import fit_column_widths
from export.xml_text import xml_attr, xml_text

FONT_NAMES = {"仿宋": "仿宋_GB2312", "黑体": "黑体", "楷体": "楷体_GB2312", "宋体": "宋体", "小标宋": "方正小标宋简体"}
# 3号 as the PDF sets it: 15.75 pt, so that 28 characters fill 156 mm. Word sizes go in half points, so the glyphs
# are 15.5 pt and the character grid advances each one by 15.75 pt. A glyph larger than the grid pitch (16 pt)
# would take two grid cells in LibreOffice and in WPS, leaving 14 characters a line.
BODY_PT = 15.5
LINE_PT = 28.95
TABLE_PT = 10.5
TABLE_MIN_PT = 6.5  # a table's font steps down to this at most, so that every number stays on one line
CELL_MARGIN_TWIPS = 40

TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
TITLE_SIZE_PT = 22  # 2号小标宋
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22
GRID_CHAR_PITCH_PT = 15.75  # 28 × 15.75 pt = 441 pt, inside the 442.2 pt block
# docGrid values: linePitch in twentieths of a point, rounded down so that 22 lines fit; charSpace in 4096ths of a
# point, the character pitch's difference from the Normal font size (ECMA-376 17.6.5)
GRID_LINE_PITCH = int(TEXT_HEIGHT_MM / 25.4 * 1440 / LINES_PER_PAGE)
GRID_CHAR_SPACE = round((GRID_CHAR_PITCH_PT - BODY_PT) * 4096)

PICTURE_DPI = 96  # a picture is never printed larger than its natural size at this resolution
PICTURE_MAX_HEIGHT = 0.6  # of the text block

# Word's own zh-CN first/last character lists (Options › Typography), joined with the rules the PDF follows
_WORD_NOT_AT_START = "!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｀｜｝～￠"
_WORD_NOT_AT_END = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"
NOT_AT_LINE_START = _WORD_NOT_AT_START + "".join(sorted(CANNOT_START - set(_WORD_NOT_AT_START)))
NOT_AT_LINE_END = _WORD_NOT_AT_END + "".join(sorted(CANNOT_END - set(_WORD_NOT_AT_END)))

# LibreOffice breaks Chinese text before any character but its own list of forbidden ones, which holds neither “…”
# nor “—” and is not read from the settings' kinsoku lists: it split “……” and “——” at a line's end. A run of such
# marks gets an East Asian language that is not a CJK one, which sends its breaks to LibreOffice's Unicode line
# breaker (UAX #14: no break inside “……” or “——”, nor before “……”); the characters, their font and their grid
# cells stay as they are, and the text reads back unchanged. The font hint keeps Word setting them as East Asian.
UNSPLIT_MARKS = re.compile(r"…{2,}|—{2,}")
UNSPLIT_MARKS_LANG = "en-US"

# Font table entries: (name, alternate name, panose, charset, family, pitch, usb0..3, csb0..1). The GB/T faces
# carry the stock face's data so that Word's metric substitution also picks it.
_SONG = ("02010600030101010101", "86", "auto", "variable", ("00000003", "288F0000", "00000016", "00000000",
                                                              "00040001", "00000000"))
_FIXED_CJK = ("02010609060101010101", "86", "modern", "fixed", ("800002BF", "38CF7CFA", "00000016", "00000000",
                                                                  "00040001", "00000000"))
FONT_TABLE = [
    ("仿宋_GB2312", "仿宋", *_FIXED_CJK),
    ("楷体_GB2312", "楷体", *_FIXED_CJK),
    ("方正小标宋简体", "宋体", *_SONG),
    ("仿宋", "FangSong", *_FIXED_CJK),
    ("楷体", "KaiTi", *_FIXED_CJK),
    ("黑体", "SimHei", *_FIXED_CJK),
    ("宋体", "SimSun", *_SONG),
    ("Times New Roman", None, "02020603050405020304", "00", "roman", "variable",
     ("E0002AFF", "C0007841", "00000009", "00000000", "000001FF", "00000000")),
]

# The stored parts (packaging/make_docx_parts.py): shared/ in every file, plain/ or draft/ by the draft mark
PARTS_DIR = Path(__file__).resolve().parent.parent / "resources" / "docx"
# Style ids of the report's roles, as python-docx derives them from the style names (the generator checks them)
STYLE_IDS = {"title": "标题", "h1": "一级标题", "h2": "二级标题", "body": "正文", "caption": "图片说明", "cell": "表格文字",
             "closing": "落款", "table": "TableGrid"}
# What the stored document properties hold in place of the report's values
TOKENS = {"title": "@@TITLE@@", "author": "@@AUTHOR@@", "company": "@@COMPANY@@", "now": "@@NOW@@"}
_TOKEN = re.compile("|".join(re.escape(t) for t in TOKENS.values()))

# Lengths as python-docx converts them (English Metric Units, integers)
EMU_PER_PT, EMU_PER_TWIP, EMU_PER_MM = 12700, 635, 36000
TEXT_WIDTH_PT = TEXT_WIDTH_MM * EMU_PER_MM / EMU_PER_PT

# Parts in the order python-docx wrote them; pictures follow
_PART_ORDER = ("[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/document.xml",
               "word/_rels/document.xml.rels", "word/styles.xml", "word/stylesWithEffects.xml", "word/settings.xml",
               "word/webSettings.xml", "word/fontTable.xml", "word/theme/theme1.xml", "customXml/item1.xml",
               "customXml/_rels/item1.xml.rels", "customXml/itemProps1.xml", "word/numbering.xml",
               "word/footer1.xml", "word/footer2.xml", "word/header1.xml", "word/header2.xml")

_folders: dict[str, dict[str, bytes]] = {}


def _folder(name: str) -> dict[str, bytes]:
    """The stored parts of one folder of resources/docx/, by part name (read once per process)."""
    if name not in _folders:
        base = PARTS_DIR / name
        _folders[name] = {path.relative_to(base).as_posix(): path.read_bytes()
                          for path in base.rglob("*") if path.is_file()}
    return _folders[name]


def _package(draft_mark: bool) -> dict[str, bytes]:
    """The stored parts of a file without or with the draft mark, by part name."""
    return {**_folder("shared"), **_folder("draft" if draft_mark else "plain")}


def prepare_docx() -> None:
    """Read the stored parts ahead of the report (the Word process does it while the report is still read)."""
    for name in ("shared", "plain", "draft"):
        _folder(name)


def text_width(text: str, size: float) -> float:
    """Advance of text in a Chinese office font: wide characters one em, digits and Latin half an em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size / 2 for ch in text)


def column_widths(layout: d.TableLayout, size: float, total_pt: float) -> list[float] | None:
    """Column widths in points that give every number its full width on one line and every text column room for
    two characters, as close to the layout's proportions as that allows; None when they cannot fit."""
    return fit_column_widths(layout, total_pt, size, 2 * CELL_MARGIN_TWIPS / 20 + 1,
                             lambda text: text_width(text, size))


def _pt_to_twips(pt: float) -> int:
    return round(int(pt * EMU_PER_PT) / EMU_PER_TWIP)  # python-docx's Pt(pt).twips


def _table_xml_for(layout: d.TableLayout, keep_last_row: bool) -> str:
    nrows, ncols = len(layout.rows), layout.columns
    total_pt = TEXT_WIDTH_PT
    size = TABLE_PT * layout.font_scale
    widths_pt = column_widths(layout, size, total_pt)
    while widths_pt is None and size > TABLE_MIN_PT:  # Word sizes go in half points
        size = max(TABLE_MIN_PT, (int(size * 2) - 1) / 2)
        widths_pt = column_widths(layout, size, total_pt)
    if widths_pt is None:  # cannot happen with the formats' tables; keep the layout's proportions
        widths_pt = [total_pt * w / sum(layout.widths) for w in layout.widths]
    return _table_xml(layout, nrows, ncols, [_pt_to_twips(w) for w in widths_pt], size, STYLE_IDS["cell"],
                      STYLE_IDS["table"], keep_last_row)


# Tables, like the rest of the body, are written as XML text: python-docx's cell API looked up and re-sorted
# elements on every call. The XML is what that API made (doc.add_table, cell.merge, widths, vAlign, add_run …),
# element for element, so Word, LibreOffice and the tests see the same document.
def _run_content(text: str) -> str:
    """A run's text as python-docx's Run.text writes it: <w:t> pieces, a tab as <w:tab/>, \\n and \\r as <w:br/>."""
    out, piece = [], []

    def flush():
        if piece:
            t = "".join(piece)
            space = ' xml:space="preserve"' if len(t.strip()) < len(t) else ""
            out.append(f"<w:t{space}>{xml_text(t)}</w:t>")
            piece.clear()

    for ch in text:
        if ch == "\t":
            flush()
            out.append("<w:tab/>")
        elif ch in "\r\n":
            flush()
            out.append("<w:br/>")
        else:
            piece.append(ch)
    flush()
    return "".join(out)


def _half_points(pt: float) -> str:
    return str(int(int(pt * EMU_PER_PT) / EMU_PER_PT * 2))  # as python-docx's run.font.size writes it


def _table_xml(layout: d.TableLayout, nrows: int, ncols: int, twips: list[int], size: float, cell_style: str,
               table_style: str | None, keep_last_row: bool = False) -> str:
    """keep_last_row: the last row's paragraphs keep with what follows too (the report's closing)."""
    # which grid positions a merged cell covers: the first row of a merge starts it (vMerge restart), the rows
    # below continue it; the columns after the first are no cells of their own (gridSpan)
    span_of: dict[tuple[int, int], tuple[int, str | None]] = {}  # (row, col) → (colspan, vMerge)
    covered: set[tuple[int, int]] = set()
    for r, c, cell in layout.cells():
        for dr in range(cell.rowspan):
            vmerge = None if cell.rowspan == 1 else ("restart" if dr == 0 else "continue")
            span_of[(r + dr, c)] = (cell.colspan, vmerge)
            covered.update((r + dr, c + dc) for dc in range(1, cell.colspan))
    style_attr = f' w:val="{xml_attr(table_style)}"' if table_style else ""
    parts = ["<w:tbl><w:tblPr>",
             f"<w:tblStyle{style_attr}/>" if table_style else "",
             '<w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>',
             f'<w:tblCellMar><w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
             f'<w:right w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/></w:tblCellMar>',
             '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" '
             'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>']
    parts += [f'<w:gridCol w:w="{w}"/>' for w in twips]
    parts.append("</w:tblGrid>")
    plain_size = _half_points(size)
    note_size = _half_points(size * 0.9)
    head_size = str(int(size * 2))
    head_font = xml_attr(FONT_NAMES["黑体"])
    p_style = f'<w:pStyle w:val="{xml_attr(cell_style)}"/>'
    for r, row in enumerate(layout.rows):
        keep_next = r < nrows - 1 or keep_last_row
        parts.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if r < layout.header_rows else "") + "</w:trPr>")
        for c in range(ncols):
            if (r, c) in covered:
                continue
            colspan, vmerge = span_of.get((r, c), (1, None))
            width = sum(twips[c:c + colspan])
            cell = row[c] if c < len(row) else None
            tc_pr = [f'<w:tcW w:type="dxa" w:w="{width}"/>']
            if colspan > 1:
                tc_pr.append(f'<w:gridSpan w:val="{colspan}"/>')
            if vmerge == "restart":
                tc_pr.append('<w:vMerge w:val="restart"/>')
            elif vmerge == "continue":
                tc_pr.append("<w:vMerge/>")
            if cell is None:
                # an empty cell's paragraph keeps with what follows only in the last row before the closing
                empty = "<w:p><w:pPr><w:keepNext/></w:pPr></w:p>" if keep_last_row and r == nrows - 1 else "<w:p/>"
                parts.append(f"<w:tc><w:tcPr>{''.join(tc_pr)}</w:tcPr>{empty}</w:tc>")
                continue
            if cell.role == "block":
                tc_pr.append('<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>')
            if cell.is_number:
                tc_pr.append("<w:noWrap/>")
            tc_pr.append('<w:vAlign w:val="center"/>')
            p_pr = p_style + ("<w:keepNext/>" if keep_next else "") + \
                ('<w:jc w:val="left"/>' if cell.role == "label" else "")
            if cell.role in ("head", "block"):
                r_pr = (f'<w:rFonts w:ascii="{head_font}" w:hAnsi="{head_font}" w:eastAsia="{head_font}" '
                        f'w:cs="{head_font}"/><w:sz w:val="{head_size}"/><w:szCs w:val="{head_size}"/>'
                        '<w:lang w:eastAsia="zh-CN"/>')
            else:
                r_pr = f'<w:sz w:val="{note_size if cell.role == "note" else plain_size}"/>'
            text = "\n".join(cell.text) if cell.vertical else cell.printed_text
            parts.append(f"<w:tc><w:tcPr>{''.join(tc_pr)}</w:tcPr><w:p><w:pPr>{p_pr}</w:pPr>"
                         f"<w:r><w:rPr>{r_pr}</w:rPr>{_run_content(text)}</w:r></w:p></w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def closing_indents(agency: str, date_text: str) -> tuple[float, float]:
    """Right indents in points of the agency and the date, GB/T 9704-2012 7.3.5: the agency two characters in from
    the right, the date under it starting two characters right of the agency's first character; a date longer than
    that is set two characters in from the right and the agency moves left with it."""
    em = GRID_CHAR_PITCH_PT
    wa, wd = text_width(agency, em), text_width(date_text, em)
    right_agency = 2 * em
    right_date = right_agency + wa - 2 * em - wd
    if date_text and right_date < 2 * em:
        right_date = 2 * em
        right_agency = right_date + wd + 2 * em - wa
    # an agency longer than a line wraps inside the block, its lines two characters in; an indent is kept
    # within the text block (Word refuses one that leaves no room), so the date then stays at the block's left
    block = TEXT_WIDTH_PT
    return (max(0.0, min(right_agency, block - em)),
            max(0.0, min(right_date, block - min(wd, block) if date_text else block - em)))


# A picture's header as python-docx read it (docx.image): the kinds it knows by their first bytes, each with its
# content type and file extension. A picture of another kind, or one python-docx could not read, is left out and
# its caption kept, as before.
_PICTURE_KINDS = ((0, b"\x89PNG\r\n\x1a\n", "png", "image/png"), (6, b"JFIF", "jpg", "image/jpeg"),
                  (6, b"Exif", "jpg", "image/jpeg"), (0, b"GIF87a", "gif", "image/gif"),
                  (0, b"GIF89a", "gif", "image/gif"), (0, b"MM\x00*", "tiff", "image/tiff"),
                  (0, b"II*\x00", "tiff", "image/tiff"), (0, b"BM", "bmp", "image/bmp"))


def picture_kind(blob: bytes) -> tuple[str, str]:
    """(file extension, content type) of a picture; raises ValueError for a kind Word files do not take here."""
    for offset, signature, ext, content_type in _PICTURE_KINDS:
        if blob[offset:offset + len(signature)] == signature:
            return ext, content_type
    raise ValueError("unrecognised picture")


def _png_pixels(blob: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, walking the chunks to IEND as python-docx did (a PNG cut short is
    refused, as there)."""
    offset, size, found = 8, len(blob), None
    while True:
        if offset + 8 > size:
            raise ValueError("PNG ends early")
        length = int.from_bytes(blob[offset:offset + 4], "big")
        kind = blob[offset + 4:offset + 8].decode("utf-8")
        data = offset + 8
        if kind in ("IHDR", "pHYs") and data + (8 if kind == "IHDR" else 9) > size:  # python-docx read both
            raise ValueError("PNG ends early")
        if kind == "IHDR" and found is None:
            found = struct.unpack(">LL", blob[data:data + 8])
        if kind == "IEND":
            break
        offset = data + length + 4
    if found is None:
        raise ValueError("no IHDR chunk in PNG image")
    return found


_JPEG_SOF = frozenset((0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF))
_JPEG_STANDALONE = frozenset((0x01, 0xD8, 0xD9, *range(0xD0, 0xD8)))  # markers without a segment


def _jpeg_pixels(blob: bytes, app: int) -> tuple[int, int]:
    """Width and height from the first start-of-frame marker, reading the markers up to the start of scan as
    python-docx did: each segment's length must be there, and the JFIF (APP0) or Exif (APP1) segment the file
    names itself by. python-docx also parsed the Exif segment's TIFF data for a resolution the printed size never
    used; a photo whose Exif data is damaged, which it left out, is kept here."""
    size, at, frame, has_app = len(blob), 0, None, False

    def short(offset: int) -> int:
        if offset + 2 > size:
            raise ValueError("JPEG ends early")
        return int.from_bytes(blob[offset:offset + 2], "big")

    while True:
        while True:  # the next marker: an FF byte, any FF padding, then a code that is not 00
            at = blob.find(b"\xff", at)
            if at < 0:
                raise ValueError("JPEG ends early")
            at += 1
            while at < size and blob[at] == 0xFF:
                at += 1
            if at >= size:
                raise ValueError("JPEG ends early")
            if blob[at] != 0:
                break
        code, segment = blob[at], at + 1
        if code in _JPEG_STANDALONE:
            length = 0
        else:
            length = short(segment)
            if code in _JPEG_SOF:
                pixels = (short(segment + 5), short(segment + 3))
                frame = frame or pixels
            elif code == 0xE0:
                short(segment + 12)  # the density, which python-docx read from every APP0 segment
            has_app = has_app or code == app
        if code == 0xDA or code == 0xD9:  # start of scan, end of image
            break
        at = segment + length
    if frame is None:
        raise ValueError("no start of frame (SOFn) marker in image")
    if not has_app:
        raise ValueError("no APP0/APP1 marker in image")
    return frame


def picture_pixels(blob: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the picture's header: PNG, JPEG, GIF and BMP here, TIFF through Pillow
    (imported only for it)."""
    ext, _ = picture_kind(blob)
    if ext == "png":
        return _png_pixels(blob)
    if ext == "jpg":
        return _jpeg_pixels(blob, 0xE0 if blob[6:10] == b"JFIF" else 0xE1)
    if ext == "gif":
        return struct.unpack("<HH", blob[6:10])
    if ext == "bmp":
        return struct.unpack("<LL", blob[0x12:0x1A])
    from PIL import Image

    with Image.open(BytesIO(blob)) as image:
        return image.size


def picture_size(blob: bytes) -> tuple[int, int]:
    """Printed size of a picture in EMU: its natural size at 96 dpi, scaled down (aspect kept) to the text block's
    width and to 60 % of its height, never enlarged. Raises on data that is no picture a Word file takes."""
    px_width, px_height = picture_pixels(blob)
    emu_per_px = 914400 / PICTURE_DPI
    w, h = px_width * emu_per_px, px_height * emu_per_px
    if w <= 0 or h <= 0:
        raise ValueError("picture without pixels")
    scale = min(1.0, TEXT_WIDTH_MM * EMU_PER_MM / w, TEXT_HEIGHT_MM * EMU_PER_MM * PICTURE_MAX_HEIGHT / h)
    return int(w * scale), int(h * scale)


def _title_char_width(ch: str) -> float:
    # Word sets the title itself; a full-width character takes one em, Latin letters and digits about half
    return TITLE_SIZE_PT * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5)


def _text_runs(text: str) -> str:
    """The text as runs, each “……” or “——” in a run of its own that no line break splits."""
    runs, at = [], 0
    for mark in UNSPLIT_MARKS.finditer(text):
        if mark.start() > at:
            runs.append(f"<w:r>{_run_content(text[at:mark.start()])}</w:r>")
        runs.append(f'<w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:lang w:eastAsia="{UNSPLIT_MARKS_LANG}"/></w:rPr>'
                    f"{_run_content(mark.group())}</w:r>")
        at = mark.end()
    if at < len(text):
        runs.append(f"<w:r>{_run_content(text[at:])}</w:r>")
    return "".join(runs)


def _prints(text: str) -> bool:
    """Whether runs of this text hold a <w:t> with text (tabs and line breaks are elements of their own)."""
    return bool(text.strip("\t\r\n")) if text else False


class _Paragraph:
    """A body paragraph: its style, the flags the closing sets, and its runs as XML."""

    __slots__ = ("style", "runs", "content", "keep_next", "keep_lines", "spacing", "right_twips")

    def __init__(self, role: str, runs: str = "", content: bool = False, keep_next: bool | None = None,
                 keep_lines: bool = False, spacing: str = "", right_twips: int | None = None):
        self.style, self.runs, self.content = STYLE_IDS[role], runs, content
        self.keep_next, self.keep_lines, self.spacing, self.right_twips = keep_next, keep_lines, spacing, right_twips

    def xml(self) -> str:
        ppr = [f'<w:pStyle w:val="{self.style}"/>']
        if self.keep_next is not None:
            ppr.append("<w:keepNext/>" if self.keep_next else '<w:keepNext w:val="0"/>')
        if self.keep_lines:
            ppr.append("<w:keepLines/>")
        ppr.append(self.spacing)
        if self.right_twips is not None:
            ppr.append(f'<w:ind w:right="{self.right_twips}"/>')
        return f"<w:p><w:pPr>{''.join(ppr)}</w:pPr>{self.runs}</w:p>"


class _Table:
    __slots__ = ("layout", "keep_last_row")

    def __init__(self, layout: d.TableLayout):
        self.layout, self.keep_last_row = layout, False

    def xml(self) -> str:
        return _table_xml_for(self.layout, self.keep_last_row)


def _keep_with_closing(body: list) -> None:
    """Tie the report's last content to the closing that follows it: keepNext on the last paragraph with text (a
    body paragraph, a heading or a picture's caption), on the blank paragraphs after it, and, when the report
    ends with a table, on every paragraph of its last row (cantSplit keeps the row whole), so Word never moves the
    closing alone onto a new page."""
    for block in reversed(body):
        if isinstance(block, _Paragraph):
            block.keep_next = True
            if block.content:
                block.keep_lines = True  # the last lines travel with the closing, not one alone
                return
        else:
            if block.layout.rows:
                block.keep_last_row = True
            return


def _closing(body: list, layout: d.Document) -> None:
    """One blank line under the text, then agency and date; the last content (a paragraph, a picture and its
    caption, a table's last row), the blank line and the agency keep with what follows and each closing line
    keeps its lines together, so the closing never stands alone on a page."""
    lines = [(text, indent) for text, indent in zip((layout.agency, layout.date_text),
                                                    closing_indents(layout.agency, layout.date_text)) if text]
    if not lines:
        return
    _keep_with_closing(body)
    body.append(_Paragraph("body", keep_next=True, keep_lines=True))
    for i, (text, indent) in enumerate(lines):
        body.append(_Paragraph("closing", f"<w:r>{_run_content(text)}</w:r>", _prints(text),
                               keep_next=i < len(lines) - 1, keep_lines=True, right_twips=_pt_to_twips(indent)))


def _title(doc_layout: d.Document) -> _Paragraph:
    """The title broken where the PDF breaks it (after “YYYY年”, else after the agency), as line breaks inside one
    paragraph, so Word never splits 政府信息公开工作年度报告 or a word of the agency's name."""
    lines = break_title(doc_layout.title, _title_char_width, TEXT_WIDTH_PT,
                        title_breaks(doc_layout.title, doc_layout.agency))
    runs = "".join(f"<w:r>{_run_content(line)}{'<w:br/>' if i < len(lines) - 1 else ''}</w:r>"
                   for i, line in enumerate(lines))
    return _Paragraph("title", runs, _prints("".join(lines)))


_INLINE = ('<wp:inline xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><wp:extent cx="{cx}" cy="{cy}"/>'
           '<wp:docPr id="{id}" name="Picture {id}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/>'
           '</wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/'
           'picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="image.{ext}"/><pic:cNvPicPr/></pic:nvPicPr>'
           '<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr>'
           '<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
           '</pic:pic></a:graphicData></a:graphic></wp:inline>')
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


class _Pictures:
    """The pictures' media parts and relationships: one part per distinct picture (by SHA-1, as python-docx),
    numbered image1, image2 … and related under the next free rIds of the document."""

    def __init__(self, rels: str):
        self._used = {int(n) for n in re.findall(r'Id="rId(\d+)"', rels)}
        self._by_sha1: dict[str, str] = {}
        self.media: dict[str, bytes] = {}  # part name → picture
        self.content_types: dict[str, str] = {}  # extension → content type
        self.rels: list[str] = []
        self.shapes = 0

    def inline(self, blob: bytes, cx: int, cy: int) -> str:
        ext, content_type = picture_kind(blob)
        sha1 = hashlib.sha1(blob).hexdigest()
        rid = self._by_sha1.get(sha1)
        if rid is None:
            n = 1
            while n in self._used:
                n += 1
            self._used.add(n)
            rid = self._by_sha1[sha1] = f"rId{n}"
            target = f"media/image{len(self.media) + 1}.{ext}"
            self.media[f"word/{target}"] = blob
            self.content_types.setdefault(ext, content_type)
            self.rels.append(f'<Relationship Id="{rid}" Type="{_IMAGE_REL}" Target="{target}"/>')
        self.shapes += 1
        return _INLINE.format(cx=cx, cy=cy, id=self.shapes, ext=ext, rid=rid)


def _figure(body: list, figure: d.Figure, pictures: _Pictures) -> None:
    if figure.image:
        try:
            width, height = picture_size(figure.image)
        except Exception:  # an unreadable picture must not stop the report: keep its caption
            pass
        else:
            body.append(_Paragraph("caption", f"<w:r><w:drawing>{pictures.inline(figure.image, width, height)}"
                                   "</w:drawing></w:r>", True, keep_next=bool(figure.caption),
                                   spacing='<w:spacing w:line="240" w:lineRule="auto"/>'))
    if figure.caption:
        body.append(_Paragraph("caption", _text_runs(figure.caption), _prints(figure.caption)))


# Characters XML 1.0 cannot hold: lxml refused them, and so does this writer (the model cleans them out before)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _content_types(stored: bytes, extra: dict[str, str]) -> bytes:
    """The stored [Content_Types].xml with a Default for each kind of picture, sorted by extension as
    python-docx sorted them."""
    if not extra:
        return stored
    text = stored.decode("utf-8")
    defaults = dict(re.findall(r'<Default Extension="([^"]+)" ContentType="([^"]+)"/>', text))
    defaults.update(extra)
    start = text.index("<Default ")
    end = text.index("<Override ") if "<Override " in text else text.index("</Types>")
    merged = "".join(f'<Default Extension="{ext}" ContentType="{ct}"/>'
                     for ext, ct in sorted(defaults.items(), key=lambda item: item[0].lower()))
    return (text[:start] + merged + text[end:]).encode("utf-8")


def _properties(part: bytes, layout: d.Document) -> bytes:
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    agency = d.property_text(layout.agency)
    values = {TOKENS["title"]: xml_text(d.property_text(layout.title)),
              TOKENS["author"]: xml_text(agency or d.APP_NAME), TOKENS["company"]: xml_text(agency),
              TOKENS["now"]: now}
    return _TOKEN.sub(lambda m: values[m.group()], part.decode("utf-8")).encode("utf-8")


def render_docx(doc_layout: d.Document) -> bytes:
    stored = _package(doc_layout.draft_mark)
    pictures = _Pictures(stored["word/_rels/document.xml.rels"].decode("utf-8"))
    body: list = [_title(doc_layout), _Paragraph("body")]
    for el in doc_layout.body:
        if isinstance(el, d.Heading):
            body.append(_Paragraph("h1" if el.level == 1 else "h2", _text_runs(el.text), _prints(el.text)))
        elif isinstance(el, d.Paragraph):
            body.append(_Paragraph("body", _text_runs(el.text), _prints(el.text)))
        elif isinstance(el, d.Figure):
            _figure(body, el, pictures)
        elif isinstance(el, d.TableLayout):
            body.append(_Table(el))
            body.append(_Paragraph("body"))
    _closing(body, doc_layout)
    body_xml = "".join(block.xml() for block in body)
    bad = _NOT_XML.search(body_xml)
    if bad:
        raise ValueError(f"All strings must be XML compatible: character U+{ord(bad.group()):04X}")
    frame = stored["word/document.xml"].decode("utf-8")
    at = frame.index("<w:sectPr")
    parts = dict(stored)
    parts["word/document.xml"] = (frame[:at] + body_xml + frame[at:]).encode("utf-8")
    if pictures.rels:
        rels = stored["word/_rels/document.xml.rels"].decode("utf-8")
        at = rels.rindex("</Relationships>")
        parts["word/_rels/document.xml.rels"] = (rels[:at] + "".join(pictures.rels) + rels[at:]).encode("utf-8")
    parts["[Content_Types].xml"] = _content_types(stored["[Content_Types].xml"], pictures.content_types)
    for name in ("docProps/core.xml", "docProps/app.xml"):
        parts[name] = _properties(stored[name], doc_layout)
    parts.update(pictures.media)
    order = [name for name in _PART_ORDER if name in parts]
    order += [name for name in parts if name not in order]
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            z.writestr(name, parts[name])
    return buf.getvalue()
