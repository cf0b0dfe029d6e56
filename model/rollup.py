"""汇总: one summary draft whose every input cell is the exact sum of the units' cells.

Totals are exact or refused. Each unit is counted once: two drafts of the same agency (and year) are refused
unless the caller says which one to keep; a draft named like the summary's own agency, or whose every figure
is the sum of all the others, looks like an earlier summary without the mark and is left out with a message.
Amounts in 元/千元/万元/百万元/亿元 are converted exactly into the column's unit; an amount that would need
more decimal places than a cell keeps, or a unit that cannot be converted, is refused with the file named.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from model.draft import Draft, Meta, RollupInfo, RollupSource
from model.rollup_inputs import Skipped
# YUAN_POWERS and convert_amount are also found here, where they were first
from model.rollup_unit import YUAN_POWERS, RollupError, UnitRow, cell_order, convert_amount, unit_row  # noqa: F401
from model.spec import get_format
from model.state import EditError, ReportState
from model.values import MAX_AMOUNT, MAX_COUNT, Value, format_value


class DuplicateUnits(RollupError):
    """Two or more drafts of the same agency and year; `groups` holds the file names of each agency."""

    def __init__(self, message: str, groups: list[list[str]]):
        super().__init__(message)
        self.groups = groups


@dataclass
class RollupResult:
    draft: Draft
    units: list[UnitRow]  # the units summed, in the order read
    units_with_errors: list[str] = field(default_factory=list)
    left_out: list[Skipped] = field(default_factory=list)  # drafts read but not summed, with the reason
    summary: ReportState | None = None  # the summary draft as `check` and the exporters read it


def agency_key(agency: str) -> str:
    """Agency names compared without any spaces, so that “江南市 教育局” and “江南市教育局” are one unit."""
    return "".join(agency.split())


def aggregate(drafts: list[tuple[str, Draft]], agency: str = "",
              on_progress: Callable[[int, int], None] | None = None,
              keep: Collection[str] = (), digests: dict[str, str] | None = None) -> RollupResult:
    """Sum (name, draft) pairs of one format and year into a summary draft for `agency` (the drafts are left
    as they were). `digests` (name → SHA-256 of the file) goes into the mark. See aggregate_units."""
    digests = digests or {}
    units = []
    for i, (name, draft) in enumerate(drafts, 1):
        units.append(unit_row(name, draft, sha256=digests.get(name, "")))
        if on_progress is not None:
            on_progress(i, len(drafts))
    return aggregate_units(units, agency, keep)


def aggregate_units(units: Iterable[UnitRow], agency: str = "", keep: Collection[str] = ()) -> RollupResult:
    """Sum the units' rows (model.rollup_unit) into a summary draft for `agency`.

    Refuses mixed formats or years, two drafts of one agency unless exactly one of them is named in `keep`,
    and amounts that cannot be converted exactly.
    """
    units = list(units)
    if not units:
        raise RollupError("没有可以汇总的草稿。")
    _refuse_mixed(units)
    fid, year = units[0].format, units[0].year
    spec = get_format(fid)
    left_out: list[Skipped] = []
    units = _without_own_agency(units, agency, left_out)
    units = _one_per_agency(units, set(keep), left_out)
    for unit in units:
        if unit.problem:
            raise RollupError(unit.problem)
    paths, inputs = cell_order(spec)
    suspect = _earlier_summary_among(units, inputs)
    if suspect is not None:
        name = units[suspect].name
        left_out.append(Skipped(name, f"每个数字都恰好等于其余 {len(units) - 1} 个单位之和，像是此前的汇总报告"
                                      "（没有汇总标记），未计入；如确是一个单位的报告，请核对", incomplete=True))
        del units[suspect]
    sums: dict[int, Value] = {}
    for unit in units:
        shown = unit.shown
        for i in inputs:
            v = shown[i]
            if v is not None:
                sums[i] = sums.get(i, 0) + v
    totals = {paths[i]: v for i, v in sorted(sums.items())}
    _refuse_out_of_range(spec, totals)
    mark = RollupInfo(units=[RollupSource(agency=u.agency, file=Path(u.name).name, sha256=u.sha256) for u in units])
    summary = ReportState(Draft(format=fid, meta=Meta(agency=agency, year=year), rollup=mark))
    summary.set_values(totals)
    draft = summary.to_draft()
    try:
        as_read = ReportState(draft)  # what `check` and every exporter will do with it
    except EditError as exc:
        raise RollupError(f"汇总结果无法保存：{exc}") from None
    with_errors = [u.name for u in units if u.has_errors]
    return RollupResult(draft, units, with_errors, left_out, as_read)


def _refuse_mixed(units: list[UnitRow]) -> None:
    kinds = {(u.format, u.year) for u in units}
    if len(kinds) <= 1:
        return
    groups: dict = {}
    for u in units:
        groups.setdefault((u.format, u.year), []).append(u.name)
    detail = "；".join(f"{y}年度、{get_format(f).name}：{'、'.join(names[:5])}{'等' if len(names) > 5 else ''}"
                      for (f, y), names in sorted(groups.items()))
    raise RollupError(f"只能汇总同一年度、同一格式版本的报告，这些草稿不一致——{detail}")


def _without_own_agency(units: list[UnitRow], agency: str, left_out: list[Skipped]) -> list[UnitRow]:
    """An unmarked earlier summary is most often found by its name: the agency the summary is made for."""
    target = agency_key(agency)
    if not target:
        return units
    kept = []
    for u in units:
        if agency_key(u.agency) == target:
            left_out.append(Skipped(u.name, f"机关名称与本次汇总的机关“{agency}”相同，像是此前的汇总报告（没有汇总标记），"
                                          "未计入；如确是下属单位的报告，请为汇总报告另取名称", incomplete=True))
        else:
            kept.append(u)
    if not kept:
        raise RollupError(f"所有草稿的机关名称都与本次汇总的机关“{agency}”相同，没有可以汇总的下属单位。")
    return kept


def _one_per_agency(units: list[UnitRow], keep: set[str], left_out: list[Skipped]) -> list[UnitRow]:
    groups: dict[str, list[str]] = {}
    for u in units:
        key = agency_key(u.agency)
        if key:  # a draft without an agency name cannot be matched; it counts as its own unit
            groups.setdefault(key, []).append(u.name)
    dropped: set[str] = set()
    unresolved: list[list[str]] = []
    for names in groups.values():
        if len(names) < 2:
            continue
        chosen = [n for n in names if n in keep]
        if len(chosen) != 1:
            unresolved.append(names)
            continue
        for n in names:
            if n != chosen[0]:
                dropped.add(n)
                left_out.append(Skipped(n, f"与“{chosen[0]}”是同一单位的报告，按指定只计入“{chosen[0]}”"))
    if unresolved:
        agency_of = {u.name: u.agency for u in units}
        detail = "；".join(f"“{agency_of[names[0]]}”：" + "、".join(f"“{n}”" for n in names) for names in unresolved)
        raise DuplicateUnits(f"同一单位有多份草稿（机关名称和年度相同），不能重复汇总——{detail}。请只保留其中一份。",
                             unresolved)
    return [u for u in units if u.name not in dropped]


def _earlier_summary_among(units: list[UnitRow], inputs: tuple[int, ...]) -> int | None:
    """The index of a unit whose every figure is the sum of all the others' (at least two others, and not all
    zero): an earlier summary saved without the mark. Best effort: a summary of only some of the units, or
    one edited since, is not recognised."""
    if len(units) < 3:
        return None
    grand: dict[int, Value] = {}
    for unit in units:
        for i in inputs:
            v = unit.shown[i]
            if v is not None:
                grand[i] = grand.get(i, 0) + v
    if not any(grand.values()):
        return None
    for k, unit in enumerate(units):
        shown = unit.shown
        if all(2 * (shown[i] or 0) == total for i, total in grand.items()):
            return k
    return None


def _refuse_out_of_range(spec, totals: dict[str, Value]) -> None:
    for path, v in totals.items():
        too_large = v >= MAX_AMOUNT if spec.cells[path].column.kind == "amount" else abs(v) > MAX_COUNT
        if too_large:
            raise RollupError(f"汇总后{spec.cells[path].label}为 {format_value(v)}，超过一个单元格能保存的上限，无法汇总。")

