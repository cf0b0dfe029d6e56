"""The main window and the tables never lose or rewrite what the user typed.

Driven through the real MainWindow with QTest key and wheel events, offscreen: what is on screen is what is
saved and exported, typed numbers are judged as typed, the wheel changes nothing by accident, replaced pages
leave nothing behind, export names are safe.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QStandardPaths, Qt
from PySide6.QtGui import QInputMethodEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QMessageBox

from export.filenames import MAX_STEM_BYTES, export_file_name, safe_file_stem
from gui import dialogs
from gui import main_window as main_window_module
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.spec import format_for_year
from model.state import ReportState
from tests.gui_helpers import close_quietly, show_report

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHOTS = ROOT / "test-output"

REAL_ASK_SAVE_CHANGES = dialogs.ask_save_changes

QStandardPaths.setTestModeEnabled(True)  # settings and recovery files go to a test location


@pytest.fixture(autouse=True)
def never_block_on_a_dialog(monkeypatch):
    # a modal dialog would hang an offscreen test: tests that mean to answer one patch it themselves
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")
    monkeypatch.setattr(dialogs, "ask_change_format", lambda parent, year, old, new: True, raising=False)

    def show_error(parent, title, message):
        raise AssertionError(f"{title}：{message}")

    monkeypatch.setattr(dialogs, "show_error", show_error)


def open_window(qtbot, tmp_path: Path | None = None, name: str = "sample-2024") -> MainWindow:
    """The sample in a window; with tmp_path, opened from a copy there so that Ctrl+S saves straight to it."""
    source = SEEDS / f"{name}.json"
    path = None
    if tmp_path is not None:
        path = tmp_path / f"{name}.json"
        shutil.copy(source, path)
    return show_report(qtbot, path or source, path, size=(1280, 720))


def start_typing(qtbot, window: MainWindow, path: str, text: str):
    """Open the editor of a cell as a user does (select it, press F2) and type, without pressing Enter."""
    page = window.pages[window.current_step()]
    index = page.model.index_for_path(path)
    page.view.setFocus()
    page.view.setCurrentIndex(index)
    QTest.keyClick(page.view, Qt.Key.Key_F2)
    editor = page.view.indexWidget(index)
    assert editor is not None and page.view.state() == QAbstractItemView.State.EditingState
    editor.selectAll()
    QTest.keyClicks(editor, text)  # ASCII only: keyClicks cannot send Chinese
    return page, index, editor


def ctrl(widget, key) -> None:
    QTest.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


# -- 10.2 what is on screen is what is saved ----------------------------------------------------------------
def test_a_number_typed_into_a_cell_then_ctrl_s_is_in_the_saved_file(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    window.go_to("s3")
    page, index, editor = start_typing(qtbot, window, "s3.new.research", "4321")
    ctrl(window, Qt.Key.Key_S)  # straight from the open editor: no Enter, no click elsewhere
    saved = ReportState(load_draft(tmp_path / "sample-2024.json"))
    assert saved.value("s3.new.research") == 4321
    assert not window.controller.dirty and not window.isWindowModified()
    assert page.view.state() != QAbstractItemView.State.EditingState  # the accepted value closed the editor
    close_quietly(window)


def test_an_agency_typed_into_the_line_edit_then_ctrl_s_is_in_the_saved_file(qtbot, tmp_path):
    window = open_window(qtbot, tmp_path)
    window.go_to("meta")
    agency = window.pages["meta"].agency
    agency.setFocus()
    agency.selectAll()
    QTest.keyClick(agency, Qt.Key.Key_Delete)
    event = QInputMethodEvent()
    event.setCommitString("某某区统计局")
    QApplication.sendEvent(agency, event)
    assert agency.text() == "某某区统计局"
    ctrl(window, Qt.Key.Key_S)
    saved = load_draft(tmp_path / "sample-2024.json")
    assert saved.meta.agency == "某某区统计局"
    close_quietly(window)


def test_export_writes_the_number_still_being_typed(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot)
    window.go_to("s3")
    start_typing(qtbot, window, "s3.new.research", "4321")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(out))
    monkeypatch.setattr(dialogs, "ask_export_draft", lambda parent, n: True)
    window.pages["export"].buttons["txt"].click()  # as by keyboard: the cell editor keeps the focus
    written = list(out.iterdir())
    assert len(written) == 1
    assert "4321" in written[0].read_text(encoding="utf-8")
    assert window.controller.state.value("s3.new.research") == 4321
    close_quietly(window)


def answer_message_boxes(monkeypatch, answer: str, asked: list[str]) -> None:
    """Every QMessageBox that opens records its text and is answered by clicking the button named `answer`."""

    def exec_(box):
        asked.append(box.text())
        for button in box.buttons():
            if button.text() == answer:
                button.click()
                return 0
        raise AssertionError(f"no button {answer} in {[b.text() for b in box.buttons()]}")

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    monkeypatch.setattr(dialogs, "ask_save_changes", REAL_ASK_SAVE_CHANGES)  # the real box, answered above


def test_ctrl_q_with_a_cell_still_being_typed_asks_and_cancel_keeps_everything(qtbot, monkeypatch):
    window = open_window(qtbot)
    window.go_to("s3")
    asked: list[str] = []
    answer_message_boxes(monkeypatch, "取消", asked)
    start_typing(qtbot, window, "s3.new.research", "77")
    ctrl(window, Qt.Key.Key_Q)
    assert len(asked) == 1 and "尚未保存的修改" in asked[0]
    assert window.isVisible()
    assert window.controller.state.value("s3.new.research") == 77
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    answer_message_boxes(monkeypatch, "不保存", asked)
    window.close()
    assert len(asked) == 2 and not window.isVisible()


# -- 10.3 typed numbers are judged as typed -------------------------------------------------------------
@pytest.mark.parametrize("typed, reason", [("12.5", "不是整数"), ("-5", "负数"), ("1e20", "不是整数"),
                                           ("abc", "不是数字")])
def test_a_count_cell_refuses_what_it_cannot_take_at_the_cell_and_keeps_the_old_value(qtbot, typed, reason):
    window = open_window(qtbot)
    window.go_to("s3")
    before = window.controller.state.value("s3.new.natural")
    page, index, editor = start_typing(qtbot, window, "s3.new.natural", typed)
    assert editor.text() == typed  # nothing was dropped or rewritten while typing
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.controller.state.value("s3.new.natural") == before
    assert not window.controller.dirty
    # the editor stays open with exactly what was typed, and the reason is shown at the cell
    assert page.view.state() == QAbstractItemView.State.EditingState and editor.text() == typed
    note = page.refusal
    assert note.isVisible() and reason in note.text() and f"“{typed}”" in note.text()
    cell = page.view.visualRect(index)
    assert abs(note.geometry().top() - cell.bottom()) <= 4 or abs(note.geometry().bottom() - cell.top()) <= 4
    assert reason in window.statusBar().currentMessage() and reason in page.message.text()
    if typed == "12.5":
        SHOTS.mkdir(exist_ok=True)
        window.grab().save(str(SHOTS / "table-refusal-at-cell.png"))
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert window.controller.state.value("s3.new.natural") == before
    if typed == "12.5":  # the same typing in an amount cell is a value it takes, kept exactly as typed
        amount = next(p for p, cell in window.controller.state.spec.cells.items() if cell.column.kind == "amount")
        window.go_to(amount.split(".")[0])
        page, index, editor = start_typing(qtbot, window, amount, typed)
        QTest.keyClick(editor, Qt.Key.Key_Return)
        assert str(window.controller.state.value(amount)) == typed
    close_quietly(window)


def _refused_text_in_a_cell(qtbot, window, monkeypatch):
    """“12.5” typed into a count of table 三 and Enter pressed: refused, the editor keeps it. Returns the editor
    and the list of questions the user is asked (each answered “go back”)."""
    window.go_to("s3")
    page, index, editor = start_typing(qtbot, window, "s3.new.natural", "12.5")
    QTest.keyClick(editor, Qt.Key.Key_Return)  # refused: the editor keeps “12.5”
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, message: asked.append(message) or False)
    return editor, asked


def test_closing_with_refused_text_still_in_a_cell_asks_before_dropping_it(qtbot, monkeypatch):
    window = open_window(qtbot)
    editor, asked = _refused_text_in_a_cell(qtbot, window, monkeypatch)
    ctrl(window, Qt.Key.Key_Q)
    heading = window.controller.state.spec.section_by_id["s3"].heading
    assert len(asked) == 1 and heading in asked[0] and "未能填入" in asked[0]
    assert window.isVisible() and editor.text() == "12.5"
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, message: True)
    window.close()
    assert not window.isVisible()


def test_ctrl_s_with_refused_text_in_a_cell_asks_and_saves_nothing_when_the_user_goes_back(qtbot, tmp_path,
                                                                                            monkeypatch):
    window = open_window(qtbot, tmp_path)
    saved_before = window.controller.path.read_bytes()
    window.controller.set_cell("s3.new.research", "7")  # an unsaved change that Ctrl+S would write
    editor, asked = _refused_text_in_a_cell(qtbot, window, monkeypatch)
    ctrl(window, Qt.Key.Key_S)
    label = window.controller.state.spec.cells["s3.new.natural"].label
    assert len(asked) == 1 and "未能填入" in asked[0] and label in asked[0] and "“12.5”" in asked[0]
    assert window.controller.path.read_bytes() == saved_before and window.controller.dirty
    assert editor.text() == "12.5" and "未保存" in window.statusBar().currentMessage()
    # answered 是: saved, without the refused text, and asked once (not again by Save As or the save itself)
    asked.clear()
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, message: asked.append(message) or True)
    ctrl(window, Qt.Key.Key_S)
    assert len(asked) == 1 and not window.controller.dirty
    saved = ReportState(load_draft(window.controller.path))
    assert saved.value("s3.new.research") == 7
    close_quietly(window)


# -- 10.8 the wheel changes nothing by accident --------------------------------------------------------
def wheel(widget, steps: int = -1) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_the_year_and_the_combo_boxes_changes_nothing(qtbot):
    window = open_window(qtbot)
    window.go_to("meta")
    meta = window.pages["meta"]
    window.step_list.setFocus()  # the pointer passes over the fields; the keyboard is elsewhere
    state = window.controller.state
    before = (state.meta.year, state.format_id, state.meta.agency_kind, state.meta.publication_date)
    for widget in (meta.year, meta.format, meta.kind, meta.date):
        for steps in (-1, 1, -3):
            wheel(widget, steps)
    state = window.controller.state
    assert (state.meta.year, state.format_id, state.meta.agency_kind, state.meta.publication_date) == before
    assert meta.year.value() == before[0] and meta.format.currentData() == before[1]
    assert not window.controller.dirty
    dialog = main_window_module.NewReportDialog(window)  # 新建报告 has the same boxes
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.agency.setFocus()
    chosen = (dialog.year.value(), dialog.format.currentIndex(), dialog.kind.currentIndex(), dialog.date.date())
    for widget in (dialog.year, dialog.format, dialog.kind, dialog.date):
        wheel(widget, -2)
    assert (dialog.year.value(), dialog.format.currentIndex(), dialog.kind.currentIndex(), dialog.date.date()) == chosen
    dialog.reject()
    close_quietly(window)


def type_year(qtbot, meta, year: str) -> None:
    meta.year.setFocus()
    meta.year.selectAll()
    QTest.keyClicks(meta.year, year)
    QTest.keyClick(meta.year, Qt.Key.Key_Return)


def test_a_year_that_needs_another_format_asks_first_and_can_be_declined(qtbot, monkeypatch):
    window = open_window(qtbot)
    window.go_to("meta")
    state = window.controller.state
    format_before = state.format_id
    other_year = next(y for y in range(2019, 2030) if format_for_year(y).id != format_before)
    asked = []
    monkeypatch.setattr(dialogs, "ask_change_format", lambda parent, year, old, new: asked.append(year) or False)
    type_year(qtbot, window.pages["meta"], str(other_year))
    assert asked == [other_year]
    assert window.controller.state.meta.year == 2024 and window.controller.state.format_id == format_before
    assert window.pages["meta"].year.value() == 2024
    assert str(2024) in window.pages["meta"].message.text()
    monkeypatch.setattr(dialogs, "ask_change_format", lambda parent, year, old, new: asked.append(year) or True)
    type_year(qtbot, window.pages["meta"], str(other_year))
    assert window.controller.state.meta.year == other_year
    assert window.controller.state.format_id == format_for_year(other_year).id
    close_quietly(window)


# -- 10.9 small defects that lose trust ---------------------------------------------------------------------
RECENT_SCRIPT = """
import sys
from gui.app import make_app
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.state import ReportState
app = make_app()
window = MainWindow(ReportController(ReportState.new("", 2024)))
if sys.argv[1] != "-":
    window.open_path(sys.argv[1], ask=False)
print("\\n".join(a.data() for a in window.recent_menu.actions()))  # the path each entry opens
window.controller.undo_stack.setClean()
"""


def test_recent_files_with_one_entry_come_back_as_a_list_after_a_restart(tmp_path):
    # (each entry is numbered for the keyboard, “&1 path”; the script prints the path it opens)
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    first, second = tmp_path / "一.json", tmp_path / "二.json"
    shutil.copy(SEEDS / "sample-2024.json", first)
    shutil.copy(SEEDS / "yuexiu-2023.json", second)

    def run(arg: str) -> list[str]:
        proc = subprocess.run([sys.executable, "-c", RECENT_SCRIPT, arg], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.splitlines()

    assert run(str(first)) == [str(first)]  # one entry, then the process ends
    assert run(str(second)) == [str(second), str(first)]  # the next start read a list, not characters
    assert run("-") == [str(second), str(first)]


def test_review_shows_not_filled_instead_of_none(qtbot):
    state = ReportState.new("某某局", 2024)  # nothing filled in yet, last year's report linked
    state.set_previous(load_draft(SEEDS / "sample-2024.json"))
    window = MainWindow(ReportController(state))
    qtbot.addWidget(window)
    window.go_to("review")
    review = window.pages["review"]
    texts = [review.summary.text(), review.comparison.text()]
    iterator = [review.tree.topLevelItem(i) for i in range(review.tree.topLevelItemCount())]
    for head in iterator:
        texts += [head.child(j).text(c) for j in range(head.childCount()) for c in range(3)]
    assert "未填写" in review.comparison.text()
    assert not any("None" in t for t in texts)
    close_quietly(window)


def test_five_new_and_open_cycles_leave_no_stale_connection(qtbot, tmp_path, capfd, monkeypatch):
    window = open_window(qtbot)
    monkeypatch.setattr(main_window_module.NewReportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    for step in window.step_ids:  # pages are built when first shown: count with every page there, as after
        window.go_to(step)
    receivers_before = window.controller.receivers("2changed(PyObject)")
    capfd.readouterr()
    for cycle in range(5):
        window.new_report()
        window.open_path(str(SEEDS / ("yuexiu-2023.json" if cycle % 2 else "sample-2024.json")), ask=False)
        for step in window.step_ids:
            window.go_to(step)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the replaced pages are really gone
        QApplication.processEvents()
    window.go_to("s3")
    page, index, editor = start_typing(qtbot, window, "s3.new.research", "9")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    window.controller.set_cell("s3.new.research", "")
    QApplication.processEvents()
    assert window.controller.state.value("s3.new.research") is None
    assert capfd.readouterr().err == ""
    assert window.controller.receivers("2changed(PyObject)") == receivers_before
    close_quietly(window)


# -- 10.11 + 12.8 export names are safe --------------------------------------------------------------------
def test_an_agency_with_a_path_in_it_exports_inside_the_chosen_folder(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot)
    window.go_to("meta")
    agency = window.pages["meta"].agency
    agency.setFocus()
    agency.selectAll()
    QTest.keyClicks(agency, "../x/y:z")
    QTest.keyClick(agency, Qt.Key.Key_Return)
    assert window.controller.state.meta.agency == "../x/y:z"
    out = tmp_path / "a" / "out"
    out.mkdir(parents=True)
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(out))
    monkeypatch.setattr(dialogs, "ask_export_draft", lambda parent, n: True)
    window.pages["export"].buttons["pdf"].click()
    title_suffix = window.controller.state.spec.data.title_suffix
    assert [p.name for p in out.iterdir()] == [f"_x_y_z2024年{title_suffix}.pdf"]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["out"]  # nothing beside the folder
    assert not (tmp_path / "x").exists()
    close_quietly(window)


def test_the_export_command_names_files_after_the_title_inside_out(tmp_path, capsys):
    from export.commands import run_export

    draft = json.loads((SEEDS / "sample-2024.json").read_text(encoding="utf-8"))
    draft["meta"]["agency"] = "../x/y:z"
    source = tmp_path / "草稿.json"
    source.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "o"
    code = run_export(argparse.Namespace(file=str(source), to="txt,xlsx", out=str(out), allow_errors=True))
    assert code == 0, capsys.readouterr().err
    state = ReportState(load_draft(source))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"_x_y_z2024年{state.spec.data.title_suffix}.{k}"
                                                           for k in ("txt", "xlsx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "草稿.json"]


@pytest.mark.parametrize("title, name", [
    ('某某区人民政府办公室2024年政府信息公开工作年度报告', '某某区人民政府办公室2024年政府信息公开工作年度报告.pdf'),
    ('a\\b/c:d*e?f"g<h>i|j', 'a_b_c_d_e_f_g_h_i_j.pdf'),
    ('控制\x00符\x1f号\x7f\x85\u200b', '控制_符_号___.pdf'),
    ('结尾有点和空格. . ', '结尾有点和空格.pdf'),
    ('CON', '_CON.pdf'),
    ('lpt1.report', '_lpt1.report.pdf'),
    ('...', '年度报告.pdf'),
])
def test_export_file_names_are_safe_on_windows(title, name):
    assert export_file_name(title, "pdf") == name


def test_a_long_title_is_cut_to_a_safe_length_at_a_character_boundary():
    stem = safe_file_stem("很" * 300)
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES and set(stem) == {"很"}


# -- 10.6 undo shows the exact field of 基本信息 ---------------------------------------------------------------
def test_undo_of_a_meta_field_from_another_page_puts_the_keyboard_in_that_field(qtbot):
    window = open_window(qtbot)
    window.go_to("meta")
    meta = window.pages["meta"]
    for field, text in ((meta.agency, "某某区人民政府办公室"), (meta.contact, "电话 12345678")):
        field.setFocus()
        field.selectAll()
        QTest.keyClick(field, Qt.Key.Key_Delete)
        field.insert(text)
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert window.controller.state.meta.contact == "电话 12345678"
    window.go_to("s3")
    window.pages["s3"].view.setFocus()
    ctrl(window, Qt.Key.Key_Z)
    assert window.current_step() == "meta" and QApplication.focusWidget() is meta.contact
    assert window.controller.state.meta.contact != "电话 12345678"
    window.go_to("s3")
    ctrl(window, Qt.Key.Key_Z)
    assert window.current_step() == "meta" and QApplication.focusWidget() is meta.agency
    assert meta.agency.selectedText() == window.controller.state.meta.agency  # what came back, selected
    close_quietly(window)


# -- 17.7 the keyboard-only path ------------------------------------------------------------------------------
def owner_in(widget, candidates):
    """The candidate the focused widget belongs to (a spin box's line edit belongs to the spin box)."""
    while widget is not None:
        if any(widget is c for c in candidates):
            return widget
        widget = widget.parentWidget()
    return None


def test_tab_walks_basic_information_in_the_order_it_is_read(qtbot):
    window = open_window(qtbot)
    window.go_to("meta")
    meta = window.pages["meta"]
    preamble = meta.preamble
    expected = [meta.agency, meta.year, meta.format, meta.kind, meta.has_date, meta.date, meta.contact,
                preamble.heading_button, preamble.picture_button, preamble.editor, preamble.issue_list]
    meta.agency.setFocus()
    visited = []
    for _ in range(30):
        now = owner_in(QApplication.focusWidget(), expected)
        if now is not None and (not visited or visited[-1] is not now):
            visited.append(now)  # (a date edit takes Tab through its year, month and day first)
        if now is preamble.issue_list:
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    names = {id(w): n for n, w in zip(["机关名称", "报告年度", "格式版本", "机关类型", "已确定公布日期", "公布日期",
                                       "联系方式", "设为小标题", "插入图片", "开头部分", "问题"], expected)}
    assert [names[id(w)] for w in visited] == [names[id(w)] for w in expected]
    close_quietly(window)


def test_every_menu_item_has_a_key_and_every_toolbar_button_says_it(qtbot):
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QMenu, QToolBar

    window = open_window(qtbot)
    missing = []
    for menu in window.menuBar().findChildren(QMenu):
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text().replace("&&", "")
            if "&" not in text and (action.shortcut().isEmpty() or action.menu() is not None):
                missing.append(f"{menu.title()} → {action.text()}")
    for top in window.menuBar().actions():
        assert "&" in top.text(), top.text()
    assert missing == []
    [toolbar] = window.findChildren(QToolBar)
    for action in toolbar.actions():
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = action.toolTip()
        assert (key and key in tip) or "Alt+" in tip, (action.text(), tip)
    close_quietly(window)
