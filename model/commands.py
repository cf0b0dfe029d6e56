"""The `new` and `check` commands. Exit codes: 0 fine, 1 errors found, 2 input unreadable."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

from model.agency_kind import agency_kind_from_name, describe_agency_kind
from model.checks import SEVERITY_WORDS
from model.draft import Draft, Meta
from pydantic import ValidationError

from model.drafts_io import DraftError, describe_validation_error, load_draft, os_error_text, save_draft
from model.paths import OutputRefused, refuse_overwriting_inputs
from model.spec import format_for_year, get_format
from model.state import EditError, ReportState



def _fail(message: str) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return 2


def run_new(args) -> int:
    try:
        refuse_overwriting_inputs(args.out, [args.previous])
    except OutputRefused as exc:
        return _fail(str(exc))
    if Path(args.out).exists() and not getattr(args, "force", False):
        kind = "文件夹" if Path(args.out).is_dir() else "文件"
        return _fail(f"{kind}“{args.out}”已存在，新建草稿不会覆盖它；要覆盖请加 --force，或换一个 --out 文件名。")
    try:
        if args.previous:
            from model.carry_forward import carry_forward

            last = load_draft(args.previous)
            draft = carry_forward(last, args.year, format_id=args.format)
            if args.agency:
                draft.meta.agency = args.agency
        else:
            if not args.agency:
                return _fail("请用 --agency 给出机关名称。")
            fid = args.format or format_for_year(args.year).id
            draft = Draft(format=fid, meta=Meta(agency=args.agency, year=args.year,
                                                agency_kind=agency_kind_from_name(args.agency)))
        state = ReportState(draft)
        save_draft(state.to_draft(), args.out)
    except (DraftError, EditError) as exc:
        return _fail(str(exc))
    except ValidationError as exc:
        return _fail(f"新建草稿的参数有误：{describe_validation_error(exc)}。")
    except KeyError:
        return _fail(f"没有适用于 {args.year} 年度的格式。")
    except OSError as exc:
        return _fail(f"无法写入“{args.out}”：{os_error_text(exc)}。")
    print(f"已新建 {state.title()}（{state.spec.name}），保存到 {args.out}")
    if not args.previous:
        print(describe_agency_kind(state.meta.agency, state.meta.agency_kind))
    return 0


def issues_as_json(state: ReportState) -> list[dict]:
    return [
        {"rule": i.rule, "severity": i.severity, "message": i.message, "section": i.section,
         "cells": list(i.cells), "key": i.key, "acknowledged": i.acknowledged}
        for i in state.issues
    ]


def run_check(args) -> int:
    try:
        draft = load_draft(args.file)
        if args.previous:
            draft.previous = load_draft(args.previous)
            last_year = draft.previous.meta.year
            if last_year != draft.meta.year - 1:
                return _fail(f"“{Path(args.previous).name}”是 {last_year} 年度的报告，而“{Path(args.file).name}”是"
                             f" {draft.meta.year} 年度的：--previous 应为上一年度（{draft.meta.year - 1} 年度）的报告。")
        state = ReportState(draft)
    except DraftError as exc:
        return _fail(str(exc))
    if args.json:
        print(json.dumps(issues_as_json(state), ensure_ascii=False, indent=2))
    else:
        print_issues(state, Path(args.file).name)
    return 1 if state.errors() else 0


def print_issues(state: ReportState, name: str) -> None:
    print(f"{state.title()}（{state.spec.name}）— {name}")
    if not state.issues:
        print("校验通过：没有发现错误或警告。")
        return
    current = object()
    for issue in sorted(state.issues, key=lambda i: _order(state, i.section)):
        if issue.section != current:
            current = issue.section
            print(f"\n【{state.spec.place_name(issue.section)}】")
        ack = f"（已说明：{issue.acknowledged}）" if issue.acknowledged else ""
        print(f"  [{SEVERITY_WORDS[issue.severity]} {issue.rule}] {issue.message}{ack}")
    print(f"\n共 {len(state.errors())} 个错误、{len(state.warnings())} 个警告。")


def _order(state: ReportState, section: str | None) -> int:
    return _section_order(state.spec.id).get(section, 99)


@lru_cache(maxsize=None)
def _section_order(format_id: str) -> dict:
    order = {None: -2, "meta": -1, "preamble": 0}
    order.update({s.id: i + 1 for i, s in enumerate(get_format(format_id).sections)})
    return order


def describe_format(format_id: str) -> str:
    spec = get_format(format_id)
    return f"{spec.name}（{spec.data.notice}）"
