"""Entries of the user's cache folder: a value pickled with the key it was made for, written atomically.

The cache is only ever a shortcut: an entry that is missing, partial, corrupt, of another key or holding what its
reader's unpickler refuses (a tampered file cannot run code) reads as a miss, and an entry that cannot be written
is skipped.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, BinaryIO, Callable


def read_entry(path: Path, key: Any, unpickler: Callable[[BinaryIO], pickle.Unpickler]) -> Any | None:
    """The value stored at path for key, read through unpickler (which decides what an entry may hold); None
    for a miss."""
    try:
        with open(path, "rb") as fh:
            stored_key, value = unpickler(fh).load()
    except Exception:  # noqa: BLE001 — any unreadable entry is a miss
        return None
    return value if stored_key == key else None


def write_entry(path: Path, key: Any, value: Any) -> bool:
    """Store value for key at path, atomically; False when it could not be stored."""
    from model.atomic_files import WriteError, atomic_write_bytes

    try:
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
    except (OSError, WriteError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return False
    return True
