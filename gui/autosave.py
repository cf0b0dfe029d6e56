"""Autosave of each window to its own recovery file — never over the user's draft — and recovery after a crash.

Every window writes to recovery/<process id>-<start time>-<window>.json and holds that file's lock (gui.instances)
for as long as it runs. A clean save or a normal close removes the window's own file and nothing else. At the next
start, only files whose owner is gone (its lock is stale) are offered back; a copy of the app that is still
running is never asked about, and its file is never touched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QWidget

from gui import instances
from gui.controller import ReportController
from model.draft import Draft
from model.drafts_io import DraftError, atomic_write_bytes, draft_from_data

INTERVAL_MS = 30_000
# While the keyboard is in a one-line field (a table cell being typed in, the agency), handing the field over
# would close the cell editor or reset the cursor under the user's fingers: the timed save waits for the field
# to be left, checking every RETRY_MS, and after MAX_RETRIES saves the report without that field.
RETRY_MS = 2_000
MAX_RETRIES = 15


class Autosaver(QObject):
    """Secures one window's unsaved work every 30 s and at every page change.

    On the UI thread, where the report is consistent, only a snapshot of the draft is taken (a copy of its
    structure; the long texts and pictures are shared, never copied). Turning it into JSON, the write and its
    fsync run on one worker thread, so that neither pictures nor a slow disk freeze a page switch or typing.
    Writes and removals keep their order, never two at once; snapshots taken while a write is under way are
    not queued one by one: the next write takes the latest, so the last state is always the one written."""

    failed = Signal()  # emitted on the worker thread, delivered on the UI thread: tell the user at once

    def __init__(self, controller: ReportController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.owner_id = instances.new_owner_id()
        self.path = instances.recovery_dir() / f"{self.owner_id}.json"
        self._owner_lock = instances.hold(instances.owner_lock_path(self.path))
        self.draft_lock = instances.DraftLock(controller, self)
        self.last_error: OSError | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._latest: tuple[str | None, Draft] | None = None  # the newest snapshot not yet written
        self._latest_lock = threading.Lock()
        self._plain_pictures: dict = {}  # used by the worker thread only (recovery_bytes)
        self.failed.connect(self._report_failure)
        self._finished = False
        # what has been secured: a counter of edits, so that an idle window does not rewrite the same file
        self._edits = 0
        self._secured_edits = -1
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._timed_save)
        self.timer.start()
        self._retries = 0
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._timed_save)
        controller.changed.connect(self._edited)
        controller.documentChanged.connect(self._edited)
        controller.fileStateChanged.connect(self._file_state_changed)

    def _edited(self, *_args) -> None:
        self._edits += 1

    def _typing_in_a_field(self) -> bool:
        # the window's own focus child: the user may be in another program and come back to the same cell
        window = self.parent()
        focus = window.focusWidget() if isinstance(window, QWidget) else None
        return isinstance(focus, (QLineEdit, QAbstractSpinBox)) and focus.isVisible()

    def _timed_save(self) -> None:
        if self._typing_in_a_field() and self._retries < MAX_RETRIES:
            self._retries += 1
            self._retry.start()
            return
        commit = self._retries < MAX_RETRIES
        self._retries = 0
        self.save_now(commit=commit)

    def save_now(self, commit: bool = True) -> bool:
        """Secure what is on screen when there are unsaved changes; returns whether a write was started."""
        if self._finished:
            return False
        self._report_failure()
        if commit:
            self.controller.commit_pending_edits()  # a cell or text still being typed in is part of the work
        if not self.controller.dirty or self._edits == self._secured_edits:
            return False
        snapshot = (str(self.controller.path) if self.controller.path else None, self.controller.to_draft())
        self._secured_edits = self._edits
        with self._latest_lock:
            queued = self._latest is not None  # a write is waiting to start: it will take this snapshot
            self._latest = snapshot
        if not queued:
            self._writer.submit(self._write_latest)
        return True

    def _report_failure(self) -> None:
        """Tell the user, in the window's status bar, when the last autosave could not be written."""
        error, window = self.last_error, self.parent()
        if error is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(
                f"自动保存失败：无法写入恢复文件“{self.path}”（{error.strerror or error}）。请尽快手动保存。", 20_000)

    def _write_latest(self) -> None:  # on the worker thread
        with self._latest_lock:
            snapshot, self._latest = self._latest, None
        if snapshot is None:
            return
        original_path, draft = snapshot
        try:
            atomic_write_bytes(self.path, recovery_bytes(original_path, draft, self._plain_pictures))
            self.last_error = None
        except OSError as exc:
            # a full disk must not interrupt the user's typing; the next tick tries again
            self.last_error = exc
            self._secured_edits = -1
            self.failed.emit()

    def _remove_own_file(self) -> None:  # on the worker thread
        try:
            self.path.unlink()
        except OSError:
            pass  # a file left behind is offered once this window is gone, never lost

    def flush(self) -> None:
        """Wait until every write started so far is on disk."""
        self._writer.submit(lambda: None).result()
        self._report_failure()

    def _file_state_changed(self) -> None:
        if not self.controller.dirty and not self._finished:
            self._secured_edits = -1
            self._writer.submit(self._remove_own_file)

    def stop(self) -> None:
        self.timer.stop()
        self._retry.stop()

    def finish(self) -> None:
        """A normal close: remove this window's recovery file (only its own) and give up its locks."""
        if self._finished:
            return
        self._finished = True
        self.timer.stop()
        self._retry.stop()
        self._writer.submit(self._remove_own_file)
        self._writer.shutdown(wait=True)
        self.draft_lock.release()
        if self._owner_lock is not None:
            self._owner_lock.unlock()
            self._owner_lock = None


@dataclass
class Recovery:
    """A recovery file whose owner is gone, locked by this process while the user decides about it."""

    path: Path
    lock: QLockFile
    draft: Draft | None  # None when the file cannot be read
    original_path: str | None
    saved_at: dt.datetime

    @property
    def agency(self) -> str:
        if self.draft is None:
            return "（文件已损坏，无法恢复）"
        return self.draft.meta.agency or "（未填写机关名称）"

    @property
    def year(self) -> str:
        return f"{self.draft.meta.year} 年度" if self.draft is not None else ""

    @property
    def place(self) -> str:
        return self.original_path or "（未保存的新报告）"

    def release(self) -> None:
        """Leave the file for a later start."""
        self.lock.unlock()

    def discard(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass  # a file that cannot be removed is offered again next time, never lost
        finally:
            self.lock.unlock()


def recovery_bytes(original_path: str | None, draft: Draft, plain: dict | None = None) -> bytes:
    """The recovery file: where the draft came from, when, which process, and the draft itself, as UTF-8 JSON.

    Runs on the worker thread, which shares Python's lock with the window: every moment it holds the lock the
    window may wait. So the pictures (base64 text of hundreds of kilobytes each, which JSON writes as it is)
    never go through the encoder: the JSON of the rest is made with their places marked, and their bytes are
    put in those places. `plain` remembers, across saves, which picture texts were checked to need no
    escaping (the same text objects come back in every snapshot)."""
    plain = {} if plain is None else plain
    pictures: list[str] = []
    token = f"nianbao-picture-{uuid.uuid4().hex}-"
    seen: dict[int, tuple[str, bool]] = {}

    def lift(value):
        if isinstance(value, dict):
            return {k: lift(v) for k, v in value.items()}
        if isinstance(value, list):
            return [lift(v) for v in value]
        if isinstance(value, str) and len(value) > 4096:
            known = plain.get(id(value))
            ok = known[1] if known is not None and known[0] is value else _is_plain_json_text(value)
            seen[id(value)] = (value, ok)
            if ok:
                pictures.append(value)
                return f"{token}{len(pictures) - 1}"
        return value

    envelope = {"original_path": original_path, "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
                "pid": os.getpid(), "draft": lift(draft.model_dump(mode="json"))}
    plain.clear()
    plain.update(seen)  # pictures no longer in the report are forgotten
    parts = re.split(f'"({re.escape(token)}\\d+)"', json.dumps(envelope, ensure_ascii=False))
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out += [b'"', pictures[int(part[len(token):])].encode("ascii"), b'"']
        else:
            out.append(part.encode("utf-8"))
    return b"".join(out)


def _is_plain_json_text(text: str) -> bool:
    """Whether JSON writes this text unchanged between its quotes (base64 is: letters, digits, + / =)."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def orphaned_recoveries() -> list[Recovery]:
    """Every recovery file left by a window that did not close normally and whose process is gone, oldest first.

    Each one comes locked, so that two copies started at the same moment never offer the same file twice."""
    found = []
    for path in sorted(instances.recovery_dir().glob("*.json")):
        lock = instances.hold(instances.owner_lock_path(path))
        if lock is None:
            continue  # its owner is running: not a crash, and not ours to touch
        try:
            saved_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
            envelope = json.loads(path.read_text(encoding="utf-8"))
            draft = draft_from_data(envelope["draft"], "自动保存的内容")
            original = envelope.get("original_path")
        except FileNotFoundError:
            lock.unlock()  # its owner removed it between the listing and now
            continue
        except (OSError, ValueError, KeyError, TypeError, DraftError):
            draft, original = None, None
        else:
            try:
                saved_at = dt.datetime.fromisoformat(envelope.get("saved_at") or "")
            except (TypeError, ValueError):
                pass  # an earlier version's file: the file's own time
        found.append(Recovery(path, lock, draft, original, saved_at))
    found.sort(key=lambda r: r.saved_at)
    return found
