"""The questions about other copies of the app: which recovered reports to restore, and whether to open a draft
that is already open elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from gui import dialogs, instances
from gui.autosave import Recovery

COLUMNS = ["机关", "年度", "自动保存时间", "原文件"]


class RecoveryDialog(QDialog):
    """Every recovery file left by a copy of the app that did not end normally, one row each.

    恢复选中的报告 restores the ticked rows (each in its own window); 放弃选中的报告 removes the ticked rows
    after asking; 以后再说 keeps every remaining file for the next start. Nothing is discarded unless asked."""

    def __init__(self, recoveries: list[Recovery], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("恢复未保存的报告")
        self.recoveries = list(recoveries)
        self.to_restore: list[Recovery] = []
        self.to_discard: list[Recovery] = []
        intro = QLabel("程序上次没有正常退出（或意外关闭），找到了以下自动保存的内容。\n"
                       "勾选要恢复的报告后点“恢复选中的报告”，每份报告在单独的窗口中打开；未勾选的会保留到下次启动。")
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.restore_button = QPushButton("恢复选中的报告")
        self.discard_button = QPushButton("放弃选中的报告…")
        self.later_button = QPushButton("以后再说")
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self._restore)
        self.discard_button.clicked.connect(self._discard)
        self.later_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._fill()
        self.resize(820, 320)

    def _fill(self) -> None:
        self.table.setRowCount(len(self.recoveries))
        for row, rec in enumerate(self.recoveries):
            cells = [rec.agency, rec.year, rec.saved_at.strftime("%Y年%m月%d日 %H:%M"), rec.place]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 0:
                    # a damaged file can only be discarded, so it starts unticked
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if rec.draft is not None else Qt.CheckState.Unchecked)
                self.table.setItem(row, col, item)
        self.restore_button.setEnabled(any(r.draft is not None for r in self.recoveries))

    def checked(self) -> list[Recovery]:
        return [rec for row, rec in enumerate(self.recoveries)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def _restore(self) -> None:
        chosen = [r for r in self.checked() if r.draft is not None]
        if not chosen:
            dialogs.show_info(self, "恢复未保存的报告", "请先勾选要恢复的报告。")
            return
        self.to_restore = chosen
        self.accept()

    def _discard(self) -> None:
        chosen = self.checked()
        if not chosen:
            dialogs.show_info(self, "恢复未保存的报告", "请先勾选要放弃的报告。")
            return
        names = "\n".join(f"{r.agency} {r.year}（{r.place}）" for r in chosen)
        if not dialogs.confirm(self, "放弃自动保存的内容",
                               f"确定放弃以下 {len(chosen)} 份自动保存的内容吗？放弃后无法找回。\n\n{names}"):
            return
        self.to_discard += chosen
        self.recoveries = [r for r in self.recoveries if r not in chosen]
        if not self.recoveries:
            self.reject()
            return
        self._fill()


def choose_recoveries(parent: QWidget | None, recoveries: list[Recovery]) -> tuple[list[Recovery], list[Recovery]]:
    """(to restore, to discard) as the user chose; every other file is kept for later."""
    dialog = RecoveryDialog(recoveries, parent)
    dialog.exec()
    return dialog.to_restore, dialog.to_discard


def _open_where(draft: str | Path, own: instances.DraftLock | None) -> str | None:
    """Who else has the draft open, in words for the user; None when nobody has."""
    pid = instances.open_elsewhere(draft, own)
    if pid is None:
        return None
    return "本程序的另一个窗口" if pid == os.getpid() else f"另一个正在运行的年报助手（进程号 {pid}）"


def confirm_open_elsewhere(parent: QWidget | None, draft: str | Path, own: instances.DraftLock | None) -> bool:
    """True when the draft is free, or when the user chooses to open it although another window has it open."""
    where = _open_where(draft, own)
    if where is None:
        return True
    return dialogs.confirm(
        parent, "草稿已在别处打开",
        f"“{Path(draft).name}”已在{where}中打开。\n\n两处同时修改并保存，后保存的会覆盖先保存的内容。"
        f"\n建议切换到那个窗口继续编辑。仍要在这里打开吗？")


def confirm_save_over_open(parent: QWidget | None, draft: str | Path, own: instances.DraftLock | None) -> bool:
    """True when no other window has this draft open, or when the user chooses to save over it anyway."""
    where = _open_where(draft, own)
    if where is None:
        return True
    return dialogs.confirm(
        parent, "草稿正在别处编辑",
        f"“{Path(draft).name}”正在{where}中打开。\n\n保存到这个文件会覆盖它；那边再保存时，又会覆盖这里的内容。"
        f"\n建议换一个文件名。仍要保存到这个文件吗？")
