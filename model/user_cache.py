"""The user's cache folder for this program, per platform, without Qt (the commands must not load it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_dir() -> Path:
    """%LOCALAPPDATA%/nianbao on Windows, ~/Library/Caches/nianbao on macOS, $XDG_CACHE_HOME/nianbao elsewhere."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "nianbao"
