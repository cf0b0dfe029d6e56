"""The per-user folders the app uses, from QStandardPaths: on Windows under %LOCALAPPDATA% and 文档, never next
to the program (a per-user install may sit in a folder the user cannot write to, and a portable copy on a USB
stick must not collect other people's data)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from model.user_cache import log_dir as log_folder  # noqa: F401 — one folder for the app's and the commands' logs


def documents_folder() -> Path:
    """文档 (Documents): where save and export dialogs start when nothing better is known."""
    place = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(place) if place else Path.home()
    return folder if folder.is_dir() else Path.home()
