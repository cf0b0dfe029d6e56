"""All four outputs from one layout: content, fonts, spans, numbers, escaping."""

import base64
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document as read_docx
from docx.oxml.ns import qn
from openpyxl import load_workbook

from export.writers import ExportRefused, write_report
from export.xlsx_writer import FIRST_ROW, SHEET_NAMES
from model.draft import Figure, Paragraph
from model.drafts_io import load_draft
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NAMES = ["sample-2024", "panyu-2020", "yuexiu-2023"]


def state_of(name):
    return ReportState(load_draft(SEEDS / f"{name}.json"))


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def labels_of(state):
    out = [s.heading for s in state.spec.sections]
    for table in state.spec.tables.values():
        for block in table.blocks:
            if block.title:
                out.append(block.title)
            if table.layout != "blocks_in_one_row":  # 四 names its blocks in the header instead
                out += [r.label for r in block.rows]
            out += [c.label for c in block.columns]
        out += [h.text for row in table.header_rows for h in row]
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = {}
    for name in NAMES:
        folder = tmp_path_factory.mktemp(name)
        state = state_of(name)
        out[name] = (state, {k: write_report(state, k, folder / f"{name}.{k}") for k in ("pdf", "docx", "xlsx", "txt")})
    return out


@pytest.mark.parametrize("name", NAMES)
def test_pdf_holds_every_label_and_every_number_in_order(exported, name):
    state, results = exported[name]
    text = squash(pdftotext(results["pdf"].path))
    assert squash(state.title()) in text
    for label in labels_of(state):
        assert squash(label) in text, label
    # the numbers of table 三, row by row, in reading order
    for row in state.spec.tables["s3"].blocks[0].rows:
        numbers = "".join(str(state.value(f"s3.{row.id}.{c.id}")) for c in state.spec.tables["s3"].blocks[0].columns)
        assert numbers in text, row.label
    assert squash(state.meta.agency) in text[-80:]


@pytest.mark.parametrize("name", NAMES)
def test_pdf_embeds_every_font(exported, name):
    _, results = exported[name]
    out = subprocess.run(["pdffonts", str(results["pdf"].path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), row


def test_pdf_has_page_numbers_and_a4_pages(exported):
    _, results = exported["sample-2024"]
    info = subprocess.run(["pdfinfo", str(results["pdf"].path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info
    pages = int(info.split("Pages:")[1].split()[0])
    text = pdftotext(results["pdf"].path)
    for n in range(1, pages + 1):
        assert f"— {n} —" in text


@pytest.mark.parametrize("name", NAMES)
def test_docx_holds_the_tables_with_spans_and_east_asian_fonts(exported, name):
    state, results = exported[name]
    doc = read_docx(results["docx"].path)
    styles = {s.name for s in doc.styles}
    assert {"标题", "一级标题", "二级标题", "正文", "表格文字"} <= styles
    body = doc.styles["正文"].element
    assert body.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert len(doc.tables) == 3
    t3 = doc.tables[1]
    # the 三、本年度办理结果 label spans all its rows: the same cell object stands in each of them
    first_col = [t3.cell(r, 0)._tc for r in range(3, len(t3.rows) - 1)]
    result_rows = [r for r in state.spec.tables["s3"].blocks[0].rows if r.group]
    assert first_col.count(first_col[3]) == len(result_rows)
    values = [c.text for c in t3.rows[3].cells[3:]]
    assert values == [str(state.value(f"s3.new.{c.id}")) for c in state.spec.tables["s3"].blocks[0].columns]
    # the title is one paragraph, broken into lines (w:br, read as "\n") where it reads well
    assert doc.paragraphs[0].text.replace("\n", "") == state.title()


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_holds_numeric_cells_equal_to_the_model(exported, name):
    state, results = exported[name]
    wb = load_workbook(results["xlsx"].path)
    assert wb.sheetnames == [*SHEET_NAMES.values(), "校验结果"]
    ws = wb[SHEET_NAMES["s3"]]
    found = 0
    for row in ws.iter_rows(min_row=FIRST_ROW):
        labels = [c.value for c in row[:3] if isinstance(c.value, str)]
        numbers = [c.value for c in row[3:10]]
        for r in state.spec.tables["s3"].blocks[0].rows:
            if labels and labels[-1] == r.label:
                expected = [state.value(f"s3.{r.id}.{c.id}") for c in state.spec.tables["s3"].blocks[0].columns]
                assert numbers == expected, r.label
                found += 1
    assert found == len(state.spec.tables["s3"].blocks[0].rows)
    amounts = [c for row in wb[SHEET_NAMES["s2"]].iter_rows() for c in row if isinstance(c.value, float)]
    for cell in amounts:
        assert Decimal(repr(cell.value)) in {v for v in state.inputs.values() if isinstance(v, Decimal)}


@pytest.mark.parametrize("name", NAMES)
def test_text_output_contains_every_number_and_label(exported, name):
    state, results = exported[name]
    raw = results["txt"].path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    for s in state.spec.sections:
        assert s.heading in text
    for path, value in state.inputs.items():
        assert str(value) in text, path
    assert "（图）" in text or not any(b.type == "figure" for sid in ("s1", "s5", "s6") for b in state.blocks(sid))


def test_rare_characters_and_markup_come_out_literally_everywhere(tmp_path):
    state = state_of("sample-2024")
    state.set_meta(agency="镕堃喆珺区人民政府")
    state.set_blocks("s6", [Paragraph(text="收费 <0.5 万元 & 其他；=SUM(A1) 不是公式"),
                            Paragraph(text="+1 与 @张三 与 -5")])
    results = {k: write_report(state, k, tmp_path / f"r.{k}") for k in ("pdf", "docx", "xlsx", "txt")}
    pdf = pdftotext(results["pdf"].path)
    assert "镕堃喆珺区人民政府" in squash(pdf)
    assert squash("收费 <0.5 万元 & 其他；=SUM(A1) 不是公式") in squash(pdf)
    assert "镕堃喆珺" in "".join(p.text for p in read_docx(results["docx"].path).paragraphs)
    txt = results["txt"].path.read_text(encoding="utf-8-sig")
    assert "=SUM(A1)" in txt and "镕堃喆珺" in txt
    wb = load_workbook(results["xlsx"].path)
    titles = [ws["A2"].value for ws in wb.worksheets[:3]]
    assert all("镕堃喆珺" in t for t in titles)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (c.data_type == "f"), c.coordinate


def test_a_long_narrative_paginates_cleanly(tmp_path):
    state = state_of("sample-2024")
    para = "全年围绕政务公开重点工作，持续深化决策、执行、管理、服务、结果公开，回应社会关切，提升政府公信力。" * 12
    state.set_blocks("s1", [Paragraph(text=para) for _ in range(max(1, 60000 // len(para)))])
    result = write_report(state, "pdf", tmp_path / "long.pdf")
    info = subprocess.run(["pdfinfo", str(result.path)], capture_output=True, text=True).stdout
    pages = int(info.split("Pages:")[1].split()[0])
    assert 60000 / (22 * 28) < pages < 140
    text = pdftotext(result.path)
    assert f"— {pages} —" in text


def test_a_figure_is_printed_with_its_caption(tmp_path):
    from PIL import Image as PILImage
    import io

    buf = io.BytesIO()
    PILImage.new("RGB", (800, 400), (200, 30, 30)).save(buf, "PNG")
    state = state_of("sample-2024")
    state.set_blocks("s5", list(state.blocks("s5")) + [Figure(caption="整改现场照片", image=base64.b64encode(buf.getvalue()).decode(), mime="image/png")])
    pdf = write_report(state, "pdf", tmp_path / "f.pdf").path
    assert "整改现场照片" in pdftotext(pdf)
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert len(images.splitlines()) >= 3
    doc = read_docx(write_report(state, "docx", tmp_path / "f.docx").path)
    pictures = [b for sid in state.spec.section_by_id for b in state.blocks(sid) if b.type == "figure" and b.image]
    assert len(doc.inline_shapes) == len(pictures)  # the sample's own picture and the one added here


def test_a_report_with_errors_is_refused_unless_a_marked_draft_is_allowed(tmp_path):
    state = state_of("broken-2024")
    with pytest.raises(ExportRefused) as info:
        write_report(state, "pdf", tmp_path / "b.pdf")
    assert "S3-1" in str(info.value) and not (tmp_path / "b.pdf").exists()
    pdf = write_report(state, "pdf", tmp_path / "b.pdf", allow_errors=True).path
    text = pdftotext(pdf)
    assert text.count("草稿（未通过校验）") >= int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0])
    doc = read_docx(write_report(state, "docx", tmp_path / "b.docx", allow_errors=True).path)
    assert "草稿（未通过校验）" in doc.sections[0].header.paragraphs[0].text


def test_export_command_writes_four_files_and_exit_codes(tmp_path):
    root = SEEDS.parent
    run = lambda *a: subprocess.run(["uv", "run", "main.py", *a], cwd=root, capture_output=True, text=True)
    ok = run("export", "seeds/yuexiu-2023.json", "--to", "pdf,docx,xlsx,txt", "--out", str(tmp_path / "o"))
    assert ok.returncode == 0, ok.stderr
    title = ReportState(load_draft(root / "seeds/yuexiu-2023.json")).title()  # files are named after the report
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [f"{title}.{k}" for k in ("docx", "pdf", "txt", "xlsx")]
    assert "使用字体" in ok.stdout
    refused = run("export", "seeds/broken-2024.json", "--out", str(tmp_path / "b"))
    assert refused.returncode == 1 and "S3-1" in refused.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert run("export", str(bad), "--out", str(tmp_path / "c")).returncode == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_our_docx_and_xlsx(exported, tmp_path):
    state, results = exported["sample-2024"]
    for kind in ("docx", "xlsx"):
        proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                               "--convert-to", "pdf", "--outdir", str(tmp_path / kind), str(results[kind].path)],
                              capture_output=True, text=True, timeout=180)
        pdf = tmp_path / kind / "sample-2024.pdf"
        assert pdf.exists(), proc.stderr
        text = squash(pdftotext(pdf))
        assert "三、本年度办理结果" in text or "本年度办理结果" in text
        assert "312" in text
    info = subprocess.run(["pdfinfo", str(tmp_path / "docx" / "sample-2024.pdf")], capture_output=True, text=True).stdout
    assert 3 <= int(info.split("Pages:")[1].split()[0]) <= 8


def test_docx_xml_keeps_the_schema_order_word_requires(exported):
    """Word reports a damaged file when child elements are out of schema order."""
    import zipfile

    from lxml import etree

    _, results = exported["sample-2024"]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    archive = zipfile.ZipFile(results["docx"].path)
    order = {"rPr": ["rStyle", "rFonts", "b", "color", "sz", "szCs", "lang"],
             "tcPr": ["tcW", "gridSpan", "vMerge", "tcBorders", "shd", "vAlign"],
             "tblPr": ["tblStyle", "tblW", "jc", "tblLayout", "tblCellMar", "tblLook"]}
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
        if part not in archive.namelist():
            continue
        root = etree.fromstring(archive.read(part))
        for parent, sequence in order.items():
            for el in root.iter(w + parent):
                names = [c.tag.replace(w, "") for c in el if c.tag.replace(w, "") in sequence]
                assert names == sorted(names, key=sequence.index), (part, parent, names)
