"""The parts of the Word file that do not depend on the report, made with python-docx and stored in resources/docx/.

    uv run python packaging/make_docx_parts.py [--check]

export/docx_writer.py writes the .docx itself (zip and XML text) and takes these parts as they are: python-docx's
template as our styles, settings, font table, theme, page setup and page-number footers change it (the code below,
which made every Word file before), so the export never imports python-docx. Two variants: without and with the
draft mark's header (“草稿（未通过校验）”). Parts equal in both go to resources/docx/shared/, the others to
resources/docx/plain/ and resources/docx/draft/. word/document.xml is the body's frame (the section properties,
which the writer puts the report's paragraphs in front of); docProps hold tokens for the report's title, agency
and time. --check only tells whether the stored parts match what this script makes (tests run it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from docx import Document as new_docx  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Mm, Pt, RGBColor  # noqa: E402
from lxml import etree  # noqa: E402

from export import document as d  # noqa: E402
from export.docx_writer import (BODY_PT, FONT_NAMES, FONT_TABLE, GRID_CHAR_SPACE, GRID_LINE_PITCH,  # noqa: E402
                                LINE_PT, NOT_AT_LINE_END, NOT_AT_LINE_START, PARTS_DIR, STYLE_IDS, TABLE_PT,
                                TITLE_SIZE_PT, TOKENS)

# A fixed time for the core properties, replaced by the token the writer fills in with the time of the export
_TOKEN_TIME = dt.datetime(2000, 1, 1)
_TOKEN_TIME_TEXT = "2000-01-01T00:00:00Z"

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


def _styles(doc) -> dict[str, str]:
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

    report_styles = {role: style.style_id for role, style in {
        "title": make("标题", FONT_NAMES["小标宋"], TITLE_SIZE_PT, WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False,
                      grid=False, heading=True),
        "h1": make("一级标题", FONT_NAMES["黑体"], BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, heading=True),
        "h2": make("二级标题", FONT_NAMES["楷体"], BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, heading=True),
        "body": make("正文", FONT_NAMES["仿宋"], BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY),
        "caption": make("图片说明", FONT_NAMES["楷体"], 14, WD_ALIGN_PARAGRAPH.CENTER, indent=False, grid=False),
        "cell": make("表格文字", FONT_NAMES["仿宋"], TABLE_PT, WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False,
                     grid=False),
        "closing": make("落款", FONT_NAMES["仿宋"], BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT, indent=False),
    }.items()}
    report_styles["table"] = doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE)
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


def _properties(doc) -> None:
    """Core and app properties name the agency and this app; the template's author, description, dates and
    thumbnail (a picture unrelated to the report) go. The report's own values are tokens the writer fills in."""
    props = doc.core_properties
    props.title = TOKENS["title"]
    props.subject = "政府信息公开工作年度报告"
    props.author = TOKENS["author"]
    props.last_modified_by = TOKENS["author"]
    props.comments = f"由{d.APP_NAME}生成"
    props.keywords = "政府信息公开"
    props.category = ""
    props.language = "zh-CN"
    props.revision = 1
    props.created = _TOKEN_TIME
    props.modified = _TOKEN_TIME
    app = _part(doc, "/docProps/app.xml")
    if app is not None:
        root = etree.fromstring(app.blob)
        ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
        for tag, value in (("Application", d.APP_NAME), ("Company", TOKENS["company"]), ("Template", "")):
            el = root.find(ns + tag)
            if el is not None:
                el.text = value
        app._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    rels = doc.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[rid]


def package(draft_mark: bool) -> dict[str, bytes]:
    """Every part of a Word file with an empty body, by part name, as python-docx writes it."""
    doc = new_docx()
    style_ids = _styles(doc)
    if style_ids != STYLE_IDS:
        raise SystemExit(f"python-docx gives the styles other ids than export/docx_writer.py: {style_ids}")
    _page_setup(doc, draft_mark)
    _settings(doc)
    _font_table(doc)
    _theme(doc)
    if doc.paragraphs:  # the template's body holds nothing but the section properties today
        raise SystemExit("python-docx's template has paragraphs: the body's frame would hold them")
    _properties(doc)
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(_TOKEN_TIME_TEXT.encode(), TOKENS["now"].encode())
    return parts


def stored_parts() -> dict[str, bytes]:
    """What goes into resources/docx/, by path under it."""
    plain, draft = package(False), package(True)
    out = {}
    for name in sorted(set(plain) | set(draft)):
        if plain.get(name) == draft.get(name):
            out[f"shared/{name}"] = plain[name]
            continue
        if name in plain:
            out[f"plain/{name}"] = plain[name]
        if name in draft:
            out[f"draft/{name}"] = draft[name]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the parts of the Word file that do not depend on the report.")
    parser.add_argument("--check", action="store_true", help="only compare with the stored parts")
    args = parser.parse_args(argv)
    made = stored_parts()
    on_disk = {p.relative_to(PARTS_DIR).as_posix(): p.read_bytes() for p in PARTS_DIR.rglob("*") if p.is_file()}
    if args.check:
        stale = sorted(name for name in set(made) | set(on_disk) if made.get(name) != on_disk.get(name))
        for name in stale:
            print(f"differs: resources/docx/{name}")
        return 1 if stale else 0
    for name in set(on_disk) - set(made):
        (PARTS_DIR / name).unlink()
    for name, data in made.items():
        path = PARTS_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"{len(made)} parts in {PARTS_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
