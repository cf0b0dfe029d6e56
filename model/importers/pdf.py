"""Reading a published PDF: its text is extracted with pypdf (pure Python, so it works on any office PC
without extra programs, and it reads the ToUnicode maps that Word, WPS and reportlab write for Chinese), then
read like any report text."""

from __future__ import annotations

from pathlib import Path

from model.importers.report import ImportError_
from model.importers.text import import_text


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise ImportError_(f"“{path.name}”有密码保护，无法读取。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise ImportError_(f"“{path.name}”不是可读取的 PDF 文件（{exc}）。") from None
    text = "\n".join(pages)
    if len("".join(text.split())) < 50:
        raise ImportError_(f"“{path.name}”中几乎没有文字，可能是扫描件（图片），无法导入。")
    return text


def import_pdf(path: Path):
    return import_text(pdf_text(path), path.name)
