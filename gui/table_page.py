"""A page for one of the number tables (二、三、四): the official grid, live totals, issues under it."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QPaintEvent, QRegion
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMainWindow, QMenu, QPushButton, QSplitter, QStyledItemDelegate, QTableView,
                               QToolTip, QVBoxLayout, QWidget)

from gui.controller import ReportController
from model.checks import SEVERITY_WORDS
from gui.table_model import ReportTableModel
from model.state import EditError

REFUSAL_SHOWN_MS = 12_000
ISSUE_HEIGHT_KEY = "table/issue_strip_height"  # QSettings: the height the user gave the issue strip
DEFAULT_ISSUE_HEIGHT = 110
QWIDGETSIZE_MAX = (1 << 24) - 1


def is_backtab(event) -> bool:
    """Shift+Tab arrives as Backtab on most platforms and as Tab with Shift on some."""
    return event.key() == Qt.Key.Key_Backtab or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)


class CellDelegate(QStyledItemDelegate):
    """A plain line editor: what the user types stays exactly as typed until it is judged as a whole by the
    model's parser. Enter or Tab commits and moves on; a refused value keeps the editor open with the typed
    text, so the user sees what was refused and can correct it."""

    def __init__(self, view: "ReportTableView"):
        super().__init__(view)
        self.view = view
        self.accepted = True
        self.editor: QLineEdit | None = None
        self.editing = QPersistentModelIndex()

    def createEditor(self, parent, option, index):  # noqa: N802
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        editor.installEventFilter(self)
        self.editor, self.editing = editor, QPersistentModelIndex(index)
        return editor

    def destroyEditor(self, editor, index):  # noqa: N802
        if editor is self.editor:
            self.editor, self.editing = None, QPersistentModelIndex()
        super().destroyEditor(editor, index)

    def setEditorData(self, editor, index):  # noqa: N802
        editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor, model, index):  # noqa: N802
        self.accepted = model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def commit_open_editor(self) -> bool:
        """Hand the text of the open editor to the model (save, export, page switch); True when nothing was
        refused. An accepted value closes the editor; a refused one leaves it open with the typed text."""
        editor = self.editor
        if editor is None:
            return True
        self.commitData.emit(editor)
        if self.accepted:
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
        return self.accepted

    def eventFilter(self, editor, event):  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter,
                                                                      Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.commitData.emit(editor)
            if not self.accepted:
                return True
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.view.move_to_next_input(down=True)
            else:
                self.view.tab_to_next_input(backwards=is_backtab(event))
            return True
        return super().eventFilter(editor, event)


class RefusalNote(QLabel):
    """A message shown right at the cell whose input was refused, over the table, until the next edit."""

    def __init__(self, view: QTableView):
        super().__init__(view.viewport())
        self.view = view
        self.setWordWrap(True)
        self.setStyleSheet("background: #fff4f2; color: #a0302a; border: 1px solid #c0302a; border-radius: 3px;"
                           " padding: 4px 6px;")
        self.hide()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFUSAL_SHOWN_MS)
        self.timer.timeout.connect(self.hide)

    def show_at(self, index: QModelIndex, text: str) -> None:
        rect = self.view.visualRect(index)
        viewport = self.view.viewport()
        self.setText(text)
        self.setFixedWidth(min(420, max(220, viewport.width() - 8)))
        self.adjustSize()
        x = max(2, min(rect.left(), viewport.width() - self.width() - 2))
        y = rect.bottom() + 2
        if y + self.height() > viewport.height():
            y = max(0, rect.top() - self.height() - 2)
        self.move(x, y)
        self.show()
        self.raise_()
        self.timer.start()
        if self.view.isVisible():
            QToolTip.showText(viewport.mapToGlobal(QPoint(x, y)), text, viewport, rect, REFUSAL_SHOWN_MS)


def without_covered_part(event: QPaintEvent, viewport: QWidget, covers: list[QWidget]) -> QPaintEvent | None:
    """The paint event of an item view's viewport less the part that the visible `covers` (frozen panes drawn
    over it) hide: cells nobody sees are not painted. None when nothing is left to paint."""
    hidden = QRegion()
    for cover in covers:
        if cover.isVisible():
            hidden += QRect(viewport.mapFrom(cover.parentWidget(), cover.pos()), cover.size())
    if hidden.isEmpty():
        return event
    region = event.region().subtracted(hidden)
    return QPaintEvent(region) if not region.isEmpty() else None


class FrozenPane(QTableView):
    """A fixed part of the grid (the header rows, the label columns or their corner) drawn over the table's
    own cells, sharing its model and selection, so that the headers stay in sight while the body scrolls
    (the pattern of Qt's "Frozen Column" example, here for rows as well as columns)."""

    def __init__(self, main: "ReportTableView"):
        super().__init__(main)
        self.main = main
        self.setModel(main.model())
        self.setSelectionModel(main.selectionModel())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # a thin line where the frozen part meets the scrolling body
        self.setStyleSheet("QTableView { border: none; border-bottom: 1px solid #9a9a9a;"
                           " border-right: 1px solid #9a9a9a; }")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._copied: tuple | None = None

    def mousePressEvent(self, event):  # noqa: N802
        self.main.setFocus(Qt.FocusReason.MouseFocusReason)  # a click on a heading puts the keyboard in the table
        super().mousePressEvent(event)

    def paintEvent(self, event):  # noqa: N802
        # the header rows and the label columns both reach into the corner, which the corner pane draws
        corner = self.main.frozen_corner
        event = event if self is corner else without_covered_part(event, self.viewport(), [corner])
        if event is not None:
            super().paintEvent(event)

    def copy_layout(self) -> None:
        main = self.main
        model = main.table_model
        shape = (id(model.layout), tuple(main.rowHeight(r) for r in range(model.rowCount())),
                 tuple(main.columnWidth(c) for c in range(model.columnCount())))
        if shape == self._copied:
            return  # already the same: resetting spans and sizes on every geometry update would slow typing
        self._copied = shape
        self.clearSpans()
        for r, c, rs, cs in main.table_model.spans():
            self.setSpan(r, c, rs, cs)
        for r in range(main.table_model.rowCount()):
            self.setRowHeight(r, main.rowHeight(r))
        for c in range(main.table_model.columnCount()):
            self.setColumnWidth(c, main.columnWidth(c))

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible):  # noqa: N802
        pass  # a pane moves only with the table's scroll bars, never to follow the current cell

    def wheelEvent(self, event):  # noqa: N802
        self.main.wheelEvent(event)  # the wheel over the headers scrolls the body, as in a spreadsheet


class ReportTableView(QTableView):
    def __init__(self, model: ReportTableModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.table_model = model
        self.delegate = CellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen_rows = 0
        self.frozen_columns = 0
        self.frozen_top = FrozenPane(self)
        self.frozen_left = FrozenPane(self)
        self.frozen_corner = FrozenPane(self)
        self.horizontalScrollBar().valueChanged.connect(self.frozen_top.horizontalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen_left.verticalScrollBar().setValue)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.apply_layout()
        model.modelReset.connect(self.apply_layout)

    def apply_layout(self) -> None:
        self.clearSpans()
        for r, c, rs, cs in self.table_model.spans():
            self.setSpan(r, c, rs, cs)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # fixed row heights: sizing rows to contents would give a tall spanning label's height to its first row
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(24)
        for r, row in enumerate(self.table_model.layout.rows):
            longest = max((len(c.text) for c in row if c is not None and c.rowspan == 1 and not c.path), default=0)
            limit = 9 if self.table_model.layout.section == "s4" else 36
            self.setRowHeight(r, 42 if longest > limit else 24)
        self.frozen_rows = self.table_model.header_rows()
        # the label columns are frozen only under header rows: a table without them reads fine as it is
        self.frozen_columns = self.table_model.label_columns() if self.frozen_rows else 0
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Share the visible width among the columns in the layout's proportions."""
        layout = self.table_model.layout
        total = sum(layout.widths)
        avail = max(600, self.viewport().width() - 2)
        for c, w in enumerate(layout.widths):
            self.setColumnWidth(c, max(40, int(avail * w / total)))
        self._fit_header_rows()
        self._place_frozen_panes()

    def _fit_header_rows(self) -> None:
        """A column heading too long for its width wraps onto a second line instead of being cut short."""
        metrics = self.fontMetrics()
        for r in range(self.frozen_rows):
            lines = 1
            for c in range(self.table_model.columnCount()):
                cell = self.table_model.cell_at.get((r, c))
                if cell is None or cell.rowspan != 1 or cell.path:
                    continue
                width = sum(self.columnWidth(c + i) for i in range(cell.colspan)) - 8
                lines = max(lines, min(3, -(-metrics.horizontalAdvance(cell.text) // max(1, width))))
            self.setRowHeight(r, max(24, lines * metrics.lineSpacing() + 8))

    def frozen_height(self) -> int:
        return sum(self.rowHeight(r) for r in range(self.frozen_rows))

    def frozen_width(self) -> int:
        return sum(self.columnWidth(c) for c in range(self.frozen_columns))

    def _place_frozen_panes(self) -> None:
        vp = self.viewport().geometry()
        height, width = self.frozen_height(), self.frozen_width()
        panes = ((self.frozen_top, vp.width(), height), (self.frozen_left, width, vp.height()),
                 (self.frozen_corner, width, height))
        for pane, w, h in panes:
            if w <= 0 or h <= 0:
                pane.hide()
                continue
            pane.copy_layout()
            if pane.geometry() != QRect(vp.x(), vp.y(), w, h):
                pane.setGeometry(vp.x(), vp.y(), w, h)
            if pane.isHidden():
                pane.show()
                pane.raise_()
        self.frozen_top.horizontalScrollBar().setValue(self.horizontalScrollBar().value())
        self.frozen_left.verticalScrollBar().setValue(self.verticalScrollBar().value())

    def paintEvent(self, event):  # noqa: N802
        # the cells under the frozen header rows and label columns are drawn by those panes, over this
        event = without_covered_part(event, self.viewport(), [self.frozen_top, self.frozen_left])
        if event is not None:
            super().paintEvent(event)

    def resizeEvent(self, event):  # noqa: N802
        super().resizeEvent(event)
        self._fit_columns()

    def updateGeometries(self) -> None:  # noqa: N802
        super().updateGeometries()
        if hasattr(self, "frozen_top"):
            self._place_frozen_panes()

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible):  # noqa: N802
        """Bring a cell into sight below the frozen header rows and right of the frozen label columns; a cell
        inside a frozen part is always in sight, so it scrolls nothing along that direction."""
        if not index.isValid() or not hasattr(self, "frozen_top"):
            super().scrollTo(index, hint)
            return
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        v, h = vbar.value(), hbar.value()
        super().scrollTo(index, hint)
        rect = self.visualRect(index)
        if index.row() < self.frozen_rows:
            vbar.setValue(v)
        elif rect.top() < self.frozen_height():
            vbar.setValue(vbar.value() - (self.frozen_height() - rect.top()))
        if index.column() < self.frozen_columns:
            hbar.setValue(h)
        elif rect.left() < self.frozen_width():
            hbar.setValue(hbar.value() - (self.frozen_width() - rect.left()))

    def move_to_next_input(self, down: bool) -> None:
        """Enter moves down, Tab across, skipping labels and computed totals."""
        model = self.table_model
        cur = self.currentIndex()
        if not cur.isValid():
            return
        r, c = cur.row(), cur.column()
        rows, cols = model.rowCount(), model.columnCount()
        for _ in range(rows * cols):
            if down:
                r += 1
                if r >= rows:
                    r, c = 0, (c + 1) % cols
            else:
                c += 1
                if c >= cols:
                    c, r = 0, (r + 1) % rows
            idx = model.index(r, c)
            if model.is_input(idx):
                self.setCurrentIndex(idx)
                return

    def input_indexes(self) -> list[QModelIndex]:
        """The fillable cells in reading order: row by row, left to right."""
        model = self.table_model
        return [model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
                if model.is_input(model.index(r, c))]

    def tab_to_next_input(self, backwards: bool = False) -> None:
        """Tab goes to the next fillable cell to the right (then the next row); after the last one it leaves
        the table for the next control, as Tab does everywhere else. Shift+Tab goes back the same way."""
        cells = self.input_indexes()
        cur = self.currentIndex()
        key = (cur.row(), cur.column()) if cur.isValid() else (-1, -1)
        if backwards:
            before = [i for i in cells if (i.row(), i.column()) < key]
            target = before[-1] if before else None
        else:
            after = [i for i in cells if (i.row(), i.column()) > key]
            target = after[0] if after else None
        if target is None:
            self.leave_table(backwards)
            return
        self.setCurrentIndex(target)
        self.scrollTo(target)

    def leave_table(self, backwards: bool) -> None:
        """Hand the focus to the control before or after the table in the window's Tab chain."""
        QWidget.focusNextPrevChild(self, not backwards)

    def keyPressEvent(self, event):  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Paste):
            self.parent_page.paste_clipboard()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.parent_page.copy_selection()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != QAbstractItemView.State.EditingState:
            self.move_to_next_input(down=True)
            return
        if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.tab_to_next_input(backwards=is_backtab(event))
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != QAbstractItemView.State.EditingState:
            self.parent_page.clear_selection()
            return
        super().keyPressEvent(event)


def selected_block(view: QTableView, model: ReportTableModel) -> list[list[tuple[str, bool]]]:
    """The rectangle around the selection as rows of (text, is_number); cells under a merged label are empty,
    unfilled cells are empty (not 0)."""
    indexes = view.selectedIndexes() or ([view.currentIndex()] if view.currentIndex().isValid() else [])
    if not indexes:
        return []
    top, bottom = min(i.row() for i in indexes), max(i.row() for i in indexes)
    left, right = min(i.column() for i in indexes), max(i.column() for i in indexes)
    rows = []
    for r in range(top, bottom + 1):
        row = []
        for c in range(left, right + 1):
            idx = model.index(r, c)
            path = model.path_at(idx)
            text = idx.data(Qt.ItemDataRole.EditRole) if (r, c) in model.cell_at else ""
            text = (text or "").replace("\n", "") if path is None else (text or "")
            row.append((text, path is not None and text != ""))
        rows.append(row)
    return rows


def block_as_tsv(rows: list[list[tuple[str, bool]]]) -> str:
    return "".join("\t".join(text.replace("\t", " ") for text, _ in row) + "\n" for row in rows)


def block_as_html(rows: list[list[tuple[str, bool]]]) -> str:
    body = []
    for row in rows:
        cells = []
        for text, number in row:
            if number:
                cells.append(f'<td x:num="{html.escape(text)}" style="mso-number-format:General">{html.escape(text)}</td>')
            else:
                cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body>'
            '<table border="1">' + "".join(body) + "</table></body></html>")


class TablePage(QWidget):
    def __init__(self, controller: ReportController, section_id: str, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.section_id = section_id
        self._issues_stale = False
        self.table_id = controller.state.spec.section_by_id[section_id].table
        self.model = ReportTableModel(controller, self.table_id, self)
        self.view = ReportTableView(self.model, self)
        self.view.parent_page = self
        self.view.customContextMenuRequested.connect(self._context_menu)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.legend = QLabel()
        self.fill_zero = QPushButton("空白填 0")
        self.fill_zero.setToolTip("把本表所有未填写的单元格填为 0（可撤销）")
        self.fill_zero.clicked.connect(self._fill_zero)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a0302a;")
        self.message.hide()
        self.issue_title = QLabel()
        self.issue_list = QListWidget()
        self.issue_list.setWordWrap(True)  # a long message is read whole, not scrolled sideways
        self.issue_list.itemActivated.connect(self._issue_activated)
        self.issue_list.itemClicked.connect(self._issue_activated)
        self.model.inputRefused.connect(self.show_refusal)
        self.refusal = RefusalNote(self.view)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.fill_zero)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        # under the table, a strip for messages and issues: one line when there is nothing to say, otherwise
        # as tall as the user last dragged it (remembered for every table)
        self.issue_panel = QWidget()
        panel = QVBoxLayout(self.issue_panel)
        panel.setContentsMargins(0, 4, 0, 0)
        panel.addWidget(self.message)
        panel.addWidget(self.issue_title)
        panel.addWidget(self.issue_list, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.issue_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.splitterMoved.connect(self._remember_issue_height)
        layout.addWidget(self.splitter, 1)
        # Tab goes the way the eye reads the page: the button above the table, the table, the issues under it
        QWidget.setTabOrder(self.fill_zero, self.view)
        QWidget.setTabOrder(self.view, self.issue_list)
        controller.listen(self, changed=self._on_changed, documentChanged=self.refresh,
                          commitRequested=self.commit_open_editor)
        self.refresh()

    # -- refresh -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        spec = self.controller.state.spec
        if self.section_id in spec.section_by_id:
            self.title.setText(spec.section_by_id[self.section_id].heading)
        self.legend.setText(self._legend_text())
        self._refresh_issues()

    def _legend_text(self) -> str:
        unsure = ("<span style='background:#ffc98a'>&nbsp;橙色：导入时无法确定，需人工核对&nbsp;</span>　"
                  if self.model.import_unsure else "")  # named only where an import left such cells
        return ("白色：已填写　<span style='background:#fff8d6'>&nbsp;黄色：未填写&nbsp;</span>　"
                "<span style='background:#e8f0fb'>&nbsp;蓝色：自动合计&nbsp;</span>　"
                "<span style='background:#f8c9c4'>&nbsp;红色：有错误&nbsp;</span>　" + unsure +
                "可从 Excel/WPS 复制一块数字后按 Ctrl+V 粘贴")

    def _on_changed(self, changes) -> None:
        if changes.cells:
            self.refusal.hide()  # the next accepted value ends the refusal's story
        if changes.issues or changes.format:
            if self.isVisible():
                self._refresh_issues()
            else:  # an edit elsewhere does not rebuild the issue lists of hidden tables: this one, when shown
                self._issues_stale = True

    def _refresh_issues(self) -> None:
        self._issues_stale = False
        self.issue_list.clear()
        for issue in self.controller.state.issues:
            if issue.section != self.section_id:
                continue
            word = SEVERITY_WORDS[issue.severity]
            item = QListWidgetItem(f"【{word} {issue.rule}】{issue.message}")
            item.setData(Qt.ItemDataRole.UserRole, issue.cells[0] if issue.cells else None)
            item.setToolTip(issue.message)
            self.issue_list.addItem(item)
        count = self.issue_list.count()
        self.issue_title.setText(f"本表的问题（{count} 条，点一条可跳到单元格）：" if count else "本表没有发现问题。")
        self.issue_list.setVisible(count > 0)
        self._fit_issue_panel()

    def _fit_issue_panel(self) -> None:
        """One line when there are no issues (and the splitter cannot stretch it); the remembered height when
        there are."""
        if self.issue_list.isHidden():
            margins = self.issue_panel.layout().contentsMargins()
            height = margins.top() + margins.bottom() + self.issue_title.sizeHint().height()
            if not self.message.isHidden():
                height += self.message.sizeHint().height() + self.issue_panel.layout().spacing()
            self.issue_panel.setMaximumHeight(height)
            return
        self.issue_panel.setMaximumHeight(QWIDGETSIZE_MAX)
        wanted = int(QSettings().value(ISSUE_HEIGHT_KEY, DEFAULT_ISSUE_HEIGHT))
        total = sum(self.splitter.sizes())
        if total > 0:
            wanted = min(wanted, total // 2)
            if self.splitter.sizes() != [total - wanted, wanted]:
                self.splitter.setSizes([total - wanted, wanted])

    def _remember_issue_height(self, *_args) -> None:
        if not self.issue_list.isHidden():
            QSettings().setValue(ISSUE_HEIGHT_KEY, self.splitter.sizes()[1])

    def showEvent(self, event):  # noqa: N802
        if self._issues_stale:
            self._refresh_issues()
        super().showEvent(event)
        self._fit_issue_panel()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self._fit_issue_panel()

    def show_refusal(self, text: str, index: QModelIndex) -> None:
        """A refused value is named at the cell itself, under the table and in the status bar."""
        text = f"未填入：{text}。原来的值保持不变。"
        self.show_message(text)
        if index.isValid():
            self.refusal.show_at(index, text)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, REFUSAL_SHOWN_MS)

    def commit_open_editor(self) -> None:
        self.view.delegate.commit_open_editor()

    def refused_text(self) -> str:
        """The typed text a cell still holds because it was refused ('' when no cell editor is open)."""
        editor = self.view.delegate.editor
        return editor.text() if editor is not None else ""

    def refused_place(self) -> str:
        """The label of the cell whose editor holds refused text."""
        index = self.view.delegate.editing
        path = self.model.path_at(index) if index.isValid() else None
        return self.controller.state.spec.cells[path].label if path in self.controller.state.spec.cells else ""

    def _issue_activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.focus_target(path)

    def focus_target(self, target: str | None) -> None:
        if not target:
            return
        idx = self.model.index_for_path(target)
        if idx.isValid():
            self.view.setCurrentIndex(idx)
            self.view.scrollTo(idx)
            self.view.setFocus()

    # -- actions -------------------------------------------------------------------------------------
    def _fill_zero(self) -> None:
        n = self.controller.fill_empty_with_zero(self.table_id)
        self.show_message(f"已把 {n} 个空白单元格填为 0。" if n else "本表没有空白单元格。")

    def clear_selection(self) -> None:
        paths = [self.model.path_at(i) for i in self.view.selectedIndexes() if self.model.is_input(i)]
        if paths:
            self.controller.set_cells({p: None for p in paths}, "清除单元格")

    def copy_selection(self) -> None:
        """Copy the selected block as Excel and WPS take it: tab-separated text, and an HTML table whose number
        cells are marked as numbers, so they paste as numbers, not text."""
        rows = selected_block(self.view, self.model)
        if not rows:
            return
        mime = QMimeData()
        mime.setText(block_as_tsv(rows))
        mime.setHtml(block_as_html(rows))
        QGuiApplication.clipboard().setMimeData(mime)
        count = sum(len(r) for r in rows)
        self.show_message(f"已复制 {len(rows)} 行 × {len(rows[0])} 列（{count} 个单元格），可粘贴到 Excel 或 WPS。")

    def paste_clipboard(self) -> None:
        self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> None:
        """Paste a tab-separated block (from Excel or WPS) starting at the current cell, as one undo step.
        Cells that do not take the value are refused one by one and listed; the others are filled."""
        start = self.view.currentIndex()
        if not start.isValid() or not text.strip():
            return
        lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
        values: dict = {}
        refused: list[str] = []
        state = self.controller.state
        for i, line in enumerate(lines):
            for j, raw in enumerate(line.split("\t")):
                idx = self.model.index(start.row() + i, start.column() + j)
                path = self.model.path_at(idx) if idx.isValid() else None
                if path is None or state.is_computed(path):
                    if raw.strip():
                        refused.append(f"第 {i + 1} 行第 {j + 1} 个“{raw.strip()}”：目标不是可填写的单元格")
                    continue
                try:
                    values[path] = state.parse(path, raw)
                except EditError as exc:
                    refused.append(f"第 {i + 1} 行第 {j + 1} 个：{exc}")
        if values:
            self.controller.set_cells(values, "粘贴")
        msg = f"已粘贴 {len(values)} 个单元格。"
        if refused:
            msg += f" 以下 {len(refused)} 个未粘贴：" + "；".join(refused[:6]) + ("……" if len(refused) > 6 else "")
        self.show_message(msg)

    def _context_menu(self, pos) -> None:
        idx = self.view.indexAt(pos)
        path = self.model.path_at(idx)
        menu = QMenu(self)
        if path and path in self.controller.state.stated:
            menu.addAction("采用计算值", lambda: self.controller.set_stated(path, None))
        if self.view.selectedIndexes():
            menu.addAction("清除所选单元格", self.clear_selection)
        menu.addAction("粘贴 (Ctrl+V)", self.paste_clipboard)
        menu.addAction("空白填 0", self._fill_zero)
        menu.exec(self.view.viewport().mapToGlobal(pos))

