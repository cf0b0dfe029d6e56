"""The report as a real Word document (python-docx, plus raw XML where python-docx has no API).

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
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.image.image import Image as PictureHeader
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.oxml.simpletypes import ST_HpsMeasure
from docx.shared import Emu, Mm, Pt, RGBColor
from lxml import etree

from export import document as d
from export.linebreak import CANNOT_END, CANNOT_START, break_title, title_breaks
from export.table_widths import fit_column_widths

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

# Paragraph property elements in CT_PPrBase schema order (Word rejects a file whose elements are out of order)
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
              "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def _insert_in_order(parent, el, order: tuple[str, ...]) -> None:
    """Put el into parent before the first child that comes later in the schema, replacing one of its kind."""
    name = el.tag.split("}")[1]
    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.remove(old)
    later = set(order[order.index(name) + 1:])
    for child in parent:
        if child.tag.split("}")[-1] in later:
            child.addprevious(el)
            return
    parent.append(el)


def _flag(parent, name: str, on: bool, order: tuple[str, ...]) -> None:
    el = OxmlElement(f"w:{name}")
    if not on:
        el.set(qn("w:val"), "0")
    _insert_in_order(parent, el, order)


def _chinese_typesetting(ppr, *, grid: bool) -> None:
    """Kinsoku on, no punctuation hanging past the margin, no extra space between Chinese and Latin or digits (as
    in the PDF), and snapping to the character grid only for text set in the body font."""
    for name, on in (("kinsoku", True), ("overflowPunct", False), ("autoSpaceDE", False), ("autoSpaceDN", False),
                     ("snapToGrid", grid)):
        _flag(ppr, name, on, _PPR_ORDER)


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


def add_text(paragraph, text: str) -> None:
    """The text as runs of the paragraph, each “……” or “——” in a run of its own that no line break splits."""
    at = 0
    for mark in UNSPLIT_MARKS.finditer(text):
        if mark.start() > at:
            paragraph.add_run(text[at:mark.start()])
        rpr = paragraph.add_run(mark.group())._r.get_or_add_rPr()
        fonts = OxmlElement("w:rFonts")
        fonts.set(qn("w:hint"), "eastAsia")
        rpr.insert(0, fonts)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:eastAsia"), UNSPLIT_MARKS_LANG)
        rpr.append(lang)
        at = mark.end()
    if at < len(text):
        paragraph.add_run(text[at:])


class _ReportStyles(dict):
    """The report's paragraph styles by role, and the id of the tables' style, each looked up once: python-docx
    finds the id of a style given to a paragraph by scanning every style of the document for the default one,
    which cost about 1 ms a paragraph — more than half of the Word file's time."""

    table_grid_id: str


def _paragraph(doc, style, text: str = ""):
    """A new paragraph in one of our styles (never the document's default style, so its id is written as is)."""
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = style.style_id
    return paragraph


def _styles(doc) -> _ReportStyles:
    styles = doc.styles
    # docDefaults: the East Asian font of everything not styled otherwise
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    _set_east_asian(rpr_default, FONT_NAMES["仿宋"], BODY_PT)
    # the grid's character pitch is reckoned from the Normal style's size: say it there, not only in docDefaults
    # (LibreOffice otherwise reckons from its own 12 pt and sets two grid cells per character)
    _set_east_asian(styles["Normal"].element, FONT_NAMES["仿宋"], BODY_PT)

    def make(name: str, font: str, size: float, align=None, indent: bool = True, bold: bool = False,
             exact: bool = True, grid: bool = True, heading: bool = False):
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
        pf.widow_control = True
        if heading:  # a heading never ends a page nor breaks inside
            pf.keep_with_next = True
            pf.keep_together = True
        _chinese_typesetting(style.element.get_or_add_pPr(), grid=grid)
        return style

    report_styles = _ReportStyles({
        "title": make("标题", FONT_NAMES["小标宋"], TITLE_SIZE_PT, WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False,
                      grid=False, heading=True),
        "h1": make("一级标题", FONT_NAMES["黑体"], BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, heading=True),
        "h2": make("二级标题", FONT_NAMES["楷体"], BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, heading=True),
        "body": make("正文", FONT_NAMES["仿宋"], BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "caption": make("图片说明", FONT_NAMES["楷体"], 14, WD_ALIGN_PARAGRAPH.CENTER, indent=False, grid=False),
        "cell": make("表格文字", FONT_NAMES["仿宋"], TABLE_PT, WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False,
                     grid=False),
        "closing": make("落款", FONT_NAMES["仿宋"], BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT, indent=False),
    })
    report_styles.table_grid_id = doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE)
    return report_styles


def _page_number_footer(paragraph, align) -> None:
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _chinese_typesetting(paragraph._p.get_or_add_pPr(), grid=False)
    paragraph.add_run("— ")

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


def _document_grid(section) -> None:
    """22 lines × 28 characters: Word's linesAndChars grid for the section."""
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)  # docGrid is the last of the elements python-docx's template writes
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH))
    grid.set(qn("w:charSpace"), str(GRID_CHAR_SPACE))


def _page_setup(doc, mark: bool) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Pt(14)
    section.header_distance = Mm(15)
    _document_grid(section)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    if mark:
        for header in (section.header, section.even_page_header):
            p = header.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _chinese_typesetting(p._p.get_or_add_pPr(), grid=False)
            run = p.add_run(d.DRAFT_MARK)
            run.font.color.rgb = RGBColor(0xC0, 0, 0)
            run.font.bold = True
            _set_east_asian(run._r, FONT_NAMES["黑体"], 14)


# Settings children in CT_Settings schema order, as far as this writer touches them
_SETTINGS_ORDER = ("writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
                   "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
                   "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
                   "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
                   "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
                   "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
                   "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
                   "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
                   "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
                   "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
                   "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
                   "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
                   "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
                   "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
                   "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData",
                   "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
                   "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
                   "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
                   "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
                   "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
                   "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping")


def _settings(doc) -> None:
    """Chinese line breaking: zh-CN theme language, punctuation compression and the zh-CN kinsoku lists."""
    settings = doc.settings.element
    spacing = OxmlElement("w:characterSpacingControl")
    spacing.set(qn("w:val"), "compressPunctuation")
    _insert_in_order(settings, spacing, _SETTINGS_ORDER)
    for name, chars in (("noLineBreaksAfter", NOT_AT_LINE_END), ("noLineBreaksBefore", NOT_AT_LINE_START)):
        el = OxmlElement(f"w:{name}")
        el.set(qn("w:lang"), "zh-CN")
        el.set(qn("w:val"), chars)
        _insert_in_order(settings, el, _SETTINGS_ORDER)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        _insert_in_order(settings, lang, _SETTINGS_ORDER)
    lang.set(qn("w:val"), "en-US")  # Latin text keeps English proofing, as Chinese Word writes it
    lang.set(qn("w:eastAsia"), "zh-CN")


def _part(doc, name: str):
    return next((p for p in doc.part.package.iter_parts() if str(p.partname) == name), None)


def _font_table(doc) -> None:
    """Replace the template's font table (Japanese and Western faces) by the faces this document uses."""
    part = _part(doc, "/word/fontTable.xml")
    if part is None:
        return
    root = etree.fromstring(part.blob)
    for font in list(root):
        root.remove(font)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def child(parent, tag: str, **attrs):
        el = etree.SubElement(parent, w + tag)
        for k, v in attrs.items():
            el.set(w + k, v)
        return el

    for name, alt, panose, charset, family, pitch, sig in FONT_TABLE:
        font = child(root, "font", name=name)
        if alt:
            child(font, "altName", val=alt)
        child(font, "panose1", val=panose)
        child(font, "charset", val=charset)
        child(font, "family", val=family)
        child(font, "pitch", val=pitch)
        child(font, "sig", **dict(zip(("usb0", "usb1", "usb2", "usb3", "csb0", "csb1"), sig)))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _theme(doc) -> None:
    """The theme's East Asian font is its Simplified Chinese face, whatever language the reader's Word has."""
    part = _part(doc, "/word/theme/theme1.xml")
    if part is None:
        return
    root = etree.fromstring(part.blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for collection in ("majorFont", "minorFont"):
        for fonts in root.iter(a + collection):
            hans = next((f.get("typeface") for f in fonts.iter(a + "font") if f.get("script") == "Hans"), "宋体")
            ea = fonts.find(a + "ea")
            if ea is not None:
                ea.set("typeface", hans)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _properties(doc, layout: d.Document) -> None:
    """Core and app properties name the agency and this app; the template's author, description, dates and
    thumbnail (a picture unrelated to the report) go."""
    props = doc.core_properties
    props.title = d.property_text(layout.title)
    props.subject = "政府信息公开工作年度报告"
    props.author = d.property_text(layout.agency) or d.APP_NAME
    props.last_modified_by = d.property_text(layout.agency) or d.APP_NAME
    props.comments = f"由{d.APP_NAME}生成"
    props.keywords = "政府信息公开"
    props.category = ""
    props.language = "zh-CN"
    props.revision = 1
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    app = _part(doc, "/docProps/app.xml")
    if app is not None:
        root = etree.fromstring(app.blob)
        ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
        for tag, value in (("Application", d.APP_NAME), ("Company", d.property_text(layout.agency)), ("Template", "")):
            el = root.find(ns + tag)
            if el is not None:
                el.text = value
        app._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def text_width(text: str, size: float) -> float:
    """Advance of text in a Chinese office font: wide characters one em, digits and Latin half an em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size / 2 for ch in text)


def column_widths(layout: d.TableLayout, size: float, total_pt: float) -> list[float] | None:
    """Column widths in points that give every number its full width on one line and every text column room for
    two characters, as close to the layout's proportions as that allows; None when they cannot fit."""
    return fit_column_widths(layout, total_pt, size, 2 * CELL_MARGIN_TWIPS / 20 + 1,
                             lambda text: text_width(text, size))


def _table(doc, layout: d.TableLayout, styles: _ReportStyles) -> None:
    nrows, ncols = len(layout.rows), layout.columns
    total_pt = Mm(TEXT_WIDTH_MM).pt
    size = TABLE_PT * layout.font_scale
    widths_pt = column_widths(layout, size, total_pt)
    while widths_pt is None and size > TABLE_MIN_PT:  # Word sizes go in half points
        size = max(TABLE_MIN_PT, (int(size * 2) - 1) / 2)
        widths_pt = column_widths(layout, size, total_pt)
    if widths_pt is None:  # cannot happen with the formats' tables; keep the layout's proportions
        widths_pt = [total_pt * w / sum(layout.widths) for w in layout.widths]
    doc.element.body._insert_tbl(parse_xml(_table_xml(layout, nrows, ncols, [Pt(w).twips for w in widths_pt], size,
                                                      styles["cell"].style_id, styles.table_grid_id)))


# The table is written as one piece of XML and parsed once: python-docx's cell API looks up and re-sorts elements
# on every call and cost most of the document's time. The XML is what that API made (doc.add_table, cell.merge,
# widths, vAlign, add_run …), element for element, so Word, LibreOffice and the tests see the same document.
def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(text: str) -> str:
    return _xml_text(text).replace('"', "&quot;")


def _run_content(text: str) -> str:
    """A run's text as python-docx's Run.text writes it: <w:t> pieces, a tab as <w:tab/>, \\n and \\r as <w:br/>."""
    out, piece = [], []

    def flush():
        if piece:
            t = "".join(piece)
            space = ' xml:space="preserve"' if len(t.strip()) < len(t) else ""
            out.append(f"<w:t{space}>{_xml_text(t)}</w:t>")
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
    return ST_HpsMeasure.convert_to_xml(Pt(pt))  # as run.font.size writes it


def _table_xml(layout: d.TableLayout, nrows: int, ncols: int, twips: list[int], size: float, cell_style: str,
               table_style: str | None) -> str:
    # which grid positions a merged cell covers: the first row of a merge starts it (vMerge restart), the rows
    # below continue it; the columns after the first are no cells of their own (gridSpan)
    span_of: dict[tuple[int, int], tuple[int, str | None]] = {}  # (row, col) → (colspan, vMerge)
    covered: set[tuple[int, int]] = set()
    for r, c, cell in layout.cells():
        for dr in range(cell.rowspan):
            vmerge = None if cell.rowspan == 1 else ("restart" if dr == 0 else "continue")
            span_of[(r + dr, c)] = (cell.colspan, vmerge)
            covered.update((r + dr, c + dc) for dc in range(1, cell.colspan))
    style_attr = f' w:val="{_xml_attr(table_style)}"' if table_style else ""
    parts = [f"<w:tbl {nsdecls('w')}><w:tblPr>",
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
    head_font = _xml_attr(FONT_NAMES["黑体"])
    p_style = f'<w:pStyle w:val="{_xml_attr(cell_style)}"/>'
    for r, row in enumerate(layout.rows):
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
                parts.append(f"<w:tc><w:tcPr>{''.join(tc_pr)}</w:tcPr><w:p/></w:tc>")
                continue
            if cell.role == "block":
                tc_pr.append('<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>')
            if cell.is_number:
                tc_pr.append("<w:noWrap/>")
            tc_pr.append('<w:vAlign w:val="center"/>')
            p_pr = p_style + ("<w:keepNext/>" if r < nrows - 1 else "") + \
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
    block = Mm(TEXT_WIDTH_MM).pt
    return (max(0.0, min(right_agency, block - em)),
            max(0.0, min(right_date, block - min(wd, block) if date_text else block - em)))


def _keep_with_closing(doc) -> None:
    """Tie the report's last content to the closing that follows it: keepNext on the last paragraph with text (a
    body paragraph, a heading or a picture's caption), on the blank paragraphs after it, and, when the report
    ends with a table, on every paragraph of its last row (cantSplit keeps the row whole), so Word never moves the
    closing alone onto a new page."""
    body = doc.element.body
    for el in reversed(body):
        if el.tag == qn("w:p"):
            ppr = el.get_or_add_pPr()
            _flag(ppr, "keepNext", True, _PPR_ORDER)
            if "".join(t.text or "" for t in el.iter(qn("w:t"))) or el.find(f".//{qn('w:drawing')}") is not None:
                _flag(ppr, "keepLines", True, _PPR_ORDER)  # the last lines travel with the closing, not one alone
                return
        elif el.tag == qn("w:tbl"):
            rows = el.findall(qn("w:tr"))
            if rows:
                for p in rows[-1].iter(qn("w:p")):
                    _flag(p.get_or_add_pPr(), "keepNext", True, _PPR_ORDER)
            return


def _closing(doc, layout: d.Document, styles: _ReportStyles) -> None:
    """One blank line under the text, then agency and date; the last content (a paragraph, a picture and its
    caption, a table's last row), the blank line and the agency keep with what follows and each closing line
    keeps its lines together, so the closing never stands alone on a page."""
    lines = [(text, indent) for text, indent in zip((layout.agency, layout.date_text),
                                                    closing_indents(layout.agency, layout.date_text)) if text]
    if not lines:
        return
    _keep_with_closing(doc)
    blank = _paragraph(doc, styles["body"]).paragraph_format
    blank.keep_with_next = True
    blank.keep_together = True
    for i, (text, indent) in enumerate(lines):
        p = _paragraph(doc, styles["closing"], text)
        p.paragraph_format.right_indent = Pt(indent)
        p.paragraph_format.keep_with_next = i < len(lines) - 1
        p.paragraph_format.keep_together = True


def picture_size(blob: bytes) -> tuple[Emu, Emu]:
    """Printed size of a picture: its natural size at 96 dpi, scaled down (aspect kept) to the text block's width
    and to 60 % of its height, never enlarged. Raises on data python-docx cannot read as an image."""
    header = PictureHeader.from_blob(blob)
    emu_per_px = 914400 / PICTURE_DPI
    w, h = header.px_width * emu_per_px, header.px_height * emu_per_px
    if w <= 0 or h <= 0:
        raise ValueError("picture without pixels")
    scale = min(1.0, Mm(TEXT_WIDTH_MM) / w, Mm(TEXT_HEIGHT_MM) * PICTURE_MAX_HEIGHT / h)
    return Emu(int(w * scale)), Emu(int(h * scale))


def _title_char_width(ch: str) -> float:
    # Word sets the title itself; a full-width character takes one em, Latin letters and digits about half
    return TITLE_SIZE_PT * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5)


def _title(doc, doc_layout: d.Document, style) -> None:
    """The title broken where the PDF breaks it (after “YYYY年”, else after the agency), as line breaks inside one
    paragraph, so Word never splits 政府信息公开工作年度报告 or a word of the agency's name."""
    lines = break_title(doc_layout.title, _title_char_width, Mm(TEXT_WIDTH_MM).pt,
                        title_breaks(doc_layout.title, doc_layout.agency))
    paragraph = _paragraph(doc, style)
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        if i < len(lines) - 1:
            run.add_break()


def render_docx(doc_layout: d.Document) -> bytes:
    doc = new_docx()
    styles = _styles(doc)
    _page_setup(doc, doc_layout.draft_mark)
    _settings(doc)
    _font_table(doc)
    _theme(doc)
    body = doc.paragraphs[0] if doc.paragraphs else None
    if body is not None:
        body._p.getparent().remove(body._p)
    _title(doc, doc_layout, styles["title"])
    _paragraph(doc, styles["body"])
    for el in doc_layout.body:
        if isinstance(el, d.Heading):
            add_text(_paragraph(doc, styles["h1" if el.level == 1 else "h2"]), el.text)
        elif isinstance(el, d.Paragraph):
            add_text(_paragraph(doc, styles["body"]), el.text)
        elif isinstance(el, d.Figure):
            if el.image:
                try:
                    width, height = picture_size(el.image)
                    p = _paragraph(doc, styles["caption"])
                    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
                    p.add_run().add_picture(io.BytesIO(el.image), width=width, height=height)
                    p.paragraph_format.keep_with_next = bool(el.caption)
                except Exception:  # an unreadable picture must not stop the report: keep its caption
                    pass
            if el.caption:
                add_text(_paragraph(doc, styles["caption"]), el.caption)
        elif isinstance(el, d.TableLayout):
            _table(doc, el, styles)
            _paragraph(doc, styles["body"])
    _closing(doc, doc_layout, styles)
    _properties(doc, doc_layout)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
