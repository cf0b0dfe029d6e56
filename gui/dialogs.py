"""Every message box and file dialog of the app, behind a few functions that say what they are for.

Tests patch these functions instead of clicking through modal dialogs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

DRAFT_FILTER = "年报草稿 (*.json)"


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.critical(parent, title, message)


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)


def confirm(parent: QWidget | None, title: str, message: str) -> bool:
    return QMessageBox.question(parent, title, message) == QMessageBox.StandardButton.Yes


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """'save', 'discard' or 'cancel' for a report with unsaved changes."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("尚未保存")
    box.setText(f"“{name}”有尚未保存的修改。")
    box.setInformativeText("是否保存这些修改？")
    save = box.addButton("保存", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("不保存", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save else "discard" if clicked is discard else "cancel"


def ask_change_format(parent: QWidget | None, year: int, old_name: str, new_name: str) -> bool:
    """The year the user set needs another format: confirm before every table is rebuilt."""
    return QMessageBox.question(
        parent, "更改报告年度",
        f"{year} 年度的报告应使用{new_name}，当前使用{old_name}。\n\n"
        f"改为 {year} 年度将改用{new_name}，表格将按新格式重新排列（可撤销）。是否继续？",
    ) == QMessageBox.StandardButton.Yes


def ask_recover(parent: QWidget | None, description: str) -> bool:
    return QMessageBox.question(
        parent, "恢复未保存的报告",
        f"程序上次没有正常退出，找到了自动保存的内容：\n{description}\n\n是否恢复？选择“否”将放弃这些内容。",
    ) == QMessageBox.StandardButton.Yes


def ask_open_path(parent: QWidget | None, folder: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "打开年报草稿", folder, DRAFT_FILTER)
    return path or None


def ask_save_path(parent: QWidget | None, suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "保存年报草稿", suggested, DRAFT_FILTER)
    if path and not path.lower().endswith(".json"):
        path += ".json"
    return path or None


def ask_folder(parent: QWidget | None, title: str, folder: str = "") -> str | None:
    path = QFileDialog.getExistingDirectory(parent, title, folder)
    return path or None


def ask_image_path(parent: QWidget | None) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "选择图片", "", "图片 (*.png *.jpg *.jpeg *.bmp)")
    return path or None


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getMultiLineText(parent, title, label, text)
    return value if ok else None


def ask_export_draft(parent: QWidget | None, count: int) -> bool:
    return QMessageBox.question(
        parent, "报告还有错误",
        f"报告还有 {count} 个错误，不能导出正式文件。\n\n是否导出标注“草稿（未通过校验）”的文件供内部核对？",
    ) == QMessageBox.StandardButton.Yes


SOURCE_FILTER = "年报（*.json *.pdf *.docx *.txt *.md *.markdown *.xlsx *.html *.htm *.mhtml *.mht）"


def ask_source_path(parent: QWidget | None, title: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, "", SOURCE_FILTER)
    return path or None


def ask_year(parent: QWidget | None, suggested: int) -> int | None:
    year, ok = QInputDialog.getInt(parent, "报告年度", "新报告的年度：", suggested, 2019, 2100)
    return year if ok else None


def ask_agency(parent: QWidget | None, suggested: str = "") -> str | None:
    text, ok = QInputDialog.getText(parent, "汇总报告", "汇总报告的机关名称：", text=suggested)
    return text if ok else None


def show_report(parent: QWidget | None, title: str, text: str) -> bool:
    """A long report (what an import read) with 确定 / 取消; True when accepted."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text.split("\n", 1)[0])
    box.setDetailedText(text)
    box.setInformativeText("\n".join(text.split("\n")[1:8]))
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Ok
