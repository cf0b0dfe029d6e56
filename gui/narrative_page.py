"""A page for a text section (一、五、六, and the opening paragraph on the 基本信息 page).

The editor is one rich-text field, because that is what a Word user expects: each line (QTextBlock) is one
block of the report — a paragraph, a sub-head （一）… (shown bold, set with 设为小标题), or a picture with its
caption. The block kind travels with the text block itself, so editing never loses it.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QTimer, Qt, QUrl
from PySide6.QtGui import (QColor, QFont, QImage, QKeySequence, QTextBlockUserData, QTextCharFormat, QTextCursor, QTextDocument,
                           QTextImageFormat)
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMenu, QPushButton, QSplitter,
                               QTextEdit, QToolTip, QVBoxLayout, QWidget)

from gui import dialogs
from gui.controller import ReportController
from model.checks import SEVERITY_WORDS
from model.draft import Figure, Heading, Paragraph

PARAGRAPH, HEADING, FIGURE = 0, 1, 2
OBJECT = "\ufffc"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_WIDTH = 1600


class FigureData(QTextBlockUserData):
    def __init__(self, image: str | None, mime: str | None):
        super().__init__()
        self.image = image
        self.mime = mime


def encode_image(path: str) -> tuple[str, str]:
    """Read a picture, scale it down to a sensible width and return (base64, mime); raises ValueError (Chinese)."""
    image = QImage(path)
    if image.isNull():
        raise ValueError("无法读取这张图片，请选择 PNG 或 JPEG 图片。")
    if image.width() > MAX_IMAGE_WIDTH:
        image = image.scaledToWidth(MAX_IMAGE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    fmt, mime = ("PNG", "image/png") if image.hasAlphaChannel() else ("JPG", "image/jpeg")
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, fmt, 85)
    raw = bytes(data.data())
    if len(raw) > MAX_IMAGE_BYTES:
        raise ValueError(f"图片缩小后仍有 {len(raw) // 1024} KB，超过 {MAX_IMAGE_BYTES // 1024 // 1024} MB 的限制，请先压缩。")
    return base64.b64encode(raw).decode("ascii"), mime


class BlockEditor(QTextEdit):
    """The rich-text editor; shows narrative issues as wavy underlines with a tooltip."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)  # the controller's undo stack owns history, across all pages
        self.setMouseTracking(True)
        font = QFont()
        font.setPointSize(12)
        self.setFont(font)
        self.issue_ranges: list[tuple[int, int, str]] = []  # document positions and tooltip

    def event(self, event):
        if event.type() == event.Type.ShortcutOverride and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
                or (event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier)):
            event.ignore()  # undo belongs to the window's history, which spans every page
            return True
        if event.type() == event.Type.ToolTip:
            pos = self.cursorForPosition(self.viewport().mapFromGlobal(event.globalPos())).position()
            for start, end, tip in self.issue_ranges:
                if start <= pos <= end:
                    QToolTip.showText(event.globalPos(), tip, self)
                    return True
            QToolTip.hideText()
            return True
        return super().event(event)


class NarrativePage(QWidget):
    def __init__(self, controller: ReportController, section_id: str, parent=None, *, compact: bool = False):
        super().__init__(parent)
        self.controller = controller
        self.section_id = section_id
        self._loading = False
        self._figure_counter = 0
        self.editor = BlockEditor(self)
        self.editor.document().contentsChanged.connect(self._schedule_commit)
        self.editor.cursorPositionChanged.connect(self._update_buttons)
        self._commit_timer = QTimer(self)
        self._commit_timer.setSingleShot(True)
        self._commit_timer.setInterval(400)
        self._commit_timer.timeout.connect(self.commit)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.count = QLabel()
        self.heading_button = QPushButton("设为小标题")
        self.heading_button.setToolTip("把光标所在行设为小标题（如“（一）主动公开”），再按一次恢复为正文")
        self.heading_button.clicked.connect(self.toggle_heading)
        self.picture_button = QPushButton("插入图片…")
        self.picture_button.clicked.connect(self.insert_picture)
        self.replace_button = QPushButton("更换图片…")
        self.replace_button.clicked.connect(self.replace_picture)
        self.remove_button = QPushButton("删除图片")
        self.remove_button.clicked.connect(self.remove_picture)
        self.suggest_button = QPushButton("插入标准表述")
        self.suggest_button.setToolTip("根据表格中的数字生成本部分的标准表述，插入到光标处后可自由修改")
        self.suggest_button.clicked.connect(self.show_suggestions)

        tools = QHBoxLayout()
        for b in (self.heading_button, self.picture_button, self.replace_button, self.remove_button,
                  self.suggest_button):
            tools.addWidget(b)
        tools.addStretch(1)
        tools.addWidget(self.count)

        self.guidance = QLabel()
        self.guidance.setWordWrap(True)
        self.guidance.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.outline = QListWidget()
        self.outline.setToolTip("双击插入该小标题")
        self.outline.itemDoubleClicked.connect(self._insert_outline_item)
        self.outline_button = QPushButton("插入全部提纲")
        self.outline_button.clicked.connect(self.insert_outline)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("<b>填写指引</b>"))
        side_layout.addWidget(self.guidance)
        self.outline_label = QLabel("<b>提纲</b>")
        side_layout.addWidget(self.outline_label)
        side_layout.addWidget(self.outline)
        side_layout.addWidget(self.outline_button)
        side_layout.addStretch(1)

        self.issue_list = QListWidget()
        self.issue_list.setMaximumHeight(110)
        self.issue_list.itemActivated.connect(self._issue_activated)
        self.issue_list.itemClicked.connect(self._issue_activated)

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.addLayout(tools)
        center_layout.addWidget(self.editor, 1)
        center_layout.addWidget(QLabel("本部分的问题："))
        center_layout.addWidget(self.issue_list)

        layout = QVBoxLayout(self)
        if compact:
            layout.setContentsMargins(0, 0, 0, 0)
            self.title.hide()
            side.hide()
        layout.addWidget(self.title)
        splitter = QSplitter()
        splitter.addWidget(center)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        controller.changed.connect(self._on_changed)
        controller.documentChanged.connect(self.reload)
        self.reload()

    # -- loading and saving --------------------------------------------------------------------------
    def reload(self) -> None:
        state = self.controller.state
        spec = state.spec
        if self.section_id in spec.section_by_id:
            section = spec.section_by_id[self.section_id]
            self.title.setText(section.heading)
            self.guidance.setText(section.guidance or "")
            self.outline.clear()
            self.outline.addItems(list(section.outline))
        else:
            self.guidance.setText(spec.data.preamble_guidance.format(year=state.meta.year))
            self.outline.clear()
        has_outline = self.outline.count() > 0
        for w in (self.outline, self.outline_button, self.outline_label):
            w.setVisible(has_outline)
        self.suggest_button.setVisible(_suggestions_module() is not None and self.section_id != "preamble")
        self._load_blocks(state.blocks(self.section_id))
        self._refresh_issues()
        self._update_buttons()

    def _load_blocks(self, blocks) -> None:
        self._loading = True
        try:
            doc = self.editor.document()
            cursor_pos = self.editor.textCursor().position()
            doc.clear()
            cursor = QTextCursor(doc)
            for i, block in enumerate(blocks):
                if i > 0:
                    cursor.insertBlock()
                self._write_block(cursor, block)
            cursor.setPosition(min(cursor_pos, max(0, doc.characterCount() - 1)))
            self.editor.setTextCursor(cursor)
            self._update_count()
        finally:
            self._loading = False

    def _write_block(self, cursor: QTextCursor, block) -> None:
        fmt = QTextCharFormat()
        if block.type == "heading":
            fmt.setFontWeight(QFont.Weight.Bold)
            cursor.block().setUserState(HEADING)
            cursor.setCharFormat(fmt)
            cursor.insertText(block.text, fmt)
        elif block.type == "figure":
            cursor.block().setUserState(FIGURE)
            cursor.block().setUserData(FigureData(block.image, block.mime))
            if block.image:
                self._figure_counter += 1
                name = f"figure-{self._figure_counter}"
                image = QImage()
                image.loadFromData(base64.b64decode(block.image))
                if not image.isNull():
                    self.editor.document().addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
                    img = QTextImageFormat()
                    img.setName(name)
                    img.setWidth(min(360, image.width()))
                    img.setHeight(image.height() * min(360, image.width()) / max(1, image.width()))
                    cursor.insertImage(img)
            fmt.setForeground(QColor("#555555"))
            fmt.setFontItalic(True)
            cursor.insertText(("（图）" if not block.image else " ") + block.caption, fmt)
        else:
            cursor.block().setUserState(PARAGRAPH)
            cursor.setCharFormat(fmt)
            cursor.insertText(block.text, fmt)

    def blocks(self) -> list:
        """The editor's content as report blocks; empty lines are not blocks."""
        out = []
        block = self.editor.document().firstBlock()
        while block.isValid():
            text = block.text()
            kind = block.userState()
            if kind == FIGURE:
                data = block.userData()
                caption = text.replace(OBJECT, "").strip()
                if caption.startswith("（图）"):
                    caption = caption[3:].strip()
                out.append(Figure(caption=caption, image=getattr(data, "image", None), mime=getattr(data, "mime", None)))
            elif text.strip():
                out.append(Heading(text=text.strip()) if kind == HEADING else Paragraph(text=text.strip()))
            block = block.next()
        return out

    def _schedule_commit(self) -> None:
        if not self._loading:
            self._update_count()
            self._commit_timer.start()

    def commit(self) -> None:
        """Hand the text to the controller (one undo step per stretch of typing)."""
        self._commit_timer.stop()
        if self._loading:
            return
        self._committing = True
        try:
            self.controller.set_blocks(self.section_id, self.blocks())
        finally:
            self._committing = False

    def _on_changed(self, changes) -> None:
        if self.section_id in changes.sections and not getattr(self, "_committing", False):
            self._load_blocks(self.controller.state.blocks(self.section_id))  # undo / redo / import
        if changes.issues or self.section_id in changes.sections:
            self._refresh_issues()

    def hideEvent(self, event):  # noqa: N802
        if self._commit_timer.isActive():
            self.commit()
        super().hideEvent(event)

    # -- issues --------------------------------------------------------------------------------------
    def _section_issues(self):
        return [i for i in self.controller.state.issues if i.section == self.section_id]

    def _refresh_issues(self) -> None:
        self.issue_list.clear()
        issues = self._section_issues()
        for issue in issues:
            word = SEVERITY_WORDS[issue.severity]
            item = QListWidgetItem(f"【{word} {issue.rule}】{issue.message}")
            item.setData(Qt.ItemDataRole.UserRole, issue.anchor)
            self.issue_list.addItem(item)
        if not issues:
            self.issue_list.addItem("本部分没有发现问题。")
        self._underline(issues)

    def _text_block_positions(self) -> list[int]:
        """Document start position of each report block (in the order blocks() returns them)."""
        out = []
        block = self.editor.document().firstBlock()
        while block.isValid():
            if block.userState() == FIGURE or block.text().strip():
                lead = len(block.text()) - len(block.text().lstrip())
                out.append(block.position() + lead)
            block = block.next()
        return out

    def _anchor_range(self, anchor: str | None) -> tuple[int, int] | None:
        if not anchor:
            return None
        parts = anchor.split(":")
        if len(parts) < 3 or parts[0] != self.section_id:
            return None
        try:
            bi, start = int(parts[1]), int(parts[2])
            end = int(parts[3]) if len(parts) > 3 else start + 1
        except ValueError:
            return None
        positions = self._text_block_positions()
        if bi >= len(positions):
            return None
        return positions[bi] + start, positions[bi] + max(end, start + 1)

    def _underline(self, issues) -> None:
        selections = []
        ranges = []
        for issue in issues:
            rng = self._anchor_range(issue.anchor)
            if rng is None:
                continue
            sel = QTextEdit.ExtraSelection()
            cursor = self.editor.textCursor()
            cursor.setPosition(rng[0])
            cursor.setPosition(min(rng[1], self.editor.document().characterCount() - 1), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor("#d03020") if issue.severity == "error" else QColor("#e08000"))
            sel.format = fmt
            selections.append(sel)
            ranges.append((rng[0], rng[1], f"{issue.rule} {issue.message}"))
        self.editor.setExtraSelections(selections)
        self.editor.issue_ranges = ranges

    def _issue_activated(self, item) -> None:
        self.focus_target(item.data(Qt.ItemDataRole.UserRole))

    def focus_target(self, target: str | None) -> None:
        rng = self._anchor_range(target)
        self.editor.setFocus()
        if rng is None:
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(rng[0])
        cursor.setPosition(min(rng[1], self.editor.document().characterCount() - 1), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.ensureCursorVisible()

    # -- editing actions -----------------------------------------------------------------------------
    def _update_count(self) -> None:
        text = "".join(b.text if b.type != "figure" else b.caption for b in self.blocks())
        self.count.setText(f"字数：{len(text)}")

    def _update_buttons(self) -> None:
        on_figure = self.editor.textCursor().block().userState() == FIGURE
        self.replace_button.setEnabled(on_figure)
        self.remove_button.setEnabled(on_figure)
        self.heading_button.setEnabled(not on_figure)

    def toggle_heading(self) -> None:
        cursor = self.editor.textCursor()
        block = cursor.block()
        new = PARAGRAPH if block.userState() == HEADING else HEADING
        self._loading = True
        block.setUserState(new)
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Bold if new == HEADING else QFont.Weight.Normal)
        cursor.mergeCharFormat(fmt)
        self._loading = False
        self.commit()

    def _insert_blocks_after_cursor(self, blocks) -> None:
        current = self.blocks()
        index = self._current_block_index()
        merged = current[: index + 1] + list(blocks) + current[index + 1:]
        self.controller.set_blocks(self.section_id, merged, description="插入内容", merge=False)

    def _current_block_index(self) -> int:
        target = self.editor.textCursor().block().blockNumber()
        index = -1
        block = self.editor.document().firstBlock()
        while block.isValid() and block.blockNumber() <= target:
            if block.userState() == FIGURE or block.text().strip():
                index += 1
            block = block.next()
        return index

    def _pick_picture(self, title: str) -> tuple[str, str] | None:
        """Ask for a picture file and encode it; a refused picture is explained, never raised."""
        path = dialogs.ask_image_path(self)
        if not path:
            return None
        try:
            return encode_image(path)
        except ValueError as exc:
            dialogs.show_error(self, title, str(exc))
            return None

    def insert_picture(self) -> None:
        picked = self._pick_picture("插入图片")
        if picked is None:
            return
        data, mime = picked
        self.commit()
        self._insert_blocks_after_cursor([Figure(caption="（请填写图片说明）", image=data, mime=mime)])

    def replace_picture(self) -> None:
        index = self._current_block_index()
        blocks = self.blocks()
        if not (0 <= index < len(blocks)) or blocks[index].type != "figure":
            return
        picked = self._pick_picture("更换图片")
        if picked is None:
            return
        data, mime = picked
        blocks[index] = Figure(caption=blocks[index].caption, image=data, mime=mime)
        self.controller.set_blocks(self.section_id, blocks, description="更换图片", merge=False)

    def remove_picture(self) -> None:
        index = self._current_block_index()
        blocks = self.blocks()
        if 0 <= index < len(blocks) and blocks[index].type == "figure":
            del blocks[index]
            self.controller.set_blocks(self.section_id, blocks, description="删除图片", merge=False)

    def _insert_outline_item(self, item) -> None:
        self.commit()
        self._insert_blocks_after_cursor([Heading(text=item.text())])

    def insert_outline(self) -> None:
        """Insert the format's sub-heads that the section does not have yet, in order, at the end."""
        self.commit()
        present = {b.text for b in self.blocks() if b.type == "heading"}
        missing = [self.outline.item(i).text() for i in range(self.outline.count())
                   if self.outline.item(i).text() not in present]
        if missing:
            blocks = self.blocks() + [Heading(text=t) for t in missing]
            self.controller.set_blocks(self.section_id, blocks, description="插入提纲", merge=False)

    def show_suggestions(self) -> None:
        module = _suggestions_module()
        if module is None:
            return
        suggestions = module.suggestions(self.controller.state, self.section_id)
        menu = QMenu(self)
        if not suggestions:
            menu.addAction("（本部分没有可生成的标准表述）").setEnabled(False)
        for s in suggestions:
            menu.addAction(s.title, lambda s=s: self.insert_suggestion(s.text))
        menu.exec(self.suggest_button.mapToGlobal(self.suggest_button.rect().bottomLeft()))

    def insert_suggestion(self, text: str) -> None:
        self.commit()
        self._insert_blocks_after_cursor([Paragraph(text=text)])


def _suggestions_module():
    try:
        from model.narrative import suggest
    except ImportError:
        return None
    return suggest

