"""Moving a draft between formats, and upgrading old draft files.

Cells that exist under the same path and column label in both formats are kept; the newer format's file
declares the rest (migrate_from: e.g. the 2019 format's single （六）其他处理 row becomes the 2021 format's
（六）3.其他 row, and back). Section 二 of the two formats measure different things (本年新制作数量 vs
本年制发件数, 上一年项目数量 vs 本年处理决定数量): only blocks whose columns mean the same are carried; the rest
stays unfilled and is reported by the completeness rules.
"""

from __future__ import annotations

from model.draft import Draft
from model.spec import FormatSpec, get_format


def _declared(source: FormatSpec, target: FormatSpec) -> dict[str, str]:
    """{source path: target path} as the format files declare it: the target's migrate_from entry for the
    source, or the source's entry for the target read backwards (renamed cells only)."""
    for migration in target.data.migrate_from:
        if migration.format == source.id:
            return dict(migration.cells)
    for migration in source.data.migrate_from:
        if migration.format == target.id:
            return {new: old for old, new in migration.cells.items() if old != new}
    return {}


def map_path(path: str, source: str, target: str) -> str | None:
    """The path a cell of format `source` has in format `target`, or None when it has no counterpart."""
    if source == target:
        return path
    spec_t = get_format(target)
    spec_s = get_format(source)
    renamed = _declared(spec_s, spec_t).get(path)
    if renamed is not None:
        return renamed
    if path in spec_t.cells and path in spec_s.cells:
        # Same path and same column label: the same measure in both formats.
        if spec_t.cells[path].column.label == spec_s.cells[path].column.label:
            return path
    return None


def convert_draft(draft: Draft, target: str) -> Draft:
    if draft.format == target:
        return draft.model_copy(deep=True)
    spec_t = get_format(target)
    out = draft.model_copy(deep=True)
    out.format = target
    out.tables = _convert_cells(draft.tables, draft.format, target, computed=False)
    out.stated_totals = {}
    out.units = {}
    for path, unit in draft.units.items():
        new = map_path(path, draft.format, target)
        if new is not None and new in spec_t.cells:
            out.units[new] = unit
    out.narrative = {k: v for k, v in draft.narrative.items() if k in spec_t.section_by_id}
    return out


def _convert_cells(cells: dict, source: str, target: str, computed: bool) -> dict:
    spec_t = get_format(target)
    out: dict = {}
    for table, rows in cells.items():
        for row, cols in rows.items():
            for col, value in cols.items():
                new = map_path(f"{table}.{row}.{col}", source, target)
                if new is None or new not in spec_t.cells or (new in spec_t.computed_paths) != computed:
                    continue
                t, r, c = new.split(".")
                out.setdefault(t, {}).setdefault(r, {})[c] = value
    return out
