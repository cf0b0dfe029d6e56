"""Edits are model values: each applied and undone on a report without any window gives back the report as it was,
and a burst of typing in one section merges into one edit."""

import json
from pathlib import Path

from model.draft import Paragraph
from model.drafts_io import draft_to_json, load_draft
from model.edits import Acknowledge, ChangeFormat, SetBlocks, SetMeta, SetPrevious, SetStated, SetValues
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def saved(state: ReportState) -> dict:
    return json.loads(draft_to_json(state.to_draft()))  # what the file holds (key order aside)


def test_every_kind_of_edit_applied_then_undone_leaves_the_report_as_it_was():
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    other = "2019" if state.format_id != "2019" else "2021"
    last_year = load_draft(SEEDS / "sample-2024.json")
    last_year.meta.year = 2023
    edits = [
        SetValues("填写", new={"s3.new.natural": 7, "s3.new.research": None},
                  old={"s3.new.natural": state.inputs.get("s3.new.natural"),
                       "s3.new.research": state.inputs.get("s3.new.research")}),
        SetStated("修改原报告合计", path="s3.total.total", new=999, old=None),
        SetMeta("修改基本信息", place="meta:contact", new={"contact": "电话 12345"}, old={"contact": state.meta.contact}),
        SetBlocks("编辑文字", section_id="s5", new=(Paragraph(text="新的一段。"),), old=tuple(state.blocks("s5"))),
        SetPrevious("关联上年报告", new=last_year, old=None),
        ChangeFormat("更改格式版本", format_id=other, before=state.to_draft()),
        Acknowledge("说明警告", issue_key="F-7:s1:0", new="已与业务科室核实", old=None),
    ]
    for edit in edits:
        before = saved(state)
        edit.apply(state)
        assert saved(state) != before, edit
        edit.undo(state)
        assert saved(state) == before, edit
        edit.apply(state)  # redo gives the same report as the first time
        edit.undo(state)
        assert saved(state) == before, edit


def test_typing_in_one_section_merges_into_one_edit_and_nothing_else_does():
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    original = tuple(state.blocks("s5"))
    first = SetBlocks("编辑文字", section_id="s5", new=(Paragraph(text="甲"),), old=original, typing_key="text:s5:1")
    second = SetBlocks("编辑文字", section_id="s5", new=(Paragraph(text="甲乙"),), old=first.new, typing_key="text:s5:1")
    merged = first.merged_with(second)
    assert merged is not None and merged.old == original and merged.new == second.new
    merged.apply(state)
    assert [b.text for b in state.blocks("s5")] == ["甲乙"]
    merged.undo(state)
    assert tuple(state.blocks("s5")) == original
    # another burst, another section, or no burst at all: separate steps
    assert first.merged_with(SetBlocks("编辑文字", section_id="s5", new=(), old=(), typing_key="text:s5:2")) is None
    assert first.merged_with(SetBlocks("编辑文字", section_id="s6", new=(), old=(), typing_key="text:s5:1")) is None
    assert SetBlocks("插入图片", section_id="s5", new=(), old=()).merged_with(second) is None
    assert first.merged_with(SetValues("填写", new={}, old={})) is None
