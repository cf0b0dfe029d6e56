"""Parsing and formatting of cell values by kind: whole counts, signed counts, exact amounts.

Every message here is what the user reads when a value is refused, so it says what is wrong in plain Chinese.
"""

from __future__ import annotations

import re
from decimal import Decimal

from model.spec import ValueKind

Value = int | Decimal

MAX_COUNT = 10**9  # no agency handles a billion of anything in a year; larger input is a typing slip
MAX_AMOUNT = Decimal(10) ** 12
AMOUNT_PLACES = 6

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


class ValueError_(ValueError):
    """A value that the cell cannot hold; str() is a Chinese sentence for the user."""


def normalise_text(text: str) -> str:
    return text.translate(_FULLWIDTH).replace(",", "").replace(" ", "").replace("\u3000", "").strip()


def parse_value(text: str | int | Decimal | None, kind: ValueKind) -> Value | None:
    """Parse user input for a cell of the given kind. Empty input means "not filled in" (None), never 0.

    The one validation of a cell value: typing, paste, import and loading all come here. Only ASCII digits
    count as digits once full-width input (what a Chinese input method types) is mapped to them: ²、①、½、
    Arabic-Indic or mathematical digits are refused, and so is a number too long to be a count or an amount,
    before any conversion could spend time on it."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError_("不是数字")
    if isinstance(text, int):
        if abs(text) > _LONGEST_NUMBER:
            raise ValueError_(f"数值过大（{_digits_of(text)} 位）：{_limit_words(kind)}")
        raw = str(text)
    elif isinstance(text, Decimal):
        raw = _decimal_text(text, kind)
    elif isinstance(text, float):
        raw = repr(text)
    else:
        raw = normalise_text(str(text))
    if raw == "":
        return None
    if kind == "amount":
        return _parse_amount(raw)
    return _parse_count(raw, signed=(kind == "signed_count"))


# Anything longer than this is refused as too large before int() or Decimal() sees it (int() refuses 4,300
# digits with an English error and slows down well before that).
_LONGEST_NUMBER = 10**15
_MAX_TEXT_DIGITS = 40
_INTEGER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def shown(raw: str) -> str:
    """A value as quoted in a message: long input is shortened and control characters are written as
    escapes, so that the message stays one readable line."""
    if len(raw) > 24:
        raw = f"{raw[:12]}…{raw[-4:]}（共 {len(raw)} 个字符）"
    return "".join(ch if ch.isprintable() or ch == " " else f"\\u{ord(ch):04x}" for ch in raw)


def _digits_of(value: int) -> str:
    return f"{value.bit_length() * 3 // 10 + 1:,}" if value else "1"


def _limit_words(kind: ValueKind) -> str:
    return "金额不能超过一万亿" if kind == "amount" else f"件数不能超过 {MAX_COUNT:,}"


def _decimal_text(value: Decimal, kind: ValueKind) -> str:
    """A Decimal (a JSON number with a fraction) written out; refused before format() could write a
    billion digits for 1E+999999999."""
    if not value.is_finite():
        raise ValueError_(f"“{value}”不是数字")
    if value and value.adjusted() > 15:
        raise ValueError_(f"数值过大：{_limit_words(kind)}")
    if value.as_tuple().exponent < -_MAX_TEXT_DIGITS:
        raise ValueError_(f"“{shown(str(value))}”的小数位数过多")
    return format(value, "f")


def _parse_count(raw: str, signed: bool) -> int:
    body = raw[1:] if raw[:1] in "+-" else raw
    if not _INTEGER.fullmatch(body):
        if _DECIMAL.fullmatch(body):
            raise ValueError_(f"“{shown(raw)}”不是整数：这里只能填写整数件数")
        if _is_exponent(body):
            raise ValueError_(f"“{shown(raw)}”不是整数：请直接写出整数，例如 1200")
        raise ValueError_(f"“{shown(raw)}”不是数字：这里只能填写{'整数（可为负数）' if signed else '不小于 0 的整数'}")
    if len(body.lstrip("0")) > _MAX_TEXT_DIGITS:
        raise ValueError_(f"“{shown(raw)}”过大：件数不能超过 {MAX_COUNT:,}")
    value = int(raw)
    if value < 0 and not signed:
        raise ValueError_(f"“{shown(raw)}”是负数：这里只能填写不小于 0 的整数")
    if abs(value) > MAX_COUNT:
        raise ValueError_(f"“{shown(raw)}”过大：件数不能超过 {MAX_COUNT:,}")
    return value


def _is_exponent(body: str) -> bool:
    return bool(re.fullmatch(r"[0-9.]+[eE][+-]?[0-9]+", body))


def _parse_amount(raw: str) -> Decimal:
    sign, body = (raw[0], raw[1:]) if raw[:1] in "+-" else ("", raw)
    if not _DECIMAL.fullmatch(body):
        if _is_exponent(body):
            raise ValueError_(f"“{shown(raw)}”不是普通的金额写法：请直接写出数字，例如 2.9786")
        raise ValueError_(f"“{shown(raw)}”不是数字：这里填写金额，例如 2.9786")
    whole, _, fraction = body.partition(".")
    if len(whole.lstrip("0")) > 13:
        raise ValueError_(f"“{shown(raw)}”过大：金额不能超过一万亿")
    value = Decimal(sign + body)
    if value < 0:
        raise ValueError_(f"“{shown(raw)}”是负数：金额不能小于 0")
    if value >= MAX_AMOUNT:
        raise ValueError_(f"“{shown(raw)}”过大：金额不能超过一万亿")
    if len(fraction) > AMOUNT_PLACES:
        raise ValueError_(f"“{shown(raw)}”的小数位数过多：金额最多保留 {AMOUNT_PLACES} 位小数")
    return value


_STORED = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def parse_stored_value(raw, kind: ValueKind) -> Value | None:
    """A cell value as a draft file holds it: a JSON integer, or an amount as a plain decimal string. What a
    person may type (full-width digits, thousands separators, spaces) is not how a draft stores numbers, so
    it is refused here with the reason, then parse_value checks the value against the kind."""
    if isinstance(raw, str) and not _STORED.fullmatch(raw):
        if raw.strip() == "":
            raise ValueError_("是空文字：未填写的单元格在草稿中应省略")
        if any(not ch.isascii() for ch in raw):
            raise ValueError_(f"“{shown(raw)}”含全角或非阿拉伯数字字符：草稿文件中的数字只能用半角数字 0-9")
        raise ValueError_(f"“{shown(raw)}”不是草稿文件中的数字写法：应直接写出数字，例如 1200 或 2.9786")
    if raw is not None and not isinstance(raw, (str, int, Decimal, float)):
        raise ValueError_("应为数字")
    return parse_value(raw, kind)


def format_value(value: Value | None, kind: ValueKind | None = None) -> str:
    """The one way numbers are written everywhere: counts as integers, amounts exactly as entered."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_json(value: Value) -> int | str:
    """Drafts keep amounts as strings so that no float rounding ever touches them."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value
