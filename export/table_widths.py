"""Column widths for a table in a text block, shared by the PDF and Word writers."""

from __future__ import annotations

from collections.abc import Callable

from export import document as d


def fit_column_widths(layout: d.TableLayout, total: float, size: float, pad: float,
                      number_width: Callable[[str], float]) -> list[float] | None:
    """Widths (in the unit of `total`) that give every number `number_width` of room on one line, every vertical
    label one character and every text column at least two characters, as close to the layout's proportions as
    that allows; None when no such widths fit in `total`."""
    prop = [total * w / sum(layout.widths) for w in layout.widths]
    need = [0.0] * layout.columns
    spans = []
    for _, c, cell in layout.cells():
        if cell.is_number:
            w = number_width(cell.text) + pad
        elif cell.vertical:
            w = size + pad
        else:
            w = min(2, len(cell.text)) * size + pad
        if cell.colspan == 1:
            need[c] = max(need[c], w)
        else:
            spans.append((c, cell.colspan, w))
    for c, span, w in spans:
        have = sum(need[c:c + span])
        if have < w:
            for k in range(c, c + span):
                need[k] += (w - have) / span
    if sum(need) > total:
        return None
    lo, hi = 0.0, 1.0
    for _ in range(40):  # the largest scale k with sum(max(need, k·prop)) ≤ total
        k = (lo + hi) / 2
        if sum(max(n, k * p) for n, p in zip(need, prop)) <= total:
            lo = k
        else:
            hi = k
    widths = [max(n, lo * p) for n, p in zip(need, prop)]
    rest = total - sum(widths)
    return [w + rest * w / sum(widths) for w in widths]
