"""Numbers as reports write them: Arabic (with thousands commas, full-width digits) or Chinese numerals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
BIG = {"万": 10_000, "亿": 100_000_000}
CHINESE_CHARS = "".join(DIGITS) + "".join(UNITS) + "".join(BIG)
NUMBER_PATTERN = rf"(?:\d[\d,，]*(?:\.\d+)?|[{CHINESE_CHARS}]+)"

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


def chinese_to_int(text: str) -> int | None:
    """一百二十三 → 123, 两千 → 2000, 三千零五 → 3005, 十二 → 12; None when not a numeral."""
    if not text or any(ch not in DIGITS and ch not in UNITS and ch not in BIG for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * BIG[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_number(text: str) -> Decimal | None:
    text = text.translate(_FULLWIDTH).replace(",", "").strip()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    value = chinese_to_int(text)
    return Decimal(value) if value is not None else None
