"""Which format an imported report is in, from the words its tables print.

Each format file lists cues (detection.cues): table labels or headings that reports of the other formats do
not print. The format with the most cues found wins; on a tie the one whose years include the report's year
(the newest such), and with no cue at all the report's year decides.
"""

from __future__ import annotations

import re

from model.spec import FormatSpec, format_for_year, format_ids, get_format, newest_format


def detect_format(text: str, year: int | None) -> tuple[FormatSpec, str | None]:
    """(format, note for the import report or None)."""
    flat = re.sub(r"\s+", "", text)
    scored = [(sum(cue in flat for cue in spec.data.detection.cues), spec) for spec in map(get_format, format_ids())]
    best = max((score for score, _ in scored), default=0)
    if best > 0:
        tied = [spec for score, spec in scored if score == best]
        covering = [spec for spec in tied if year is not None and spec.covers_year(year)]
        return max(covering or tied, key=lambda spec: spec.data.first_year), None
    if year is not None:
        try:
            return format_for_year(year), "未在表格中找到格式标志，按报告年度选择格式版本。"
        except KeyError:
            pass
    spec = newest_format()
    return spec, f"未在表格中找到格式标志，按{spec.name}读取。"
