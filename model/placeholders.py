"""Guidance is not content: the fill-in prompts the app puts into a report, and finding the ones left in it.

Some texts the app inserts are prompts for the user — （请写明整改措施和成效） in a report carried forward from
last year, （请填写图片说明） under a new picture, the blanks of an outline sentence. A section that still
contains one is not finished, and a picture whose file is missing (a caption without an image, as an import
leaves it) is not either. Both are reported as errors (rule F-9), so that the step list, the review and the
refusal of a final export treat them like any other gap.

The prompt texts and the rule's wording are data (resources/placeholders.json); code that inserts a prompt
takes it from here, so that what is inserted is always what is found.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from model.rule_registry import Issue, make_issue
from model.spec import Check

if TYPE_CHECKING:
    from model.state import ReportState

DATA = Path(__file__).resolve().parent.parent / "resources" / "placeholders.json"
PREAMBLE_PLACE = "开头部分"


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def placeholder(name: str) -> str:
    """The prompt text the app inserts for `name` (e.g. "figure_caption")."""
    return _data()["texts"][name]


def placeholder_texts() -> tuple[str, ...]:
    return tuple(_data()["texts"].values())


def find_placeholders(text: str) -> list[tuple[int, int, str]]:
    """Every prompt left in `text`, as (start, end, prompt), in reading order."""
    found = []
    for prompt in placeholder_texts():
        start = text.find(prompt)
        while start >= 0:
            found.append((start, start + len(prompt), prompt))
            start = text.find(prompt, start + len(prompt))
    return sorted(found)


@lru_cache(maxsize=1)
def _check() -> Check:
    c = _data()["check"]
    return Check(id=c["id"], severity=c["severity"], section=None, kind="builtin", function="placeholders_replaced",
                 title=c["title"], message=c["text_message"])


def _excerpt(text: str, start: int, end: int) -> str:
    return text[max(0, start - 12): end + 6].replace("\n", "")


def placeholder_issues(state: "ReportState") -> list[Issue]:
    """An error for each prompt still in the text and each picture without its image file."""
    check = _check()
    words = _data()["check"]
    places = [("preamble", PREAMBLE_PLACE)] + [(s.id, s.heading) for s in state.spec.narrative_sections()]
    issues: list[Issue] = []
    for sid, place in places:
        for bi, block in enumerate(state.blocks(sid)):
            if block.type == "figure" and not block.image:
                msg = words["figure_message"].format(place=place, caption=block.caption or "（无说明）")
                issues.append(make_issue(check, msg, section=sid, item=f"{sid}:{bi}:image", anchor=f"{sid}:{bi}:0",
                                         state=state))
            text = block.caption if block.type == "figure" else block.text
            where = f"{place}的图片说明" if block.type == "figure" else place
            for start, end, prompt in find_placeholders(text):
                excerpt = _excerpt(text, start, end)
                context = words["context"].format(excerpt=excerpt) if excerpt.strip() != prompt else ""
                msg = words["text_message"].format(place=where, placeholder=prompt, context=context)
                issues.append(make_issue(check, msg, section=sid, item=f"{sid}:{bi}:{start}",
                                         anchor=f"{sid}:{bi}:{start}:{end}", state=state))
    return issues
