"""帮助 → 关于: the version, the report formats this version supports (from resources/formats), and the folders
where the app keeps logs and recovery files — what a maintainer asks for first."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from gui.instances import recovery_dir
from gui.user_folders import log_folder
from model.spec import format_ids, get_format
from model.version import APP_NAME, version


def format_lines() -> list[str]:
    """One line per supported format: its name, the notice that set it, the report years it applies to."""
    lines = []
    for fid in format_ids():
        data = get_format(fid).data
        years = f"{data.first_year}—{data.last_year}年度" if data.last_year else f"{data.first_year}年度起"
        lines.append(f"{data.name}（{data.notice}，{years}）")
    return lines


def about_html() -> str:
    formats = "".join(f"<li>{escape(line)}</li>" for line in format_lines())
    return (f"<h3>{APP_NAME}</h3>"
            f"<p>版本 {escape(version())}</p>"
            f"<p>政府信息公开工作年度报告的填报、校验、打印与发布。</p>"
            f"<p>支持的报告格式：</p><ul>{formats}</ul>"
            f"<p>日志文件夹（程序出错时的详细记录）：<br>{escape(str(log_folder()))}</p>"
            f"<p>恢复文件夹（自动保存的内容）：<br>{escape(str(recovery_dir()))}</p>")


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"关于{APP_NAME}")
        self.text = QLabel(about_html())
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        # folder paths can be selected and copied into a message to the maintainers
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def show_about(parent: QWidget | None) -> None:
    AboutDialog(parent).exec()
