"""The Word document as Word and WPS read it: line and page breaking, the 28 × 22 grid, pictures, fonts, language
and properties, checked in the DOCX XML of the seeds and of the demanding draft."""

import base64
import io
import os
import re
import shutil
import struct
import subprocess
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest
from lxml import etree

from export.writers import write_report
from model.draft import Figure
from model.drafts_io import load_draft
from model.state import ReportState
from tests.data.demanding import demanding_state

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
EMU_PER_MM = 36000
EMU_PER_PX = 914400 // 96
TEXT_W_PT, TEXT_H_PT = 156 / 25.4 * 72, 225 / 25.4 * 72


def png(width: int, height: int) -> bytes:
    """A plain RGB PNG of the given pixel size."""
    raw = b"".join(b"\x00" + b"\x30\x60\x90" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PICTURES = {"tall": (400, 3000), "wide": (3000, 400), "tiny": (60, 40)}


class Docx:
    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path)

    def xml(self, part: str):
        return etree.fromstring(self.zip.read(part))

    def style(self, name: str):
        return next(s for s in self.xml("word/styles.xml").iter(W + "style")
                    if s.find(W + "name").get(W + "val") == name)


def flag_on(parent, tag: str) -> bool:
    el = parent.find(W + tag)
    return el is not None and el.get(W + "val") not in ("0", "false", "off")


@pytest.fixture(scope="module")
def demanding(tmp_path_factory):
    state = demanding_state()
    blocks = list(state.blocks("s5"))
    for name, (w, h) in PICTURES.items():
        blocks.append(Figure(caption=f"{name}图", image=base64.b64encode(png(w, h)).decode(), mime="image/png"))
    state.set_blocks("s5", blocks)
    path = tmp_path_factory.mktemp("docx") / "demanding.docx"
    write_report(state, "docx", path, allow_errors=True)
    return Docx(path)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed") / "sample.docx"
    write_report(ReportState(load_draft(SEEDS / "sample-2024.json")), "docx", path)
    return Docx(path)


def test_body_text_is_justified_with_chinese_kinsoku_and_no_hanging_punctuation(demanding):
    for name in ("正文", "一级标题", "二级标题"):
        ppr = demanding.style(name).find(W + "pPr")
        assert ppr.find(W + "jc").get(W + "val") == "both", name
        assert flag_on(ppr, "kinsoku") and not flag_on(ppr, "overflowPunct"), name
        assert flag_on(ppr, "snapToGrid"), name
    body = demanding.xml("word/document.xml").find(W + "body")
    paragraphs = [p for p in body.iter(W + "p") if p.find(f"{W}pPr/{W}pStyle") is not None
                  and p.find(f"{W}pPr/{W}pStyle").get(W + "val") == demanding.style("正文").get(W + "styleId")]
    assert len(paragraphs) > 20
    assert all(p.find(f"{W}pPr/{W}jc") is None for p in paragraphs)  # no paragraph overrides the justification
    settings = demanding.xml("word/settings.xml")
    before = settings.find(W + "noLineBreaksBefore")
    after = settings.find(W + "noLineBreaksAfter")
    assert before.get(W + "lang") == after.get(W + "lang") == "zh-CN"
    assert set("，。、；：？！”’）》」』…％") <= set(before.get(W + "val"))
    assert set("“‘（《「『") <= set(after.get(W + "val"))
    assert not set("“‘（《") & set(before.get(W + "val"))
    # settings children in schema order: the lists right after characterSpacingControl
    names = [c.tag.replace(W, "") for c in settings]
    i = names.index("characterSpacingControl")
    assert names[i + 1:i + 3] == ["noLineBreaksAfter", "noLineBreaksBefore"]


def test_the_page_grid_holds_28_characters_by_22_lines(seed):
    grid = seed.xml("word/document.xml").find(f"{W}body/{W}sectPr/{W}docGrid")
    assert grid.get(W + "type") == "linesAndChars"
    line_pitch = int(grid.get(W + "linePitch")) / 20
    assert 22 * line_pitch <= TEXT_H_PT < 23 * line_pitch
    normal = seed.style("Normal").find(f"{W}rPr/{W}sz")
    normal_pt = int(normal.get(W + "val")) / 2
    char_pitch = normal_pt + int(grid.get(W + "charSpace")) / 4096
    assert 28 * char_pitch <= TEXT_W_PT < 29 * char_pitch
    assert char_pitch == pytest.approx(15.75)
    # body glyphs no larger than a grid cell, so each character takes one cell (LibreOffice and WPS give a larger
    # one two cells)
    for name in ("正文", "一级标题", "二级标题"):
        assert int(seed.style(name).find(f"{W}rPr/{W}sz").get(W + "val")) / 2 <= char_pitch
    # the title (22 pt) and table text stay off the character grid
    for name in ("标题", "表格文字"):
        assert not flag_on(seed.style(name).find(W + "pPr"), "snapToGrid")


def test_headings_keep_with_what_follows_and_widow_control_is_on(demanding):
    for name in ("一级标题", "二级标题", "标题"):
        ppr = demanding.style(name).find(W + "pPr")
        assert flag_on(ppr, "keepNext") and flag_on(ppr, "keepLines"), name
    assert flag_on(demanding.style("正文").find(W + "pPr"), "widowControl")
    ids = {demanding.style(n).get(W + "styleId") for n in ("一级标题", "二级标题")}
    headings = [p for p in demanding.xml("word/document.xml").iter(W + "p")
                if p.find(f"{W}pPr/{W}pStyle") is not None and p.find(f"{W}pPr/{W}pStyle").get(W + "val") in ids]
    assert len(headings) >= 16  # six sections and ten sub-heads
    for p in headings:  # nothing on the paragraph turns the style's keeping off
        assert p.find(f"{W}pPr/{W}keepNext") is None or flag_on(p.find(W + "pPr"), "keepNext")


def _text_width(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size / 2 for ch in text)


def test_table_rows_never_split_header_rows_repeat_and_numbers_never_wrap(demanding):
    doc = demanding.xml("word/document.xml")
    tables = list(doc.iter(W + "tbl"))
    assert len(tables) == 3
    for table in tables:
        rows = table.findall(W + "tr")
        assert all(flag_on(r.find(W + "trPr"), "cantSplit") for r in rows)
    s3 = tables[1].findall(W + "tr")
    assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in s3[:4]] == [True, True, True, False]
    numbers = 0
    for table in tables:
        grid = [int(g.get(W + "w")) / 20 for g in table.find(W + "tblGrid")]
        for row in table.findall(W + "tr"):
            col = 0
            for tc in row.findall(W + "tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span.get(W + "val")) if span is not None else 1
                text = "".join(t.text or "" for t in tc.iter(W + "t"))
                if text.isdigit() or text.replace(".", "", 1).isdigit():
                    numbers += 1
                    assert flag_on(tc.find(W + "tcPr"), "noWrap"), text
                    size = int(next(tc.iter(W + "sz")).get(W + "val")) / 2
                    room = sum(grid[col:col + span]) - 2 * 2  # the cell's left and right margins
                    assert _text_width(text, size) <= room, (text, size, room)
                col += span
    assert numbers >= 68
    widest = max(len(t.text or "") for t in doc.iter(W + "t") if (t.text or "").isdigit())
    assert widest >= 7  # the demanding draft's cells hold 7-digit numbers


def test_pictures_keep_their_aspect_and_stay_within_the_text_block(demanding):
    doc = demanding.xml("word/document.xml")
    extents = {}
    for drawing in doc.iter(WP + "inline"):
        name = drawing.find(WP + "docPr").get("name")
        extent = drawing.find(WP + "extent")
        extents[name] = (int(extent.get("cx")), int(extent.get("cy")))
    placed = list(extents.values())[-3:]  # the three pictures added last, in document order
    for (w_px, h_px), (cx, cy) in zip(PICTURES.values(), placed):
        assert cx <= 156 * EMU_PER_MM and cy <= 0.6 * 225 * EMU_PER_MM
        assert cx <= w_px * EMU_PER_PX and cy <= h_px * EMU_PER_PX  # never enlarged beyond 96 dpi
        assert cx / cy == pytest.approx(w_px / h_px, rel=0.01)
    tall, wide, tiny = placed
    assert tall[1] == pytest.approx(0.6 * 225 * EMU_PER_MM, rel=0.001)  # as tall as allowed
    assert wide[0] == pytest.approx(156 * EMU_PER_MM, rel=0.001)  # as wide as the text block
    assert tiny == (60 * EMU_PER_PX, 40 * EMU_PER_PX)  # at its natural size


def test_gb_font_names_carry_the_stock_windows_faces_as_alternates(seed):
    fonts = {f.get(W + "name"): f for f in seed.xml("word/fontTable.xml").iter(W + "font")}
    expected = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体",
                "仿宋": "FangSong", "楷体": "KaiTi", "黑体": "SimHei", "宋体": "SimSun"}
    for name, alt in expected.items():
        assert fonts[name].find(W + "altName").get(W + "val") == alt, name
        assert fonts[name].find(W + "charset").get(W + "val") == "86", name  # GB2312 character set
        assert len(fonts[name].find(W + "panose1").get(W + "val")) == 20
    # the GB/T face falls back by metrics to its stock face, too
    assert fonts["仿宋_GB2312"].find(W + "panose1").get(W + "val") == fonts["仿宋"].find(W + "panose1").get(W + "val")
    assert not any(ch in "".join(fonts) for ch in "ＭＳ明朝ゴシック")  # no Japanese faces from the template
    # every face the report's text names is in the table (the template's unused styles aside)
    elements = [seed.xml("word/styles.xml").find(W + "docDefaults"), seed.xml("word/document.xml"),
                seed.xml("word/footer1.xml")]
    elements += [seed.style(n) for n in ("Normal", "标题", "一级标题", "二级标题", "正文", "表格文字", "落款")]
    used = {rf.get(W + a) for el in elements for rf in el.iter(W + "rFonts")
            for a in ("ascii", "hAnsi", "eastAsia") if rf.get(W + a)}
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"} <= used <= set(fonts)


def test_language_is_simplified_chinese_in_styles_settings_and_theme(seed):
    styles = seed.xml("word/styles.xml")
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(W + "eastAsia") == "zh-CN"
    assert seed.xml("word/settings.xml").find(W + "themeFontLang").get(W + "eastAsia") == "zh-CN"
    theme = seed.xml("word/theme/theme1.xml")
    for collection in ("majorFont", "minorFont"):
        fonts = next(theme.iter(A + collection))
        hans = next(f.get("typeface") for f in fonts.iter(A + "font") if f.get("script") == "Hans")
        assert fonts.find(A + "ea").get("typeface") == hans == "宋体"


def test_document_properties_name_the_agency_and_the_app_not_the_library(seed):
    core = seed.zip.read("docProps/core.xml").decode("utf-8")
    app = seed.zip.read("docProps/app.xml").decode("utf-8")
    assert "python-docx" not in core + app and "Macintosh" not in app
    root = etree.fromstring(core.encode("utf-8"))
    values = {el.tag.split("}")[1]: el.text for el in root}
    assert values["creator"] == values["lastModifiedBy"] == "江南市临江区人民政府"
    assert "政务公开年报助手" in values["description"]
    assert values["title"] == "江南市临江区人民政府2024年政府信息公开工作年度报告"
    assert not values["created"].startswith("2013")
    assert "<Application>政务公开年报助手</Application>" in app
    assert "docProps/thumbnail.jpeg" not in seed.zip.namelist()


# faces with which LibreOffice stands in for the Windows ones on Linux (tech notes §1)
_STAND_INS = {"AR PL UMing CN": ("仿宋_GB2312", "仿宋", "FangSong", "宋体", "SimSun", "方正小标宋简体"),
              "AR PL UKai CN": ("楷体_GB2312", "楷体", "KaiTi"), "WenQuanYi Zen Hei": ("黑体", "SimHei")}


def _fontconfig_with_stand_ins(folder: Path) -> Path:
    aliases = "".join(f'<alias binding="same"><family>{name}</family><prefer><family>{face}</family></prefer></alias>'
                      for face, names in _STAND_INS.items() for name in names)
    conf = folder / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<include>/etc/fonts/fonts.conf</include>{aliases}</fontconfig>', encoding="utf-8")
    return conf


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_sets_28_characters_a_line_and_22_lines_a_page(demanding, tmp_path):
    """The grid read by another word processor than Word: every full line of Chinese text holds 28 characters and a
    page of narrative 22 lines (a 16 pt glyph on the 15.75 pt grid would take two cells: 14 characters a line)."""
    source = tmp_path / "demanding.docx"
    source.write_bytes(Path(demanding.zip.filename).read_bytes())
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig_with_stand_ins(tmp_path)))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], capture_output=True, env=env, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "demanding.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    full_lines = []
    for page in pages[1:4]:  # narrative pages
        lines = [ln for ln in page.split("\n") if ln.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)]
        assert len(lines) == 22
        # lines of Chinese characters only, not a paragraph's first (indented) line
        full_lines += [ln.strip() for ln in lines if not ln.startswith("  ") and
                       all(unicodedata.east_asian_width(ch) in ("W", "F") for ch in ln.strip().replace(" ", ""))]
    lengths = [len(ln.replace(" ", "")) for ln in full_lines]
    assert len(lengths) >= 5 and max(lengths) == 28
    assert sum(n == 28 for n in lengths) >= len(lengths) - 2  # only a paragraph's last line is shorter


def test_the_closing_follows_gb_9704_and_never_stands_alone_on_a_page(demanding):
    """GB/T 9704-2012 7.3.5: agency two characters in from the right, the date under it starting two characters
    right of the agency's first character (a longer date two in from the right, the agency moving left); the
    last paragraph, the blank line and the agency keep with what follows."""
    body = demanding.xml("word/document.xml").find(W + "body")
    paragraphs = [p for p in body if p.tag == W + "p"]
    texts = ["".join(t.text or "" for t in p.iter(W + "t")) for p in paragraphs]
    state = demanding_state()
    date_text = texts[-1]
    agency = texts[-2]
    assert agency == state.meta.agency and texts[-3] == "" and texts[-4]
    for p in paragraphs[-4:-1]:
        assert flag_on(p.find(W + "pPr"), "keepNext")
    em = 15.75
    right = [int(p.find(f"{W}pPr/{W}ind").get(W + "right")) / 20 for p in paragraphs[-2:]]
    start_agency = TEXT_W_PT - right[0] - _text_width(agency, em)
    start_date = TEXT_W_PT - right[1] - _text_width(date_text, em)
    if _text_width(date_text, em) + 2 * em <= _text_width(agency, em):
        assert right[0] == pytest.approx(2 * em, abs=0.1)
    else:
        assert right[1] == pytest.approx(2 * em, abs=0.1)
    assert start_date - start_agency == pytest.approx(2 * em, abs=0.1)


def _title_lines(docx: Docx) -> list[str]:
    """The title paragraph's text, split where it holds line breaks (w:br)."""
    first = next(docx.xml("word/document.xml").iter(W + "p"))
    lines = [""]
    for el in first.iter(W + "t", W + "br"):
        if el.tag == W + "br":
            lines.append("")
        else:
            lines[-1] += el.text or ""
    return lines


@pytest.mark.parametrize("name", ["sample-2024", "yuexiu-2023", "panyu-2020"])
def test_the_title_breaks_after_the_year_and_keeps_its_tail_whole(tmp_path, name):
    state = ReportState(load_draft(SEEDS / f"{name}.json"))
    path = tmp_path / f"{name}.docx"
    write_report(state, "docx", path, allow_errors=True)
    lines = _title_lines(Docx(path))
    title = "".join(lines)
    assert title.endswith("政府信息公开工作年度报告")
    # as the published reports set it: the agency and the year on the upper line, the kind of report whole below
    assert len(lines) == 2 and re.search(r"\d{4}年$", lines[0]) and lines[1] == "政府信息公开工作年度报告", lines


def test_a_title_too_long_for_two_lines_breaks_after_the_agency_not_inside_a_word(tmp_path):
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    agency = "某某省某某市某某区人民政府办公室政务公开和政务服务管理科"
    state.set_meta(agency=agency)
    path = tmp_path / "long.docx"
    write_report(state, "docx", path, allow_errors=True)
    lines = _title_lines(Docx(path))
    assert "".join(lines).endswith("政府信息公开工作年度报告")
    assert any(line.endswith("政府信息公开工作年度报告") and "政府信息公开工作年度报告" in line for line in lines)
    assert all(len(line) <= 20 for line in lines), lines  # 20 characters of 22 pt fill the 156 mm block


def test_the_2019_procurement_amount_names_its_unit_in_the_table(tmp_path):
    path = tmp_path / "panyu.docx"
    write_report(ReportState(load_draft(SEEDS / "panyu-2020.json")), "docx", path, allow_errors=True)
    cells = ["".join(t.text or "" for t in tc.iter(W + "t"))
             for tc in Docx(path).xml("word/document.xml").iter(W + "tc")]
    at = cells.index("采购项目数量")
    assert cells[at + 1] == "采购总金额（单位：万元）"
    assert cells[cells.index("政府集中采购") + 2] == "2.9786"  # the amount itself stays the bare number
    assert sum("万元" in c for c in cells) == 1


def _closing_chain(last) -> list:
    """The body's elements from the last content to the end, for a report ending with `last`."""
    from export import document as d
    from export.docx_writer import render_docx

    doc = d.Document("江南市临江区人民政府2024年政府信息公开工作年度报告", "江南市临江区人民政府", "2025年1月20日",
                     [d.Heading(1, "一、总体情况"), d.Paragraph("本机关依法依规做好政府信息公开工作。"), last])
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(render_docx(doc))).read("word/document.xml"))
    return [el for el in body.find(W + "body") if el.tag in (W + "p", W + "tbl")]


def _ppr_flags(p) -> set[str]:
    ppr = p.find(W + "pPr")
    return {tag for tag in ("keepNext", "keepLines") if ppr is not None and flag_on(ppr, tag)}


def test_a_final_table_keeps_its_last_row_with_the_closing():
    from export import document as d

    head = [d.Cell("事项名称", "head"), d.Cell("本年数量", "head")]
    rows = [[d.Cell(f"第{i}项", "label"), d.Cell(str(1234567 + i), "value")] for i in range(6)]
    chain = _closing_chain(d.TableLayout("t", 2, [3.0, 1.0], 1, [head, *rows]))
    table = next(el for el in reversed(chain) if el.tag == W + "tbl")
    after = chain[chain.index(table) + 1:]
    last_row = table.findall(W + "tr")[-1]
    assert last_row.find(f"{W}trPr/{W}cantSplit") is not None
    assert all("keepNext" in _ppr_flags(p) for p in last_row.iter(W + "p"))
    texts = ["".join(t.text or "" for t in p.iter(W + "t")) for p in after]
    assert texts[-2:] == ["江南市临江区人民政府", "2025年1月20日"]
    for p in after[:-1]:  # the blank lines and the agency keep with the next, every closing line keeps its lines
        assert "keepNext" in _ppr_flags(p)
    assert all("keepLines" in _ppr_flags(p) for p in after[-3:])


def test_a_final_picture_and_its_caption_keep_with_the_closing():
    from export import document as d

    chain = _closing_chain(d.Figure("政务服务大厅现场照片", png(300, 200)))
    picture = next(p for p in chain if p.find(f".//{W}drawing") is not None)
    after = chain[chain.index(picture):]
    texts = ["".join(t.text or "" for t in p.iter(W + "t")) for p in after]
    assert texts == ["", "政务服务大厅现场照片", "", "江南市临江区人民政府", "2025年1月20日"]
    assert all("keepNext" in _ppr_flags(p) for p in after[:-1])
    assert "keepLines" in _ppr_flags(after[1])  # the caption


_MARK_BASE = "全年围绕政务公开重点工作持续深化决策执行管理服务结果公开回应社会关切提升政府公信力推进信息公开标准化规范化建设"


def _lines_with_marks(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [ln.replace(" ", "") for ln in text.splitlines() if ln.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_ellipsis_and_dash_are_never_split_across_lines_in_the_pdf_nor_in_libreoffice(tmp_path):
    """“……” and “——” at every place around a line's end (the 28th character and either side of it): neither our PDF
    nor LibreOffice's render of our DOCX (grid mode) splits one between two lines or starts a line with “……”, and
    the text comes out of both, and out of our DOCX importer, exactly as it went in."""
    from export import document as d
    from export.docx_writer import render_docx
    from export.pdf_writer import render_pdf
    from model.draft import Paragraph
    from model.importers import import_file

    texts = [_MARK_BASE[:k] + mark + _MARK_BASE[k:k + 20] + "。" for mark in ("……", "——") for k in range(22, 30)]
    doc = d.Document("测试", "江南市临江区人民政府", "2025年1月20日", [d.Paragraph(t) for t in texts])
    (tmp_path / "ours.pdf").write_bytes(render_pdf(doc))
    source = tmp_path / "marks.docx"
    source.write_bytes(render_docx(doc))
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig_with_stand_ins(tmp_path)))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], capture_output=True, env=env, timeout=180)
    for pdf in (tmp_path / "ours.pdf", tmp_path / "marks.pdf"):
        lines = _lines_with_marks(pdf)
        split = [(a[-3:], b[:3]) for a, b in zip(lines, lines[1:]) if a[-1] in "…—" and b[0] == a[-1]]
        assert split == [], pdf.name
        assert [ln for ln in lines if ln.startswith("…")] == [], pdf.name
        assert "".join(texts) in "".join(lines), pdf.name  # nothing added, nothing lost
        # the full lines holding a mark keep 28 characters: the marks' grid cells are the same as before
        assert sum(len(ln) == 26 and ("……" in ln or "——" in ln) for ln in lines) >= 6, pdf.name
    body = [p for p in Docx(source).xml("word/document.xml").iter(W + "p")]
    assert ["".join(t.text or "" for t in p.iter(W + "t")) for p in body[2:2 + len(texts)]] == texts
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    state.set_blocks("s5", [Paragraph(text=t) for t in texts[::5]])
    draft, _ = import_file(write_report(state, "docx", tmp_path / "back.docx", allow_errors=True).path)
    assert [b.text for b in draft.narrative["s5"]] == texts[::5]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_never_sets_the_closing_alone_after_a_final_picture_or_table(tmp_path):
    """Reports ending with a picture or a table of lengths that end it at a page's foot, through LibreOffice: the
    page holding the closing always holds the picture's caption or the table's last row above it."""
    from export import document as d
    from export.docx_writer import render_docx

    sentence = "本机关依法依规做好政府信息公开工作，持续深化决策、执行、管理、服务、结果公开。"
    head = [d.Cell("事项名称", "head"), d.Cell("本年数量", "head")]
    finals = {f"picture{n}": d.Figure("现场照片", png(600, 450)) for n in (18, 19)}
    finals.update({f"table{n}": d.TableLayout("t", 2, [3.0, 1.0], 1, [head, *(
        [d.Cell(f"第{i + 1}项依申请公开事项", "label"), d.Cell(str(1234567 + i), "value")] for i in range(n))])
        for n in (22, 26)})
    for name, last in finals.items():
        text = [d.Paragraph(sentence * (int(name[7:]) if name.startswith("picture") else 4))]
        doc = d.Document("江南市临江区人民政府2024年政府信息公开工作年度报告", "江南市临江区人民政府", "2025年1月20日",
                         [d.Heading(1, "一、总体情况"), *text, last])
        (tmp_path / f"{name}.docx").write_bytes(render_docx(doc))
    env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig_with_stand_ins(tmp_path)))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), *(str(tmp_path / f"{n}.docx") for n in finals)],
                   capture_output=True, env=env, timeout=300)
    for name, last in finals.items():
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
        page = next(p for p in text.split("\f") if "江南市临江区人民政府\n" in p)
        lines = [ln.replace(" ", "") for ln in page.splitlines() if ln.strip()]
        above = lines[:lines.index("江南市临江区人民政府")]
        expected = "现场照片" if name.startswith("picture") else f"第{len(last.rows) - 1}项依申请公开事项"
        assert any(ln.startswith(expected) for ln in above), f"{name}: the closing starts page alone"
