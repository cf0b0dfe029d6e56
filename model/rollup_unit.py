"""What a roll-up keeps of one unit once its draft has been read: the figures as they are summed, the figures
its row in the workbook shows, a note on each amount converted into its column's unit, and whether the unit
has errors. Units are read one at a time and only this row stays, so a roll-up's memory follows the largest
unit, not the number of units.

Of the unit's checks only those of severity error run: the summary lists the units with errors and nothing
else of their checks; the narrative warnings (F-7 …) matter when that unit itself is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from pathlib import Path

from model.draft import Draft
from model.spec import FormatSpec
from model.state import EditError, ReportState
from model.values import AMOUNT_PLACES, Value, format_value

# money units by their power of ten in 元; a unit not listed here is refused rather than guessed
YUAN_POWERS = {"元": 0, "千元": 3, "万元": 4, "百万元": 6, "千万元": 7, "亿元": 8}
ERROR_CHECKS = frozenset({"error"})


class RollupError(Exception):
    """The drafts cannot be summed; str() says why in Chinese, naming the files."""


@dataclass(slots=True)
class UnitRow:
    name: str  # the file as the user named it (folder/file)
    agency: str
    format: str
    year: int
    # every cell of the format, in the format's cell order, as the unit's row shows it: input cells in their
    # column's unit (as summed), totals as the unit computes them, None where nothing is filled in
    shown: tuple[Value | None, ...]
    notes: tuple[tuple[int, str], ...] = ()  # (cell index, what the unit wrote) for converted amounts
    has_errors: bool = False
    problem: str = ""  # why this unit cannot be summed; the roll-up is refused with it when the unit counts
    sha256: str = ""
    path: Path | None = None  # resolved file the unit was read from


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


_ORDERS: dict[int, tuple[FormatSpec, tuple[str, ...], tuple[int, ...]]] = {}


def cell_order(spec: FormatSpec) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The format's cell paths in the order UnitRow.shown keeps them, and the indexes of the input cells."""
    kept = _ORDERS.get(id(spec))
    if kept is None or kept[0] is not spec:
        paths = tuple(spec.cells)
        inputs = tuple(i for i, p in enumerate(paths) if p not in spec.computed_paths)
        kept = _ORDERS[id(spec)] = (spec, paths, inputs)
    return kept[1], kept[2]


def unit_row(name: str, draft: Draft, adopt: bool = False, sha256: str = "") -> UnitRow:
    """The row of one unit. `adopt`: the draft was read for this alone and is not copied (it is emptied)."""
    agency, fid, year = draft.meta.agency, draft.format, draft.meta.year
    try:
        state = ReportState(draft, severities=ERROR_CHECKS, adopt=adopt)
    except EditError as exc:
        return UnitRow(name, agency, fid, year, (), problem=f"“{name}”无法读取：{exc}", sha256=sha256)
    spec = state.spec
    paths, _ = cell_order(spec)
    computed, inputs = spec.computed_paths, state.inputs
    shown: list[Value | None] = []
    notes: list[tuple[int, str]] = []
    problem = ""
    for i, path in enumerate(paths):
        if path in computed:
            shown.append(state.value(path))
            continue
        value = inputs.get(path)
        if value is None:
            shown.append(None)
            continue
        column = spec.cells[path].column
        unit = state.unit(path)
        summed = value
        if column.kind == "amount":
            try:
                summed = convert_amount(value, unit, column.unit)
            except RollupError as exc:
                problem = problem or f"“{name}”的{spec.cells[path].label}：{exc}。"
        elif unit != column.unit:
            problem = problem or f"“{name}”的{spec.cells[path].label}记有单位“{unit}”，件数不能换算，请核对。"
        if summed != value:
            notes.append((i, f"原填 {format_value(value)}{unit or ''}"))
        shown.append(summed)
    return UnitRow(name, agency, fid, year, tuple(shown), tuple(notes), bool(state.errors()), problem, sha256)
