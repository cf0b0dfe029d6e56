"""Parsing and formatting of cell values by kind: whole counts, signed counts, exact amounts.

Every message here is what the user reads when a value is refused, so it says what is wrong in plain Chinese.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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
    """Parse user input for a cell of the given kind. Empty input means "not filled in" (None), never 0."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise ValueError_("不是数字")
    if isinstance(text, int):
        raw = str(text)
    elif isinstance(text, Decimal):
        raw = format(text, "f")
    elif isinstance(text, float):
        raw = repr(text)
    else:
        raw = normalise_text(str(text))
    if raw == "":
        return None
    if kind == "amount":
        return _parse_amount(raw)
    return _parse_count(raw, signed=(kind == "signed_count"))


def _parse_count(raw: str, signed: bool) -> int:
    body = raw[1:] if raw[:1] in "+-" else raw
    if not body.isdigit():
        if _looks_decimal(body):
            raise ValueError_(f"“{raw}”不是整数：这里只能填写整数件数")
        raise ValueError_(f"“{raw}”不是数字：这里只能填写{'整数（可为负数）' if signed else '不小于 0 的整数'}")
    value = int(raw)
    if value < 0 and not signed:
        raise ValueError_(f"“{raw}”是负数：这里只能填写不小于 0 的整数")
    if abs(value) > MAX_COUNT:
        raise ValueError_(f"“{raw}”过大：件数不能超过 {MAX_COUNT:,}")
    return value


def _looks_decimal(body: str) -> bool:
    try:
        Decimal(body)
        return True
    except InvalidOperation:
        return False


def _parse_amount(raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError_(f"“{raw}”不是数字：这里填写金额，例如 2.9786") from None
    if not value.is_finite() or "e" in raw.lower():
        raise ValueError_(f"“{raw}”不是普通的金额写法：请直接写出数字，例如 2.9786")
    if value < 0:
        raise ValueError_(f"“{raw}”是负数：金额不能小于 0")
    if value >= MAX_AMOUNT:
        raise ValueError_(f"“{raw}”过大：金额不能超过一万亿")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > AMOUNT_PLACES:
        raise ValueError_(f"“{raw}”的小数位数过多：金额最多保留 {AMOUNT_PLACES} 位小数")
    return value


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
