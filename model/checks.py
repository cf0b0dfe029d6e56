"""Running the format's checks over a report state.

Equation checks come from the format file (S3-1 …, cross-year rules included); builtin checks are small Python
functions registered by name in model/rules_builtin.py. Each issue found carries its rule id, severity, a
Chinese message that names the cells and values, the cells involved and its section.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

# the rule modules register their builtins on import; they import model.rule_registry, never this module
import model.narrative.claims  # noqa: F401  F-10 claims, F-11 enumerations
import model.narrative.headings  # noqa: F401  F-13 headings
import model.narrative.repeated  # noqa: F401  F-12 copied section
import model.narrative.rule  # noqa: F401  F-7 figures
import model.rules_builtin  # noqa: F401  the other builtins
from model.placeholders import placeholder_issues
from model.rule_registry import BUILTINS, SEVERITY_WORDS, Issue, builtin, make_issue  # noqa: F401  re-exported
from model.spec import Check, Equation
from model.values import format_value

if TYPE_CHECKING:
    from model.state import ReportState


_OPS = {"eq": (lambda a, b: a == b, "≠"), "le": (lambda a, b: a <= b, ">"), "ge": (lambda a, b: a >= b, "<")}


def _term_value(state: "ReportState", term):
    if term.previous:
        prev = state.previous
        if prev is None or term.path not in prev.spec.cells:
            return None
        v = prev.value(term.path)
    else:
        v = state.value(term.path)
    if v is None:
        return None
    return -v if term.sign < 0 else v


def _evaluate(state: "ReportState", eq: Equation):
    """(holds, lhs, rhs, term values) or None when a cell it needs is not filled in yet."""
    values = []
    for term in (*eq.lhs, *eq.rhs):
        v = _term_value(state, term)
        if v is None:
            return None
        values.append(v)
    lhs = sum(values[: len(eq.lhs)], 0)
    rhs = sum(values[len(eq.lhs):], 0)
    test, _ = _OPS[eq.check.op]
    return test(lhs, rhs), lhs, rhs, values


def _fmt(v) -> str:
    return format_value(v if isinstance(v, (int, Decimal)) else v)


def _equation_issue(state: "ReportState", eq: Equation, lhs, rhs, values) -> Issue:
    check = eq.check
    # each term shows the cell as the table holds it: the template itself says 加/减, so a subtracted cell
    # shows without a sign while a negative 本年增/减 keeps its minus
    terms = {f"t{i}": _fmt(v * t.sign) for i, (t, v) in enumerate(zip((*eq.lhs, *eq.rhs), values))}
    message = check.message.format(item=eq.item_label, lhs=_fmt(lhs), rhs=_fmt(rhs), **terms)
    _, broken = _OPS[check.op]
    formula = f"{_side(eq.lhs, values[: len(eq.lhs)])} {broken} {_side(eq.rhs, values[len(eq.lhs):])}"
    cells = tuple(t.path for t in (*eq.lhs, *eq.rhs) if not t.previous)
    prev_cells = tuple(f"previous:{t.path}" for t in (*eq.lhs, *eq.rhs) if t.previous)
    issue = make_issue(check, message, cells=cells, item=eq.item, formula=formula, state=state)
    if prev_cells:
        issue = replace(issue, related_cells=prev_cells)
    return issue


def _side(terms, values) -> str:
    out = ""
    for i, (t, v) in enumerate(zip(terms, values)):
        mag = _fmt(abs(v))
        if i == 0:
            out = mag if t.sign > 0 else f"−{mag}"
        else:
            out += f" {'+' if t.sign > 0 else '−'} {mag}"
    return out


def run_checks(state: "ReportState") -> list[Issue]:
    issues: list[Issue] = []
    by_check: dict[str, list[Equation]] = {}
    for eq in state.spec.equations:
        by_check.setdefault(eq.check.id, []).append(eq)
    for check in state.spec.data.checks:
        if check.needs_previous and state.previous is None:
            continue
        if check.kind == "equation":
            issues.extend(_run_equation_check(state, by_check.get(check.id, [])))
        else:
            rule = BUILTINS.get(check.function or "")
            if rule is None:
                issues.append(_rule_not_provided(state, check))  # never skipped silently
            else:
                issues.extend(rule(state, check))
    issues.extend(placeholder_issues(state))  # a prompt left in the text is a gap in every format
    issues.sort(key=lambda i: (0 if i.severity == "error" else 1, _section_order(state, i.section)))
    return issues


def _rule_not_provided(state: "ReportState", check: Check) -> Issue:
    message = (f"格式文件 {state.spec.source} 的检查 {check.id}（{check.title}）无法运行：本程序没有提供名为"
               f" {check.function} 的检查。请使用与格式文件相配的程序版本。")
    return Issue(check.rule_id, "error", message, check.section, key=f"{check.id}:not-provided", title=check.title)


def _run_equation_check(state: "ReportState", equations: list[Equation]) -> list[Issue]:
    found: list[Issue] = []
    summary: list[Equation] = []
    for eq in equations:
        if eq.is_summary:
            summary.append(eq)
            continue
        result = _evaluate(state, eq)
        if result is not None and not result[0]:
            found.append(_equation_issue(state, eq, *result[1:]))
    # A break in a summary column (总计) only echoes a break already reported in one of the columns it sums.
    if not found:
        for eq in summary:
            result = _evaluate(state, eq)
            if result is not None and not result[0]:
                found.append(_equation_issue(state, eq, *result[1:]))
    return found


def _section_order(state: "ReportState", section: str | None) -> int:
    if section is None:
        return -1
    if section == "preamble":
        return 0
    for i, s in enumerate(state.spec.sections):
        if s.id == section:
            return i + 1
    return 99
