"""A Qt table model over one official table of the report.

The grid is the same layout the exporters print (export.document.build_table), header rows and spanning
group labels included, so what the user fills in looks like what gets published. Values are read from the
state on every paint; the model does no arithmetic.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from export.document import Cell, TableLayout, build_table
from gui.controller import ReportController
from model.checks import SEVERITY_WORDS
from model.importers.report import UNSURE_PREFIX
from model.state import EditError
from model.values import format_value

COMPUTED_BG = QColor("#e8f0fb")
UNFILLED_BG = QColor("#fff8d6")
ERROR_BG = QColor("#f8c9c4")
WARNING_BG = QColor("#fde9c4")
HEAD_BG = QColor("#f0f0f0")
BLOCK_BG = QColor("#d9d9d9")
STATED_FG = QColor("#a0302a")
UNSURE_BG = QColor("#ffc98a")  # orange: the import could not determine this cell

PathRole = Qt.ItemDataRole.UserRole + 1
KindRole = Qt.ItemDataRole.UserRole + 2
UnsureRole = Qt.ItemDataRole.UserRole + 3  # why the import could not determine the cell, while it is unfilled


class ReportTableModel(QAbstractTableModel):
    inputRefused = Signal(str, QModelIndex)  # a Chinese message when typed input was not accepted, and where

    def __init__(self, controller: ReportController, table_id: str, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.table_id = table_id
        self.layout: TableLayout
        self.cell_at: dict[tuple[int, int], Cell] = {}
        self.index_of: dict[str, tuple[int, int]] = {}
        self.cell_issues: dict[str, list] = {}
        self.import_unsure: dict[str, str] = {}
        self._rebuild()
        controller.listen(self, changed=self._on_changed, documentChanged=self.reset)

    # -- structure -----------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        state = self.controller.state
        self.layout = build_table(state, state.spec.tables[self.table_id])
        self.cell_at = {(r, c): cell for r, c, cell in self.layout.cells()}
        self.index_of = {cell.path: (r, c) for (r, c), cell in self.cell_at.items() if cell.path}
        # set by an import and kept in the draft; a new document (import, open) rebuilds the grid
        self.import_unsure = {p: why for p, why in state.to_draft().import_unsure.items() if p in self.index_of}
        self._collect_issues()

    def reset(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def _collect_issues(self) -> None:
        by_cell: dict[str, list] = {}
        for issue in self.controller.state.issues:
            if issue.rule in self.controller.state.spec.completeness_rules:
                continue  # "not filled in" is shown by the cell colour itself
            for path in issue.cells:
                if path in self.index_of:
                    by_cell.setdefault(path, []).append(issue)
        self.cell_issues = by_cell

    def spans(self):
        """(row, column, rowspan, colspan) of every merged cell, for QTableView.setSpan."""
        for (r, c), cell in self.cell_at.items():
            if cell.rowspan > 1 or cell.colspan > 1:
                yield r, c, cell.rowspan, cell.colspan

    def header_rows(self) -> int:
        return self.layout.header_rows

    def label_columns(self) -> int:
        """How many leading columns hold only labels (no cell to fill in): the columns to keep in sight."""
        first_value = min((c for (_r, c), cell in self.cell_at.items() if cell.path), default=0)
        return first_value

    def path_at(self, index: QModelIndex) -> str | None:
        cell = self.cell_at.get((index.row(), index.column()))
        return cell.path if cell else None

    def is_input(self, index: QModelIndex) -> bool:
        path = self.path_at(index)
        return path is not None and not self.controller.state.is_computed(path)

    def unsure_reason(self, path: str | None) -> str | None:
        """Why the import could not determine this cell, while it is still unfilled; else None."""
        if path is None or path not in self.import_unsure or self.controller.state.value(path) is not None:
            return None
        return self.import_unsure[path]

    def index_for_path(self, path: str) -> QModelIndex:
        rc = self.index_of.get(path)
        return self.index(*rc) if rc else QModelIndex()

    # -- Qt model API --------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.layout.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.layout.columns

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled
        cell = self.cell_at.get((index.row(), index.column()))
        if cell is None:
            return base
        base |= Qt.ItemFlag.ItemIsSelectable
        if cell.path and not self.controller.state.is_computed(cell.path):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        cell = self.cell_at.get((index.row(), index.column()))
        if cell is None:
            return None
        state = self.controller.state
        path = cell.path
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if path is None:
                return "\n".join(cell.text) if cell.vertical else cell.text
            value = state.value(path)
            if value is None and role == Qt.ItemDataRole.DisplayRole and not state.is_computed(path):
                return "未填"
            text = format_value(value)
            unit = state.unit(path)
            if text and unit and unit != state.spec.cells[path].column.unit and role == Qt.ItemDataRole.DisplayRole:
                text += unit
            return text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if cell.role == "label":
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if path is not None:
                if self.unsure_reason(path) is not None:
                    return QBrush(UNSURE_BG)
                issues = self.cell_issues.get(path)
                if issues:
                    return QBrush(ERROR_BG if any(i.severity == "error" for i in issues) else WARNING_BG)
                if state.is_computed(path):
                    return QBrush(COMPUTED_BG)
                if state.value(path) is None:
                    return QBrush(UNFILLED_BG)
                return None
            if cell.role == "block":
                return QBrush(BLOCK_BG)
            if cell.role in ("head", "note", "group"):
                return QBrush(HEAD_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if path is not None and path in state.stated:
                return QBrush(STATED_FG)
            if path is not None and state.value(path) is None:
                return QBrush(QColor("#b8a56a"))
            return None
        if role == Qt.ItemDataRole.FontRole:
            if cell.role in ("head", "block") or (path is not None and state.is_computed(path)):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cell)
        if role == PathRole:
            return path
        if role == UnsureRole:
            return self.unsure_reason(path)
        if role == KindRole:
            return state.spec.cells[path].column.kind if path else None
        return None

    def _tooltip(self, cell: Cell) -> str | None:
        path = cell.path
        if path is None:
            return cell.text if len(cell.text) > 8 else None
        state = self.controller.state
        info = state.spec.cells[path]
        lines = [info.label]
        if state.is_computed(path):
            lines.append("自动计算的合计，不能直接填写。")
            if path in state.stated:
                lines.append(f"原报告印出的合计为 {format_value(state.stated[path])}，"
                             f"按明细计算为 {format_value(state.derived.get(path))}。右键可改用计算值。")
        elif state.value(path) is None:
            if (why := self.unsure_reason(path)) is not None:
                lines.append(UNSURE_PREFIX + why)
            lines.append("尚未填写（未填写不等于 0）。")
        for issue in self.cell_issues.get(path, []):
            word = SEVERITY_WORDS[issue.severity]
            lines.append(f"【{word} {issue.rule}】{issue.title}")
            if issue.formula:
                lines.append(f"  {issue.formula}")
            lines.append(f"  {issue.message}")
        return "\n".join(lines)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        """Typed text goes to the controller as typed; the model's parser (model.values.parse_value, the same
        one paste, import and draft loading use) accepts it or refuses it with a reason, and then nothing
        changes."""
        if role != Qt.ItemDataRole.EditRole or not self.is_input(index):
            return False
        try:
            self.controller.set_cell(self.path_at(index), "" if value is None else str(value))
        except EditError as exc:
            self.inputRefused.emit(str(exc), index)
            return False
        return True

    # -- refresh -------------------------------------------------------------------------------------
    def _on_changed(self, changes) -> None:
        if changes.format:
            return  # documentChanged rebuilds the whole grid
        if changes.issues:
            before = set(self.cell_issues)
            self._collect_issues()
            touched = before | set(self.cell_issues)
        else:
            touched = set()
        for path in changes.cells | touched:
            rc = self.index_of.get(path)
            if rc:
                idx = self.index(*rc)
                self.dataChanged.emit(idx, idx)

