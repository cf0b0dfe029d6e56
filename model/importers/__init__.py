"""Reading a published report (text, PDF, Word) or a filled nianbao workbook back into a draft."""

from __future__ import annotations

from pathlib import Path

from model.importers.report import ImportError_, ImportReport


def import_file(path: str | Path):
    """(Draft, ImportReport) from a .txt, .pdf, .docx or .xlsx file; raises ImportError_ (Chinese) when nothing
    usable can be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ImportError_(f"找不到文件“{path}”。")
    if suffix == ".txt":
        from model.importers.text import import_text, read_text_file

        return import_text(read_text_file(path), path.name)
    if suffix == ".pdf":
        from model.importers.pdf import import_pdf

        return import_pdf(path)
    if suffix == ".docx":
        from model.importers.docx import import_docx

        return import_docx(path)
    if suffix == ".xlsx":
        from model.importers.xlsx import import_xlsx

        return import_xlsx(path)
    raise ImportError_(f"不支持导入“{path.name}”：请选择 .txt、.pdf、.docx 或 .xlsx 文件。")


__all__ = ["import_file", "ImportReport", "ImportError_"]
