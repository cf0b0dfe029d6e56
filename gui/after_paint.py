"""Work that follows a user's action but is not part of its answer, started once the answer is on screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterNextPaint(QObject):
    """Runs `slot` once, right after `widget` and its children are next painted (or after `at_latest_ms` when
    nothing paints it: a hidden window). For work that follows a user's action but is not part of its answer,
    so that it starts once the answer is on screen."""

    def __init__(self, widget: QWidget, slot, at_latest_ms: int):
        super().__init__(widget)
        self._widget = widget
        self._slot = slot
        self._done = False
        widget.installEventFilter(self)
        QTimer.singleShot(at_latest_ms, self, self._run)

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint and not self._done:
            # the widget paints before its children, in one go: a call queued now runs when they are done
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        self.deleteLater()
        self._slot()
