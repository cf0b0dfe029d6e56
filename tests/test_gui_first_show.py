"""A page's first visit is a switch, not a wait: the pages the window builds while it is idle are laid out at the
size they are shown before the user first goes to them, so that their first show paints each widget once.

Behaviour only (the switch times are measured by benchmarks/gui.py): which widgets are painted, how often, and
whether the table's columns had to be sized again on the first show.
"""

from __future__ import annotations

from collections import Counter

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from gui import dialogs
from tests.gui_helpers import close_quietly, show_report

QStandardPaths.setTestModeEnabled(True)
IDLE_PAGES_EXCLUDED = ("review", "export")  # built on their first visit, not in idle time


@pytest.fixture(autouse=True)
def never_block_on_a_dialog(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


def address(widget) -> int:
    return shiboken6.getCppPointer(widget)[0]


class PaintCounter(QObject):
    """How many times each widget inside `page` is painted while installed."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.paints: Counter = Counter()

    def eventFilter(self, obj, event):  # noqa: N802
        if obj.isWidgetType() and (obj is self.page or self.page.isAncestorOf(obj)):
            name = f"{type(obj.parent()).__name__}>{type(obj).__name__}:{obj.objectName()}:{address(obj)}"
            if event.type() == QEvent.Type.Paint:
                self.paints[name] += 1
        return False


def window_idle_long_enough(qtbot):
    """The sample in a 1280×720 window, left alone until it has built its pages in idle time."""
    window = show_report(qtbot, "sample-2024", None, size=(1280, 720))
    wanted = [s for s in window.step_ids if s not in IDLE_PAGES_EXCLUDED]
    qtbot.waitUntil(lambda: len(window.pages.built()) == len(wanted), timeout=15_000)
    QTest.qWait(300)  # the last page's idle work, whatever it is, is over
    return window


def shown_by_key(window, backwards: bool = False) -> Counter:
    """Ctrl+PgDown (or Ctrl+PgUp) to the next page; how often each widget of it was painted."""
    row = window.step_list.currentRow() + (-1 if backwards else 1)
    counter = PaintCounter(window.pages[window.step_ids[row]])
    app = QApplication.instance()
    app.installEventFilter(counter)
    try:
        QTest.keyClick(window, Qt.Key.Key_PageUp if backwards else Qt.Key.Key_PageDown,
                       Qt.KeyboardModifier.ControlModifier)
        for _ in range(5):
            QApplication.processEvents()
    finally:
        app.removeEventFilter(counter)
    assert window.current_step() == window.step_ids[row]
    return counter.paints


def test_table_three_is_sized_before_its_first_show_and_painted_once(qtbot):
    window = window_idle_long_enough(qtbot)
    window.go_to("s2")
    for _ in range(5):
        QApplication.processEvents()
    view = window.pages["s3"].view
    columns = [view.columnWidth(c) for c in range(view.model().columnCount())]
    rows = [view.rowHeight(r) for r in range(view.model().rowCount())]
    paints = shown_by_key(window)  # Ctrl+PgDown: 二 → 三, its first show
    assert window.current_step() == "s3"
    assert paints[f"ReportTableView>QWidget:qt_scrollarea_viewport:{address(view.viewport())}"] == 1, paints
    # the columns were shared out at the width shown and the header rows wrapped before the show
    assert [view.columnWidth(c) for c in range(view.model().columnCount())] == columns
    assert [view.rowHeight(r) for r in range(view.model().rowCount())] == rows
    close_quietly(window)


def test_the_text_page_with_pictures_is_laid_out_before_its_first_show(qtbot):
    window = window_idle_long_enough(qtbot)
    editor = window.pages["s1"].editor
    paints = shown_by_key(window)  # Ctrl+PgDown: 基本信息 → 一, its first show
    assert paints[f"BlockEditor>QWidget:qt_scrollarea_viewport:{address(editor.viewport())}"] == 1, paints
    shown_by_key(window, backwards=True)
    assert shown_by_key(window) == paints  # the first show paints what any later show paints
    close_quietly(window)


def test_the_body_of_table_three_does_not_paint_the_cells_its_frozen_headings_cover(qtbot, monkeypatch):
    """The header rows and label columns of table 三 stay in sight, drawn over the scrolling body; the body does
    not paint the cells they cover as well (nobody sees them: half of what a switch to 三 painted)."""
    from gui import table_page

    painted: list[tuple[int, int]] = []

    def paint(delegate, painter, option, index):  # the body's own cells (the panes have Qt's delegate)
        painted.append((index.row(), index.column()))
        QStyledItemDelegate.paint(delegate, painter, option, index)

    monkeypatch.setattr(table_page.CellDelegate, "paint", paint, raising=False)
    window = window_idle_long_enough(qtbot)
    window.go_to("s2")
    shown_by_key(window)  # Ctrl+PgDown to 三
    view = window.pages["s3"].view
    model = view.table_model
    assert view.frozen_rows and view.frozen_columns
    painted.clear()
    view.viewport().repaint()
    assert painted  # the body itself is painted

    def covered(r: int, c: int) -> bool:
        cell = model.cell_at.get((r, c))
        rows, cols = (cell.rowspan, cell.colspan) if cell is not None else (1, 1)
        return r + rows <= view.frozen_rows or c + cols <= view.frozen_columns

    assert not [rc for rc in painted if covered(*rc)], painted
    close_quietly(window)
