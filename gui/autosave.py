"""Autosave to a recovery file beside the user's draft — never over it — and recovery after a crash.

The recovery file lives in the app's data folder; a clean save or a normal close removes it, so a file that is
still there at the next start means the app did not end normally.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from gui.controller import ReportController
from model.draft import Draft
from model.drafts_io import DraftError, atomic_write_text, draft_from_data, draft_to_json

INTERVAL_MS = 30_000


def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(base or Path.home() / ".nianbao") / "recovery"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recovery_file() -> Path:
    return recovery_dir() / "autosave.json"


class Autosaver(QObject):
    def __init__(self, controller: ReportController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()
        controller.fileStateChanged.connect(self._file_state_changed)

    def save_now(self) -> bool:
        """Write the recovery file when there are unsaved changes; returns whether it wrote."""
        if not self.controller.dirty:
            return False
        envelope = {"original_path": str(self.controller.path) if self.controller.path else None,
                    "draft": json.loads(draft_to_json(self.controller.to_draft()))}
        try:
            atomic_write_text(recovery_file(), json.dumps(envelope, ensure_ascii=False))
        except OSError:
            return False  # a full disk must not interrupt the user's typing; the next tick tries again
        return True

    def _file_state_changed(self) -> None:
        if not self.controller.dirty:
            discard_recovery()

    def stop(self) -> None:
        self.timer.stop()


def discard_recovery() -> None:
    try:
        recovery_file().unlink()
    except OSError:
        pass


def pending_recovery() -> tuple[Draft, str | None] | None:
    """The draft left by a session that did not end normally, with the path it belonged to."""
    path = recovery_file()
    if not path.exists():
        return None
    try:
        envelope = json.loads(path.read_text(encoding="utf-8"))
        return draft_from_data(envelope["draft"], "自动保存的内容"), envelope.get("original_path")
    except (OSError, ValueError, KeyError, TypeError, DraftError):
        return None
