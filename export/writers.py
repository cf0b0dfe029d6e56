"""The exporters by kind, and the rule that a report with errors is published only as a marked draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from export import document as d

if TYPE_CHECKING:  # the model is imported by whoever holds a state; the PDF process only renders a layout
    from model.state import ReportState

KINDS = ("pdf", "docx", "xlsx", "txt", "html")
KIND_NAMES = {"pdf": "PDF", "docx": "Word 文档", "xlsx": "Excel 表格", "txt": "纯文本", "html": "网页"}


class ExportRefused(Exception):
    """Export refused because the report still has errors; str() says so in Chinese."""

    def __init__(self, issues: list):
        self.issues = issues
        lines = [f"报告还有 {len(issues)} 个错误，未导出正式文件。请先改正，或选择导出“{d.DRAFT_MARK}”："]
        lines += [f"  [{i.rule}] {i.message}" for i in issues]
        super().__init__("\n".join(lines))


@dataclass
class ExportResult:
    path: Path
    kind: str
    fonts_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_chars: list[str] = field(default_factory=list)  # characters no font could draw (left blank in the PDF)


@dataclass
class Rendered:
    """One format's file content and what the user is told about it; plain data, so that another process can
    render it and send it back."""
    data: bytes
    fonts_used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_chars: list[str] = field(default_factory=list)


def render(state: ReportState | None, kind: str, doc: d.Document) -> Rendered:
    """One format's bytes from the layout (the state only for the workbook's check results), nothing written."""
    if kind == "pdf":
        from export.fonts import find_fonts, missing_glyph_notes, missing_glyphs
        from export.pdf_writer import render_pdf

        fonts = find_fonts()
        missing = missing_glyphs(doc, fonts)
        notes = list(fonts.notes) + missing_glyph_notes(missing)
        return Rendered(render_pdf(doc, fonts), fonts.used(), notes, list(dict.fromkeys(g.char for g in missing)))
    if kind == "docx":
        from export.docx_writer import FONT_NAMES, render_docx

        return Rendered(render_docx(doc), [f"{k}：{v}" for k, v in FONT_NAMES.items()])
    if kind == "xlsx":
        from export.xlsx_writer import render_xlsx

        return Rendered(render_xlsx(state, doc))
    if kind == "txt":
        from export.txt_writer import write_text

        return Rendered(write_text(doc))
    if kind == "html":
        from export.html_writer import render_html

        return Rendered(render_html(doc))
    raise ValueError(f"未知的导出格式：{kind}")


def export_layout(state: ReportState, *, allow_errors: bool = False) -> tuple[d.Document, list]:
    """The layout every format of one export renders, and the errors it is marked for. Refuses (ExportRefused)
    while errors remain unless allowed; an allowed export of an erroneous report is marked “草稿（未通过校验）”."""
    errors = state.errors()
    if errors and not allow_errors:
        raise ExportRefused(errors)
    return d.build_document(state, draft_mark=bool(errors)), errors


def save_rendered(path: str | Path, kind: str, doc: d.Document, errors: list, rendered: Rendered) -> ExportResult:
    """Write one rendered format atomically, with the notes the user is told about it."""
    from model.drafts_io import atomic_write_bytes

    notes = doc.notes + rendered.notes
    path = Path(path)
    atomic_write_bytes(path, rendered.data)
    if errors:
        notes.insert(0, f"报告有 {len(errors)} 个错误，已标注“{d.DRAFT_MARK}”。")
    return ExportResult(path, kind, list(rendered.fonts_used), notes, list(rendered.missing_chars))


def write_report(state: ReportState, kind: str, path: str | Path, *, allow_errors: bool = False) -> ExportResult:
    """Write one output file atomically. Refuses (ExportRefused) while errors remain unless allowed; an allowed
    export of an erroneous report is marked “草稿（未通过校验）”."""
    doc, errors = export_layout(state, allow_errors=allow_errors)
    return save_rendered(path, kind, doc, errors, render(state, kind, doc))
