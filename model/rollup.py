"""汇总: one summary draft whose every input cell is the exact sum of the units' cells."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from model.draft import Draft, Meta
from model.drafts_io import DraftError, load_draft, save_draft
from model.spec import get_format
from model.state import ReportState

UNIT_FACTORS = {"万元": Decimal(1), "元": Decimal("0.0001")}


class RollupError(Exception):
    """The drafts cannot be summed; str() says why in Chinese, naming the files."""


@dataclass
class RollupResult:
    draft: Draft
    units: list[tuple[str, ReportState]]
    units_with_errors: list[str] = field(default_factory=list)


def _amount_in(value: Decimal, unit: str | None, target: str | None) -> Decimal:
    if unit == target or unit is None or target is None:
        return value
    return value * UNIT_FACTORS.get(unit, Decimal(1)) / UNIT_FACTORS.get(target, Decimal(1))


def aggregate(drafts: list[tuple[str, Draft]], agency: str = "",
              on_progress: Callable[[int, int], None] | None = None) -> RollupResult:
    """Sum (name, draft) pairs of one format and year. Refuses mixed formats or years."""
    if not drafts:
        raise RollupError("没有可以汇总的草稿。")
    kinds = {(d.format, d.meta.year) for _, d in drafts}
    if len(kinds) > 1:
        groups: dict = {}
        for name, d in drafts:
            groups.setdefault((d.format, d.meta.year), []).append(name)
        detail = "；".join(f"{y}年度、{get_format(f).name}：{'、'.join(names[:5])}{'等' if len(names) > 5 else ''}"
                          for (f, y), names in sorted(groups.items()))
        raise RollupError(f"只能汇总同一年度、同一格式版本的报告，这些草稿不一致——{detail}")
    fid, year = kinds.pop()
    spec = get_format(fid)
    totals: dict[str, int | Decimal] = {}
    units: list[tuple[str, ReportState]] = []
    with_errors: list[str] = []
    for i, (name, d) in enumerate(drafts):
        state = ReportState(d)
        units.append((name, state))
        if state.errors():
            with_errors.append(name)
        for path in spec.input_paths:
            v = state.value(path)
            if v is None:
                continue
            if spec.cells[path].column.kind == "amount":
                v = _amount_in(v, state.unit(path), spec.cells[path].column.unit)
            totals[path] = totals.get(path, 0) + v
        if on_progress is not None:
            on_progress(i + 1, len(drafts))
    summary = ReportState(Draft(format=fid, meta=Meta(agency=agency, year=year)))
    summary.set_values(totals)
    return RollupResult(summary.to_draft(), units, with_errors)


def collect(inputs: list[str]) -> list[Path]:
    files: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files += sorted(x for x in p.glob("*.json") if not x.name.endswith(".expected.json"))
        else:
            files.append(p)
    return files


def _progress_bar(done: int, total: int) -> None:
    if total < 20:
        return
    width = 30
    filled = width * done // total
    print(f"\r汇总进度 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="" if done < total else "\n",
          file=sys.stderr, flush=True)


def run_aggregate(args) -> int:
    files = collect(args.inputs)
    drafts: list[tuple[str, Draft]] = []
    unreadable: list[str] = []
    for path in files:
        try:
            drafts.append((path.name, load_draft(path)))
        except DraftError as exc:
            unreadable.append(str(exc))
    for msg in unreadable:
        print(f"跳过：{msg}", file=sys.stderr)
    if not drafts:
        print("错误：没有可以汇总的草稿。", file=sys.stderr)
        return 2
    try:
        result = aggregate(drafts, agency=args.agency or "", on_progress=_progress_bar)
    except RollupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        save_draft(result.draft, args.out)
        if args.xlsx:
            from export.rollup_xlsx import write_rollup_xlsx

            write_rollup_xlsx(result, args.xlsx)
    except OSError as exc:
        print(f"错误：无法写入：{exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"已汇总 {len(drafts)} 个单位的报告，写入 {args.out}" + (f"，核对表 {args.xlsx}" if args.xlsx else ""))
    summary = ReportState(result.draft)
    sum_errors = [i for i in summary.errors() if i.rule not in ("F-2",)]
    print(f"汇总报告的表格：{'勾稽关系正确' if not sum_errors else '有 ' + str(len(sum_errors)) + ' 个错误'}；文字部分留待编写。")
    if result.units_with_errors:
        print(f"以下 {len(result.units_with_errors)} 个单位的报告本身有错误，请核对：" + "、".join(result.units_with_errors))
        return 1
    return 1 if unreadable else 0
