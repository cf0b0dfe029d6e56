"""Reading a report converted to Markdown (.md): the text of a PDF or page run through a converter, with
“#” headings and pipe tables (| 规章 | 0 | 0 | 0 |).

Converters flatten the official tables badly: header words split over cells, row labels left as text lines
above or below their numbers, rows of numbers with no label. So a row is read only when its own cells say
what it is: a cell holding a row label of the format, followed by exactly as many cells as the row has
columns (a trailing empty cell is a blank total). A row of numbers without a label is never given to a row
above or below it: those cells stay unfilled and are listed. Text lines inside a table section are read the
same way (“行政许可 97” is a row of two cells). Table 四, one row of fifteen cells, is read when its rows of
figures hold exactly fifteen numbers.

Section headings are found by their official wording whatever their numeral, since converted reports number
their parts their own way (“一、主动公开政府信息情况” for the official 二).
"""

from __future__ import annotations

import re
from pathlib import Path

from model.draft import Draft, Heading, Meta
from model.importers.report import MAX_LINES, MAX_TEXT_CHARS, ImportError_, ImportReport, mark_unsure_cells
from model.importers.text import (_TITLE, BLANK, _meta, finish, format_of_import, narrative_blocks, read_one_row_table,
                                  read_text_file, squash)
from model.importers.xlsx import _norm
from model.spec import FormatSpec, newest_format
from model.text_clean import clean_text

_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*(?::?-{2,}:?)?\s*$")  # |---|:--| under a header row
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_EMPTY_MARKS = {"/", "／", "—", "－", "-", "不适用", "——"}
_NUMERAL_HEADING = re.compile(r"^[一二三四五六七八九十]{1,2}、")
# “2024 年上海市科委政府信息公开工作年度报告”: the year before the agency, as some reports write it
_YEAR_FIRST_TITLE = re.compile(r"^(?:正文)?(?P<year>\d{4})年度?(?P<agency>.+?)政府信息公开(?:工作)?年度报告")


def _cells(line: str) -> list[str]:
    """The cells of one pipe-table row, stripped; the outer pipes are not cells."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def parse_markdown(text: str) -> list:
    """Lines of text (headings without their “#”) and tables (lists of rows of cells), in order."""
    items: list = []
    table: list[list[str]] | None = None
    for raw in text.split("\n"):
        line = raw.strip()
        if _RULE.match(line):
            continue
        if line.startswith("|"):
            if table is None:
                table = []
                items.append(table)
            table.append(_cells(line))
            continue
        table = None
        if line:
            items.append(line.lstrip("#").strip() if line.startswith("#") else line)
    return items


def _heading_of(line: str, spec: FormatSpec) -> str | None:
    """The section a heading line opens, by the official title after any numeral: “一、主动公开政府信息情况”."""
    flat = squash(line)
    if not _NUMERAL_HEADING.match(flat) or "。" in flat:
        return None
    title = flat.split("、", 1)[1]
    for section in spec.sections:
        if title == section.title or (title.startswith(section.title) and len(title) <= len(section.title) + 2):
            return section.id
    return None


def _sections(items: list, spec: FormatSpec) -> tuple[list, dict[str, list]]:
    """(items before the first heading, {section id: its items}), headings found in the official order."""
    positions: dict[str, int] = {}
    order = [s.id for s in spec.sections]
    k = 0
    for i in range(len(items)):
        item = items[i]
        if not isinstance(item, str):
            continue
        sid = _heading_of(item, spec)
        if sid is not None and sid in order[k:]:
            positions[sid] = i
            k = order.index(sid) + 1
    if len(positions) < 3:
        raise ImportError_("没有找到年报的各部分标题（总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等），"
                           "这不像一份政府信息公开工作年度报告。")
    found = [sid for sid in order if sid in positions]
    sections = {}
    for n, sid in enumerate(found):
        end = positions[found[n + 1]] if n + 1 < len(found) else len(items)
        sections[sid] = items[positions[sid] + 1: end]
    return items[: positions[found[0]]], sections


def _title_lines(head: list[str]) -> list[str]:
    """The lines before 一 with the title as the text reader expects it (agency, then year)."""
    for n in range(1, min(len(head), 4) + 1):
        flat = squash("".join(head[:n]))
        m = _YEAR_FIRST_TITLE.match(flat)
        if m and not _TITLE.match(flat):
            return [f"{m.group('agency')}{m.group('year')}年政府信息公开工作年度报告", *head[n:]]
        if _TITLE.match(flat.removeprefix("正文")):
            return [flat.removeprefix("正文"), *head[n:]]
    return head


def _rows(section_items: list) -> list[list[str]]:
    """Every row of the section: pipe-table rows, and text lines split at their spaces."""
    rows: list[list[str]] = []
    for item in section_items:
        if isinstance(item, list):
            rows.extend(item)
        elif any(_NUMBER.match(w) for w in item.split()):
            rows.append(item.split())
    return rows


def _is_figure(cell: str) -> bool:
    return bool(_NUMBER.match(cell.replace(",", ""))) or cell in _EMPTY_MARKS


def read_labelled_rows(rows: list[list[str]], spec: FormatSpec, table_id: str, report: ImportReport) -> dict[str, str]:
    """Raw cell texts of the rows whose own cells name them; the rest of the table is listed as not read."""
    table = spec.tables[table_id]
    by_label = {_norm(label): (block, row) for block in table.blocks for row in block.rows
                for label in (row.label, *row.aliases)}
    raw: dict[str, str] = {}
    done: set[str] = set()
    for cells in rows:
        at = next((i for i, c in enumerate(cells) if _norm(c) in by_label), None)
        if at is None:
            figures = [c for c in cells if c]
            if figures and all(_is_figure(c) for c in figures):
                report.ambiguous.append(f"{spec.place_name(table_id)}：有一行数字没有行标签（{' '.join(figures)[:60]}），"
                                        "无法确定属于哪一行，未读入")
            continue
        block, row = by_label[_norm(cells[at])]
        values = cells[at + 1:]
        while len(values) > len(block.columns) and not values[-1]:
            values.pop()  # a converter pads rows with empty cells to the widest row
        paths = [f"{table_id}.{row.id}.{c.id}" for c in block.columns]
        if row.id in done:
            continue
        if len(values) != len(paths) or not all(_is_figure(v) or not v for v in values) or not any(values):
            report.ambiguous.append(f"{row.label}：读到“{' '.join(v or '（空）' for v in values)[:60]}”，"
                                    f"与该行 {len(paths)} 个单元格对不上，未读入")
            continue
        done.add(row.id)
        for path, value in zip(paths, values):
            raw[path] = value.replace(",", "") if value else BLANK
    for block in table.blocks:
        for row in block.rows:
            if row.id not in done:
                report.missing += [spec.cells[f"{table_id}.{row.id}.{c.id}"].label for c in block.columns
                                   if f"{table_id}.{row.id}.{c.id}" not in spec.computed_paths]
    out: dict[str, str] = {}
    for path, value in raw.items():
        if value == BLANK and path not in spec.computed_paths:
            report.missing.append(spec.cells[path].label)  # an empty cell: unfilled, as in the original
        else:
            out[path] = value  # a blank total goes on as printed (finish keeps it)
    return out


def _one_row(rows: list[list[str]], spec: FormatSpec, table_id: str, report: ImportReport) -> dict[str, str]:
    """Table 四: the numbers of its rows that hold nothing but figures, read as one row of fifteen."""
    figures = [c for cells in rows if any(cells) and all(_is_figure(c) or not c for c in cells) for c in cells if c]
    return read_one_row_table(" ".join(figures), spec, table_id, report)


def import_markdown_text(text: str, name: str = "Markdown 文本") -> tuple[Draft, ImportReport]:
    report = ImportReport(name)
    if len(text) > MAX_TEXT_CHARS:
        raise ImportError_(f"“{name}”的文字超过 {MAX_TEXT_CHARS} 个字符，不像一份年报，已拒绝导入。")
    text, changes = clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    report.notes += [f"导入的文字中{change}。" for change in changes]
    if text.count("\n") > MAX_LINES:
        raise ImportError_(f"“{name}”有超过 {MAX_LINES} 行，不像一份年报，已拒绝导入。")
    items = parse_markdown(text)
    spec0 = newest_format()  # every format has the same six sections; the tables decide the format below
    head, sections = _sections(items, spec0)
    head_lines = _title_lines([i for i in head if isinstance(i, str)])
    s6_lines = [i for i in sections.get("s6", []) if isinstance(i, str)]
    agency, year, date, preamble, s6_kept = _meta(head_lines, s6_lines, report)
    labels = "\n".join(" ".join(cells) for sid in sections for cells in _rows(sections[sid]))
    spec = format_of_import(labels, year, report)
    raw: dict[str, str] = {}
    narrative: dict[str, list] = {}
    for section in spec.sections:
        if section.id not in sections:
            if section.kind == "table":
                report.missing.append(f"{section.heading}（整张表）")
            continue
        body = sections[section.id]
        if section.kind == "table":
            rows = _rows(body)
            if spec.tables[section.table].layout == "blocks_in_one_row":
                raw.update(_one_row(rows, spec, section.table, report))
            else:
                raw.update(read_labelled_rows(rows, spec, section.table, report))
        else:
            lines = s6_kept if section.id == "s6" else [i for i in body if isinstance(i, str)]
            narrative[section.id] = _narrative(lines)
    _text_after_the_last_table(spec, sections, narrative, report)
    draft = Draft(format=spec.id, meta=Meta(agency=agency, year=year or spec.data.first_year, publication_date=date),
                  preamble=narrative_blocks(preamble), narrative=narrative)
    draft, report = finish(draft, raw, spec, report)
    return mark_unsure_cells(draft, report), report


def _text_after_the_last_table(spec: FormatSpec, sections: dict, narrative: dict, report: ImportReport) -> None:
    """A report whose 五 heading is missing runs its problems on after table 四: that text is put into 五,
    and the user is told, rather than dropped."""
    last_table = [s for s in spec.sections if s.kind == "table"][-1]
    after = [s for s in spec.sections if spec.sections.index(s) > spec.sections.index(last_table)]
    if not after or after[0].id in sections or last_table.id not in sections:
        return
    body = sections[last_table.id]
    last = max((i for i, x in enumerate(body) if isinstance(x, list)), default=-1)
    lines = [x for x in body[last + 1:] if isinstance(x, str)]
    if lines:
        narrative[after[0].id] = _narrative(lines)
        report.notes.append(f"没有找到“{after[0].heading}”标题：{last_table.heading}的表格之后的文字已放入“{after[0].heading}”，"
                            "请核对。")


def _narrative(lines: list[str]) -> list:
    """Blocks of a section; a short numbered line of its own (“二、工作机制保障”, the report's own parts
    inside 总体情况) is a sub-head, not the start of a paragraph."""
    blocks: list = []
    run: list[str] = []
    for line in lines:
        flat = squash(line)
        if _NUMERAL_HEADING.match(flat) and len(flat) <= 20 and "。" not in flat:
            blocks += narrative_blocks(run)
            blocks.append(Heading(text=line.strip()))
            run = []
        else:
            run.append(line)
    return blocks + narrative_blocks(run)


def import_markdown(path: Path) -> tuple[Draft, ImportReport]:
    return import_markdown_text(read_text_file(path), path.name)
