"""审核: every issue of the report grouped by section, errors first; jump to the place; explain warnings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from gui import dialogs
from gui.controller import ReportController
from model.checks import SEVERITY_WORDS
from model.importers.report import UNSURE_PREFIX
from model.values import format_value

IssueRole = Qt.ItemDataRole.UserRole + 10
UnsureCellRole = Qt.ItemDataRole.UserRole + 11  # the path of a cell the import could not determine
UNSURE_GROUP = "导入时无法确定的单元格"


NOT_FILLED = "未填写"


def shown_value(value) -> str:
    """A figure as the review shows it; a figure that is not filled in says so instead of printing None."""
    return NOT_FILLED if value is None else format_value(value)


def step_for(issue) -> str:
    if issue.section in (None, "meta", "preamble"):
        return "meta"
    return issue.section


def target_for(issue) -> str:
    if issue.anchor:  # a sentence in the text, even when the issue also names the table cells it contradicts
        return issue.anchor
    if issue.cells:
        return issue.cells[0]
    if issue.section == "meta" and issue.key:
        return "meta:" + issue.key.split(":")[-1]
    return ""


class ReviewPage(QWidget):
    jumpRequested = Signal(str, str)  # step id, target (cell path, narrative anchor, "meta:field" or "")

    def __init__(self, controller: ReportController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.import_marks: dict[str, str] = {}  # cell path → why, as the import left them in the draft
        self.unsure: dict[str, str] = {}  # those of them still unfilled
        title = QLabel("审核")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["问题", "规则", "说明"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        header.resizeSection(2, 220)
        self.tree.setWordWrap(True)
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemDoubleClicked.connect(self._activate)
        self.tree.currentItemChanged.connect(self._update_buttons)
        self.go_button = QPushButton("转到")
        self.go_button.clicked.connect(lambda: self._activate(self.tree.currentItem()))
        self.ack_button = QPushButton("说明此警告…")
        self.ack_button.setToolTip("警告不阻止导出；可写明原因（如集中清理导致现行有效件数不衔接），说明会保存在草稿中并列入 Excel 校验结果")
        self.ack_button.clicked.connect(self.acknowledge_current)
        self.unack_button = QPushButton("撤回说明")
        self.unack_button.clicked.connect(self.withdraw_current)
        buttons = QHBoxLayout()
        for b in (self.go_button, self.ack_button, self.unack_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.comparison = QLabel()
        self.comparison.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.comparison)
        self._stale = False
        controller.listen(self, changed=self._on_changed, documentChanged=self._on_document)
        self._on_document()

    def _on_document(self) -> None:
        # the marks are set by an import (or read from the file) and change only with the document
        self.import_marks = self.controller.state.to_draft().import_unsure
        self.refresh()

    def _on_changed(self, changes) -> None:
        if changes.issues or changes.format or changes.cells & set(self.unsure):
            if self.isVisible():
                self.refresh()
            else:  # an edit on another page does not rebuild this list each time: it is rebuilt when shown
                self._stale = True

    def showEvent(self, event):  # noqa: N802
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def _unsure_cells(self) -> dict[str, str]:
        """The cells the import could not determine that are still unfilled, in the tables' order."""
        state = self.controller.state
        marks = self.import_marks
        return {p: marks[p] for p in state.spec.input_paths if p in marks and state.value(p) is None}

    def _add_unsure_group(self) -> None:
        state = self.controller.state
        head = QTreeWidgetItem([f"{UNSURE_GROUP}（{len(self.unsure)} 个，填写后不再列出）"])
        head.setFirstColumnSpanned(True)
        font = head.font(0)
        font.setBold(True)
        head.setFont(0, font)
        self.tree.addTopLevelItem(head)
        for path, why in self.unsure.items():
            item = QTreeWidgetItem([f"【需核对】{state.spec.cells[path].label}", "导入", why])
            item.setData(0, UnsureCellRole, path)
            item.setToolTip(0, UNSURE_PREFIX + why)
            item.setForeground(0, QBrush(QColor("#9a5b00")))
            head.addChild(item)

    def refresh(self) -> None:
        self._stale = False
        state = self.controller.state
        self.tree.clear()
        errors, warnings = state.errors(), state.warnings()
        self.unsure = self._unsure_cells()
        if not state.issues:
            summary = "<span style='color:#2a7a2a'>校验通过：没有发现错误或警告，可以导出正式文件。</span>"
        else:
            summary = (f"共 <b style='color:#c0302a'>{len(errors)} 个错误</b>（须改正后才能导出正式文件）、"
                       f"<b style='color:#c07000'>{len(warnings)} 个警告</b>（请核实，必要时写明说明）。"
                       "双击一项可转到对应位置。")
        if self.unsure:
            summary += (f"<br><b style='color:#c07000'>{len(self.unsure)} 个单元格导入时无法确定</b>，"
                        "需对照原文人工核对填写（表格中以橙色标出）。")
        self.summary.setText(summary)
        if self.unsure:
            self._add_unsure_group()
        order = [None, "meta", "preamble"] + [s.id for s in state.spec.sections]
        groups: dict = {}
        for issue in sorted(state.issues, key=lambda i: (0 if i.severity == "error" else 1,
                                                          order.index(i.section) if i.section in order else 99)):
            if issue.section not in groups:
                head = QTreeWidgetItem([state.spec.place_name(issue.section)])
                head.setFirstColumnSpanned(True)
                font = head.font(0)
                font.setBold(True)
                head.setFont(0, font)
                self.tree.addTopLevelItem(head)
                groups[issue.section] = head
            word = SEVERITY_WORDS[issue.severity]
            item = QTreeWidgetItem([f"【{word}】{issue.message}", issue.rule, issue.acknowledged or ""])
            item.setData(0, IssueRole, issue)
            item.setToolTip(0, "\n".join(x for x in (issue.title, issue.formula, issue.message) if x))
            item.setForeground(0, QBrush(QColor("#c0302a" if issue.severity == "error" else "#9a5b00")))
            groups[issue.section].addChild(item)
        self.tree.expandAll()
        self._update_buttons()
        self._refresh_comparison()

    def _refresh_comparison(self) -> None:
        state = self.controller.state
        if state.previous is None:
            self.comparison.setText("")
            return
        try:
            from model.compare import year_over_year
        except ImportError:
            self.comparison.setText("已关联上年报告：跨年度规则已启用。")
            return
        rows = year_over_year(state)
        lines = ["<b>与上年对比</b>"] + [f"{r.label}：今年 {shown_value(r.this_year)}，上年 {shown_value(r.last_year)}" for r in rows[:8]]
        self.comparison.setText("<br>".join(lines))

    def current_issue(self):
        item = self.tree.currentItem()
        return item.data(0, IssueRole) if item is not None else None

    def current_unsure_cell(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, UnsureCellRole) if item is not None else None

    def _update_buttons(self, *_args) -> None:
        issue = self.current_issue()
        self.go_button.setEnabled(issue is not None or self.current_unsure_cell() is not None)
        self.ack_button.setEnabled(issue is not None and issue.severity == "warning")
        self.unack_button.setEnabled(issue is not None and bool(issue.acknowledged))

    def _activate(self, item, _column: int = 0) -> None:
        path = item.data(0, UnsureCellRole) if item is not None else None
        if path is not None:
            table = self.controller.state.spec.cells[path].table
            section = next(s.id for s in self.controller.state.spec.sections if s.table == table)
            self.jumpRequested.emit(section, path)
            return
        issue = item.data(0, IssueRole) if item is not None else None
        if issue is not None:
            self.jumpRequested.emit(step_for(issue), target_for(issue))

    def acknowledge_current(self) -> None:
        issue = self.current_issue()
        if issue is None or issue.severity != "warning":
            return
        text = dialogs.ask_text(self, "说明警告", f"{issue.message}\n\n请简要说明原因：", issue.acknowledged or "")
        if text is not None and text.strip():
            self.controller.acknowledge(issue.key, text.strip())

    def withdraw_current(self) -> None:
        issue = self.current_issue()
        if issue is not None and issue.acknowledged:
            self.controller.acknowledge(issue.key, None)

    def focus_target(self, target: str | None) -> None:
        self.tree.setFocus()
