"""The main window: a step list on the left (基本信息, 一 … 六, 审核, 导出与打印), the current page on the right."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QListWidget, QListWidgetItem, QMainWindow, QMenu, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from gui import about, dialogs, find_replace
from gui.autosave import Autosaver
from gui.controller import ReportController
from gui.after_paint import AfterNextPaint
from gui.lazy_pages import LazyPages
from gui.menu_keys import give_mnemonics, keyboard_hint
from gui.meta_page import MetaPage
from gui.narrative_page import NarrativePage
from gui.new_report_dialog import NewReportDialog
from gui.recent_files import MAX_RECENT, recent_paths, store_recent_paths
from gui.recovery_dialog import confirm_open_elsewhere, confirm_save_over_open
from gui.step_list import StepDelegate, show_step_state
from gui.user_folders import documents_folder
from model.draft import Draft
from model.drafts_io import DraftError, load_draft, remove_stale_temporary_files
from model.state import ReportState

APP_NAME = "政务公开年报助手"
# Pages not shown yet are built after the window has been idle this long, one every PREBUILD_NEXT_MS
PREBUILD_FIRST_MS = 800
PREBUILD_NEXT_MS = 40
SECURE_AT_LATEST_MS = 200  # a page change secures the work once the page is painted, or after this at the latest
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def step_titles(state: ReportState) -> list[tuple[str, str]]:
    steps = [("meta", "基本信息")]
    steps += [(s.id, s.heading) for s in state.spec.sections]
    steps += [("review", "审核"), ("export", "导出与打印")]
    return steps


class MainWindow(QMainWindow):
    def __init__(self, controller: ReportController):
        super().__init__()
        self.controller = controller
        self.pages = LazyPages([], self._build_page)
        self._prebuild_timer = QTimer(self)
        self._prebuild_timer.setSingleShot(True)
        self._prebuild_timer.timeout.connect(self._prebuild_next)
        self.step_list = QListWidget()
        self.step_list.setFixedWidth(300)
        self.step_list.setItemDelegate(StepDelegate(self.step_list))
        self.step_list.setMouseTracking(True)
        self.step_list.currentRowChanged.connect(self._step_changed)
        self.stack = QStackedWidget()
        self.prev_button = QPushButton("上一步")
        self.next_button = QPushButton("下一步")
        self.prev_button.clicked.connect(lambda: self.go_relative(-1))
        self.next_button.clicked.connect(lambda: self.go_relative(1))
        nav = QHBoxLayout()
        nav.addStretch(1)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.stack, 1)
        right_layout.addLayout(nav)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.step_list)
        layout.addWidget(right, 1)
        self.setCentralWidget(central)
        self._build_actions()
        self.autosaver = Autosaver(controller, self)
        controller.changed.connect(self._on_changed)
        controller.documentChanged.connect(self._rebuild_pages)
        controller.fileStateChanged.connect(self._update_title)
        controller.historyShown.connect(self.show_change)
        self._rebuild_pages()
        self._restore_geometry()

    # -- pages ---------------------------------------------------------------------------------------
    def _rebuild_pages(self) -> None:
        current = self.current_step() if self.pages else "meta"
        # the stack is hidden while its pages go: removing the page on show would show each next one in turn
        # (the export page would render a preview of a report that is about to be replaced)
        self.stack.hide()
        for page in self.pages.built().values():
            # the old page may be the one whose slot is running (a format change from 基本信息), so it is
            # deleted later; cut it off now so that it neither hears the new report nor keeps the old alive
            self.controller.detach(page)
            self.stack.removeWidget(page)
            page.deleteLater()
        state = self.controller.state
        self.step_ids = [sid for sid, _ in step_titles(state)]
        # each page is built the first time it is shown (or asked for): opening a report builds one page
        self.pages = LazyPages(self.step_ids, self._build_page)
        self.step_list.blockSignals(True)
        self.step_list.clear()
        for sid, title in step_titles(state):
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, sid)
            self.step_list.addItem(item)
        self.step_list.blockSignals(False)
        self._refresh_steps()
        self.go_to(current if current in self.pages else "meta")
        self.stack.show()
        self._update_title()
        self._prebuild_timer.start(PREBUILD_FIRST_MS)

    def _prebuild_next(self) -> None:
        """Build the next page not yet built while the window is idle, one at a time, and lay it out off screen
        at the size it will be shown, so that the first visit of a page is a switch, not a wait. 审核 and 导出
        are left to their first visit: the one redraws its list on every edit while it exists, the other
        renders a preview."""
        if not self.isVisible():
            return  # a window closed (or not yet shown) builds nothing in the background
        if self.pages.typing_in_progress():
            self._prebuild_timer.start(PREBUILD_FIRST_MS)  # not between the user's keys: after a pause
            return
        export = self.pages.built().get("export")
        if export is not None and export.building_preview():
            # the user waits for the preview: a page built now would share Python with its thread and take
            # twice as long, holding up the window meanwhile
            self._prebuild_timer.start(PREBUILD_NEXT_MS)
            return
        shown = self.stack.currentWidget()
        geometry = shown.geometry() if shown is not None else self.stack.contentsRect()
        if self.pages.build_unseen(("review", "export"), geometry):
            self._prebuild_timer.start(PREBUILD_NEXT_MS)

    def _build_page(self, sid: str) -> QWidget:
        state = self.controller.state
        if sid == "meta":
            page = MetaPage(self.controller)
        elif sid == "review":
            from gui.review_page import ReviewPage

            page = ReviewPage(self.controller)
            page.jumpRequested.connect(self.jump_to)
        elif sid == "export":
            from gui.export_page import ExportPage  # QtPdf and the PDF writer load when the page is first shown

            page = ExportPage(self.controller)
        elif state.spec.section_by_id[sid].kind == "narrative":
            page = NarrativePage(self.controller, sid)
        else:
            from gui.table_page import TablePage

            page = TablePage(self.controller, sid)
        self.stack.addWidget(page)
        return page

    def current_step(self) -> str:
        row = self.step_list.currentRow()
        return self.step_ids[row] if 0 <= row < len(self.step_ids) else "meta"

    def go_to(self, step: str) -> None:
        if step in self.step_ids:
            self.step_list.setCurrentRow(self.step_ids.index(step))

    def go_relative(self, delta: int) -> None:
        row = self.step_list.currentRow() + delta
        if 0 <= row < self.step_list.count():
            self.step_list.setCurrentRow(row)

    def jump_to(self, step: str, target: str) -> None:
        self.go_to(step)
        page = self.pages.get(step)
        if page is not None and hasattr(page, "focus_target"):
            page.focus_target(target)

    def show_change(self, changes) -> None:
        """After an undo or redo: show the page and the place that changed (text cursor, table cell)."""
        state = self.controller.state
        step, target = None, None
        if changes.sections:
            sid = next((s for s in ["preamble", *self.step_ids] if s in changes.sections), None)
            step = "meta" if sid == "preamble" else sid
        elif changes.cells:
            inputs = [p for p in state.spec.cells if p in changes.cells and not state.is_computed(p)]
            target = (inputs or sorted(changes.cells))[0]
            table = target.split(".")[0]
            step = next((s.id for s in state.spec.sections if getattr(s, "table", None) == table), None)
        elif changes.meta:
            step = "meta"
        if step not in self.step_ids:
            return
        self.go_to(step)
        page = self.pages[step]
        if target is not None:
            page.focus_target(target)
        elif step == "meta" and changes.sections:
            page.preamble.show_cursor()
        elif step == "meta":
            page.focus_target(self.controller.history_place)  # the very field: 机关名称, 联系方式, 公布日期…
        elif hasattr(page, "show_cursor"):
            page.show_cursor()

    def _step_changed(self, row: int) -> None:
        if row < 0 or row >= len(self.step_ids):
            return
        self._commit_editors()  # what was typed on the page being left is kept
        row = self.step_list.currentRow()
        if row < 0 or row >= len(self.step_ids):
            return
        page = self.pages[self.step_ids[row]]
        self.stack.setCurrentWidget(page)
        self.prev_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < len(self.step_ids) - 1)
        # every page change is a natural moment to secure the work: right after the new page is painted, so that
        # taking the snapshot and the writer thread's share of Python do not hold up the page the user asked for
        AfterNextPaint(page, self.autosaver.save_now, SECURE_AT_LATEST_MS)

    def step_state(self, sid: str) -> tuple[str, str]:
        """(text, colour) for a step: 未开始 / 填写中 / 已完成 / N 个错误 / N 个警告."""
        state = self.controller.state
        if sid in ("review", "export"):
            errors, warnings = len(state.errors()), len(state.warnings())
            if sid == "review" and (errors or warnings):
                return f"{errors} 个错误，{warnings} 个警告", "#c0302a" if errors else "#c07000"
            return ("可以导出", "#2a7a2a") if not errors else ("有错误，仅可导出草稿", "#c0302a")
        issues = [i for i in state.issues if (i.section == sid or (sid == "meta" and i.section in ("meta", None, "preamble")))
                  and i.rule not in state.spec.completeness_rules]
        errors = sum(1 for i in issues if i.severity == "error")
        warnings = len(issues) - errors
        if sid == "meta":
            filled = bool(state.meta.agency.strip()) and state.meta.publication_date is not None
            started = bool(state.meta.agency.strip())
        else:
            section = state.spec.section_by_id[sid]
            if section.kind == "narrative":
                filled = started = bool(state.blocks(sid))
            else:
                total = len(state.spec.table_inputs(section.table))
                empty = len(state.unfilled(section.table))
                filled, started = empty == 0, empty < total
        if errors:
            return f"{errors} 个错误", "#c0302a"
        if warnings:
            return f"{warnings} 个警告", "#c07000"
        if filled:
            return "已完成", "#2a7a2a"
        return ("填写中", "#555555") if started else ("未开始", "#999999")

    def _refresh_steps(self) -> None:
        titles = dict(step_titles(self.controller.state))
        for row, sid in enumerate(self.step_ids):
            text, _colour = self.step_state(sid)
            show_step_state(self.step_list.item(row), titles[sid], text)

    def _on_changed(self, changes) -> None:
        if changes.issues or changes.meta or changes.sections or changes.cells:
            self._refresh_steps()

    # -- title, actions ------------------------------------------------------------------------------
    def _update_title(self) -> None:
        name = self.controller.path.name if self.controller.path else "未命名报告"
        if getattr(self, "_is_sample", False):
            # a sample is a template: the title says so, and 保存 asks for a file of the user's own
            name = f"示例：{getattr(self, '_sample_name', '') or '示例报告'}（模板，保存时请另存为自己的文件）"
        # [*] is Qt's modified mark: shown as * (or the platform's own sign) while there are unsaved changes
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self.controller.dirty)

    def _action(self, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self.start_action = self._action("开始页…", self.show_start)
        file_menu.addAction(self.start_action)
        self.new_action = self._action("新建报告…", self.new_report, QKeySequence.StandardKey.New)
        self.open_action = self._action("打开…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.save_action = self._action("保存", self.save, QKeySequence.StandardKey.Save)
        self.save_as_action = self._action("另存为…", self.save_as, QKeySequence("Ctrl+Shift+S"))
        self.print_action = self._action("打印…", self.print_report, QKeySequence.StandardKey.Print)
        self.print_preview_action = self._action("打印预览…", self.print_preview, QKeySequence("Ctrl+Shift+P"))
        file_menu.addActions([self.new_action, self.open_action])
        samples = file_menu.addMenu("打开示例")
        for path in self.sample_paths():
            samples.addAction(path.stem, lambda p=path: self.open_path(str(p), as_sample=True))
        self.recent_menu = file_menu.addMenu("最近打开的文件")
        file_menu.addSeparator()
        file_menu.addAction(self._action("从上年报告开始…", self.start_from_last_year))
        file_menu.addAction(self._action("导入已发布的报告或 Excel…", self.import_report))
        file_menu.addAction(self._action("汇总多个单位…", self.roll_up))
        file_menu.addAction(self._action("核查已发布的报告…", self.audit_reports))
        file_menu.addSeparator()
        file_menu.addActions([self.save_action, self.save_as_action])
        file_menu.addSeparator()
        file_menu.addActions([self.print_preview_action, self.print_action])
        file_menu.addSeparator()
        # Ctrl+Q everywhere: Windows has no standard quit key; closing asks about unsaved changes
        file_menu.addAction(self._action("退出", self.close, QKeySequence("Ctrl+Q")))
        edit_menu = bar.addMenu("编辑(&E)")
        # text still being typed is handed over first, so that undo takes back exactly the last edit
        self.undo_action = self._action("撤销", lambda: (self._commit_editors(), self.controller.undo_stack.undo()),
                                        QKeySequence.StandardKey.Undo)
        self.redo_action = self._action("重做", lambda: (self._commit_editors(), self.controller.undo_stack.redo()))
        redo_keys = [QKeySequence("Ctrl+Y")] + [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
                                                 if k != QKeySequence("Ctrl+Y")]  # a key bound twice fires neither
        self.redo_action.setShortcuts(redo_keys)
        stack = self.controller.undo_stack
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        stack.undoTextChanged.connect(self._undo_text_changed)
        stack.redoTextChanged.connect(self._redo_text_changed)
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self._action("全部空白填 0", self._fill_all_zero))
        edit_menu.addSeparator()
        self.find_action = self._action("查找(&F)…", lambda: find_replace.install(self).open_find(),
                                        QKeySequence.StandardKey.Find)
        self.replace_action = self._action("替换(&H)…", lambda: find_replace.install(self).open_find(replace=True),
                                           QKeySequence("Ctrl+H"))
        edit_menu.addActions([self.find_action, self.replace_action])
        view_menu = bar.addMenu("视图(&V)")
        view_menu.addAction(self._action("上一步", lambda: self.go_relative(-1), QKeySequence("Ctrl+PgUp")))
        view_menu.addAction(self._action("下一步", lambda: self.go_relative(1), QKeySequence("Ctrl+PgDown")))
        view_menu.addAction(self._action("审核", lambda: self.go_to("review")))
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self._action("使用说明", self.show_help, QKeySequence.StandardKey.HelpContents))
        help_menu.addAction(self._action("关于", lambda: about.show_about(self)))
        toolbar = self.addToolBar("常用")
        toolbar.setObjectName("main-toolbar")
        toolbar.addActions([self.start_action, self.new_action, self.open_action, self.save_action, self.undo_action, self.redo_action,
                            self.print_action])
        self._refresh_recent()
        for menu in bar.findChildren(QMenu):
            give_mnemonics(menu)
        for action in toolbar.actions():
            action.setToolTip(keyboard_hint(action))

    def _undo_text_changed(self, text: str) -> None:
        self.undo_action.setText(f"撤销：{text}" if text else "撤销")

    def _redo_text_changed(self, text: str) -> None:
        self.redo_action.setText(f"重做：{text}" if text else "重做")

    def show_help(self) -> None:
        dialogs.show_info(self, "使用说明", about.HELP_TEXT)

    def _fill_all_zero(self) -> None:
        n = self.controller.fill_empty_with_zero(None)
        self.statusBar().showMessage(f"已把 {n} 个空白单元格填为 0。", 5000)

    # -- files ---------------------------------------------------------------------------------------
    def _commit_editors(self) -> None:
        """Commit every open editor (a cell being typed in, a line edit, the text editor) into the report."""
        self.controller.commit_pending_edits()  # every page, the text editors included, listens for this

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False when the user cancels."""
        self._commit_editors()
        if not self._confirm_refused_input("继续将丢弃这些输入。是否继续？"):
            return False
        if not self.controller.dirty:
            return True
        name = self.controller.path.name if self.controller.path else "未命名报告"
        answer = dialogs.ask_save_changes(self, name)
        if answer == "cancel":
            return False
        if answer == "save":
            return self.save(refused_confirmed=True)
        return True

    def refused_cells(self) -> list[str]:
        """Where a table still shows typed text that was refused (its editor stays open until corrected):
        the table, the cell and what was typed."""
        titles = dict(step_titles(self.controller.state))
        out = []
        for sid, page in self.pages.built().items():
            if hasattr(page, "refused_text") and page.view.delegate.editor is not None:
                place = page.refused_place()
                out.append(f"{titles[sid]}{f'的“{place}”' if place else ''}（输入的“{page.refused_text()}”）")
        return out

    def _confirm_refused_input(self, question: str) -> bool:
        """Typed text a cell refused is not in the report: say where it is before it is left out; False when
        the user goes back to correct it (the cell keeps what was typed)."""
        refused = self.refused_cells()
        return not refused or dialogs.confirm(self, "有未填入的内容",
                                              f"{'；'.join(refused[:3])}中输入的内容未能填入（原因见单元格旁的提示）。"
                                              + question)

    def _refused_input_kept_out(self) -> bool:
        """Before saving: True when nothing refused is in a cell or the user agrees to save without it."""
        if self._confirm_refused_input("保存的文件中不会有这些输入。仍要保存吗？"):
            return True
        self.statusBar().showMessage("未保存：请先改正单元格中未能填入的内容，或按 Esc 放弃输入。", 10000)
        return False

    def save(self, *, refused_confirmed: bool = False) -> bool:
        self._commit_editors()
        # Ctrl+S with refused text still in a cell: the file would silently lack it
        if not refused_confirmed and not self._refused_input_kept_out():
            return False
        if self.controller.path is None or getattr(self, "_is_sample", False):
            return self.save_as(refused_confirmed=True)
        try:
            self.controller.save()
        except OSError as exc:
            dialogs.show_error(self, "保存失败", f"无法保存到“{self.controller.path}”：{exc.strerror or exc}。原文件未被改动。")
            return False
        self._remember(self.controller.path)
        self.statusBar().showMessage(f"已保存到 {self.controller.path}", 5000)
        return True

    def save_as(self, *, refused_confirmed: bool = False) -> bool:
        self._commit_editors()
        if not refused_confirmed and not self._refused_input_kept_out():
            return False
        suggested = str(self.controller.path) if self.controller.path and not getattr(self, "_is_sample", False) \
            else str(documents_folder() / f"{self.controller.state.title()}.json")
        path = dialogs.ask_save_path(self, suggested)
        if not path or not confirm_save_over_open(self, path, self.autosaver.draft_lock):
            return False
        try:
            self.controller.save(path)
        except OSError as exc:
            dialogs.show_error(self, "保存失败", f"无法保存到“{path}”：{exc.strerror or exc}。")
            return False
        self._is_sample = False
        self._remember(Path(path))
        self.statusBar().showMessage(f"已保存到 {path}", 5000)
        return True

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path = dialogs.ask_open_path(self, str(self.controller.path.parent) if self.controller.path else "")
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str, *, as_sample: bool = False, ask: bool = True) -> bool:
        # a sample opens as an unnamed copy, so only a real draft can be open twice
        if not as_sample and not confirm_open_elsewhere(self, path, self.autosaver.draft_lock):
            return False
        if ask and not self.maybe_save():
            return False
        # temporary files a crashed save left beside the draft go before it is read (old ones only, ours only)
        remove_stale_temporary_files(Path(path).resolve().parent, Path(path).name)
        try:
            state = ReportState(load_draft(path))
        except DraftError as exc:
            dialogs.show_error(self, "无法打开", str(exc))
            return False
        self.controller.replace_state(state, None if as_sample else path)
        self._is_sample = as_sample
        self._sample_name = Path(path).stem if as_sample else ""
        self._update_title()
        if not as_sample:
            self._remember(Path(path))
        return True

    def new_report(self) -> None:
        if not self.maybe_save():
            return
        dialog = NewReportDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.controller.replace_state(ReportState(dialog.draft()), None)
            self._is_sample = False

    def sample_paths(self) -> list[Path]:
        from gui.start_dialog import sample_paths

        return sample_paths(SEEDS)

    def show_start(self) -> None:
        from gui.start_dialog import StartDialog

        dialog = StartDialog(self.sample_paths(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.start(dialog.choice, dialog.path)

    def start(self, choice: str | None, path: str | None = None) -> None:
        """Carry out a choice of the start page."""
        actions = {"new": self.new_report, "open": self.open_dialog, "carry": self.start_from_last_year,
                   "import": self.import_report, "rollup": self.roll_up}
        if choice in actions:
            actions[choice]()
        elif choice in ("sample", "recent") and path:
            self.open_path(path, as_sample=(choice == "sample"))

    def _adopt(self, draft: Draft) -> None:
        """Show a draft that came from elsewhere; it is unsaved until the user saves it."""
        self.controller.replace_state(ReportState(draft), None)
        self._is_sample = False
        self.controller.mark_unsaved()

    def start_from_last_year(self) -> None:
        from gui.transfer_dialogs import open_carry_forward_dialog

        if self.maybe_save() and (draft := open_carry_forward_dialog(self)) is not None:
            self._adopt(draft)
            self.go_to("review")

    def import_report(self) -> None:
        from gui.transfer_dialogs import open_import_dialog

        if self.maybe_save() and (result := open_import_dialog(self)) is not None:
            self._adopt(result[0])
            self.go_to("review")

    def roll_up(self) -> None:
        from gui.transfer_dialogs import open_rollup_dialog

        if self.maybe_save() and (result := open_rollup_dialog(self)) is not None:
            self._adopt(result[0])

    def audit_reports(self) -> None:
        """A supervisor's check of many published reports: the result is a workbook, the open report stays."""
        from gui.transfer_dialogs import open_audit_dialog

        open_audit_dialog(self)

    def print_report(self) -> None:
        self._commit_editors()
        self.go_to("export")
        self.pages["export"].print_dialog()

    def print_preview(self) -> None:
        self._commit_editors()
        self.go_to("export")
        self.pages["export"].print_preview()

    def _remember(self, path: Path) -> None:
        recent = [p for p in recent_paths() if p != str(path)]
        store_recent_paths([str(path)] + recent[: MAX_RECENT - 1])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = recent_paths()
        for n, p in enumerate(recent, start=1):
            # numbered 1–9 for the keyboard; an & in a path is shown as it is, not taken as a mnemonic
            label = p.replace("&", "&&")
            action = self.recent_menu.addAction(f"&{n} {label}" if n < 10 else label, lambda p=p: self.open_path(p))
            action.setData(p)
        self.recent_menu.setEnabled(bool(recent))

    # -- window --------------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = QSettings().value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 860)

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if not self._prebuild_timer.isActive():
            self._prebuild_timer.start(PREBUILD_FIRST_MS)  # pages not built yet come once the window is idle

    def closeEvent(self, event):  # noqa: N802
        if not self.maybe_save():
            event.ignore()
            return
        QSettings().setValue("window/geometry", self.saveGeometry())
        self._prebuild_timer.stop()
        self.autosaver.finish()  # removes this window's recovery file only
        event.accept()
