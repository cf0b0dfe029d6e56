"""Reading a published Word document: paragraphs one by one, tables row by row (merged cells once)."""

from __future__ import annotations

from pathlib import Path

from model.importers.report import ImportError_
from model.importers.text import import_text


def docx_lines(path: Path) -> list[str]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ImportError_(f"“{path.name}”不是可读取的 Word 文档（.docx）：{exc}") from None
    lines: list[str] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, doc).text.strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            table = Table(child, doc)
            for row in table.rows:
                seen, cells = set(), []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()) or "")
                lines.append(" ".join(c for c in cells if c))
    return lines


def import_docx(path: Path):
    return import_text("\n".join(docx_lines(path)), path.name, paragraph_per_line=True)
