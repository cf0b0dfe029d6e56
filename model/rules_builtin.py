"""Rules that are not sums: format vs year, completeness, years in the text, fee and rectification
statements, the publication deadline. Each is registered under the function name a format file uses."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from model.rule_registry import Issue, builtin, make_issue
from model.draft import blocks_text
from model.spec import Check, format_for_year
from model.stated_totals import BLANK_TOTAL
from model.values import format_value

if TYPE_CHECKING:
    from model.state import ReportState


@builtin("format_matches_year")
def format_matches_year(state: "ReportState", check: Check) -> list[Issue]:
    year = state.meta.year
    try:
        expected = format_for_year(year)  # of the formats whose years include it, the newest
    except KeyError:
        expected = None
    if expected is not None and expected.id == state.spec.id or expected is None and state.spec.covers_year(year):
        return []
    expected_name = f"{expected.name}（{expected.data.notice}）" if expected else "适用的格式"
    actual = f"{state.spec.name}（{state.spec.data.notice}）"
    msg = check.message.format(year=year, expected=expected_name, actual=actual)
    return [make_issue(check, msg, state=state)]


@builtin("sections_filled")
def sections_filled(state: "ReportState", check: Check) -> list[Issue]:
    issues = []
    if not state.meta.agency.strip():
        issues.append(make_issue(check, check.message.format(section="基本信息", detail="机关名称尚未填写。"),
                                 section="meta", item="agency", state=state))
    for section in state.spec.sections:
        if section.kind == "narrative":
            if not blocks_text(state.blocks(section.id)).strip():
                msg = check.message.format(section=section.heading, detail="尚未填写内容。")
                issues.append(make_issue(check, msg, section=section.id, item=section.id, state=state))
        else:
            empty = state.unfilled(section.table)
            if empty:
                total = len(state.spec.table_inputs(section.table))
                detail = (f"表格尚未填写（共 {total} 个单元格）。" if len(empty) == total
                          else f"表格尚有 {len(empty)} 个单元格未填写。")
                msg = check.message.format(section=section.heading, detail=detail)
                issues.append(make_issue(check, msg, section=section.id, cells=empty, item=section.id, state=state))
    return issues


@builtin("unfilled_cells")
def unfilled_cells(state: "ReportState", check: Check) -> list[Issue]:
    empty = state.unfilled(check.table)
    if not empty:
        return []
    first = state.spec.cells[empty[0]].label
    return [make_issue(check, check.message.format(count=len(empty), first=first), cells=empty, state=state)]


_PERIOD = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?至\s*(\d{4})?\s*年?\s*12\s*月\s*31\s*日")
_LEADING_YEAR = re.compile(r"^\s*(\d{4})\s*年\s*[，,度]")
_TITLE_YEAR = re.compile(r"(\d{4})\s*年(?:度)?\s*政府信息公开(?:工作)?年度报告")


def _excerpt(text: str, start: int, end: int) -> str:
    return text[max(0, start - 8): end + 12].replace("\n", "")


@builtin("years_agree")
def years_agree(state: "ReportState", check: Check) -> list[Issue]:
    """Flags only clear contradictions: a statistical period, a report title quoted in the text, or a section
    that opens with “YYYY年，” naming another year."""
    year = state.meta.year
    issues = []
    places = [("preamble", "开头部分")] + [(s.id, s.heading) for s in state.spec.narrative_sections()]
    for sid, place in places:
        for bi, block in enumerate(state.blocks(sid)):
            text = block.caption if block.type == "figure" else block.text
            candidates = []
            for m in _PERIOD.finditer(text):
                # one statement per period: its start and end year are told once, the first that differs
                found = next((int(m.group(g)) for g in (1, 2) if m.group(g) and int(m.group(g)) != year), year)
                candidates.append((found, m.start(), m.end(), "统计期限"))
            for m in _TITLE_YEAR.finditer(text):
                candidates.append((int(m.group(1)), m.start(), m.end(), "报告标题"))
            if bi == 0 or (bi <= 1 and block.type == "paragraph"):
                m = _LEADING_YEAR.match(text)
                if m and sid in ("s1", "preamble"):
                    candidates.append((int(m.group(1)), m.start(), m.end(), "开篇"))
            for found, start, end, what in candidates:
                if found != year:
                    msg = check.message.format(place=f"{place}的{what}", found=found, year=year,
                                               excerpt=_excerpt(text, start, end))
                    issues.append(make_issue(check, msg, section=sid, item=f"{sid}:{bi}:{start}",
                                             anchor=f"{sid}:{bi}:{start}", state=state))
    return issues


_FEE = re.compile(r"信息处理费|收费|收取.{0,6}费|费用")
_RECTIFY = re.compile(r"整改|上一?年度?.{0,12}问题|去年.{0,12}问题|上年度|上一年度")


@builtin("mentions_fee_statement")
def mentions_fee_statement(state: "ReportState", check: Check) -> list[Issue]:
    text = blocks_text(state.blocks(check.section or "s6"))
    if not text.strip() or _FEE.search(text):
        return []  # an empty section is reported by F-2 already
    return [make_issue(check, check.message, state=state)]


@builtin("mentions_rectification")
def mentions_rectification(state: "ReportState", check: Check) -> list[Issue]:
    text = blocks_text(state.blocks(check.section or "s5"))
    if not text.strip() or _RECTIFY.search(text):
        return []
    return [make_issue(check, check.message, state=state)]


def deadline(year: int, agency_kind: str) -> dt.date:
    """第四十九条: departments publish by 31 January, the government's own report by 31 March."""
    return dt.date(year + 1, 3, 31) if agency_kind == "government" else dt.date(year + 1, 1, 31)


def format_date(d: dt.date) -> str:
    """Dates the official way: Arabic digits, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"


@builtin("published_in_time")
def published_in_time(state: "ReportState", check: Check) -> list[Issue]:
    date = state.meta.publication_date
    if date is None:
        return []
    limit = deadline(state.meta.year, state.meta.agency_kind)
    if date <= limit:
        return []
    rule = "本级人民政府报告于3月31日前公布" if state.meta.agency_kind == "government" else "政府部门报告于1月31日前公布"
    msg = check.message.format(date=format_date(date), deadline=format_date(limit), rule=f"条例第四十九条：{rule}")
    return [make_issue(check, msg, section="meta", item="publication_date", state=state)]


@builtin("column_copies_column")
def column_copies_column(state: "ReportState", check: Check) -> list[Issue]:
    """Every row of a block holds the same figure in two columns that mean different things (2019 format:
    对外公开总数量 equal to 本年新公开数量 in every row, as if nothing had been published before this year)."""
    table = state.spec.tables[check.table or ""]
    column, copies = check.params["column"], check.params["copies"]
    for block in table.blocks:
        if column not in {c.id for c in block.columns}:
            continue
        pairs = [(row, state.value(f"{table.id}.{row.id}.{column}"), state.value(f"{table.id}.{row.id}.{copies}"))
                 for row in block.rows]
        if any(a is None or b is None or a != b for _, a, b in pairs) or not any(a for _, a, _ in pairs):
            continue  # unfilled, different somewhere, or all 0: nothing to ask
        rows = "、".join(f"{row.label} {format_value(a)}" for row, a, _ in pairs)
        cells = [f"{table.id}.{row.id}.{c}" for row, _, _ in pairs for c in (column, copies)]
        return [make_issue(check, check.message.format(block=block.title or block.id, rows=rows), cells=cells,
                           item=block.id, state=state)]
    return []


@builtin("stated_totals_not_blank")
def stated_totals_not_blank(state: "ReportState", check: Check) -> list[Issue]:
    """A total the source printed as a blank cell (kept as stated by an import): the report printed nothing
    where its figure belongs. Shown at the cell with the figure the details give."""
    sections = {s.table: s for s in state.spec.sections if s.table}
    issues = []
    for path in state.spec.cells:  # in the format's order
        if state.stated.get(path) != BLANK_TOTAL or state.derived.get(path) is None:
            continue
        info = state.spec.cells[path]
        section = sections[info.table]
        msg = check.message.format(cell=f"表{section.number}“{info.label}”", value=format_value(state.derived[path]))
        issues.append(make_issue(check, msg, section=section.id, cells=(path,), item=path, state=state))
    return issues
