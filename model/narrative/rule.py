"""F-7: numbers quoted in the narrative agree with the tables."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from model.rule_registry import Issue, builtin, make_issue
from model.narrative.figures import Finding, find_figures, quantities, sentence_around
from model.spec import Check
from model.values import format_value

if TYPE_CHECKING:
    from model.state import ReportState


def _sum(state: "ReportState", paths) -> Decimal | None:
    total = Decimal(0)
    for path in paths:
        v = state.value(path)
        if v is None:
            return None  # an unfilled cell: wait until it is filled
        total += v
    return total


def table_value(state: "ReportState", finding: Finding, denominator=None) -> Decimal | None:
    """The table's figure for a finding; for a percentage, rounded to as many decimals as the text gives."""
    value = _sum(state, finding.quantity.cells)
    denominator = denominator or getattr(finding.quantity, "denominator", None)
    if value is None or denominator is None:
        return value
    base = _sum(state, denominator)
    if not base:
        return None
    places = max(0, -finding.number.as_tuple().exponent)
    return (value * 100 / base).quantize(Decimal(1).scaleb(-places))


def _agrees_with_another_base(state: "ReportState", finding: Finding) -> bool:
    """The text's figure is another usual sum of the same words (受理 = 新收 + 上年结转) or share base."""
    if any(_sum(state, cells) == finding.number for cells in finding.quantity.alternatives):
        return True
    return any(table_value(state, finding, d) == finding.number
               for d in getattr(finding.quantity, "other_denominators", ()))


@lru_cache(maxsize=4096)
def _findings_of(text: str, format_id: str) -> tuple[Finding, ...]:
    # The text analysis depends on the words only, so a cell edit re-reads no text: only values are compared.
    from model.spec import get_format

    return tuple(find_figures(text, quantities(get_format(format_id))))


def narrative_findings(state: "ReportState"):
    """(section, block index, block text, finding) for every recognised statement in every text section."""
    sections = ["preamble"] + [s.id for s in state.spec.narrative_sections()]
    for sid in sections:
        for bi, block in enumerate(_text_blocks(state.blocks(sid))):
            for finding in _findings_of(block, state.spec.id):
                yield sid, bi, block, finding


def _text_blocks(blocks) -> list[str]:
    # indices count the blocks the editor shows, figures included, so anchors land on the right line
    return [b.caption if b.type == "figure" else b.text for b in blocks]


@builtin("narrative_matches_tables")
def narrative_matches_tables(state: "ReportState", check: Check) -> list[Issue]:
    issues: list[Issue] = []
    for sid, bi, text, finding in narrative_findings(state):
        value = table_value(state, finding)
        if value is None:
            continue
        if finding.negation:
            if value == 0:
                continue
            figure = "没有（0 件）"
        elif finding.number == value or _agrees_with_another_base(state, finding):
            continue
        else:
            unit = {"fees": "万元", "disclosure_rate": "%"}.get(finding.quantity.key, "")
            figure = format_value(finding.number) + unit
        msg = check.message.format(sentence=sentence_around(text, finding.start, finding.end), figure=figure,
                                   cell=finding.quantity.label,
                                   value=format_value(value) + ("%" if finding.quantity.key == "disclosure_rate" else ""))
        issues.append(make_issue(check, msg, section=sid, cells=finding.quantity.cells,
                                 item=f"{sid}:{finding.quantity.key}:{format_value(finding.number)}",
                                 anchor=f"{sid}:{bi}:{finding.start}:{finding.end}", state=state))
    return issues
