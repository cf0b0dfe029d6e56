"""Statements in the text that the tables or the text itself contradict, beyond single figures (F-7):

- qualitative claims about table 四 (“行政复议均获维持”, “未发生行政诉讼被纠错”) while the table counts 纠正,
  其他结果 or 尚未审结 cases — the claim words, the table columns they deny and the words that say which rows
  a sentence is about all come from the check's params in the format file;
- enumerations out of sequence (一是…三是…三是).

Rather miss than accuse: a claim counts only in a sentence that names its subject (复议/诉讼), and an
enumeration is judged only from its 一是 on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from model.rule_registry import Issue, builtin, make_issue
from model.narrative.figures import sentence_around
from model.spec import Check
from model.values import format_value

if TYPE_CHECKING:
    from model.state import ReportState

_SENTENCE = re.compile(r"[^。；！？!?;\n]+[。；！？!?;]?")


def text_places(state: "ReportState"):
    """(section id, place name, block index, text) of every text block, pictures' captions included."""
    places = [("preamble", "开头部分")] + [(s.id, s.heading) for s in state.spec.narrative_sections()]
    for sid, place in places:
        for bi, block in enumerate(state.blocks(sid)):
            yield sid, place, bi, (block.caption if block.type == "figure" else block.text)


def _sum(state: "ReportState", paths: list[str]):
    total = 0
    for path in paths:
        v = state.value(path)
        if v is None:
            return None
        total += v
    return total


@builtin("claims_match_tables")
def claims_match_tables(state: "ReportState", check: Check) -> list[Issue]:
    table = check.table or ""
    rows_by_word: dict[str, list[str]] = check.params.get("rows_by_word", {})
    claims = [(c, re.compile(c["pattern"])) for c in check.params.get("claims", ())]
    spec = state.spec
    issues: list[Issue] = []
    for sid, place, bi, text in text_places(state):
        for sentence in _SENTENCE.finditer(text):
            s = sentence.group(0)
            for claim, pattern in claims:
                m = pattern.search(s)
                if not m:
                    continue
                # the claim is about the rows its sentence names (before it, or inside it: 未发生行政诉讼被纠错);
                # a sentence naming none is left alone
                rows = [r for word, rs in rows_by_word.items() if word in s[: m.end()] for r in rs]
                if not rows or any(w in s for w in claim.get("unless", ())):
                    continue
                rows = list(dict.fromkeys(rows))
                paths = [f"{table}.{r}.{c}" for r in rows for c in claim["columns"] if f"{table}.{r}.{c}" in spec.cells]
                value = _sum(state, paths)
                if not value:
                    continue  # unfilled, or the table agrees
                nonzero = [p for p in paths if state.value(p)]
                cells = "、".join(f"{spec.cells[p].label} {format_value(state.value(p))}" for p in nonzero)
                start = sentence.start() + m.start()
                msg = check.message.format(place=place, sentence=sentence_around(text, start, start + len(m.group(0))),
                                           claim=f"“{m.group(0)}”", cells=cells, value=format_value(value))
                issues.append(make_issue(check, msg, section=sid, cells=nonzero, item=f"{sid}:{bi}:{start}",
                                         anchor=f"{sid}:{bi}:{start}:{start + len(m.group(0))}", state=state))
    return issues


_ORDINALS = "一二三四五六七八九十"
# a marker starts a clause: at the start of the text, after punctuation, a space or an opening bracket
_MARKER = re.compile(rf"(?:^|(?<=[。；;，,：:！？\s（(]))([{_ORDINALS}]|十[一二三四五六七八九])是(?!否)")


def _ordinal(word: str) -> int:
    return _ORDINALS.index(word) + 1 if len(word) == 1 else 10 + _ORDINALS.index(word[1]) + 1


def _name(n: int) -> str:
    return (_ORDINALS[n - 1] if n <= 10 else "十" + _ORDINALS[n - 11]) + "是"


@builtin("enumeration_in_sequence")
def enumeration_in_sequence(state: "ReportState", check: Check) -> list[Issue]:
    """一是、二是、三是… in one paragraph must count up by one; a new 一是 starts a new enumeration."""
    issues: list[Issue] = []
    for sid, place, bi, text in text_places(state):
        last = 0  # 0: no enumeration started yet (a paragraph may continue one begun above: not judged)
        for m in _MARKER.finditer(text):
            n = _ordinal(m.group(1))
            if n == 1:
                last = 1
                continue
            if last and n != last + 1:
                excerpt = text[max(0, m.start() - 16): m.end() + 12].replace("\n", "").rstrip("。；;，,")
                msg = check.message.format(place=place, found=m.group(0), previous=_name(last),
                                           expected=_name(last + 1), excerpt=excerpt)
                issues.append(make_issue(check, msg, section=sid, item=f"{sid}:{bi}:{m.start()}",
                                         anchor=f"{sid}:{bi}:{m.start()}:{m.end()}", state=state))
                break  # one slip per paragraph: the rest of its numbering follows from the fix
            if last:
                last = n
    return issues
