"""Starting the desktop app: Chinese Qt translations, settings, crash recovery, the first windows.

Started without a file, the app paints its start page first and builds the report window behind it: the start
page needs Qt alone, while the window needs the report model, its checks and every page (imported here only
when they are used, so that the first thing a user sees is on screen in about the time of a bare Qt window).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QDialog

from gui import crash, instances
from model.version import APP_NAME

if TYPE_CHECKING:
    from gui.autosave import Recovery
    from gui.main_window import MainWindow

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SAMPLE = SEEDS / "sample-2024.json"
SMOKE_TEST_ENV = "NIANBAO_SMOKE_TEST"  # packaging/smoke_test.py: start, show every page, quit
ICON_FOLDER = Path(__file__).resolve().parent.parent / "resources"  # icon-<size>.png from packaging/make_icon.py


def app_icon() -> QIcon:
    """The application's icon in every drawn size: Qt picks the sharp one for the title bar and task bar."""
    icon = QIcon()
    for path in sorted(ICON_FOLDER.glob("icon-*.png")):
        icon.addFile(str(path))
    return icon


def make_app(argv: list[str] | None = None) -> QApplication:
    if QApplication.instance() is None:
        # at 125 % and 150 % Windows scaling the real factor is used, not rounded to 1 or 2: text stays the size
        # the user chose and layouts are laid out for it (must be set before the QApplication exists)
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("nianbao")
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("nianbao")
    app.setWindowIcon(app_icon())
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    # Qt's own dialogs and buttons (确定/取消, file dialogs) speak Chinese
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    app._nianbao_translator = translator  # keep it alive
    return app


def orphaned_recoveries() -> list[Recovery]:
    """Recovery files of windows that did not close normally (gui.autosave); none is looked for, and the
    report model is not loaded, when the recovery folder holds no file at all."""
    if not any(instances.recovery_dir().glob("*.json")):
        return []
    from gui.autosave import orphaned_recoveries as find

    return find()


def _restored_window(recovery: Recovery) -> MainWindow:
    """A window showing a recovered report, unsaved; its work is secured under the new owner before the old
    file goes, so that a crash in between loses nothing."""
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.state import ReportState

    original = recovery.original_path
    note = "已恢复自动保存的内容，请核对后保存。"
    if original and instances.open_elsewhere(original) is not None:
        # saving must not overwrite the copy another window is editing: 保存 asks where instead
        note = f"已恢复自动保存的内容。原文件“{original}”正在另一个窗口中打开，保存时请另选文件名。"
        original = None
    controller = ReportController(ReportState(recovery.draft), original)
    window = MainWindow(controller)
    window.statusBar().showMessage(note)
    window._is_sample = False
    controller.mark_unsaved()
    window._update_title()
    window.autosaver.save_now()
    window.autosaver.flush()
    if window.autosaver.path.exists():
        recovery.discard()
    else:
        recovery.release()  # the new copy could not be written (full disk): keep the old one for next time
    return window


def _opened_window(path: str | None) -> MainWindow:
    """A window on the draft named on the command line, or on the sample report."""
    from gui import dialogs, recovery_dialog
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.drafts_io import DraftError, load_draft, remove_stale_temporary_files
    from model.state import ReportState

    state, file_path, is_sample = None, None, False
    if path:
        # temporary files a crashed save left beside the draft go before it is read (old ones only)
        remove_stale_temporary_files(Path(path).resolve().parent, Path(path).name)
    if path and recovery_dialog.confirm_open_elsewhere(None, path, None):
        try:
            state, file_path = ReportState(load_draft(path)), path
        except DraftError as exc:
            dialogs.show_error(None, "无法打开", str(exc))
    if state is None:
        try:
            state, is_sample = ReportState(load_draft(SAMPLE)), True
        except DraftError:
            state = ReportState.new("", 2024)
    window = MainWindow(ReportController(state, file_path))
    window._is_sample = is_sample
    window._sample_name = SAMPLE.stem if is_sample else ""
    window._update_title()
    return window


def build_windows(path: str | None = None) -> list[MainWindow]:
    """The first windows: one per recovered report the user chose, and the draft asked for (or the sample)."""
    from gui import recovery_dialog

    recoveries = orphaned_recoveries()
    restore: list[Recovery] = []
    if recoveries:
        restore, discard = recovery_dialog.choose_recoveries(None, recoveries)
        for rec in discard:
            rec.discard()
        for rec in recoveries:
            if rec not in restore and rec not in discard:
                rec.release()  # kept for a later start
    windows = [_restored_window(rec) for rec in restore]
    if path or not windows:
        windows.append(_opened_window(path))
    return windows


def build_window(path: str | None = None) -> MainWindow:
    """The first window; any other restored window stays open beside it."""
    windows = build_windows(path)
    for other in windows[1:]:
        other.show()
    windows[0]._companions = windows[1:]  # top-level windows live as long as something refers to them
    return windows[0]


def run_app(path: str | None = None) -> int:
    app = make_app()
    smoke = bool(os.environ.get(SMOKE_TEST_ENV))
    crash.install(app, on_error=_smoke_failed if smoke else None)
    if path is None and not smoke and not orphaned_recoveries():
        # started without a file and nothing to recover: the start page says every way to begin, before the
        # sample (titled 示例) rather than leaving the user in the sample unawares
        return _run_from_start_page(app)
    windows = build_windows(path)
    for window in windows:
        window.show()
    if smoke:
        QTimer.singleShot(0, lambda: app.exit(smoke_test(windows)))
    return app.exec()


def _run_from_start_page(app: QApplication) -> int:
    """The start page first; the sample's window is built once the page is on screen, and shown when the user
    has chosen (with the choice carried out in it) or closed the page to look at the sample."""
    from gui.start_dialog import StartDialog, sample_paths

    dialog = StartDialog(sample_paths(SEEDS), None, on_sample=True)
    built: list[MainWindow] = []

    def build() -> None:
        if not built:
            built.append(_opened_window(None))
            _sweep_recent_folders()

    # the window is built inside the page's event loop, after its first paint (a timer alone could run first)
    dialog.firstPainted.connect(lambda: QTimer.singleShot(0, build))
    app.setQuitOnLastWindowClosed(False)  # the page closing before the window shows is not the end
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    build()
    window = built[0]
    window.show()
    app.setQuitOnLastWindowClosed(True)
    if accepted:
        QTimer.singleShot(0, lambda: window.start(dialog.choice, dialog.path))
    return app.exec()


def _sweep_recent_folders() -> None:
    """Temporary files a crashed save left beside the recent drafts (old ones only, ours only)."""
    from gui.recent_files import recent_paths
    from model.drafts_io import remove_stale_temporary_files

    for recent in recent_paths():
        remove_stale_temporary_files(Path(recent).parent, Path(recent).name)


def _smoke_failed(exc, log) -> None:
    print(f"smoke test: unexpected error {exc!r}, log {log}", file=sys.stderr)
    QApplication.exit(3)


def smoke_test(windows: list[MainWindow]) -> int:
    """NIANBAO_SMOKE_TEST=1: open every step of the first window, then quit with 0 (a built bundle's check that
    the app starts, finds its formats and sample, and draws every page; no dialog ever waits for a click)."""
    window = windows[0]
    try:
        for row in range(window.step_list.count()):
            window.step_list.setCurrentRow(row)
            QApplication.processEvents()
        if sys.stdout is not None:  # a windowed program on Windows has no console
            print(f"smoke test: {window.controller.state.title()}; {window.step_list.count()} steps shown")
        return 0
    except Exception as exc:  # noqa: BLE001 — reported as the exit status of the check
        if sys.stderr is not None:
            print(f"smoke test failed: {exc!r}", file=sys.stderr)
        return 1
