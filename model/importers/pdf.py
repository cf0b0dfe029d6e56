"""Reading a published PDF: its text is extracted with pypdf (pure Python, so it works on any office PC
without extra programs, and it reads the ToUnicode maps that Word, WPS and reportlab write for Chinese), then
read like any report text.

A PDF can ask for far more work than its size suggests (a page whose content stream inflates to hundreds of
megabytes, thousands of pages), so pages, decompressed streams, extracted text and time are bounded here;
whatever pypdf cannot read becomes one Chinese line naming the page.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from model.importers.pdf_blanks import Fragment, page_text
from model.importers.report import MAX_TEXT_CHARS, ImportError_
from model.importers.text import import_text

# An annual report has 5–40 pages.
MAX_PAGES = 500
# Decompressed size of one stream: a page of text is a few hundred kilobytes at most.
MAX_STREAM_BYTES = 16 << 20
# Content-stream operands and operators pypdf may parse on one page.
MAX_PAGE_OPERATIONS = 500_000
# Extraction stops once it has taken this long; the import promises an answer within 20 s.
MAX_SECONDS = 15


def pdf_text(path: Path) -> str:
    # pypdf reports what it repairs through logging, in English, on stderr; the user gets our one line instead
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)
    try:
        return _extract(path)
    finally:
        pypdf_log.setLevel(level)


def _extract(path: Path) -> str:
    import pypdf
    from pypdf import PdfReader

    limits = dict(maximum_declared_stream_length=MAX_STREAM_BYTES,
                  zlib_maximum_output_length=MAX_STREAM_BYTES, lzw_maximum_output_length=MAX_STREAM_BYTES,
                  run_length_maximum_output_length=MAX_STREAM_BYTES,
                  array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
                  brotli_maximum_output_length=MAX_STREAM_BYTES, jbig2_maximum_output_length=MAX_STREAM_BYTES,
                  stream_parsing_work_maximum_count=MAX_PAGE_OPERATIONS)
    started = time.monotonic()
    with pypdf.apply_configuration(**limits):
        try:
            reader = PdfReader(str(path))
            encrypted = reader.is_encrypted
            page_count = 0 if encrypted else len(reader.pages)
        except ImportError_:
            raise
        except Exception as exc:  # pypdf raises many kinds (PdfReadError, KeyError, ValueError, …) for broken files
            raise ImportError_(f"“{path.name}”已损坏，不是可读取的 PDF 文件（无法读取文件结构）。") from exc
        if encrypted:
            raise ImportError_(f"“{path.name}”有密码保护，无法读取。")
        if page_count > MAX_PAGES:
            raise ImportError_(f"“{path.name}”有 {page_count} 页（上限 {MAX_PAGES} 页），不像一份年报，已拒绝导入。")
        pages: list[str] = []
        chars = 0
        for number in range(page_count):
            if time.monotonic() - started > MAX_SECONDS:
                raise ImportError_(f"“{path.name}”读到第 {number + 1} 页时已超过 {MAX_SECONDS} 秒，文件内容异常，已停止导入。")
            try:
                text = _page_text(reader.pages[number])
            except RecursionError as exc:
                raise ImportError_(f"“{path.name}”第 {number + 1} 页的结构嵌套过深，无法读取。") from exc
            except Exception as exc:  # any pypdf failure on one page: name the page
                raise ImportError_(f"“{path.name}”第 {number + 1} 页已损坏或内容过大，无法读取其中的文字。") from exc
            chars += len(text)
            if chars > MAX_TEXT_CHARS:
                raise ImportError_(f"“{path.name}”到第 {number + 1} 页的文字已超过 {MAX_TEXT_CHARS} 个字符，不像一份年报，已拒绝导入。")
            pages.append(text)
    text = "\n".join(pages)
    if len("".join(text.split())) < 50:
        raise ImportError_(f"“{path.name}”中几乎没有可读取的文字（可能是扫描件，或文字内容已损坏），无法导入。")
    return text


def _page_text(page) -> str:
    """The page's text as pypdf extracts it, with the blank cells of its tables marked (pdf_blanks)."""
    fragments: list[Fragment] = []

    def visit(text, cm, tm, _font, size):
        if text:
            # where the text starts on the page: the text matrix's origin through the current matrix
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            fragments.append(Fragment(text, x, y, abs(size * (tm[0] or 1) * (cm[0] or 1)) or 10.0))

    page.extract_text(visitor_text=visit)
    return page_text(fragments)


def import_pdf(path: Path):
    return import_text(pdf_text(path), path.name)
