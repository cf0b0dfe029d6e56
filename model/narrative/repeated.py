"""A text section copied from last year's report (the 2021 format: 不得照抄上年内容).

Sentences are compared after removing spaces and digits (a copied sentence with only the year changed is
still copied). The section is reported when the share of its sentences found in last year's same section
reaches `min_share`, or when a whole paragraph of some length repeats last year's sentences. A paragraph that
speaks of last year (上年度…整改) and adds sentences of its own is taken to quote last year's problems.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from model.rule_registry import Issue, builtin, make_issue
from model.spec import Check

if TYPE_CHECKING:
    from model.state import ReportState

_SENTENCE = re.compile(r"[^。；！？!?;\n]+[。；！？!?;]?")
# A paragraph about last year's problems (上年度问题整改情况) quotes them on purpose: its repeats are quotes, not
# copying — the carried-forward prompt itself quotes them.
_ABOUT_LAST_YEAR = re.compile(r"上一?年度?|去年|整改")
_NOISE = re.compile(r"[\s\d０-９，,、：:“”\"'（）()《》。；！？!?;]")


def _sentences(text: str, min_chars: int) -> list[tuple[str, str]]:
    """(normalised, as written) of every sentence long enough to tell copying from a common phrase."""
    out = []
    for m in _SENTENCE.finditer(text):
        key = _NOISE.sub("", m.group(0))
        if len(key) >= min_chars:
            out.append((key, m.group(0).strip()))
    return out


def _paragraphs(state: "ReportState", section: str) -> list[str]:
    return [b.text for b in state.blocks(section) if b.type != "figure"]


@builtin("section_not_copied")
def section_not_copied(state: "ReportState", check: Check) -> list[Issue]:
    previous = state.previous
    section = check.section or ""
    if previous is None or section not in state.spec.section_by_id:
        return []
    min_chars = int(check.params.get("min_sentence_chars", 8))
    last = {key for text in _paragraphs(previous, section) for key, _ in _sentences(text, min_chars)}
    if not last:
        return []
    total = repeated = 0
    where: list[int] = []
    whole_paragraph = False
    first = ""
    for pi, text in enumerate(_paragraphs(state, section), start=1):
        sentences = _sentences(text, min_chars)
        total += len(sentences)
        if _ABOUT_LAST_YEAR.search(text) and any(key not in last for key, _ in sentences):
            continue  # quoting last year's problems while telling what was done about them
        hits = [written for key, written in sentences if key in last]
        repeated += len(hits)
        if hits:
            where.append(pi)
            first = first or hits[0]
            if len(hits) == len(sentences) and len(text.strip()) >= int(check.params.get("min_paragraph_chars", 40)):
                whole_paragraph = True
    if not total or not repeated:
        return []
    share = repeated / total
    if share < float(check.params.get("min_share", 0.5)) and not whole_paragraph:
        return []
    heading = state.spec.section_by_id[section].heading
    first = first.rstrip("。；;！？!?")
    excerpt = first if len(first) <= 40 else first[:38] + "……"
    msg = check.message.format(section=heading, repeated=repeated, total=total, share=f"{share:.0%}",
                               where="、".join(f"第{p}段" for p in where), excerpt=excerpt)
    return [make_issue(check, msg, section=section, item=section, state=state)]
