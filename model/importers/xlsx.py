"""Reading a nianbao workbook that a colleague filled in: cells matched by their row and column labels, never
by position, so moved rows and extra blank rows do not misplace a number."""

from __future__ import annotations

import re
from pathlib import Path

from model.draft import Draft, Meta
from model.importers.report import ImportError_, ImportReport
from model.importers.text import _TITLE, finish
from model.spec import format_for_year, get_format

_NORM = str.maketrans("", "", "“”\"' \n\u3000")


def _norm(text) -> str:
    return str(text).translate(_NORM) if text is not None else ""


def _grid(ws) -> list[list]:
    """Cell values with merged ranges filled from their top-left cell."""
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row - 1, rng.max_row):
            for c in range(rng.min_col - 1, rng.max_col):
                if r < len(rows) and c < len(rows[r]):
                    rows[r][c] = value
    return rows


def _is_value(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) or (isinstance(v, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*|/|—|-|不适用", v.strip() or "x") is not None)


def import_xlsx(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(str(path), data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise ImportError_(f"“{path.name}”不是可读取的 Excel 工作簿（.xlsx）：{exc}") from None
    report = ImportReport(path.name)
    title = None
    for ws in wb.worksheets[:3]:
        if isinstance(ws["A2"].value, str) and _TITLE.search(ws["A2"].value):
            title = _TITLE.search(ws["A2"].value)
            break
    if title is None:
        raise ImportError_(f"“{path.name}”不是本程序导出的年报工作簿（第 2 行没有报告标题）。")
    agency, year = title.group("agency").strip(), int(title.group("year"))
    labels = " ".join(_norm(v) for ws in wb.worksheets for row in _grid(ws) for v in row if isinstance(v, str))
    fid = "2019" if ("本年新制作数量" in labels or "政府集中采购" in labels) else "2021" if "本年制发件数" in labels \
        else format_for_year(year).id
    spec = get_format(fid)
    report.format_id = f"{spec.name}（{spec.data.notice}）"
    raw: dict[str, str] = {}
    sheets = {_norm(ws["A1"].value): ws for ws in wb.worksheets}
    for section in spec.sections:
        if section.kind != "table":
            continue
        ws = sheets.get(_norm(section.heading))
        if ws is None:
            report.missing.append(f"{section.heading}（没有这张表）")
            continue
        table = spec.tables[section.table]
        grid = _grid(ws)
        if table.layout == "blocks_in_one_row":
            raw.update(_one_row(grid, spec, table, report))
        else:
            raw.update(_labelled_rows(grid, spec, table, report))
    draft = Draft(format=fid, meta=Meta(agency=agency, year=year))
    return finish(draft, raw, spec, report)


def _labelled_rows(grid, spec, table, report) -> dict[str, str]:
    raw: dict[str, str] = {}
    row_by_label = {}
    for block in table.blocks:
        for row in block.rows:
            for label in (row.label, *row.aliases):
                row_by_label[_norm(label)] = (block, row)
    header: dict[int, str] = {}  # column index → column label, from the nearest header row above
    for line in grid:
        texts = [(i, _norm(v)) for i, v in enumerate(line) if isinstance(v, str)]
        known_cols = {c.label for b in table.blocks for c in b.columns}
        if sum(1 for _, t in texts if t in {_norm(k) for k in known_cols}) >= 1 and not any(_is_value(v) for v in line if not isinstance(v, str)):
            header = {i: t for i, t in texts if t in {_norm(k) for k in known_cols}}
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
    group_names = {"行政复议": block.rows[0].id, "未经复议直接起诉": block.rows[1].id, "复议后起诉": block.rows[2].id}
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
    for p in spec.table_cells(table.id):
        if p not in raw and p not in spec.computed_paths:
            report.missing.append(spec.cells[p].label)
    return raw
