"""ReportState: a report being edited. Applies one edit, recomputes every total, re-runs every rule, and
returns what changed so that views refresh only that.

Values are kept flat by cell path ("s3.new.natural"). A computed cell shows its derived value unless a source
stated another one (an imported published report): then the stated value is shown and the rules compare it
with the derived one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from model.draft import Block, Draft, Meta
from model.spec import FormatSpec, get_format
from model.stated_totals import BLANK_TOTAL
from model.values import MAX_COUNT, Value, ValueError_, parse_stored_value, parse_value, to_json


class EditError(ValueError):
    """An edit that was refused; str() is a Chinese message naming the place and the reason."""


@dataclass
class Changes:
    cells: set[str] = field(default_factory=set)  # cells whose shown value changed
    sections: set[str] = field(default_factory=set)  # narrative sections ("preamble" too) whose text changed
    meta: bool = False
    issues: bool = False
    format: bool = False

    def __bool__(self) -> bool:
        return bool(self.cells or self.sections or self.meta or self.issues or self.format)

    def merge(self, other: "Changes") -> "Changes":
        self.cells |= other.cells
        self.sections |= other.sections
        self.meta |= other.meta
        self.issues |= other.issues
        self.format |= other.format
        return self


class ReportState:
    # Which checks run: None for every one, else only those of these severities. A roll-up of thousands of
    # units needs to know only whether each unit has errors; the narrative warnings (F-7 …) matter when that
    # unit itself is opened, and were most of a roll-up's time.
    severities: frozenset[str] | None = None

    def __init__(self, draft: Draft, *, severities: frozenset[str] | None = None, adopt: bool = False,
                 checked: bool = True):
        """`adopt`: the caller hands the draft over and never touches it again, so it is not copied.
        `checked=False`: the checks run when their results are first asked for, not now (export sets the
        report's pages while it is being checked); the state must then stay in the caller's thread until then."""
        self.severities = severities
        self.rebuild(draft, adopt=adopt, checked=checked)

    @property
    def issues(self) -> list:
        """The checks' findings (run now if they have not run since the report was built)."""
        if self._issues is None:
            self._rerun_checks()
        return self._issues

    @issues.setter
    def issues(self, found: list) -> None:
        self._issues = found

    def rebuild(self, draft: Draft, adopt: bool = False, checked: bool = True) -> Changes:
        """Become the report `draft` holds (a format change, an undone one): every field is set afresh from
        the draft, as on construction. A draft that is refused (EditError) leaves the report as it was."""
        spec: FormatSpec = get_format(draft.format)
        own = draft if adopt else draft.model_copy(deep=True)
        inputs = _loaded_cells(spec, own.tables, "tables", computed_allowed=False)
        stated = _loaded_cells(spec, own.stated_totals, "stated_totals", computed_allowed=True)
        previous: ReportState | None = None
        if own.previous is not None:
            own.previous.previous = None
            previous = ReportState(own.previous)
        own.tables, own.stated_totals, own.previous = {}, {}, None
        self.spec, self._draft, self.inputs, self.stated, self.previous = spec, own, inputs, stated, previous
        self.derived: dict[str, Value | None] = {}
        self._issues: list | None = None
        self._recompute()
        if checked:
            self._rerun_checks()
        return Changes(cells=set(self.spec.cells), sections={s.id for s in self.spec.sections} | {"preamble"},
                       meta=True, issues=True, format=True)

    # -- construction --------------------------------------------------------------------------------
    @classmethod
    def new(cls, agency: str, year: int, format_id: str | None = None, **meta) -> "ReportState":
        from model.spec import format_for_year

        fid = format_id or format_for_year(year).id
        return cls(Draft(format=fid, meta=Meta(agency=agency, year=year, **meta)))

    # -- reading -------------------------------------------------------------------------------------
    @property
    def meta(self) -> Meta:
        return self._draft.meta

    @property
    def format_id(self) -> str:
        return self.spec.id

    @property
    def acknowledgements(self) -> dict[str, str]:
        return self._draft.acknowledgements

    def blocks(self, section_id: str) -> list[Block]:
        """Narrative blocks of a section ("preamble" for the opening paragraph)."""
        if section_id == "preamble":
            return self._draft.preamble
        return self._draft.narrative.get(section_id, [])

    def value(self, path: str) -> Value | None:
        """What the cell shows: the input, or for a computed cell the stated value if any (a stated blank
        shows the derived value), else derived."""
        if path in self.spec.computed_paths:
            stated = self.stated.get(path)
            return stated if stated is not None and stated != BLANK_TOTAL else self.derived.get(path)
        return self.inputs.get(path)

    def is_computed(self, path: str) -> bool:
        return path in self.spec.computed_paths

    def unit(self, path: str) -> str | None:
        return self._draft.units.get(path) or self.spec.cells[path].column.unit

    def unfilled(self, table_id: str | None = None) -> list[str]:
        paths = self.spec.input_paths if table_id is None else self.spec.table_inputs(table_id)
        return [p for p in paths if p not in self.inputs]

    def title(self) -> str:
        return self.spec.title(self.meta.agency, self.meta.year)

    def errors(self) -> list:
        return [i for i in self.issues if i.severity == "error"]

    def warnings(self) -> list:
        return [i for i in self.issues if i.severity == "warning"]

    def to_draft(self) -> Draft:
        """The inputs as a draft, ready to save; never contains derived totals."""
        draft = self._draft.model_copy(deep=True)
        draft.tables = _nest(self.inputs)
        draft.stated_totals = _nest(self.stated)
        if self.previous is not None:
            draft.previous = self.previous.to_draft()
        return draft

    # -- editing -------------------------------------------------------------------------------------
    def parse(self, path: str, text) -> Value | None:
        info = self.spec.cells.get(path)
        if info is None:
            raise EditError(f"没有这个单元格：{path}")
        try:
            return parse_value(text, info.column.kind)
        except ValueError_ as exc:
            raise EditError(f"{info.label}：{exc}") from None

    def set_value(self, path: str, text) -> Changes:
        """Set an input cell from user text (empty text = not filled in). Refused input raises EditError and
        leaves the state unchanged."""
        if path in self.spec.computed_paths:
            info = self.spec.cells[path]
            raise EditError(f"{info.label}是自动计算的合计，不能直接填写")
        value = self.parse(path, text)
        return self.set_values({path: value})

    def set_values(self, values: dict[str, Value | None]) -> Changes:
        """Set several already-parsed input cells in one edit (a paste, fill with 0, an import)."""
        for path in values:
            if path not in self.spec.cells or path in self.spec.computed_paths:
                raise EditError(f"不能填写单元格：{path}")
        before = {p: self.value(p) for p in self.spec.cells}
        for path, value in values.items():
            if value is None:
                self.inputs.pop(path, None)
            else:
                self.inputs[path] = value
        return self._after_cell_edit(before)

    def set_stated(self, path: str, value: Value | str | None) -> Changes:
        """Keep (or with None, drop) a total as a source stated it: a number, or BLANK_TOTAL for a blank."""
        if path not in self.spec.computed_paths:
            raise EditError(f"{path} 不是合计单元格")
        before = {p: self.value(p) for p in self.spec.cells}
        if value is None:
            self.stated.pop(path, None)
        else:
            self.stated[path] = value
        return self._after_cell_edit(before)

    def set_stated_values(self, values: dict[str, Value | str]) -> Changes:
        """Keep several totals as a source stated them, in one edit (an import)."""
        for path in values:
            if path not in self.spec.computed_paths:
                raise EditError(f"{path} 不是合计单元格")
        before = {p: self.value(p) for p in self.spec.cells}
        self.stated.update(values)
        return self._after_cell_edit(before)

    def fill_empty_with_zero(self, table_id: str | None = None) -> Changes:
        empty = self.unfilled(table_id)
        zero = {p: (Decimal(0) if self.spec.cells[p].column.kind == "amount" else 0) for p in empty}
        return self.set_values(zero)

    def set_unit(self, path: str, unit: str | None) -> Changes:
        if unit is None or unit == self.spec.cells[path].column.unit:
            self._draft.units.pop(path, None)
        else:
            self._draft.units[path] = unit
        return self._after_other_edit(Changes(cells={path}))

    def set_meta(self, **fields) -> Changes:
        """Change meta fields (agency, year, publication_date, contact, agency_kind)."""
        try:
            updated = self.meta.model_copy(update=fields)
            updated = Meta.model_validate(updated.model_dump())
        except Exception as exc:  # pydantic.ValidationError
            raise EditError(f"基本信息填写有误：{_first_error(exc)}") from None
        self._draft.meta = updated
        return self._after_other_edit(Changes(meta=True))

    def set_blocks(self, section_id: str, blocks: list[Block]) -> Changes:
        blocks = [copy.deepcopy(b) for b in blocks]
        if section_id == "preamble":
            self._draft.preamble = blocks
        else:
            if section_id not in self.spec.section_by_id or self.spec.section_by_id[section_id].kind != "narrative":
                raise EditError(f"{section_id} 不是文字部分")
            self._draft.narrative[section_id] = blocks
        return self._after_other_edit(Changes(sections={section_id}))

    def acknowledge(self, issue_key: str, explanation: str | None) -> Changes:
        """Record (or with None, withdraw) the user's explanation of a warning."""
        if explanation:
            self._draft.acknowledgements[issue_key] = explanation
        else:
            self._draft.acknowledgements.pop(issue_key, None)
        return self._after_other_edit(Changes())

    def set_previous(self, previous: Draft | None) -> Changes:
        if previous is None:
            self.previous = None
        else:
            prev = previous.model_copy(deep=True)
            prev.previous = None
            self.previous = ReportState(prev)
        return self._after_other_edit(Changes())

    def change_format(self, format_id: str) -> Changes:
        """Move the report to another format; cells that exist in both are kept, and the format files declare
        the rest (migrate_from, e.g. the 2019 format's （六）其他处理 becomes the 2021 format's （六）3.其他)."""
        from model.migrate import convert_draft

        return self.rebuild(convert_draft(self.to_draft(), format_id))

    # -- recomputation -------------------------------------------------------------------------------
    def _after_cell_edit(self, before: dict[str, Value | None]) -> Changes:
        self._recompute()
        changes = Changes(cells={p for p, v in before.items() if self.value(p) != v})
        return self._after_other_edit(changes)

    def _after_other_edit(self, changes: Changes) -> Changes:
        old = self.issues
        self._rerun_checks()
        changes.issues = _issue_keys(old) != _issue_keys(self.issues)
        return changes

    def _recompute(self) -> None:
        derived: dict[str, Value | None] = {}
        inputs, stated = self.inputs, self.stated
        for formula in self.spec.formulas:
            total: Value = 0
            for src in formula.sources:
                v = stated.get(src)
                if v is None or v == BLANK_TOTAL:
                    v = derived.get(src) if src in derived else inputs.get(src)
                if v is None:
                    total = None  # type: ignore[assignment]
                    break
                total += v
            derived[formula.target] = total
        self.derived = derived

    def _rerun_checks(self) -> None:
        from model.checks import run_checks

        if self.severities is None:
            self.issues = run_checks(self)
            return
        full = self.spec
        self.spec = _with_checks_of(full, self.severities)
        try:
            self.issues = run_checks(self)
        finally:
            self.spec = full


_CELL_PLACES = {"tables": "表格", "stated_totals": "原报告合计"}


def _loaded_cells(spec: FormatSpec, cells: dict, where: str, computed_allowed: bool) -> dict[str, Value]:
    return {path: value for path, value in _cell_values(spec, cells, where, computed_allowed, parse_value)
            if value is not None}


def _cell_values(spec: FormatSpec, cells, where: str, computed_allowed: bool, parse):
    """(path, parsed value) of every cell of a table → row → column mapping, each checked against the
    format: the cell must exist, be an input (or for stated totals a computed cell) and hold a value of its
    kind. Raises EditError naming the cell."""
    place = _CELL_PLACES.get(where, where)
    if not isinstance(cells, dict):
        raise EditError(f"{place}：应为对象")
    for table_id, rows in cells.items():
        if not isinstance(rows, dict):
            raise EditError(f"{place} → {table_id}：应为对象")
        for row_id, cols in rows.items():
            if not isinstance(cols, dict):
                raise EditError(f"{place} → {table_id} → {row_id}：应为对象")
            for col_id, raw in cols.items():
                path = f"{table_id}.{row_id}.{col_id}"
                info = spec.cells.get(path)
                if info is None:
                    raise EditError(f"{place}中的单元格“{path[:80]}”不属于{spec.name}")
                if (path in spec.computed_paths) != computed_allowed:
                    if computed_allowed:
                        raise EditError(f"{place}中的单元格 {path}（{info.label}）不是合计单元格")
                    raise EditError(f"单元格 {path}（{info.label}）是自动计算的合计，不能作为输入保存")
                kind = info.column.kind
                if computed_allowed and raw == BLANK_TOTAL:
                    yield path, BLANK_TOTAL
                    continue
                if (type(raw) is int and kind != "amount" and abs(raw) <= MAX_COUNT
                        and (raw >= 0 or kind == "signed_count")):
                    yield path, raw  # a count as drafts store it: what parse() returns, without its text round trip
                    continue
                try:
                    yield path, parse(raw, kind)
                except ValueError_ as exc:
                    raise EditError(f"单元格 {path}（{info.label}）：{exc}") from None


_CHECK_VIEWS: dict[tuple[int, frozenset[str]], tuple[FormatSpec, FormatSpec]] = {}


def _with_checks_of(spec: FormatSpec, severities: frozenset[str]) -> FormatSpec:
    """The format as the checks see it with only the checks of these severities (the spec itself is shared
    and never changed)."""
    key = (id(spec), severities)
    kept = _CHECK_VIEWS.get(key)
    if kept is None or kept[0] is not spec:
        view = copy.copy(spec)
        view.data = spec.data.model_copy(update={"checks": tuple(c for c in spec.data.checks
                                                                 if c.severity in severities)})
        view.equations = [eq for eq in spec.equations if eq.check.severity in severities]
        kept = _CHECK_VIEWS[key] = (spec, view)
    return kept[1]


def read_stored_cells(format_id: str, cells, where: str) -> dict:
    """Cells as a draft file holds them, validated (model.values.parse_stored_value) and returned as a draft
    keeps them: counts as integers, amounts as exact decimal strings; unfilled (null) cells left out."""
    spec = get_format(format_id)
    flat = {path: value for path, value in _cell_values(spec, cells, where, where == "stated_totals",
                                                         parse_stored_value) if value is not None}
    return _nest(flat)


def _issue_keys(issues: list) -> list[tuple]:
    return [(i.key, i.message, i.acknowledged) for i in issues]


def _nest(flat: dict[str, Value]) -> dict:
    out: dict = {}
    for path, value in flat.items():
        t, r, c = path.split(".")
        out.setdefault(t, {}).setdefault(r, {})[c] = to_json(value)
    return out


def _first_error(exc: Exception) -> str:
    from pydantic import ValidationError

    from model.validation_text import describe_validation_error

    if isinstance(exc, ValidationError):
        return describe_validation_error(exc)
    return "取值无效"
