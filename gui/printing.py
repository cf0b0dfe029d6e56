"""Printing the very PDF that is exported, as vectors, on A4 at 100 %.

Each page of the exported PDF is read into shapes (export/pdf_drawing.py) and painted with QPainter
(gui/pdf_replay.py): text goes to the printer as text in the fonts the PDF embedded, at the PDF's positions, so it
prints sharp and a 6-page report through a PDF printer stays small. The printer is set to A4 portrait with the
whole sheet as the page and no margins, and the PDF's points are mapped 1:1 onto it: the official margins are the
PDF's own, never shrunk by a "fit to page". A page that cannot be replayed as shapes is printed as a 300-dpi image
of the same PDF page (never a blank page), and the job says which pages those were.

打印 paints on the print thread (Qt lets QPainter paint into a QPrinter outside the GUI thread), one page after
the other, so the window stays usable while a long report goes out; 取消 stops before the next page and asks the
printer to drop the job. Fonts and painters are made in the thread that paints with them. 打印预览 paints on the
UI thread: QPrintPreviewDialog asks for its pages there.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QBuffer, QByteArray, QEventLoop, QIODevice, QMarginsF, QObject, QRectF, QSize, Signal
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


class PrintStopped(Exception):
    """A print run that ended before its last page; `printer_dropped`: the printer accepted to drop the job."""

    printer_dropped = False


class PrintCancelled(PrintStopped):
    """取消 pressed: raised before the next page is painted."""


class PrinterRefused(PrintStopped):
    """The printer did not take the job (QPainter.begin failed): nothing was printed."""


class PageFailed(PrintStopped):
    """A page could not be painted; `page` is its 1-based number in the report."""

    def __init__(self, page: int, cause: Exception):
        super().__init__(f"{type(cause).__name__}：{cause}")
        self.page = page


class PrintJob:
    """The pages of one exported PDF, ready to paint into printers and print previews."""

    def __init__(self, pdf: bytes, drawings: list[PageDrawing | NotReplayable] | None = None):
        """`drawings` are the PDF's pages as read by export.pdf_drawing.pdf_drawings (plain Python, so they may be
        read on another thread); read here when not given. Fonts are looked up when a page is painted, in the
        thread that paints it."""
        self.pdf = pdf
        self.book = FontBook()
        self.pages: list[PageDrawing | None] = []
        self.raster_reasons: dict[int, str] = {}  # 0-based page → why it is printed as an image
        for n, drawing in enumerate(pdf_drawings(pdf) if drawings is None else drawings):
            if isinstance(drawing, NotReplayable):
                self._to_raster(n, str(drawing))
                continue
            self.pages.append(drawing)

    def _to_raster(self, n: int, reason: str) -> None:
        if n < len(self.pages):
            self.pages[n] = None
        else:
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

    def paint(self, printer: QPrinter, before_page: Callable[[int, int, int], None] | None = None) -> int:
        """Paint the chosen pages into the printer (or a print preview's); returns how many pages were painted.

        `before_page(i, count, n)` is called before the i-th of `count` pages (report page n, 0-based) and may
        raise PrintCancelled. When the run stops early (cancelled, or PageFailed for a page that could not be
        painted), the printer is asked to drop the job before the painter ends, and the exception says whether it
        did."""
        set_a4_full_page(printer)
        pages = self.page_numbers(printer)
        if not pages:
            return 0
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterRefused("打印机没有接受打印任务，可能已脱机或被删除")
        document: QPdfDocument | None = None
        buffer: QBuffer | None = None
        try:
            # device units per PDF point; FullPage puts the device origin at the sheet's top-left corner
            scale = printer.resolution() / POINTS_PER_INCH
            page_transform = QTransform.fromScale(scale, scale)
            for i, n in enumerate(pages):
                if before_page is not None:
                    before_page(i, len(pages), n)
                if i:
                    printer.newPage()
                try:
                    if self._painted_as_vectors(painter, n, page_transform):
                        continue
                    if document is None:  # made here: a QPdfDocument belongs to the thread that made it
                        document, buffer = load_pdf(self.pdf)
                    self._paint_image(painter, document, n, scale)
                except Exception as exc:  # noqa: BLE001 — reported to the user with the page's number
                    raise PageFailed(n + 1, exc) from exc
        except PrintStopped as exc:
            exc.printer_dropped = printer.abort()  # before end(): a job that ends normally is printed
            raise
        finally:
            painter.end()
            if document is not None:
                document.close()
                buffer.close()
        return len(pages)

    def _painted_as_vectors(self, painter: QPainter, n: int, page_transform: QTransform) -> bool:
        drawing = self.pages[n]
        if drawing is None:
            return False
        try:
            check_fonts(drawing, self.book)  # before painting: a page is never half vectors, half image
            paint_drawing(painter, drawing, page_transform, self.book)
            return True
        except MissingFont as exc:
            self._to_raster(n, str(exc))
            return False

    def _paint_image(self, painter: QPainter, document: QPdfDocument, n: int, scale: float) -> None:
        points = document.pagePointSize(n)
        dpi = min(RASTER_DPI, scale * POINTS_PER_INCH)
        size = QSize(round(points.width() * dpi / POINTS_PER_INCH), round(points.height() * dpi / POINTS_PER_INCH))
        image = document.render(n, size)
        painter.resetTransform()
        painter.drawImage(QRectF(0, 0, points.width() * scale, points.height() * scale), image)

    def close(self) -> None:
        """Nothing is held between paints (kept for callers that close a job when done with it)."""


@dataclass
class PrintOutcome:
    """How a print run ended, for the message the user gets."""
    total: int  # pages the run was to print
    painted: int = 0  # pages painted before it ended
    cancelled: bool = False
    failed_page: int | None = None  # 1-based report page that could not be painted
    error: str = ""
    printer_dropped: bool = False  # the printer accepted to drop what it had got
    removed_file: str = ""  # the unfinished PDF file deleted after a stop (printing to a file)

    @property
    def complete(self) -> bool:
        return not self.cancelled and self.failed_page is None and not self.error


# One thread paints every print, one print after the other; it lives as long as the process, with the fonts it made.
_PRINT_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="print")


class PrintRun(QObject):
    """One print of a job into a printer on the print thread; its progress and end come back as queued signals."""

    page_started = Signal(int, int)  # 1-based number of the page being printed, pages in the run
    finished = Signal(object)  # PrintOutcome

    def __init__(self, job: PrintJob, printer: QPrinter, parent: QObject | None = None):
        super().__init__(parent)
        self.job, self.printer = job, printer
        self.total = len(job.page_numbers(printer))
        self.outcome: PrintOutcome | None = None
        self._cancel = threading.Event()
        self._started = 0  # pages begun, counted on the print thread
        self._began = False  # the printer took the job (a refused one leaves any file of that name alone)
        self._waiting: QEventLoop | None = None
        self.finished.connect(self._keep)

    def start(self) -> None:
        _PRINT_THREAD.submit(self._run)

    def cancel(self) -> None:
        """Stop before the next page (from the UI thread)."""
        self._cancel.set()

    def wait(self) -> PrintOutcome:
        """The outcome once the run ended, the event loop turning meanwhile (for callers that need it at once)."""
        if self.outcome is None:
            self._waiting = QEventLoop()
            self._waiting.exec()
            self._waiting = None
        return self.outcome

    def _keep(self, outcome: PrintOutcome) -> None:
        self.outcome = outcome
        if self._waiting is not None:
            self._waiting.quit()

    def _before_page(self, i: int, count: int, _n: int) -> None:
        self._began, self._started = True, i
        if self._cancel.is_set():
            raise PrintCancelled
        self._emit(self.page_started, i + 1, count)

    def _run(self) -> None:
        outcome = PrintOutcome(self.total)
        try:
            outcome.painted = self.job.paint(self.printer, self._before_page)
        except PrintStopped as exc:
            outcome.painted, outcome.printer_dropped = self._started, exc.printer_dropped
            if isinstance(exc, PrintCancelled):
                outcome.cancelled = True
            else:
                outcome.failed_page, outcome.error = getattr(exc, "page", None), str(exc)
        except Exception as exc:  # noqa: BLE001 — never a traceback: the user is told the print failed
            log.exception("printing failed")
            outcome.error = f"{type(exc).__name__}：{exc}"
        if not outcome.complete and self._began:
            outcome.removed_file = self._remove_unfinished_file()
        self._emit(self.finished, outcome)

    def _remove_unfinished_file(self) -> str:
        """A PDF printer's half-written file is deleted: it is not the report."""
        name = self.printer.outputFileName()
        if self.printer.outputFormat() != QPrinter.OutputFormat.PdfFormat or not name:
            return ""
        try:
            os.remove(name)
        except OSError:
            return ""
        return name

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the page that waited for this run was closed meanwhile
            pass


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print an exported PDF's pages (the printer's page range and copies honoured) on the print thread and wait
    for it; returns the pages painted."""
    run = PrintRun(PrintJob(pdf), printer)
    run.start()
    return run.wait().painted
