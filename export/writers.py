"""The exporters by kind, and the rule that a report with errors is published only as a marked draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from export import document as d
from model.drafts_io import atomic_write_bytes
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


def _render(state: ReportState, kind: str, doc: d.Document) -> tuple[bytes, list[str], list[str], list[str]]:
    if kind == "pdf":
        from export.fonts import find_fonts, missing_glyph_notes, missing_glyphs
        from export.pdf_writer import render_pdf

        fonts = find_fonts()
        missing = missing_glyphs(doc, fonts)
        notes = list(fonts.notes) + missing_glyph_notes(missing)
        return render_pdf(doc, fonts), fonts.used(), notes, list(dict.fromkeys(g.char for g in missing))
    if kind == "docx":
        from export.docx_writer import FONT_NAMES, render_docx

        return render_docx(doc), [f"{k}：{v}" for k, v in FONT_NAMES.items()], [], []
    if kind == "xlsx":
        from export.xlsx_writer import render_xlsx

        return render_xlsx(state, doc), [], [], []
    if kind == "txt":
        from export.txt_writer import write_text

        return write_text(doc), [], [], []
    if kind == "html":
        from export.html_writer import render_html

        return render_html(doc), [], [], []
    raise ValueError(f"未知的导出格式：{kind}")


def write_report(state: ReportState, kind: str, path: str | Path, *, allow_errors: bool = False) -> ExportResult:
    """Write one output file atomically. Refuses (ExportRefused) while errors remain unless allowed; an allowed
    export of an erroneous report is marked “草稿（未通过校验）”."""
    errors = state.errors()
    if errors and not allow_errors:
        raise ExportRefused(errors)
    doc = d.build_document(state, draft_mark=bool(errors))
    data, fonts_used, notes, missing = _render(state, kind, doc)
    notes = doc.notes + notes
    path = Path(path)
    atomic_write_bytes(path, data)
    if errors:
        notes.insert(0, f"报告有 {len(errors)} 个错误，已标注“{d.DRAFT_MARK}”。")
    return ExportResult(path, kind, fonts_used, notes, missing)
