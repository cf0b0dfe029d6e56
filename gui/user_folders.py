"""The per-user folders the app uses, from QStandardPaths: on Windows under %LOCALAPPDATA% and 文档, never next
to the program (a per-user install may sit in a folder the user cannot write to, and a portable copy on a USB
stick must not collect other people's data)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths

LOG_DIR_ENV = "NIANBAO_LOG_DIR"  # tests point it elsewhere; same name as the command line's log folder override


def documents_folder() -> Path:
    """文档 (Documents): where save and export dialogs start when nothing better is known."""
    place = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(place) if place else Path.home()
    return folder if folder.is_dir() else Path.home()


def log_folder() -> Path:
    """Where the app writes the log of an unexpected error (created when the first log is written): the same
    folder as the commands' logs (main.py log_dir, which must not load Qt) — %LOCALAPPDATA%/nianbao/logs on
    Windows, ~/.cache/nianbao/logs on Linux."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    kind = (QStandardPaths.StandardLocation.GenericDataLocation if sys.platform == "win32"
            else QStandardPaths.StandardLocation.GenericCacheLocation)
    base = QStandardPaths.writableLocation(kind)
    return Path(base or Path.home() / ".cache") / "nianbao" / "logs"
