"""The report as plain text that reads well in Notepad.

Lines end in CRLF because Windows Notepad before 2018 shows LF-only files as one line, and our users' PCs are
Windows office machines; a UTF-8 BOM makes older Notepad pick the right encoding. Tables are flattened to
one label column and their value columns, padded by display width (a Chinese character is two columns wide).
"""

from __future__ import annotations

import unicodedata

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


def _flat_rows(layout: d.TableLayout) -> tuple[list[str], list[list[str]]]:
    """Flatten a layout into a header and rows of (label, values…): group labels prefix their rows."""
    header: list[str] = []
    rows: list[list[str]] = []
    if layout.section == "s4":
        cols = layout.value_labels  # 结果维持 … 总计
        values = [c.text for c in layout.rows[-1] if c is not None]
        blocks = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]
        header = ["", *cols]
        for i, name in enumerate(blocks):
            rows.append([name, *values[i * 5:(i + 1) * 5]])
        return header, rows
    carry: dict[int, tuple[str, int]] = {}  # column → (group label, rows left)
    for row in layout.rows[layout.header_rows:]:
        cells = [(c, cell) for c, cell in enumerate(row) if cell is not None]
        first = cells[0][1] if cells else None
        if first is not None and first.role == "block":
            rows.append([first.text])
            continue
        labels, values = [], []
        for c, cell in cells:
            if cell.role == "group":
                carry[c] = (cell.text, cell.rowspan)
            elif cell.is_number:
                values.append(cell.text)
            elif cell.role in ("label", "head"):
                labels.append(cell.text)
        prefix = "".join(text for c, (text, _) in sorted(carry.items()) if not text.startswith("三、"))
        for c in list(carry):
            text, left = carry[c]
            carry[c] = (text, left - 1)
            if left - 1 <= 0:
                del carry[c]
        if first is not None and first.role == "head":
            rows.append(["#head", *labels])
        else:
            rows.append([prefix + "".join(labels[:1]), *labels[1:], *values])
    if layout.section == "s3":
        header = ["", *layout.value_labels]
    return header, rows


def table_lines(layout: d.TableLayout) -> list[str]:
    header, rows = _flat_rows(layout)
    data = [r for r in rows if len(r) > 1 and r[0] != "#head"]
    n = max([len(r) for r in data] + [len(header)])
    label_w = max([display_width(r[0]) for r in rows] + [10])
    value_w = max([display_width(x) for r in data for x in r[1:]] + [display_width(x) for x in header[1:]] + [4])
    lines: list[str] = []
    if header:
        lines.append(pad(header[0], label_w) + "  " + "  ".join(pad(h, value_w, "center") for h in header[1:]))
    for r in rows:
        if len(r) == 1:
            lines.append(f"【{r[0]}】")
        elif r[0] == "#head":
            lines.append(pad(r[1], label_w) + "  " + "  ".join(pad(h, value_w, "center") for h in r[2:]))
        else:
            cells = r[1:] + [""] * (n - len(r))
            lines.append(pad(r[0], label_w) + "  " + "  ".join(pad(v, value_w, "right") for v in cells))
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
