"""Reading a published Word document: paragraphs one by one, tables row by row (merged cells once).

The main document part is parsed as a stream (see package.py): each body paragraph and each table row is
turned into a line of text as soon as it ends and then dropped, so a large or hostile file cannot hold the
whole tree in memory. The text is what python-docx's Paragraph.text and _Row.cells give — runs and
hyperlinks of a paragraph, tabs, line breaks and non-breaking hyphens; a cell continued from the row above
(vertical merge) repeats the text of the cell it continues.
"""

from __future__ import annotations

import re
from pathlib import Path

from model.importers.package import Package
from model.importers.report import MAX_LINES, MAX_TEXT_CHARS, ImportError_
from model.importers.text import BLANK, import_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BODY, _P, _TBL, _TR, _TC, _R, _HYPERLINK = (f"{W}{t}" for t in ("body", "p", "tbl", "tr", "tc", "r", "hyperlink"))
_RUN_TEXT = {f"{W}cr": "\n", f"{W}noBreakHyphen": "-", f"{W}ptab": "\t", f"{W}tab": "\t"}
# Elements one paragraph or one table row may hold, and the whole document: far above any real report (a
# 100-page one has about 200,000), far below what takes the import past its time and memory.
MAX_ELEMENTS_PER_BLOCK = 100_000
MAX_ELEMENTS = 2_000_000
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _run_text(run) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag == f"{W}br":
            # a line break is a newline; page and column breaks are no text
            if child.get(f"{W}type", "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[tag])
    return "".join(parts)


def paragraph_text(p) -> str:
    parts = []
    for child in p:
        if child.tag == _R:
            parts.append(_run_text(child))
        elif child.tag == _HYPERLINK:
            parts.extend(_run_text(r) for r in child if r.tag == _R)
    return "".join(parts)


def _int_val(element, default: int) -> int:
    if element is None:
        return default
    try:
        return max(0, int(element.get(f"{W}val", default)))
    except ValueError:
        return default


def _row_cells(tr, above: dict[int, str]) -> tuple[list[str], dict[int, str]]:
    """The row's cell texts (a spanned cell once) and its texts by grid offset, for the row below."""
    offset = _int_val(tr.find(f"{W}trPr/{W}gridBefore"), 0)
    cells: list[str] = []
    by_offset: dict[int, str] = {}
    for tc in tr.iterchildren(_TC):
        span = _int_val(tc.find(f"{W}tcPr/{W}gridSpan"), 1) or 1
        merge = tc.find(f"{W}tcPr/{W}vMerge")
        if merge is not None and merge.get(f"{W}val", "continue") == "continue":
            text = above.get(offset, "")
        else:
            text = " ".join("\n".join(paragraph_text(p) for p in tc.iterchildren(_P)).split())
        cells.append(text)
        by_offset[offset] = text
        offset += span
    return cells, by_offset


def row_line(cells: list[str]) -> str:
    """One line of text for a table row. In a row of figures an empty cell is a blank one (unfilled, or left
    empty in the original) and stands as BLANK, so the next number does not slide into its column; empty
    cells of header rows and of the label columns left of the row's label are only layout."""
    if not any(_NUMBER.match(c) for c in cells):
        return " ".join(c for c in cells if c)
    first_label = next((i for i, c in enumerate(cells) if c and not _NUMBER.match(c)), -1)
    return " ".join(c or BLANK for i, c in enumerate(cells) if c or i > first_label)


def docx_lines(path: Path) -> list[str]:
    lines: list[str] = []
    chars = 0
    above: dict[int, str] = {}
    elements = total = 0
    with Package(path, "Word 文档") as package:
        part = package.main_part("word/document.xml")
        for event, el in package.iterparse(part, events=("start", "end")):
            if event == "start":
                elements += 1
                total += 1
                if total > MAX_ELEMENTS:
                    raise ImportError_(f"{package.where(part)}中有超过 {MAX_ELEMENTS} 个元素，不像一份年报，已拒绝导入。")
                if elements > MAX_ELEMENTS_PER_BLOCK:
                    raise ImportError_(f"{package.where(part)}中有一个段落或表格行含有超过 {MAX_ELEMENTS_PER_BLOCK} 个元素，"
                                       "不像一份年报，已拒绝导入。")
                continue
            parent = el.getparent()
            if parent is None:
                continue
            if parent.tag == _BODY:
                if el.tag == _P:
                    text = paragraph_text(el).strip()
                    if text:
                        lines.append(text)
                        chars += len(text)
                elif el.tag == _TBL:
                    above = {}
                parent.remove(el)
                elements = 0
            elif el.tag == _TR and parent.tag == _TBL and parent.getparent() is not None \
                    and parent.getparent().tag == _BODY:
                cells, above = _row_cells(el, above)
                line = row_line(cells)
                lines.append(line)
                chars += len(line)
                parent.remove(el)
                elements = 0
            if len(lines) > MAX_LINES:
                raise ImportError_(f"“{path.name}”有超过 {MAX_LINES} 个段落和表格行，不像一份年报，已拒绝导入。")
            if chars > MAX_TEXT_CHARS:
                raise ImportError_(f"“{path.name}”的文字超过 {MAX_TEXT_CHARS} 个字符，不像一份年报，已拒绝导入。")
    return lines


def import_docx(path: Path):
    return import_text("\n".join(docx_lines(path)), path.name, paragraph_per_line=True)
