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
