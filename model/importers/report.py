"""What an import read, normalised, could not find, and which rules the imported numbers break."""

from __future__ import annotations

from dataclasses import dataclass, field


# Text read from any one file: about 1,000 pages of Chinese, ten times the longest annual report.
MAX_TEXT_CHARS = 2_000_000
# Lines of text from any one file: a 1,000-page report has about 30,000.
MAX_LINES = 100_000


# What the tables show on a cell the import left open, before the reason.
UNSURE_PREFIX = "导入时无法确定，需人工核对："
_NOT_READ = "原文中没有读到这个数字（原文可能留空，或本程序未能读出），请对照原文填写"
_NO_TABLE = "原文中没有找到这张表，请对照原文填写"
_NOT_SPLIT = "读到的数字连在一起或个数不对，无法唯一对应到各单元格，请对照原文填写"


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

    def unsure_cells(self, spec) -> dict[str, str]:
        """{input cell path: why} for every cell this import left open or could not read: the cells the
        tables mark until the user fills them. *spec* is the FormatSpec the draft was read in."""
        by_label = {info.label: path for path, info in spec.cells.items()}
        out: dict[str, str] = {}

        def mark(path: str, why: str) -> None:
            if path not in spec.computed_paths and path not in out:
                out[path] = why

        for label in self.uncertain:
            if label in by_label:
                mark(by_label[label], self._why_uncertain(spec, by_label[label]))
        for entry in self.ambiguous:  # “label：reason” for a number that could not be read as the cell's kind
            label, sep, why = entry.partition("：")
            if sep and label in by_label:
                mark(by_label[label], why)
        headings = {section.heading: section.table for section in spec.sections if section.kind == "table"}
        for label in self.missing:
            if label in by_label:
                mark(by_label[label], _NOT_READ)
            elif (table := headings.get(label.split("（")[0])) is not None:  # “三、……（整张表）”
                for path in spec.table_inputs(table):
                    mark(path, _NO_TABLE)
        return out

    def _why_uncertain(self, spec, path: str) -> str:
        """The import's own line on the row or table the cell is in: “读到“7000008””, shortened."""
        info = spec.cells[path]
        section = next((s for s in spec.sections if s.kind == "table" and s.table == info.table), None)
        places = [info.row.label] + ([section.heading, f"表{section.heading[0]}"] if section else [])
        for entry in self.ambiguous:
            if any(entry.startswith(place) for place in places if place) and "读到" in entry:
                said = entry[entry.index("读到"):].split("，")[0]
                return f"{said}，无法唯一对应到各单元格，请对照原文填写"
        return _NOT_SPLIT


def mark_unsure_cells(draft, report: ImportReport):
    """The draft with the cells its import could not determine recorded in it (Draft.import_unsure), so the
    tables mark them until they are filled, also after the draft is saved and opened again."""
    from model.spec import get_format

    spec = get_format(draft.format)
    marks = {p: why for p, why in report.unsure_cells(spec).items() if not _filled(draft, p)}
    draft.import_unsure = marks
    return draft


def _filled(draft, path: str) -> bool:
    table, row, column = path.split(".", 2)
    return column in draft.tables.get(table, {}).get(row, {})
