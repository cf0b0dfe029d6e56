"""汇总: one summary draft whose every input cell is the exact sum of the units' cells.

Totals are exact or refused. Each unit is counted once: two drafts of the same agency (and year) are refused
unless the caller says which one to keep; a draft named like the summary's own agency, or whose every figure
is the sum of all the others, looks like an earlier summary without the mark and is left out with a message.
Amounts in 元/千元/万元/百万元/亿元 are converted exactly into the column's unit; an amount that would need
more decimal places than a cell keeps, or a unit that cannot be converted, is refused with the file named.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal, Inexact, localcontext
from pathlib import Path
from typing import Callable

from model.draft import Draft, Meta, RollupInfo, RollupSource
from model.rollup_inputs import Skipped
from model.spec import get_format
from model.state import EditError, ReportState
from model.values import AMOUNT_PLACES, MAX_AMOUNT, MAX_COUNT, Value, format_value

# money units by their power of ten in 元; a unit not listed here is refused rather than guessed
YUAN_POWERS = {"元": 0, "千元": 3, "万元": 4, "百万元": 6, "千万元": 7, "亿元": 8}


class RollupError(Exception):
    """The drafts cannot be summed; str() says why in Chinese, naming the files."""


class DuplicateUnits(RollupError):
    """Two or more drafts of the same agency and year; `groups` holds the file names of each agency."""

    def __init__(self, message: str, groups: list[list[str]]):
        super().__init__(message)
        self.groups = groups


@dataclass
class RollupResult:
    draft: Draft
    units: list[tuple[str, ReportState]]
    units_with_errors: list[str] = field(default_factory=list)
    left_out: list[Skipped] = field(default_factory=list)  # drafts read but not summed, with the reason
    unit_values: dict[str, dict[str, Value]] = field(default_factory=dict)  # name → cells as summed (column unit)


def agency_key(agency: str) -> str:
    """Agency names compared without any spaces, so that “江南市 教育局” and “江南市教育局” are one unit."""
    return "".join(agency.split())


def convert_amount(value: Decimal, unit: str | None, target: str | None) -> Decimal:
    """`value` in `unit` expressed exactly in `target`, with no more decimal places than it needs.
    Raises RollupError (without the file name) when the unit is unknown or the places exceed a cell's."""
    unit = (unit or "").strip() or None
    if unit == target:
        return value
    if unit not in YUAN_POWERS or target not in YUAN_POWERS:
        raise RollupError(f"金额单位“{unit}”无法换算为“{target}”")
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[Inexact] = True
        exact = value.scaleb(YUAN_POWERS[unit] - YUAN_POWERS[target])
    if _places(exact) > AMOUNT_PLACES:
        exact = exact.normalize()
        if _places(exact) > AMOUNT_PLACES:
            raise RollupError(f"{format_value(value)}{unit}换算为{target}是 {format_value(exact)}，超过金额最多保留的 "
                              f"{AMOUNT_PLACES} 位小数，不能四舍五入后汇总；请把这一单位的金额改按{target}填写")
    if exact == exact.to_integral_value() and _places(exact) < 0:
        exact = exact.quantize(Decimal(1))  # 1E+2 → 100: drafts write amounts out in full
    return exact


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def aggregate(drafts: list[tuple[str, Draft]], agency: str = "",
              on_progress: Callable[[int, int], None] | None = None,
              keep: Collection[str] = (), digests: dict[str, str] | None = None) -> RollupResult:
    """Sum (name, draft) pairs of one format and year into a summary draft for `agency`.

    Refuses mixed formats or years, two drafts of one agency unless exactly one of them is named in `keep`,
    and amounts that cannot be converted exactly. `digests` (name → SHA-256 of the file) goes into the mark.
    """
    if not drafts:
        raise RollupError("没有可以汇总的草稿。")
    _refuse_mixed(drafts)
    fid, year = drafts[0][1].format, drafts[0][1].meta.year
    spec = get_format(fid)
    left_out: list[Skipped] = []
    drafts = _without_own_agency(drafts, agency, left_out)
    drafts = _one_per_agency(drafts, set(keep), left_out)
    units: list[tuple[str, ReportState]] = []
    values: list[dict[str, Value]] = []
    for i, (name, d) in enumerate(drafts):
        try:
            state = ReportState(d)
        except EditError as exc:
            raise RollupError(f"“{name}”无法读取：{exc}") from None
        units.append((name, state))
        values.append(_unit_values(name, state))
        if on_progress is not None:
            on_progress(i + 1, len(drafts))
    suspect = _earlier_summary_among(values)
    if suspect is not None:
        name = units[suspect][0]
        left_out.append(Skipped(name, f"每个数字都恰好等于其余 {len(units) - 1} 个单位之和，像是此前的汇总报告"
                                      "（没有汇总标记），未计入；如确是一个单位的报告，请核对", incomplete=True))
        del units[suspect], values[suspect]
    totals: dict[str, Value] = {}
    for unit_values in values:
        for path, v in unit_values.items():
            totals[path] = totals.get(path, 0) + v
    _refuse_out_of_range(spec, totals)
    digests = digests or {}
    mark = RollupInfo(units=[RollupSource(agency=s.meta.agency, file=Path(n).name, sha256=digests.get(n, ""))
                             for n, s in units])
    summary = ReportState(Draft(format=fid, meta=Meta(agency=agency, year=year), rollup=mark))
    summary.set_values(totals)
    draft = summary.to_draft()
    try:
        ReportState(draft)  # what `check` and every exporter will do with it
    except EditError as exc:
        raise RollupError(f"汇总结果无法保存：{exc}") from None
    with_errors = [n for n, s in units if s.errors()]
    return RollupResult(draft, units, with_errors, left_out,
                        {name: v for (name, _), v in zip(units, values)})


def _refuse_mixed(drafts: list[tuple[str, Draft]]) -> None:
    kinds = {(d.format, d.meta.year) for _, d in drafts}
    if len(kinds) <= 1:
        return
    groups: dict = {}
    for name, d in drafts:
        groups.setdefault((d.format, d.meta.year), []).append(name)
    detail = "；".join(f"{y}年度、{get_format(f).name}：{'、'.join(names[:5])}{'等' if len(names) > 5 else ''}"
                      for (f, y), names in sorted(groups.items()))
    raise RollupError(f"只能汇总同一年度、同一格式版本的报告，这些草稿不一致——{detail}")


def _without_own_agency(drafts, agency: str, left_out: list[Skipped]):
    """An unmarked earlier summary is most often found by its name: the agency the summary is made for."""
    target = agency_key(agency)
    if not target:
        return drafts
    kept = []
    for name, d in drafts:
        if agency_key(d.meta.agency) == target:
            left_out.append(Skipped(name, f"机关名称与本次汇总的机关“{agency}”相同，像是此前的汇总报告（没有汇总标记），"
                                          "未计入；如确是下属单位的报告，请为汇总报告另取名称", incomplete=True))
        else:
            kept.append((name, d))
    if not kept:
        raise RollupError(f"所有草稿的机关名称都与本次汇总的机关“{agency}”相同，没有可以汇总的下属单位。")
    return kept


def _one_per_agency(drafts, keep: set[str], left_out: list[Skipped]):
    groups: dict[str, list[str]] = {}
    for name, d in drafts:
        key = agency_key(d.meta.agency)
        if key:  # a draft without an agency name cannot be matched; it counts as its own unit
            groups.setdefault(key, []).append(name)
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
        agency_of = {n: d.meta.agency for n, d in drafts}
        detail = "；".join(f"“{agency_of[names[0]]}”：" + "、".join(f"“{n}”" for n in names) for names in unresolved)
        raise DuplicateUnits(f"同一单位有多份草稿（机关名称和年度相同），不能重复汇总——{detail}。请只保留其中一份。",
                             unresolved)
    return [(n, d) for n, d in drafts if n not in dropped]


def _unit_values(name: str, state: ReportState) -> dict[str, Value]:
    """The unit's input cells, amounts in their column's unit."""
    spec = state.spec
    out: dict[str, Value] = {}
    for path in spec.input_paths:
        v = state.value(path)
        if v is None:
            continue
        column = spec.cells[path].column
        unit = state.unit(path)
        if column.kind == "amount":
            try:
                v = convert_amount(v, unit, column.unit)
            except RollupError as exc:
                raise RollupError(f"“{name}”的{spec.cells[path].label}：{exc}。") from None
        elif unit != column.unit:
            raise RollupError(f"“{name}”的{spec.cells[path].label}记有单位“{unit}”，件数不能换算，请核对。")
        out[path] = v
    return out


def _earlier_summary_among(values: list[dict[str, Value]]) -> int | None:
    """The index of a unit whose every figure is the sum of all the others' (at least two others, and not all
    zero): an earlier summary saved without the mark. Best effort: a summary of only some of the units, or
    one edited since, is not recognised."""
    if len(values) < 3:
        return None
    grand: dict[str, Value] = {}
    for unit_values in values:
        for path, v in unit_values.items():
            grand[path] = grand.get(path, 0) + v
    if not any(grand.values()):
        return None
    for i, unit_values in enumerate(values):
        if all(2 * unit_values.get(path, 0) == total for path, total in grand.items()):
            return i
    return None


def _refuse_out_of_range(spec, totals: dict[str, Value]) -> None:
    for path, v in totals.items():
        too_large = v >= MAX_AMOUNT if spec.cells[path].column.kind == "amount" else abs(v) > MAX_COUNT
        if too_large:
            raise RollupError(f"汇总后{spec.cells[path].label}为 {format_value(v)}，超过一个单元格能保存的上限，无法汇总。")

