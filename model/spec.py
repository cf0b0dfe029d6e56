"""The official report formats, loaded from resources/formats/*.json.

A format file is the single source of section titles, table layouts, labels, value kinds, computed cells and
checks. This module validates a file (ids unique, references resolve, no cycles, message placeholders known)
and expands its templated formulas into concrete cell equations once, so that recomputation is a flat loop.
"""

from __future__ import annotations

import json
import os
import re
import string
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FORMATS_DIR = Path(__file__).resolve().parent.parent / "resources" / "formats"
# Further folders of format files, separated like PATH (“:” on Linux, “;” on Windows): a new national format
# can be tried out, or a test can add one, without touching resources/formats.
EXTRA_FORMATS_ENV = "NIANBAO_FORMATS_DIR"

ValueKind = Literal["count", "signed_count", "amount"]
Severity = Literal["error", "warning"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Column(_Strict):
    id: str
    label: str
    kind: ValueKind
    unit: str | None = None
    span: int = 1  # layout width in value cells (section 二 blocks share one 3-value-column grid)


class Row(_Strict):
    id: str
    label: str
    group: str | None = None
    aliases: tuple[str, ...] = ()  # other spellings seen in published reports, for importers


class Block(_Strict):
    id: str
    title: str | None = None
    header_label: str | None = None
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


class HeaderCell(_Strict):
    text: str
    colspan: int = 1
    rowspan: int = 1


class Group(_Strict):
    id: str
    label: str
    parent: str | None = None


class Table(_Strict):
    id: str
    layout: Literal["stacked_blocks", "application_grid", "blocks_in_one_row"]
    blocks: tuple[Block, ...]
    value_columns: int | None = None
    label_columns: int | None = None
    header_note: str | None = None
    header_rows: tuple[tuple[HeaderCell, ...], ...] = ()
    groups: tuple[Group, ...] = ()


class Section(_Strict):
    id: str
    number: str
    title: str
    kind: Literal["narrative", "table"]
    table: str | None = None
    guidance: str | None = None
    outline: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()  # sentence kinds the editor offers for this section (model.narrative.suggest)

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


class ForEach(_Strict):
    row: tuple[str, ...] | None = None
    column: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _one_axis(self) -> "ForEach":
        if (self.row is None) == (self.column is None):
            raise ValueError("for_each needs exactly one of row / column")
        return self

    @property
    def axis(self) -> str:
        return "row" if self.row is not None else "column"

    @property
    def values(self) -> tuple[str, ...]:
        return self.row if self.row is not None else self.column  # type: ignore[return-value]


class Computed(_Strict):
    id: str
    for_each: ForEach
    target: str
    sum: tuple[str, ...]


class Check(_Strict):
    id: str
    rule: str | None = None
    severity: Severity
    section: str | None
    kind: Literal["equation", "builtin"]
    title: str
    message: str
    needs_previous: bool = False
    # equation checks
    for_each: ForEach | None = None
    summary: tuple[str, ...] = ()
    lhs: tuple[str, ...] = ()
    op: Literal["eq", "le", "ge"] = "eq"
    rhs: tuple[str, ...] = ()
    # builtin checks
    function: str | None = None
    table: str | None = None
    params: dict[str, Any] = {}  # what a builtin needs beyond its table: patterns, column ids, thresholds

    @property
    def rule_id(self) -> str:
        return self.rule or self.id

    def __hash__(self) -> int:  # params is a dict; a check is identified by its id within its format
        return hash((self.id, self.rule, self.function))


class Detection(_Strict):
    """How an imported report is recognised as this format: words of its tables or headings that reports of
    other formats do not print. The format with the most cues found wins; on a tie, the one whose years
    include the report's year."""

    cues: tuple[str, ...] = ()


class Migration(_Strict):
    """Moving a draft from an older format into this one: {old cell path: new cell path}. Cells with the same
    path and the same column label move without being listed; an entry whose path is unchanged declares that
    a relabelled column still measures the same. Renamed entries (old ≠ new) also move a draft back."""

    format: str
    cells: dict[str, str]


class CarryForward(_Strict):
    """A cell of this year's report filled from last year's: the sum of last year's cells (see Computed)."""

    id: str
    for_each: ForEach | None = None
    target: str
    sum: tuple[str, ...]
    # only when last year's report was in this format too (its cells mean the same then)
    same_format_only: bool = False


class NarrativeFigure(_Strict):
    """A figure the text may quote (“予以公开N件”), bound to the cells it sums. The phrase that names it is
    the key's (model.narrative.figures); the cells are the format's."""

    label: str  # what the table calls it, for messages
    cells: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...] = ()  # other sums the same words are used for
    # a percentage: cells over denominator, times 100; other bases reports use for the same share
    denominator: tuple[str, ...] = ()
    other_denominators: tuple[tuple[str, ...], ...] = ()


class ComparedFigure(_Strict):
    """A main figure shown against last year's (review page, the workbook's 与上年对比): the sum of its cells."""

    label: str
    cells: tuple[str, ...]


class FormatFile(_Strict):
    id: str
    name: str
    notice: str
    first_year: int
    last_year: int | None
    title_suffix: str
    preamble_guidance: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    computed: tuple[Computed, ...]
    checks: tuple[Check, ...]
    detection: Detection = Field(default_factory=Detection)
    migrate_from: tuple[Migration, ...] = ()
    carry_forward: tuple[CarryForward, ...] = ()
    narrative_figures: dict[str, NarrativeFigure] = {}
    year_over_year: tuple[ComparedFigure, ...] = ()


@dataclass(frozen=True)
class CellInfo:
    """Everything known about one cell: where it is, what it holds, how it is labelled."""

    path: str
    table: str
    block: str
    row: Row
    column: Column

    @property
    def label(self) -> str:
        """A human label such as “（一）予以公开 / 自然人”."""
        return f"{self.row.label} / {self.column.label}"


@dataclass(frozen=True)
class Term:
    path: str
    sign: int = 1
    previous: bool = False


@dataclass(frozen=True)
class Equation:
    """One expanded instance of an equation check, e.g. S3-1 for the 自然人 column."""

    check: Check
    item: str  # the for_each value (row or column id)
    item_label: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    is_summary: bool


@dataclass(frozen=True)
class Formula:
    target: str
    sources: tuple[str, ...]


_TERM = re.compile(r"^(?P<sign>-)?(?P<prev>previous:)?(?P<path>[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+)$")
EQUATION_PLACEHOLDERS = {"item", "lhs", "rhs"}
BUILTIN_PLACEHOLDERS = {
    "format_matches_year": {"year", "expected", "actual"},
    "sections_filled": {"section", "detail"},
    "unfilled_cells": {"count", "first"},
    "years_agree": {"place", "found", "year", "excerpt"},
    "mentions_fee_statement": set(),
    "mentions_rectification": set(),
    "published_in_time": {"date", "deadline", "rule"},
    "narrative_matches_tables": {"sentence", "figure", "cell", "value"},
    "claims_match_tables": {"place", "sentence", "claim", "cells", "value"},
    "enumeration_in_sequence": {"place", "found", "previous", "expected", "excerpt"},
    "column_copies_column": {"block", "rows"},
    "section_not_copied": {"section", "repeated", "total", "share", "where", "excerpt"},
    "headings_official": {"place", "found", "expected"},
    "stated_totals_not_blank": {"cell", "value"},
}
# the sentence kinds model.narrative.suggest drafts, as sections[].suggestions names them
SUGGESTION_KINDS = frozenset({"proactive", "applications", "appeals", "rectification", "fee_statement"})
# builtins that report unfilled cells or sections rather than a contradiction
COMPLETENESS_FUNCTIONS = frozenset({"sections_filled", "unfilled_cells"})
# the parameters each builtin reads from its check's `params`, checked on load so a typo is not a silent no-op
BUILTIN_PARAMS = {
    "claims_match_tables": {"claims", "rows_by_word"},
    "column_copies_column": {"column", "copies"},
    "section_not_copied": {"min_share", "min_sentence_chars", "min_paragraph_chars"},
}


class SpecError(ValueError):
    """A format file that cannot be used; str() names the file, the JSON path and what is wrong, in Chinese."""


def _where(source: str, path: str, what: str) -> SpecError:
    return SpecError(f"格式文件 {source}：{path}：{what}")


class FormatSpec:
    """A validated format with its cells, formulas and checks expanded."""

    def __init__(self, data: FormatFile, source: str | None = None):
        self.data = data
        self.id = data.id
        self.source = source or f"{data.id}.json"
        self._check_unique_ids()
        self._check_groups()
        self.name = data.name
        self.sections = data.sections
        self.section_by_id = {s.id: s for s in data.sections}
        self.tables = {t.id: t for t in data.tables}
        self.cells: dict[str, CellInfo] = {}
        for table in data.tables:
            for block in table.blocks:
                for row in block.rows:
                    for col in block.columns:
                        path = f"{table.id}.{row.id}.{col.id}"
                        if path in self.cells:
                            raise self._error(f"tables[{table.id}]", f"单元格 {path} 重复")
                        self.cells[path] = CellInfo(path, table.id, block.id, row, col)
        self.formulas = self._expand_formulas()
        self.computed_paths = frozenset(f.target for f in self.formulas)
        self.input_paths = tuple(p for p in self.cells if p not in self.computed_paths)
        self.equations = self._expand_equations()
        self._check_ids_and_placeholders()
        self.carried_forward = self._expand_carry_forward()
        self._check_detection_and_migrations()
        self._check_narrative_figures()
        self._check_year_over_year()

    # -- lookups -------------------------------------------------------------------------------------
    def table_cells(self, table_id: str) -> list[str]:
        return [p for p, c in self.cells.items() if c.table == table_id]

    def table_inputs(self, table_id: str) -> list[str]:
        return [p for p in self.input_paths if self.cells[p].table == table_id]

    def row(self, table_id: str, row_id: str) -> Row:
        for block in self.tables[table_id].blocks:
            for row in block.rows:
                if row.id == row_id:
                    return row
        raise KeyError(row_id)

    def block_of_row(self, table_id: str, row_id: str) -> Block:
        for block in self.tables[table_id].blocks:
            if any(r.id == row_id for r in block.rows):
                return block
        raise KeyError(row_id)

    @property
    def completeness_rules(self) -> frozenset[str]:
        """Rule ids that report what is not filled in yet (views show that by the cell colour instead)."""
        return frozenset(c.rule_id for c in self.data.checks if c.function in COMPLETENESS_FUNCTIONS)

    def narrative_sections(self) -> list[Section]:
        return [s for s in self.sections if s.kind == "narrative"]

    def place_name(self, section: str | None) -> str:
        """How messages name where an issue is: a section heading, 基本信息, 开头部分 or 全文."""
        if section is None:
            return "全文"
        if section == "meta":
            return "基本信息"
        if section == "preamble":
            return "开头部分"
        return self.section_by_id[section].heading if section in self.section_by_id else section

    def title(self, agency: str, year: int) -> str:
        return f"{agency}{year}年{self.data.title_suffix}"

    def covers_year(self, year: int) -> bool:
        last = self.data.last_year
        return self.data.first_year <= year and (last is None or year <= last)

    # -- expansion -----------------------------------------------------------------------------------
    def _substitute(self, template: str, axis: str, value: str) -> str:
        return template.replace("{" + axis + "}", value)

    def _item_label(self, table_id: str, axis: str, value: str) -> str:
        if axis == "row":
            return self.row(table_id, value).label
        for block in self.tables[table_id].blocks:
            for col in block.columns:
                if col.id == value:
                    return col.label
        raise self._error(f"tables[{table_id}]", f"没有列 {value}")

    def _expand_formulas(self) -> list[Formula]:
        formulas: list[Formula] = []
        seen: set[str] = set()
        for ci, comp in enumerate(self.data.computed):
            axis = comp.for_each.axis
            for value in comp.for_each.values:
                target = self._substitute(comp.target, axis, value)
                sources = tuple(self._substitute(s, axis, value) for s in comp.sum)
                for where, path in ((".target", target), *((f".sum[{j}]", p) for j, p in enumerate(sources))):
                    if path not in self.cells:
                        raise self._error(f"computed[{ci}]（{comp.id}）{where}", f"没有单元格 {path}")
                if target in seen:
                    raise self._error(f"computed[{ci}]（{comp.id}）.target", f"单元格 {target} 被计算了两次")
                seen.add(target)
                formulas.append(Formula(target, sources))
        return _topological(formulas, self._error)

    def _error(self, path: str, what: str) -> SpecError:
        return _where(self.source, path, what)

    def _parse_term(self, text: str, where: str, check: Check) -> Term:
        m = _TERM.match(text)
        if not m:
            raise self._error(where, f"无法识别的项 {text!r}（应为“表.行.列”，可带“-”或“previous:”）")
        path = m["path"]
        if path not in self.cells:
            if m["prev"]:
                # last year's report is read in the same format (an older one is converted first), so a term
                # about last year must name a cell of this format too
                raise self._error(where, f"上年报告的项 previous:{path} 不是本格式的单元格")
            raise self._error(where, f"没有单元格 {path}")
        if m["prev"] and not check.needs_previous:
            raise self._error(where, "用到了上年报告（previous:），但检查没有声明 needs_previous")
        return Term(path, -1 if m["sign"] else 1, bool(m["prev"]))

    def _expand_equations(self) -> list[Equation]:
        out: list[Equation] = []
        for ci, check in enumerate(self.data.checks):
            if check.kind != "equation":
                continue
            here = f"checks[{ci}]（{check.id}）"
            if check.for_each is None or not check.lhs or not check.rhs:
                raise self._error(here, "等式检查需要 for_each、lhs 和 rhs")
            if check.section not in self.tables:
                raise self._error(f"{here}.section", f"等式检查应写明所在表格，{check.section!r} 不是表格")
            axis = check.for_each.axis
            for value in check.for_each.values:
                lhs = tuple(self._parse_term(self._substitute(t, axis, value), f"{here}.lhs[{j}]", check)
                            for j, t in enumerate(check.lhs))
                rhs = tuple(self._parse_term(self._substitute(t, axis, value), f"{here}.rhs[{j}]", check)
                            for j, t in enumerate(check.rhs))
                label = self._item_label(check.section, axis, value)
                out.append(Equation(check, value, label, lhs, rhs, value in check.summary))
        return out

    def _check_unique_ids(self) -> None:
        def unique(items, path: str, what: str) -> None:
            seen: set[str] = set()
            for i, item in enumerate(items):
                if item.id in seen:
                    raise self._error(f"{path}[{i}].id", f"{what} {item.id} 重复")
                seen.add(item.id)

        unique(self.data.sections, "sections", "部分编号")
        unique(self.data.tables, "tables", "表格编号")
        unique(self.data.computed, "computed", "计算项编号")
        unique(self.data.checks, "checks", "检查编号")
        for ti, table in enumerate(self.data.tables):
            unique(table.blocks, f"tables[{ti}].blocks", "栏目编号")
            unique(table.groups, f"tables[{ti}].groups", "分组编号")
            unique([r for b in table.blocks for r in b.rows], f"tables[{ti}]（{table.id}）的行", "行编号")
            for bi, block in enumerate(table.blocks):
                unique(block.columns, f"tables[{ti}].blocks[{bi}].columns", "列编号")

    def _check_groups(self) -> None:
        for ti, table in enumerate(self.data.tables):
            parents = {g.id: g.parent for g in table.groups}
            for gi, g in enumerate(table.groups):
                where = f"tables[{ti}].groups[{gi}]（{g.id}）.parent"
                if g.parent is not None and g.parent not in parents:
                    raise self._error(where, f"没有上级分组 {g.parent}")
                chain, node = [g.id], g.parent
                while node is not None:
                    if node in chain:
                        raise self._error(where, f"分组的上级构成循环：{' → '.join(chain + [node])}")
                    chain.append(node)
                    node = parents.get(node)
            for bi, block in enumerate(table.blocks):
                for ri, row in enumerate(block.rows):
                    if row.group is not None and row.group not in parents:
                        raise self._error(f"tables[{ti}].blocks[{bi}].rows[{ri}]（{row.id}）.group",
                                          f"没有分组 {row.group}")

    def _check_params(self, check: Check, here: str) -> None:
        """Column and row ids a builtin's params name must exist in its table; patterns must compile."""
        table = self.tables.get(check.table or "")
        col_ids = {c.id for b in table.blocks for c in b.columns} if table else set()
        row_ids = {r.id for b in table.blocks for r in b.rows} if table else set()
        for key in ("column", "copies"):
            if key in check.params and check.params[key] not in col_ids:
                raise self._error(f"{here}.params.{key}", f"表格 {check.table} 没有列 {check.params[key]}")
        for ci, claim in enumerate(check.params.get("claims", ())):
            try:
                re.compile(claim["pattern"])
            except (KeyError, re.error) as exc:
                raise self._error(f"{here}.params.claims[{ci}].pattern", f"不是有效的正则表达式：{exc}") from None
            for col in claim.get("columns", ()):
                if col not in col_ids:
                    raise self._error(f"{here}.params.claims[{ci}].columns", f"表格 {check.table} 没有列 {col}")
        for word, rows in check.params.get("rows_by_word", {}).items():
            for row in rows:
                if row not in row_ids:
                    raise self._error(f"{here}.params.rows_by_word.{word}", f"表格 {check.table} 没有行 {row}")

    def _check_ids_and_placeholders(self) -> None:
        for si, sec in enumerate(self.sections):
            if sec.kind == "table" and sec.table not in self.tables:
                raise self._error(f"sections[{si}]（{sec.id}）.table", f"没有表格 {sec.table}")
        for ci, check in enumerate(self.data.checks):
            here = f"checks[{ci}]（{check.id}）"
            names = {f for _, f, _, _ in string.Formatter().parse(check.message) if f}
            if check.kind == "equation":
                n_terms = len(check.lhs) + len(check.rhs)
                allowed = EQUATION_PLACEHOLDERS | {f"t{i}" for i in range(n_terms)}
            else:
                if check.function not in BUILTIN_PLACEHOLDERS:
                    raise self._error(f"{here}.function",
                                      f"程序中没有名为 {check.function!r} 的检查（可用：{'、'.join(BUILTIN_PLACEHOLDERS)}）")
                allowed = BUILTIN_PLACEHOLDERS[check.function]
                if check.table is not None and check.table not in self.tables:
                    raise self._error(f"{here}.table", f"没有表格 {check.table}")
                stray = set(check.params) - BUILTIN_PARAMS.get(check.function, set())
                if stray:
                    raise self._error(f"{here}.params", f"检查 {check.function} 不使用参数 {'、'.join(sorted(stray))}")
                self._check_params(check, here)
            unknown = names - allowed
            if unknown:
                raise self._error(f"{here}.message", f"用到了未知的占位符 {'、'.join(sorted(unknown))}"
                                  f"（可用：{'、'.join(sorted(allowed)) or '无'}）")
            if check.section is not None and check.section not in self.section_by_id:
                raise self._error(f"{here}.section", f"没有部分 {check.section}")
        for si, sec in enumerate(self.sections):
            for ki, kind in enumerate(sec.suggestions):
                if kind not in SUGGESTION_KINDS:
                    raise self._error(f"sections[{si}]（{sec.id}）.suggestions[{ki}]",
                                      f"程序中没有名为 {kind!r} 的建议语句（可用：{'、'.join(sorted(SUGGESTION_KINDS))}）")

    def _expand_carry_forward(self) -> list[CarriedCell]:
        out: list[CarriedCell] = []
        for ci, rule in enumerate(self.data.carry_forward):
            here = f"carry_forward[{ci}]（{rule.id}）"
            values = rule.for_each.values if rule.for_each else ("",)
            axis = rule.for_each.axis if rule.for_each else ""
            for value in values:
                target = self._substitute(rule.target, axis, value) if axis else rule.target
                sources = tuple(self._substitute(p, axis, value) if axis else p for p in rule.sum)
                if target not in self.cells or target in self.computed_paths:
                    raise self._error(f"{here}.target", f"{target} 不是本格式可以填写的单元格")
                for j, src in enumerate(sources):
                    if not _PATH.match(src):
                        raise self._error(f"{here}.sum[{j}]", f"无法识别的单元格 {src!r}（应为“表.行.列”）")
                    if rule.same_format_only and src not in self.cells:
                        raise self._error(f"{here}.sum[{j}]", f"没有单元格 {src}")
                out.append(CarriedCell(target, sources, rule.same_format_only))
        return out

    def _check_detection_and_migrations(self) -> None:
        for ci, cue in enumerate(self.data.detection.cues):
            if not cue.strip():
                raise self._error(f"detection.cues[{ci}]", "格式标志不能为空")
        seen: set[str] = set()
        for mi, migration in enumerate(self.data.migrate_from):
            here = f"migrate_from[{mi}]"
            if migration.format == self.id:
                raise self._error(f"{here}.format", "不能从本格式迁移到本格式")
            if migration.format in seen:
                raise self._error(f"{here}.format", f"从 {migration.format} 的迁移重复")
            seen.add(migration.format)
            for old, new in migration.cells.items():
                if not _PATH.match(old):
                    raise self._error(f"{here}.cells", f"无法识别的单元格 {old!r}（应为“表.行.列”）")
                if new not in self.cells or new in self.computed_paths:
                    raise self._error(f"{here}.cells.{old}", f"{new} 不是本格式可以填写的单元格")

    def _check_narrative_figures(self) -> None:
        from model.narrative.figures import FIGURE_KEYS  # the figures the text is read and drafted with

        for key, figure in self.data.narrative_figures.items():
            here = f"narrative_figures.{key}"
            if key not in FIGURE_KEYS:
                raise self._error(here, f"程序中没有名为“{key}”的数字（可用：{'、'.join(sorted(FIGURE_KEYS))}）")
            groups = [("cells", figure.cells), ("denominator", figure.denominator),
                      *((f"alternatives[{i}]", a) for i, a in enumerate(figure.alternatives)),
                      *((f"other_denominators[{i}]", d) for i, d in enumerate(figure.other_denominators))]
            if not figure.cells:
                raise self._error(f"{here}.cells", "至少要有一个单元格")
            for name, paths in groups:
                for j, path in enumerate(paths):
                    if path not in self.cells:
                        raise self._error(f"{here}.{name}[{j}]", f"没有单元格 {path}")


    def _check_year_over_year(self) -> None:
        for i, figure in enumerate(self.data.year_over_year):
            here = f"year_over_year[{i}]（{figure.label}）"
            if not figure.cells:
                raise self._error(f"{here}.cells", "至少要有一个单元格")
            for j, path in enumerate(figure.cells):
                if path not in self.cells:
                    raise self._error(f"{here}.cells[{j}]", f"没有单元格 {path}")


_PATH = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+$")


@dataclass(frozen=True)
class CarriedCell:
    """One expanded carry-forward: this year's `target` is the sum of last year's `sources`."""

    target: str
    sources: tuple[str, ...]
    same_format_only: bool


def _topological(formulas: list[Formula], error) -> list[Formula]:
    """Order formulas so that every source is computed before it is summed; refuse cycles."""
    by_target = {f.target: f for f in formulas}
    ordered: list[Formula] = []
    state: dict[str, int] = {}  # 1 = visiting, 2 = done

    def visit(target: str, chain: tuple[str, ...]) -> None:
        mark = state.get(target)
        if mark == 2:
            return
        if mark == 1:
            raise error("computed", f"计算项构成循环：{' → '.join(chain + (target,))}")
        state[target] = 1
        for src in by_target[target].sources:
            if src in by_target:
                visit(src, chain + (target,))
        state[target] = 2
        ordered.append(by_target[target])

    for f in formulas:
        visit(f.target, ())
    return ordered


def load_format_file(path: Path) -> FormatSpec:
    """A format file, validated; any fault raises SpecError naming the file and the JSON path."""
    return _parse_file(_read_format_file(path), path.name)


def _read_format_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _where(path.name, "（整个文件）", f"无法读取为 JSON：{exc}") from None


def _parse_file(data: bytes, source: str) -> FormatSpec:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _where(source, "（整个文件）", f"无法读取为 JSON：{exc}") from None
    return parse_format(raw, source)


def parse_format(raw, source: str) -> FormatSpec:
    try:
        data = FormatFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".") or "（顶层）"
        what = {"missing": "缺少这一项", "extra_forbidden": "格式文件中不应有这一项"}.get(err["type"], err["msg"])
        raise _where(source, path, what) from None
    return FormatSpec(data, source)


def format_dirs() -> list[Path]:
    """resources/formats, then the folders NIANBAO_FORMATS_DIR names (read each time: a test sets it)."""
    extra = [Path(p) for p in os.environ.get(EXTRA_FORMATS_ENV, "").split(os.pathsep) if p.strip()]
    return [FORMATS_DIR, *extra]


def _format_files() -> dict[str, Path]:
    return _files_in(tuple(format_dirs()))


@cache
def _files_in(folders: tuple[Path, ...]) -> dict[str, Path]:
    """The format files of these folders by id; read once per set of folders (formats do not change while
    the program runs)."""
    files: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                files.setdefault(path.stem, path)  # resources/formats first: a folder cannot replace a format
    return files


@cache
def _load(path: Path) -> FormatSpec:
    """The format file, loaded once per process, and taken from the cache of loaded formats while neither the file
    nor this module has changed (model.format_cache)."""
    from model.format_cache import cached_load

    data = _read_format_file(path)
    return cached_load(path, data, lambda d: _parse_file(d, path.name), sys.modules[__name__], FormatSpec)


def get_format(format_id: str) -> FormatSpec:
    path = _format_files().get(format_id)
    if path is None:
        raise KeyError(format_id)
    return _load(path)


def format_ids() -> list[str]:
    return sorted(_format_files())


def format_for_year(year: int) -> FormatSpec:
    """The format that applies to a report year: of the formats whose years include it, the newest (a format
    open towards later years gives way to the next one from that one's first year)."""
    covering = [spec for spec in map(get_format, format_ids()) if spec.covers_year(year)]
    if not covering:
        raise KeyError(year)
    return max(covering, key=lambda spec: spec.data.first_year)


def newest_format() -> FormatSpec:
    return max(map(get_format, format_ids()), key=lambda spec: spec.data.first_year)
