"""Reading a published report (text, PDF, Word) or a filled nianbao workbook back into a draft.

The file's content, not its name, decides how it is read: a renamed file is refused with what it really is.
Every failure of any library underneath becomes ImportError_ with one Chinese line naming the file (and,
where the reader knows it, the page, part or sheet); the original exception stays chained as __cause__ for
debugging.
"""

from __future__ import annotations

import errno
import zipfile
from pathlib import Path

from model.importers.report import ImportError_, ImportReport

# Far above any published report with pictures; the readers bound what they decompress and parse separately.
MAX_FILE_BYTES = 100 << 20

_KIND_NAMES = {"txt": "纯文本（.txt）", "pdf": "PDF 文件（.pdf）", "docx": "Word 文档（.docx）",
               "xlsx": "Excel 工作簿（.xlsx）", "html": "网页（.html/.htm）", "mhtml": "单个文件网页（.mhtml/.mht）",
               "md": "Markdown 文本（.md）"}
_SUFFIX_KINDS = {"htm": "html", "mht": "mhtml", "markdown": "md"}
_FOREIGN = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 或 WPS 文件（.doc/.xls/.wps）", "请在 Word、Excel 或 WPS 中另存为 .docx 或 .xlsx 后再导入"),
    (b"{\\rtf", "RTF 文档", "请在 Word 或 WPS 中另存为 .docx 后再导入"),
    (b"\x89PNG", "PNG 图片", "图片中的文字无法导入"),
    (b"\xff\xd8\xff", "JPEG 图片", "图片中的文字无法导入"),
    (b"GIF8", "GIF 图片", "图片中的文字无法导入"),
    (b"Rar!", "RAR 压缩包", "请先解压"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "请先解压"),
    (b"\x1f\x8b", "gzip 压缩包", "请先解压"),
    (b"PK\x03\x04", "", ""),  # zip: decided by its members below
]


def _zip_kind(path: Path) -> str | None:
    """"docx", "xlsx", "ofd"/other or None for a zip package, by the members it holds."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist()[:10_000])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, EOFError):
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def identify(path: Path) -> str:
    """What the file really is: "txt", "pdf", "docx", "xlsx"; anything else is refused with its name."""
    with path.open("rb") as f:
        head = f.read(1024)
    if not head:
        raise ImportError_(f"“{path.name}”是空文件（0 字节），没有可导入的内容。")
    if b"%PDF-" in head:
        return "pdf"
    for magic, what, advice in _FOREIGN:
        if head.startswith(magic):
            if not what:
                break
            raise ImportError_(f"“{path.name}”的内容其实是{what}，无法导入：{advice}。")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        kind = _zip_kind(path)
        if kind in ("docx", "xlsx"):
            return kind
        if kind == "ofd":
            raise ImportError_(f"“{path.name}”是 OFD 版式文件，无法导入：请导出为 PDF 或 Word 后再导入。")
        if kind == "zip":
            raise ImportError_(f"“{path.name}”是一个压缩包，不是 Word 文档或 Excel 工作簿：请先解压。")
        # a zip whose directory is unreadable: let the reader its name asks for explain the damage
        return {".docx": "docx", ".xlsx": "xlsx"}.get(path.suffix.lower(), "damaged zip")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportError_(f"“{path.name}”不是文本文件，也不是 PDF、Word 或 Excel 文件，无法导入。")
    return "txt"


def _read(path: Path, kind: str):
    if kind == "txt":
        from model.importers.text import import_text, read_text_file

        return import_text(read_text_file(path), path.name)
    if kind == "pdf":
        from model.importers.pdf import import_pdf

        return import_pdf(path)
    if kind == "docx":
        from model.importers.docx import import_docx

        return import_docx(path)
    if kind == "md":
        from model.importers.markdown import import_markdown

        return import_markdown(path)
    if kind == "html":
        from model.importers.html import import_html

        return import_html(path)
    if kind == "mhtml":
        from model.importers.mhtml import import_mhtml

        return import_mhtml(path)
    from model.importers.xlsx import import_xlsx

    return import_xlsx(path)


def _with_unsure_marks(draft, report: ImportReport):
    """The cells the import could not determine are recorded in the draft, for the tables to mark."""
    from model.importers.report import mark_unsure_cells

    return mark_unsure_cells(draft, report), report


def _with_agency_kind(draft, report: ImportReport):
    """A published report does not say whether its agency is a 人民政府: judge it from the name, and say so."""
    from model.agency_kind import agency_kind_from_name, describe_agency_kind

    if draft.meta.agency:
        draft.meta.agency_kind = agency_kind_from_name(draft.meta.agency)
        report.notes.append(describe_agency_kind(draft.meta.agency, draft.meta.agency_kind))
    return draft, report


def import_file(path: str | Path):
    """(Draft, ImportReport) from a .txt, .md, .pdf, .docx, .xlsx, .html/.htm or .mhtml/.mht file; raises ImportError_ (Chinese) when nothing
    usable can be read."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    suffix = _SUFFIX_KINDS.get(suffix, suffix)
    if not path.is_file():
        raise ImportError_(f"找不到文件“{path}”。")
    if suffix not in _KIND_NAMES:
        raise ImportError_(f"不支持导入“{path.name}”：请选择 .txt、.md、.pdf、.docx、.xlsx、.html 或 .mhtml 文件。")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportError_(f"“{path.name}”有 {size / 2**20:.0f} MB（上限 {MAX_FILE_BYTES >> 20} MB），不像一份年报，已拒绝导入。")
        kind = identify(path)
        if suffix in ("html", "mhtml") and kind == "txt":  # both are text; MIME headers tell a saved .mhtml
            from model.importers.mhtml import looks_like_mhtml

            with path.open("rb") as f:
                kind = "mhtml" if looks_like_mhtml(f.read(4096)) else "html"
        if suffix == "md" and kind == "txt":  # Markdown is text with “#” headings and pipe tables
            kind = "md"
        if kind == "damaged zip":
            raise ImportError_(f"“{path.name}”已损坏（压缩包目录无法读取），不是可导入的{_KIND_NAMES[suffix]}。")
        if kind != suffix:
            raise ImportError_(f"“{path.name}”的扩展名是 .{suffix}，内容却是{_KIND_NAMES[kind]}："
                               f"请把扩展名改为 .{kind} 后再导入。")
        return _with_agency_kind(*_with_unsure_marks(*_read(path, kind)))
    except ImportError_ as exc:
        if path.name in str(exc):
            raise
        raise ImportError_(f"“{path.name}”：{exc}") from exc  # the text reader does not know the file's name
    except RecursionError as exc:
        raise ImportError_(f"“{path.name}”的结构嵌套过深，无法读取。") from exc
    except MemoryError as exc:
        raise ImportError_(f"“{path.name}”的内容过大，内存不足，无法读取。") from exc
    except OSError as exc:
        why = "没有读取权限" if exc.errno in (errno.EACCES, errno.EPERM) else "读写错误"
        raise ImportError_(f"无法读取“{path.name}”：{why}。") from exc
    except Exception as exc:  # any other library failure on a broken file: one Chinese line, cause kept
        raise ImportError_(f"“{path.name}”已损坏或格式异常，无法作为{_KIND_NAMES[suffix]}读取。") from exc


__all__ = ["import_file", "identify", "ImportReport", "ImportError_"]
