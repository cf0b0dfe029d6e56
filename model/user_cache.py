"""The user's cache and log folders for this program, per platform, without Qt (the commands must not load it)."""

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


CACHE_DIR_ENV = "NIANBAO_CACHE_DIR"  # where the caches live (tests and benchmarks point it elsewhere)


def cache_dir() -> Path:
    """Where what the program learns once and keeps across runs is stored (parsed fonts, loaded format files)."""
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override) if override else user_cache_dir()


LOG_DIR_ENV = "NIANBAO_LOG_DIR"  # where tracebacks of unexpected errors are written (tests point it elsewhere)


def log_dir() -> Path:
    """Where the app and the commands write the log of an unexpected error: %LOCALAPPDATA%/nianbao/logs on Windows,
    ~/.cache/nianbao/logs on Linux (created when the first log is written)."""
    override = os.environ.get(LOG_DIR_ENV)
    return Path(override) if override else user_cache_dir() / "logs"
