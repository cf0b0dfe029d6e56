"""Starting this year's report from last year's: what carries over, and last year's report kept attached."""

from __future__ import annotations

import re

from model.draft import Draft, Meta, Paragraph
from model.placeholders import placeholder
from model.spec import format_for_year, get_format
from model.state import ReportState

_PROBLEM = re.compile(r"[^。；]*(?:问题|不足|欠缺|短板|有待|不够|薄弱|仍需)[^。；]*[。；]?")


def stated_problems(last: Draft) -> list[str]:
    """The sentences of last year's section 五 that state problems."""
    text = "".join(b.text for b in last.narrative.get("s5", []) if b.type != "figure")
    return [m.group(0).strip() for m in _PROBLEM.finditer(text) if len(m.group(0).strip()) > 6][:6]


def carry_forward(last: Draft, year: int, format_id: str | None = None) -> Draft:
    """A new draft for `year`: agency and contacts carried, the cells the format file carries forward (上年结转
    from last year's 结转下年度; in the 2019 format 上一年项目数量 from last year's figures), last year's report
    attached for the cross-year rules, and a prompt in section 五 for the 上年度问题整改情况."""
    target = format_id or format_for_year(year).id
    spec = get_format(target)
    last_state = ReportState(last)
    prev_draft = last_state.to_draft()
    prev_draft.previous = None
    draft = Draft(format=target, meta=Meta(agency=last.meta.agency, year=year, contact=last.meta.contact,
                                           agency_kind=last.meta.agency_kind))
    values: dict = {}
    for carried in spec.carried_forward:  # declared by the format file (carry_forward)
        if carried.same_format_only and last_state.format_id != target:
            continue
        sources = [last_state.value(p) if p in last_state.spec.cells else None for p in carried.sources]
        if sources and all(v is not None for v in sources):
            values[carried.target] = sum(sources[1:], sources[0])
    state = ReportState(draft)
    state.set_values({p: v for p, v in values.items() if p in spec.cells})
    problems = stated_problems(last)
    prompt = f"上年度问题整改情况：{last.meta.year}年度报告提出的问题" + (
        "：" + "".join(problems) + "针对上述问题，本年度……" + placeholder("rectification_measures") if problems
        else "……" + placeholder("rectification_all"))
    state.set_blocks("s5", [Paragraph(text=prompt)])
    state.set_previous(prev_draft)
    return state.to_draft()
