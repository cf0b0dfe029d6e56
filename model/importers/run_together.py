"""Numbers run together without separators (“7000007” for 7|0|0|0|0|0|7), as text crawled from a web page
leaves a table row: split only when exactly one split satisfies the table's own equations.

The equations are the format's: its computed totals (row total = sum of its parts) and its equation checks
(column rules across rows), never a guess at what a number “looks like”. A row with no split or with several
stays unfilled and is listed for a person to check.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import combinations
from math import comb

from model.spec import FormatSpec

# Splits tried for one row: a 21-digit row into 7 cells has C(20, 6) = 38,760; a row with more is left
# for a person to check rather than make the import slow.
MAX_CANDIDATES = 50_000
PIECE = re.compile(r"\d+(?:\.\d+)?")
UNDETERMINED = "无法确定，需人工核对"


def _splits(pieces: list[str], n: int) -> list[list[str]] | None:
    """Every way to cut the digit runs into n numbers, keeping their order; a number has no leading zero
    (unless it is 0) and a decimal is never cut. None when there are too many ways to try."""
    joined = "".join(pieces)
    forced, allowed, at = [], [], 0
    for piece in pieces:
        if at:
            forced.append(at)
        if "." not in piece:
            allowed += range(at + 1, at + len(piece))
        at += len(piece)
    extra = n - 1 - len(forced)
    if extra < 0 or extra > len(allowed):
        return []
    if comb(len(allowed), extra) > MAX_CANDIDATES:
        return None
    out = []
    for cuts in combinations(allowed, extra):
        bounds = [0, *sorted((*forced, *cuts)), len(joined)]
        parts = [joined[i:j] for i, j in zip(bounds, bounds[1:])]
        if all(len(x) == 1 or x[0] != "0" or x.startswith("0.") for x in parts):
            out.append(parts)
    return out


def _num(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _relations(spec: FormatSpec, table_id: str) -> list[list[tuple[str, int]]]:
    """Linear relations Σ sign·cell = 0 of a table: computed totals and equation checks (those that do not
    need last year's report)."""
    rels: list[list[tuple[str, int]]] = []
    prefix = f"{table_id}."
    for f in spec.formulas:
        if f.target.startswith(prefix):
            rels.append([(f.target, -1)] + [(s, 1) for s in f.sources])
    for eq in spec.equations:
        if eq.check.op != "eq" or any(t.previous for t in (*eq.lhs, *eq.rhs)):
            continue
        terms = [(t.path, t.sign) for t in eq.lhs] + [(t.path, -t.sign) for t in eq.rhs]
        if all(p.startswith(prefix) for p, _ in terms):
            rels.append(terms)
    return rels


def _computed_values(spec: FormatSpec, known: dict[str, Decimal]) -> dict[str, Decimal]:
    """Known cells plus the totals computed from them (a printed total may be missing)."""
    values = dict(known)
    for f in spec.formulas:  # topological order
        if f.target not in values and all(s in values for s in f.sources):
            values[f.target] = sum((values[s] for s in f.sources), Decimal(0))
    return values


def _holds(rels, values: dict[str, Decimal], touched: set[str]) -> bool:
    """False when a relation over the touched cells is broken; relations with unknown cells do not count."""
    for rel in rels:
        if not any(p in touched for p, _ in rel):
            continue
        if all(p in values for p, _ in rel):
            if sum((values[p] * s for p, s in rel), Decimal(0)) != 0:
                return False
    return True


def resolve(spec: FormatSpec, table_id: str, fixed: dict[str, str],
            runs: dict[str, tuple[list[str], list[str]]]) -> tuple[dict[str, str], list[str]]:
    """Cell texts for the rows whose numbers ran together, and the row paths left undetermined.

    *fixed*: the cells already read with separators. *runs*: per row id, (its cell paths, its digit runs).
    """
    rels = _relations(spec, table_id)
    known = {p: v for p, t in fixed.items() if (v := _num(t)) is not None}
    candidates: dict[str, list[list[str]]] = {}
    for row, (paths, pieces) in runs.items():
        options = []
        for split in _splits(pieces, len(paths)) or []:
            values = dict(zip(paths, (Decimal(x) for x in split)))
            if _holds(rels, _computed_values(spec, values), set(paths)):
                options.append(split)
        candidates[row] = options
    chosen: dict[str, str] = {}
    changed = True
    while changed:  # a row fixed makes column rules decide others
        changed = False
        for row, options in list(candidates.items()):
            paths = runs[row][0]
            if len(options) > 1:
                base = {**known, **{p: Decimal(v) for p, v in chosen.items()}}
                options = [o for o in options
                           if _holds(rels, _computed_values(spec, {**base, **dict(zip(paths, map(Decimal, o)))}),
                                     set(paths))]
                candidates[row] = options
            if len(options) == 1:
                chosen.update(zip(paths, options[0]))
                del candidates[row]
                changed = True
    return chosen, sorted(candidates)


__all__ = ["resolve", "PIECE", "UNDETERMINED"]
