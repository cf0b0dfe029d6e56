"""Any text the model holds goes through all four writers: no crash, and each file reads back with the text
as clean_text leaves it (control characters and non-characters removed and named in the export notes)."""

import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from export.writers import write_report
from model.draft import Figure, Paragraph
from model.drafts_io import load_draft
from model.state import ReportState
from model.text_clean import clean_text

ROOT = Path(__file__).resolve().parent.parent

CONTROLS = "\v\a\x00\x0c\x1b\ufffe\uffff"
HOSTILE = {
    "controls": f"第一行\v第二行响铃\a空\x00换页\x0c转义\x1b[31m非字符\ufffe\uffff结束",
    "private use": "私用区字符\ue000\uf8ff在此",
    "rtl marks": "方向标记\u200f\u200e前后",
    "combining": "组合符号e\u0301与a\u0308\u0323",
    "ext-b": "扩展B区𠀀𪚥汉字",
    "emoji": "表情😀👍🏽结束",
}
LONG_AGENCY = "江南市临江区" + "数据资源管理与政务服务协调" * 22 + "局\a\ufffe"


def _state(agency: str, texts: list[str]) -> ReportState:
    draft = load_draft(ROOT / "seeds" / "sample-2024.json")
    draft.meta.agency = agency
    draft.narrative["s1"] = [block for text in texts
                             for block in (Paragraph(text=text), Figure(caption=f"图片说明{text}"))]
    draft.narrative["s5"] = [Paragraph(text=f"问题：{text}") for text in texts]
    return ReportState(draft)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8") + z.read("docProps/core.xml").decode("utf-8")
    texts = re.findall(r"<(?:w:t|dc:title|dc:creator)(?: [^>]*)?>([^<]*)<", xml)
    return "".join(texts).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _xlsx_text(path: Path) -> str:
    wb = load_workbook(path)
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    return "".join(cells)


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _drawable(text: str, missing: set[str]) -> str:
    """What pdftotext can give back: no format characters (direction marks are not drawn), no character
    without a glyph (the PDF notes name those), combining marks as drawn (decomposed or not)."""
    kept = "".join(ch for ch in text if unicodedata.category(ch) != "Cf" and ch not in missing)
    return unicodedata.normalize("NFD", kept)


def test_hostile_text_survives_every_writer_and_reads_back_cleaned(tmp_path):
    agency = "江南市临江区人民政府" + "".join(HOSTILE[k] for k in ("controls", "rtl marks", "ext-b", "emoji"))
    state = _state(agency, list(HOSTILE.values()))
    results = {kind: write_report(state, kind, tmp_path / f"out.{kind}", allow_errors=True)
               for kind in ("pdf", "docx", "xlsx", "txt")}
    cleaned_agency, _ = clean_text(agency)
    txt = (tmp_path / "out.txt").read_text(encoding="utf-8")
    docx = _docx_text(tmp_path / "out.docx")
    xlsx = _xlsx_text(tmp_path / "out.xlsx")

    from export import document as d
    from export.fonts import find_fonts, missing_glyphs

    missing = {m.char for m in missing_glyphs(d.build_document(state), find_fonts())}
    pdf = _drawable(_squash(_pdftotext(tmp_path / "out.pdf")), set())

    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]", txt)
    assert _squash(cleaned_agency) in _squash(xlsx)
    assert _squash(_drawable(cleaned_agency, missing)) in pdf
    for name, text in HOSTILE.items():
        cleaned, _ = clean_text(text)
        assert _squash(cleaned) in _squash(txt), name
        assert _squash(cleaned) in _squash(docx), name
        assert _squash(_drawable(cleaned, missing)) in pdf, name
    for result in results.values():
        assert any("删除了" in n for n in result.notes), result.notes


def test_control_characters_are_named_with_their_place_in_the_export_notes(tmp_path):
    state = _state("江南市临江区人民政府", [HOSTILE["controls"]])
    result = write_report(state, "docx", tmp_path / "out.docx", allow_errors=True)
    notes = "\n".join(result.notes)
    assert "一、总体情况第 1 段" in notes and "五、存在的主要问题及改进情况第 1 段" in notes
    assert "删除了 4 个控制字符（U+0007、U+0000、U+000C、U+001B）" in notes
    assert "删除了 2 个 Unicode 非字符（U+FFFE、U+FFFF）" in notes
    assert "1 处软换行（U+000B）改为换行" in notes


def test_an_agency_of_300_characters_is_whole_in_the_text_and_cut_only_in_file_properties(tmp_path):
    state = _state(LONG_AGENCY, ["正文。"])
    cleaned, _ = clean_text(LONG_AGENCY)
    assert len(cleaned) > 255
    for kind in ("pdf", "docx", "xlsx", "txt"):
        result = write_report(state, kind, tmp_path / f"long.{kind}", allow_errors=True)
        assert any("Word 和 Excel 文件属性中只保留前 254 个字符" in n for n in result.notes)
    assert cleaned in _docx_text(tmp_path / "long.docx")
    with zipfile.ZipFile(tmp_path / "long.docx") as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    creator = re.search(r"<dc:creator>([^<]*)<", core).group(1)
    assert creator == cleaned[:254] + "…"
    assert cleaned in _squash(_xlsx_text(tmp_path / "long.xlsx"))
    assert load_workbook(tmp_path / "long.xlsx").properties.creator == cleaned[:254] + "…"
    assert cleaned in _squash((tmp_path / "long.txt").read_text(encoding="utf-8"))
