"""Section headings written into the text that differ from the official wording.

The program prints each section's official heading itself; a heading typed or pasted into a section's text
(“四、政府信息公开行政复议、行政诉讼情况” with a stray or missing character, or the wrong number) is either
a duplicate or a slip. Only a short line that starts with a section number and reads almost like an official
heading is judged: anything else is ordinary text.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from model.rule_registry import Issue, builtin, make_issue
from model.narrative.claims import text_places
from model.spec import Check

if TYPE_CHECKING:
    from model.state import ReportState

_NUMBERED = re.compile(r"^(?P<number>[一二三四五六七八九十]+)\s*[、.．]")
_SPACE = re.compile(r"[\s\u3000]+")
_MAX_LINE = 40  # a heading is one short line
# How close a line's wording must be to an official title to be taken for that heading: with the same number a
# stray or missing character (0.85); with another number the very wording (0.95), since 总体情况 often numbers
# its own sub-heads 一、二、 (“二、依申请公开政府信息情况” is a sub-head, not a misspelt 二、主动公开…).
_ALIKE_SAME_NUMBER = 0.85
_ALIKE_OTHER_NUMBER = 0.95


def _resembled(number: str, title: str, sections):
    for section in sections:
        ratio = difflib.SequenceMatcher(None, title, section.title).ratio()
        if ratio >= (_ALIKE_SAME_NUMBER if number == section.number else _ALIKE_OTHER_NUMBER):
            return section
    return None


@builtin("headings_official")
def headings_official(state: "ReportState", check: Check) -> list[Issue]:
    sections = state.spec.sections
    headings = {s.heading for s in sections}
    issues: list[Issue] = []
    for sid, place, bi, text in text_places(state):
        for line in text.split("\n"):
            found = _SPACE.sub("", line).rstrip("。：:")
            m = _NUMBERED.match(found)
            if len(found) > _MAX_LINE or not m or found in headings:
                continue
            section = _resembled(m["number"], found[m.end():], sections)
            if section is None:
                continue
            msg = check.message.format(place=place, found=found, expected=section.heading)
            issues.append(make_issue(check, msg, section=sid, item=f"{sid}:{bi}", anchor=f"{sid}:{bi}:0", state=state))
    return issues
