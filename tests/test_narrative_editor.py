"""The narrative editor as the user meets it: pictures never vanish, guidance is not content, undo takes back one
burst of typing and shows where, and text from Word arrives clean. Real key, input-method and paste events."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtCore import QMimeData, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage, QInputMethodEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication

from gui import autosave, dialogs
from gui.controller import ReportController
from gui.main_window import MainWindow
from gui.narrative_page import SHOWN_IMAGE_WIDTH, picture_thumbnail
from model.carry_forward import carry_forward
from model.drafts_io import load_draft, save_draft
from model.state import ReportState
from tests.gui_helpers import close_quietly

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHOTS = ROOT / "test-output"

QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def quiet_dialogs(monkeypatch, tmp_path):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")
    image = QImage(64, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#3060c0"))
    image.save(str(tmp_path / "photo.png"))
    monkeypatch.setattr(dialogs, "ask_image_path", lambda parent: str(tmp_path / "photo.png"))
    yield
    if hasattr(autosave, "discard_recovery"):
        autosave.discard_recovery()


def open_window(qtbot, name: str) -> MainWindow:
    window = MainWindow(ReportController(ReportState(load_draft(SEEDS / f"{name}.json"))))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitActive(window):  # keys reach the window's shortcuts (Ctrl+Z, Ctrl+V) as on a desktop
        window.activateWindow()
    return window


def shown_and_saved(window: MainWindow, page) -> tuple[list, list]:
    """The pictures the editor shows and the pictures the saved draft holds, after committing as Ctrl+S does."""
    window.controller.commit_pending_edits()
    doc = page.editor.document()
    shown = []
    block = doc.firstBlock()
    while block.isValid():
        for name in image_names(block):
            image = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
            shown.append((image.width(), image.height()))
        block = block.next()
    saved = []
    for b in window.controller.to_draft().narrative[page.section_id]:
        if b.type == "figure" and b.image:
            # the editor shows each picture decoded at the width it is drawn, not at full size
            image, _size = picture_thumbnail(b.image, SHOWN_IMAGE_WIDTH)
            saved.append((image.width(), image.height()))
    return shown, saved


def image_names(block) -> list[str]:
    """The pictures a line of the editor shows (image objects in its text)."""
    names = []
    it = block.begin()
    while not it.atEnd():
        fmt = it.fragment().charFormat()
        if fmt.isImageFormat():
            names += [fmt.toImageFormat().name()] * it.fragment().length()
        it += 1
    return names


def picture_selected(editor) -> bool:
    """The selection is exactly one picture line (the picture and its caption)."""
    cursor = editor.textCursor()
    block = editor.document().findBlock(cursor.selectionStart())
    return (bool(image_names(block)) and cursor.selectionStart() == block.position()
            and cursor.selectionEnd() == block.position() + block.length() - 1)


def assert_shown_is_saved(window, page, count: int) -> None:
    shown, saved = shown_and_saved(window, page)
    assert shown == saved and len(saved) == count


def put_cursor(editor, position: int) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(position)
    editor.setTextCursor(cursor)


def picture_line(editor):
    block = editor.document().firstBlock()
    while block.isValid():
        if image_names(block):
            return block
        block = block.next()
    return None


def with_picture(qtbot, name="yuexiu-2023", section="s5"):
    """A window on `section` with a picture inserted after its first line, through the page's own button."""
    window = open_window(qtbot, name)
    window.go_to(section)
    page = window.pages[section]
    page.editor.setFocus()
    put_cursor(page.editor, 0)
    page.picture_button.click()
    assert picture_line(page.editor) is not None
    return window, page


def test_backspace_and_delete_next_to_a_picture_select_it_and_the_draft_keeps_it(qtbot):
    window, page = with_picture(qtbot)
    ed = page.editor
    assert_shown_is_saved(window, page, 1)
    # Backspace at the start of the line after the picture
    put_cursor(ed, picture_line(ed).next().position())
    qtbot.keyClick(ed, Qt.Key.Key_Backspace)
    assert_shown_is_saved(window, page, 1)
    assert picture_selected(ed) and "再按" in page.note.text()
    # Delete at the end of the line before the picture
    before = picture_line(ed).previous()
    put_cursor(ed, before.position() + before.length() - 1)
    qtbot.keyClick(ed, Qt.Key.Key_Delete)
    assert_shown_is_saved(window, page, 1)
    assert picture_selected(ed)
    # Delete at the end of the picture line does not pull the next paragraph into the caption
    line = picture_line(ed)
    caption_before = line.text()
    put_cursor(ed, line.position() + line.length() - 1)
    qtbot.keyClick(ed, Qt.Key.Key_Delete)
    assert picture_line(ed).text() == caption_before
    assert_shown_is_saved(window, page, 1)
    # Backspace at the very start of the picture line selects it too
    put_cursor(ed, picture_line(ed).position())
    qtbot.keyClick(ed, Qt.Key.Key_Backspace)
    assert picture_selected(ed)
    assert_shown_is_saved(window, page, 1)
    close_quietly(window)


def test_deleting_a_selected_picture_is_its_own_undo_step(qtbot):
    window, page = with_picture(qtbot)
    ed = page.editor
    qtbot.keyClicks(ed, "abc")  # typing just before, still pending when the picture is deleted
    put_cursor(ed, picture_line(ed).next().position())
    qtbot.keyClick(ed, Qt.Key.Key_Backspace)  # selects the picture
    qtbot.keyClick(ed, Qt.Key.Key_Backspace)  # deletes it
    assert picture_line(ed) is None
    assert_shown_is_saved(window, page, 0)
    qtbot.keyClick(ed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert picture_line(ed) is not None
    assert_shown_is_saved(window, page, 1)
    assert "abc" in ed.toPlainText()  # the typing before is a step of its own
    qtbot.keyClick(ed, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert_shown_is_saved(window, page, 0)
    qtbot.keyClick(ed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # the 删除图片 button does the same
    put_cursor(ed, picture_line(ed).position() + 2)
    assert page.remove_button.isEnabled()
    page.remove_button.click()
    assert_shown_is_saved(window, page, 0)
    window.undo_action.trigger()
    assert_shown_is_saved(window, page, 1)
    close_quietly(window)


def test_typing_around_and_over_a_picture_keeps_editor_and_draft_equal(qtbot):
    window, page = with_picture(qtbot)
    ed = page.editor
    # Enter in the middle of the caption opens a new line below; the picture and its caption stay together
    line = picture_line(ed)
    put_cursor(ed, line.position() + 3)
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    qtbot.keyClicks(ed, "below")
    assert_shown_is_saved(window, page, 1)
    blocks = window.controller.state.blocks("s5")
    figure_at = next(i for i, b in enumerate(blocks) if b.type == "figure")
    assert blocks[figure_at + 1].text == "below"
    # typing in front of the picture puts the text on a line of its own above it
    put_cursor(ed, picture_line(ed).position())
    qtbot.keyClicks(ed, "above")
    assert_shown_is_saved(window, page, 1)
    blocks = window.controller.state.blocks("s5")
    figure_at = next(i for i, b in enumerate(blocks) if b.type == "figure")
    assert blocks[figure_at - 1].text == "above"
    # a selection from the line above to the line below, typed over: the picture is visibly gone, and saved so
    start = picture_line(ed).previous().position() + 2
    cursor = ed.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(picture_line(ed).next().position() + 2, QTextCursor.MoveMode.KeepAnchor)
    ed.setTextCursor(cursor)
    qtbot.keyClicks(ed, "x")
    assert picture_line(ed) is None
    assert_shown_is_saved(window, page, 0)
    window.undo_action.trigger()
    assert_shown_is_saved(window, page, 1)
    close_quietly(window)


def test_one_ctrl_z_undoes_one_burst_of_typing(qtbot):
    window = open_window(qtbot, "yuexiu-2023")
    window.go_to("s6")
    page = window.pages["s6"]
    ed = page.editor
    ed.setFocus()
    ed.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(ed, "first")
    qtbot.waitUntil(lambda: not page._pause_timer.isActive(), timeout=page.PAUSE_MS * 3)  # the user pauses
    qtbot.keyClicks(ed, " second")
    qtbot.keyClick(ed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ed.toPlainText().endswith("first")
    qtbot.keyClick(ed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "first" not in ed.toPlainText()
    # moving the cursor elsewhere ends a burst too
    qtbot.keyClicks(ed, "alpha")
    qtbot.keyClick(ed, Qt.Key.Key_Home)
    qtbot.keyClicks(ed, "beta")
    qtbot.keyClick(ed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "beta" not in ed.toPlainText() and ed.toPlainText().endswith("alpha")
    close_quietly(window)


def test_undo_from_another_page_shows_the_page_and_the_place(qtbot):
    window = open_window(qtbot, "yuexiu-2023")
    window.go_to("s6")
    page = window.pages["s6"]
    ed = page.editor
    ed.setFocus()
    put_cursor(ed, 4)
    event = QInputMethodEvent()
    event.setCommitString("新增文字")
    QApplication.sendEvent(ed, event)
    window.go_to("s3")  # leaving the page ends the typing
    window.undo_action.trigger()
    assert window.current_step() == "s6" and window.stack.currentWidget() is page
    assert "新增文字" not in ed.toPlainText() and ed.textCursor().position() == 4
    window.go_to("meta")
    window.redo_action.trigger()
    assert window.current_step() == "s6" and ed.textCursor().position() == 8
    # a table cell: undo from a text page selects the cell
    window.controller.set_cell("s3.new.natural", "7")
    window.go_to("s6")
    window.undo_action.trigger()
    assert window.current_step() == "s3"
    table = window.pages["s3"]
    assert table.model.path_at(table.view.currentIndex()) == "s3.new.natural"
    close_quietly(window)


def test_text_pasted_from_word_is_cleaned_and_the_change_is_shown(qtbot, tmp_path):
    from export.writers import write_report

    window = open_window(qtbot, "sample-2024")
    window.go_to("s6")
    page = window.pages["s6"]
    ed = page.editor
    ed.setFocus()
    ed.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(ed, Qt.Key.Key_Return)
    mime = QMimeData()
    mime.setText("a\vb\x07c\ufffe")
    QGuiApplication.clipboard().setMimeData(mime)
    qtbot.keyClick(ed, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert ed.toPlainText().endswith("a\nbc")
    assert page.note.isVisible()
    assert "软换行" in page.note.text() and "删除了 1 个控制字符" in page.note.text() and "非字符" in page.note.text()
    window.controller.commit_pending_edits()
    assert [b.text for b in window.controller.state.blocks("s6")[-2:]] == ["a", "bc"]
    write_report(window.controller.state, "docx", tmp_path / "r.docx", allow_errors=True)  # no traceback
    # an input method's commit is cleaned the same way
    event = QInputMethodEvent()
    event.setCommitString("甲\v乙\x1b")
    QApplication.sendEvent(ed, event)
    assert ed.toPlainText().endswith("bc甲\n乙")
    assert "输入的文字已整理" in page.note.text()
    # the paste is an undo step of its own
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert not ed.toPlainText().endswith("bc")
    close_quietly(window)


def carried_forward_report(tmp_path) -> Path:
    """Last year's complete report carried forward, with every gap filled except the prompt in 五."""
    last = load_draft(SEEDS / "sample-2024.json")
    draft = last.model_copy(deep=True)
    draft.meta.year = 2025
    draft.meta.publication_date = dt.date(2026, 1, 20)
    draft.narrative["s5"] = carry_forward(last, 2025).narrative["s5"]
    draft.narrative["s1"][0].text = draft.narrative["s1"][0].text.replace("2024", "2025")
    draft.preamble[0].text = draft.preamble[0].text.replace("2024", "2025")
    path = tmp_path / "carried.json"
    save_draft(draft, path)
    return path


def test_a_carried_forward_prompt_left_in_five_is_an_error_everywhere(qtbot, tmp_path):
    path = carried_forward_report(tmp_path)
    state = ReportState(load_draft(path))
    errors = state.errors()
    assert [(i.rule, i.section) for i in errors] == [("F-9", "s5")]
    assert "（请写明整改措施和成效）" in errors[0].message
    window = MainWindow(ReportController(state, path))
    qtbot.addWidget(window)
    window.show()
    text, _colour = window.step_state("s5")
    assert text != "已完成" and "错误" in text
    review = window.pages["review"]
    listed = [review.tree.topLevelItem(i).child(j).text(0) for i in range(review.tree.topLevelItemCount())
              for j in range(review.tree.topLevelItem(i).childCount())]
    assert any("请写明整改措施和成效" in line for line in listed)
    close_quietly(window)
    out = tmp_path / "out"
    refused = subprocess.run([sys.executable, "main.py", "export", str(path), "--to", "txt", "--out", str(out)],
                             cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 1 and "请写明整改措施和成效" in refused.stderr
    assert not list(out.glob("*.txt"))
    allowed = subprocess.run([sys.executable, "main.py", "export", str(path), "--to", "txt", "--out", str(out),
                              "--allow-errors"], cwd=ROOT, capture_output=True, text=True)
    assert allowed.returncode == 0


def test_a_new_pictures_caption_prompt_and_a_picture_without_its_file_are_errors(qtbot):
    window, page = with_picture(qtbot, "sample-2024", "s6")
    state = window.controller.state
    assert [i.rule for i in state.errors() if i.section == "s6"] == ["F-9"]
    assert "请填写图片说明" in state.errors()[0].message
    # rewriting the caption clears it
    line = picture_line(page.editor)
    cursor = page.editor.textCursor()
    cursor.setPosition(line.position() + 2)
    cursor.setPosition(line.position() + line.length() - 1, QTextCursor.MoveMode.KeepAnchor)
    page.editor.setTextCursor(cursor)
    event = QInputMethodEvent()
    event.setCommitString("政务公开专栏")
    QApplication.sendEvent(page.editor, event)
    window.controller.commit_pending_edits()
    assert not [i for i in state.errors() if i.section == "s6"]
    close_quietly(window)
    draft = load_draft(SEEDS / "sample-2024.json")
    figure = next(b for b in draft.narrative["s1"] if b.type == "figure")
    figure.image = figure.mime = None  # as an import of a published report leaves it
    issues = [i for i in ReportState(draft).errors() if i.rule == "F-9"]
    assert len(issues) == 1 and figure.caption in issues[0].message and issues[0].section == "s1"


def test_screenshot_of_the_narrative_page(qtbot):
    window, page = with_picture(qtbot, "sample-2024", "s1")
    window.resize(1280, 720)
    put_cursor(page.editor, picture_line(page.editor).next().position())
    qtbot.keyClick(page.editor, Qt.Key.Key_Backspace)
    assert picture_selected(page.editor) and page.note.isVisible()  # what the picture shows: the picture kept, selected
    SHOTS.mkdir(exist_ok=True)
    shot = window.grab()
    assert shot.width() == 1280 and shot.save(str(SHOTS / "narrative-page.png"))
    close_quietly(window)


def test_a_failing_export_says_so_in_chinese_and_leaves_no_partial_files(qtbot, tmp_path, monkeypatch):
    import export.docx_writer

    def broken(_doc):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(export.docx_writer, "render_docx", broken)
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: shown.append((title, text)))
    window = open_window(qtbot, "sample-2024")
    page = window.pages["export"]
    folder = tmp_path / "out"
    folder.mkdir()
    assert page.export(["pdf", "docx", "txt"], folder=str(folder)) == []
    assert list(folder.iterdir()) == []  # the PDF written before the failure is not left behind
    assert shown and shown[0][0] == "导出失败" and "Word" in shown[0][1] and "没有写出任何文件" in shown[0][1]
    monkeypatch.undo()
    written = page.export(["pdf", "txt"], folder=str(folder))
    assert sorted(p.suffix for p in written) == [".pdf", ".txt"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
    close_quietly(window)


def test_random_editing_around_pictures_never_parts_screen_and_draft(qtbot):
    """Keys a user presses around pictures, in a fixed pseudo-random order; after each one the editor shows
    exactly the pictures the draft saves, and the draft's text lines are the editor's."""
    import random

    window, page = with_picture(qtbot, "sample-2024", "s1")
    ed = page.editor
    rng = random.Random(3)
    keys = [Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Left, Qt.Key.Key_Right,
            Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End]
    with_pictures = 0
    for step in range(160):
        roll = rng.random()
        if roll < 0.15:
            line = picture_line(ed)
            if line is not None and line.previous().isValid() and line.next().isValid():  # mostly near the picture
                after = line.next()
                put_cursor(ed, rng.randint(line.previous().position(), after.position() + after.length() - 1))
            else:
                put_cursor(ed, rng.randrange(ed.document().characterCount()))
        elif roll < 0.3:
            for _ in range(rng.randint(1, 3)):
                qtbot.keyClick(ed, rng.choice([Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Up]),
                               Qt.KeyboardModifier.ShiftModifier)
        elif roll < 0.4:
            qtbot.keyClicks(ed, rng.choice(["x", "ab", "9"]))
        elif roll < 0.45:
            window.undo_action.trigger()
        else:
            qtbot.keyClick(ed, rng.choice(keys))
        shown, saved = shown_and_saved(window, page)
        assert shown == saved, f"step {step}"
        assert screen(ed) == [(b.type, b.caption if b.type == "figure" else b.text)
                              for b in window.controller.to_draft().narrative["s1"]], f"step {step}"
        with_pictures += bool(shown)
    assert 0 < with_pictures < 160  # the picture was deleted (and brought back by undo) along the way
    close_quietly(window)


def screen(editor) -> list[tuple[str, str]]:
    """What the editor shows, read from the display alone: a line with a picture (or the （图） mark of a missing
    one) is a figure, a bold line a sub-head, any other non-empty line a paragraph."""
    out = []
    block = editor.document().firstBlock()
    while block.isValid():
        text = block.text()
        bold = block.begin() != block.end() and block.begin().fragment().charFormat().fontWeight() >= 700
        if image_names(block):
            out.append(("figure", text.replace("\ufffc", "").strip()))
        elif text.startswith("（图）"):
            out.append(("figure", text[3:].strip()))
        elif text.strip():
            out.append(("heading" if bold else "paragraph", text.strip()))
        block = block.next()
    return out
