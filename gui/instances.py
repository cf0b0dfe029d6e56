"""Which running copy of the app owns what: each window's recovery file, and each draft that is open.

Ownership is a QLockFile held for as long as the owner runs. Locks never expire by age (staleLockTime 0): a
lock counts as stale only when the process that wrote it is gone, so a kill -9 or a power cut frees it, and a
copy that is merely idle for hours keeps it. All lock files live in the app's recovery folder, never next to the
user's drafts (a shared network folder must not fill up with them).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, QStandardPaths

if TYPE_CHECKING:  # the start page is painted before the report model is loaded
    from gui.controller import ReportController

# Tests and portable installs point the recovery folder elsewhere; nothing else reads it.
RECOVERY_DIR_ENV = "NIANBAO_RECOVERY_DIR"

_window_numbers = itertools.count(1)


def recovery_dir() -> Path:
    override = os.environ.get(RECOVERY_DIR_ENV)
    if override:
        path = Path(override)
    else:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        path = Path(base or Path.home() / ".nianbao") / "recovery"
    _make(path)
    return path


def _make(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # a folder that cannot be made fails each write, which the autosaver reports and retries


def lock_dir() -> Path:
    path = recovery_dir() / "lock"
    _make(path)
    return path


def new_owner_id() -> str:
    """A name no other window, of this process or any other, has used: process id, start time, window number."""
    return f"{os.getpid()}-{time.strftime('%Y%m%d-%H%M%S')}-{next(_window_numbers)}"


def owner_lock_path(recovery_file: Path) -> Path:
    """The lock its owner holds while it runs, for a recovery file named <owner id>.json."""
    return lock_dir() / f"{recovery_file.stem}.lock"


def draft_lock_path(draft: str | Path) -> Path:
    """The lock of a draft, keyed by its resolved path so that two spellings of one file share one lock."""
    resolved = os.path.normcase(str(Path(draft).expanduser().resolve()))
    return lock_dir() / f"draft-{hashlib.sha256(resolved.encode('utf-8')).hexdigest()[:32]}.lock"


def hold(path: Path) -> QLockFile | None:
    """Take a lock without waiting; None while another live process (or another window) holds it."""
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)
    return lock if lock.tryLock(0) else None


def holder_pid(path: Path) -> int | None:
    """The process holding a lock, or None when nobody alive holds it."""
    lock = hold(path)
    if lock is not None:
        lock.unlock()
        return None
    info = QLockFile(str(path)).getLockInfo()
    pid = info[0] if isinstance(info, tuple) and info else 0
    # a lock that could not be taken but names no process: the folder is not writable, not a second owner
    return int(pid) if pid else None


class DraftLock(QObject):
    """Holds the lock of the draft a window has open, and follows it through open, save as and new."""

    def __init__(self, controller: ReportController, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self._key: Path | None = None
        self._lock: QLockFile | None = None
        controller.fileStateChanged.connect(self.follow)
        controller.documentChanged.connect(self.follow)
        self.follow()

    def follow(self) -> None:
        path = self.controller.path
        key = draft_lock_path(path) if path else None
        if key == self._key and (self._lock is not None or key is None):
            return
        self.release()
        self._key = key
        # When the user chose to open a draft that another copy has open, that copy keeps the lock.
        self._lock = hold(key) if key is not None else None

    def holds(self, draft: str | Path) -> bool:
        return self._lock is not None and self._key == draft_lock_path(draft)

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
        self._lock = None
        self._key = None


def open_elsewhere(draft: str | Path, own: DraftLock | None = None) -> int | None:
    """The process that has this draft open, when it is another window or another copy of the app; else None."""
    if own is not None and own.holds(draft):
        return None
    return holder_pid(draft_lock_path(draft))
