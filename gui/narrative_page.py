"""A page for a text section (一、五、六, and the opening paragraph on the 基本信息 page).

The editor is one rich-text field, because that is what a Word user expects: each line (QTextBlock) is one
block of the report — a paragraph, a sub-head （一）… (shown bold, set with 设为小标题), or a picture with its
caption. The block kind travels with the text block itself, and after every edit the editor makes each line's
kind follow what the line shows, so that what is on screen is always what is saved.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, QTimer, Qt, QUrl, Signal
from PySide6.QtGui import (QColor, QFont, QImage, QImageReader, QInputMethodEvent, QKeySequence, QTextBlockUserData,
                           QTextCharFormat, QTextCursor, QTextDocument, QTextImageFormat)
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMenu, QPushButton, QSplitter,
                               QTextEdit, QToolTip, QVBoxLayout, QWidget)

from gui import dialogs
from gui.controller import ReportController
from model.checks import SEVERITY_WORDS
from model.draft import Figure, Heading, Paragraph
from model.placeholders import placeholder
from model.text_clean import clean_text

PARAGRAPH, HEADING, FIGURE = 0, 1, 2
OBJECT = "\ufffc"
NO_IMAGE_MARK = "（图）"  # shown before the caption of a picture whose image file is missing
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_WIDTH = 1600
SHOWN_IMAGE_WIDTH = 360  # how wide the editor shows a picture (device-independent pixels)
CAPTION_COLOUR = QColor("#555555")


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


def picture_thumbnail(image_b64: str, width: int) -> tuple[QImage, QSize]:
    """A picture decoded at the size the editor shows it (at most `width` pixels wide), never at full size (a
    phone photo decodes in a fraction of the time and memory), with the picture's own size. A picture that
    cannot be read is a grey box."""
    data = QByteArray(base64.b64decode(image_b64))
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and size.width() > width:
        reader.setScaledSize(QSize(width, max(1, round(size.height() * width / size.width()))))
    image = reader.read()
    if image.isNull():  # kept in the draft as it is; shown by its size, never dropped
        image = QImage(160, 90, QImage.Format.Format_RGB32)
        image.fill(QColor("#dddddd"))
        size = image.size()
    elif not size.isValid():
        size = image.size()
    return image, size


# How much of a picture's base64 text is decoded to read its size: PNG says it in its first bytes, JPEG after its
# APP segments (an Exif block with its thumbnail is at most 64 KB); a picture whose size is further is decoded whole.
_HEADER_B64 = 128 * 1024


def picture_header_size(image_b64: str) -> QSize:
    """The picture's own size as picture_thumbnail reports it, read from the start of its data without decoding
    the picture; an invalid size when it cannot be read so."""
    data = QByteArray(base64.b64decode(image_b64[:_HEADER_B64]))
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return QImageReader(buffer).size()


def image_names(block) -> list[tuple[int, str]]:
    """(document position, resource name) of each picture shown in a text block."""
    out = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        fmt = fragment.charFormat()
        if fmt.isImageFormat():
            name = fmt.toImageFormat().name()
            out += [(fragment.position() + i, name) for i in range(fragment.length())]
        it += 1
    return out


def kind_format(kind: int) -> QTextCharFormat:
    """How the text of a block of this kind looks: sub-heads bold, captions grey italic, paragraphs plain."""
    fmt = QTextCharFormat()
    fmt.setFontWeight(QFont.Weight.Bold if kind == HEADING else QFont.Weight.Normal)
    fmt.setFontItalic(kind == FIGURE)
    if kind == FIGURE:
        fmt.setForeground(CAPTION_COLOUR)
    return fmt


def _looks_like(fmt: QTextCharFormat, kind: int) -> bool:
    return ((fmt.fontWeight() >= QFont.Weight.Bold) == (kind == HEADING) and fmt.fontItalic() == (kind == FIGURE))


class BlockEditor(QTextEdit):
    """The rich-text editor; shows narrative issues as wavy underlines with a tooltip.

    What it shows is always what blocks() saves: a picture line is atomic (Backspace/Delete next to it selects
    it instead of merging text into it), deleting a picture is an edit of its own, and after every edit
    repair() makes each line's kind follow its content (a line that holds a picture is a picture, a line whose
    picture was deleted with a selection is text). Pasted and input-method text is cleaned (model.text_clean).
    """

    separateEditStarting = Signal()  # an edit that must be an undo step of its own is about to change the text
    separateEditDone = Signal(str)  # … and has changed it: the description of the undo step
    pictureRemovalRequested = Signal()  # Delete/Backspace on a selected picture line
    noted = Signal(str)  # something the user should know about what just happened (Chinese)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)  # a report has no tab characters; Tab moves on, for keyboard-only work
        self.setUndoRedoEnabled(False)  # the controller's undo stack owns history, across all pages
        self.setMouseTracking(True)
        font = QFont()
        font.setPointSize(12)
        self.setFont(font)
        self.issue_ranges: list[tuple[int, int, str]] = []  # document positions and tooltip
        self.pictures: dict[str, tuple[str, str | None]] = {}  # image resource name → (base64, mime)
        # decodes a picture (base64) as shown; pictures are decoded when first painted, see loadResource
        self.picture_loader: Callable[[str], QImage] | None = None
        self.loading = False
        self._repairing = False
        self._needs_repair = False
        # where the text changed since the last repair (document positions); None: anywhere (repair every line)
        self._dirty: tuple[int, int] | None = None
        self.document().contentsChange.connect(self._contents_change)

    # -- what is shown ---------------------------------------------------------------------------------

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 — Qt's virtual
        """A picture of the text is decoded when it is first painted, not when its section is loaded: a section
        with 40 photos took 0.3 s to load, nearly all of it decoding pictures most of which were not on screen.
        The document keeps what this returns, until it is cleared."""
        found = self.pictures.get(name.toString())
        if kind == QTextDocument.ResourceType.ImageResource.value and found is not None and self.picture_loader:
            return self.picture_loader(found[0])
        return super().loadResource(kind, name)

    def shown_pictures(self) -> list[str]:
        """The base64 image of every picture the editor shows, in order."""
        out = []
        block = self.document().firstBlock()
        while block.isValid():
            out += [self.pictures.get(name, (None, None))[0] for _pos, name in image_names(block)]
            block = block.next()
        return out

    @property
    def repairing(self) -> bool:
        return self._repairing

    def _contents_change(self, pos: int, _removed: int, added: int) -> None:
        if not self.loading and not self._repairing:
            # one change since the last repair is repaired where it happened (a key touches one or two lines,
            # and a long section must not be walked on every key); several at once, everywhere
            self._dirty = (pos, pos + added) if not self._needs_repair else None
            self._needs_repair = True
            # edits that bypass the key and paste handlers (context menu, drop) are tidied right after
            QTimer.singleShot(0, self, self.repair)

    def repair(self) -> None:
        """Make every line's kind follow what it shows; runs after each edit, on the lines it touched."""
        if not self._needs_repair or self._repairing or self.loading:
            return
        self._repairing = True
        try:
            doc = self.document()
            if self._dirty is None:
                first, end = doc.firstBlock(), doc.characterCount()
            else:
                first = doc.findBlock(self._dirty[0])
                first = first.previous() if first.previous().isValid() else first  # a merge ends the line above
                end = self._dirty[1]
            start = first.position()
            end += self._split_before_pictures(first, end)
            block = doc.findBlock(start)
            while block.isValid() and block.position() <= end:
                self._settle_kind(block)
                block = block.next()
            if block.isValid():  # the line after: a removed line end may have joined it to the changed one
                self._settle_kind(block)
            if not self.textCursor().hasSelection():  # (with a selection Qt would restyle the selected text)
                self.setCurrentCharFormat(kind_format(self.textCursor().block().userState()))
        finally:
            self._needs_repair = False
            self._dirty = None
            self._repairing = False

    def _split_before_pictures(self, block, end: int) -> int:
        """A picture always begins its own line: text typed or merged in front of it becomes a line above.
        Looks at the lines from `block` to document position `end`; returns how many lines it added."""
        added = 0
        while block.isValid() and block.position() <= end + added:
            for pos, _name in image_names(block):
                if pos > block.position():
                    typing_here = self.textCursor().position() == pos and not self.textCursor().hasSelection()
                    cursor = QTextCursor(block)
                    cursor.setPosition(pos)
                    cursor.insertBlock()
                    added += 1
                    if typing_here:  # go on typing on the new line, not in front of the picture again
                        cursor.setPosition(pos)
                        self.setTextCursor(cursor)
                    break
            block = block.next()
        return added

    def _settle_kind(self, block) -> None:
        pictures = image_names(block)
        state = block.userState()
        if pictures:
            image, mime = self.pictures.get(pictures[0][1], (None, None))
            data = block.userData()
            if state != FIGURE or getattr(data, "image", None) != image:
                block.setUserState(FIGURE)
                block.setUserData(FigureData(image, mime))
            return
        if state == FIGURE:
            data = block.userData()
            if data is not None and data.image is None and block.text().startswith(NO_IMAGE_MARK):
                return  # a caption whose image file is missing (an import): still a picture
            state = PARAGRAPH  # its picture was deleted with a selection: what is left is text
            block.setUserData(None)
        elif state not in (PARAGRAPH, HEADING):
            state = PARAGRAPH  # a new line (Enter, paste)
        block.setUserState(state)
        self._restyle(block, state)

    def _restyle(self, block, kind: int) -> None:
        """Text merged from a line of another kind takes the look of the line it now belongs to."""
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if not _looks_like(fragment.charFormat(), kind):
                cursor = QTextCursor(block)
                cursor.setPosition(block.position())
                cursor.setPosition(block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(kind_format(kind))
                return
            it += 1

    # -- keys ----------------------------------------------------------------------------------------
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

    def keyPressEvent(self, event):  # noqa: N802
        if self.isReadOnly():
            return super().keyPressEvent(event)
        key = event.key()
        cursor = self.textCursor()
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            if cursor.hasSelection():
                if self.selected_figure_line() is not None:
                    self.pictureRemovalRequested.emit()
                    return
                if self._selection_holds_picture(cursor):
                    return self._separately(lambda: super(BlockEditor, self).keyPressEvent(event), "删除图片")
            elif self._picture_boundary(cursor, backwards=key == Qt.Key.Key_Backspace):
                return
            elif self._text_boundary(cursor, backwards=key == Qt.Key.Key_Backspace):
                return self._merge_keeping_first_kind(event)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if cursor.block().userState() == FIGURE and not cursor.atBlockStart():
                # Enter on a picture line opens a new paragraph below; the caption is never split
                cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
                cursor.insertBlock()
                self.setTextCursor(cursor)
                self._after_edit()
                return
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                # a soft line break (Shift+Enter) is a line break here, as in pasted text: each line is a block
                self.textCursor().insertBlock()
                self._after_edit()
                return
        elif event.text() and event.text().isprintable() and self._selection_holds_picture(cursor):
            return self._separately(lambda: super(BlockEditor, self).keyPressEvent(event), "删除图片")
        super().keyPressEvent(event)
        self._after_edit()

    def _after_edit(self) -> None:
        self._needs_repair = True
        self.repair()

    def _separately(self, edit, description: str) -> None:
        self.separateEditStarting.emit()
        edit()
        self._after_edit()
        self.separateEditDone.emit(description)

    def _selection_holds_picture(self, cursor: QTextCursor) -> bool:
        """Whether replacing the selection deletes a picture or joins a picture line with another line."""
        if not cursor.hasSelection():
            return False
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        doc = self.document()
        first, last = doc.findBlock(start).blockNumber(), doc.findBlock(end).blockNumber()
        block = doc.findBlock(start)
        while block.isValid() and block.blockNumber() <= last:
            if any(start <= pos < end for pos, _name in image_names(block)):
                return True
            if first != last and block.userState() == FIGURE:
                return True
            block = block.next()
        return False

    def selected_figure_line(self):
        """The picture line the selection covers exactly (as Backspace/Delete next to a picture selects it)."""
        cursor = self.textCursor()
        block = self.document().findBlock(cursor.selectionStart())
        if (cursor.hasSelection() and block.userState() == FIGURE and cursor.selectionStart() == block.position()
                and cursor.selectionEnd() == block.position() + block.length() - 1):
            return block
        return None

    def select_line(self, block) -> None:
        cursor = QTextCursor(block)
        cursor.setPosition(block.position())
        cursor.setPosition(block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def _picture_boundary(self, cursor: QTextCursor, *, backwards: bool) -> bool:
        """Backspace/Delete where it would merge a picture line with its neighbour: an empty neighbour line is
        removed, anything else selects the picture (a second press deletes it). True when handled."""
        block = cursor.block()
        if backwards and cursor.atBlockStart():
            before = block.previous()
            if block.userState() == FIGURE:
                if before.isValid() and before.userState() != FIGURE and not before.text():
                    self._remove_line(before)
                else:
                    self._offer_picture(block)
                return True
            if before.isValid() and before.userState() == FIGURE:
                if not block.text():
                    self._remove_line(block, cursor_to=before)
                else:
                    self._offer_picture(before)
                return True
        if not backwards and cursor.atBlockEnd():
            after = block.next()
            if block.userState() == FIGURE and after.isValid():
                if after.userState() != FIGURE and not after.text():
                    self._remove_line(after, cursor_to=block)
                else:
                    self.noted.emit("图片说明不会与下一行合并；要删除图片，请选中图片后按 Delete，或点“删除图片”。")
                return True
            if after.isValid() and after.userState() == FIGURE:
                if not block.text():
                    self._remove_line(block)
                else:
                    self._offer_picture(after)
                return True
        return False

    def _offer_picture(self, block) -> None:
        self.select_line(block)
        self.noted.emit("已选中图片；再按 Delete 或 Backspace 删除这张图片（可用 Ctrl+Z 撤销）。")

    def _remove_line(self, block, cursor_to=None) -> None:
        """Remove an empty line, leaving every other line and its kind as it was."""
        after = block.next()
        cursor = QTextCursor(block)
        if after.isValid():
            cursor.setPosition(block.position())
            cursor.setPosition(after.position(), QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()  # the line's own end: the next line keeps its kind
        else:
            before = block.previous()
            state, data = before.userState(), before.userData()
            kept = (data.image, data.mime) if isinstance(data, FigureData) else None
            cursor.setPosition(before.position() + before.length() - 1)
            cursor.setPosition(block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor)
            cursor.removeSelectedText()
            merged = cursor.block()
            merged.setUserState(state)
            merged.setUserData(FigureData(*kept) if kept else None)
        if cursor_to is not None and cursor_to.isValid():
            cursor.setPosition(cursor_to.position() + cursor_to.length() - 1)
        self.setTextCursor(cursor)
        self._after_edit()

    def _text_boundary(self, cursor: QTextCursor, *, backwards: bool) -> bool:
        block = cursor.block()
        if backwards:
            return cursor.atBlockStart() and block.previous().isValid()
        return cursor.atBlockEnd() and block.next().isValid()

    def _merge_keeping_first_kind(self, event) -> None:
        """Joining two text lines keeps the first line's kind (Qt would keep the second's), unless the first is
        empty."""
        block = self.textCursor().block()
        first = block.previous() if event.key() == Qt.Key.Key_Backspace else block
        second = first.next()
        source = first if first.text() else second  # deleting an empty line keeps the other line as it was
        kind = source.userState() if source.userState() in (PARAGRAPH, HEADING) else PARAGRAPH
        super().keyPressEvent(event)
        merged = self.textCursor().block()
        merged.setUserState(kind)
        self._restyle(merged, kind)
        self._after_edit()

    # -- paste and input methods ----------------------------------------------------------------------
    def canInsertFromMimeData(self, source) -> bool:  # noqa: N802
        return source.hasText()

    def insertFromMimeData(self, source) -> None:  # noqa: N802
        if not source.hasText():
            return
        text, notes = clean_pasted_text(source.text())
        self._separately(lambda: self.textCursor().insertText(text), "粘贴")
        if notes:
            self.noted.emit("粘贴的文字已整理：" + "；".join(notes) + "。")

    def inputMethodEvent(self, event):  # noqa: N802
        commit = event.commitString()
        if commit:
            text, notes = clean_pasted_text(commit)
            if text != commit:
                cleaned = QInputMethodEvent(event.preeditString(), event.attributes())
                cleaned.setCommitString(text, event.replacementStart(), event.replacementLength())
                event = cleaned
                self.noted.emit("输入的文字已整理：" + "；".join(notes) + "。")
        super().inputMethodEvent(event)
        if commit:
            self._after_edit()

    def contextMenuEvent(self, event):  # noqa: N802
        # cut, paste and delete from the menu are each an undo step of their own
        self.separateEditStarting.emit()
        before = self.toPlainText()
        super().contextMenuEvent(event)
        self._after_edit()
        if self.toPlainText() != before:
            self.separateEditDone.emit("编辑文字")

    def dropEvent(self, event):  # noqa: N802
        self._separately(lambda: super(BlockEditor, self).dropEvent(event), "拖放文字")


def clean_pasted_text(text: str) -> tuple[str, list[str]]:
    """Text from outside made safe (model.text_clean), without the object mark that stands for a picture."""
    text, notes = clean_text(text)
    objects = text.count(OBJECT)
    if objects:
        text = text.replace(OBJECT, "")
        notes.append(f"删除了 {objects} 个对象占位符（U+FFFC）")
    return text, notes



class NarrativePage(QWidget):
    """One text section. Typing reaches the report 0.4 s after the last key; one burst of typing is one undo
    step: a pause of PAUSE_MS, a move of the cursor elsewhere, any other kind of edit and leaving the page end
    it."""

    COMMIT_MS = 400
    PAUSE_MS = 1000

    def __init__(self, controller: ReportController, section_id: str, parent=None, *, compact: bool = False):
        super().__init__(parent)
        self.controller = controller
        self.section_id = section_id
        self._loading = False
        self._committing = False
        self._figure_counter = 0
        self._thumbnails: dict[str, tuple[QImage, QSize]] = {}  # picture (base64) → as shown, with its own size
        self._sizes: dict[str, QSize] = {}  # picture (base64) → its own size, read from its header
        self._issues_stale = False  # issues changed while the page was hidden: shown when it is next shown
        self._shown_issues: list | None = None  # the issues listed and underlined (None: the text was reloaded)
        self._typed_to: int | None = None  # where the cursor stands after the last edit typed
        self.editor = BlockEditor(self)
        self.editor.picture_loader = lambda image_b64: self._thumbnail(image_b64)[0]
        self.editor.document().contentsChanged.connect(self._schedule_commit)
        self.editor.document().contentsChange.connect(self._contents_change)
        self.editor.cursorPositionChanged.connect(self._update_buttons)
        self.editor.cursorPositionChanged.connect(self._cursor_moved)
        self.editor.separateEditStarting.connect(self.end_typing_run)
        self.editor.separateEditDone.connect(self._commit_separate_edit)
        self.editor.pictureRemovalRequested.connect(self.remove_picture)
        self.editor.noted.connect(self.show_note)
        self._commit_timer = QTimer(self)
        self._commit_timer.setSingleShot(True)
        self._commit_timer.setInterval(self.COMMIT_MS)
        self._commit_timer.timeout.connect(self.commit)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(0)
        self._count_timer.timeout.connect(self._update_count)
        self._pause_timer = QTimer(self)
        self._pause_timer.setSingleShot(True)
        self._pause_timer.setInterval(self.PAUSE_MS)
        self._pause_timer.timeout.connect(self.end_typing_run)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a5a00;")
        self.note.hide()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(12000)
        self._note_timer.timeout.connect(self.note.hide)

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
        center_layout.addWidget(self.note)
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
        controller.listen(self, changed=self._on_changed, documentChanged=self.reload,
                          commitRequested=self.end_typing_run)
        chain = self.tab_chain()
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self.reload()

    def tab_chain(self) -> list[QWidget]:
        """The page's widgets in the order Tab visits them: as they are read, the buttons above the text, the
        text, the issues under it, then the guidance's outline beside it."""
        return [self.heading_button, self.picture_button, self.replace_button, self.remove_button,
                self.suggest_button, self.editor, self.issue_list, self.outline, self.outline_button]

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

    def _load_blocks(self, blocks, *, show_change: bool = False) -> None:
        """Show the section's blocks; with show_change (undo, redo) the cursor goes to the place that changed."""
        self._loading = self.editor.loading = True
        try:
            doc = self.editor.document()
            cursor_pos = self.editor.textCursor().position()
            before = doc.toPlainText()
            doc.clear()
            self._shown_issues = None  # the underlines went with the old text
            self.editor.pictures.clear()
            cursor = QTextCursor(doc)
            for i, block in enumerate(blocks):
                if i > 0:
                    cursor.insertBlock()
                self._write_block(cursor, block)
            shown = {block.image for block in blocks if getattr(block, "image", None)}
            self._thumbnails = {k: v for k, v in self._thumbnails.items() if k in shown}
            self._sizes = {k: v for k, v in self._sizes.items() if k in shown}
            if show_change:
                cursor_pos = _changed_place(before, doc.toPlainText())
            cursor.setPosition(min(cursor_pos, max(0, doc.characterCount() - 1)))
            self.editor.setTextCursor(cursor)
            self.editor.setCurrentCharFormat(kind_format(cursor.block().userState()))
            self._typed_to = None
            self._update_count()
        finally:
            self._loading = self.editor.loading = False

    def _write_block(self, cursor: QTextCursor, block) -> None:
        kind = {"heading": HEADING, "figure": FIGURE}.get(block.type, PARAGRAPH)
        fmt = kind_format(kind)
        cursor.block().setUserState(kind)
        cursor.setCharFormat(fmt)
        if kind != FIGURE:
            cursor.insertText(block.text, fmt)
            return
        cursor.block().setUserData(FigureData(block.image, block.mime))
        shown = False
        if block.image:
            self._figure_counter += 1
            name = f"figure-{self._figure_counter}"
            size = self._picture_size(block.image)  # the picture itself is decoded when painted (loadResource)
            self.editor.pictures[name] = (block.image, block.mime)
            img = QTextImageFormat()
            img.setName(name)
            width = min(SHOWN_IMAGE_WIDTH, size.width())
            img.setWidth(width)
            img.setHeight(size.height() * width / max(1, size.width()))
            cursor.insertImage(img)
            shown = True
        cursor.insertText((" " if shown else NO_IMAGE_MARK) + block.caption, fmt)

    def _picture_size(self, image_b64: str) -> QSize:
        """The picture's own size, which places it in the text: from its header, or from decoding it where the
        header does not tell (then it is decoded as picture_thumbnail decodes it, grey box included)."""
        size = self._sizes.get(image_b64)
        if size is None:
            size = self._thumbnails[image_b64][1] if image_b64 in self._thumbnails else picture_header_size(image_b64)
            if not size.isValid():
                size = self._thumbnail(image_b64)[1]
            self._sizes[image_b64] = size
        return size

    def _thumbnail(self, image_b64: str) -> tuple[QImage, QSize]:
        """The picture as shown, decoded once: reloading the section (undo, redo, a picture inserted) reuses it.
        Decoded for the screen's pixel ratio, so that it stays sharp at 150 %."""
        found = self._thumbnails.get(image_b64)
        if found is None:
            ratio = max(1.0, self.devicePixelRatioF())
            found = picture_thumbnail(image_b64, int(SHOWN_IMAGE_WIDTH * ratio))
            self._thumbnails[image_b64] = found
        return found

    def blocks(self) -> list:
        """The editor's content as report blocks; empty lines are not blocks."""
        self.editor.repair()
        out = []
        block = self.editor.document().firstBlock()
        while block.isValid():
            text = block.text()
            kind = block.userState()
            if kind == FIGURE:
                data = block.userData()
                caption = text.replace(OBJECT, "").strip()
                if caption.startswith(NO_IMAGE_MARK):
                    caption = caption[len(NO_IMAGE_MARK):].strip()
                out.append(Figure(caption=caption, image=getattr(data, "image", None), mime=getattr(data, "mime", None)))
            elif text.strip():
                out.append(Heading(text=text.strip()) if kind == HEADING else Paragraph(text=text.strip()))
            block = block.next()
        return out

    def _schedule_commit(self) -> None:
        if not self._loading:
            self._count_timer.start()  # once the key is handled and the lines are tidied
            self._commit_timer.start()
            self._pause_timer.start()

    def _contents_change(self, pos: int, _removed: int, added: int) -> None:
        if not self._loading and not self.editor.repairing:
            self._typed_to = pos + added

    def _cursor_moved(self) -> None:
        """A cursor moved elsewhere than where the typing left it ends the burst of typing."""
        if self._loading or self._typed_to is None:
            return
        if self.editor.repairing:  # the editor tidied the lines: the typing goes on where the cursor now is
            self._typed_to = self.editor.textCursor().position()
            return
        if self.editor.textCursor().position() != self._typed_to:
            self.end_typing_run()

    def commit(self, description: str = "编辑文字", merge: bool = True) -> None:
        """Hand the text to the controller; typing merges into one undo step until the burst ends."""
        self._commit_timer.stop()
        if self._loading:
            return
        self._committing = True
        try:
            self.controller.set_blocks(self.section_id, self.blocks(), description=description, merge=merge)
        finally:
            self._committing = False

    def end_typing_run(self) -> None:
        """Commit pending typing now; the next typing starts a new undo step."""
        self._pause_timer.stop()
        if self._commit_timer.isActive():
            self.commit()
        self._typed_to = None
        self.controller.end_typing_run()

    def typing_in_progress(self) -> bool:
        """Whether the user is in a burst of typing here (a key less than PAUSE_MS ago): the window's idle work
        waits for the pause instead of taking turns with the keys."""
        return self._pause_timer.isActive() or self._commit_timer.isActive()

    def _commit_separate_edit(self, description: str) -> None:
        self.commit(description, merge=False)
        self.end_typing_run()

    def show_note(self, text: str) -> None:
        """Tell the user what the editor did (a cleaned paste, a selected picture)."""
        self.note.setText(text)
        self.note.show()
        self._note_timer.start()
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 12000)

    def _on_changed(self, changes) -> None:
        if self.section_id in changes.sections and not self._committing:
            self._load_blocks(self.controller.state.blocks(self.section_id), show_change=True)  # undo, redo, import
        if changes.issues or self.section_id in changes.sections:
            if self.isVisible():
                self._refresh_issues()
            else:  # an edit elsewhere does not redraw the issues of every hidden page: this one, when shown
                self._issues_stale = True

    def showEvent(self, event):  # noqa: N802
        if self._issues_stale:
            self._refresh_issues()
        super().showEvent(event)

    def hideEvent(self, event):  # noqa: N802
        self.end_typing_run()
        super().hideEvent(event)

    # -- issues --------------------------------------------------------------------------------------
    def _section_issues(self):
        return [i for i in self.controller.state.issues if i.section == self.section_id]

    def _refresh_issues(self) -> None:
        self._issues_stale = False
        issues = self._section_issues()
        key = [(i.rule, i.severity, i.message, i.anchor) for i in issues]
        if key == self._shown_issues:
            return  # typing that changes no issue redraws neither the list nor the underlines of a long text
        self._shown_issues = key
        self.issue_list.clear()
        for issue in issues:
            word = SEVERITY_WORDS[issue.severity]
            item = QListWidgetItem(f"【{word} {issue.rule}】{issue.message}")
            item.setData(Qt.ItemDataRole.UserRole, issue.anchor)
            self.issue_list.addItem(item)
        if not issues:
            self.issue_list.addItem("本部分没有发现问题。")
        self._underline(issues)

    def _text_block_positions(self) -> list[int]:
        """Document position where the text of each report block starts (in the order blocks() returns them):
        for a picture, where its caption starts."""
        out = []
        block = self.editor.document().firstBlock()
        while block.isValid():
            text = block.text()
            if block.userState() == FIGURE or text.strip():
                mark = 0
                if block.userState() == FIGURE and text.startswith(OBJECT):
                    mark = 1
                elif block.userState() == FIGURE and text.startswith(NO_IMAGE_MARK):
                    mark = len(NO_IMAGE_MARK)
                lead = len(text[mark:]) - len(text[mark:].lstrip())
                out.append(block.position() + mark + lead)
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

    def show_cursor(self) -> None:
        """Put the keyboard in the editor and scroll to the cursor (undo and redo have placed it)."""
        self.editor.setFocus()
        self.editor.ensureCursorVisible()

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
        """字数 as blocks() would count it (texts and captions, stripped), read from the lines directly: this
        runs on every key, and building the report's blocks of a long section would take longer than a key."""
        count = 0
        block = self.editor.document().firstBlock()
        while block.isValid():
            text = block.text()
            if block.userState() == FIGURE:
                text = text.replace(OBJECT, "").strip()
                if text.startswith(NO_IMAGE_MARK):
                    text = text[len(NO_IMAGE_MARK):]
            count += len(text.strip())
            block = block.next()
        self.count.setText(f"字数：{count}")

    def _update_buttons(self) -> None:
        on_figure = self.editor.textCursor().block().userState() == FIGURE
        self.replace_button.setEnabled(on_figure)
        self.remove_button.setEnabled(on_figure)
        self.heading_button.setEnabled(not on_figure)

    def toggle_heading(self) -> None:
        self.end_typing_run()
        cursor = self.editor.textCursor()
        block = cursor.block()
        if block.userState() == FIGURE:
            return
        new = PARAGRAPH if block.userState() == HEADING else HEADING
        self._loading = self.editor.loading = True
        block.setUserState(new)
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.setCharFormat(kind_format(new))
        self._loading = self.editor.loading = False
        self.commit("设为小标题" if new == HEADING else "恢复为正文", merge=False)
        self.end_typing_run()

    def _insert_blocks_after_cursor(self, blocks) -> None:
        self.end_typing_run()
        current = self.blocks()
        index = self._current_block_index()
        merged = current[: index + 1] + list(blocks) + current[index + 1:]
        self.controller.set_blocks(self.section_id, merged, description="插入内容", merge=False)
        self.editor.setFocus()  # the user goes on typing where the button was pressed

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
        self._insert_blocks_after_cursor([Figure(caption=placeholder("figure_caption"), image=data, mime=mime)])

    def replace_picture(self) -> None:
        self.end_typing_run()
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
        """Delete the picture line the cursor is on: an undo step of its own (Ctrl+Z brings it back)."""
        self.end_typing_run()
        index = self._current_block_index()
        blocks = self.blocks()
        if 0 <= index < len(blocks) and blocks[index].type == "figure":
            del blocks[index]
            self.controller.set_blocks(self.section_id, blocks, description="删除图片", merge=False)
            self.show_note("已删除图片（可用 Ctrl+Z 撤销）。")
            self.editor.setFocus()

    def _insert_outline_item(self, item) -> None:
        self._insert_blocks_after_cursor([Heading(text=item.text())])

    def insert_outline(self) -> None:
        """Insert the format's sub-heads that the section does not have yet, in order, at the end."""
        self.end_typing_run()
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
        self._insert_blocks_after_cursor([Paragraph(text=text)])


def _suggestions_module():
    try:
        from model.narrative import suggest
    except ImportError:
        return None
    return suggest



def _changed_place(before: str, after: str) -> int:
    """Where `after` differs from `before`: the end of what was put in, or where text was taken out."""
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return len(after) - end
