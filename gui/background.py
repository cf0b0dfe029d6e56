"""Long work of the window (export, import) on a thread of its own, while the window keeps painting.

The caller waits for the result as if it had done the work itself, but the window does not freeze meanwhile: a
window-modal progress window (shown once the work has taken 300 ms) says what is being done, and offers 取消
where the work can stop. The work is plain Python without Qt objects; what it reads (the report) is not changed
meanwhile, since the progress window keeps the user from editing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

SHOW_AFTER_MS = 300  # work done sooner ends without a progress window flashing up


class _Signals(QObject):
    said = Signal(str)  # what the work is doing now, for the progress window
    ended = Signal()


def progress_window(parent: QWidget | None, text: str, *, title: str | None = None, cancellable: bool = True,
                    maximum: int = 0) -> QProgressDialog:
    """A progress window over the window (window-modal) that shows itself once the work has taken SHOW_AFTER_MS
    and stays up until it is closed, between stages of the work and at 100 % alike; maximum 0: a busy bar."""
    progress = QProgressDialog(text, "取消" if cancellable else None, 0, maximum, parent)
    if title is not None:
        progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(SHOW_AFTER_MS)
    progress.setAutoReset(False)
    progress.setAutoClose(False)
    return progress


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None  # what the work raised, for the caller to report as it always did
    cancelled: bool = False  # 取消 was pressed: the result, if any, is not to be used


def run_in_background(parent: QWidget | None, title: str, text: str,
                      work: Callable[[Callable[[str], None], threading.Event], Any], *,
                      cancellable: bool, abandon_on_cancel: bool = False) -> Outcome:
    """Run work(say, cancelled) on a thread and return once it has ended. `say(text)` puts text in the progress
    window; `cancelled` is set by 取消, for work that stops between its steps. With abandon_on_cancel, 取消
    returns at once and the work's result is dropped when it comes (for work that changes nothing outside it)."""
    signals = _Signals()
    cancelled = threading.Event()
    outcome = Outcome()

    def run() -> None:
        try:
            outcome.result = work(signals.said.emit, cancelled)
        except BaseException as exc:  # noqa: BLE001 — handed to the caller, which reports it
            outcome.error = exc
        finally:
            signals.ended.emit()

    progress = progress_window(parent, text, title=title, cancellable=cancellable)
    progress.setValue(0)  # starts the clock after which the window shows itself
    loop = QEventLoop()
    signals.said.connect(lambda said: progress.wasCanceled() or progress.setLabelText(said))
    signals.ended.connect(loop.quit)
    if cancellable:
        progress.canceled.connect(cancelled.set)
        progress.canceled.connect(lambda: progress.setLabelText("正在取消……"))
        if abandon_on_cancel:
            progress.canceled.connect(loop.quit)
    thread = threading.Thread(target=run, name=f"nianbao-{title}", daemon=True)
    thread.start()
    loop.exec()
    if not (abandon_on_cancel and cancelled.is_set()):
        thread.join()
    outcome.cancelled = cancelled.is_set()
    progress.blockSignals(True)  # closing a progress window emits its canceled signal
    progress.close()
    progress.deleteLater()
    return outcome
