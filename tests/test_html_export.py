"""The HTML export: one self-contained UTF-8 page with inline styles, bordered tables with the official
spans and embedded pictures, which the HTML import reads back cell for cell."""

from pathlib import Path

import lxml.html
import pytest

from export.writers import write_report
from model.drafts_io import load_draft
from model.importers import import_file
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_NAMES = sorted(p.stem for p in SEEDS.glob("*.json") if not p.stem.endswith(".expected"))


def _blocks(draft):
    return [(k, b.type, getattr(b, "text", None) or b.caption, getattr(b, "image", None))
            for k, blocks in [("preamble", draft.preamble), *sorted(draft.narrative.items())] for b in blocks]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_the_html_export_parsed_back_gives_the_same_cells_and_text(tmp_path, name):
    source = load_draft(SEEDS / f"{name}.json")
    state = ReportState(source)
    path = tmp_path / "report.html"
    write_report(state, "html", path, allow_errors=True)
    draft, report = import_file(path)
    back = ReportState(draft)
    assert [p for p in state.spec.cells if back.value(p) != state.value(p)] == []
    assert draft.format == source.format and draft.meta.agency == source.meta.agency
    assert draft.meta.year == source.meta.year and draft.meta.publication_date == source.meta.publication_date
    assert _blocks(draft) == _blocks(source)


def test_the_page_is_self_contained_utf8_with_inline_styles_borders_and_official_spans(tmp_path):
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    path = tmp_path / "report.html"
    write_report(state, "html", path)
    raw = path.read_bytes()
    raw.decode("utf-8")
    page = lxml.html.fromstring(raw)
    assert page.xpath("//meta/@charset") == ["utf-8"]
    assert not page.xpath("//script|//style|//link|//*[@class]")
    assert all(src.startswith("data:image/") for src in page.xpath("//img/@src")) and page.xpath("//img")
    tables = page.xpath("//table")
    assert len(tables) == 3
    for td in page.xpath("//td"):
        assert "border:1px solid #000" in td.get("style")
    s3 = tables[1]
    # the official 三: the note over three label columns and three header rows, 申请人情况 over seven
    note = s3.xpath(".//tr[1]/td[1]")[0]
    assert (note.get("rowspan"), note.get("colspan")) == ("3", "3")
    assert s3.xpath(".//tr[1]/td[2]")[0].get("colspan") == "7"
    assert s3.xpath(".//td[normalize-space()='三、本年度办理结果']")[0].get("rowspan") == "22"
    s4 = tables[2]
    assert [td.get("colspan") for td in s4.xpath(".//tr[1]/td")] == ["5", "10"]


def test_a_draft_export_carries_the_mark_and_it_is_not_read_back_as_content(tmp_path):
    state = ReportState(load_draft(SEEDS / "broken-2024.json"))
    path = tmp_path / "draft.html"
    write_report(state, "html", path, allow_errors=True)
    assert "草稿（未通过校验）" in path.read_text("utf-8")
    draft, _ = import_file(path)
    assert draft.meta.agency == state.meta.agency
    assert all("草稿（未通过校验）" not in str(text) for _, _, text, _ in _blocks(draft))


def test_copy_web_version_puts_the_html_and_plain_text_on_the_clipboard(qtbot):
    from PySide6.QtCore import QStandardPaths, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.importers.html import import_html_text

    QStandardPaths.setTestModeEnabled(True)
    QApplication.clipboard().clear()
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    window = MainWindow(ReportController(state))
    qtbot.addWidget(window)
    window.go_to("export")
    page = window.pages["export"]
    QTest.mouseClick(page.copy_web_button, Qt.MouseButton.LeftButton)
    mime = QApplication.clipboard().mimeData()
    assert mime.hasHtml() and mime.hasText()
    assert "行政规范性文件" in mime.text() and "已复制网页版" in page.status.text()
    html = mime.html()
    QApplication.clipboard().clear()  # the import dialog offers pasting a report it finds there
    draft, _ = import_html_text(html, "剪贴板")
    assert [p for p in state.spec.cells if ReportState(draft).value(p) != state.value(p)] == []
    window.controller.undo_stack.setClean()
    window.close()


def _with_figures(*figures):
    from model.draft import Figure

    draft = load_draft(SEEDS / "sample-2024.json")
    draft.narrative["s1"] = [*draft.narrative["s1"], *[Figure(caption=c, image=img, mime=m) for c, img, m in figures]]
    return ReportState(draft)


def test_a_figure_without_its_picture_shows_a_visible_placeholder_never_a_broken_img(tmp_path):
    import base64

    damaged = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).decode("ascii")  # a PNG cut off after its header
    state = _with_figures(("图9 缺少图片的说明", None, None), ("图10 图片已损坏的说明", damaged, "image/png"))
    path = tmp_path / "draft.html"
    write_report(state, "html", path, allow_errors=True)
    page = lxml.html.fromstring(path.read_bytes())
    texts = [" ".join(p.text_content().split()) for p in page.xpath("//p")]
    missing = texts.index("（图片缺失）")
    assert texts[missing + 1] == "图9 缺少图片的说明"
    damaged_at = texts.index("（图片已损坏，无法显示）")
    assert texts[damaged_at + 1] == "图10 图片已损坏的说明"
    # every <img> left on the page is one a browser can draw: a complete PNG or JPEG
    from PIL import Image
    import io
    for src in page.xpath("//img/@src"):
        with Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))) as picture:
            picture.load()
    assert len(page.xpath("//img")) == sum(1 for b in state.blocks("s1") if b.type == "figure" and b.image) - 1
    # the placeholder box is visible: a dashed border, not hidden text
    box = page.xpath("//p[normalize-space()='（图片缺失）']")[0]
    assert "border:1px dashed" in box.get("style") and "display:none" not in box.get("style")


def test_a_figure_without_its_picture_reads_back_as_that_figure_not_as_a_sentence(tmp_path):
    state = _with_figures(("工作会议现场", None, None))
    path = tmp_path / "draft.html"
    write_report(state, "html", path, allow_errors=True)
    draft, _ = import_file(path)
    last = draft.narrative["s1"][-1]
    assert (last.type, last.caption, last.image) == ("figure", "工作会议现场", None)
    assert all("图片缺失" not in str(text) for _, _, text, _ in _blocks(draft))
