"""Acting on a menu or dialog that a test opens with a blocking exec().

A slot fired by a timer is the only code that runs while exec() waits. If that slot runs before the popup is shown,
or fails, the popup stays open and the test hangs for good; so the slot waits for the popup, and whatever happens
it closes what is still open, leaving the failure to the test's own assertions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

POLL_MS = 20
GIVE_UP_MS = 10_000


def act_on_popup(find: Callable[[], QWidget | None], act: Callable[[QWidget], None], failures: list[str]) -> None:
    """Once find() returns a widget, call act(widget); close it if it is still open afterwards."""
    waited = [0]

    def attempt() -> None:
        widget = find()
        if widget is None:
            waited[0] += POLL_MS
            if waited[0] < GIVE_UP_MS:
                QTimer.singleShot(POLL_MS, attempt)
            else:
                failures.append("the popup never appeared")
            return
        try:
            act(widget)
        except Exception as exc:  # noqa: BLE001 — reported through `failures`, never left to hang the test
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            if widget.isVisible():
                widget.close()

    QTimer.singleShot(POLL_MS, attempt)


def on_menu(act: Callable[[QWidget], None], failures: list[str]) -> None:
    act_on_popup(QApplication.activePopupWidget, act, failures)


def on_modal(act: Callable[[QWidget], None], failures: list[str]) -> None:
    act_on_popup(QApplication.activeModalWidget, act, failures)
