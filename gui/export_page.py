"""导出与打印: one button per format, the preview of the exact PDF pages, print and print preview."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import (QMimeData, QObject, QPointF, QRunnable, QSettings, Qt, QThreadPool, QTimer, QUrl,
                            Signal)
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QProgressBar, QProgressDialog, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from export.filenames import export_file_name
from export.pdf_drawing import NotReplayable
from export.render_lock import REPORTLAB_LOCK
from gui import dialogs
from gui.background import progress_window, run_in_background
from gui.controller import ReportController
from gui.printing import PageFailed, PrintJob, PrintOutcome, PrintRun, PrintStopped, load_pdf, make_printer
from gui.user_folders import documents_folder

log = logging.getLogger(__name__)


def _read_pages(pdf: bytes) -> list:
    """The PDF's pages as shapes for printing, on the preview thread (pypdf: ~30 ms a page)."""
    from export.pdf_drawing import pdf_drawings, registered_font_faces

    return pdf_drawings(pdf, registered_font_faces())


def _preview_pdf(state) -> bytes:
    """The preview's PDF, in a worker thread: plain Python (reportlab), no Qt objects."""
    from export.pdf_writer import pdf_bytes

    with REPORTLAB_LOCK:
        return pdf_bytes(state)


class _Signals(QObject):
    done = Signal(int, object, str)  # generation, PDF bytes (None on failure), error text


class _Task(QRunnable):
    """One job on the preview thread; its result comes back to the UI thread through a queued signal."""

    def __init__(self, generation: int, work, signals: _Signals):
        super().__init__()
        self.generation, self.work, self.signals = generation, work, signals

    def run(self):
        try:
            result, error = self.work(), ""
        except Exception as exc:  # noqa: BLE001 — shown to the user as a message on the page
            result, error = None, f"{type(exc).__name__}：{exc}"
        try:
            self.signals.done.emit(self.generation, result, error)
        except RuntimeError:  # the page was closed meanwhile: nobody waits for this result
            pass


BUTTONS = [("pdf", "导出 PDF"), ("docx", "导出 Word"), ("xlsx", "导出 Excel"), ("txt", "导出纯文本"), ("html", "导出网页")]


class ExportPage(QWidget):
    def __init__(self, controller: ReportController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._stale = True
        self._pdf: bytes = b""
        self.document = None
        self._buffer = None
        self._retired: list = []  # documents replaced by a newer preview, closed once the view has let go of them
        # Previews are built one at a time on their own thread; each request has a generation number and a result
        # whose generation is no longer the latest (the report changed meanwhile) is dropped.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._preview_built, Qt.ConnectionType.QueuedConnection)
        self._pages_signals = _Signals(self)
        self._pages_signals.done.connect(self._pages_read, Qt.ConnectionType.QueuedConnection)
        self._reading_for: int | None = None  # the generation whose pages are being read for printing
        self._then_print = None  # what to do with the print job once it is ready (dialog, preview)
        self._preview_printer = None
        self._generation = 0
        self._building_for: int | None = None
        self._print_job: PrintJob | None = None
        self.print_run: PrintRun | None = None  # the print going out on the print thread, if any
        self.last_folder: Path | None = None
        title = QLabel("导出与打印")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        self.buttons = {}
        for kind, label in BUTTONS:
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, k=kind: self.export([k]))
            row.addWidget(b)
            self.buttons[kind] = b
        all_button = QPushButton("全部导出")
        all_button.clicked.connect(lambda: self.export([k for k, _ in BUTTONS]))
        row.addWidget(all_button)
        self.copy_web_button = QPushButton("复制网页版")
        self.copy_web_button.setToolTip("把报告以网页格式（含表格和图片）复制到剪贴板，可直接粘贴到门户网站的编辑器中")
        self.copy_web_button.clicked.connect(self.copy_web_version)
        row.addWidget(self.copy_web_button)
        self.open_folder_button = QPushButton("打开所在文件夹")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.clicked.connect(self.open_folder)
        row.addWidget(self.open_folder_button)
        row.addStretch(1)

        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        nav = QHBoxLayout()
        self.page_box = QSpinBox()
        self.page_box.setMinimum(1)
        self.page_box.valueChanged.connect(self._go_to_page)
        self.page_count = QLabel()
        zoom_in = QPushButton("放大")
        zoom_in.clicked.connect(lambda: self._zoom(1.25))
        zoom_out = QPushButton("缩小")
        zoom_out.clicked.connect(lambda: self._zoom(0.8))
        fit = QPushButton("适合宽度")
        fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        print_button = QPushButton("打印…")
        print_button.setToolTip("按 A4 原大（100%）打印，文字为矢量，与导出的 PDF 完全一致")
        print_button.clicked.connect(lambda: self.print_dialog())
        preview_button = QPushButton("打印预览…")
        preview_button.setToolTip("在大窗口中查看打印效果，可缩放、翻页，并从预览直接打印")
        preview_button.clicked.connect(lambda: self.print_preview())
        self.print_button, self.preview_button = print_button, preview_button
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # busy, no percentage: the PDF writer does not report progress
        self.busy.setMaximumWidth(120)
        self.busy_label = QLabel("正在生成预览…")
        for w in (QLabel("预览：第"), self.page_box, self.page_count, zoom_out, zoom_in, fit, self.busy_label, self.busy):
            nav.addWidget(w)
        self.busy.hide()
        self.busy_label.hide()
        nav.addStretch(1)
        nav.addWidget(preview_button)
        nav.addWidget(print_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addLayout(nav)
        layout.addWidget(self.view, 1)
        controller.listen(self, changed=self._mark_stale, documentChanged=self._mark_stale)

    # -- preview -------------------------------------------------------------------------------------
    # The report's version is `_generation`, bumped by every change. At most one preview is built at a time, for
    # the version it started from (`_building_for`); a result for an older version is dropped, and a new build is
    # started then if the page is on screen. So fast typing never queues builds, and what is shown is never older
    # than the report it claims to show.
    def _mark_stale(self, *_args) -> None:
        self._stale = True
        self._generation += 1  # a preview being built now describes an older report
        self._print_job = None
        if self.isVisible():
            self.start_preview()

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.start_preview()

    def start_preview(self) -> None:
        """Build the PDF exactly as it would be exported on the preview thread; the page stays usable meanwhile.

        The worker reads the report while the UI thread may change it: any change bumps the generation first
        (changes happen on the UI thread and signal synchronously), so a result built over a changing report is
        never shown, and a failure inside such a build is dropped with it."""
        self._set_busy("正在生成预览…")
        if self._building_for is not None:
            return  # one build at a time: when it ends stale, the next one starts from the report as it is then
        self._building_for = self._generation
        self._pool.start(_Task(self._generation, lambda state=self.controller.state: _preview_pdf(state),
                               self._signals))

    @property
    def _building(self) -> bool:
        return self._building_for is not None

    def _preview_built(self, generation: int, pdf, error: str) -> None:
        if generation == self._building_for:
            self._building_for = None
        if generation != self._generation:  # stale: the report changed while this was built
            if self._stale and self.isVisible():
                self.start_preview()
            return
        self._set_busy(None)
        if pdf is None:
            log.warning("preview failed: %s", error)
            self._then_print = None
            self.status.setText(f"<span style='color:#c0302a'>预览生成失败：{error}。导出时会再次生成，"
                                "如仍失败请把这条信息告知维护人员。</span>")
            return
        self._show_pdf(pdf)
        if self._then_print is not None:
            self._when_printable(self._then_print)

    def _set_busy(self, text: str | None) -> None:
        """The page's busy sign: a moving bar and what is being done; None hides it."""
        self.busy.setVisible(text is not None)
        self.busy_label.setVisible(text is not None)
        if text is not None:
            self.busy_label.setText(text)

    def refresh_preview(self) -> None:
        """Build and show the preview now, in this thread (printing needs the PDF at once; tests and benchmarks)."""
        from export.pdf_writer import pdf_bytes  # reportlab loads on first use, not at start-up

        self._generation += 1  # a preview still being built on the preview thread is not shown after this one
        self._set_busy(None)
        with REPORTLAB_LOCK:  # waits for a preview still being built on the preview thread
            pdf = pdf_bytes(self.controller.state)
        self._show_pdf(pdf)

    def _show_pdf(self, pdf: bytes) -> None:
        self._pdf = pdf
        self._print_job = None
        if self.document is not None:
            self._retired.append((self.document, self._buffer))
        self.document, self._buffer = load_pdf(self._pdf, self)
        # The view lays out every page when it gets the document (~90 ms for 66 pages): done in the next turn of
        # the event loop, so that loading and laying out are two short pauses of the UI thread, not one long one.
        QTimer.singleShot(0, self, lambda document=self.document: self._show_document(document))
        pages = self.document.pageCount()
        self.page_box.setMaximum(max(1, pages))
        self.page_count.setText(f"页，共 {pages} 页")
        self._stale = False
        errors = self.controller.state.errors()
        if errors:
            self.status.setText(f"<span style='color:#c0302a'>报告还有 {len(errors)} 个错误，预览中标注“草稿（未通过校验）”。"
                                "请在“审核”中逐一改正后再导出正式文件。</span>")
        elif not self.status.text().startswith("已导出"):
            self.status.setText("校验通过，可以导出正式文件。")

    def _show_document(self, document) -> None:
        if document is not self.document:
            return  # replaced meanwhile by a newer preview, which shows itself
        self.view.setDocument(document)
        for old, old_buffer in self._retired:  # no longer on screen: closed only now
            old.close()
            old.deleteLater()
            old_buffer.deleteLater()
        self._retired.clear()

    def building_preview(self) -> bool:
        """Whether a preview is being made on the preview thread (its busy sign shows)."""
        return not self.busy.isHidden()

    def preview_ready(self) -> bool:
        return not self._stale and self.document is not None

    def preview_page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def _go_to_page(self, n: int) -> None:
        if self.document is not None and 0 < n <= self.document.pageCount():
            self.view.pageNavigator().jump(n - 1, QPointF(), self.view.pageNavigator().currentZoom())

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(5.0, self.view.zoomFactor() * factor)))

    # -- export --------------------------------------------------------------------------------------
    def _default_folder(self) -> str:
        settings = QSettings()
        folder = settings.value("export/folder", "")
        if not folder and self.controller.path is not None:
            folder = str(self.controller.path.parent)
        return folder or str(documents_folder())

    def copy_web_version(self) -> bool:
        """The report as HTML (plus plain text for editors that take only text) on the clipboard."""
        from export.document import build_document
        from export.html_writer import body_html
        from export.txt_writer import render_text

        self.controller.commit_pending_edits()
        state = self.controller.state
        errors = state.errors()
        if errors and not dialogs.ask_export_draft(self, len(errors)):
            self.status.setText("未复制：报告还有错误。")
            return False
        with REPORTLAB_LOCK:
            doc = build_document(state, draft_mark=bool(errors))
        mime = QMimeData()
        mime.setHtml(body_html(doc))
        mime.setText(render_text(doc))
        QApplication.clipboard().setMimeData(mime)
        self.status.setText("已复制网页版：可在门户网站编辑器中粘贴（含表格和图片）。"
                            + ("已标注“草稿（未通过校验）”。" if errors else ""))
        return True

    def export(self, kinds: list[str], folder: str | None = None) -> list[Path]:
        from export.writers import KIND_NAMES, ExportRefused, write_report

        self.controller.commit_pending_edits()  # export what is on screen, including a cell still being typed
        folder = folder or dialogs.ask_folder(self, "选择导出文件夹", self._default_folder())
        if not folder:
            return []
        QSettings().setValue("export/folder", folder)
        state = self.controller.state
        allow = False
        if state.errors():
            if not dialogs.ask_export_draft(self, len(state.errors())):
                self.status.setText("未导出：报告还有错误。")
                return []
            allow = True
        written: list[Path] = []
        notes: list[str] = []
        # Every format is written into a staging folder beside the targets first and moved in only when all
        # succeeded: a failure in one format leaves no partial set of files behind.
        staging: Path | None = None
        current = {"kind": kinds[0]}  # the format being written, for the message if it fails

        def write_all(say, cancelled) -> list[Path]:  # on the export thread: the window keeps painting
            staged = []
            for i, kind in enumerate(kinds):
                if cancelled.is_set():
                    return staged
                current["kind"] = kind
                say(f"正在生成{KIND_NAMES[kind]}（{i + 1}/{len(kinds)}）……")
                # named after the report's title, made a safe plain file name: always inside the chosen folder
                name = export_file_name(state.title(), kind)
                with REPORTLAB_LOCK:
                    result = write_report(state, kind, staging / name, allow_errors=allow)
                staged.append(result.path)
                notes.extend(n for n in result.notes if n not in notes)
            return staged

        try:
            staging = Path(tempfile.mkdtemp(prefix=".nianbao-export-", dir=folder))
            outcome = run_in_background(self, "导出", "正在导出……", write_all, cancellable=True)
            if outcome.cancelled:
                self.status.setText("已取消导出：没有写出任何文件。")
                return []
            if outcome.error is not None:
                raise outcome.error
            staged = outcome.result
            for path in staged:
                os.replace(path, Path(folder) / path.name)
                written.append(Path(folder) / path.name)
        except ExportRefused as exc:
            dialogs.show_error(self, "未导出", str(exc))
            return []
        except OSError as exc:
            dialogs.show_error(self, "导出失败", f"无法写入文件夹“{folder}”：{exc.strerror or exc}。没有写出任何文件。")
            return written
        except Exception as exc:  # noqa: BLE001 — any writer failure is reported, never a traceback
            kind = current["kind"]
            dialogs.show_error(self, "导出失败", f"生成{KIND_NAMES.get(kind, kind)}时出错，没有写出任何文件。"
                                               f"请检查报告中是否有特殊字符，或把以下信息告知维护人员：{type(exc).__name__}：{exc}")
            return []
        finally:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
        self.last_folder = Path(folder)
        self.open_folder_button.setEnabled(True)
        names = "、".join(f"{KIND_NAMES[p.suffix[1:]]}（{p.name}）" for p in written)
        self.status.setText(f"已导出 {names} 到 {folder}。" + ("<br>" + "<br>".join(notes) if notes else ""))
        return written

    def open_folder(self) -> None:
        if self.last_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_folder)))

    # -- printing ------------------------------------------------------------------------------------
    # Printing waits for the preview of the report as it is now and for its pages read as shapes; both are done
    # on the preview thread, so that printing a long report does not freeze the window either.
    def _when_printable(self, then) -> None:
        """Call `then(job)` once the PDF on screen is current and read for printing (at once when it is)."""
        self._then_print = then
        if self._stale or self.document is None:
            self.start_preview()  # _preview_built comes back here
            return
        if self._print_job is None:
            self._set_busy("正在准备打印…")
            if self._reading_for != self._generation:
                self._reading_for = self._generation
                self._pool.start(_Task(self._generation, lambda pdf=self._pdf: _read_pages(pdf),
                                       self._pages_signals))
            return
        self._then_print = None
        then(self._print_job)

    def _pages_read(self, generation: int, drawings, error: str) -> None:
        if generation == self._reading_for:
            self._reading_for = None
        if generation != self._generation or self._then_print is None:
            return  # the report changed meanwhile: printing goes on from the new preview
        self._set_busy(None)
        if drawings is None:  # the pages could not be read as shapes: each is printed as an image of itself
            log.warning("reading the pages for printing failed: %s", error)
            drawings = [NotReplayable(f"读取页面时出错：{error}")] * self.preview_page_count()
        self._print_job = PrintJob(self._pdf, drawings)
        self._when_printable(self._then_print)

    def _job(self) -> PrintJob:
        """The print job of the PDF on screen, built now in this thread (for callers that cannot wait)."""
        if self._stale or self.document is None:
            self.refresh_preview()
        if self._print_job is None:
            with REPORTLAB_LOCK:  # reads reportlab's registered fonts
                self._print_job = PrintJob(self._pdf)
        return self._print_job

    def print_to(self, printer) -> PrintRun:
        """Print the report into a configured printer (what 打印 does after its dialog; tests pass a PDF printer).

        The pages are painted on the print thread (on A4 at 100 %, whatever the printer was set to); a progress
        window names the page being printed and offers 取消, and the page says how the print ended."""
        job = self._job()
        run = self.print_run = PrintRun(job, printer, self)
        progress = progress_window(self, self._printing_text(1, max(1, run.total)), title="打印",
                                   maximum=max(1, run.total))
        progress.canceled.connect(run.cancel)
        progress.canceled.connect(lambda: progress.setLabelText("正在取消打印……"))
        run.page_started.connect(lambda n, total: self._print_progress(progress, n, total))
        run.finished.connect(lambda outcome: self._printed(run, progress, outcome))
        self._set_busy("正在打印…")
        run.start()
        return run

    @staticmethod
    def _printing_text(n: int, total: int) -> str:
        return f"正在打印第 {n} 页，共 {total} 页……"

    def _print_progress(self, progress: QProgressDialog, n: int, total: int) -> None:
        if progress.wasCanceled():
            return
        progress.setLabelText(self._printing_text(n, total))
        progress.setValue(n - 1)

    def _printed(self, run: PrintRun, progress: QProgressDialog, outcome: PrintOutcome) -> None:
        """What the user is told once the print thread is done: printed, cancelled or failed (naming the page)."""
        progress.close()
        progress.deleteLater()
        if self.print_run is run:
            self.print_run = None
            self._set_busy(None)
        if outcome.complete:
            self.status.setText(f"已发送 {outcome.painted} 页到打印机（A4，100%）。" + run.job.note())
            return
        if outcome.removed_file:
            fate = f"没有写出打印文件（未完成的“{Path(outcome.removed_file).name}”已删除）。"
        elif outcome.printer_dropped:
            fate = "打印任务已撤回，打印机不会打印这份报告的任何一页。"
        elif not outcome.painted:
            fate = "没有页面送到打印机。"
        else:
            fate = (f"这台打印机无法撤回已发送的前 {outcome.painted} 页，它们可能仍会打印出来；"
                    "如不需要，请在打印机或系统的打印队列中取消这份打印任务。")
        if outcome.cancelled:
            self.status.setText(f"已取消打印：在第 {outcome.painted + 1} 页（共 {outcome.total} 页）前停止。{fate}")
            return
        where = f"打印报告第 {outcome.failed_page} 页时出错" if outcome.failed_page else "打印时出错"
        text = (f"{where}，打印没有完成（{outcome.error}）。{fate}"
                "请检查打印机后重试；如仍失败，请把这条信息告知维护人员。")
        self.status.setText(f"<span style='color:#c0302a'>打印失败：{text}</span>")
        dialogs.show_error(self, "打印失败", text)

    def print_dialog(self, printer=None) -> None:
        """The system print dialog (page range, copies, duplex, printer), then printing at A4 100 %."""
        self.controller.commit_pending_edits()
        self._when_printable(lambda job: self._print_with_dialog(job, printer or self.new_printer()))

    def _print_with_dialog(self, job: PrintJob, printer) -> None:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印年报")
        dialog.setMinMax(1, max(1, job.page_count))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
        if self.exec_print_dialog(dialog) == QPrintDialog.DialogCode.Accepted:
            self.print_to(printer)

    def new_printer(self):
        """The printer 打印 starts from (tests give a PDF printer)."""
        return make_printer()

    def exec_print_dialog(self, dialog) -> int:
        """Shows the dialog (tests replace this with one that sets the printer as a user would)."""
        return dialog.exec()

    def print_preview(self) -> None:
        """A large print preview (maximized, zoom and page navigation in its toolbar) drawn as the printer gets it."""
        self.controller.commit_pending_edits()
        self._when_printable(self._open_preview)

    def _open_preview(self, job: PrintJob) -> None:
        # the dialog does not own its printer: kept here while the (non-modal in tests) dialog may still use it
        printer = self._preview_printer = make_printer()
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle("打印预览 — A4 原大（100%）")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one preview at a time, not one per click kept
        dialog.setWindowState(dialog.windowState() | Qt.WindowState.WindowMaximized)
        # Qt's print preview asks for its pages on the UI thread (and its own 打印 button prints there too)
        dialog.paintRequested.connect(lambda printer: self._paint_preview(job, printer))
        preview = dialog.findChild(QPrintPreviewWidget)
        if preview is not None:
            preview.setViewMode(QPrintPreviewWidget.ViewMode.SinglePageView)
            preview.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)
        self.exec_preview_dialog(dialog)

    def _paint_preview(self, job: PrintJob, printer) -> None:
        try:
            job.paint(printer)
        except PrintStopped as exc:
            where = f"在报告第 {exc.page} 页" if isinstance(exc, PageFailed) else ""
            self.status.setText(f"<span style='color:#c0302a'>打印预览{where}出错（{exc}），没有画完。"
                                "请把这条信息告知维护人员。</span>")
            return
        if job.note():
            self.status.setText(job.note())

    def exec_preview_dialog(self, dialog) -> int:
        return dialog.exec()

    def focus_target(self, target: str | None) -> None:
        pass
