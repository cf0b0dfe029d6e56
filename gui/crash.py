"""An unexpected error in the app: its traceback goes to a log file, the user sees one Chinese dialog saying
what happened, that the work is secured in the recovery file, and where the log is; the app keeps running.

Qt calls sys.excepthook for an exception raised in a slot or event handler and then carries on, so replacing
the hook is enough to keep the app alive; threading.excepthook covers worker threads (the dialog is then shown
on the GUI thread through a queued signal).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.user_folders import log_folder


def write_log(exc_type, exc, tb, where: str = "") -> Path | None:
    """The traceback in a new file of the log folder (the temp folder if that cannot be written); None if neither."""
    from model.version import version

    now = dt.datetime.now()
    text = (f"time: {now.isoformat(timespec='seconds')}\nversion: {version()}\nwhere: {where or 'GUI'}\n"
            f"python: {sys.version}\nplatform: {sys.platform}\n\n"
            + "".join(traceback.format_exception(exc_type, exc, tb)))
    name = f"error-{now.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{threading.get_ident() % 10000}.log"
    for folder in (log_folder(), Path(tempfile.gettempdir()) / "nianbao-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            with open(path, "a", encoding="utf-8") as fh:  # two errors in one second share a file, in order
                fh.write(text + "\n")
            return path
        except OSError:
            continue
    return None


def secure_open_work() -> bool:
    """Write every window's recovery file now; True when every window's work is secured (or had nothing new)."""
    secured = True
    for widget in QApplication.topLevelWidgets():
        autosaver = getattr(widget, "autosaver", None)
        if autosaver is None:
            continue
        try:
            autosaver.save_now(commit=False)  # an editor in a broken state is not committed: what was last good
            autosaver.flush()
        except Exception:  # noqa: BLE001 — securing the work must not raise from inside the error handler
            secured = False
    return secured


def crash_message(exc: BaseException | None, log: Path | None, secured: bool) -> str:
    what = f"{type(exc).__name__}：{exc}" if exc is not None and str(exc) else type(exc).__name__
    lines = [f"程序出现了意外错误（{what[:300]}），刚才的操作可能没有完成。"]
    if secured:
        lines.append("您填写的内容没有丢失：已写入自动保存的恢复文件；如程序随后退出，下次启动时可以恢复。"
                     "建议先保存草稿，再继续工作。")
    else:
        lines.append("自动保存的恢复文件未能写入，请立即用“文件 → 另存为”保存草稿。")
    if log is not None:
        lines.append(f"详细记录已写入“{log}”，请将该文件发给维护人员。")
    else:
        lines.append("详细记录无法写入（日志文件夹不可写）。")
    return "\n\n".join(lines)


def show_crash_dialog(message: str) -> None:
    """The dialog itself (tests replace it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "程序出错", message, QMessageBox.StandardButton.Ok,
                      QApplication.activeWindow())
    box.exec()


class CrashReporter(QObject):
    """Installed once per app; `reported` carries a message from any thread to the dialog on the GUI thread."""

    reported = Signal(object)  # (exception, log path or None)

    def __init__(self, app: QApplication, on_error=None):
        super().__init__(app)
        self._on_error = on_error  # instead of the dialog (the bundle's smoke test must never wait for a click)
        self._showing = False
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self.reported.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def handle(self, exc_type, exc, tb, where: str = "") -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()  # Ctrl+C in the console a developer started the app from
            return
        log = write_log(exc_type, exc, tb, where)
        self.reported.emit((exc, log))

    def _handle_thread(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback,
                    f"thread {getattr(args.thread, 'name', '?')}")

    def _show(self, payload) -> None:
        exc, log = payload
        if self._on_error is not None:
            self._on_error(exc, log)
            return
        if self._showing:
            return  # an error repeating while the dialog is open (a paint handler) is logged, not shown again
        self._showing = True
        try:
            show_crash_dialog(crash_message(exc, log, secure_open_work()))
        finally:
            self._showing = False


def install(app: QApplication, on_error=None) -> CrashReporter:
    reporter = CrashReporter(app, on_error)
    reporter.install()
    app._nianbao_crash_reporter = reporter  # keep it alive as long as the app
    return reporter
