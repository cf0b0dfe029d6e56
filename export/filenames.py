"""Default names of exported files: the report's title made safe as a file name on Windows, macOS and Linux.

A name built here is always one plain file name, never a path: an agency called “../x/y:z” must not make an
export write outside the folder the user chose, nor fail with a message about a folder that does not exist.
"""

from __future__ import annotations

import unicodedata

# Characters Windows refuses in a file name; "/" and "\\" are also what would turn a name into a path.
_ILLEGAL = frozenset('\\/:*?"<>|')
# Device names Windows reserves whatever the extension (CON.pdf opens the console, not a file).
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                      | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")})
REPLACEMENT = "_"
# Most file systems allow 255 bytes per name; a Chinese character takes 3 bytes in UTF-8. The limit leaves
# room for the extension and for Windows' 260-character path limit in a modest folder.
MAX_STEM_BYTES = 180
FALLBACK_STEM = "年度报告"


def _is_control(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\u2028\u2029"


def safe_file_stem(text: str, fallback: str = FALLBACK_STEM) -> str:
    """`text` as a file name without extension: illegal and control characters replaced, no leading or trailing
    dots and spaces, no reserved device name, at most MAX_STEM_BYTES bytes of UTF-8."""
    text = unicodedata.normalize("NFC", text or "")
    chars = [REPLACEMENT if (ch in _ILLEGAL or _is_control(ch)) else ch for ch in text]
    stem = "".join(chars).strip(" .\u3000")  # a leading dot hides the file; Windows drops trailing dots/spaces
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        stem = encoded[:MAX_STEM_BYTES].decode("utf-8", errors="ignore").rstrip(" .\u3000")
    if not stem.strip(REPLACEMENT):
        stem = fallback
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = REPLACEMENT + stem
    return stem


def export_file_name(title: str, kind: str) -> str:
    """The default name of an export: `{机关}{年度}年政府信息公开工作年度报告.pdf` (the report's title) made safe."""
    return f"{safe_file_stem(title)}.{kind}"
