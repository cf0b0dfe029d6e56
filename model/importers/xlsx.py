"""Reading a nianbao workbook that a colleague filled in: cells matched by their row and column labels, never
by position, so moved rows and extra blank rows do not misplace a number."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from model.draft import Draft, Meta
from model.format_detect import detect_format
from model.importers.package import Package
from model.importers.report import MAX_TEXT_CHARS, ImportError_, ImportReport
from model.importers.text import _TITLE, BLANK, finish

_NORM = str.maketrans("", "", "“”\"' \n\u3000")
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
# Cells with content in one workbook, and the grid they span (rows with cells × widest column): an exported
# report has about 600 cells in a 30 × 15 grid.
MAX_CELLS = 200_000
MAX_GRID = 2_000_000
MAX_SHEETS = 200


# A column head that names its values' unit, as our printed tables and 2021's fee column do
_UNIT_NOTE = re.compile(r"[（(]单位[:：][^）)]*[）)]$")


def _norm(text) -> str:
    return str(text).translate(_NORM) if text is not None else ""


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class Sheet:
    """The cells a sheet really holds (never its declared dimension) and its merged ranges, 1-based."""

    name: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col

    def value(self, row: int, col: int):
        return self.cells.get((row, col))


def _cell_value(c, kind: str, shared: list[str]):
    """The value openpyxl's data_only reading gives: cached formula results, numbers as int or float."""
    if kind == "inlineStr":
        node = c.find(f"{S}is")
        return _rich_text(node) if node is not None else None
    v = c.findtext(f"{S}v")
    if v is None:
        return None
    if kind == "s":
        try:
            return shared[int(v)]
        except (ValueError, IndexError):
            return None
    if kind == "b":
        return v.strip() in ("1", "true")
    if kind in ("str", "e", "d"):
        return v
    try:
        return float(v) if any(x in v for x in ".eE") else int(v)
    except ValueError:
        return v


def _rich_text(node) -> str:
    """A string item's text: its runs, without the phonetic guide (rPh)."""
    return "".join(t.text or "" for t in node.iter(f"{S}t") if t.getparent().tag != f"{S}rPh")


def _shared_strings(package: Package, part: str) -> list[str]:
    strings: list[str] = []
    chars = 0
    for _, si in package.iterparse(part, tags=(f"{S}si",)):
        text = _rich_text(si)
        chars += len(text)
        if chars > MAX_TEXT_CHARS or len(strings) >= MAX_CELLS:
            raise ImportError_(f"{package.where(part)}的文字过多，不像一份年报，已拒绝导入。")
        strings.append(text)
        si.clear()
    return strings


def _read_sheet(package: Package, part: str, name: str, shared: list[str], budget: list[int]) -> Sheet:
    sheet = Sheet(name)
    row_no = 0
    for _, el in package.iterparse(part, tags=(f"{S}row", f"{S}mergeCell")):
        if el.tag == f"{S}mergeCell":
            ref = el.get("ref", "")
            found = _REF.findall(ref)
            if len(found) == 2:
                (c1, r1), (c2, r2) = found
                sheet.merges.append((int(r1), _column(c1), int(r2), _column(c2)))
            budget[0] -= 1
            el.clear()
            continue
        budget[0] -= 1  # a row counts like a cell: a million empty rows are work too
        row_no = int(el.get("r")) if (el.get("r") or "").isdigit() else row_no + 1
        col_no = 0
        for c in el.iterchildren(f"{S}c"):
            match = _REF.fullmatch(c.get("r") or "")
            col_no = _column(match.group(1)) if match else col_no + 1
            budget[0] -= 1
            if budget[0] < 0:
                raise ImportError_(f"“{package.path.name}”中的单元格超过 {MAX_CELLS} 个，不像一份年报，已拒绝导入。")
            sheet.cells[(row_no, col_no)] = _cell_value(c, c.get("t", "n"), shared)
        el.clear()
        while el.getprevious() is not None:
            del el.getparent()[0]
    return sheet


def read_workbook(path: Path) -> list[Sheet]:
    """The workbook's sheets in order, read from the package's XML as a stream."""
    with Package(path, "Excel 工作簿") as package:
        workbook = package.main_part("xl/workbook.xml")
        targets = package.relationships(workbook)
        shared_part = next((t for t in targets.values() if t.endswith("sharedStrings.xml")), None)
        shared = _shared_strings(package, shared_part) if shared_part and package.has(shared_part) else []
        listed = [(el.get("name", ""), el.get(f"{R}id", "")) for _, el in package.iterparse(workbook, tags=(f"{S}sheet",))]
        if len(listed) > MAX_SHEETS:
            raise ImportError_(f"“{path.name}”中有 {len(listed)} 张工作表，不像一份年报，已拒绝导入。")
        budget = [MAX_CELLS]
        return [_read_sheet(package, targets[rid], name, shared, budget) for name, rid in listed
                if rid in targets and package.has(targets[rid])]


def _grid(sheet: Sheet) -> list[list]:
    """Cell values row by row with merged ranges filled from their top-left cell.

    Only rows that hold cells are listed, each as wide as the widest cell or merged range; rows without
    any cell carry nothing the reading below uses.
    """
    if not sheet.cells:
        return []
    row_numbers = sorted({r for r, _ in sheet.cells})
    width = max(c for _, c in sheet.cells)
    # a merged range may reach past the last cell (a title over empty columns); one reaching far past the
    # content (A1:XFD1048576) is cut, since the columns beyond carry nothing
    width = max([width] + [min(c2, width * 2 + 64) for _, _, _, c2 in sheet.merges])
    if len(row_numbers) * width > MAX_GRID:
        raise ImportError_(f"工作表“{sheet.name}”的单元格分布在 {len(row_numbers)} 行 × {width} 列的范围内，"
                           "不像一份年报，已拒绝导入。")
    index = {r: i for i, r in enumerate(row_numbers)}
    rows = [[None] * width for _ in row_numbers]
    for (r, c), value in sheet.cells.items():
        rows[index[r]][c - 1] = value
    filled = 0
    for r1, c1, r2, c2 in sheet.merges:
        value = sheet.value(r1, c1)
        first = bisect_left(row_numbers, r1)
        for i in range(first, bisect_right(row_numbers, r2)):
            span = range(c1 - 1, min(c2, width))
            filled += len(span)
            if filled > MAX_GRID:
                raise ImportError_(f"工作表“{sheet.name}”的合并单元格范围过大，不像一份年报，已拒绝导入。")
            for c in span:
                rows[i][c] = value
    return rows


def _is_value(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) or (isinstance(v, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*|/|—|-|不适用", v.strip() or "x") is not None)


def import_xlsx(path: Path):
    worksheets = read_workbook(path)
    report = ImportReport(path.name)
    title = None
    for ws in worksheets[:3]:
        if isinstance(ws.value(2, 1), str) and _TITLE.search(ws.value(2, 1)):
            title = _TITLE.search(ws.value(2, 1))
            break
    if title is None:
        raise ImportError_(f"“{path.name}”不是本程序导出的年报工作簿（第 2 行没有报告标题）。")
    agency, year = title.group("agency").strip(), int(title.group("year"))
    grids = {id(ws): _grid(ws) for ws in worksheets}
    labels = " ".join(_norm(v) for ws in worksheets for row in grids[id(ws)] for v in row if isinstance(v, str))
    spec, _ = detect_format(labels, year)  # by the cues the format files declare, else by the year
    report.format_id = f"{spec.name}（{spec.data.notice}）"
    raw: dict[str, str] = {}
    sheets = {_norm(ws.value(1, 1)): ws for ws in worksheets}
    for section in spec.sections:
        if section.kind != "table":
            continue
        ws = sheets.get(_norm(section.heading))
        if ws is None:
            report.missing.append(f"{section.heading}（没有这张表）")
            continue
        table = spec.tables[section.table]
        grid = grids[id(ws)]
        if table.layout == "blocks_in_one_row":
            raw.update(_one_row(grid, spec, table, report))
        else:
            raw.update(_labelled_rows(grid, spec, table, report))
    draft = Draft(format=spec.id, meta=Meta(agency=agency, year=year))
    return finish(draft, raw, spec, report)


def _labelled_rows(grid, spec, table, report) -> dict[str, str]:
    raw: dict[str, str] = {}
    row_by_label = {}
    for block in table.blocks:
        for row in block.rows:
            for label in (row.label, *row.aliases):
                row_by_label[_norm(label)] = (block, row)
    header: dict[int, str] = {}  # column index → column label, from the nearest header row above
    known_cols = {_norm(c.label) for b in table.blocks for c in b.columns}
    for line in grid:
        texts = [(i, _norm(v)) for i, v in enumerate(line) if isinstance(v, str)]
        # a head may add its values' unit to the label (“采购总金额（单位：万元）”); 2021's own label names it
        heads = [(i, t if t in known_cols else _UNIT_NOTE.sub("", t)) for i, t in texts]
        if any(t in known_cols for _, t in heads) and not any(_is_value(v) for v in line if not isinstance(v, str)):
            header = {i: t for i, t in heads if t in known_cols}
            continue
        match = None
        for i, t in reversed(texts):
            if t in row_by_label:
                match = row_by_label[t]
                break
        if match is None:
            if any(_is_value(v) for v in line):
                report.ambiguous.append("有一行数字找不到对应的行标签：" + " ".join(str(v) for v in line if v is not None)[:60])
            continue
        block, row = match
        for col in block.columns:
            indices = [i for i, t in header.items() if t == _norm(col.label)]
            path = f"{table.id}.{row.id}.{col.id}"
            if indices and path in spec.computed_paths and (indices[0] >= len(line) or line[indices[0]] is None):
                raw[path] = BLANK  # a total printed blank: finish() keeps it as the source's blank
                continue
            if not indices or indices[0] >= len(line) or line[indices[0]] is None:
                report.missing.append(spec.cells[path].label)
                continue
            raw[path] = str(line[indices[0]])
    for block in table.blocks:
        for row in block.rows:
            for col in block.columns:
                path = f"{table.id}.{row.id}.{col.id}"
                if path not in raw and spec.cells[path].label not in report.missing:
                    report.missing.append(spec.cells[path].label)
    return raw


def _one_row(grid, spec, table, report) -> dict[str, str]:
    block = table.blocks[0]
    # each row is a group of the table's header: its label's last part (“行政诉讼·复议后起诉” → 复议后起诉)
    group_names = {_norm(row.label.split("·")[-1]): row.id for row in block.rows}
    col_by_label = {_norm(c.label): c.id for c in block.columns}
    raw: dict[str, str] = {}
    headers = [line for line in grid if any(isinstance(v, str) and _norm(v) in col_by_label for v in line)]
    data = [line for line in grid if sum(1 for v in line if _is_value(v) and not isinstance(v, str)) >= 5]
    if not headers or not data:
        report.missing += [spec.cells[p].label for p in spec.table_inputs(table.id)]
        return raw
    values = data[-1]
    for i, v in enumerate(values):
        col_label = _norm(headers[-1][i]) if i < len(headers[-1]) and isinstance(headers[-1][i], str) else ""
        group = None
        for line in grid:
            if i < len(line) and isinstance(line[i], str) and _norm(line[i]) in group_names:
                group = group_names[_norm(line[i])]  # the innermost group label above wins
        if col_label in col_by_label and group is not None and v is not None:
            raw[f"{table.id}.{group}.{col_by_label[col_label]}"] = str(v)
        elif col_label in col_by_label and group is not None:
            path = f"{table.id}.{group}.{col_by_label[col_label]}"
            if path in spec.computed_paths:
                raw[path] = BLANK  # a total printed blank: finish() keeps it as the source's blank
    for p in spec.table_cells(table.id):
        if p not in raw and p not in spec.computed_paths:
            report.missing.append(spec.cells[p].label)
    return raw
