"""Extreme but valid drafts through `export --to pdf,docx,xlsx,txt`: exit 0, and every file reads back with the
text in it (pdftotext for the PDF, the XML for the DOCX, the cells for the XLSX).

The extremes are what the model accepts at its limits: ten-digit counts in every table cell, an agency name of
only control characters or of 12,000 characters, a paragraph of 200,000 characters without a place to break,
pictures of 1 × 1 and 10,000 × 10 pixels.
"""

from __future__ import annotations

import base64
import contextlib
import io
import re
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from export import document as d
from model.draft import Figure, Paragraph
from model.drafts_io import load_draft, save_draft
from model.state import ReportState

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("pdf", "docx", "xlsx", "txt")
TEXT_BLOCK_FOOT = (37 + 225) / 25.4 * 72  # points from the page's top: below it only the page number


@pytest.fixture(autouse=True)
def crash_logs_in_tmp(tmp_path, monkeypatch):
    import main

    monkeypatch.setenv(main.LOG_DIR_ENV, str(tmp_path / "logs"))


def _state() -> ReportState:
    return ReportState(load_draft(ROOT / "seeds" / "sample-2024.json"))


def _export(state: ReportState, tmp_path: Path) -> dict[str, Path]:
    """The draft saved and exported to all four formats as the user does it; the files written, by kind."""
    import main

    draft_path = tmp_path / "草稿.json"
    save_draft(state.to_draft(), draft_path)
    out = tmp_path / "out"
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main.main(["export", str(draft_path), "--to", ",".join(KINDS), "--allow-errors", "--out", str(out)])
    assert code == 0, err.getvalue()
    files = {p.suffix[1:]: p for p in out.iterdir()}
    assert set(files) == set(KINDS), files
    return files


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(path: Path) -> str:
    """The PDF's text without its page numbers (“— N —”), which a text running over pages would read through."""
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"—\s*\d+\s*—", "", text)


def _docx_runs(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return [t.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)<", xml)]


def _xlsx_values(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _txt(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _pdf_digit_columns(path: Path) -> list[str]:
    """The digits of the PDF's body, column by column: words of digits grouped by their horizontal centre and read
    top to bottom, page after page. A number wrapped inside its cell reads back whole in its column."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    columns: dict[float, list[tuple[int, float, str]]] = defaultdict(list)
    for page, body in enumerate(html.split("<page ")[1:]):
        for x0, y0, x1, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body):
            if not re.fullmatch(r"-?\d+(?:\.\d+)?", word) or float(y0) > TEXT_BLOCK_FOOT:
                continue
            centre = (float(x0) + float(x1)) / 2
            key = next((k for k in columns if abs(k - centre) < 1.5), centre)
            columns[key].append((page, float(y0), word))
    return ["".join(w for _, _, w in sorted(words)) for words in columns.values()]


def _table_columns(state: ReportState) -> list[str]:
    """What each table column's numbers read as, top to bottom, from the layout every writer prints."""
    out = []
    for layout in (el for el in d.build_document(state).body if isinstance(el, d.TableLayout)):
        by_column = defaultdict(list)
        for _, c, cell in layout.cells():
            if cell.is_number and cell.colspan == 1 and cell.text:
                by_column[c].append(cell.text)
        out.extend("".join(texts) for texts in by_column.values())
    return out


def test_ten_digit_counts_in_every_cell_print_whole_in_every_writer(tmp_path):
    state = _state()
    values = {}
    for path in state.spec.input_paths:
        kind = state.spec.cells[path].column.kind
        number = 1_000_000_000  # the largest count the model holds
        values[path] = state.parse(path, f"-{number}" if kind == "signed_count" else str(number))
    state.set_values(values)
    files = _export(state, tmp_path)

    numbers = [cell.text for layout in d.build_document(state).body if isinstance(layout, d.TableLayout)
               for _, _, cell in layout.cells() if cell.is_number and cell.text]
    assert len(numbers) > 100 and all(len(n.lstrip("-").split(".")[0]) >= 10 for n in numbers)
    docx, txt = set(_docx_runs(files["docx"])), _txt(files["txt"])
    xlsx = set(_xlsx_values(files["xlsx"]))
    for number in numbers:
        assert number in docx and number in txt, number
        assert number.replace(",", "") in xlsx or str(float(number)) in xlsx, number
    printed = _pdf_digit_columns(files["pdf"])
    for column in _table_columns(state):
        assert any(column in p for p in printed), column


def test_an_agency_of_only_control_characters_exports_the_rest(tmp_path):
    state = _state()
    state.set_meta(agency="\x00\x07\x0b\x0c\x1b")
    files = _export(state, tmp_path)
    title = "2024年政府信息公开工作年度报告"
    body = _squash(next(b.text for b in state.blocks("s1") if b.type == "paragraph"))[:40]
    pdf, txt = _squash(_pdf_text(files["pdf"])), _squash(_txt(files["txt"]))
    docx = "".join(_docx_runs(files["docx"]))
    for text in (pdf, txt, docx):
        assert title in text and not re.search(r"[\x00-\x08\x0b-\x1f]", text)
    assert body in pdf and body in docx and body in txt
    assert any(title in v for v in _xlsx_values(files["xlsx"]))


def test_an_agency_of_12000_characters_prints_whole_in_title_and_closing(tmp_path):
    agency = "江南市临江区" + "数据资源管理服务" * 1499
    assert len(agency) == 11_998
    state = _state()
    state.set_meta(agency=agency + "局！")
    files = _export(state, tmp_path)
    full = agency + "局！"
    pdf = _squash(_pdf_text(files["pdf"]))
    assert pdf.count(full) == 2  # the title and the closing
    assert pdf.index(full + "2024年政府信息公开工作年度报告") == 0
    docx = _docx_runs(files["docx"])
    assert docx.count(full) == 1 and any(full + "2024年" in t for t in docx)
    assert _squash(_txt(files["txt"])).count(full) >= 2
    assert any(full in v for v in _xlsx_values(files["xlsx"]))


def test_a_paragraph_of_200000_characters_without_a_break_prints_whole(tmp_path):
    text = ("Zhengwu" + "0123456789" * 3 + "xyz") * 5000  # one run of letters and digits: no place to break
    assert len(text) == 200_000
    state = _state()
    state.set_blocks("s6", [Paragraph(text=text)])
    files = _export(state, tmp_path)
    assert text in _squash(_pdf_text(files["pdf"]))
    assert text in _docx_runs(files["docx"])
    assert text in _squash(_txt(files["txt"]))


def _png(width: int, height: int) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_pictures_of_one_pixel_and_of_10000_by_10_pixels_print_with_their_captions(tmp_path):
    state = _state()
    state.set_blocks("s5", list(state.blocks("s5")) + [
        Figure(caption="一像素的图片", image=_png(1, 1), mime="image/png"),
        Figure(caption="一万乘十像素的图片", image=_png(10_000, 10), mime="image/png")])
    files = _export(state, tmp_path)
    pdf = _squash(_pdf_text(files["pdf"]))
    assert "一像素的图片" in pdf and "一万乘十像素的图片" in pdf
    listed = subprocess.run(["pdfimages", "-list", str(files["pdf"])], capture_output=True, text=True).stdout
    sizes = {tuple(line.split()[3:5]) for line in listed.splitlines()[2:]}
    assert {("1", "1"), ("10000", "10")} <= sizes
    docx = _docx_runs(files["docx"])
    assert "一像素的图片" in docx and "一万乘十像素的图片" in docx
    with zipfile.ZipFile(files["docx"]) as z:
        extents = re.findall(r'<wp:extent cx="(\d+)" cy="(\d+)"', z.read("word/document.xml").decode())
    assert len(extents) >= 3 and all(int(cx) > 0 and int(cy) > 0 for cx, cy in extents)
    assert "一万乘十像素的图片" in _squash(_txt(files["txt"]))
