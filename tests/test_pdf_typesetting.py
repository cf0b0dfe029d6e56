"""The PDF's line and page breaking, measured on the rendered pages (pdftotext -bbox-layout word positions).

For the three seeds and the demanding draft (tests/data/demanding.py): no line starts with closing punctuation or
ends with opening punctuation, nothing passes the text block's right edge, every line of a paragraph but its last
ends at the right edge, the title breaks at a meaningful boundary, numbers in table cells stay whole, headings are
never last on a page, no paragraph leaves a single line alone, the closing agency and date follow GB/T 9704 7.3.5
and the narrative takes no more pages than it needs plus one.
"""

from __future__ import annotations

import base64
import io
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from export import document as d
from export.linebreak import CANNOT_END, CANNOT_START, break_lines, break_title
from export.writers import write_report
from model.draft import Figure, Paragraph
from model.drafts_io import load_draft
from model.state import ReportState
from tests.data.demanding import demanding_state

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NAMES = ["sample-2024", "panyu-2020", "yuexiu-2023", "demanding"]
MM = 72 / 25.4
LEFT, RIGHT = 28 * MM, (28 + 156) * MM
TOP, BOTTOM = 37 * MM, (37 + 225) * MM  # from the top of the page, as pdftotext counts
LEADING = 225 * MM / 22
BODY = 15.75
NS = "{http://www.w3.org/1999/xhtml}"


@dataclass
class Row:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    words: list[str]
    size: float  # the text's size: the smallest word box height (fallback faces draw taller boxes)


def rows_of(pdf: Path) -> list[Row]:
    """Printed lines: words grouped by page and baseline, left to right, inside the text block (page numbers and
    the draft mark above the block are left out)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    root = ET.fromstring(xml)
    rows: list[Row] = []
    for n, page in enumerate(root.iter(f"{NS}page"), start=1):
        by_line: dict[float, list] = {}
        for w in page.iter(f"{NS}word"):
            x0, y0, x1, y1 = (float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            if y0 < TOP - 2 or y1 > BOTTOM + 2 or y1 - y0 > 30:
                continue  # outside the text block, or the large draft mark across the page
            mid = (y0 + y1) / 2  # fallback faces have other ascent and descent: group by the middle
            key = next((k for k in by_line if abs(k - mid) < 0.3 * (y1 - y0)), mid)
            by_line.setdefault(key, []).append((x0, x1, y0, y1, w.text or ""))
        for key in sorted(by_line):
            words = sorted(by_line[key])
            rows.append(Row(n, min(w[2] for w in words), max(w[3] for w in words), words[0][0],
                            max(w[1] for w in words), "".join(w[4] for w in words), [w[4] for w in words],
                            min(w[3] - w[2] for w in words)))
    return rows


def body_rows(rows: list[Row]) -> list[Row]:
    """Lines in the body size (text, headings, closing) — not the title, captions or table cells."""
    return [r for r in rows if abs(r.size - BODY) < 0.6]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = {}
    for name in NAMES:
        state = demanding_state() if name == "demanding" else ReportState(load_draft(SEEDS / f"{name}.json"))
        path = tmp_path_factory.mktemp(name) / f"{name}.pdf"
        result = write_report(state, "pdf", path, allow_errors=True)
        doc = d.build_document(state)
        out[name] = (state, doc, rows_of(path), path, result)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(rendered, name):
    _, _, rows, _, _ = rendered[name]
    text_rows = [r for r in rows if r.size > 13]  # body, headings, title, captions; table cells are smaller
    faults = [r.text for r in text_rows if r.text[0] in CANNOT_START or r.text[-1] in CANNOT_END]
    assert faults == []


@pytest.mark.parametrize("name", NAMES)
def test_nothing_passes_the_right_edge_of_the_text_block(rendered, name):
    _, _, rows, _, _ = rendered[name]
    over = [(round(r.x1 - RIGHT, 1), r.text) for r in rows if r.x1 > RIGHT + 0.3 or r.x0 < LEFT - 0.3]
    assert over == []


@pytest.mark.parametrize("name", NAMES)
def test_every_line_of_a_paragraph_but_the_last_ends_at_the_right_edge(rendered, name):
    _, _, rows, _, _ = rendered[name]
    body = body_rows(rows)
    short = []
    for row, nxt in zip(body, body[1:]):
        continues = abs(nxt.x0 - LEFT) < 0.5  # the next line is not indented: same paragraph
        if continues and abs(row.x1 - RIGHT) > 1.0:
            short.append((round(RIGHT - row.x1, 1), row.text))
    assert short == []
    assert len(body) > 20


@pytest.mark.parametrize("name", NAMES)
def test_title_breaks_after_the_agency_or_the_year_and_keeps_its_tail_whole(rendered, name):
    _, doc, rows, _, _ = rendered[name]
    title = [r for r in rows if r.page == 1 and r.size > 20]
    text = "".join(r.text for r in title)
    assert text == doc.title
    lines = [r.text for r in title]
    tail = re.search(r"\d{4}年(.*)$", doc.title).group(1)  # 政府信息公开工作年度报告
    assert any(tail in line for line in lines)
    for upper, lower in zip(lines, lines[1:]):
        cut = doc.title.index(upper) + len(upper)
        assert cut == len(doc.agency) or re.fullmatch(r".*\d{4}年", doc.title[:cut]), lines
    widths = [r.x1 - r.x0 for r in title]
    if len(widths) == 2:  # balanced: the shorter line at least half the longer
        assert min(widths) >= 0.5 * max(widths), lines


@pytest.mark.parametrize("name", NAMES)
def test_numbers_in_table_cells_stay_on_one_line(rendered, name):
    _, doc, rows, _, _ = rendered[name]
    words = set()
    for r in rows:
        words.update(w for word in r.words for w in re.findall(r"[\d.]+", word))
    numbers = [cell.text for el in doc.body if isinstance(el, d.TableLayout) for _, _, cell in el.cells()
               if cell.is_number and cell.text]
    split = sorted({n for n in numbers if re.fullmatch(r"[\d.]+", n) and n not in words})
    assert split == []
    if name == "demanding":
        assert max(len(n) for n in numbers) >= 7


@pytest.mark.parametrize("name", NAMES)
def test_a_heading_is_never_last_on_a_page_and_keeps_two_lines_of_its_paragraph(rendered, name):
    _, doc, rows, _, _ = rendered[name]
    body = body_rows(rows)
    headings = [el for el in doc.body if isinstance(el, d.Heading)]
    for i, el in enumerate(doc.body):
        if not isinstance(el, d.Heading):
            continue
        at = next(k for k, r in enumerate(body) if r.text == el.text.replace(" ", ""))
        row = body[at]
        same_page_after = [r for r in rows if r.page == row.page and r.top > row.bottom]
        assert same_page_after, f"{el.text} is last on page {row.page}"
        nxt = doc.body[i + 1] if i + 1 < len(doc.body) else None
        if isinstance(nxt, d.Paragraph):
            following = [r for r in body[at + 1:at + 3]]
            assert len(following) == 2 and all(r.page == row.page for r in following), el.text
            # kept with two lines, not the whole paragraph: it moves to a new page only when those do not fit
            before = [r for r in rows if r.page == row.page - 1]
            first_here = min((r for r in rows if r.page == row.page), key=lambda r: r.top)
            if before and first_here is row and not isinstance(doc.body[i - 1], d.Heading):
                room = BOTTOM - max(r.bottom for r in before)
                assert room < 3 * LEADING + 8, f"{el.text} went to page {row.page} with {room:.0f} pt free before"
    assert headings


def test_paragraphs_of_every_length_leave_no_single_line_at_a_page_head(tmp_path):
    state = demanding_state()
    text = "全年围绕政务公开重点工作，持续深化决策、执行、管理、服务、结果公开，回应社会关切，提升政府公信力。" * 10
    state.set_blocks("s1", [Paragraph(text=text[:28 * n - 10]) for n in [2, 3, 5, 4, 7, 6, 9, 8, 3, 5] * 2])
    path = tmp_path / "widows.pdf"
    write_report(state, "pdf", path, allow_errors=True)
    body = body_rows(rows_of(path))
    continued = [abs(r.x0 - LEFT) < 0.5 for r in body]
    for k in range(1, len(body) - 1):
        if continued[k] and body[k - 1].page != body[k].page:
            assert body[k + 1].page == body[k].page and continued[k + 1], f"widow: {body[k].text}"
        if not continued[k] and body[k + 1].page != body[k].page:
            assert not continued[k + 1], f"orphan: {body[k].text}"


@pytest.mark.parametrize("name", NAMES)
def test_closing_agency_and_date_follow_gbt_9704(rendered, name):
    _, doc, rows, _, _ = rendered[name]
    body = body_rows(rows)
    agency = next(r for r in reversed(body) if r.text == doc.agency)
    date = body[-1]
    assert date.text == doc.date_text.replace(" ", "")
    em = BODY
    assert abs(date.top - agency.top - LEADING) < 1
    if date.x1 - date.x0 <= agency.x1 - agency.x0 - 2 * em:
        assert abs(RIGHT - agency.x1 - 2 * em) < 1 and abs(date.x0 - agency.x0 - 2 * em) < 1
    else:
        assert abs(RIGHT - date.x1 - 2 * em) < 1 and abs(date.x0 - agency.x0 - 2 * em) < 1
    before = body[body.index(agency) - 1]
    assert before.page == agency.page, "the closing is alone on its page"
    assert abs(agency.top - before.top - 2 * LEADING) < 1  # one blank line above


def _tall_table(rows: int) -> d.TableLayout:
    head = [d.Cell("事项名称", "head"), d.Cell("本年数量", "head"), d.Cell("上年数量", "head")]
    body = [[d.Cell(f"第{i + 1}项依申请公开事项的办理情况说明", "label"), d.Cell(str(1234567 + i), "value"),
             d.Cell(str(7654321 - i), "value")] for i in range(rows)]
    return d.TableLayout("t", 3, [3.0, 1.0, 1.0], 1, [head, *body])


def test_a_table_taller_than_a_page_starts_at_once_and_repeats_its_header_on_every_page(tmp_path):
    from export.pdf_writer import render_pdf

    intro = d.Paragraph("本表列出全年各项依申请公开事项的办理数量。" * 3)
    doc = d.Document("江南市临江区人民政府2024年政府信息公开工作年度报告", "江南市临江区人民政府", "2025年1月20日",
                     [d.Heading(1, "一、总体情况"), intro, d.Heading(1, "二、办理情况"), _tall_table(90)])
    path = tmp_path / "tall.pdf"
    path.write_bytes(render_pdf(doc))
    rows = rows_of(path)
    heading = next(r for r in rows if r.text == "二、办理情况")
    assert heading.page == 1  # not pushed to a new page: it would split anyway
    pages = sorted({r.page for r in rows if "依申请公开事项的办理情况说明" in r.text})
    assert len(pages) >= 3
    for page in pages:
        first = min((r for r in rows if r.page == page and r.size < 13), key=lambda r: r.top)
        assert first.words[:3] == ["事项名称", "本年数量", "上年数量"], (page, first.text)
    labels = [r for r in rows if "依申请公开事项的办理情况说明" in r.text]
    assert len(labels) == 90 and all(re.search(r"\d{7}\d{7}$", r.text) for r in labels)  # no row split

    # a table that fits on a page but not in the rest of this one moves whole, with its heading (text follows it:
    # a report's last table goes with the closing, see test_the_closing_never_starts_a_page_alone_after_a_final_table)
    intro = [d.Paragraph("本机关依法依规做好政府信息公开工作。" * 12) for _ in range(3)]
    doc.body = [d.Heading(1, "一、总体情况"), *intro, d.Heading(1, "二、办理情况"), _tall_table(30),
                d.Heading(1, "三、其他情况"), d.Paragraph("无。")]
    path.write_bytes(render_pdf(doc))
    rows = rows_of(path)
    pages = {r.page for r in rows if "依申请公开事项的办理情况说明" in r.text}
    heading = next(r for r in rows if r.text == "二、办理情况")
    assert len(pages) == 1 and heading.page in pages


def _closing_page(path: Path, agency: str) -> tuple[Row, list[Row]]:
    """The closing's agency line and every printed line of its page above it."""
    rows = rows_of(path)
    agency_row = [r for r in rows if r.text == agency][-1]
    return agency_row, [r for r in rows if r.page == agency_row.page and r.top < agency_row.top]


def _picture_png(width: int, height: int) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


@pytest.mark.parametrize("paragraphs", [6, 7, 8])
def test_the_closing_never_starts_a_page_alone_after_a_final_picture(tmp_path, paragraphs):
    """六 ends with a picture, after text of lengths that end the picture and its caption at the foot of a page;
    the closing then takes the picture with it to the next page."""
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    text = "全年围绕政务公开重点工作，持续深化决策、执行、管理、服务、结果公开，回应社会关切，提升政府公信力。"
    blocks = [Paragraph(text=text * 3)] * (paragraphs // 3) + [Paragraph(text=text[:10 + 9 * (paragraphs % 3)])]
    blocks.append(Figure(caption="政务服务大厅现场照片", image=_picture_png(600, 450), mime="image/png"))
    state.set_blocks("s6", blocks)
    path = tmp_path / "picture-last.pdf"
    write_report(state, "pdf", path, allow_errors=True)
    agency, above = _closing_page(path, state.meta.agency)
    assert [r.text for r in above][-1:] == ["政务服务大厅现场照片"], f"the closing starts page {agency.page} alone"
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert int(images.splitlines()[-1].split()[0]) == agency.page  # the picture goes over with its caption


@pytest.mark.parametrize("rows", [*range(16, 21), *range(29, 35), 87, 90])
def test_the_closing_never_starts_a_page_alone_after_a_final_table(tmp_path, rows):
    """The report's last block is a table, of lengths that end it at a page's foot: one that fits a page moves whole
    with the closing, a longer one sends its last rows over (header repeated) with the closing."""
    from export.pdf_writer import render_pdf

    doc = d.Document("江南市临江区人民政府2024年政府信息公开工作年度报告", "江南市临江区人民政府", "2025年1月20日",
                     [d.Heading(1, "一、总体情况"), d.Paragraph("本机关依法依规做好政府信息公开工作。" * 5),
                      d.Heading(1, "二、办理情况"), _tall_table(rows)])
    path = tmp_path / "table-last.pdf"
    path.write_bytes(render_pdf(doc))
    agency, above = _closing_page(path, doc.agency)
    labels = [r for r in above if "依申请公开事项的办理情况说明" in r.text]
    assert labels, f"the closing starts page {agency.page} alone"
    assert labels[-1].text.startswith(f"第{rows}项") and agency.top - labels[-1].bottom < 2 * LEADING + 4
    if agency.page > 1:  # the page starts with the table's heading or its repeated header
        assert min(above, key=lambda r: r.top).words[:3] in (["事项名称", "本年数量", "上年数量"], ["二、办理情况"])
    every = [r for r in rows_of(path) if "依申请公开事项的办理情况说明" in r.text]
    assert len(every) == rows  # no row lost or printed twice


@pytest.mark.parametrize("lines_before", [8, 11, 14])
def test_a_picture_that_does_not_fit_lets_the_text_after_it_fill_the_page_but_never_passes_a_heading(
        tmp_path, lines_before):
    """A picture with its caption (14 lines tall) that the rest of the page cannot hold opens the next page; the
    paragraphs after it, up to the next heading, fill the rest of this page instead of leaving it empty, and the
    picture still comes before that heading."""
    from export.pdf_writer import render_pdf

    sentence = "本机关依法依规做好政府信息公开工作，持续深化决策、执行、管理、服务、结果公开。"  # 37 characters
    picture = base64.b64decode(_picture_png(600, 800))
    doc = d.Document("江南市临江区人民政府2024年政府信息公开工作年度报告", "江南市临江区人民政府", "2025年1月20日",
                     [d.Heading(1, "一、总体情况"), d.Heading(2, "（一）主动公开"),
                      d.Paragraph(sentence * (lines_before * 28 // 37)), d.Figure("政务公开专栏截图", picture),
                      d.Paragraph("图示专栏" + sentence * 4), d.Paragraph("专栏之外" + sentence * 4),
                      d.Heading(2, "（二）依申请公开"), d.Paragraph(sentence * 3)])
    path = tmp_path / "float.pdf"
    path.write_bytes(render_pdf(doc))
    rows = rows_of(path)
    caption = next(r for r in rows if r.text == "政务公开专栏截图")
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert [int(f.split()[0]) for f in images.splitlines()[2:]] == [caption.page]  # the picture above its caption
    before = [r for r in rows if r.page == caption.page - 1]
    # full but for a line the widow and orphan rules may leave
    assert BOTTOM - max(r.bottom for r in before) < 2 * LEADING, "the page before the picture ends with a gap"
    assert next(r for r in rows if r.text.startswith("图示专栏")).page == caption.page - 1  # text moved up
    heading = next(r for r in rows if r.text == "（二）依申请公开")
    assert (heading.page, heading.top) > (caption.page, caption.bottom)  # the picture never passes a heading
    text = "".join(r.text for r in body_rows(rows))
    assert text.index("图示专栏") < text.index("专栏之外") < text.index("（二）依申请公开")  # the text keeps its order


def test_the_demanding_narrative_takes_no_more_pages_than_it_needs_plus_one(rendered):
    _, doc, rows, path, _ = rendered["demanding"]
    heads = [el.text for el in doc.body if isinstance(el, d.Heading) and el.level == 1]
    start = next(r for r in rows if r.text == heads[0])
    end = next(r for r in rows if r.text == heads[1])
    inside = [r for r in rows if (r.page, r.top) >= (start.page, start.top) and (r.page, r.top) < (end.page, end.top)]
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    picture_height = sum(int(f[4]) * 72 / int(f[13]) for f in (line.split() for line in images.splitlines()[2:])
                         if start.page <= int(f[0]) <= inside[-1].page)
    needed = math.ceil((len(inside) * LEADING + picture_height) / (225 * MM))
    used = inside[-1].page - start.page + 1
    assert used <= needed + 1, (used, needed)


def test_pictures_keep_their_shape_inside_the_block_and_are_never_enlarged(rendered):
    _, _, _, path, _ = rendered["demanding"]
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    found = [f.split() for f in images.splitlines()[2:]]
    assert len(found) == 2  # the tall screenshot and the tiny icon
    for f in found:
        width, height, xppi, yppi = int(f[3]), int(f[4]), int(f[12]), int(f[13])
        assert abs(xppi - yppi) <= 1  # aspect ratio kept
        assert xppi >= 95  # never larger than its natural size at 96 dpi
        assert width * 72 / xppi <= 156 * MM + 0.5 and height * 72 / yppi <= 0.6 * 225 * MM + 1


def test_characters_no_font_has_are_named_with_their_place(rendered):
    _, _, _, _, result = rendered["demanding"]
    notes = "\n".join(result.notes)
    for ch in "𠀀鿰😀":
        assert ch in notes
    assert "一、" in notes  # the section
    assert "生僻字" in notes  # the sentence


# -- the line breaker itself, on exact widths ---------------------------------------------------------------------

def _w(ch: str) -> float:
    return 1.0 if ord(ch) > 0x2000 else 0.5


def test_breaker_pushes_or_pulls_so_that_no_line_starts_with_a_comma():
    text = "一二三四五六七八九十，一二三四五六七八九十一二三。"
    lines = break_lines(text, _w, 10)
    assert lines[1].text[0] not in CANNOT_START
    assert all(line.end <= 10 + 1e-9 for line in lines)
    assert all(abs(line.end - 10) < 1e-9 for line in lines[:-1])


def test_breaker_keeps_numbers_and_percentages_whole():
    text = "全年公开信息一二三12345678条，增长12.5%，其中一二三四。"
    for width in range(8, 16):
        lines = break_lines(text, _w, width)
        joined = [line.text for line in lines]
        assert any("12345678" in t for t in joined) and any("12.5%" in t for t in joined), joined


def test_title_breaks_only_at_the_given_boundaries():
    title = "广州市越秀区来穗人员服务管理局2023年政府信息公开工作年度报告"
    assert break_title(title, _w, 20, [20, 15]) == ["广州市越秀区来穗人员服务管理局2023年", "政府信息公开工作年度报告"]
    assert break_title(title, _w, 16, [20, 15]) == ["广州市越秀区来穗人员服务管理局", "2023年政府信息公开工作年度报告"]
    agency = "某某省某某市某某县某某乡镇人民政府办公室信息公开科"  # wider than a line: broken inside, never after
    lines = break_title(agency + title[15:], _w, 16, [len(agency) + 5, len(agency)])
    cuts = [len("".join(lines[:k])) for k in range(1, len(lines))]
    assert len(lines) == 3 and all(c <= len(agency) or c == len(agency) + 5 for c in cuts), lines


def test_the_export_command_exits_1_on_characters_no_font_has_unless_told_to_accept_them(tmp_path):
    from model.drafts_io import save_draft

    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    blocks = list(state.blocks("s1")) + [Paragraph(text="姓名含生僻字𠀀，已核对。")]
    state.set_blocks("s1", blocks)
    draft = tmp_path / "rare.json"
    save_draft(state.to_draft(), draft)
    run = [sys.executable, str(ROOT / "main.py"), "export", str(draft), "--to", "pdf", "--out", str(tmp_path / "out")]
    refused = subprocess.run(run, capture_output=True, text=True, encoding="utf-8")
    assert refused.returncode == 1, refused.stderr
    assert "𠀀" in refused.stderr and "--accept-missing-glyphs" in refused.stderr
    assert list((tmp_path / "out").glob("*.pdf"))  # written all the same: the user decides
    accepted = subprocess.run(run + ["--accept-missing-glyphs"], capture_output=True, text=True, encoding="utf-8")
    assert accepted.returncode == 0, accepted.stderr
    clean = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(SEEDS / "sample-2024.json"), "--to",
                            "pdf", "--out", str(tmp_path / "clean")], capture_output=True, text=True, encoding="utf-8")
    assert clean.returncode == 0, clean.stderr


def test_the_2019_procurement_amount_prints_its_unit_in_the_table(rendered):
    """2019's （九）采购总金额 holds 万元 (the format names no unit): the printed table says so in the column's head,
    as 2021's “本年收费金额（单位：万元）” does, and the amount stays the bare number."""
    _, _, rows, _, _ = rendered["panyu-2020"]
    head = next(r for r in rows if "采购项目数量" in r.text)
    assert head.text.endswith("采购总金额（单位：万元）"), head.text
    amount = next(r for r in rows if r.text.startswith("政府集中采购"))
    assert amount.words[-1] == "2.9786"
    # 2021's fee heading names its unit already: not a second time
    assert not any("（单位：万元）（单位：万元）" in r.text for name in NAMES for r in rendered[name][2])
