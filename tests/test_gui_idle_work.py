"""The window's idle work (building the pages not shown yet, collecting the garbage of loading) waits while the
user types, and leaves the typed text where it always goes: in the report after the pause, in the undo step and
in the autosave; the autosave of a page change comes right after the new page is painted.

Behaviour only (typing latency is measured by benchmarks/gui.py): what is built when, and where the text is.
"""

from __future__ import annotations

import gc
import json

import pytest
from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from gui import dialogs
from gui import main_window as main_window_module
from gui.autosave import draft_from_data
from model.drafts_io import load_draft
from model.state import ReportState
from tests.gui_helpers import SEEDS, close_quietly, show_report

QStandardPaths.setTestModeEnabled(True)
IDLE_PAGES_EXCLUDED = ("review", "export")


@pytest.fixture(autouse=True)
def never_block_on_a_dialog(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


def typing_into_one(qtbot):
    """The sample open on 一 with the cursor at the end of its text, the keyboard in the editor."""
    window = show_report(qtbot, "sample-2024", None, size=(1280, 720))
    window.go_to("s1")
    page = window.pages["s1"]
    editor = page.editor
    editor.setFocus()
    editor.moveCursor(QTextCursor.MoveOperation.End)
    return window, page, editor


def test_pages_are_not_built_between_the_keys_of_a_burst_of_typing(qtbot):
    window, page, editor = typing_into_one(qtbot)
    before = set(window.pages.built())
    # keys a little slower than the hand-over's pause, for twice as long as the window waits before idle work
    keys = "abcdefghij" * 4
    for ch in keys:
        QTest.keyClick(editor, ch)
        QTest.qWait(page.COMMIT_MS // 8)
    waited = len(keys) * (page.COMMIT_MS // 8)
    assert waited > 2 * main_window_module.PREBUILD_FIRST_MS
    assert set(window.pages.built()) == before  # before: a page was built every 40 ms between the keys
    # the text went to the report at the pause, as one undo step, and the autosave has it
    qtbot.waitUntil(lambda: not page.typing_in_progress(), timeout=5_000)
    texts = [getattr(b, "text", "") for b in window.controller.state.blocks("s1")]
    assert texts[-1].endswith(keys)
    assert window.controller.undo_stack.undoText() == "编辑文字"
    window.autosaver.save_now()
    window.autosaver.flush()
    saved = json.loads(window.autosaver.path.read_text(encoding="utf-8"))
    assert saved["draft"]["narrative"]["s1"][-1]["text"].endswith(keys)
    # and once the user stops, the pages come
    wanted = [s for s in window.step_ids if s not in IDLE_PAGES_EXCLUDED]
    qtbot.waitUntil(lambda: len(window.pages.built()) == len(wanted), timeout=10_000)
    close_quietly(window)


def walked_by_a_full_collection(obj) -> bool:
    return id(obj) in {id(o) for o in gc.get_objects()}  # the frozen ones are not among them


def test_the_report_shown_is_kept_out_of_python_s_full_collections(qtbot):
    """A full collection walks every object Python tracks (25–55 ms with 50 pages and 40 pictures); the report
    a window shows is not walked (frozen) from the moment it is loaded, nor after the window's idle
    collection of the garbage of loading, nor is the next report loaded into the window."""
    window = show_report(qtbot, "sample-2024", None, size=(1280, 720))
    assert not walked_by_a_full_collection(window.controller.state)  # before: walked until the window was closed
    qtbot.waitUntil(lambda: window.pages.settled, timeout=10_000)
    assert not walked_by_a_full_collection(window.controller.state)
    window.controller.replace_state(ReportState(load_draft(SEEDS / "sample-2024.json")), None)
    assert not walked_by_a_full_collection(window.controller.state)
    close_quietly(window)


def test_a_page_change_secures_the_work_right_after_the_new_page_is_painted(qtbot):
    """Ctrl+PgDown answers with the new page first; the autosave's snapshot and the writer thread's share of
    Python come right after it, with the edit made before the switch in the recovery file."""
    window = show_report(qtbot, "sample-2024", None, size=(1280, 720))
    window.go_to("s2")
    QTest.qWait(50)
    window.controller.set_cell("s3.new.research", "77")
    order: list[str] = []
    page = window.pages["s3"]

    class PaintWatch(QObject):
        def eventFilter(self, obj, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint and obj is page.view.viewport():
                order.append("painted")
            return False

    watch = PaintWatch()
    page.view.viewport().installEventFilter(watch)
    real = window.autosaver.save_now
    window.autosaver.save_now = lambda commit=True: order.append("secured") or real(commit)
    QTest.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "secured" in order, timeout=5_000)
    assert window.current_step() == "s3"
    assert order[0] == "painted", order  # before: the snapshot was taken before the page was painted
    window.autosaver.flush()
    saved = json.loads(window.autosaver.path.read_text(encoding="utf-8"))
    assert ReportState(draft_from_data(saved["draft"], "恢复文件")).value("s3.new.research") == 77
    page.view.viewport().removeEventFilter(watch)
    close_quietly(window)
