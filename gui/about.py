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


# F1 使用说明: the steps of the window, in the words of its step list
HELP_TEXT = """<h3>政务公开年报助手</h3>
<p>左侧是报告的各个步骤，可随时点击切换；每一步旁边显示填写状态和问题数。</p>
<ul>
<li><b>基本信息</b>：机关名称、报告年度（自动选择格式版本）、公布日期和开头部分。</li>
<li><b>一、五、六</b>：文字部分。右侧有填写指引；“设为小标题”标记（一）（二）等小标题；可插入图片。</li>
<li><b>二、三、四</b>：表格。黄色为未填写，蓝色为自动合计，红色为有错误；鼠标停在单元格上可看原因。
可从 Excel/WPS 复制数字后按 Ctrl+V 粘贴；回车向下、Tab 向右。</li>
<li><b>审核</b>：列出全部错误和警告，双击转到对应位置；警告可写明说明。</li>
<li><b>导出与打印</b>：导出 PDF、Word、Excel、纯文本，预览并打印。</li>
</ul>
<p>每次修改都可撤销（Ctrl+Z）和重做（Ctrl+Y）。程序每 30 秒自动保存一份恢复文件，意外退出后下次启动可以恢复。</p>"""


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
