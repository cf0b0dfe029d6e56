"""What the GUI tests share: a report shown in a real window, made active, and closed without questions."""

from __future__ import annotations

import warnings
from pathlib import Path

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def activate(window) -> None:
    """Make the window active: focus and window shortcuts (Ctrl+S, Ctrl+F) reach the active window only, and the
    offscreen platform activates none by itself; Qt marks this call deprecated but it is the one that works offscreen."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)


def show_report(qtbot, draft: Path | str, path: Path | str | None = None,
                size: tuple[int, int] | None = None) -> MainWindow:
    """The draft file (or seed name) in a shown, active window whose Save goes to `path`."""
    source = Path(draft) if isinstance(draft, Path) or str(draft).endswith(".json") else SEEDS / f"{draft}.json"
    window = MainWindow(ReportController(ReportState(load_draft(source)), path))
    qtbot.addWidget(window)
    if size:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    activate(window)
    return window


def close_quietly(window: MainWindow) -> None:
    """Close without the save question; an autosave still being written finishes first."""
    autosaver = getattr(window, "autosaver", None)
    if autosaver is not None:
        autosaver.flush()
    window.controller.undo_stack.setClean()
    window.close()


def commit_text(widget, text: str) -> None:
    """Chinese typed through an input method arrives as a commit string (QTest.keyClicks aborts on it)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
