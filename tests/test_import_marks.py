"""Cells an import could not determine are marked in the tables (orange, with the reason in the tooltip) and
listed on the review page until the user fills them; the marks travel in the draft across save and reopen."""

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QColor

from export.writers import write_report
from gui import dialogs
from gui.controller import ReportController
from gui.main_window import MainWindow
from gui.table_model import UNSURE_BG, UnsureRole
from model.draft import Draft
from model.drafts_io import load_draft, save_draft
from model.importers import import_file
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# In the sample's table 二, 行政规范性文件 6 | 3 | 41 run together as “6341” once the text is crawled into one
# line: 6|3|41, 6|34|1 and 63|4|1 all fit, so the import leaves the three cells open
RUN_TOGETHER = ["s2.normative_docs.issued", "s2.normative_docs.abolished", "s2.normative_docs.in_force"]

QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


def crawled_file(tmp_path) -> Path:
    """The sample report as text crawled from a portal page: one line, table cells run together."""
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    out = tmp_path / "sample.txt"
    write_report(state, "txt", out, allow_errors=True)
    crawled = tmp_path / "网页文字.txt"
    crawled.write_text(re.sub(r"\s+", "", out.read_text(encoding="utf-8-sig")), encoding="utf-8")
    return crawled


def import_through_the_menu(qtbot, window, monkeypatch, path: Path) -> None:
    monkeypatch.setattr(dialogs, "ask_source_path", lambda *a: str(path))
    monkeypatch.setattr(dialogs, "show_report", lambda *a: True)
    action = next(a for a in window.findChildren(type(window.menuBar().actions()[0]))
                  if a.text().replace("&", "").startswith("导入已发布的报告"))
    action.trigger()


def painted_colour(qtbot, page, path) -> QColor:
    view = page.view
    index = page.model.index_for_path(path)
    view.scrollTo(index)
    qtbot.wait(10)
    rect = view.visualRect(index)
    image = view.viewport().grab().toImage()
    return image.pixelColor(rect.left() + 3, rect.top() + 3)


def type_into(qtbot, view, index, text):
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index) or view.focusWidget()
    editor.clear()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_a_crawled_import_marks_its_uncertain_cells_until_the_user_types_a_number(qtbot, tmp_path, monkeypatch):
    window = MainWindow(ReportController(ReportState.new("测试局", 2024)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_to("s2")
    assert "橙色" not in window.pages["s2"].legend.text()  # the legend names orange only where there is some
    import_through_the_menu(qtbot, window, monkeypatch, crawled_file(tmp_path))
    assert window.controller.state.meta.agency and window.controller.state.value(RUN_TOGETHER[0]) is None
    window.go_to("s2")
    page = window.pages["s2"]
    assert "橙色：导入时无法确定，需人工核对" in page.legend.text()
    for path in RUN_TOGETHER:
        index = page.model.index_for_path(path)
        assert page.model.data(index, Qt.ItemDataRole.BackgroundRole).color() == UNSURE_BG
        tip = page.model.data(index, Qt.ItemDataRole.ToolTipRole)
        assert "导入时无法确定，需人工核对：读到“6341”" in tip
        assert painted_colour(qtbot, page, path) == UNSURE_BG
    # a cell the import read is not marked
    read = page.model.index_for_path("s2.rules.in_force")
    assert page.model.data(read, UnsureRole) is None
    assert page.model.data(read, Qt.ItemDataRole.BackgroundRole) != UNSURE_BG
    # typing a number into one takes its mark away; the other two stay marked
    type_into(qtbot, page.view, page.model.index_for_path(RUN_TOGETHER[0]), "6")
    assert window.controller.state.value(RUN_TOGETHER[0]) == 6
    first = page.model.index_for_path(RUN_TOGETHER[0])
    assert page.model.data(first, UnsureRole) is None
    assert "导入时无法确定" not in page.model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert painted_colour(qtbot, page, RUN_TOGETHER[0]) != UNSURE_BG
    assert painted_colour(qtbot, page, RUN_TOGETHER[1]) == UNSURE_BG
    # undo brings the mark back, as the cell is open again
    window.controller.undo_stack.undo()
    assert page.model.data(first, UnsureRole) is not None
    window.controller.undo_stack.setClean()
    window.close()


def test_the_review_page_lists_the_uncertain_cells_and_goes_to_them(qtbot, tmp_path, monkeypatch):
    window = MainWindow(ReportController(ReportState.new("测试局", 2024)))
    qtbot.addWidget(window)
    window.show()
    import_through_the_menu(qtbot, window, monkeypatch, crawled_file(tmp_path))
    assert window.current_step() == "review"
    review = window.pages["review"]
    group = review.tree.topLevelItem(0)
    assert group.text(0).startswith("导入时无法确定的单元格（")
    texts = [group.child(i).text(0) for i in range(group.childCount())]
    assert "【需核对】行政规范性文件 / 本年废止件数" in texts
    item = group.child(texts.index("【需核对】行政规范性文件 / 本年废止件数"))
    review.tree.setCurrentItem(item)
    assert review.go_button.isEnabled()
    qtbot.mouseClick(review.go_button, Qt.MouseButton.LeftButton)
    assert window.current_step() == "s2"
    page = window.pages["s2"]
    assert page.model.path_at(page.view.currentIndex()) == "s2.normative_docs.abolished"
    # 空白填 0 fills every open cell of the table: its marks go, and the review no longer lists them
    qtbot.mouseClick(page.fill_zero, Qt.MouseButton.LeftButton)
    assert all(page.model.data(page.model.index_for_path(p), UnsureRole) is None for p in RUN_TOGETHER)
    window.go_to("review")
    listed = [review.tree.topLevelItem(0).child(i).text(0) for i in range(review.tree.topLevelItem(0).childCount())]
    assert not any("行政规范性文件" in x for x in listed)
    window.controller.undo_stack.setClean()
    window.close()


def test_the_marks_are_kept_in_the_draft_across_save_and_reopen(tmp_path):
    draft, report = import_file(crawled_file(tmp_path))
    assert set(RUN_TOGETHER) <= set(draft.import_unsure)
    assert set(draft.import_unsure) == {p for p in ReportState(draft).spec.input_paths
                                        if ReportState(draft).spec.cells[p].label in report.uncertain + report.missing}
    state = ReportState(draft)
    state.set_value(RUN_TOGETHER[0], "6")
    saved = tmp_path / "draft.json"
    save_draft(state.to_draft(), saved)
    reopened = load_draft(saved)
    # the filled cell's mark is dropped when the draft is saved; the open ones stay with their reasons
    assert RUN_TOGETHER[0] not in reopened.import_unsure
    assert reopened.import_unsure[RUN_TOGETHER[1]] == draft.import_unsure[RUN_TOGETHER[1]]


def test_a_draft_without_marks_and_a_damaged_mark_list_still_open(tmp_path):
    data = load_draft(SEEDS / "sample-2024.json").model_dump(mode="json")
    data.pop("import_unsure", None)
    assert Draft.model_validate(data).import_unsure == {}
    data["import_unsure"] = ["s2.rules.issued"]  # not a mapping: hints only, dropped rather than refusing the draft
    assert Draft.model_validate(data).import_unsure == {}


def test_the_import_file_dialog_offers_every_kind_of_file_the_import_reads():
    import re

    from gui.dialogs import SOURCE_FILTER
    from model.importers import _KIND_NAMES, _SUFFIX_KINDS

    offered = set(re.findall(r"\*\.(\w+)", SOURCE_FILTER))
    assert set(_KIND_NAMES) | set(_SUFFIX_KINDS) <= offered, "a kind the import reads is missing from the dialog"
