"""Printing the very PDF that is exported, as vectors, on A4 at 100 %.

Each page of the exported PDF is read into shapes (export/pdf_drawing.py) and painted with QPainter
(gui/pdf_replay.py): text goes to the printer as text in the fonts the PDF embedded, at the PDF's positions, so it
prints sharp and a 6-page report through a PDF printer stays small. The printer is set to A4 portrait with the
whole sheet as the page and no margins, and the PDF's points are mapped 1:1 onto it: the official margins are the
PDF's own, never shrunk by a "fit to page". A page that cannot be replayed as shapes is printed as a 300-dpi image
of the same PDF page (never a blank page), and the job says which pages those were.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QTransform
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from export.pdf_drawing import NotReplayable, PageDrawing, pdf_drawings
from gui.pdf_replay import FontBook, MissingFont, check_fonts, paint_drawing

RASTER_DPI = 300  # only for a page that cannot be drawn as vectors
POINTS_PER_INCH = 72.0
log = logging.getLogger(__name__)


def load_pdf(pdf: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over bytes; keep the returned buffer alive as long as the document."""
    document = QPdfDocument(parent)
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document, buffer


def a4_layout() -> QPageLayout:
    """A4 portrait, no margins: the PDF page is the sheet, 1:1."""
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                       QPageLayout.Unit.Point)


def make_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    set_a4_full_page(printer)
    return printer


def set_a4_full_page(printer: QPrinter) -> None:
    """Called again after the print dialog: a printer chosen there starts from its own defaults."""
    printer.setFullPage(True)  # the PDF pages carry their own GB/T 9704 margins
    printer.setPageLayout(a4_layout())
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)


class PrintJob:
    """The pages of one exported PDF, ready to paint into printers and print previews."""

    def __init__(self, pdf: bytes, drawings: list[PageDrawing | NotReplayable] | None = None):
        """`drawings` are the PDF's pages as read by export.pdf_drawing.pdf_drawings (plain Python, so they may be
        read on another thread); read here when not given."""
        self.pdf = pdf
        self.book = FontBook()
        self.pages: list[PageDrawing | None] = []
        self.raster_reasons: dict[int, str] = {}  # 0-based page → why it is printed as an image
        for n, drawing in enumerate(pdf_drawings(pdf) if drawings is None else drawings):
            if isinstance(drawing, NotReplayable):
                self._to_raster(n, str(drawing))
                continue
            try:
                check_fonts(drawing, self.book)
            except MissingFont as exc:
                self._to_raster(n, str(exc))
                continue
            self.pages.append(drawing)
        self._document: QPdfDocument | None = None
        self._buffer: QBuffer | None = None

    def _to_raster(self, n: int, reason: str) -> None:
        self.pages.append(None)
        self.raster_reasons[n] = reason
        log.warning("第 %d 页无法按矢量打印，改为 %d dpi 图像：%s", n + 1, RASTER_DPI, reason)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def note(self) -> str:
        """What the user is told when some pages are printed as images ('' when every page is vectors)."""
        if not self.raster_reasons:
            return ""
        pages = "、".join(str(n + 1) for n in sorted(self.raster_reasons))
        first = self.raster_reasons[min(self.raster_reasons)]
        return f"第 {pages} 页无法按矢量打印，已改为 {RASTER_DPI} dpi 图像打印（{first}）。"

    def page_numbers(self, printer: QPrinter) -> list[int]:
        """0-based pages to print: the dialog's page range, each copy the printer cannot make itself."""
        first, last = 0, self.page_count - 1
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = max(0, printer.fromPage() - 1)
            last = min(last, max(printer.toPage(), printer.fromPage()) - 1)
        pages = list(range(first, last + 1))
        copies = printer.copyCount() if not printer.supportsMultipleCopies() else 1
        if copies > 1:
            pages = pages * copies if printer.collateCopies() else [p for p in pages for _ in range(copies)]
        return pages

    def paint(self, printer: QPrinter) -> int:
        """Paint the chosen pages into the printer (or a print preview's); returns how many pages were painted."""
        set_a4_full_page(printer)
        pages = self.page_numbers(printer)
        if not pages:
            return 0
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        try:
            # device units per PDF point; FullPage puts the device origin at the sheet's top-left corner
            scale = printer.resolution() / POINTS_PER_INCH
            page_transform = QTransform.fromScale(scale, scale)
            for i, n in enumerate(pages):
                if i:
                    printer.newPage()
                drawing = self.pages[n]
                if drawing is not None:
                    try:
                        paint_drawing(painter, drawing, page_transform, self.book)
                        continue
                    except MissingFont as exc:
                        self._to_raster_late(n, str(exc))
                self._paint_image(painter, n, scale)
        finally:
            painter.end()
        return len(pages)

    def _to_raster_late(self, n: int, reason: str) -> None:
        self.pages[n] = None
        self.raster_reasons[n] = reason
        log.warning("第 %d 页无法按矢量打印，改为图像：%s", n + 1, reason)

    def _paint_image(self, painter: QPainter, n: int, scale: float) -> None:
        if self._document is None:
            self._document, self._buffer = load_pdf(self.pdf)
        points = self._document.pagePointSize(n)
        dpi = min(RASTER_DPI, scale * POINTS_PER_INCH)
        size = QSize(round(points.width() * dpi / POINTS_PER_INCH), round(points.height() * dpi / POINTS_PER_INCH))
        image = self._document.render(n, size)
        painter.resetTransform()
        painter.drawImage(QRectF(0, 0, points.width() * scale, points.height() * scale), image)

    def close(self) -> None:
        if self._document is not None:
            self._document.close()
            self._buffer.close()
            self._document = self._buffer = None


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print an exported PDF's pages (the printer's page range and copies honoured); returns the pages painted."""
    job = PrintJob(pdf)
    try:
        return job.paint(printer)
    finally:
        job.close()
