"""新建报告: agency, year → format chosen by the year (with a visible override), kind from the agency's name,
publication date."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox

from gui.meta_page import KINDS, guard_wheel
from model.agency_kind import agency_kind_from_name
from model.draft import Draft, Meta
from model.spec import format_for_year, format_ids, get_format


class NewReportDialog(QDialog):
    """New report: agency, year → format chosen automatically (with a visible override), date, kind."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("新建报告")
        self.agency = QLineEdit()
        self.agency.textChanged.connect(self._kind_from_name)
        self.year = QSpinBox()
        self.year.setRange(2019, 2100)
        self.year.setKeyboardTracking(False)
        self.year.setValue(dt.date.today().year - (1 if dt.date.today().month < 7 else 0))
        self.format = QComboBox()
        self.format.addItem("按年度自动选择", None)
        for fid in format_ids():
            self.format.addItem(get_format(fid).name, fid)
        self.hint = QLabel()
        self.kind = QComboBox()
        for key, label in KINDS:
            self.kind.addItem(label, key)
        # the kind follows the agency's name as it is typed, until the user picks one: a 人民政府 or 管委会
        # publishes by 31 March, a department by 31 January (F-8)
        self.kind_chosen = False
        self.kind.activated.connect(self._kind_picked)
        self.kind_hint = QLabel()
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy年M月d日")
        guard_wheel(self.year, self.format, self.kind, self.date)
        form = QFormLayout(self)
        form.addRow("机关名称", self.agency)
        form.addRow("报告年度", self.year)
        form.addRow("格式版本", self.format)
        form.addRow("", self.hint)
        form.addRow("机关类型", self.kind)
        form.addRow("", self.kind_hint)
        form.addRow("公布日期", self.date)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.year.valueChanged.connect(self._update)
        self.format.currentIndexChanged.connect(self._update)
        self._update()

    def _kind_from_name(self, name: str) -> None:
        if self.kind_chosen:
            return
        self.kind.setCurrentIndex(self.kind.findData(agency_kind_from_name(name)))
        self.kind_hint.setText("按机关名称判断，如不对请更改" if name.strip() else "")

    def _kind_picked(self, _index: int) -> None:
        self.kind_chosen = True
        self.kind_hint.setText("")

    def _update(self, *_args) -> None:
        year = self.year.value()
        auto = format_for_year(year)
        chosen = self.format.currentData() or auto.id
        self.hint.setText(f"{year} 年度使用{get_format(chosen).name}" +
                          ("（按年度自动选择）" if chosen == auto.id else f"；注意：按规定应使用{auto.name}"))
        self.date.setDate(QDate(year + 1, 1, 20))

    def draft(self) -> Draft:
        year = self.year.value()
        fid = self.format.currentData() or format_for_year(year).id
        q = self.date.date()
        return Draft(format=fid, meta=Meta(agency=self.agency.text().strip(), year=year,
                                           publication_date=dt.date(q.year(), q.month(), q.day()),
                                           agency_kind=self.kind.currentData()))
