"""Blank table cells of a PDF, found by where the numbers stand.

A PDF's text has no empty cells: a row of seven columns with one left blank extracts as six numbers, and the
text reader would put each into the column to its left. Each number of a table is drawn as a text object of
its own, centred in its cell, and each column has its label above it. So the numbers of one table block
(from a header to the next) and the column labels above them give the column centres; a row whose numbers
sit under fewer centres than the block has gets BLANK (read as unfilled) where a centre has no number.

Only rows whose numbers each stand apart (at an x no other text of the row starts at) are table rows: a
number inside a sentence never is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from model.importers.text import BLANK
from model.spec import format_ids, get_format

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
# A digit is about half an em wide in the fonts PDFs use for figures; a Chinese character a full em.
DIGIT_EM = 0.55
# Same row: baselines this close (points). Same column: centres this close, in ems of the text.
ROW_TOLERANCE = 2.5
COLUMN_TOLERANCE_EM = 0.9
# A column label starts right of the label column: no further left of the first figures than this (points).
HEADER_REACH = 45


@dataclass
class Fragment:
    """One piece of text as pypdf hands it to the visitor, in extraction order."""

    text: str
    x: float
    y: float
    size: float

    @property
    def word(self) -> str:
        return self.text.strip()

    @property
    def is_number(self) -> bool:
        return bool(_NUMBER.match(self.word))

    @property
    def width(self) -> float:
        # a label broken over lines in its cell may come as one piece, “结果 维持”: its widest line counts
        return max(sum(DIGIT_EM if ord(ch) < 0x2E80 else 1.0 for ch in part) for part in self.word.split()) * self.size

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@lru_cache(maxsize=1)
def _column_labels() -> tuple[str, ...]:
    return tuple({c.label for fid in format_ids() for t in get_format(fid).tables.values() for b in t.blocks
                  for c in b.columns})


def _is_column_label(word: str) -> bool:
    """A column label or a piece of one broken across lines in its cell (“社会公” “益组织”)."""
    word = "".join(word.split()).split("（单位")[0]  # “本年收费金额（单位：万元）”
    return len(word) >= 2 and not _NUMBER.match(word) and any(word in label for label in _column_labels())


@dataclass
class Number:
    """A number standing in a table cell: one fragment, or several drawn digit by digit (“1” “1” for 11)."""

    first: int  # fragment indices, in extraction order
    last: int
    x: float
    right: float
    y: float
    size: float

    @property
    def centre(self) -> float:
        return (self.x + self.right) / 2


def _numbers(fragments: list[Fragment]) -> list[Number]:
    out: list[Number] = []
    for i, f in enumerate(fragments):
        if not f.is_number:
            continue
        last = out[-1] if out else None
        if last is not None and last.last == i - 1 and abs(last.y - f.y) <= ROW_TOLERANCE \
                and 0 <= f.x - last.right <= DIGIT_EM * f.size * 0.6:
            last.last, last.right = i, f.right
        else:
            out.append(Number(i, i, f.x, f.right, f.y, f.size))
    return out


def _rows(fragments: list[Fragment]) -> list[list[Number]]:
    """The numbers grouped by baseline, top to bottom, each row left to right; only rows whose numbers stand
    apart from the row's text (a table row, not a sentence)."""
    by_row: list[list[Number]] = []
    for number in sorted(_numbers(fragments), key=lambda n: -n.y):
        if by_row and abs(by_row[-1][0].y - number.y) <= ROW_TOLERANCE:
            by_row[-1].append(number)
        else:
            by_row.append([number])
    out = []
    for row in by_row:
        y = row[0].y
        others = [f.x for f in fragments if f.word and not f.is_number and abs(f.y - y) <= ROW_TOLERANCE]
        xs = [n.x for n in row]
        apart = len({round(x) for x in xs}) == len(xs) and all(abs(x - o) > 1 for x in xs for o in others)
        if apart and all(x > o for x in xs for o in others):
            out.append(sorted(row, key=lambda n: n.x))
    return out


def _clusters(centres: list[tuple[float, float]]) -> list[float]:
    """Column centres from (centre, tolerance) pairs: those closer than their tolerance are one column."""
    out: list[list[float]] = []
    for c, tol in sorted(centres):
        if out and c - out[-1][-1] <= tol:
            out[-1].append(c)
        else:
            out.append([c])
    return [sum(group) / len(group) for group in out]


def _joined(fragments: list[Fragment]) -> list[Fragment]:
    """Pieces of text one after another on one baseline, less than an em apart, as one: a label written in
    two runs (“本年” “制发件数”) is one column label, not two."""
    out: list[Fragment] = []
    for f in fragments:
        if not f.word or f.is_number:
            continue
        last = out[-1] if out else None
        if last is not None and abs(last.y - f.y) <= ROW_TOLERANCE and 0 <= f.x - last.right <= f.size \
                and "\n" not in last.text.rstrip(" "):
            out[-1] = Fragment(last.word + f.text, last.x, last.y, last.size)
        else:
            out.append(Fragment(f.text, f.x, f.y, f.size))
    return out


def _columns(rows: list[list[Number]], headers: list[Fragment]) -> list[float]:
    """The block's column centres: where its numbers stand, and where its column labels stand when those
    agree with the numbers (every column with a number has its label above it). A label whose place cannot
    be judged well (letter-spaced, run together with another) adds nothing."""
    tolerance = max(n.size for row in rows for n in row) * COLUMN_TOLERANCE_EM
    by_numbers = _clusters([(n.centre, tolerance) for row in rows for n in row])
    if not headers:
        return by_numbers
    by_labels = _clusters([(h.centre, tolerance) for h in headers])
    if all(any(abs(c - h) <= tolerance for h in by_labels) for c in by_numbers):
        return _clusters([(c, tolerance) for c in by_numbers + by_labels])
    return by_numbers


def blanks_before(fragments: list[Fragment]) -> dict[int, int]:
    """{fragment index: how many BLANKs to put before it} (index len(fragments) = after the last one)."""
    rows = _rows(fragments)
    if not rows:
        return {}
    first_x = min(n.x for row in rows for n in row)
    headers = [f for f in _joined(fragments) if f.x >= first_x - HEADER_REACH and _is_column_label(f.word)]
    # blocks: a run of rows with no column label between them
    blocks: list[tuple[list[list[Number]], list[Fragment]]] = []
    above = float("inf")
    for row in rows:
        y = row[0].y
        between = [h for h in headers if y + ROW_TOLERANCE < h.y < above]
        if between or not blocks:
            blocks.append(([], between))
        blocks[-1][0].append(row)
        above = y
    insert: dict[int, int] = {}
    for block_rows, block_headers in blocks:
        columns = _columns(block_rows, block_headers)
        for row in block_rows:
            if len(row) >= len(columns):
                continue
            placed = [min(range(len(columns)), key=lambda k: abs(columns[k] - n.centre)) for n in row]
            tolerance = max(n.size for n in row) * COLUMN_TOLERANCE_EM * 2
            if len(set(placed)) != len(placed) or placed != sorted(placed) or any(
                    abs(columns[k] - n.centre) > tolerance for k, n in zip(placed, row)):
                continue  # the numbers do not sit under the columns: leave the row as the text has it
            for k in range(len(columns)):
                if k in placed:
                    continue
                after = [n.first for n, col in zip(row, placed) if col > k]
                # before the next number of the row in extraction order, or after the row's last one
                at = min(after) if after else max(n.last for n in row) + 1
                insert[at] = insert.get(at, 0) + 1
    return insert


def page_text(fragments: list[Fragment]) -> str:
    """The page's text as pypdf extracts it, with BLANK where a table row has an empty cell."""
    insert = blanks_before(fragments)
    parts = []
    for i, f in enumerate(fragments):
        if i in insert:
            parts.append(f" {BLANK}\n" * insert[i])
        parts.append(f.text)
    if len(fragments) in insert:
        parts.append(f"\n{BLANK}" * insert[len(fragments)])
    return "".join(parts)
