"""The list of recently opened drafts, kept in the user's settings.

It is stored as a settings array (one entry per path): a plain list value comes back from an INI file as a
string when it has one item, and iterating that string gave one menu entry per character.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

MAX_RECENT = 8
RECENT_KEY = "recent_files"  # an array group: a single path never comes back as a string of characters
OLD_RECENT_KEY = "recent"


def recent_paths() -> list[str]:
    """The recently opened drafts, newest first."""
    settings = QSettings()
    count = settings.beginReadArray(RECENT_KEY)
    paths = []
    for i in range(count):
        settings.setArrayIndex(i)
        path = settings.value("path", "")
        if isinstance(path, str) and path:
            paths.append(path)
    settings.endArray()
    if not count:  # written by an earlier version as a plain value: a one-item list was read back as a string
        old = settings.value(OLD_RECENT_KEY, [])
        paths = [old] if isinstance(old, str) else [str(p) for p in (old or [])]
    return [p for p in paths if p][:MAX_RECENT]


def store_recent_paths(paths: list[str]) -> None:
    settings = QSettings()
    settings.remove(OLD_RECENT_KEY)
    settings.remove(RECENT_KEY)
    settings.beginWriteArray(RECENT_KEY, len(paths))
    for i, path in enumerate(paths):
        settings.setArrayIndex(i)
        settings.setValue("path", path)
    settings.endArray()
