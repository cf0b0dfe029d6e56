"""What every rule produces and where builtin rules are registered.

A rule module (model/rules_builtin.py, model/narrative/*, model/placeholders.py) imports only this module and
model.spec; model/checks.py imports the rule modules and runs them. So the rules and the runner do not import
each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from model.spec import BUILTIN_PLACEHOLDERS, Check

if TYPE_CHECKING:
    from model.state import ReportState


@dataclass(frozen=True)
class Issue:
    rule: str  # the official rule id, e.g. "S3-1"
    severity: str  # "error" | "warning"
    message: str
    section: str | None  # section id ("s3"), or None for the whole report
    cells: tuple[str, ...] = ()  # cell paths involved, for highlighting
    key: str = ""  # stable identity (check id + item) for acknowledgements
    title: str = ""  # what the rule demands, in a few words
    formula: str = ""  # the rule with the values, e.g. "3 + 0 ≠ 2 + 1"
    acknowledged: str | None = None  # the user's explanation of a warning
    anchor: str | None = None  # where in the narrative (for text issues): "s1:2:15" = block 2, offset 15
    related_cells: tuple[str, ...] = ()  # last year's cells a cross-year rule read ("previous:s3.carried_out.x")


SEVERITY_WORDS = {"error": "错误", "warning": "警告"}

BuiltinRule = Callable[["ReportState", Check], list[Issue]]
BUILTINS: dict[str, BuiltinRule] = {}


def builtin(name: str):
    if name not in BUILTIN_PLACEHOLDERS:  # format files are validated against that list: keep both in step
        raise ValueError(f"builtin rule {name!r} is not declared in model.spec.BUILTIN_PLACEHOLDERS")

    def register(fn: BuiltinRule) -> BuiltinRule:
        BUILTINS[name] = fn
        return fn

    return register


def make_issue(check: Check, message: str, *, section=None, cells=(), item="", formula="", anchor=None,
               state: "ReportState | None" = None) -> Issue:
    key = f"{check.id}:{item}" if item else check.id
    ack = state.acknowledgements.get(key) if state is not None and check.severity == "warning" else None
    return Issue(check.rule_id, check.severity, message, section if section is not None else check.section,
                 tuple(cells), key, check.title, formula, ack, anchor)
