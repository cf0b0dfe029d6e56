"""The export page's preview is built on its own thread: the page says it is working, the window keeps handling
the user's input meanwhile, a preview of a report that changed meanwhile is never shown, and a failure is a
Chinese message on the page."""

import subprocess
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtTest import QTest

from gui import dialogs
from gui import export_page as export_page_module
from tests.gui_helpers import close_quietly, show_report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


@pytest.fixture
def held_builds(monkeypatch):
    """Preview builds wait for the test's go-ahead, so that the test can act while one is under way."""
    gate = threading.Event()
    threads = []
    build = export_page_module._preview_pdf

    def held(state):
        threads.append(threading.get_ident())
        gate.wait(30)
        return build(state)

    monkeypatch.setattr(export_page_module, "_preview_pdf", held)
    yield gate, threads
    gate.set()


def open_window(qtbot, name="sample-2024"):
    return show_report(qtbot, name)


def click_step(window, step):
    item = window.step_list.item(window.step_ids.index(step))
    window.step_list.scrollToItem(item)
    QTest.mouseClick(window.step_list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     window.step_list.visualItemRect(item).center())


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "preview.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_first_preview_is_built_off_the_ui_thread_while_the_page_says_so(qtbot, held_builds):
    gate, threads = held_builds
    window = open_window(qtbot)
    click_step(window, "export")
    page = window.pages["export"]
    assert window.stack.currentWidget() is page  # the page is there at once, the preview still being built
    assert page.busy_label.isVisible() and page.busy_label.text() == "正在生成预览…" and page.busy.isVisible()
    assert not page.preview_ready()
    click_step(window, "s1")  # the window answers the user meanwhile
    assert window.stack.currentWidget() is window.pages["s1"]
    click_step(window, "export")
    gate.set()
    qtbot.waitUntil(page.preview_ready, timeout=60_000)
    assert threads and all(t != threading.main_thread().ident for t in threads)
    assert len(threads) == 1  # leaving and coming back did not start a second build of the same report
    assert not page.busy_label.isVisible()
    from export.pdf_writer import pdf_bytes
    from pypdf import PdfReader
    import io

    assert page.preview_page_count() == len(PdfReader(io.BytesIO(pdf_bytes(window.controller.state))).pages)
    close_quietly(window)


def test_a_preview_of_a_report_changed_meanwhile_is_dropped_and_the_current_one_shown(qtbot, held_builds, tmp_path):
    gate, threads = held_builds
    window = open_window(qtbot)
    click_step(window, "export")
    page = window.pages["export"]
    shown = []
    show = page._show_pdf
    page._show_pdf = lambda pdf: (shown.append(pdf), show(pdf))
    # the agency is renamed while the first build is under way (on the 基本信息 page, as the user does it)
    click_step(window, "meta")
    meta = window.pages["meta"]
    field = meta.agency
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(field, "ABC")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert "ABC" in window.controller.state.meta.agency
    click_step(window, "export")
    gate.set()
    qtbot.waitUntil(page.preview_ready, timeout=60_000)
    qtbot.wait(200)  # a late result of the first build would arrive now
    assert len(shown) == 1 and len(threads) == 2
    assert "ABC" in pdf_text(shown[0], tmp_path)
    close_quietly(window)


def test_a_preview_that_fails_is_a_chinese_message_on_the_page(qtbot, monkeypatch):
    def broken(state):
        raise ValueError("图片数据损坏")

    monkeypatch.setattr(export_page_module, "_preview_pdf", broken)
    window = open_window(qtbot)
    click_step(window, "export")
    page = window.pages["export"]
    qtbot.waitUntil(lambda: "预览生成失败" in page.status.text(), timeout=30_000)
    assert "图片数据损坏" in page.status.text()
    assert not page.busy_label.isVisible()
    close_quietly(window)
