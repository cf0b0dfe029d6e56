"""自检 (`main.py --self-check`, `nianbao --self-check`): the app does a user's work once, on its own, and says
whether everything worked.

For maintainers after a build and for a clerk's PC where something seems wrong. It opens the real main window on a
copy of the sample report, types a figure into a table cell and a sentence into a text section through key
events, saves the draft under a new name, opens it again, exports every format with the 全部导出 button, prints the
report into a PDF file through the print path, and prints one Chinese line per step and a summary; exit 0 when all
passed, 1 otherwise. Everything it writes goes to a temporary folder: the user's drafts, settings, recent files
and recovery files are never touched. Offscreen when QT_QPA_PLATFORM=offscreen (the bundle's tests), visible
otherwise.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QIcon, QInputMethodEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from gui import crash, dialogs, instances, printing
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.draft import Paragraph
from model.drafts_io import load_draft
from model.state import ReportState

SENTENCE = "本段末句由自检程序输入。"  # typed into a text section; looked for in the saved draft and the exports
FIGURE = 2468  # typed into a table cell: a figure the sample has nowhere else, so that each export can show it


class CheckFailed(Exception):
    """A step did not do what a user expects; the message says what, in Chinese."""


@dataclass
class SelfCheck:
    work: Path
    lines: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # dialogs and errors nobody asked for
    answers: dict[str, str] = field(default_factory=dict)  # what the file and folder dialogs answer

    def say(self, text: str) -> None:
        self.lines.append(text)
        if sys.stdout is not None:  # a windowed program on Windows has no console
            print(text, flush=True)


# -- dialogs: answered by the check, any other one is a failure ----------------------------------------------
@contextmanager
def answered_dialogs(check: SelfCheck):
    """The file and folder dialogs answer with the check's own temporary paths; a message box or question means
    something went wrong and is recorded instead of waiting for a click."""
    saved = {name: getattr(dialogs, name) for name in ("ask_save_path", "ask_folder", "ask_open_path", "show_error",
                                                       "show_info", "confirm", "ask_export_draft", "ask_save_changes")}

    def unexpected(kind):
        def record(_parent, *args):
            check.unexpected.append(f"{kind}：{'；'.join(str(a) for a in args)}")
            return False if kind != "保存提问" else "cancel"
        return record

    dialogs.ask_save_path = lambda _parent, _suggested: check.answers.get("save")
    dialogs.ask_folder = lambda _parent, _title, _folder="": check.answers.get("folder")
    dialogs.ask_open_path = lambda _parent, _folder="": check.answers.get("open")
    dialogs.show_error = unexpected("错误提示")
    dialogs.show_info = unexpected("提示")
    dialogs.confirm = unexpected("确认提问")
    dialogs.ask_export_draft = unexpected("导出草稿提问")
    dialogs.ask_save_changes = unexpected("保存提问")
    watchdog = QTimer()
    watchdog.setInterval(200)

    def close_modal():  # a dialog not going through gui/dialogs (Qt's own, a page's own)
        widget = QApplication.activeModalWidget()
        if widget is not None and not isinstance(widget, QProgressDialog):  # progress asks nothing: it shows work
            text = getattr(widget, "text", lambda: "")()
            check.unexpected.append(f"对话框“{widget.windowTitle()}”：{text}")
            widget.close()

    watchdog.timeout.connect(close_modal)
    watchdog.start()
    try:
        yield
    finally:
        watchdog.stop()
        for name, function in saved.items():
            setattr(dialogs, name, function)


def _no_surprises(check: SelfCheck, step: str) -> None:
    if check.unexpected:
        found = "；".join(check.unexpected)
        check.unexpected.clear()
        raise CheckFailed(f"{step}时出现了意外的提示：{found}")


# -- the steps -----------------------------------------------------------------------------------------------
def open_window(path: Path) -> MainWindow:
    window = MainWindow(ReportController(ReportState(load_draft(path)), str(path)))
    window._is_sample = False
    window._update_title()
    window.resize(1280, 800)
    window.show()
    if not QTest.qWaitForWindowExposed(window, 10_000):
        raise CheckFailed("主窗口没有显示出来")
    return window


def check_icon(window: MainWindow) -> str:
    icon: QIcon = window.windowIcon()
    sizes = sorted({s.width() for s in icon.availableSizes()})
    if icon.isNull() or 16 not in sizes or 256 not in sizes:
        raise CheckFailed(f"窗口图标缺失或不全（现有尺寸：{sizes or '无'}）")
    return "、".join(str(s) for s in sizes)


def table_pages(window: MainWindow):
    return [(sid, page) for sid, page in window.pages.items() if hasattr(page, "view") and hasattr(page, "model")]


def choose_cell(window: MainWindow, draft_path: Path) -> tuple[str, str, int]:
    """(step, cell path, figure): the first count cell where FIGURE leaves the report as correct as it was, tried
    on a scratch copy of the report, so that the exports below are the final, not draft, files."""
    scratch = ReportState(load_draft(draft_path))
    baseline = len(scratch.errors())
    for sid, page in table_pages(window):
        model = page.model
        for row in range(model.rowCount()):
            for col in range(model.columnCount()):
                index = model.index(row, col)
                path = model.path_at(index)
                if path is None or not model.is_input(index) or scratch.is_computed(path):
                    continue
                current = scratch.value(path)
                if current is not None and (not isinstance(current, int) or isinstance(current, bool)):
                    continue
                new = FIGURE
                trial = ReportState(load_draft(draft_path))
                trial.set_value(path, str(new))
                if trial.value(path) == new and len(trial.errors()) <= baseline:
                    return sid, path, new
    raise CheckFailed("示例报告中找不到可以填写的表格单元格")


def type_into_cell(window: MainWindow, sid: str, path: str, figure: int) -> None:
    window.go_to(sid)
    page = window.pages[sid]
    view, model = page.view, page.model
    index = model.index_for_path(path)
    view.setFocus()
    view.setCurrentIndex(index)
    view.scrollTo(index)
    QTest.keyClick(view, Qt.Key.Key_F2)  # start editing as a user does
    editor = view.itemDelegate().editor if hasattr(view.itemDelegate(), "editor") else None
    if editor is None:
        raise CheckFailed(f"按 F2 没有打开单元格 {path} 的编辑框")
    editor.selectAll()
    QTest.keyClicks(editor, str(figure))
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    shown = model.data(index, Qt.ItemDataRole.DisplayRole)
    if window.controller.state.value(path) != figure or str(figure) not in str(shown).replace(",", ""):
        raise CheckFailed(f"在单元格 {path} 输入 {figure} 后，报告中为 {window.controller.state.value(path)}，"
                          f"表格显示 {shown}")


def narrative_step(window: MainWindow) -> str:
    """The first text section that ends with a paragraph (not a picture): the sentence goes after its last one."""
    state = window.controller.state
    for sid, page in window.pages.items():
        if hasattr(page, "editor") and state.blocks(sid) and isinstance(state.blocks(sid)[-1], Paragraph):
            return sid
    raise CheckFailed("示例报告中没有以文字段落结尾的文字部分")


def type_sentence(window: MainWindow, sid: str) -> None:
    window.go_to(sid)
    page = window.pages[sid]
    editor = page.editor
    editor.setFocus()
    QTest.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    # Chinese arrives from an input method as a commit string, not as key presses
    typed = QInputMethodEvent()
    typed.setCommitString(SENTENCE)
    QApplication.sendEvent(editor, typed)
    QTest.qWait(page.COMMIT_MS + 200)  # the text reaches the report a moment after the last key
    text = "".join(getattr(b, "text", "") for b in window.controller.state.blocks(sid))
    if not text.endswith(SENTENCE):
        raise CheckFailed(f"在“{sid}”输入的文字没有进入报告（末尾为“{text[-30:]}”）")


def exported_text(path: Path) -> str:
    """The text of an exported file, enough to find the typed sentence and figure in it."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        document = QPdfDocument()
        document.load(str(path))
        try:
            return "".join(document.getAllText(n).text() for n in range(document.pageCount()))
        finally:
            document.close()
    if suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as archive:
            return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                           if name.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


def pdf_pages(path: Path) -> tuple[int, tuple[int, int]]:
    document = QPdfDocument()
    document.load(str(path))
    try:
        size = document.pagePointSize(0) if document.pageCount() else None
        return document.pageCount(), (round(size.width()), round(size.height())) if size else (0, 0)
    finally:
        document.close()


def print_to_file(window: MainWindow, target: Path) -> int:
    """The print path of 打印…, with a PDF file as the printer."""
    from export.pdf_writer import pdf_bytes

    printer = printing.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    return printing.print_pdf(pdf_bytes(window.controller.state), printer)


def run_steps(check: SelfCheck) -> None:
    from export.writers import KIND_NAMES

    sample = Path(__file__).resolve().parent.parent / "seeds" / "sample-2024.json"
    draft = check.work / "自检 示例.json"
    shutil.copyfile(sample, draft)

    window = open_window(draft)
    check.say(f"通过  打开主窗口：《{window.controller.state.title()}》")
    check.say(f"通过  程序图标：{check_icon(window)} 像素")

    sid, path, figure = choose_cell(window, draft)
    type_into_cell(window, sid, path, figure)
    _no_surprises(check, "填写表格")
    check.say(f"通过  填写表格：单元格 {path} 输入 {figure}")

    text_sid = narrative_step(window)
    type_sentence(window, text_sid)
    _no_surprises(check, "输入文字")
    check.say(f"通过  输入文字：“{SENTENCE}”")

    saved = check.work / "自检 保存的草稿.json"
    check.answers["save"] = str(saved)
    if not window.save_as() or not saved.is_file():
        _no_surprises(check, "保存草稿")
        raise CheckFailed(f"另存为“{saved}”没有写出文件")
    _no_surprises(check, "保存草稿")
    check.say(f"通过  保存草稿：{saved.name}")

    window.close()
    QApplication.processEvents()
    window = open_window(saved)
    state = window.controller.state
    reopened_text = "".join(getattr(b, "text", "") for b in state.blocks(text_sid))
    if state.value(path) != figure or not reopened_text.endswith(SENTENCE):
        raise CheckFailed(f"重新打开“{saved.name}”后，单元格 {path} 为 {state.value(path)}，"
                          f"文字末尾为“{reopened_text[-30:]}”")
    if not window.pages[text_sid].editor.toPlainText().rstrip().endswith(SENTENCE):
        raise CheckFailed("重新打开后，文字编辑区没有显示输入的句子")
    _no_surprises(check, "重新打开")
    check.say("通过  重新打开：填写的数字和文字都在")

    out = check.work / "导出 文件"
    out.mkdir()
    check.answers["folder"] = str(out)
    window.go_to("export")
    page = window.pages["export"]
    all_button = next(b for b in page.findChildren(QPushButton) if b.text() == "全部导出")
    QTest.mouseClick(all_button, Qt.MouseButton.LeftButton)
    _no_surprises(check, "导出")
    written = sorted(out.glob("*.*"))
    kinds = {p.suffix[1:] for p in written}
    if kinds != set(KIND_NAMES):
        raise CheckFailed(f"全部导出只写出了 {sorted(kinds)}，应为 {sorted(KIND_NAMES)}")
    for exported in written:
        text = exported_text(exported).replace("\n", "").replace(" ", "").replace(",", "")
        if str(figure) not in text:
            raise CheckFailed(f"导出的“{exported.name}”中找不到填写的数字 {figure}")
        if exported.suffix != ".xlsx" and SENTENCE not in text:  # the workbook holds the tables only
            raise CheckFailed(f"导出的“{exported.name}”中找不到输入的句子")
    check.say(f"通过  导出全部格式：{'、'.join(KIND_NAMES[p.suffix[1:]] for p in written)}")

    printed = check.work / "打印 输出.pdf"
    pages = print_to_file(window, printed)
    _no_surprises(check, "打印")
    exported_pdf = next(p for p in written if p.suffix == ".pdf")
    printed_pages, size = pdf_pages(printed) if printed.is_file() else (0, (0, 0))
    expected_pages = pdf_pages(exported_pdf)[0]
    if not pages or printed_pages != expected_pages:
        raise CheckFailed(f"打印到 PDF 文件得到 {printed_pages} 页，导出的 PDF 有 {expected_pages} 页")
    check.say(f"通过  打印：{printed_pages} 页打印到 PDF 文件，纸张 {size[0]}×{size[1]} 磅")
    window.controller.undo_stack.setClean()
    window.close()
    QApplication.processEvents()


def isolated_user_folders(work: Path) -> None:
    """Settings, recent files and recovery files of the check live in its temporary folder."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "设置"))
    os.environ[instances.RECOVERY_DIR_ENV] = str(work / "恢复文件")


def run_self_check() -> int:
    from gui.app import make_app

    if sys.stdout is not None:
        try:
            if sys.stdout.isatty():  # a console whose code page lacks a character shows it escaped, never fails
                sys.stdout.reconfigure(errors="backslashreplace")
            else:  # a pipe or a file gets the Chinese lines whole
                sys.stdout.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, OSError):
            pass
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        # a server or a terminal without a desktop: the window is checked off screen instead of Qt aborting
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="nianbao-selfcheck-"))
    isolated_user_folders(work)
    app = make_app()
    check = SelfCheck(work)
    reporter = crash.install(app, on_error=lambda exc, log: check.unexpected.append(f"程序错误 {exc!r}（记录：{log}）"))
    check.say("自检开始：在临时文件夹中打开示例报告，填写、保存、重新打开、导出、打印")
    failure = None
    try:
        with answered_dialogs(check):
            run_steps(check)
            _no_surprises(check, "收尾")
    except CheckFailed as exc:
        failure = str(exc)
    except Exception as exc:  # noqa: BLE001 — the check reports every failure as its result, never a traceback
        failure = f"程序错误：{type(exc).__name__}：{exc}"
    finally:
        reporter.uninstall()
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow):
                window.controller.undo_stack.setClean()
                window.close()
    if failure is None:
        shutil.rmtree(work, ignore_errors=True)
        summary = f"自检通过：{len(check.lines) - 1} 项全部正常，用时 {time.monotonic() - started:.1f} 秒。"
    else:
        summary = f"自检未通过：{failure}。自检用的文件保留在“{work}”，请连同此信息发给维护人员。"
    check.say(summary)
    if sys.stdout is None and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        # started from a shortcut (windowed program, no console): the result is shown, not lost
        (dialogs.show_info if failure is None else dialogs.show_error)(None, "自检结果", "\n".join(check.lines))
    return 0 if failure is None else 1
