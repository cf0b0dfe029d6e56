"""Format files as loaded (validated, cells and formulas expanded), kept across runs in the user's cache folder.

Loading a format file builds pydantic's validators for its seventeen kinds of entries and expands every cell,
formula and check: about 40 ms, paid by every command and by the window before it can show a report. The result
depends only on the file's bytes and on the code that loads it, so it is stored once per format file and used again
while both are unchanged: the key holds the SHA-256 of the file's bytes (read anew each time, so an edited file is
loaded again whatever its modification time says), the code of model/spec.py, and the pydantic and Python versions.

The cache is only ever a shortcut: a missing, partial, corrupt or foreign entry is a miss and the file is loaded as
before (and the entry rewritten); a file that does not load is never stored, so its fault is reported every time; a
cache folder that cannot be written leaves everything working. An entry can only hold the loader's own classes and
plain data: a tampered entry cannot run code.
"""

from __future__ import annotations

import hashlib
import marshal
import pickle
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable, TypeVar

from model.cache_entries import read_entry, write_entry
from model.user_cache import cache_dir

_FORMAT = 1  # bump when what is stored changes in a way the key does not show
T = TypeVar("T")


class _OnlyClassesOf(pickle.Unpickler):
    """Unpickles plain data and the classes the module defines, nothing else."""

    def __init__(self, file, module: ModuleType):
        super().__init__(file)
        self._module = module

    def find_class(self, module, name):
        found = getattr(self._module, name, None) if module == self._module.__name__ else None
        if isinstance(found, type) and found.__module__ == module:
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a loaded format")


def _code_of(module: ModuleType) -> bytes | None:
    """What the stored objects are made by: the module's source, or its compiled code where there is no source
    (the installed program); None when neither can be read (then nothing is cached)."""
    try:
        return Path(module.__file__).read_bytes()
    except (OSError, TypeError, AttributeError):
        pass
    try:
        return marshal.dumps(module.__loader__.get_code(module.__name__))
    except Exception:  # noqa: BLE001 — a loader that cannot give its code: load without the cache
        return None


def _key(data: bytes, module: ModuleType) -> tuple | None:
    import pydantic

    code = _code_of(module)
    if code is None:
        return None
    digest = hashlib.sha256
    return (_FORMAT, digest(data).hexdigest(), digest(code).hexdigest(), pydantic.VERSION, sys.version_info[:2])


def _entry_path(path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / "formats" / f"{name}.pickle"


def cached_load(path: Path, data: bytes, load: Callable[[bytes], T], module: ModuleType, kind: type[T]) -> T:
    """load(data) for the file at path whose bytes are data, from the cache when file and code are unchanged.
    Whatever load raises is raised (and nothing is stored)."""
    key = _key(data, module)
    if key is None:
        return load(data)
    entry = _entry_path(path)
    value = read_entry(entry, key, lambda file: _OnlyClassesOf(file, module))
    if type(value) is not kind:
        value = load(data)
        write_entry(entry, key, value)  # a cache that cannot be written only costs the next run the loading time
    return value
