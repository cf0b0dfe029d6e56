"""This year against last year: the main figures, their change and the change in per cent."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from model.state import ReportState

MAIN_FIGURES = [
    ("本年新收政府信息公开申请", ("s3.new.total",)),
    ("上年结转申请", ("s3.carried_in.total",)),
    ("予以公开", ("s3.disclosed.total",)),
    ("部分公开", ("s3.partial.total",)),
    ("办理结果总计", ("s3.total.total",)),
    ("结转下年度继续办理", ("s3.carried_out.total",)),
    ("行政复议", ("s4.review.total",)),
    ("行政诉讼", ("s4.litigation_direct.total", "s4.litigation_after_review.total")),
    ("现行有效行政规范性文件", ("s2.normative_docs.in_force",)),
    ("行政许可处理决定", ("s2.licensing.decisions",)),
    ("行政处罚处理决定", ("s2.penalty.p_decisions",)),
    ("行政事业性收费（万元）", ("s2.fees.fee_amount",)),
]


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
    return [ComparisonRow(label, _sum(state, paths), _sum(state.previous, paths)) for label, paths in MAIN_FIGURES
            if _sum(state, paths) is not None or _sum(state.previous, paths) is not None]
