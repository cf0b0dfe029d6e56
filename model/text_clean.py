"""Make any text safe for every output format, and say in Chinese what was changed.

Text reaches a report from pastes (Word, PDF viewers, web pages), imports and old drafts. Some of
it cannot be written: XML 1.0 (DOCX, XLSX) forbids most control characters and the non-characters
U+FFFE/U+FFFF; a PDF cannot draw them; a TXT with a raw \\x1b or \\x00 confuses every reader. This
module is the one place that decides what becomes of such characters:

* line breaks in any spelling — Word's soft line break \\v, U+2028, U+2029, \\r\\n and a lone \\r —
  become \\n, so the break the user saw stays a break;
* the tab \\t is kept: it is legal in every format we write and is the user's own layout;
* every other control character (C0, DEL, C1 — U+0085 included) is removed;
* every Unicode non-character (U+FDD0–U+FDEF and the last two code points of every plane) is
  removed;
* a surrogate pair that reached us as two code units is joined into its character; a lone
  surrogate is removed;
* the result is put in Unicode normal form C (NFC), so that the same visible text is the same
  string for search, comparison and fonts.

Private-use characters, direction marks and zero-width characters are kept: they are valid text,
and whether a font can draw them is the PDF writer's question.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# How many distinct code points a description names before it says “等”.
_NAMED_AT_MOST = 5

_SOFT_BREAK = "\v"
_LINE_SEPARATOR = "\u2028"
_PARAGRAPH_SEPARATOR = "\u2029"


# C0 except tab and line feed (the other breaks were already turned into \n), DEL and C1.
_REMOVED_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NONCHARACTER = re.compile(
    "[\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_REMOVED = re.compile(f"{_REMOVED_CONTROL.pattern}|{_NONCHARACTER.pattern}|{_SURROGATE.pattern}")


def _names(code_points: list[int]) -> str:
    distinct = list(dict.fromkeys(code_points))
    shown = "、".join(f"U+{cp:04X}" for cp in distinct[:_NAMED_AT_MOST])
    return shown + ("等" if len(distinct) > _NAMED_AT_MOST else "")


def _join_surrogate_pairs(text: str) -> tuple[str, int]:
    """Join high+low surrogate code units into the character they encode; count the joins."""
    if not _SURROGATE.search(text):
        return text, 0

    def join(pair: re.Match[str]) -> str:
        high, low = pair.group()
        return chr(0x10000 + ((ord(high) - 0xD800) << 10) + (ord(low) - 0xDC00))

    return _SURROGATE_PAIR.subn(join, text)


@lru_cache(maxsize=1)
def _composes_with_previous() -> frozenset[int]:
    """Starters (combining class 0) that NFC can merge into the character before them.

    Hangul vowel and trailing jamo do so by algorithm; the others appear as the second half of
    a canonical two-character decomposition (some Indic vowel signs, for instance). Computed once,
    only when a text actually changes under NFC; canonical decompositions live below U+20000 apart
    from the CJK compatibility ideographs, which decompose to a single character.
    """
    found = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for cp in range(0x20000):
        decomposition = unicodedata.decomposition(chr(cp))
        if not decomposition or decomposition.startswith("<"):
            continue
        parts = decomposition.split()
        if len(parts) == 2:
            second = int(parts[1], 16)
            if unicodedata.combining(chr(second)) == 0:
                found.add(second)
    return frozenset(found)


def _count_nfc_changes(text: str) -> int:
    """How many places (a base character with its marks) NFC writes differently."""
    merging = _composes_with_previous()
    segments: list[str] = []
    start = 0
    for i in range(1, len(text)):
        ch = text[i]
        if unicodedata.combining(ch) == 0 and ord(ch) not in merging:
            segments.append(text[start:i])
            start = i
    segments.append(text[start:])
    return sum(1 for s in segments if unicodedata.normalize("NFC", s) != s)


def clean_text(text: str) -> tuple[str, list[str]]:
    """Return *text* made safe for every writer, and Chinese descriptions of each kind of change.

    The descriptions are empty when nothing changed. See the module docstring for the rules.
    """
    notes: list[str] = []

    text, joined = _join_surrogate_pairs(text)

    crlf = text.count("\r\n")
    if crlf:
        text = text.replace("\r\n", "\n")
    lone_cr = text.count("\r")
    soft = text.count(_SOFT_BREAK)
    line_sep = text.count(_LINE_SEPARATOR)
    para_sep = text.count(_PARAGRAPH_SEPARATOR)
    if lone_cr or soft or line_sep or para_sep:
        text = (
            text.replace("\r", "\n")
            .replace(_SOFT_BREAK, "\n")
            .replace(_LINE_SEPARATOR, "\n")
            .replace(_PARAGRAPH_SEPARATOR, "\n")
        )

    controls = [ord(c) for c in _REMOVED_CONTROL.findall(text)]
    nonchars = [ord(c) for c in _NONCHARACTER.findall(text)]
    surrogates = [ord(c) for c in _SURROGATE.findall(text)]
    if controls or nonchars or surrogates:
        text = _REMOVED.sub("", text)

    nfc_changes = 0
    if not unicodedata.is_normalized("NFC", text):
        nfc_changes = _count_nfc_changes(text)
        text = unicodedata.normalize("NFC", text)

    if soft:
        notes.append(f"{soft} 处软换行（U+000B）改为换行")
    if line_sep or para_sep:
        notes.append(f"{line_sep + para_sep} 处行/段落分隔符（U+2028、U+2029）改为换行")
    if crlf or lone_cr:
        notes.append(f"{crlf + lone_cr} 处回车（U+000D）统一为换行")
    if controls:
        notes.append(f"删除了 {len(controls)} 个控制字符（{_names(controls)}）")
    if nonchars:
        notes.append(f"删除了 {len(nonchars)} 个 Unicode 非字符（{_names(nonchars)}）")
    if joined:
        notes.append(f"{joined} 对分开的代理码元合并为一个字符")
    if surrogates:
        notes.append(f"删除了 {len(surrogates)} 个孤立代理码元（{_names(surrogates)}）")
    if nfc_changes:
        notes.append(f"{nfc_changes} 处字符按 Unicode 标准组合形式（NFC）统一写法")
    return text, notes
