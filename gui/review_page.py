"""审核: every issue of the report grouped by section, errors first; jump to the place; explain warnings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from gui import dialogs
from gui.controller import ReportController
from model.checks import SEVERITY_WORDS
from model.values import format_value

IssueRole = Qt.ItemDataRole.UserRole + 10


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
        controller.listen(self, changed=self._on_changed, documentChanged=self.refresh)
        self.refresh()

    def _on_changed(self, changes) -> None:
        if changes.issues or changes.format:
            self.refresh()

    def refresh(self) -> None:
        state = self.controller.state
        self.tree.clear()
        errors, warnings = state.errors(), state.warnings()
        if not state.issues:
            self.summary.setText("<span style='color:#2a7a2a'>校验通过：没有发现错误或警告，可以导出正式文件。</span>")
        else:
            self.summary.setText(f"共 <b style='color:#c0302a'>{len(errors)} 个错误</b>（须改正后才能导出正式文件）、"
                                 f"<b style='color:#c07000'>{len(warnings)} 个警告</b>（请核实，必要时写明说明）。"
                                 "双击一项可转到对应位置。")
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

    def _update_buttons(self, *_args) -> None:
        issue = self.current_issue()
        self.go_button.setEnabled(issue is not None)
        self.ack_button.setEnabled(issue is not None and issue.severity == "warning")
        self.unack_button.setEnabled(issue is not None and bool(issue.acknowledged))

    def _activate(self, item, _column: int = 0) -> None:
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
