"""开始: every way to begin — a new report, a draft, a sample, a recent file, last year's report, an import or a
roll-up — on one page, for users who do not look in menus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QGridLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout)

from gui.recent_files import recent_paths

ACTIONS = [
    ("new", "新建报告", "填写机关名称和年度，自动选用正确的格式版本"),
    ("open", "打开草稿", "打开保存过的年报草稿（.json）"),
    ("carry", "从上年报告开始", "用上年的草稿、PDF、Word、文本或 Excel 开始，自动结转上年结转数"),
    ("import", "导入已发布的报告", "把已发布的 PDF、Word、文本或同事填好的 Excel 读成草稿"),
    ("rollup", "汇总多个单位", "把一个文件夹中各单位的草稿汇总成一份"),
]


def sample_paths(seeds: Path) -> list[Path]:
    """The sample reports offered under 示例."""
    return [p for p in sorted(seeds.glob("*.json")) if not p.name.endswith(".expected.json")]


META_HEAD_BYTES = 64 * 1024


def draft_meta(file: Path) -> dict:
    """The "meta" object of a draft, read from the file's beginning where a saved draft keeps it: a draft with
    pictures runs to megabytes, and the start page must not read them all to name the agency."""
    with file.open("rb") as fh:
        head = fh.read(META_HEAD_BYTES).decode("utf-8-sig", errors="ignore")
    at = head.find('"meta"')
    if at >= 0:
        colon = head.find(":", at + len('"meta"'))
        try:
            meta, _end = json.JSONDecoder().raw_decode(head, colon + 1 + (len(head[colon + 1:]) -
                                                                          len(head[colon + 1:].lstrip())))
            return meta if isinstance(meta, dict) else {}
        except ValueError:
            pass  # cut off, or not where a saved draft has it: read as a whole below
    if file.stat().st_size > 4 * 1024 * 1024:
        return {}  # shown by its name and time
    return json.loads(file.read_text(encoding="utf-8")).get("meta") or {}


def describe_recent(path: str) -> str:
    """A recent file as the user knows it: agency, year, when it was last saved, then the file itself."""
    file = Path(path)
    try:
        saved = dt.datetime.fromtimestamp(file.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return f"（文件已不存在或无法读取）{path}"
    agency, year = "", ""
    try:
        meta = draft_meta(file)
        agency, year = str(meta.get("agency") or "").strip(), meta.get("year") or ""
    except (OSError, ValueError, AttributeError):
        pass  # not a readable draft: shown by its name and time; opening it says what is wrong
    heading = f"{agency or '（未填机关名称）'}　{year} 年度" if year else (agency or file.stem)
    return f"{heading}　最后保存 {saved}　{file.name}"


class StartDialog(QDialog):
    """Returns the chosen action in `choice` ("new", "open", "carry", "import", "rollup", "sample" or "recent")
    and, for the last two, the file in `path`."""

    firstPainted = Signal()  # the page is on screen: the app builds the report window behind it

    def __init__(self, samples: list[Path], parent=None, *, on_sample: bool | None = None):
        super().__init__(parent)
        self._painted = False
        self.setWindowTitle("开始")
        self.choice: str | None = None
        self.path: str | None = None
        layout = QVBoxLayout(self)
        title = QLabel("政务公开年报助手")
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(title)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for row, (key, text, hint) in enumerate(ACTIONS):
            button = QPushButton(text)
            button.setMinimumWidth(160)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            grid.addWidget(button, row, 0)
            grid.addWidget(QLabel(hint), row, 1)
            self.buttons[key] = button
        layout.addLayout(grid)
        layout.addWidget(QLabel("<b>示例报告</b>　以模板打开：标题注明“示例”，保存时另存为自己的文件"))
        self.samples = QListWidget()
        for p in samples:
            item = QListWidgetItem(p.stem)
            item.setData(Qt.ItemDataRole.UserRole, str(p))
            self.samples.addItem(item)
        self.samples.itemActivated.connect(lambda item: self._choose("sample", item))
        self.samples.itemDoubleClicked.connect(lambda item: self._choose("sample", item))
        self.samples.setMaximumHeight(100)
        layout.addWidget(self.samples)
        layout.addWidget(QLabel("<b>最近打开的文件</b>"))
        self.recent = QListWidget()
        for p in recent_paths():
            item = QListWidgetItem(describe_recent(p))
            item.setToolTip(p)
            if Path(p).is_file():
                item.setData(Qt.ItemDataRole.UserRole, p)
            else:
                item.setFlags(Qt.ItemFlag.NoItemFlags)  # a moved or deleted file is named, not offered
            self.recent.addItem(item)
        if self.recent.count() == 0:
            self.recent.addItem("（暂无）")
        self.recent.itemActivated.connect(lambda item: self._choose("recent", item))
        self.recent.itemDoubleClicked.connect(lambda item: self._choose("recent", item))
        layout.addWidget(self.recent)
        if on_sample is None:
            on_sample = bool(getattr(parent, "_is_sample", False))
        close = QPushButton("先看看示例报告" if on_sample else "继续当前报告")
        close.clicked.connect(self.reject)
        layout.addWidget(close)

    def paintEvent(self, event):  # noqa: N802
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.firstPainted.emit()

    def _choose(self, key: str, item: QListWidgetItem | None = None) -> None:
        if item is not None:
            path = item.data(Qt.ItemDataRole.UserRole)
            if not path:
                return
            self.path = path
        self.choice = key
        self.accept()
