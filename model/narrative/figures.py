"""Statements in the narrative about the figures the tables hold.

Each pattern ties a phrase to a quantity of the tables (a cell or a sum of cells). Precision comes before
recall: a number is compared only when the words right before it name a table figure unambiguously; numbers
of anything else (信息 210 条, 关注人数 6.5 万, dates, phone numbers) are never looked at, and a phrase joined to
another by “、”“和”“及” (行政复议、行政诉讼共 17 件) is left alone because its number counts both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from model.narrative.numerals import NUMBER_PATTERN, parse_number

@dataclass(frozen=True)
class Quantity:
    key: str
    label: str  # what the table calls it, for messages
    cells: tuple[str, ...]  # summed; empty when the format has no such figure
    # other sums the same words are used for: “共受理申请N件” often counts 上年结转 too (新收 + 结转 = 办理 + 结转下年)
    alternatives: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Ratio:
    """A percentage quoted in the text: numerator cells over denominator cells, times 100."""

    key: str
    label: str
    cells: tuple[str, ...]
    denominator: tuple[str, ...]
    # other bases reports use for the same share (本年新收, 新收加上年结转): a figure matching any of them is
    # not contradicted, since the text rarely says which base it took
    other_denominators: tuple[tuple[str, ...], ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Finding:
    quantity: Quantity
    number: Decimal
    start: int  # span of the whole phrase in the block text
    end: int
    negation: bool = False  # "未收到申请": the quantity is claimed to be zero


def quantities(spec) -> dict[str, Quantity]:
    """The quantities a format's tables hold, by key: the format file binds each phrase key to its cells
    (narrative_figures); a format without a figure simply leaves its key out."""
    out: dict[str, Quantity] = {}
    for key, fig in spec.data.narrative_figures.items():
        if fig.denominator:
            out[key] = Ratio(key, fig.label, fig.cells, fig.denominator, fig.other_denominators, fig.alternatives)
        else:
            out[key] = Quantity(key, fig.label, fig.cells, fig.alternatives)
    return out


# The words that may stand between a figure's name and its number: 申请/案件/共/为/了/达/决定…
_FILL = r"(?:[共计为了达到约各类合]|申请|案件|处理决定|决定|的){0,4}\s*"
_N = rf"(?P<n>{NUMBER_PATTERN})\s*"
_JOINED = re.compile(r"[、和及与]\s*$")
_CLAUSE_WINDOW = 400  # characters looked at around a finding; far longer than any real clause

_AND = r"(?:和|及|与|、|以及)"
# 公开率 is the application disclosure rate only when nothing else is its subject: “预决算公开率”“主动公开率”
# name another rate, so the word right before it must be 申请 (依申请公开率), a time or scope (全年, 本年度,
# 总体) or no word at all
_RATE_SUBJECT = r"(?:(?<![\u4e00-\u9fff])|" + "|".join(f"(?<={w})" for w in ("申请", "全年", "年度", "总体", "整体", "综合")) + ")"
_PATTERNS: list[tuple[str, re.Pattern]] = [(k, re.compile(p)) for k, p in [
    # combined figures first: their number counts both, so the single phrases must not claim it
    ("disclosed_and_partial", rf"予以公开{_AND}部分公开(?:的)?{_FILL}{_N}件"),
    ("review_and_litigation", rf"行政复议{_AND}行政诉讼(?:案件)?{_FILL}{_N}件"),
    # “予以公开和部分公开共N件，占X%”: the share of applications answered with information
    ("disclosure_rate", rf"予以公开{_AND}部分公开[^。；%％]{{0,24}}?件\s*[，,]?\s*(?:占比|占)(?:为|达)?\s*"
                        rf"(?P<n>\d+(?:\.\d+)?)\s*[%％]"),    ("received", rf"(?:新收|收到|受理)(?:各类|到)?(?:政府信息公开|依申请公开)?申请(?:共|总数为?|合计)?\s*{_N}件"),
    ("received_natural", rf"自然人(?:提出)?{_FILL}{_N}件"),
    ("received_legal", rf"法人或其他组织(?:提出)?{_FILL}{_N}件"),
    ("carried_in", rf"上年(?:度)?结转(?:的?政府信息公开申请)?{_FILL}{_N}件"),
    ("handled", rf"(?:办结|答复)(?:政府信息公开申请)?{_FILL}{_N}件"),
    ("disclosed", rf"予以公开{_FILL}{_N}件"),
    ("partial", rf"部分公开{_FILL}{_N}件"),
    ("withheld", rf"不予公开{_FILL}{_N}件"),
    ("unable", rf"无法提供{_FILL}{_N}件"),
    ("not_processed", rf"不予处理{_FILL}{_N}件"),
    ("other_handling", rf"其他处理{_FILL}{_N}件"),
    ("carried_out", rf"结转(?:至)?下(?:一)?年度?(?:继续办理)?{_FILL}{_N}件"),
    ("review", rf"行政复议{_FILL}{_N}件"),
    ("litigation", rf"行政诉讼{_FILL}{_N}件"),
    ("licensing", rf"行政许可{_FILL}{_N}件"),
    ("penalty", rf"行政处罚{_FILL}{_N}件"),
    ("enforcement", rf"行政强制{_FILL}{_N}件"),
    ("docs_issued", rf"制发(?:了)?(?:行政)?规范性文件{_FILL}{_N}件"),
    ("docs_in_force", rf"现行有效(?:的)?(?:行政)?规范性文件{_FILL}{_N}件"),
    ("fees", rf"行政事业性收费{_FILL}(?:金额)?(?:为|共|达)?\s*{_N}万元"),
    ("disclosure_rate", rf"{_RATE_SUBJECT}(?:依申请)?公开率(?:为|达到?|约)?\s*(?P<n>\d+(?:\.\d+)?)\s*[%％]"),
]]
# 废止 counts only inside a sentence about 规范性文件
_ABOLISHED = re.compile(rf"废止{_FILL}{_N}件")
# the figures a format file may bind to its cells (narrative_figures): the keys of the phrases above, and
# figures only the drafted sentences (model.narrative.suggest) use
PHRASE_KEYS = frozenset({k for k, _ in _PATTERNS} | {"docs_abolished"})
FIGURE_KEYS = PHRASE_KEYS | {"appeals_corrected", "appeals_pending"}
_NEGATIONS: list[tuple[str, re.Pattern]] = [
    ("received", re.compile(r"(?:未|没有)(?:收到|受理)(?:过)?(?:任何)?(?:政府信息公开|依申请公开的?)?申请")),
    ("review", re.compile(r"未(?:发生|收到)(?:政府信息公开)?(?:相关)?行政复议(?![、和及与])")),
    ("review_and_litigation",
     re.compile(rf"未(?:发生|收到)(?:因)?(?:政府信息公开)?(?:相关)?(?:的)?行政复议{_AND}行政诉讼")),
]
_SENTENCE = re.compile(r"[^。；！？!?;\n]+[。；！？!?;]?")


def find_figures(text: str, qty: dict[str, Quantity]) -> list[Finding]:
    found: list[Finding] = []
    # every character position already read as some figure's number; a set keeps the test constant-time, so
    # a long text with thousands of figures is read in linear time
    taken: set[int] = set()
    for key, pattern in _PATTERNS:
        if key not in qty:
            continue
        for m in pattern.finditer(text):
            if _joined_without_own_number(text, m.start()):
                continue
            if _is_change(text, m.end()) or _for_another_body(text, m.start()):
                continue
            number = parse_number(m.group("n"))
            if number is None or m.start("n") in taken:
                continue
            taken.update(range(m.start("n"), m.end("n")))
            found.append(Finding(qty[key], number, m.start(), m.end()))
    if "docs_abolished" in qty:
        for sentence in _SENTENCE.finditer(text):
            if "规范性文件" not in sentence.group(0):
                continue
            for m in _ABOLISHED.finditer(sentence.group(0)):
                number = parse_number(m.group("n"))
                start = sentence.start() + m.start()
                if number is not None and start not in taken:
                    found.append(Finding(qty["docs_abolished"], number, start, sentence.start() + m.end()))
    for key, pattern in _NEGATIONS:
        if key in qty:
            for m in pattern.finditer(text):
                found.append(Finding(qty[key], Decimal(0), m.start(), m.end(), negation=True))
    return sorted(found, key=lambda f: f.start)


def _joined_without_own_number(text: str, start: int) -> bool:
    """'行政复议、行政诉讼共17件': the number after 诉讼 counts both, so it is not 诉讼's own figure."""
    if not _JOINED.search(text[max(0, start - 2): start]):
        return False
    # only the clause before the phrase matters; a bounded window keeps this constant-time on long texts
    left = text[max(0, start - _CLAUSE_WINDOW): start].rstrip()[:-1]
    fragment = re.split(r"[，。；：,;:\n]", left)[-1].split("、")[-1]
    return not re.search(NUMBER_PATTERN, fragment)


def _for_another_body(text: str, start: int) -> bool:
    """'区政府办代表区政府受理申请17件': the clause's subject is one office, not the reporting agency, so its
    figure is not the table's."""
    clause = re.split(r"[。；！？\n]", text[max(0, start - 40): start])[-1]
    return "代表" in clause


def _is_change(text: str, end: int) -> bool:
    """'同比增长 5 件' / '较上年增加 5 件' is a change, not the figure itself."""
    before = text[max(0, end - 14): end]
    return bool(re.search(r"(?:同比|较上年|比上年|环比)(?:增加|增长|减少|下降|上升)?[^，。；]*$", before))


def sentence_around(text: str, start: int, end: int) -> str:
    # looked for within a window only: the result is shortened to 60 characters anyway, and a text without
    # full stops must not be scanned end to end for each of its findings
    low, high = max(0, start - _CLAUSE_WINDOW), min(len(text), end + _CLAUSE_WINDOW)
    left = max(max(text.rfind(p, low, start) for p in "。；！？\n") + 1, low)
    rights = [i for i in (text.find(p, end, high) for p in "。；！？\n") if i != -1]
    right = min(rights) + 1 if rights else high
    sentence = text[left:right].strip()
    return sentence if len(sentence) <= 60 else sentence[:28] + "……" + sentence[-28:]
