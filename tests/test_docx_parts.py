"""The Word file is written without python-docx: the export's Word process imports neither python-docx nor lxml
(nor Pillow for PNG and JPEG pictures), and the parts stored in resources/docx/ are exactly what python-docx and
the style code in packaging/make_docx_parts.py make, so they never drift from it."""

import base64
import io
import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image

from model.draft import Figure
from model.drafts_io import load_draft, save_draft

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# A fresh interpreter reads the draft as the export does, then writes the Word file and says which top-level
# packages writing it imported.
_EXPORT = """
import sys
sys.path.insert(0, {root!r})
from model.drafts_io import load_draft
from model.state import ReportState
from export.writers import write_report
state = ReportState(load_draft({draft!r}))
loaded = set(sys.modules)
write_report(state, "docx", {out!r}, allow_errors=True)
print(sorted({{name.split(".")[0] for name in set(sys.modules) - loaded}}))
"""


def _jpeg(width: int, height: int) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buf, "JPEG")
    return base64.b64encode(buf.getvalue()).decode()


def test_writing_a_word_file_imports_neither_python_docx_nor_lxml_nor_pillow(tmp_path):
    """yuexiu-2023 (text, tables, two PNG photos) with a JPEG photo added: the file is written without loading
    python-docx, lxml or Pillow, and the JPEG is in it as python-docx put it: a media part, its relationship,
    its content type and an inline drawing of its size at 96 dpi."""
    draft = load_draft(ROOT / "seeds" / "yuexiu-2023.json")
    section = next(iter(draft.narrative))
    draft.narrative[section].append(Figure(caption="照片", image=_jpeg(480, 360), mime="image/jpeg"))
    path, out = tmp_path / "draft.json", tmp_path / "report.docx"
    save_draft(draft, path)
    code = _EXPORT.format(root=str(ROOT), draft=str(path), out=str(out))
    imported = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout
    imported = eval(imported)  # noqa: S307 — our own subprocess's repr
    assert not {"docx", "lxml", "PIL"} & set(imported), imported

    with zipfile.ZipFile(out) as z:
        types = etree.fromstring(z.read("[Content_Types].xml"))
        defaults = {el.get("Extension"): el.get("ContentType") for el in types if el.tag.endswith("Default")}
        assert defaults["jpg"] == "image/jpeg" and defaults["png"] == "image/png"
        rels = {el.get("Id"): el.get("Target") for el in etree.fromstring(z.read("word/_rels/document.xml.rels"))}
        body = etree.fromstring(z.read("word/document.xml"))
        blips = [blip.get(R + "embed") for blip in body.iter(A + "blip")]
        assert len(blips) == 3
        jpeg_target = rels[blips[-1]]
        assert jpeg_target.endswith(".jpg")
        assert z.read(f"word/{jpeg_target}") == base64.b64decode(draft.narrative[section][-1].image)
        extent = list(body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"))
        assert (extent[-1].get("cx"), extent[-1].get("cy")) == (str(480 * 9525), str(360 * 9525))


def test_the_stored_word_parts_are_what_python_docx_and_the_style_code_make():
    """packaging/make_docx_parts.py --check rebuilds every stored part with python-docx and compares bytes."""
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "make_docx_parts.py"), "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_word_file_is_the_stored_parts_around_the_report(tmp_path):
    """Styles, settings, font table, theme, footers and, with the draft mark, its headers are the stored parts
    byte for byte; the body sits in the stored frame in front of its section properties."""
    from export.writers import write_report
    from model.state import ReportState

    out = tmp_path / "broken.docx"
    write_report(ReportState(load_draft(ROOT / "seeds" / "broken-2024.json")), "docx", out, allow_errors=True)
    parts = ROOT / "resources" / "docx"
    with zipfile.ZipFile(out) as z:
        for name in ("word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/theme/theme1.xml",
                     "word/footer1.xml", "word/footer2.xml"):
            assert z.read(name) == (parts / "shared" / name).read_bytes(), name
        for name in ("word/header1.xml", "word/header2.xml"):
            assert z.read(name) == (parts / "draft" / name).read_bytes(), name
        body = etree.fromstring(z.read("word/document.xml")).find(W + "body")
        frame = etree.fromstring((parts / "draft" / "word" / "document.xml").read_bytes()).find(W + "body")
        assert etree.tostring(body[-1], method="c14n") == etree.tostring(frame[-1], method="c14n")
        assert [el.get(W + "type") for el in body[-1].iter(W + "headerReference")] == ["default", "even"]
