"""Standard sentences drafted from the tables, offered to the user to insert and edit.

Nothing here changes the user's text: the wizard shows the suggestions and inserts one only when asked.
Every sentence uses the phrasing that model.narrative.figures recognises, so an inserted suggestion is
checked against the tables like text the user wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from model.values import format_value

if TYPE_CHECKING:
    from model.state import ReportState

@dataclass(frozen=True)
class Suggestion:
    title: str
    text: str
    target_section: str
    heading: str | None = None  # the sub-head the sentence belongs under, e.g. （二）依申请公开
    note: str = ""


def _v(state: "ReportState", key: str) -> int | Decimal | None:
    """A figure the format file names (narrative_figures): the sum of its cells, or None when the format has
    no such figure or one of its cells is unfilled."""
    figure = state.spec.data.narrative_figures.get(key)
    if figure is None:
        return None
    total = 0
    for p in figure.cells:
        v = state.value(p)
        if v is None:
            return None
        total += v
    return total


def applications_sentence(state: "ReportState") -> str | None:
    year = state.meta.year
    new = _v(state, "received")
    carried = _v(state, "carried_in")
    if new is None or carried is None:
        return None
    if new == 0 and carried == 0:
        return f"{year}年，本机关未收到政府信息公开申请，无上年结转的政府信息公开申请。"
    natural = _v(state, "received_natural")
    legal = _v(state, "received_legal")
    parts = [f"{year}年，本机关共收到政府信息公开申请{new}件"]
    if new:
        who = [f"自然人申请{natural}件" if natural else "", f"法人或其他组织申请{legal}件" if legal else ""]
        who = [w for w in who if w]
        if who:
            parts[0] += "，其中" + "，".join(who)
    parts[0] += f"；上年结转{carried}件。" if carried else "；无上年结转申请。"
    handled = _v(state, "handled")
    if handled is None:
        return parts[0]
    outcomes = [("予以公开", _v(state, "disclosed")), ("部分公开", _v(state, "partial")),
                ("不予公开", _v(state, "withheld")), ("无法提供", _v(state, "unable")),
                ("不予处理", _v(state, "not_processed")), ("其他处理", _v(state, "other_handling"))]
    listed = [f"{name}{n}件" for name, n in outcomes if n]
    sentence = f"全年办结{handled}件" + ("，其中" + "，".join(listed) if listed else "")
    out = _v(state, "carried_out")
    sentence += f"；结转下年度继续办理{out}件。" if out else "；无结转下年度继续办理的申请。"
    return parts[0] + sentence


def proactive_sentence(state: "ReportState") -> str | None:
    parts = []
    issued, abolished, in_force = _v(state, "docs_issued"), _v(state, "docs_abolished"), _v(state, "docs_in_force")
    if None not in (issued, abolished, in_force) and (issued or abolished or in_force):
        parts.append(f"制发行政规范性文件{issued}件，废止{abolished}件，现行有效行政规范性文件{in_force}件")
    decisions = [("行政许可处理决定", _v(state, "licensing")), ("行政处罚处理决定", _v(state, "penalty")),
                 ("行政强制处理决定", _v(state, "enforcement"))]
    listed = [f"{name}{n}件" for name, n in decisions if n]
    if listed:
        parts.append("公开" + "、".join(listed))
    fee = _v(state, "fees")
    if fee:
        parts.append(f"行政事业性收费{format_value(fee)}万元")
    if not parts:
        return None
    return f"{state.meta.year}年，" + "；".join(parts) + "。"


def appeals_sentence(state: "ReportState") -> str | None:
    review = _v(state, "review")
    lit = _v(state, "litigation")
    if review is None or lit is None:
        return None
    if review == 0 and lit == 0:
        return "本年度未发生因政府信息公开引起的行政复议、行政诉讼案件。"
    parts = []
    if review:
        parts.append(f"行政复议{review}件")
    if lit:
        parts.append(f"行政诉讼{lit}件")
    sentence = "本年度因政府信息公开引起" + "、".join(parts)
    corrected = _v(state, "appeals_corrected")
    pending = _v(state, "appeals_pending")
    tail = []
    if corrected:
        tail.append(f"结果被纠正的{corrected}起")
    if pending:
        tail.append(f"尚未审结的{pending}起")
    return sentence + ("，其中" + "，".join(tail) if tail else "") + "。"


FEE_SENTENCE = "本年度未收取信息处理费。"


def _proactive(state: "ReportState", section_id: str) -> Suggestion | None:
    text = proactive_sentence(state)
    return Suggestion("主动公开情况（据表二）", text, section_id, "（一）主动公开") if text else None


def _applications(state: "ReportState", section_id: str) -> Suggestion | None:
    text = applications_sentence(state)
    return Suggestion("依申请公开情况（据表三）", text, section_id, "（二）依申请公开") if text else None


def _appeals(state: "ReportState", section_id: str) -> Suggestion | None:
    text = appeals_sentence(state)
    if not text:
        return None
    # in section 一 under its （五）监督保障 sub-head; elsewhere (the 2019 format's 六) a paragraph of its own
    heading = "（五）监督保障" if section_id == "s1" else None
    return Suggestion("行政复议、行政诉讼情况（据表四）", text, section_id, heading)


def _rectification(state: "ReportState", section_id: str) -> Suggestion:
    return Suggestion("上年度问题整改情况（提纲）",
                      "上年度问题整改情况：针对上年度报告提出的……问题，本年度采取了……措施，已整改到位。", section_id)


def _fee_statement(state: "ReportState", section_id: str) -> Suggestion:
    return Suggestion("信息处理费收取情况", FEE_SENTENCE, section_id,
                      note="表格中没有信息处理费的数字：如本年度收取了信息处理费，请改写为实际的件数和金额。")


# sentence kind (as a format file's sections[].suggestions names it) → how it is drafted
_DRAFTERS = {
    "proactive": _proactive,
    "applications": _applications,
    "appeals": _appeals,
    "rectification": _rectification,
    "fee_statement": _fee_statement,
}


def suggestions(state: "ReportState", section_id: str) -> list[Suggestion]:
    """The sentences the format file offers for a section, in its order, drafted from the tables."""
    section = state.spec.section_by_id.get(section_id)
    if section is None:
        return []
    drafted = (_DRAFTERS[kind](state, section_id) for kind in section.suggestions)
    return [s for s in drafted if s is not None]
