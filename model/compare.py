"""This year against last year: the main figures, their change and the change in per cent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from model.state import ReportState


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    this_year: int | Decimal | None
    last_year: int | Decimal | None

    @property
    def change(self):
        if self.this_year is None or self.last_year is None:
            return None
        return self.this_year - self.last_year

    @property
    def percent(self) -> str:
        if self.change is None or not self.last_year:
            return "—"
        return f"{Decimal(self.change) * 100 / Decimal(self.last_year):+.1f}%"


def _sum(state: ReportState, paths) -> int | Decimal | None:
    total = 0
    for p in paths:
        if p not in state.spec.cells or state.value(p) is None:
            return None
        total += state.value(p)
    return total


def year_over_year(state: ReportState) -> list[ComparisonRow]:
    if state.previous is None:
        return []
    # the figures this year's format names; last year's report (maybe in an older format) is summed over the
    # same cells, and a figure it does not have is left blank
    figures = [(f.label, f.cells) for f in state.spec.data.year_over_year]
    return [ComparisonRow(label, _sum(state, paths), _sum(state.previous, paths)) for label, paths in figures
            if _sum(state, paths) is not None or _sum(state.previous, paths) is not None]
