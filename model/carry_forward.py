"""Starting this year's report from last year's: what carries over, and last year's report kept attached."""

from __future__ import annotations

import re

from model.draft import Draft, Meta, Paragraph
from model.placeholders import placeholder
from model.spec import format_for_year, get_format
from model.state import ReportState

S3_INPUT_COLUMNS = ("natural", "commercial", "research", "public_welfare", "legal_service", "other")
_PROBLEM = re.compile(r"[^。；]*(?:问题|不足|欠缺|短板|有待|不够|薄弱|仍需)[^。；]*[。；]?")


def stated_problems(last: Draft) -> list[str]:
    """The sentences of last year's section 五 that state problems."""
    text = "".join(b.text for b in last.narrative.get("s5", []) if b.type != "figure")
    return [m.group(0).strip() for m in _PROBLEM.finditer(text) if len(m.group(0).strip()) > 6][:6]


def carry_forward(last: Draft, year: int, format_id: str | None = None) -> Draft:
    """A new draft for `year`: agency and contacts carried, 上年结转 from last year's 结转下年度, (2019 format)
    上一年项目数量 from last year's figures, last year's report attached for the cross-year rules, and a prompt
    in section 五 for the 上年度问题整改情况."""
    target = format_id or format_for_year(year).id
    spec = get_format(target)
    last_state = ReportState(last)
    prev_draft = last_state.to_draft()
    prev_draft.previous = None
    draft = Draft(format=target, meta=Meta(agency=last.meta.agency, year=year, contact=last.meta.contact,
                                           agency_kind=last.meta.agency_kind))
    values: dict = {}
    for c in S3_INPUT_COLUMNS:
        v = last_state.value(f"s3.carried_out.{c}")
        if v is not None:
            values[f"s3.carried_in.{c}"] = v
    if target == "2019" and last_state.format_id == "2019":
        for row, prev_col, change_col in (("licensing", "prev_count", "change"), ("other_services", "prev_count", "change"),
                                          ("penalty", "p_prev_count", "p_change"),
                                          ("enforcement", "p_prev_count", "p_change"),
                                          ("fees", "fee_prev_count", "fee_change")):
            a, b = last_state.value(f"s2.{row}.{prev_col}"), last_state.value(f"s2.{row}.{change_col}")
            if a is not None and b is not None:
                values[f"s2.{row}.{prev_col}"] = a + b
    state = ReportState(draft)
    state.set_values({p: v for p, v in values.items() if p in spec.cells})
    problems = stated_problems(last)
    prompt = f"上年度问题整改情况：{last.meta.year}年度报告提出的问题" + (
        "：" + "".join(problems) + "针对上述问题，本年度……" + placeholder("rectification_measures") if problems
        else "……" + placeholder("rectification_all"))
    state.set_blocks("s5", [Paragraph(text=prompt)])
    state.set_previous(prev_draft)
    return state.to_draft()
