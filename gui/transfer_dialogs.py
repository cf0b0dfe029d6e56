"""Starting from what exists: import a published report, carry last year's forward, roll up many units."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from gui import dialogs
from gui.background import progress_window, run_in_background
from model.draft import Draft
from model.drafts_io import DraftError, load_draft

MAX_LISTED = 30  # files not summed, listed one a line in the roll-up's message; the rest are counted


def _read_any(parent: QWidget | None, path: str) -> Draft | None:
    """A draft from a .json draft or from a published report / filled workbook (with the import report)."""
    if path.lower().endswith(".json"):
        try:
            return load_draft(path)
        except DraftError as exc:
            dialogs.show_error(parent, "无法打开", str(exc))
            return None
    from model.importers import import_file

    return _shown_import(parent, lambda: import_file(path))


def _shown_import(parent: QWidget | None, read) -> Draft | None:
    """The draft `read()` imports, after the user has seen the import report; None when refused or declined."""
    from model.importers import ImportError_

    # read on a thread of its own: a long PDF or web page takes a second or more, and the window keeps painting;
    # 取消 leaves the import to finish unseen and changes nothing
    outcome = run_in_background(parent, "导入", "正在读取报告……", lambda say, cancelled: read(),
                                cancellable=True, abandon_on_cancel=True)
    if outcome.cancelled:
        return None
    if isinstance(outcome.error, ImportError_):
        dialogs.show_error(parent, "无法导入", str(outcome.error))
        return None
    if outcome.error is not None:
        raise outcome.error
    draft, report = outcome.result
    if not dialogs.show_report(parent, "导入结果", "\n".join(report.lines())):
        return None
    return draft


def _clipboard_report_html() -> str | None:
    """The HTML on the clipboard when it looks like a report copied from a web page (text/html)."""
    mime = QApplication.clipboard().mimeData()
    if mime is None or not mime.hasHtml():
        return None
    html = mime.html()
    return html if "政府信息公开" in html and "总体情况" in html else None


def _import_clipboard_html(parent: QWidget | None, html: str) -> Draft | None:
    from model.importers.html import import_html_text

    return _shown_import(parent, lambda: import_html_text(html, "剪贴板中的网页内容"))


def open_import_dialog(parent: QWidget | None) -> tuple[Draft, str] | None:
    html = _clipboard_report_html()
    if html is not None:
        box = QMessageBox(QMessageBox.Icon.Question, "导入已发布的报告",
                          "剪贴板中有从网页复制的年报内容。要从网页粘贴，还是选择文件导入？", parent=parent)
        paste = box.addButton("从网页粘贴", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("选择文件…", QMessageBox.ButtonRole.ActionRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(paste)
        box.exec()
        if box.clickedButton() is cancel:
            return None
        if box.clickedButton() is paste:
            draft = _import_clipboard_html(parent, html)
            return (draft, "剪贴板中的网页内容") if draft is not None else None
    path = dialogs.ask_source_path(parent, "导入已发布的报告或填好的 Excel")
    if not path:
        return None
    draft = _read_any(parent, path)
    return (draft, path) if draft is not None else None


def open_carry_forward_dialog(parent: QWidget | None) -> Draft | None:
    path = dialogs.ask_source_path(parent, "选择上年的报告（草稿、PDF、Word、文本或 Excel）")
    if not path:
        return None
    last = _read_any(parent, path)
    if last is None:
        return None
    year = dialogs.ask_year(parent, last.meta.year + 1)
    if year is None:
        return None
    from model.carry_forward import carry_forward

    return carry_forward(last, year)


class _Cancelled(Exception):
    """取消 pressed in a progress window: the work stops at its next step and nothing is written or changed."""


@contextmanager
def _cancellable_progress(parent: QWidget | None, text: str) -> Iterator[Callable[..., None]]:
    """A progress window with 取消 over the window; yields `step(done, total, label=None)` for the work to call
    after each file, which keeps the window answering and raises _Cancelled once 取消 has been pressed."""
    progress = progress_window(parent, text)  # stays up between the stages of the work (reading, then checking)

    def step(done: int, total: int, label: str | None = None) -> None:
        if label is not None:
            progress.setLabelText(label)
        progress.setMaximum(total)
        progress.setValue(done)
        QApplication.processEvents()
        if progress.wasCanceled():
            raise _Cancelled

    try:
        yield step
    finally:
        progress.close()


def open_rollup_dialog(parent: QWidget | None) -> tuple[Draft, list[str]] | None:
    folder = dialogs.ask_folder(parent, "选择存放各单位草稿（.json）的文件夹")
    if not folder:
        return None
    from model.rollup import RollupError, aggregate_units
    from model.rollup_inputs import gather

    # reading the units is the long part of a roll-up: each is read, checked and kept as its row of figures
    try:
        with _cancellable_progress(parent, "正在读取各单位的报告……") as step:
            gathered = gather([folder], on_progress=step)
    except _Cancelled:
        dialogs.show_info(parent, "已取消汇总", "已取消汇总：没有生成汇总报告，当前打开的报告没有改变。")
        return None
    if not gathered.units:
        dialogs.show_error(parent, "无法汇总", "\n".join([f"文件夹“{folder}”中没有可以汇总的草稿。"]
                                                       + [s.line() for s in gathered.skipped][:MAX_LISTED]))
        return None
    agency = dialogs.ask_agency(parent, "")
    if agency is None:
        return None
    try:
        result = aggregate_units(gathered.units, agency=agency)
    except RollupError as exc:
        dialogs.show_error(parent, "无法汇总", str(exc))
        return None
    notes = [f"已汇总 {len(result.units)} 个单位的报告。文字部分留待编写。"]
    if result.units_with_errors:
        notes.append("以下单位的报告本身有错误，请核对：" + "、".join(result.units_with_errors))
    left_out = [s.line() for s in gathered.skipped + result.left_out]
    notes += left_out[:MAX_LISTED]
    if len(left_out) > MAX_LISTED:
        notes.append(f"……另有 {len(left_out) - MAX_LISTED} 个文件未计入。")
    dialogs.show_info(parent, "汇总完成", "\n".join(notes))
    return result.draft, notes



def ask_audit_output(parent: QWidget | None, folder: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "保存核查结果", str(Path(folder).parent / "核查结果.xlsx"),
                                          "Excel 工作簿（*.xlsx）")
    return path or None


def open_audit_dialog(parent: QWidget | None) -> Path | None:
    """文件 → 核查已发布的报告: every report in a folder checked, the results written to a workbook."""
    folder = dialogs.ask_folder(parent, "选择存放各单位已发布报告的文件夹")
    if not folder:
        return None
    target = ask_audit_output(parent, folder)
    if not target:
        return None
    from export.audit_xlsx import render_audit_xlsx
    from model.audit import audit, report_files
    from model.drafts_io import atomic_write_bytes, os_error_text

    out = Path(target).with_suffix(".xlsx")
    try:
        files = report_files(Path(folder), skip={out.resolve()})
    except OSError as exc:
        dialogs.show_error(parent, "无法核查", f"无法读取文件夹“{folder}”：{os_error_text(exc)}。")
        return None
    if not files:
        dialogs.show_error(parent, "无法核查", f"文件夹“{folder}”中没有文件。")
        return None
    try:
        with _cancellable_progress(parent, "正在读取各单位的报告……") as step:
            def reading(done: int, total: int, name: str) -> None:
                step(done, total, f"正在读取：{name}（{done}/{total}）")

            def checking(done: int, total: int, name: str) -> None:
                step(done, total, f"正在检查：{name}（{done}/{total}）")

            reports = audit(files, on_progress=reading, on_check=checking)
        atomic_write_bytes(out, render_audit_xlsx(reports))
    except _Cancelled:
        dialogs.show_info(parent, "已取消核查", "已取消核查：没有写出核查结果。")
        return None
    except OSError as exc:
        dialogs.show_error(parent, "无法写入核查结果", f"无法写入“{out}”：{os_error_text(exc)}。")
        return None
    unreadable = [r for r in reports if r.unreadable]
    with_errors = [r for r in reports if not r.unreadable and r.errors]
    lines = [f"已核查 {len(reports) - len(unreadable)} 份报告，结果已写入“{out}”。",
             f"{len(with_errors)} 份有错误，共 {sum(r.warnings for r in reports)} 个警告。"]
    lines += [f"无法读取：{r.file}：{r.unreadable}" for r in unreadable[:MAX_LISTED]]
    dialogs.show_info(parent, "核查完成", "\n".join(lines))
    return out
