"""查找和替换 (Ctrl+F / Ctrl+H) across every text section of the report, in the order of the steps.

Matches are looked up in the text pages' editors, so that the one found is shown selected where it stands;
替换全部 changes the report itself, section by section, as one undo step."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (QCheckBox, QDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton)

from gui.narrative_page import NarrativePage
from model.draft import Figure


@dataclass(frozen=True)
class Match:
    step: str  # the step (text section) holding the match
    start: int  # position in that page's editor document
    end: int


def replaced_blocks(blocks: list, find: str, replacement: str) -> tuple[list, int]:
    """The section's blocks with every `find` replaced in their text and picture captions, and how many."""
    out, count = [], 0
    for block in blocks:
        field = "caption" if isinstance(block, Figure) else "text"
        text = getattr(block, field)
        n = text.count(find)
        if n:
            block = block.model_copy(update={field: text.replace(find, replacement)})
            count += n
        out.append(block)
    return out, count


class FindReplaceDialog(QDialog):
    """A window beside the report: find what, replace with, 上一个 / 下一个, how many, 替换 and 全部替换."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("查找和替换")
        self.setModal(False)
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("要查找的文字")
        self.replace_edit = QLineEdit()
        self.replace_edit.setPlaceholderText("替换为（可为空）")
        self.replace_label = QLabel("替换为(&P)：")
        self.replace_label.setBuddy(self.replace_edit)
        find_label = QLabel("查找(&N)：")
        find_label.setBuddy(self.find_edit)
        self.count_label = QLabel("")
        self.previous_button = QPushButton("上一个(&B)")
        self.next_button = QPushButton("下一个(&F)")
        self.replace_button = QPushButton("替换(&R)")
        self.replace_all_button = QPushButton("全部替换(&A)")
        self.previous_button.setToolTip("查找上一处（Shift+F3 或 Shift+Enter）")
        self.next_button.setToolTip("查找下一处（F3 或 Enter）")
        self.replace_button.setToolTip("把选中的这一处替换后找下一处")
        self.replace_all_button.setToolTip("替换所有文字部分中的每一处，可一次撤销")
        self.whole_report = QCheckBox("在所有文字部分中查找")
        self.whole_report.setChecked(True)
        self.whole_report.setEnabled(False)  # the only scope there is; said so the user knows
        self.previous_button.clicked.connect(lambda: self.find(backwards=True))
        self.next_button.clicked.connect(lambda: self.find())
        self.replace_button.clicked.connect(self.replace_one)
        self.replace_all_button.clicked.connect(self.replace_all)
        self.find_edit.textChanged.connect(self._update_count)
        self.find_edit.returnPressed.connect(lambda: self.find())
        self.replace_edit.returnPressed.connect(self.replace_one)
        QShortcut(QKeySequence("F3"), self, activated=lambda: self.find())
        QShortcut(QKeySequence("Shift+F3"), self, activated=lambda: self.find(backwards=True))
        QShortcut(QKeySequence("Shift+Return"), self, activated=lambda: self.find(backwards=True))

        grid = QGridLayout(self)
        grid.addWidget(find_label, 0, 0)
        grid.addWidget(self.find_edit, 0, 1)
        grid.addWidget(self.replace_label, 1, 0)
        grid.addWidget(self.replace_edit, 1, 1)
        buttons = QHBoxLayout()
        for button in (self.previous_button, self.next_button, self.replace_button, self.replace_all_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        grid.addLayout(buttons, 2, 0, 1, 2)
        grid.addWidget(self.count_label, 3, 0, 1, 2)
        grid.addWidget(self.whole_report, 4, 0, 1, 2)
        self.current: Match | None = None
        self.setMinimumWidth(460)

    # -- opening -------------------------------------------------------------------------------------
    def open_find(self, replace: bool = False) -> None:
        """Ctrl+F shows 查找 only, Ctrl+H also 替换; text selected in an editor becomes what is looked for."""
        for widget in (self.replace_label, self.replace_edit, self.replace_button, self.replace_all_button):
            widget.setVisible(replace)
        self.setWindowTitle("查找和替换" if replace else "查找")
        selected = self._selected_text()
        if selected:
            self.find_edit.setText(selected)
        self.show()
        self.raise_()
        self.activateWindow()
        self.find_edit.setFocus()
        self.find_edit.selectAll()
        self._update_count()

    def _selected_text(self) -> str:
        page = self._current_page()
        if page is None:
            return ""
        text = page.editor.textCursor().selectedText()
        return text if text and "\u2029" not in text and len(text) <= 100 else ""

    # -- where the text is ---------------------------------------------------------------------------
    def _pages(self) -> list[tuple[str, NarrativePage]]:
        """Each text editor with the step that shows it (the preamble's editor sits on 基本信息)."""
        # only the steps that hold text are asked for their page: asking builds it, and the tables, 审核 and
        # 导出与打印 have nothing to search
        with_text = {"meta"} | {s.id for s in self.window_.controller.state.spec.sections if s.kind != "table"}
        out = []
        for step in self.window_.step_ids:
            if step not in with_text:
                continue
            page = self._page_for(step)
            if page is not None:
                out.append((step, page))
        return out

    def _page_for(self, step: str) -> NarrativePage | None:
        page = self.window_.pages.get(step)
        if page is None or isinstance(page, NarrativePage):
            return page
        return page.findChild(NarrativePage)

    def _current_page(self) -> NarrativePage | None:
        return self._page_for(self.window_.current_step())

    def matches(self) -> list[Match]:
        needle = self.find_edit.text()
        found: list[Match] = []
        if not needle:
            return found
        for step, page in self._pages():
            doc = page.editor.document()
            cursor = QTextCursor(doc)
            while True:
                cursor = doc.find(needle, cursor, QTextDocument.FindFlag.FindCaseSensitively)
                if cursor.isNull():
                    break
                found.append(Match(step, cursor.selectionStart(), cursor.selectionEnd()))
        return found

    def _update_count(self) -> None:
        if not self.find_edit.text():
            self.count_label.setText("")
            return
        found = self.matches()
        if not found:
            self.count_label.setText(f"在所有文字部分中没有找到“{self.find_edit.text()}”。")
        elif self.current in found:
            self.count_label.setText(f"第 {found.index(self.current) + 1} 处，共 {len(found)} 处。")
        else:
            self.count_label.setText(f"共找到 {len(found)} 处。")

    # -- finding -------------------------------------------------------------------------------------
    def _here(self) -> tuple[int, int]:
        """Where the search starts: the step shown and its cursor (the end of a selection, going forward)."""
        steps = self.window_.step_ids
        page = self._current_page()
        step = self.window_.current_step()
        if page is None:
            return steps.index(step) if step in steps else 0, -1
        cursor = page.editor.textCursor()
        return steps.index(step), cursor.selectionStart()

    def find(self, backwards: bool = False) -> Match | None:
        """Select the next (or previous) match after the cursor, going on into the next text sections and
        round to the first; the count says which one it is."""
        found = self.matches()
        if not found:
            self._update_count()
            return None
        steps = self.window_.step_ids
        here = self._here()
        if self.current in found:
            here = (steps.index(self.current.step), self.current.start)
        order = [(steps.index(m.step), m.start) for m in found]
        if backwards:
            earlier = [i for i, key in enumerate(order) if key < here]
            target = found[earlier[-1] if earlier else -1]
        else:
            later = [i for i, key in enumerate(order) if key > here or (self.current is None and key == here)]
            target = found[later[0] if later else 0]
        self._select(target)
        self._update_count()
        return target

    def _select(self, match: Match) -> None:
        window = self.window_
        window.go_to(match.step)
        editor = self._page_for(match.step).editor
        cursor = QTextCursor(editor.document())
        cursor.setPosition(match.start)
        cursor.setPosition(match.end, QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()
        self.current = match

    # -- replacing -----------------------------------------------------------------------------------
    def replace_one(self) -> None:
        """Replace the match that is selected (found with 下一个) and go on to the next one."""
        needle = self.find_edit.text()
        match = self.current
        if not needle or match is None or match not in self.matches():
            self.find()
            return
        page = self._page_for(match.step)
        page.end_typing_run()
        cursor = QTextCursor(page.editor.document())
        cursor.setPosition(match.start)
        cursor.setPosition(match.end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(self.replace_edit.text())
        page.commit(f"替换“{needle}”", merge=False)
        page.end_typing_run()
        self.current = Match(match.step, match.start, match.start + len(self.replace_edit.text()))
        self.find()

    def replace_all(self) -> int:
        """Every match in every text section replaced, as one step that 撤销 takes back whole."""
        needle, replacement = self.find_edit.text(), self.replace_edit.text()
        if not needle:
            return 0
        controller = self.window_.controller
        controller.commit_pending_edits()
        state = controller.state
        changed: list[tuple[str, list]] = []
        total = 0
        for step, page in self._pages():
            blocks, n = replaced_blocks(state.blocks(page.section_id), needle, replacement)
            if n:
                changed.append((page.section_id, blocks))
                total += n
        if changed:
            stack = controller.undo_stack
            stack.beginMacro(f"全部替换“{needle}”为“{replacement}”")
            try:
                for section_id, blocks in changed:
                    controller.set_blocks(section_id, blocks, description="全部替换", merge=False)
            finally:
                stack.endMacro()
            controller.end_typing_run()
        self.current = None
        self.count_label.setText(f"已在 {len(changed)} 个文字部分中替换 {total} 处，可用“撤销”一次全部恢复。"
                                 if total else f"在所有文字部分中没有找到“{needle}”。")
        return total


def install(window) -> FindReplaceDialog:
    """The dialog belonging to a main window, made on first use."""
    dialog = getattr(window, "_find_replace", None)
    if dialog is None:
        dialog = window._find_replace = FindReplaceDialog(window)
    return dialog

