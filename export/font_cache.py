"""What reportlab learns from a font file, kept across runs in the user's cache folder.

Parsing a CJK font (20 MB, 27,000 glyphs) takes reportlab about 0.3 s, and an export parses three to five of them.
The parsed face (metrics, character map, widths, glyph offsets) depends only on the file, so it is stored once per
font file, subfont index and reportlab version, and used again while the file's path, size and modification time
are unchanged. The file's bytes are not stored: they are read back from the font file only when a PDF embeds a
subset of it.

The cache is only ever a shortcut: a missing, partial, corrupt or foreign cache file is ignored and the font is
parsed again (and the entry rewritten); a cache folder that cannot be written leaves exports working as before.
Entries are written atomically, so two exports at the same time never read half an entry.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

import reportlab
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont, TTFontFace

from model.drafts_io import WriteError, atomic_write_bytes

CACHE_DIR_ENV = "NIANBAO_CACHE_DIR"  # where the cache lives (tests point it elsewhere)
_FORMAT = 1  # bump when what is stored changes
_NOT_STORED = ("_ttf_data", "_pdfScale", "_pos")  # the file's bytes, a lambda, a read position


def cache_dir() -> Path:
    """The user's cache folder for this program (per platform)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "nianbao"


class _FaceFromCache(TTFontFace):
    """A parsed face restored from the cache; the font file's bytes are read on first use (subsetting)."""

    def __getattr__(self, name):
        if name == "_ttf_data":
            with open(self.filename, "rb") as fh:
                self._ttf_data = fh.read()
            return self._ttf_data
        raise AttributeError(name)


class _CachedTTFont(TTFont):
    """reportlab's TTFont around a face that is already parsed (the rest as TTFont.__init__ sets it up)."""

    def __init__(self, name: str, face: TTFontFace):
        from weakref import WeakKeyDictionary

        from reportlab import rl_config
        from reportlab.pdfbase.ttfonts import TTEncoding

        self.fontName = name
        self.face = face
        self.encoding = TTEncoding()
        self.state = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = _shapable(name)


def _shapable(name: str) -> bool:
    from fnmatch import fnmatch

    from reportlab.pdfbase.ttfonts import unShapedFontGlob

    return not any(fnmatch(name, glob) for glob in unShapedFontGlob)



class _OnlyFontData(pickle.Unpickler):
    """Unpickles plain data and reportlab's name strings only: a tampered cache file cannot run code."""

    def find_class(self, module, name):
        if (module, name) == ("reportlab.pdfbase.ttfonts", "TTFNameBytes"):
            return TTFNameBytes
        raise pickle.UnpicklingError(f"{module}.{name} is not font data")


def _key(path: Path, index: int) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (_FORMAT, reportlab.Version, str(path.resolve()), index, st.st_size, st.st_mtime_ns)


def _entry_path(key: tuple) -> Path:
    digest = hashlib.sha256(repr(key[2:4]).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / "fonts" / f"{digest}.pickle"


def _scale(units_per_em: int):
    """reportlab's own font-unit → PDF-unit scale (a lambda it does not store in a picklable way)."""
    if units_per_em == 1000:
        return lambda x: x
    mult = 1000 / units_per_em
    return lambda x: x * mult


def _restore(key: tuple) -> TTFontFace | None:
    try:
        with open(_entry_path(key), "rb") as fh:
            stored_key, state = _OnlyFontData(fh).load()
    except Exception:  # noqa: BLE001 — any unreadable entry (partial, corrupt, old) is just a cache miss
        return None
    if stored_key != key or not isinstance(state, dict) or "charToGlyph" not in state:
        return None
    face = _FaceFromCache.__new__(_FaceFromCache)
    face.__dict__.update(state)
    face._pdfScale = _scale(state["unitsPerEm"])
    return face


def _store(key: tuple, face: TTFontFace) -> None:
    state = {k: v for k, v in face.__dict__.items() if k not in _NOT_STORED}
    try:
        data = pickle.dumps((key, state), protocol=pickle.HIGHEST_PROTOCOL)
        folder = _entry_path(key).parent
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(_entry_path(key), data)
    except (OSError, WriteError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a cache that cannot be written only costs the next export the parsing time


def load_ttfont(name: str, path: Path, index: int) -> TTFont:
    """reportlab's TTFont for the font file, from the cache when the file is unchanged, else parsed (and cached).
    Raises what TTFont raises for a file reportlab cannot use."""
    key = _key(path, index)
    if key is not None:
        face = _restore(key)
        if face is not None:
            return _CachedTTFont(name, face)
    font = TTFont(name, str(path), subfontIndex=index)
    if key is not None:
        _store(key, font.face)
    return font
