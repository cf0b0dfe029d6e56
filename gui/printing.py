"""Printing the very PDF that is exported: its pages rendered by QtPdf and painted into the printer.

What is printed is what was previewed and what is published. 300 dpi is sharp on paper and keeps the print
preview fast (Qt's default 1200 dpi takes seconds a page).
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

PRINT_DPI = 300


def load_pdf(pdf: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over bytes; keep the returned buffer alive as long as the document."""
    document = QPdfDocument(parent)
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document, buffer


def make_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(PRINT_DPI)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the PDF pages carry their own GB/T 9704 margins
    return printer


def paint_pages(document: QPdfDocument, printer: QPrinter) -> int:
    """Paint every page of the document into the printer (or a preview's printer); returns the page count."""
    count = document.pageCount()
    if count == 0:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        first, last = 0, count - 1
        if printer.fromPage() > 0:
            first = printer.fromPage() - 1
            last = min(count, printer.toPage()) - 1
        for n in range(first, last + 1):
            if n > first:
                printer.newPage()
            target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
            points = document.pagePointSize(n)
            scale = min(target.width() / points.width(), target.height() / points.height())
            size = QSize(int(points.width() * scale), int(points.height() * scale))
            image = document.render(n, size)
            x = target.x() + (target.width() - size.width()) / 2
            y = target.y() + (target.height() - size.height()) / 2
            painter.drawImage(QRectF(x, y, size.width(), size.height()), image)
    finally:
        painter.end()
    return last - first + 1


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    document, buffer = load_pdf(pdf)
    try:
        return paint_pages(document, printer)
    finally:
        document.close()
        buffer.close()
