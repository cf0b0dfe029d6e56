"""打印 goes out on the print thread: the window keeps handling events while the pages are painted, a progress
window names the page being printed, 取消 stops before the next page and nothing is reported as printed, and a
page that cannot be painted is named in the message. The pages are slowed down or stopped here by wrapping the
function that paints one page, never by timing."""

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QProgressDialog, QPushButton

import gui.printing
from gui import dialogs
from tests.test_printing import close_quietly, export_page, pdf_printer

WAIT_S = 10  # how long the print thread waits for the window before it records that the window was frozen


@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


def press_print(page, printer) -> None:
    """打印… with the system dialog accepted as it is."""
    page.new_printer = lambda: printer
    page.exec_print_dialog = lambda dialog: QPrintDialog.DialogCode.Accepted
    QTest.mouseClick(page.print_button, Qt.MouseButton.LeftButton)


def progress_window(page) -> QProgressDialog | None:
    return page.findChild(QProgressDialog)


def test_the_window_handles_events_while_every_page_is_painted_and_says_which_page(qtbot, tmp_path, monkeypatch):
    window, page = export_page(qtbot, "yuexiu-2023")
    ticks = [0]
    labels: list[str] = []
    frozen: list[int] = []

    def tick():
        ticks[0] += 1
        dialog = progress_window(page)
        if dialog is not None and (not labels or labels[-1] != dialog.labelText()):
            labels.append(dialog.labelText())

    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(tick)
    timer.start()
    real_paint = gui.printing.paint_drawing
    painted = [0]

    def paint_while_the_window_ticks(*args):
        # each page waits until the window has handled five more timer events: only a window that keeps running
        # while the page is painted gets there (painted on the window's own thread, it never would: no waiting)
        start, waited = ticks[0], threading.Event()
        on_window_thread = threading.current_thread() is threading.main_thread()
        for _ in range(WAIT_S * 200):
            if on_window_thread or ticks[0] >= start + 5:
                break
            waited.wait(0.005)
        if on_window_thread or ticks[0] < start + 5:
            frozen.append(painted[0] + 1)
        painted[0] += 1
        return real_paint(*args)

    monkeypatch.setattr(gui.printing, "paint_drawing", paint_while_the_window_ticks)
    printed = tmp_path / "printed.pdf"
    press_print(page, pdf_printer(printed))
    qtbot.waitUntil(lambda: "已发送" in page.status.text(), timeout=60_000)
    timer.stop()
    pages = page.preview_page_count()
    assert frozen == [] and painted[0] == pages
    assert f"正在打印第 {pages} 页，共 {pages} 页……" in labels
    assert f"已发送 {pages} 页" in page.status.text() and printed.is_file()
    qtbot.waitUntil(lambda: progress_window(page) is None)  # closed and gone
    close_quietly(window)


def stop_at_page(monkeypatch, number: int):
    """The print thread, about to paint the `number`-th page, sets `reached` and waits until the test sets
    `released` (the window runs meanwhile); returns both events."""
    real_paint = gui.printing.paint_drawing
    count = [0]
    reached, released = threading.Event(), threading.Event()

    def paint(*args):
        count[0] += 1
        if count[0] == number:
            reached.set()
            released.wait(WAIT_S)
        return real_paint(*args)

    monkeypatch.setattr(gui.printing, "paint_drawing", paint)
    return reached, released


def test_cancel_stops_before_the_next_page_and_nothing_is_reported_as_printed(qtbot, tmp_path, monkeypatch):
    window, page = export_page(qtbot)
    reached, released = stop_at_page(monkeypatch, 2)
    printed = tmp_path / "printed.pdf"
    press_print(page, pdf_printer(printed))
    qtbot.waitUntil(reached.is_set, timeout=60_000)
    qtbot.waitUntil(lambda: progress_window(page) is not None
                    and progress_window(page).labelText().startswith("正在打印第 2 页"))
    dialog = progress_window(page)
    dialog.show()  # shown by itself once printing has taken 0.3 s
    QTest.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)  # 取消
    released.set()
    qtbot.waitUntil(lambda: "已取消打印" in page.status.text(), timeout=60_000)
    status = page.status.text()
    assert "在第 3 页" in status and "已发送" not in status
    assert not printed.exists() and "没有写出打印文件" in status  # the half-written PDF is not left behind
    qtbot.waitUntil(lambda: progress_window(page) is None)  # closed and gone
    close_quietly(window)


def test_a_page_that_fails_to_print_is_named_and_the_print_is_not_reported_as_done(qtbot, tmp_path, monkeypatch):
    window, page = export_page(qtbot)
    real_paint = gui.printing.paint_drawing
    count = [0]

    def paint(*args):
        count[0] += 1
        if count[0] == 3:
            raise RuntimeError("打印机脱机")
        return real_paint(*args)

    monkeypatch.setattr(gui.printing, "paint_drawing", paint)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(f"{title}：{text}"))
    printed = tmp_path / "printed.pdf"
    press_print(page, pdf_printer(printed))
    qtbot.waitUntil(lambda: "打印失败" in page.status.text(), timeout=60_000)
    assert errors and "打印报告第 3 页时出错" in errors[0] and "打印机脱机" in errors[0]
    assert "已发送" not in page.status.text() and not printed.exists()
    close_quietly(window)


def test_a_printer_that_does_not_take_the_job_is_reported_not_counted_as_printed(qtbot, tmp_path, monkeypatch):
    window, page = export_page(qtbot)
    errors: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, text: errors.append(text))
    press_print(page, pdf_printer(tmp_path / "没有这个文件夹" / "printed.pdf"))  # a file that cannot be written
    qtbot.waitUntil(lambda: "打印失败" in page.status.text(), timeout=60_000)
    assert errors and "打印机没有接受打印任务" in errors[0] and "没有页面送到打印机" in errors[0]
    assert "已发送" not in page.status.text()  # it said 已发送 0 页 before
    close_quietly(window)
