"""The desk a clerk works at: Excel-like tables, frozen headers, find/replace, the step list, the start page —
driven through the real widgets with keys, offscreen."""

import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QDialog

from gui import dialogs
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.state import ReportState
from tests.gui_helpers import activate, close_quietly, commit_text, show_report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHOTS = Path(__file__).resolve().parent.parent / "test-output"

QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


def open_window(qtbot, name="sample-2024", size=(1280, 720)) -> MainWindow:
    return show_report(qtbot, name, size=size)


def select_block(view, first, last):
    view.setCurrentIndex(first)
    view.selectionModel().select(QItemSelection(first, last), QItemSelectionModel.SelectionFlag.ClearAndSelect)


def shot(window, name):
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    window.grab().save(str(SHOTS / f"desk-{name}.png"))


# -- Excel-like tables ----------------------------------------------------------------------------------
def test_ctrl_c_copies_the_selected_block_as_tsv_and_an_html_table_of_numbers(qtbot):
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    model, view = page.model, page.view
    first = model.index_for_path("s3.new.natural")
    last = model.index_for_path("s3.carried_in.commercial")
    select_block(view, first, last)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QApplication.clipboard().mimeData()
    rows = [line.split("\t") for line in mime.text().rstrip("\n").split("\n")]
    state = window.controller.state
    expected_first = [str(state.value(model.path_at(model.index(first.row(), c))) or "")
                      for c in range(first.column(), last.column() + 1)]
    assert len(rows) == last.row() - first.row() + 1 and len(rows) >= 2
    assert rows[0] == expected_first and len(rows[0]) >= 2
    assert mime.hasHtml()
    html = mime.html()
    assert html.count("<tr>") == len(rows)
    assert f'x:num="{expected_first[0]}"' in html  # Excel/WPS read the number as a number
    assert "已复制" in page.message.text()
    close_quietly(window)


def test_a_copied_block_cleared_with_delete_in_one_undo_step_pastes_back(qtbot):
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    model, view = page.model, page.view
    first = model.index_for_path("s3.new.natural")
    last = model.index_for_path("s3.carried_in.commercial")
    paths = [model.path_at(model.index(r, c)) for r in range(first.row(), last.row() + 1)
             for c in range(first.column(), last.column() + 1)]
    paths = [p for p in paths if p and not window.controller.state.is_computed(p)]
    before = {p: window.controller.state.value(p) for p in paths}
    assert any(v is not None for v in before.values())
    select_block(view, first, last)
    view.setFocus()
    steps = window.controller.undo_stack.count()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert all(window.controller.state.value(p) is None for p in paths)
    assert model.data(first) == "未填"
    assert window.controller.undo_stack.count() == steps + 1
    window.controller.undo_stack.undo()
    assert {p: window.controller.state.value(p) for p in paths} == before
    # to Excel and back: the copied block pastes into the cleared cells with the same numbers
    select_block(view, first, last)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert all(window.controller.state.value(p) is None for p in paths)
    view.setCurrentIndex(first)
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert {p: window.controller.state.value(p) for p in paths} == before
    close_quietly(window)


def test_tab_moves_right_and_leaves_the_table_after_the_last_cell_shift_tab_comes_back(qtbot):
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    model, view = page.model, page.view
    cells = view.input_indexes()
    view.setFocus()
    view.setCurrentIndex(cells[0])
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex() == cells[1] and cells[1].row() == cells[0].row()
    view.setCurrentIndex(cells[-1])
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    focus = QApplication.focusWidget()
    assert focus is not view and not view.isAncestorOf(focus)
    qtbot.keyClick(focus, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is view and view.currentIndex() == cells[-1]
    qtbot.keyClick(view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert view.currentIndex() == cells[-2]
    close_quietly(window)


def test_typing_starts_editing_f2_edits_enter_moves_down_and_tab_in_the_editor_moves_right(qtbot):
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    model, view = page.model, page.view
    start = model.index_for_path("s3.new.natural")
    view.setFocus()
    view.setCurrentIndex(start)
    qtbot.keyClick(view, Qt.Key.Key_7)
    editor = QApplication.focusWidget()
    assert editor is not view and editor.text() == "7"
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert window.controller.state.value("s3.new.natural") == 7
    assert view.currentIndex().row() == start.row() and view.currentIndex().column() == start.column() + 1
    qtbot.keyClick(view, Qt.Key.Key_8)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert view.currentIndex() == start  # Shift+Tab in the editor commits and goes back
    assert window.controller.state.value(model.path_at(start.siblingAtColumn(start.column() + 1))) == 8
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not view and editor.text() == model.data(view.currentIndex(), Qt.ItemDataRole.EditRole)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    view.setCurrentIndex(start)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.currentIndex().column() == start.column() and view.currentIndex().row() > start.row()
    close_quietly(window)


# -- table 三 at 1280×720 -----------------------------------------------------------------------------------
def test_header_rows_of_table_three_stay_in_sight_when_scrolled_to_the_last_row(qtbot):
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    model, view = page.model, page.view
    last = model.index(model.rowCount() - 1, model.columnCount() - 1)
    view.setFocus()
    view.setCurrentIndex(last)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    view.scrollTo(last)
    QApplication.processEvents()
    assert view.verticalScrollBar().value() > 0  # the body did scroll
    assert view.viewport().rect().contains(view.visualRect(last))
    heading = next(model.index(r, c) for r in range(model.header_rows()) for c in range(model.columnCount())
                   if model.data(model.index(r, c)) == "法律服务机构")
    pane = view.frozen_top
    assert pane.isVisible()
    on_window = pane.viewport().rect().intersected(pane.visualRect(heading))
    assert on_window.width() >= pane.fontMetrics().horizontalAdvance("法律") and on_window.height() > 0
    top_left = pane.viewport().mapTo(window, on_window.topLeft())
    assert window.rect().contains(top_left)
    # nothing else covers it: the widget drawn at that point is the frozen header itself
    assert window.childAt(pane.viewport().mapTo(window, on_window.center())) is pane.viewport()
    # the label column stays too: the row the body shows last is named beside it
    label = view.frozen_left
    assert label.isVisible() and label.viewport().rect().intersects(label.visualRect(model.index(last.row(), 0)))
    shot(window, "s3-scrolled-1280x720")
    close_quietly(window)


def test_issue_strip_is_one_line_when_empty_and_keeps_the_height_the_user_drags_it_to(qtbot):
    QSettings().remove("table/issue_strip_height")
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    QApplication.processEvents()
    line = page.issue_title.fontMetrics().lineSpacing()
    assert page.issue_panel.height() < 2.5 * line
    assert page.view.height() > window.height() * 0.6
    # an error in the table opens the strip with the issue listed
    type_digits(qtbot, page.view, page.model.index_for_path("s3.disclosed.natural"), "120")
    QApplication.processEvents()
    assert page.issue_list.isVisible() and page.issue_list.count() > 0
    handle = page.splitter.handle(1)
    before = page.issue_panel.height()
    centre = handle.rect().center()
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(handle, centre - QPoint(0, 60))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=centre - QPoint(0, 60))
    QApplication.processEvents()
    dragged = page.issue_panel.height()
    assert dragged > before + 30
    close_quietly(window)
    again = open_window(qtbot, "broken-2024")
    again.go_to("s3")
    QApplication.processEvents()
    other = again.pages["s3"]
    assert other.issue_list.isVisible() and abs(other.issue_panel.height() - dragged) <= 2
    close_quietly(again)


def type_digits(qtbot, view, index, text):
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


# -- find / replace -------------------------------------------------------------------------------------
def narrative_text(state):
    return {sid: " ".join(getattr(b, "text", None) or getattr(b, "caption", "") for b in state.blocks(sid))
            for sid in ["preamble", *state.spec.section_by_id] if sid == "preamble"
            or state.spec.section_by_id[sid].kind == "narrative"}


def test_ctrl_f_finds_a_word_through_every_text_section_with_next_previous_and_count(qtbot):
    window = open_window(qtbot)
    word = "政务"
    expected = sum(t.count(word) for t in narrative_text(window.controller.state).values())
    assert expected >= 3
    qtbot.keyClick(window.step_list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window._find_replace
    assert dialog.isVisible() and not dialog.replace_edit.isVisible()
    activate(dialog)
    commit_text(dialog.find_edit, word)
    assert f"共找到 {expected} 处" in dialog.count_label.text()
    seen = []
    for i in range(expected):
        qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
        editor = dialog._page_for(window.current_step()).editor
        assert editor.textCursor().selectedText() == word
        assert dialog.count_label.text() == f"第 {i + 1} 处，共 {expected} 处。"
        seen.append((window.current_step(), editor.textCursor().selectionStart()))
    assert len(set(seen)) == expected and len({step for step, _ in seen}) >= 2  # across sections
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)  # round to the first again
    assert dialog.count_label.text() == f"第 1 处，共 {expected} 处。"
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert dialog.count_label.text() == f"第 {expected} 处，共 {expected} 处。"
    assert (window.current_step(), dialog._page_for(window.current_step()).editor.textCursor().selectionStart()) \
        == seen[-1]
    dialog.find_edit.clear()
    commit_text(dialog.find_edit, "没有这个词语")
    assert "没有找到“没有这个词语”" in dialog.count_label.text()
    shot(dialog, "find-1280x720")
    dialog.close()
    close_quietly(window)


def test_ctrl_h_replace_all_changes_every_section_in_one_undo_step(qtbot):
    window = open_window(qtbot)
    state = window.controller.state
    before = narrative_text(state)
    expected = sum(t.count("政务") for t in before.values())
    qtbot.keyClick(window.step_list, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window._find_replace
    assert dialog.replace_edit.isVisible()
    activate(dialog)
    commit_text(dialog.find_edit, "政务")
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Tab)
    commit_text(dialog.replace_edit, "公务")
    steps = window.controller.undo_stack.count()
    dialog.replace_all_button.setFocus()
    qtbot.keyClick(dialog.replace_all_button, Qt.Key.Key_Space)
    after = narrative_text(state)
    assert all("政务" not in t for t in after.values())
    assert after == {sid: t.replace("政务", "公务") for sid, t in before.items()}
    assert f"替换 {expected} 处" in dialog.count_label.text()
    assert window.controller.undo_stack.count() == steps + 1
    # the pages show the replaced text
    assert "政务" not in window.pages["s1"].editor.toPlainText()
    activate(window)
    qtbot.keyClick(window.step_list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert narrative_text(state) == before
    assert "政务" in window.pages["s1"].editor.toPlainText()
    dialog.close()
    close_quietly(window)


def test_replace_changes_the_selected_match_and_goes_to_the_next(qtbot):
    window = open_window(qtbot)
    state = window.controller.state
    before = narrative_text(state)
    qtbot.keyClick(window.step_list, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window._find_replace
    activate(dialog)
    commit_text(dialog.find_edit, "政务")
    commit_text(dialog.replace_edit, "公务")
    qtbot.keyClick(dialog.find_edit, Qt.Key.Key_Return)
    first_step = window.current_step()
    qtbot.keyClick(dialog.replace_edit, Qt.Key.Key_Return)  # Enter in 替换为 replaces this one
    after = narrative_text(state)
    assert after[first_step].count("公务") == before[first_step].count("公务") + 1
    total_before = sum(t.count("政务") for t in before.values())
    assert f"共 {total_before - 1} 处" in dialog.count_label.text()
    dialog.close()
    close_quietly(window)


# -- the step list --------------------------------------------------------------------------------------
def test_step_list_shows_each_step_on_one_line_with_a_coloured_sign_and_the_current_step_marked(qtbot):
    from gui.step_list import KIND_COLOURS, StateKindRole

    window = open_window(qtbot, "broken-2024")
    window.go_to("s3")
    steps = window.step_list
    QApplication.processEvents()
    image = steps.viewport().grab().toImage()
    delegate = steps.itemDelegate()
    line = steps.fontMetrics().lineSpacing()

    def sign_colour(row):
        rect = steps.visualItemRect(steps.item(row))
        sign = delegate.sign_rect(rect)
        # left of the middle: the disc itself, not the white mark drawn on it
        return image.pixelColor(sign.center().x() - sign.width() // 4, sign.center().y())

    def near(a, b):
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60

    rows = {sid: i for i, sid in enumerate(window.step_ids)}
    for sid, row in rows.items():
        assert steps.visualItemRect(steps.item(row)).height() < 2 * line  # one line per step
    s3 = steps.item(rows["s3"])
    assert s3.data(StateKindRole) == "error" and "3 个错误" in s3.text()
    assert near(sign_colour(rows["s3"]), KIND_COLOURS["error"])
    assert near(sign_colour(rows["s1"]), KIND_COLOURS["done"])
    # the current step stands on the highlight colour; the others do not
    current = steps.visualItemRect(s3)
    background = image.pixelColor(current.center().x(), current.top() + 2)
    assert near(background, steps.palette().highlight().color())
    other = steps.visualItemRect(steps.item(rows["s1"]))
    assert not near(image.pixelColor(other.center().x(), other.top() + 2), steps.palette().highlight().color())
    shot(window, "steps-1280x720")
    close_quietly(window)


def test_step_list_says_not_started_and_in_progress_with_their_own_signs(qtbot):
    from gui.step_list import StateKindRole

    window = MainWindow(ReportController(ReportState.new("临江区人民政府", 2024), None))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    activate(window)
    rows = {sid: i for i, sid in enumerate(window.step_ids)}
    assert window.step_list.item(rows["s2"]).data(StateKindRole) == "empty"
    assert window.step_list.item(rows["s2"]).text().endswith("未开始")
    page = window.pages["s2"]
    window.go_to("s2")
    first = page.view.input_indexes()[0]
    type_digits(qtbot, page.view, first, "3")
    item = window.step_list.item(rows["s2"])
    assert item.data(StateKindRole) in ("started", "error", "warning") and not item.text().endswith("未开始")
    close_quietly(window)


# -- the start page -------------------------------------------------------------------------------------
def test_starting_without_a_file_shows_the_start_page_in_front_of_a_sample_titled_as_one(qtbot, monkeypatch):
    from gui import app as app_module
    from gui import start_dialog

    shown, windows_meanwhile = [], []

    def exec_(dialog):
        shown.append(dialog)
        # the start page comes first, alone: the sample's window is shown only once the user has chosen
        windows_meanwhile.extend(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
                                 and w.isVisible())
        dialog.grab().save(str(SHOTS / "desk-start-page.png"))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(start_dialog.StartDialog, "exec", exec_)
    monkeypatch.setattr(app_module, "orphaned_recoveries", lambda: [])
    monkeypatch.setattr(app_module.crash, "install", lambda app, on_error=None: None)
    opened = []

    def run_events(_app):
        for _ in range(5):
            QApplication.processEvents()
        opened.extend(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        return 0

    monkeypatch.setattr(QApplication, "exec", run_events)
    SHOTS.mkdir(exist_ok=True)
    assert app_module.run_app(None) == 0
    window = next(w for w in opened if getattr(w, "_is_sample", False))
    qtbot.addWidget(window)
    assert len(shown) == 1 and windows_meanwhile == []
    assert set(shown[0].buttons) == {"new", "open", "carry", "import", "rollup"}
    assert "示例" in window.windowTitle()
    close_quietly(window)


def test_a_sample_opened_from_the_start_page_says_so_and_ctrl_s_asks_where_to_save(qtbot, monkeypatch):
    from gui.start_dialog import StartDialog

    window = open_window(qtbot, "panyu-2020")
    window.controller.replace_state(ReportState.new("", 2024), None)
    window._is_sample = False
    window._update_title()
    assert "示例" not in window.windowTitle()
    dialog = StartDialog(window.sample_paths(), window)
    qtbot.addWidget(dialog)
    row = next(i for i in range(dialog.samples.count()) if dialog.samples.item(i).text() == "sample-2024")
    dialog.samples.setCurrentRow(row)
    dialog.samples.setFocus()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(dialog)
    qtbot.keyClick(dialog.samples, Qt.Key.Key_Return)
    assert dialog.choice == "sample"
    window.start(dialog.choice, dialog.path)
    assert window.windowTitle().startswith("示例：sample-2024")
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggested: asked.append(suggested) or None)
    activate(window)
    window.controller.set_cell("s3.new.research", "9")
    qtbot.keyClick(window.step_list, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1  # 另存为: the sample file itself is never written
    assert "示例" in window.windowTitle()
    shot(window, "sample-title")
    close_quietly(window)


def test_recent_files_on_the_start_page_show_agency_year_and_when_last_saved(qtbot, tmp_path):
    import datetime as dt
    import os

    from gui.recent_files import recent_paths, store_recent_paths
    from gui.start_dialog import StartDialog
    from model.drafts_io import save_draft

    kept = recent_paths()
    draft = tmp_path / "本单位年报.json"
    save_draft(load_draft(SEEDS / "sample-2024.json"), draft)
    stamp = dt.datetime(2025, 1, 20, 9, 30).timestamp()
    os.utime(draft, (stamp, stamp))
    gone = tmp_path / "已删除.json"
    store_recent_paths([str(draft), str(gone)])
    try:
        dialog = StartDialog([], None)
        qtbot.addWidget(dialog)
        first, second = dialog.recent.item(0), dialog.recent.item(1)
        agency = load_draft(draft).meta.agency
        assert first.text() == f"{agency}　2024 年度　最后保存 2025-01-20 09:30　本单位年报.json"
        assert "不存在" in second.text() and not second.flags() & Qt.ItemFlag.ItemIsEnabled
        dialog.recent.itemActivated.emit(first)
        assert dialog.choice == "recent" and dialog.path == str(draft)
    finally:
        store_recent_paths(kept)


# -- screenshots and clipping at small screens ----------------------------------------------------------
SCREEN_CHECK = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from PySide6.QtWidgets import QAbstractButton, QLabel
from gui.app import make_app
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.state import ReportState
app = make_app()
out, scale = Path(sys.argv[3]), sys.argv[4]
problems = []
for width, height in ((1280, 720), (1366, 768)):
    window = MainWindow(ReportController(ReportState(load_draft(sys.argv[2])), None))
    window.resize(width, height)
    window.show()
    app.processEvents()
    if (window.width(), window.height()) != (width, height):
        problems.append(f"{width}x{height}: window is {window.width()}x{window.height()}")
    for step in window.step_ids:
        window.go_to(step)
        app.processEvents()
        page = window.stack.currentWidget()
        need = page.minimumSizeHint()
        if need.width() > page.width() or need.height() > page.height():
            problems.append(f"{width}x{height} {step}: page needs {need.width()}x{need.height()}")
        for widget in page.findChildren(QAbstractButton) + page.findChildren(QLabel):
            if not widget.isVisible() or (isinstance(widget, QLabel) and widget.wordWrap()):
                continue
            hint = widget.minimumSizeHint()
            if hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1:
                problems.append(f"{width}x{height} {step}: “{widget.text()[:12]}” clipped")
        if step == "s3":
            view = page.view
            model = page.model
            view.scrollTo(model.index(model.rowCount() - 1, model.columnCount() - 1))
            app.processEvents()
            pane = view.frozen_top
            if not (pane.isVisible() and pane.height() >= view.frozen_height() and view.verticalScrollBar().value() > 0):
                problems.append(f"{width}x{height} s3: header rows not in sight after scrolling")
        window.grab().save(str(out / f"desk-{width}x{height}-{scale}-{step}.png"))
    window.controller.undo_stack.setClean()
    window.close()
print("\n".join(problems) or "fits")
"""


@pytest.mark.parametrize("scale", ["1", "1.5"])
def test_every_page_fits_1280x720_and_1366x768_unclipped_with_screenshots(tmp_path, scale):
    import os
    import subprocess
    import sys

    SHOTS.mkdir(exist_ok=True)
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM="offscreen", NIANBAO_RECOVERY_DIR=str(tmp_path))
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", SCREEN_CHECK, str(root), str(SEEDS / "broken-2024.json"),
                           str(SHOTS), f"{int(float(scale) * 100)}pct"],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["fits"]
    assert (SHOTS / f"desk-1280x720-{int(float(scale) * 100)}pct-s3.png").exists()
