"""The report as plain text that reads well in Notepad.

Lines end in CRLF because Windows Notepad before 2018 shows LF-only files as one line, and our users' PCs are
Windows office machines; a UTF-8 BOM makes older Notepad pick the right encoding. Tables keep every header label
and fit a CMS editor: no table line is wider than 100 columns (a Chinese character counts two). Value columns are
aligned under their labels, upper header labels centred over their columns, and a row label too long for its
column goes on a line above its numbers; a table with too many columns for that lists each value with its label.
Row labels come before their numbers, as the text importer reads them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from export import document as d

INDENT = "\u3000\u3000"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int, align: str = "left") -> str:
    gap = max(0, width - display_width(text))
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


MAX_WIDTH = 100  # columns a CMS editor shows without wrapping; a Chinese character counts two
GAP = 2


@dataclass
class _Grid:
    """One table (or one block of a table) as text: a label column and value columns under their headers."""

    label_head: str = ""
    spans: list[list[tuple[int, int, str]]] = field(default_factory=list)  # per upper header line: (first, last, text)
    leaves: list[str] = field(default_factory=list)  # each value column's own label
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (label, values); no values: a group line


def _with_unit(label: str, cells: list[d.Cell]) -> str:
    """A column label with its unit when the values carry one the label does not name (2019's 采购总金额)."""
    units = {c.unit for c in cells}
    if len(units) == 1 and (unit := units.pop()) and unit not in label and not any(c.text.endswith(unit) for c in cells):
        return f"{label}（单位：{unit}）"
    return label


def _table_header(layout: d.TableLayout) -> tuple[list[str], list[list[tuple[int, int, str]]], list[tuple[int, str]]]:
    """(notes, upper header lines as spans over value columns, leaf labels by grid column) of a table's header rows."""
    notes, uppers, leaves = [], [], []
    for h, row in enumerate(layout.rows[:layout.header_rows]):
        spans = []
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if cell.role == "note":
                notes.append(cell.text)
            elif h + cell.rowspan >= layout.header_rows and cell.colspan == 1:
                leaves.append((c, cell.text))
            else:
                spans.append((c, c + cell.colspan - 1, cell.text))
        if spans:
            uppers.append(spans)
    return notes, uppers, sorted(leaves)


def _grids(layout: d.TableLayout) -> tuple[list[str], list[_Grid]]:
    """The table as notes and grids: one grid per block of 二, one for 三, and for 四 (a single row of values under
    a three-level header) one row per group of columns, named by its upper headers."""
    notes, uppers, leaves = _table_header(layout)
    body = layout.rows[layout.header_rows:]
    if layout.header_rows and len(body) == 1 and not any(c is not None and not c.is_number for c in body[0]):
        values = {c: cell for c, cell in enumerate(body[0]) if cell is not None}
        grid = _Grid()
        groups: dict[str, list[tuple[str, d.Cell]]] = {}
        for c, leaf in leaves:
            chain = [text for spans in uppers for first, last, text in spans if first <= c <= last]
            name = chain[0] + (f"（{'·'.join(chain[1:])}）" if len(chain) > 1 else "") if chain else ""
            groups.setdefault(name, []).append((leaf, values[c]))
        for name, cells in groups.items():
            labels = [leaf for leaf, _ in cells]
            if grid.leaves and labels != grid.leaves:  # groups with other columns: a grid of their own
                grid.rows.append(("", []))
            grid.leaves = labels
            grid.rows.append((name, [cell.text for _, cell in cells]))
        return notes, [grid]
    grids: list[_Grid] = []
    grid = _Grid()
    if layout.header_rows:
        columns = [c for c, _ in leaves]
        grid.leaves = [_with_unit(text, [r[c] for r in body if r[c] is not None]) for c, text in leaves]
        grid.spans = [[(columns.index(first), columns.index(last), text) for first, last, text in spans
                       if first in columns and last in columns] for spans in uppers]
        grids.append(grid)
    for i, row in enumerate(body):
        cells = [(c, cell) for c, cell in enumerate(row) if cell is not None]
        if not cells:
            continue
        first = cells[0][1]
        if first.role == "block":
            grids.append(_Grid(rows=[(f"【{first.text}】", [])]))
            continue
        if first.role == "head":  # a block's own header row: a new grid
            below = [r for r in body[i + 1:] if r and r[0] is not None and r[0].role == "label"]
            grid = _Grid(label_head=first.text)
            for c, cell in cells[1:]:
                grid.leaves.append(_with_unit(cell.text, [r[c] for r in below if r[c] is not None]))
            grids.append(grid)
            continue
        for c, cell in cells:
            if cell.role == "group":
                grid.rows.append((cell.text, []))
        label = "".join(cell.text for _, cell in cells if cell.role in ("label", "head"))
        grid.rows.append((label, [cell.text for _, cell in cells if cell.is_number]))
    return notes, grids


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    lines, line = [], indent
    for ch in text:
        if display_width(line + ch) > width:
            lines.append(line)
            line = indent
        line += ch
    return lines + [line] if line.strip() else lines


def _grid_lines(grid: _Grid) -> list[str]:
    n = len(grid.leaves)
    widths = [display_width(leaf) for leaf in grid.leaves]
    for _, values in grid.rows:
        for k, v in enumerate(values[:n]):
            widths[k] = max(widths[k], display_width(v))
    values_width = sum(w + GAP for w in widths)
    if n and values_width > MAX_WIDTH - 8:  # too many columns for one line: every value labelled on its own
        return _labelled_lines(grid)
    labels = [display_width(label) for label, values in grid.rows if values] + [display_width(grid.label_head)]
    label_w = min(max(labels + [0]), MAX_WIDTH - values_width)
    out: list[str] = []
    offsets = [label_w + sum(w + GAP for w in widths[:k]) + GAP for k in range(n)]
    for spans in grid.spans:  # an upper header label centred over the columns it spans
        line = ""
        for first, last, text in spans:
            left, right = offsets[first], offsets[last] + widths[last]
            line = pad(line, left) + pad(text, right - left, "center")
        out.append(line.rstrip())
    if n:
        out.append((pad(grid.label_head, label_w) + "".join(" " * GAP + pad(leaf, w, "center")
                                                            for leaf, w in zip(grid.leaves, widths))).rstrip())
    for label, values in grid.rows:
        if not values:
            out.append(label)
            continue
        if display_width(label) > label_w:  # a long label on a line of its own, its numbers below it
            out += _wrap(label, MAX_WIDTH)
            label = ""
        out.append(pad(label, label_w) + "".join(" " * GAP + pad(v, w, "right") for v, w in zip(values, widths)))
    return out


def _labelled_lines(grid: _Grid) -> list[str]:
    out = [f"（{grid.label_head}）"] if grid.label_head else []
    for label, values in grid.rows:
        out += _wrap(label, MAX_WIDTH) if label else []
        if values:
            out += _wrap("；".join(f"{leaf} {v}" for leaf, v in zip(grid.leaves, values)), MAX_WIDTH, INDENT)
    return out


def table_lines(layout: d.TableLayout) -> list[str]:
    """A table as lines no wider than MAX_WIDTH: its notes, then aligned columns under every header label (upper
    header labels centred over their columns); a label too long for its column goes on a line above its numbers."""
    notes, grids = _grids(layout)
    lines: list[str] = []
    for note in notes:
        lines += _wrap(note, MAX_WIDTH)
    for grid in grids:
        lines += _grid_lines(grid)
    return lines


def render_text(doc: d.Document) -> str:
    lines: list[str] = [doc.title, ""]
    if doc.draft_mark:
        lines[:0] = [d.DRAFT_MARK, ""]
    for el in doc.body:
        if isinstance(el, d.Heading):
            lines += [el.text if el.level == 2 else el.text, ""] if el.level == 2 else ["", el.text, ""]
        elif isinstance(el, d.Paragraph):
            lines += [INDENT + el.text, ""]
        elif isinstance(el, d.Figure):
            lines += [f"（图）{el.caption}", ""]
        elif isinstance(el, d.TableLayout):
            lines += table_lines(el) + [""]
    width = max(60, display_width(doc.agency), display_width(doc.date_text))
    lines += ["", pad(doc.agency, width, "right"), pad(doc.date_text, width, "right")]
    return "\r\n".join(lines).rstrip() + "\r\n"


def write_text(doc: d.Document) -> bytes:
    return ("\ufeff" + render_text(doc)).encode("utf-8")
