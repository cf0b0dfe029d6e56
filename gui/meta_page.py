"""基本信息: agency, year, format, publication date, contact, agency kind, and the opening paragraph."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QSpinBox, QVBoxLayout, QWidget)

from gui import dialogs
from gui.controller import ReportController
from gui.narrative_page import NarrativePage
from model.spec import format_for_year, format_ids, get_format
from model.state import EditError

KINDS = [("department", "县级以上人民政府部门（1月31日前公布）"), ("government", "本级人民政府（3月31日前公布）")]


class _WheelGuard(QObject):
    """Swallows wheel events over a value widget the user has not clicked into: scrolling past the 报告年度
    box or a combo box must not switch the year, the format or the date."""

    def eventFilter(self, watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Wheel and not watched.hasFocus():
            event.ignore()
            return True
        return False


def guard_wheel(*widgets: QWidget) -> None:
    """Let the wheel change these widgets only once they have keyboard focus (clicked or tabbed into)."""
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        guard = _WheelGuard(widget)
        widget.installEventFilter(guard)


class MetaPage(QWidget):
    def __init__(self, controller: ReportController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._loading = False
        title = QLabel("基本信息")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.agency = QLineEdit()
        self.agency.setPlaceholderText("如：某某区人民政府办公室")
        self.year = QSpinBox()
        self.year.setRange(2019, 2100)
        self.year.setKeyboardTracking(False)  # 2 → 20 → 202 → 2025 is one change of year, not four
        self.format = QComboBox()
        for fid in format_ids():
            spec = get_format(fid)
            self.format.addItem(f"{spec.name}（{spec.data.notice}）", fid)
        self.format_hint = QLabel()
        self.format_hint.setWordWrap(True)
        self.has_date = QCheckBox("已确定公布日期")
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy年M月d日")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("如：区政府办公室，电话 0000-00000000（可不填）")
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(label, key)
        self.message = QLabel()
        self.message.setStyleSheet("color: #a0302a;")
        guard_wheel(self.year, self.format, self.kind, self.date)

        date_row = QHBoxLayout()
        date_row.addWidget(self.has_date)
        date_row.addWidget(self.date, 1)
        form = QFormLayout()
        form.addRow("机关名称", self.agency)
        form.addRow("报告年度", self.year)
        form.addRow("格式版本", self.format)
        form.addRow("", self.format_hint)
        form.addRow("机关类型", self.kind)
        form.addRow("公布日期", date_row)
        form.addRow("联系方式", self.contact)
        self.preamble = NarrativePage(controller, "preamble", self, compact=True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("<b>开头部分</b>（可选：编制依据、统计期限、电子版获取方式、联系方式）"))
        layout.addWidget(self.preamble, 1)
        # Tab goes the way the form reads, top to bottom (the kind row is made last but shown above the date),
        # then on into the opening paragraph's buttons and text
        chain = [self.agency, self.year, self.format, self.kind, self.has_date, self.date, self.contact,
                 *self.preamble.tab_chain()]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

        self.agency.editingFinished.connect(lambda: self._set(agency=self.agency.text().strip()))
        self.contact.editingFinished.connect(lambda: self._set(contact=self.contact.text().strip()))
        self.year.valueChanged.connect(self._year_changed)
        self.format.activated.connect(self._format_chosen)
        self.kind.activated.connect(lambda _i: self._set(agency_kind=self.kind.currentData()))
        self.has_date.toggled.connect(self._date_changed)
        self.date.dateChanged.connect(self._date_changed)
        controller.listen(self, changed=self._on_changed, documentChanged=self.refresh,
                          commitRequested=self.commit_open_editors)
        self.refresh()

    def refresh(self) -> None:
        self._loading = True
        try:
            meta = self.controller.state.meta
            self.agency.setText(meta.agency)
            self.year.setValue(meta.year)
            self.format.setCurrentIndex(self.format.findData(self.controller.state.format_id))
            self.kind.setCurrentIndex(self.kind.findData(meta.agency_kind))
            self.contact.setText(meta.contact)
            self.has_date.setChecked(meta.publication_date is not None)
            d = meta.publication_date or dt.date(meta.year + 1, 1, 20)
            self.date.setDate(QDate(d.year, d.month, d.day))
            self.date.setEnabled(meta.publication_date is not None)
            self._update_hint()
        finally:
            self._loading = False

    def _update_hint(self) -> None:
        year = self.controller.state.meta.year
        try:
            expected = format_for_year(year)
        except KeyError:
            self.format_hint.setText("")
            return
        if expected.id == self.controller.state.format_id:
            self.format_hint.setText(f"{year} 年度的报告按规定使用{expected.name}（已自动选择）。")
        else:
            self.format_hint.setText(f"注意：{year} 年度的报告应使用{expected.name}，当前选择的格式不符（规则 F-1）。")

    def _on_changed(self, changes) -> None:
        if changes.meta or changes.format:
            self.refresh()

    def _set(self, **fields) -> None:
        if self._loading:
            return
        try:
            self.controller.set_meta(**fields)
            self.message.setText("")
        except EditError as exc:
            self.message.setText(str(exc))

    def commit_open_editors(self) -> None:
        """Hand over what is typed but not yet confirmed with Enter or by leaving the field (save, export…)."""
        meta = self.controller.state.meta
        if self.agency.text().strip() != meta.agency:
            self._set(agency=self.agency.text().strip())
        if self.contact.text().strip() != meta.contact:
            self._set(contact=self.contact.text().strip())
        self.year.interpretText()  # a year typed but not confirmed; valueChanged follows when it differs

    def _year_changed(self, year: int) -> None:
        if self._loading:
            return
        state = self.controller.state
        old_year = state.meta.year
        if year == old_year:
            return
        old_expected = format_for_year(old_year).id
        new_expected = format_for_year(year).id
        # the format follows the year unless the user chose another one on purpose; since another format
        # rebuilds every table, the user confirms it first
        follows = state.format_id == old_expected and new_expected != old_expected
        if follows and not dialogs.ask_change_format(self, year, get_format(old_expected).name,
                                                     get_format(new_expected).name):
            self._loading = True
            try:
                self.year.setValue(old_year)
            finally:
                self._loading = False
            self.message.setText(f"报告年度仍为 {old_year} 年：未改为 {year} 年，格式版本不变。")
            return
        self._set(year=year)
        if follows and self.controller.state.meta.year == year:
            self.controller.change_format(new_expected)
        self._update_hint()

    def _format_chosen(self, _index: int) -> None:
        fid = self.format.currentData()
        if fid != self.controller.state.format_id:
            self.controller.change_format(fid)

    def _date_changed(self, *_args) -> None:
        if self._loading:
            return
        self.date.setEnabled(self.has_date.isChecked())
        if self.has_date.isChecked():
            q = self.date.date()
            self._set(publication_date=dt.date(q.year(), q.month(), q.day()))
        else:
            self._set(publication_date=None)

    def focus_target(self, target: str | None) -> None:
        field = (target or "").removeprefix("meta:")
        date = self.date if self.date.isEnabled() else self.has_date
        widget = {"agency": self.agency, "year": self.year, "publication_date": date,
                  "contact": self.contact, "agency_kind": self.kind}.get(field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(widget, QLineEdit):
                widget.selectAll()  # what the undo put back is seen at once
        elif target and target.startswith("preamble"):
            self.preamble.focus_target(target)
