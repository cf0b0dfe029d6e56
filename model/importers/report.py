"""What an import read, normalised, could not find, and which rules the imported numbers break."""

from __future__ import annotations

from dataclasses import dataclass, field


# Text read from any one file: about 1,000 pages of Chinese, ten times the longest annual report.
MAX_TEXT_CHARS = 2_000_000
# Lines of text from any one file: a 1,000-page report has about 30,000.
MAX_LINES = 100_000


class ImportError_(Exception):
    """Nothing usable could be read; str() says why in Chinese."""


@dataclass
class ImportReport:
    source: str
    format_id: str = ""
    cells_read: int = 0
    cells_expected: int = 0
    normalised: list[str] = field(default_factory=list)  # "/" "—" "不适用" read as 0
    missing: list[str] = field(default_factory=list)  # cells not found
    ambiguous: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # cells left unfilled because their number is not certain
    stated: list[str] = field(default_factory=list)  # printed totals that differ from the computed ones
    notes: list[str] = field(default_factory=list)
    rules_broken: list[str] = field(default_factory=list)
    # (table heading, cells read, unfilled, uncertain, printed totals that disagree with their parts)
    per_table: list[tuple[str, int, int, int, int]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.ambiguous and not self.uncertain

    def lines(self) -> list[str]:
        out = [f"来源：{self.source}", f"格式版本：{self.format_id}",
               f"表格：读取 {self.cells_read} / {self.cells_expected} 个单元格"]
        for heading, read, unfilled, unsure, stated in self.per_table:
            out.append(f"  {heading}：读取 {read} 个，未填写 {unfilled} 个，无法确定 {unsure} 个，"
                       f"合计与明细不一致 {stated} 个")
        if self.normalised:
            out.append(f"以下 {len(self.normalised)} 个单元格原文为“/”“—”“-”“不适用”等，按 0 读入：")
            out += [f"  {x}" for x in self.normalised[:20]] + (["  ……"] if len(self.normalised) > 20 else [])
        if self.missing:
            out.append(f"未能读取 {len(self.missing)} 个单元格（导入后显示为未填写，请核对原文补填）：")
            out += [f"  {x}" for x in self.missing[:30]] + (["  ……"] if len(self.missing) > 30 else [])
        if self.uncertain:
            out.append(f"以下 {len(self.uncertain)} 个单元格无法确定，需人工核对（导入后未填写）：")
            out += [f"  {x}" for x in self.uncertain[:30]] + (["  ……"] if len(self.uncertain) > 30 else [])
        if self.ambiguous:
            out.append("无法确定的内容：")
            out += [f"  {x}" for x in self.ambiguous]
        if self.stated:
            out.append("原报告印出的合计与明细之和不一致（按原文保留，由校验规则标出）：")
            out += [f"  {x}" for x in self.stated]
        out += self.notes
        if self.rules_broken:
            out.append("导入的数字违反以下规则（未作修改；请与原文核对，可能是原文如此，也可能是读取有误）："
                       + "、".join(self.rules_broken))
        return out
