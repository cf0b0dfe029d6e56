"""导出与打印: one button per format, the preview of the exact PDF pages, print and print preview."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from export.filenames import export_file_name
from gui import dialogs
from gui.controller import ReportController
from gui.printing import load_pdf, make_printer, paint_pages
from gui.user_folders import documents_folder

BUTTONS = [("pdf", "导出 PDF"), ("docx", "导出 Word"), ("xlsx", "导出 Excel"), ("txt", "导出纯文本"), ("html", "导出网页")]


class ExportPage(QWidget):
    def __init__(self, controller: ReportController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._stale = True
        self._pdf: bytes = b""
        self.document = None
        self._buffer = None
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
        print_button.clicked.connect(self.print_dialog)
        preview_button = QPushButton("打印预览…")
        preview_button.clicked.connect(self.print_preview)
        for w in (QLabel("预览：第"), self.page_box, self.page_count, zoom_out, zoom_in, fit):
            nav.addWidget(w)
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
    def _mark_stale(self, *_args) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh_preview()

    def showEvent(self, event):  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh_preview()

    def refresh_preview(self) -> None:
        """Render the PDF exactly as it would be exported and show its pages."""
        from export.pdf_writer import pdf_bytes  # reportlab loads on first use, not at start-up

        self._pdf = pdf_bytes(self.controller.state)
        old, old_buffer = self.document, self._buffer
        self.document, self._buffer = load_pdf(self._pdf, self)
        self.view.setDocument(self.document)
        if old is not None:
            old.close()
            old.deleteLater()
            old_buffer.deleteLater()
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
        kind = kinds[0]
        try:
            staging = Path(tempfile.mkdtemp(prefix=".nianbao-export-", dir=folder))
            staged = []
            for kind in kinds:
                # named after the report's title, made a safe plain file name: always inside the chosen folder
                name = export_file_name(state.title(), kind)
                result = write_report(state, kind, staging / name, allow_errors=allow)
                staged.append(result.path)
                notes += [n for n in result.notes if n not in notes]
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
    def print_dialog(self) -> None:
        self.controller.commit_pending_edits()
        if self._stale or self.document is None:
            self.refresh_preview()
        printer = make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印年报")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            pages = paint_pages(self.document, printer)
            self.status.setText(f"已发送 {pages} 页到打印机。")

    def print_preview(self) -> None:
        self.controller.commit_pending_edits()
        if self._stale or self.document is None:
            self.refresh_preview()
        printer = make_printer()
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle("打印预览")
        dialog.paintRequested.connect(lambda p: paint_pages(self.document, p))
        dialog.exec()

    def focus_target(self, target: str | None) -> None:
        pass
