"""打印 and 打印预览 as the user meets them: the export page's buttons, the system print dialog (replaced here by one
that sets the printer as a user would), a PDF printer as the target, and the printed file measured against the
exported PDF: size, real text at the same places, page count, page size."""

import re
import subprocess
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar

from gui import dialogs
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


def export_page(qtbot, name="sample-2024"):
    window = MainWindow(ReportController(ReportState(load_draft(SEEDS / f"{name}.json")), None))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_to("export")
    page = window.pages["export"]
    qtbot.waitUntil(page.preview_ready, timeout=60_000)
    return window, page


def close_quietly(window):
    window.controller.undo_stack.setClean()
    window.close()


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def print_with_dialog(qtbot, page, printer, choose=lambda printer: None) -> int:
    """Press 打印… and accept the system dialog after `choose` set the printer as a user would there; returns the
    pages the page says it sent."""
    def accept(dialog):
        choose(dialog.printer())
        return QPrintDialog.DialogCode.Accepted

    page.new_printer = lambda: printer
    page.exec_print_dialog = accept
    QTest.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已发送" in page.status.text(), timeout=60_000)  # pages read on the preview thread
    return int(re.search(r"已发送 (\d+) 页", page.status.text())[1])


def exported_pdf(page, tmp_path) -> Path:
    path = tmp_path / "exported.pdf"
    path.write_bytes(page._pdf)
    return path


def pdfinfo(path: Path) -> dict:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def page_count(path: Path) -> int:
    return int(pdfinfo(path)["Pages"])


def words(path: Path, first: int | None = None, last: int | None = None) -> list[list[tuple]]:
    """pdftotext -bbox: per page, (word, xMin, yMin, xMax, yMax)."""
    pages = ["-f", str(first), "-l", str(last)] if first else []
    out = subprocess.run(["pdftotext", "-bbox", *pages, str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [[(w[4], float(w[0]), float(w[1]), float(w[2]), float(w[3]))
             for w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                                 body)]
            for body in re.findall(r"<page .*?</page>", out, re.S)]


def baselines(path: Path) -> list[list[float]]:
    """Per page, the baselines text sits on (points from the page's top), as a PDF reader places the text."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(str(path)).pages:
        height = float(page.mediabox.height)
        found: set[float] = set()

        def visit(text, cm, tm, _font, _size, found=found, height=height):
            if text.strip():
                found.add(round(height - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5]), 1))

        page.extract_text(visitor_text=visit)
        pages.append(sorted(found))
    return pages


def assert_same_text_at_same_places(exported_pages, printed_pages):
    """Every word of each exported page is on the printed page, with its left and right edges within 1 pt (in the
    order pdftotext reads them, which for rotated text depends on how the glyphs were written)."""
    assert len(exported_pages) == len(printed_pages)
    for exp, got in zip(exported_pages, printed_pages):
        assert sorted(w[0] for w in exp) == sorted(w[0] for w in got)
        unused = list(got)
        for word in exp:
            match = next((w for w in unused if w[0] == word[0] and abs(w[1] - word[1]) <= 1
                          and abs(w[3] - word[3]) <= 1), None)
            assert match is not None, (word, [w for w in got if w[0] == word[0]])
            unused.remove(match)


def assert_same_baselines(exported, printed):
    assert len(exported) == len(printed)
    for exp, got in zip(exported, printed):
        assert len(exp) == len(got) and all(abs(a - b) <= 1 for a, b in zip(exp, got)), (exp, got)


def test_printing_the_sample_to_a_pdf_printer_gives_small_vector_pages_identical_to_the_export(qtbot, tmp_path):
    window, page = export_page(qtbot)
    printed = tmp_path / "printed.pdf"
    sent = print_with_dialog(qtbot, page, pdf_printer(printed))
    exported = exported_pdf(page, tmp_path)
    assert sent == page_count(printed) == page_count(exported) >= 5
    assert printed.stat().st_size < 1_000_000  # was 3.5 MB as 300-dpi page images
    fonts = subprocess.run(["pdffonts", str(printed)], capture_output=True, text=True, check=True).stdout
    assert "Type 3" not in fonts and "TrueType" in fonts  # the text is text in embedded fonts, not pictures or paths
    assert_same_text_at_same_places(words(exported), words(printed))
    assert_same_baselines(baselines(exported), baselines(printed))
    assert f"已发送 {sent} 页" in page.status.text() and "A4" in page.status.text()
    close_quietly(window)


def test_printing_is_a4_at_100_percent_whatever_the_printer_started_with(qtbot, tmp_path):
    window, page = export_page(qtbot, "yuexiu-2023")
    printed = tmp_path / "printed.pdf"

    def fit_to_letter(printer):  # a printer whose driver starts on Letter with margins, as many do
        printer.setFullPage(False)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)

    print_with_dialog(qtbot, page, pdf_printer(printed), fit_to_letter)
    assert pdfinfo(printed)["Page size"].split()[:3] == ["595", "x", "842"]
    exported = exported_pdf(page, tmp_path)
    assert_same_text_at_same_places(words(exported), words(printed))
    close_quietly(window)


def test_a_page_range_chosen_in_the_dialog_prints_those_pages(qtbot, tmp_path):
    window, page = export_page(qtbot)
    printed = tmp_path / "printed.pdf"

    def pages_2_to_3(printer):
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)

    assert print_with_dialog(qtbot, page, pdf_printer(printed), pages_2_to_3) == 2
    assert page_count(printed) == 2
    exported = exported_pdf(page, tmp_path)
    assert_same_text_at_same_places(words(exported, 2, 3), words(printed))
    close_quietly(window)


def test_copies_the_printer_cannot_make_are_printed_one_after_another(qtbot, tmp_path):
    window, page = export_page(qtbot, "broken-2024")
    printed = tmp_path / "printed.pdf"

    def two_copies(printer):
        printer.setCopyCount(2)
        printer.setCollateCopies(True)

    printer = pdf_printer(printed)
    n = print_with_dialog(qtbot, page, printer, two_copies)
    exported = exported_pdf(page, tmp_path)
    if printer.supportsMultipleCopies():  # the printer makes the copies itself
        assert n == page_count(printed) == page_count(exported)
    else:
        assert n == page_count(printed) == 2 * page_count(exported)
        assert [w[0] for w in words(printed)[0]] == [w[0] for w in words(printed)[page_count(exported)][:]]
    close_quietly(window)


def test_print_preview_is_a_large_window_with_zoom_and_pages_drawn_as_printed(qtbot):
    window, page = export_page(qtbot)
    shown = []

    def show(dialog):  # instead of a modal exec: look at the dialog as the user sees it
        dialog.show()
        shown.append(dialog)
        return 0

    page.exec_preview_dialog = show
    QTest.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) > 0, timeout=60_000)
    dialog = shown[0]
    qtbot.waitExposed(dialog)
    assert dialog.windowState() & Qt.WindowState.WindowMaximized
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: preview.pageCount() == page.preview_page_count() >= 3)
    try:
        toolbar = dialog.findChild(QToolBar)
        actions = {a.text(): a for a in toolbar.actions()}

        def click(*names):
            action = next(actions[n] for n in names if n in actions)
            QTest.mouseClick(toolbar.widgetForAction(action), Qt.MouseButton.LeftButton)

        before = preview.zoomFactor()
        click("Zoom in", "放大")
        assert preview.zoomFactor() > before
        click("Next page", "下一页")
        click("Next page", "下一页")
        assert preview.currentPage() == 3
        assert page._print_job is not None and page._print_job.raster_reasons == {}  # every page as vectors
    finally:
        dialog.close()
        close_quietly(window)


def test_a_page_that_cannot_be_drawn_as_vectors_is_printed_as_an_image_and_said_so(qtbot, tmp_path):
    """A PDF page with a colour gradient (our writer never makes one) is printed as a picture, never blank."""
    import io

    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    from gui.printing import PrintJob

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.linearGradient(100, 100, 300, 300, (colors.red, colors.blue))
    c.showPage()
    c.save()
    job = PrintJob(buf.getvalue())
    assert list(job.raster_reasons) == [0]
    assert "第 1 页无法按矢量打印" in job.note()
    printed = tmp_path / "printed.pdf"
    assert job.paint(pdf_printer(printed)) == 1
    images = subprocess.run(["pdfimages", "-list", str(printed)], capture_output=True, text=True).stdout
    assert len(images.splitlines()) > 2  # the page went out as a picture


def test_ctrl_shift_p_opens_the_print_preview_from_any_page(qtbot):
    window = MainWindow(ReportController(ReportState(load_draft(SEEDS / "sample-2024.json")), None))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_to("s3")
    shown = []

    def show(dialog):
        shown.append(dialog.windowTitle())
        return 0

    window.pages["export"].exec_preview_dialog = show
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)
    QTest.keyClick(window.step_list, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(shown) > 0, timeout=60_000)
    assert "打印预览" in shown[0]
    assert window.stack.currentWidget() is window.pages["export"]
    close_quietly(window)


def test_every_text_operator_of_a_pdf_prints_its_words_at_the_same_places(qtbot, tmp_path):
    """Word and character spacing, horizontal scaling, line moves and kerned runs (Tw, Tc, Tz, Td, T*, TJ),
    rotated text, lines and a filled shape, in the fonts the exporter registers: the printed words sit where the
    PDF has them."""
    import io

    from reportlab.pdfgen import canvas

    from export.fonts import find_fonts
    from gui.printing import PrintJob

    fonts = find_fonts()
    body, heading = fonts.roles["仿宋"].name, fonts.roles["黑体"].name
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595.2756, 841.8898))
    text = c.beginText(80, 760)
    text.setFont(body, 15.75, leading=28)
    text.textLine("政府信息公开 工作年度报告 2024")
    text.setWordSpace(12)
    text.textLine("主动 公开 政府 信息")
    text.setWordSpace(0)
    text.setCharSpace(1.5)
    text.textLine("依申请公开情况")
    text.setCharSpace(0)
    text.setHorizScale(80)
    text.textLine("行政复议行政诉讼情况")
    text.setHorizScale(100)
    text.moveCursor(40, 10)
    text.setFont(heading, 12)
    text.textLine("存在的主要问题及改进情况")
    c.drawText(text)
    kerned = c.beginText(80, 560)
    kerned.setFont(body, 14)
    kerned._code.append("[(20) -500 (24)] TJ")  # a kerned run: reportlab itself never writes TJ
    c.drawText(kerned)
    c.saveState()
    c.translate(300, 400)
    c.rotate(30)
    c.setFont(heading, 20)
    c.drawString(0, 0, "其他需要报告的事项")
    c.restoreState()
    c.setLineWidth(0.5)
    c.line(80, 500, 500, 500)
    c.setFillColorRGB(0.9, 0.9, 0.9)
    c.rect(80, 420, 200, 40, stroke=1, fill=1)
    c.showPage()
    c.save()
    pdf = buf.getvalue()
    exported = tmp_path / "made.pdf"
    exported.write_bytes(pdf)
    job = PrintJob(pdf)
    assert job.raster_reasons == {}
    printed = tmp_path / "printed.pdf"
    assert job.paint(pdf_printer(printed)) == 1
    want, got = words(exported), words(printed)
    assert len(want[0]) >= 8
    assert_same_text_at_same_places(want, got)
    assert_same_baselines(baselines(exported), baselines(printed))


def test_ctrl_p_right_after_an_edit_prints_the_report_as_edited(qtbot, tmp_path):
    """The preview is stale after the edit: printing waits for the new one (built, like the pages it prints,
    on the preview thread) and prints what is on screen."""
    window, page = export_page(qtbot)
    window.go_to("meta")
    field = window.pages["meta"].agency
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(field, "XYZ")
    printed = tmp_path / "printed.pdf"
    page.new_printer = lambda: pdf_printer(printed)
    page.exec_print_dialog = lambda dialog: QPrintDialog.DialogCode.Accepted
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)
    QTest.keyClick(field, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # no Enter: the field is committed
    qtbot.waitUntil(lambda: "已发送" in page.status.text(), timeout=60_000)
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    assert "XYZ" in text
    close_quietly(window)
