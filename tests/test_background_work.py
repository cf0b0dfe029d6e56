"""Export and import run on a thread of their own: the window keeps painting, a progress window says what is
being done, and 取消 leaves nothing behind."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

import export.writers
import model.importers
from gui import dialogs, transfer_dialogs
from tests.gui_helpers import SEEDS, close_quietly, show_report
from tests.modal_helpers import on_modal

SLOW_S = 0.4  # each format (each import) takes this long here: long enough to see the window paint meanwhile


def _ticking(qtbot):
    """A 10 ms timer of the window's thread; its count says whether that thread kept running."""
    ticks = [0]
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start(10)
    return ticks, timer


def _press_cancel(progress) -> None:
    """Click the progress window's 取消, as the user does."""
    button = next(b for b in progress.findChildren(QPushButton) if b.text() == "取消")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def _progress_texts() -> tuple[list[str], QTimer]:
    """What the progress windows shown meanwhile said, read every 20 ms without touching them."""
    said: list[str] = []
    timer = QTimer()

    def look() -> None:
        shown = QApplication.activeModalWidget()
        if isinstance(shown, QProgressDialog) and shown.labelText() not in said:
            said.append(shown.labelText())

    timer.timeout.connect(look)
    timer.start(20)
    return said, timer


def _slow(monkeypatch, module, name):
    real = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(SLOW_S)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def test_exporting_every_format_keeps_the_window_painting_and_writes_them_all(qtbot, tmp_path, monkeypatch):
    _slow(monkeypatch, export.writers, "write_report")
    window = show_report(qtbot, "sample-2024", size=(1280, 720))
    try:
        page = window.pages["export"]
        said, watcher = _progress_texts()
        ticks, timer = _ticking(qtbot)
        written = page.export(["pdf", "docx", "xlsx", "txt"], folder=str(tmp_path))
        timer.stop()
        watcher.stop()
        assert sorted(p.suffix for p in written) == [".docx", ".pdf", ".txt", ".xlsx"]
        assert all(p.exists() for p in written) and "已导出" in page.status.text()
        # 4 × 0.4 s of writing: a window blocked by it would have run its 10 ms timer a few times at most
        assert ticks[0] > 40
        assert [t for t in said if t.startswith("正在生成")]  # the progress window named the format being written
        assert QApplication.activeModalWidget() is None
    finally:
        close_quietly(window)


def test_cancelling_an_export_writes_nothing(qtbot, tmp_path, monkeypatch):
    _slow(monkeypatch, export.writers, "write_report")
    window = show_report(qtbot, "sample-2024", size=(1280, 720))
    try:
        page = window.pages["export"]
        failures: list[str] = []
        on_modal(_press_cancel, failures)  # 取消 as soon as the progress window shows
        out = tmp_path / "out"
        out.mkdir()
        written = page.export(["pdf", "docx", "xlsx", "txt"], folder=str(out))
        assert failures == []
        assert written == [] and list(out.iterdir()) == []  # not even the staging folder is left
        assert page.status.text() == "已取消导出：没有写出任何文件。"
    finally:
        close_quietly(window)


def test_importing_a_report_keeps_the_window_painting_and_cancel_changes_nothing(qtbot, monkeypatch):
    _slow(monkeypatch, model.importers, "import_file")
    monkeypatch.setattr(dialogs, "show_report", lambda parent, title, text: True)
    window = show_report(qtbot, "sample-2024", size=(1280, 720))
    try:
        source = str(SEEDS / "panyu-2020.txt")
        ticks, timer = _ticking(qtbot)
        draft = transfer_dialogs._read_any(window, source)
        timer.stop()
        assert draft is not None and "番禺" in draft.meta.agency
        assert ticks[0] > 10
        failures: list[str] = []
        on_modal(_press_cancel, failures)
        assert transfer_dialogs._read_any(window, source) is None  # 取消: no draft, nothing asked
        assert failures == [] and QApplication.activeModalWidget() is None
    finally:
        close_quietly(window)
