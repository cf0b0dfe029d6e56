"""Reading a published report from its text, as a PDF text extractor or a Word document leaves it.

Labels broken across lines, blank lines between lines, headers repeated at page breaks, vertical labels one
character a line and page-number lines are all expected. Table cells are found by their row labels in the
official order, never by position, and the numbers after each label are read as that row's cells.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from model import format_detect
from model.draft import Draft, Figure, Heading, Meta, Paragraph
import model.importers.run_together as run_together  # the module itself, not the package
from model.importers.report import MAX_LINES, MAX_TEXT_CHARS, ImportError_, ImportReport
from model.spec import FormatSpec, format_ids, get_format, newest_format
from model.state import ReportState
from model.stated_totals import BLANK_TOTAL
from model.text_clean import clean_text
from model.values import format_value, parse_value


def official_headings() -> list[tuple[str, str]]:
    """(section id, “一、总体情况” …) as the newest format file words them: a text is cut into its sections
    before its tables tell which format it is, and the national formats so far share the six headings."""
    return [(s.id, f"{s.number}、{s.title}") for s in newest_format().sections]


EMPTY_MARKS = {"/", "／", "—", "－", "-", "不适用", "——"}

_TITLE = re.compile(r"^(?P<agency>.+?)\s*(?P<year>\d{4})\s*年度?\s*政府信息公开(?:工作)?年度报告")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_PAGE_NUMBER = re.compile(r"^(?:[—\-－]\s*)?\d{1,3}(?:\s*[—\-－])?$")
_DASHED_PAGE_NUMBER = re.compile(r"^[—\-－]\s*\d{1,3}\s*[—\-－]$")  # "— 3 —": never a table value
_SUBHEAD = re.compile(r"^（[一二三四五六七八九十]+）")
_STRUCTURE = re.compile(r"^(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+是|（图|图\s*\d+[：:])")
_FIGURE = re.compile(r"^（图")
_TOKEN = re.compile(r"(?<![\w.\-－])(-?\d+(?:\.\d+)?|/|／|——|—|－|-|不适用|\ue000)(?![\w.])")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")
# The mark this program's own exports carry while a report fails its checks: never content of the report.
OWN_DRAFT_MARK = "草稿（未通过校验）"
# Stands in the table text for a cell left blank in a fixed-width table (our TXT export): read as unfilled.
BLANK = "\ue000"
# The rule under a Markdown table's header (|---|:--|): no content, and its dashes are not empty-cell marks.
_MARKDOWN_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*(?::?-{2,}:?)?\s*$")
_NUMBER_AT = re.compile(r"(?<!\S)(-?\d+(?:\.\d+)?|/|／|——|—|－|-|不适用)(?!\S)")


def read_text_file(path: Path) -> str:
    # four bytes a character at most (GB 18030 and UTF-8), so this bounds the text before it is decoded
    with path.open("rb") as f:
        raw = f.read(MAX_TEXT_CHARS * 4 + 1)
    if len(raw) > MAX_TEXT_CHARS * 4:
        raise ImportError_(f"“{path.name}”超过 {MAX_TEXT_CHARS * 4 >> 20} MB，不像一份年报的文字，已拒绝导入。")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # “Unicode” as Windows Notepad saves it
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportError_(f"无法识别“{path.name}”的文字编码，请另存为 UTF-8 文本后再导入。")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def detect_format(text: str, year: int | None) -> tuple[str, str | None]:
    """(format id, note): by the cues the format files declare; the year decides only when no cue is found."""
    spec, note = format_detect.detect_format(text, year)
    return spec.id, note


def format_of_import(labels: str, year: int | None, report: ImportReport) -> FormatSpec:
    """The format a report's table labels (or its year) point to, with the import report saying which and why."""
    fid, note = detect_format(labels, year)
    if note:
        report.notes.append(note)
    spec = get_format(fid)
    report.format_id = f"{spec.name}（{spec.data.notice}）"
    return spec


def _width(line: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E80 else 0.5 for ch in line)


def split_sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """(lines before 一, {section id: its lines}) by the six official headings, found in order."""
    positions: dict[str, int] = {}
    start = 0
    headings = official_headings()
    for sid, heading in headings:
        for i in range(start, len(lines)):
            if squash(lines[i]).startswith(heading) and len(squash(lines[i])) <= len(heading) + 2:
                positions[sid] = i
                start = i + 1
                break
    if len(positions) < 3:
        raise ImportError_("没有找到年报的各部分标题（一、总体情况 …… 六、其他需要报告的事项），这不像一份政府信息公开工作年度报告。")
    order = [sid for sid, _ in headings if sid in positions]
    sections: dict[str, list[str]] = {}
    for k, sid in enumerate(order):
        end = positions[order[k + 1]] if k + 1 < len(order) else len(lines)
        sections[sid] = lines[positions[sid] + 1: end]
    return lines[: positions[order[0]]], sections


def break_at_headings(text: str) -> str:
    """Put each official heading on a line of its own wherever it stands: text crawled from a web page is
    often one line. Headings are looked for in order, each after the one before."""
    cursor = 0
    for _, heading in official_headings():
        pos = text.find(heading, cursor)
        if pos == -1:
            continue
        end = pos + len(heading)
        line_start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end
        before, after = text[line_start:pos], text[end:line_end]
        if before.strip() or len(squash(after)) > 2:
            text = text[:pos] + "\n" + heading + "\n" + text[end:]
            end += 2
        cursor = end
    return text


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def mark_blank_cells(lines: list[str]) -> list[str]:
    """In a fixed-width table (our own TXT export), a row with fewer numbers than columns has blank cells:
    each number is placed under the column header it is right-aligned with and the blank ones are marked,
    so a blank stays unfilled instead of the next number sliding into its place."""
    labels = {c.label for fid in format_ids() for t in get_format(fid).tables.values() for b in t.blocks
              for c in b.columns}
    edges: list[int] = []
    out = []
    for line in lines:
        # a header may carry the column's unit: “采购总金额（单位：万元）”
        words = [(m.end(), m.group().split("（单位")[0]) for m in re.finditer(r"\S+", line)]
        if any(w in labels for _, w in words) and not _NUMBER_AT.search(line):
            # a header line (column labels as whole words): its columns end where their numbers end
            edges = [_display_width(line[:end]) for end, w in words if w in labels]
            out.append(line)
            continue
        numbers = list(_NUMBER_AT.finditer(line))
        if edges and numbers and len(numbers) < len(edges):
            at = {_display_width(line[:m.end()]): m.group(1) for m in numbers}
            if all(any(abs(e - x) <= 1 for e in edges) for x in at):
                cells = []
                for e in edges:
                    hit = next((at[x] for x in at if abs(e - x) <= 1), None)
                    cells.append(hit if hit is not None else BLANK)
                line = line[:numbers[0].start()] + " ".join(cells)
        out.append(line)
    return out


def narrative_blocks(lines: list[str], paragraph_per_line: bool = False) -> list:
    """Repair line breaks: a paragraph ends at a short line closing a sentence, or where a new structure
    starts (（一）, 一是, a picture caption); a short line （一）… without a full stop is a sub-head."""
    lines = [ln.strip() for ln in lines if ln.strip() and not _PAGE_NUMBER.match(ln.strip())]
    if not lines:
        return []
    widths = sorted(_width(ln) for ln in lines)
    full = widths[int(len(widths) * 0.8)] if len(widths) > 4 else max(widths)
    blocks: list = []
    kind, parts = None, []

    def flush():
        nonlocal kind, parts
        if parts:
            text = "".join(parts).strip()
            if kind == "figure":
                if text.startswith("图") and text.endswith("）") and "（" not in text:
                    text = text[:-1].strip()  # the closing bracket of "（图 1：X）"
                blocks.append(Figure(caption=text))
            elif text:
                blocks.append(Paragraph(text=text))
        kind, parts = None, []

    for line in lines:
        if _FIGURE.match(line):
            flush()
            # "（图）X" is the extractor's marker before a caption; "（图 1：X）" is a caption in brackets
            caption = line[3:] if line.startswith("（图）") else line[1:]
            kind, parts = "figure", [caption.strip()]
            continue
        if kind == "figure":
            # a caption runs on to a short next line that opens nothing new and ends no sentence
            closed = parts[0].startswith("图") and parts[-1].endswith("）")  # "（图 1：X）" already complete
            if not closed and not _STRUCTURE.match(line) and "。" not in line and _width(line) < full - 1.5:
                parts.append(line)
                continue
            flush()
        if _SUBHEAD.match(line) and "。" not in line and _width(line) < full - 1 and not line.endswith("："):
            flush()
            blocks.append(Heading(text=line))
            continue
        if kind is None or _STRUCTURE.match(line) or paragraph_per_line:
            flush()
            kind = "paragraph"
        parts.append(line)
        if re.search(r"[。！？”）]$", line) and _width(line) < full - 1.5:
            flush()
    flush()
    return blocks


def table_text(lines: list[str]) -> str:
    """One line of text for a table region; spaces between Chinese characters (line breaks inside a label)
    are removed, spaces around numbers are kept."""
    text = " ".join(ln.strip() for ln in lines if ln.strip())
    # converted text writes labels with ASCII brackets and a space after “1.”: “(一) 予以公开”, “1. 属于国家秘密”
    text = re.sub(r"\(([一二三四五六七八九十]{1,2})\)", r"（\1）", text)
    text = re.sub(r"(?<=[^\x00-\x7f])\s*\(", "（", text)
    text = re.sub(r"(?<=[^\x00-\x7f])\)", "）", text)
    text = re.sub(r"(?<![\d.])(\d{1,2}\.)\s+(?=[^\x00-\x7f])", r"\1", text)
    text = re.sub(r"(?<=[^\x00-\x7f\ue000])\s+(?=[^\x00-\x7f\ue000])", "", text)  # a blank cell stays apart
    # ...but a "—" or "不适用" standing for an empty cell is a value, not part of a label: set it apart
    return re.sub(r"\s*(——|—|－|不适用)\s*", r" \1 ", text)


def _label_key(label: str, length: int = 9) -> str:
    return label.translate(_QUOTES)[:length]


def read_rows(text: str, spec: FormatSpec, table_id: str, report: ImportReport) -> dict[str, str]:
    """Raw cell texts by path, for every row of a table found by its label in official order."""
    flat = text.translate(_QUOTES)
    values: dict[str, str] = {}
    runs: dict[str, tuple[list[str], list[str]]] = {}
    cursor = 0
    table = spec.tables[table_id]
    rows = [(block, row) for block in table.blocks for row in block.rows]
    for i, (block, row) in enumerate(rows):
        found = -1
        for label in (row.label, *row.aliases):
            key = _label_key(label)
            found = flat.find(key, cursor)
            if found != -1:
                found += len(key)
                break
        cells = [f"{table_id}.{row.id}.{c.id}" for c in block.columns]
        if found == -1:
            report.missing += [spec.cells[p].label for p in cells]
            continue
        # numbers belong to this row only up to where the next row's label starts
        limit = len(flat)
        for _, nxt in rows[i + 1:]:
            pos = flat.find(_label_key(nxt.label), found)
            if pos != -1:
                limit = pos
                break
        tokens = [m.group(1) for m in _TOKEN.finditer(flat, found, limit)]
        if len(tokens) < len(cells):
            pieces = run_together.PIECE.findall(flat, found, limit)
            if pieces:  # fewer numbers than cells: run together, or blanks we cannot place
                runs[row.id] = (cells, pieces)
                cursor = found
                continue
        for j, path in enumerate(cells):
            if j < len(tokens) and tokens[j] != BLANK:
                values[path] = tokens[j]
            elif j < len(tokens) and path in spec.computed_paths:
                values[path] = BLANK  # a total printed blank: finish() keeps it as the source's blank
            else:
                report.missing.append(spec.cells[path].label)
        cursor = found
    _settle_runs(spec, table_id, values, runs, report)
    return values


def _settle_runs(spec: FormatSpec, table_id: str, values: dict[str, str], runs: dict, report: ImportReport) -> None:
    """Rows whose numbers ran together: the one split the table's equations allow, or unfilled and listed."""
    if not runs:
        return
    chosen, undetermined = run_together.resolve(spec, table_id, values, runs)
    values.update(chosen)
    for row_id in undetermined:
        paths, pieces = runs[row_id]
        where = spec.cells[paths[0]].row.label if len(paths) < 10 else spec.place_name(table_id)
        report.ambiguous.append(f"{where}：读到“{' '.join(pieces)}”，无法唯一对应到 {len(paths)} 个单元格，"
                                f"{run_together.UNDETERMINED}（这些单元格未填写）")
        report.uncertain += [spec.cells[p].label for p in paths]


def read_one_row_table(text: str, spec: FormatSpec, table_id: str, report: ImportReport) -> dict[str, str]:
    """Section 四: fifteen numbers in one row after its headers."""
    paths = [f"{table_id}.{r.id}.{c.id}" for b in spec.tables[table_id].blocks for r in b.rows for c in b.columns]
    flat = text.translate(_QUOTES)
    tokens = [m.group(1) for m in _TOKEN.finditer(flat)]
    if len(tokens) < len(paths) and (pieces := run_together.PIECE.findall(flat)):
        values: dict[str, str] = {}
        _settle_runs(spec, table_id, values, {"row": (paths, pieces)}, report)
        return values
    if len(tokens) < len(paths):
        report.missing += [spec.cells[p].label for p in paths[len(tokens):]]
    elif len(tokens) > len(paths):  # which of them are the table's cannot be known: none is guessed
        report.ambiguous.append(f"表四读到 {len(tokens)} 个数字，应为 {len(paths)} 个，{run_together.UNDETERMINED}"
                                "（这些单元格未填写）。")
        report.uncertain += [spec.cells[p].label for p in paths if p not in spec.computed_paths]
        return {}
    # a blank input stays unfilled; a blank total goes on as the source printed it, as in read_rows
    report.missing += [spec.cells[p].label for p, t in zip(paths, tokens) if t == BLANK and p not in spec.computed_paths]
    return {p: t for p, t in zip(paths, tokens) if t != BLANK or p in spec.computed_paths}


def _meta(head: list[str], tail: list[str], report: ImportReport):
    title_text = ""
    preamble: list[str] = []
    head = [ln for ln in head if ln.strip() and not _PAGE_NUMBER.match(ln.strip())]
    for i, line in enumerate(head):
        title_text += line.strip()
        if "报告" in line:
            preamble = head[i + 1:]
            break
    m = _TITLE.search(re.sub(r"\s+", " ", title_text).strip())
    agency, year = (m.group("agency").strip(), int(m.group("year"))) if m else ("", None)
    if not m:
        report.ambiguous.append("没有读到标题中的机关名称和年度。")
    date = None
    closing_agency = ""
    cleaned = [ln for ln in tail if ln.strip() and not _PAGE_NUMBER.match(ln.strip())]
    if cleaned and _DATE.match(squash(cleaned[-1])):
        y, mo, da = (int(x) for x in re.findall(r"\d+", cleaned[-1])[:3])
        try:
            date = dt.date(y, mo, da)
        except ValueError:
            report.ambiguous.append(f"落款日期“{cleaned[-1].strip()}”无效。")
        cleaned = cleaned[:-1]
        if cleaned and len(squash(cleaned[-1])) <= 40 and "。" not in cleaned[-1]:
            closing_agency = squash(cleaned[-1])
            cleaned = cleaned[:-1]
    agency = squash(agency)
    if closing_agency and agency and agency != closing_agency:
        report.notes.append(f"标题中的机关名称“{agency}”与落款“{closing_agency}”不同，采用标题中的名称。")
    agency = agency or closing_agency
    return agency, year, date, preamble, cleaned


def import_text(text: str, name: str = "文本", *, paragraph_per_line: bool = False) -> tuple[Draft, ImportReport]:
    """A draft from report text. With paragraph_per_line (Word documents) every line is one paragraph;
    otherwise line breaks are repaired."""
    report = ImportReport(name)
    text, changes = clean_text(text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n"))
    report.notes += [f"导入的文字中{change}。" for change in changes]
    if len(text) > MAX_TEXT_CHARS:
        raise ImportError_(f"“{name}”的文字超过 {MAX_TEXT_CHARS} 个字符，不像一份年报，已拒绝导入。")
    if OWN_DRAFT_MARK in text:
        text = text.replace(OWN_DRAFT_MARK, "")
        report.notes.append(f"本程序导出时标注的“{OWN_DRAFT_MARK}”字样未作为报告内容读入。")
    text = break_at_headings(text)
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise ImportError_(f"“{name}”有 {len(lines)} 行（上限 {MAX_LINES} 行），不像一份年报，已拒绝导入。")
    lines = [ln.replace("\u3000", " ").rstrip() for ln in lines if not _DASHED_PAGE_NUMBER.match(ln.strip())
             and not _MARKDOWN_RULE.match(ln)]
    head, sections = split_sections(lines)
    for sid in ("s2", "s3", "s4"):
        if sid in sections:
            sections[sid] = mark_blank_cells(sections[sid])
    agency, year, date, preamble_lines, s6_lines = _meta(head, sections.get("s6", []), report)
    if "s6" in sections:
        sections["s6"] = s6_lines
    spec = format_of_import("\n".join(sections.get("s2", []) + sections.get("s3", [])), year, report)
    raw: dict[str, str] = {}
    if "s2" in sections:
        raw.update(read_rows(table_text(sections["s2"]), spec, "s2", report))
    if "s3" in sections:
        raw.update(read_rows(table_text(sections["s3"]), spec, "s3", report))
    if "s4" in sections:
        raw.update(read_one_row_table(table_text(sections["s4"]), spec, "s4", report))
    for sid in ("s2", "s3", "s4"):
        if sid not in sections:
            report.missing.append(f"{dict(official_headings())[sid]}（整张表）")
    narrative = {sid: narrative_blocks(sections[sid], paragraph_per_line) for sid in ("s1", "s5", "s6")
                 if sid in sections}
    draft = Draft(format=spec.id, meta=Meta(agency=agency, year=year or spec.data.first_year, publication_date=date),
                  preamble=narrative_blocks(preamble_lines, paragraph_per_line), narrative=narrative)
    return finish(draft, raw, spec, report)


def finish(draft: Draft, raw: dict[str, str], spec: FormatSpec, report: ImportReport) -> tuple[Draft, ImportReport]:
    """Put the raw cell texts into the draft: inputs as inputs, printed totals kept where they differ."""
    inputs: dict = {}
    printed: dict = {}
    blank_totals: list[str] = []
    for path, text in raw.items():
        info = spec.cells[path]
        if text == BLANK:  # a cell the source printed blank: a total keeps it, an input stays unfilled
            if path in spec.computed_paths:
                blank_totals.append(path)
            else:
                report.missing.append(info.label)
            continue
        if text.strip() in EMPTY_MARKS:
            report.normalised.append(f"{info.label}（原文“{text.strip()}”）")
            text = "0"
        try:
            value = parse_value(text, info.column.kind)
        except ValueError as exc:
            report.ambiguous.append(f"{info.label}：{exc}")
            continue
        if value is None:
            continue
        if path in spec.computed_paths:
            printed[path] = value
        else:
            inputs[path] = value
    state = ReportState(draft)
    state.set_values(inputs)
    report.cells_expected = len(spec.cells)
    report.cells_read = len(inputs) + len(printed)
    for path, value in printed.items():
        if state.value(path) != value:
            state.set_stated(path, value)
            if state.derived.get(path) is None:  # its parts are unfilled: nothing disagrees yet
                continue
            report.stated.append(f"{spec.cells[path].label}：原文 {format_value(value)}，按明细应为 "
                                 f"{format_value(state.derived.get(path))}")
    # a blank total under printed details is the source's own blank (F-14 names it); under blank details it
    # says nothing
    blanks = {p: BLANK_TOTAL for p in blank_totals if p not in printed and state.derived.get(p) is not None}
    if blanks:
        state.set_stated_values(blanks)
        report.stated += [f"{spec.cells[p].label}：原文为空白，按明细应为 {format_value(state.derived[p])}"
                          for p in blanks]
    report.rules_broken = sorted({i.rule for i in state.errors()})
    _count_per_table(spec, set(inputs) | set(printed), report)
    return state.to_draft(), report


def _count_per_table(spec: FormatSpec, read: set[str], report: ImportReport) -> None:
    """Per table: cells read, unfilled, uncertain, and printed totals that disagree with their parts."""
    uncertain = set(report.uncertain)
    for section in spec.sections:
        if section.kind != "table":
            continue
        paths = spec.table_cells(section.table)
        inputs = spec.table_inputs(section.table)
        unsure = sum(1 for p in inputs if spec.cells[p].label in uncertain)
        stated = sum(1 for x in report.stated for p in paths if p in spec.computed_paths
                     and x.startswith(spec.cells[p].label + "："))
        report.per_table.append((section.heading, sum(1 for p in paths if p in read),
                                 sum(1 for p in inputs if p not in read) - unsure, unsure, stated))
