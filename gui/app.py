"""Starting the desktop app: Chinese Qt translations, settings, crash recovery, the first report."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from gui import dialogs
from gui.autosave import discard_recovery, pending_recovery
from gui.controller import ReportController
from gui.main_window import APP_NAME, SEEDS, MainWindow
from model.drafts_io import DraftError, load_draft
from model.state import ReportState

SAMPLE = SEEDS / "sample-2024.json"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("nianbao")
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName("nianbao")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    # Qt's own dialogs and buttons (确定/取消, file dialogs) speak Chinese
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    app._nianbao_translator = translator  # keep it alive
    return app


def initial_state(path: str | None, parent=None) -> tuple[ReportState, str | None, bool, bool]:
    """(state, path, is_sample, recovered) for the first window."""
    recovered = pending_recovery()
    if recovered is not None:
        draft, original = recovered
        if dialogs.ask_recover(parent, f"{draft.meta.agency}{draft.meta.year}年度报告"
                                       + (f"（{Path(original).name}）" if original else "（未保存的新报告）")):
            return ReportState(draft), original, False, True
        discard_recovery()
    if path:
        try:
            return ReportState(load_draft(path)), path, False, False
        except DraftError as exc:
            dialogs.show_error(parent, "无法打开", str(exc))
    try:
        return ReportState(load_draft(SAMPLE)), None, True, False
    except DraftError:
        return ReportState.new("", 2024), None, False, False


def build_window(path: str | None = None) -> MainWindow:
    state, file_path, is_sample, recovered = initial_state(path)
    controller = ReportController(state, file_path)
    window = MainWindow(controller)
    window._is_sample = is_sample
    if recovered:
        controller.mark_unsaved()
    window._update_title()
    return window


def run_app(path: str | None = None) -> int:
    app = make_app()
    window = build_window(path)
    window.show()
    return app.exec()
