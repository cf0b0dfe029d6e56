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
import io
import os
import pickle
from array import array
from bisect import bisect_left
from pathlib import Path

from export import reportlab_import  # noqa: F401 — first: see that module
import reportlab
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont, TTFontFace

from model.cache_entries import read_entry, write_entry
from model.user_cache import CACHE_DIR_ENV, cache_dir  # noqa: F401 — CACHE_DIR_ENV: how tests point it elsewhere
_FORMAT = 4  # bump when what is stored changes
_NOT_STORED = ("_ttf_data", "_pdfScale", "_pos")  # the file's bytes, a lambda, a read position


class _FaceFromCache(TTFontFace):
    """A parsed face restored from the cache; the font file's bytes are read on first use (subsetting)."""

    def __getattr__(self, name):
        # called only for what is not set yet: the file's bytes, and each big table on its first use (a fallback
        # font that draws no character of the report never needs its widths, glyph offsets or metrics)
        if name == "_ttf_data":
            with open(self.filename, "rb") as fh:
                self._ttf_data = fh.read()
            return self._ttf_data
        packed = self.__dict__.get("_packed")
        if packed is not None and name in packed:
            stored = packed.pop(name)
            if stored[0] in ("dict-int-int", "dict-int-float"):  # character map, widths: entry by entry
                value = _CodePointMap(_numbers("q", stored[1]), _numbers("q" if stored[0] == "dict-int-int" else "d",
                                                                       stored[2]))
            else:
                value = _unpack(stored)
            setattr(self, name, value)
            return value
        raise AttributeError(name)

    def makeSubset(self, subset):
        """The embedded subset of the characters a PDF uses: the same bytes for the same font file and the same
        characters, so kept in the cache as well. Exporting a report again (a figure corrected, the text as it
        was) then neither reads the font file nor builds the subset again."""
        key = self.__dict__.get("_cache_key")
        if key is None:
            return super().makeSubset(subset)
        wanted = (key, tuple(subset))
        data = _restore_subset(wanted)
        if data is None:
            data = super().makeSubset(subset)
            _store_subset(wanted, data)
        return data


_ABSENT = object()


class _CodePointMap(dict):
    """A face's table by code point (character map, widths) that unpacks an entry when it is first looked up.

    A CJK face maps 25,000–45,000 characters and a report uses about a thousand of them: building the whole dict
    took 5–9 ms per table and face, most of what setting a report's first page cost. reportlab reads these tables
    only by single lookups (`code in charToGlyph`, `charWidths.get(code, default)`, `charToGlyph[code]`); those
    find the entry in the sorted packed keys. Anything that sees the table as a whole (iteration, length, views,
    comparison, copying, removal) unpacks it whole first, so it behaves as the plain dict it stands for."""

    def __init__(self, keys: array, values: array):
        super().__init__()
        self._keys, self._values, self._whole = keys, values, False

    def _lookup(self, key):
        keys = self._keys
        i = bisect_left(keys, key) if type(key) is int else len(keys)
        if i < len(keys) and keys[i] == key:
            value = self._values[i]
            dict.__setitem__(self, key, value)
            return value
        return _ABSENT

    def _unpack_whole(self) -> None:
        if not self._whole:
            for key, value in zip(self._keys, self._values):
                dict.setdefault(self, key, value)  # an entry set since is kept
            self._whole = True

    def __missing__(self, key):
        if not self._whole:
            value = self._lookup(key)
            if value is not _ABSENT:
                return value
        raise KeyError(key)

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or (not self._whole and self._lookup(key) is not _ABSENT)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __bool__(self) -> bool:  # reportlab asks `if charToGlyph:` for every page's fonts
        return bool(len(self._keys)) or dict.__len__(self) > 0

    __hash__ = None

    def __reduce__(self):
        self._unpack_whole()
        return (dict, (dict(self.items()),))


def _unpacked_whole_first(name: str):
    """dict's method `name`, called once the map is unpacked whole."""
    method = getattr(dict, name)

    def whole(self, *args, **kwargs):
        self._unpack_whole()
        return method(self, *args, **kwargs)

    whole.__name__ = name
    return whole


for _name in ("__iter__", "__len__", "__eq__", "__ne__", "__repr__", "__reversed__", "__or__", "__ior__",
              "__delitem__", "keys", "values", "items", "copy", "pop", "popitem", "setdefault", "update", "clear"):
    setattr(_CodePointMap, _name, _unpacked_whole_first(_name))
del _name


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


# The big tables of a face (character map, widths, glyph offsets: ~25,000 entries each) are stored as packed
# machine numbers, not as pickled Python objects: unpickling 100,000 small objects per font cost more than half of
# what the cache saves. Each packing is used only when every entry fits it exactly, so unpacking gives equal data.
def _is_int(x) -> bool:
    return type(x) is int and -(2**63) <= x < 2**63


def _pack(value):
    if type(value) is dict and value:
        # in key order, so that one entry can be found without unpacking the others (_CodePointMap)
        keys = sorted(value) if all(map(_is_int, value)) else list(value)
        vals = [value[k] for k in keys]
        if all(map(_is_int, keys)):
            k = array("q", keys).tobytes()
            if all(map(_is_int, vals)):
                return ("dict-int-int", k, array("q", vals).tobytes())
            if all(type(v) is float for v in vals):
                return ("dict-int-float", k, array("d", vals).tobytes())
            if all(type(v) is list and all(map(_is_int, v)) for v in vals):
                return ("dict-int-ints", k, array("q", map(len, vals)).tobytes(),
                        array("q", [x for v in vals for x in v]).tobytes())
    if type(value) is list and value:
        if all(map(_is_int, value)):
            return ("list-int", array("q", value).tobytes())
        if all(type(v) is tuple and len(v) == 2 and _is_int(v[0]) and _is_int(v[1]) for v in value):
            return ("list-pair", array("q", [x for v in value for x in v]).tobytes())
    if type(value) in (list, dict) and len(value) > _LAZY_FROM:
        # a big table of other numbers (horizontal metrics, ints and floats mixed): unpickled on first use only
        return ("pickled", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return ("plain", value)


_LAZY_FROM = 1000  # entries: smaller tables are restored with the face
_KINDS = ("plain", "dict-int-int", "dict-int-float", "dict-int-ints", "list-int", "list-pair", "pickled")


def _numbers(kind: str, data: bytes) -> array:
    out = array(kind)
    out.frombytes(data)
    return out


def _unpack(packed):
    kind = packed[0]
    if kind == "plain":
        return packed[1]
    if kind == "dict-int-int":
        return dict(zip(_numbers("q", packed[1]), _numbers("q", packed[2])))
    if kind == "dict-int-float":
        return dict(zip(_numbers("q", packed[1]), _numbers("d", packed[2])))
    if kind == "dict-int-ints":
        flat, out, at = _numbers("q", packed[3]).tolist(), {}, 0
        for key, n in zip(_numbers("q", packed[1]), _numbers("q", packed[2])):
            out[key] = flat[at:at + n]
            at += n
        return out
    if kind == "list-int":
        return _numbers("q", packed[1]).tolist()
    if kind == "list-pair":
        flat = _numbers("q", packed[1]).tolist()
        return list(zip(flat[0::2], flat[1::2]))
    if kind == "pickled":
        return _OnlyFontData(io.BytesIO(packed[1])).load()
    raise ValueError(kind)


def code_points(face: TTFontFace) -> frozenset[int]:
    """The code points a face maps to glyphs — from the stored keys where its character map is still packed,
    without building the map (most faces of an export only answer “has it this character?”)."""
    packed = face.__dict__.get("_packed", {}).get("charToGlyph") if isinstance(face, _FaceFromCache) else None
    if packed is not None and packed[0] == "dict-int-int":
        return frozenset(_numbers("q", packed[1]))
    table = face.charToGlyph
    if isinstance(table, _CodePointMap) and not table._whole:
        return frozenset(table._keys) | frozenset(dict.keys(table))
    return frozenset(table)


def _well_formed(packed) -> bool:
    """The packed arrays have whole numbers of entries and keys match values, so unpacking cannot fail later."""
    kind, parts = packed[0], packed[1:]
    if kind == "plain":
        return len(parts) == 1
    if kind == "pickled":
        return len(parts) == 1 and type(parts[0]) is bytes
    if not parts or not all(type(p) is bytes and len(p) % 8 == 0 for p in parts):
        return False
    if kind in ("dict-int-int", "dict-int-float"):
        return len(parts) == 2 and len(parts[0]) == len(parts[1])
    if kind == "dict-int-ints":
        return len(parts) == 3 and len(parts[0]) == len(parts[1]) and sum(_numbers("q", parts[1])) * 8 == len(parts[2])
    if kind == "list-pair":
        return len(parts) == 1 and len(parts[0]) % 16 == 0
    return len(parts) == 1


def _restore(key: tuple) -> TTFontFace | None:
    state = read_entry(_entry_path(key), key, _OnlyFontData)
    if (not isinstance(state, dict) or "charToGlyph" not in state or "unitsPerEm" not in state
            or not all(isinstance(v, tuple) and v and v[0] in _KINDS and _well_formed(v) for v in state.values())):
        return None
    face = _FaceFromCache.__new__(_FaceFromCache)
    try:
        face.__dict__.update({name: packed[1] for name, packed in state.items() if packed[0] == "plain"})
        face._packed = {name: packed for name, packed in state.items() if packed[0] != "plain"}
        face._pdfScale = _scale(face.unitsPerEm)
        face._cache_key = key
    except Exception:  # noqa: BLE001 — an entry that does not unpack is a cache miss too
        return None
    return face


def _store(key: tuple, face: TTFontFace) -> None:
    state = {k: _pack(v) for k, v in face.__dict__.items() if k not in _NOT_STORED}
    # a cache that cannot be written only costs the next export the parsing time
    write_entry(_entry_path(key), key, state)


_MAX_SUBSETS = 256  # subsets kept (tens of KB each); the least recently used go first


def _subset_path(wanted: tuple) -> Path:
    return cache_dir() / "font-subsets" / f"{hashlib.sha256(repr(wanted).encode('utf-8')).hexdigest()[:32]}.bin"


def _restore_subset(wanted: tuple) -> bytes | None:
    path = _subset_path(wanted)
    data = read_entry(path, wanted, _OnlyFontData)
    if type(data) is not bytes:
        return None  # missing, partial or foreign: the subset is built
    try:
        os.utime(path)  # recently used: kept when the folder is pruned
    except OSError:
        pass
    return data


def _store_subset(wanted: tuple, data: bytes) -> None:
    path = _subset_path(wanted)
    if not write_entry(path, wanted, data):
        return  # only the next export pays for building the subset again
    try:
        entries = sorted(path.parent.glob("*.bin"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-_MAX_SUBSETS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


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
