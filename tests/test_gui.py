"""The desktop app driven through its real widgets, offscreen."""

from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from gui import app as app_module
from gui import dialogs
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.draft import Paragraph
from model.drafts_io import load_draft
from model.state import ReportState
from tests.gui_helpers import close_quietly, show_report

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHOTS = Path(__file__).resolve().parent.parent / "test-output"

QStandardPaths.setTestModeEnabled(True)  # settings and recovery files go to a test location


@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    # a modal dialog would hang an offscreen test: windows left dirty by a failed test close without asking
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


def open_window(qtbot, name="sample-2024", path=None) -> MainWindow:
    return show_report(qtbot, name, path)


def type_into(qtbot, view, index, text):
    """Type digits into a cell as a user does: start editing, type, press Enter."""
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index) or view.focusWidget()
    editor.clear()
    qtbot.keyClicks(editor, text)  # ASCII digits only: keyClicks aborts on non-ASCII text
    qtbot.keyClick(editor, Qt.Key.Key_Return)


@pytest.mark.parametrize("name", ["sample-2024", "panyu-2020", "yuexiu-2023", "broken-2024"])
def test_window_opens_every_page_of_both_formats(qtbot, name):
    window = open_window(qtbot, name)
    SHOTS.mkdir(exist_ok=True)
    for step in window.step_ids:
        window.go_to(step)
        QApplication.processEvents()
        assert window.stack.currentWidget() is window.pages[step]
        window.grab().save(str(SHOTS / f"{name}-{step}.png"))
    titles = [window.step_list.item(i).text().split("\n")[0] for i in range(window.step_list.count())]
    assert titles[0] == "基本信息" and titles[1] == "一、总体情况" and titles[-2:] == ["审核", "导出与打印"]
    close_quietly(window)


def test_typing_in_table_three_updates_totals_and_issues(qtbot):
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    model = page.model
    idx = model.index_for_path("s3.disclosed.natural")
    assert model.data(model.index_for_path("s3.disclosed.total")) == "137"
    type_into(qtbot, page.view, idx, "120")
    # Enter moved to the next input cell below
    assert page.model.path_at(page.view.currentIndex()) == "s3.partial.natural"
    assert model.data(model.index_for_path("s3.disclosed.total")) == "139"
    assert model.data(model.index_for_path("s3.total.natural")) == "272"
    assert model.data(model.index_for_path("s3.total.total")) == "317"
    rules = [i.rule for i in window.controller.state.issues]
    assert "S3-1" in rules  # 一+二 no longer equals （七）+四 in the 自然人 column
    assert any("S3-1" in page.issue_list.item(i).text() for i in range(page.issue_list.count()))
    assert "4 个错误" not in window.step_list.item(3).text() and "错误" in window.step_list.item(3).text()
    close_quietly(window)


def test_typed_text_in_a_count_is_refused_with_a_message(qtbot):
    window = open_window(qtbot)
    page = window.pages["s3"]
    idx = page.model.index_for_path("s3.new.natural")
    assert not page.model.setData(idx, "abc")
    assert "不是数字" in page.message.text()
    assert window.controller.state.value("s3.new.natural") == 268
    close_quietly(window)


def test_pasting_a_block_from_excel_fills_the_cells_and_undo_restores(qtbot):
    window = open_window(qtbot)
    page = window.pages["s3"]
    page.view.setCurrentIndex(page.model.index_for_path("s3.withheld_secret.natural"))
    QGuiApplication.clipboard().setText("1\t2\t3\t4\n5\t6\t7\t8\n9\t10\t11\t12\n")
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    state = window.controller.state
    assert [state.value(f"s3.withheld_secret.{c}") for c in ("natural", "commercial", "research", "public_welfare")] == [1, 2, 3, 4]
    assert state.value("s3.withheld_security.public_welfare") == 12
    assert state.value("s3.withheld_secret.total") == 10
    assert "已粘贴 12 个单元格" in page.message.text()
    window.undo_action.trigger()  # one paste = one undo step
    assert state.value("s3.withheld_secret.natural") == 0
    assert state.value("s3.withheld_security.public_welfare") == 0
    close_quietly(window)


def test_paste_refuses_non_numbers_cell_by_cell(qtbot):
    window = open_window(qtbot)
    page = window.pages["s3"]
    page.view.setCurrentIndex(page.model.index_for_path("s3.new.natural"))
    page.paste_text("7\tabc\t-1\n")
    state = window.controller.state
    assert state.value("s3.new.natural") == 7
    assert state.value("s3.new.commercial") == 21
    assert "2 个未粘贴" in page.message.text()
    close_quietly(window)


def test_fill_empty_with_zero_button(qtbot):
    state = ReportState.new("测试局", 2024)
    window = MainWindow(ReportController(state))
    qtbot.addWidget(window)
    page = window.pages["s4"]
    assert state.value("s4.review.upheld") is None
    assert page.model.data(page.model.index_for_path("s4.review.upheld")) == "未填"
    page.fill_zero.click()
    assert window.controller.state.value("s4.review.upheld") == 0
    assert window.controller.state.unfilled("s4") == []
    close_quietly(window)


def test_save_then_reopen_gives_the_same_report(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot)
    target = tmp_path / "我的报告.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda *a: str(target))
    window.controller.set_cell("s3.new.research", "4")
    assert window.windowTitle().startswith("未命名报告[*]") and window.isWindowModified()
    assert window.save_as()
    assert window.windowTitle().startswith("我的报告.json[*] —") and not window.isWindowModified()
    reopened = ReportState(load_draft(target))
    assert reopened.to_draft() == window.controller.state.to_draft()
    assert reopened.value("s3.new.research") == 4
    close_quietly(window)


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(qtbot, monkeypatch):
    window = open_window(qtbot)
    window.controller.set_cell("s3.new.research", "4")
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: asked.append(name) or "cancel")
    assert not window.close()
    assert asked and window.isVisible()
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")
    assert window.close()


# Recovery and autosave across windows and processes: tests/test_recovery.py


def test_review_page_jumps_to_the_cell_of_an_issue(qtbot):
    window = open_window(qtbot, "broken-2024")
    window.go_to("review")
    review = window.pages["review"]
    first_group = review.tree.topLevelItem(0)
    item = first_group.child(0)
    issue = item.data(0, Qt.ItemDataRole.UserRole + 10)
    assert issue.severity == "error"
    review.tree.setCurrentItem(item)
    review.go_button.click()
    assert window.current_step() == issue.section
    page = window.pages[issue.section]
    assert page.model.path_at(page.view.currentIndex()) == issue.cells[0]
    close_quietly(window)


def test_acknowledged_warning_is_stored_in_the_draft(qtbot, monkeypatch):
    window = open_window(qtbot, "yuexiu-2023")
    review = window.pages["review"]
    group = review.tree.topLevelItem(0)
    item = group.child(0)
    issue = item.data(0, Qt.ItemDataRole.UserRole + 10)
    assert issue.rule == "F-6"
    review.tree.setCurrentItem(item)
    monkeypatch.setattr(dialogs, "ask_text", lambda *a: "上年度报告未列出问题，无整改事项。")
    review.ack_button.click()
    draft = window.controller.to_draft()
    assert draft.acknowledgements[issue.key] == "上年度报告未列出问题，无整改事项。"
    close_quietly(window)


def test_chinese_typed_through_an_input_method_lands_in_the_draft(qtbot):
    window = open_window(qtbot, "yuexiu-2023")
    window.go_to("s6")
    page = window.pages["s6"]
    editor = page.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    event = QInputMethodEvent()
    event.setCommitString("本年度未收取信息处理费。")
    QApplication.sendEvent(editor, event)
    page.commit()
    text = "".join(b.text for b in window.controller.state.blocks("s6"))
    assert text.endswith("本年度未收取信息处理费。")
    window.undo_action.trigger()
    assert "信息处理费" not in "".join(b.text for b in window.controller.state.blocks("s6"))
    close_quietly(window)


def test_heading_toggle_keeps_structure(qtbot):
    window = open_window(qtbot, "yuexiu-2023")
    page = window.pages["s5"]
    page.editor.setTextCursor(page.editor.textCursor())
    page.toggle_heading()
    blocks = window.controller.state.blocks("s5")
    assert blocks[0].type == "heading"
    close_quietly(window)


def test_print_to_a_pdf_file_gives_the_pages_of_the_exported_pdf(qtbot, tmp_path):
    from export.pdf_writer import pdf_bytes
    from gui.printing import make_printer, print_pdf

    window = open_window(qtbot)
    pdf = pdf_bytes(window.controller.state)
    printer = make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    pages = print_pdf(pdf, printer)
    import subprocess

    def count(path):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))

    exported = tmp_path / "exported.pdf"
    exported.write_bytes(pdf)
    assert pages == count(exported) == count(out)
    close_quietly(window)


def test_export_page_previews_the_pdf_and_refuses_errors_unless_a_draft_is_chosen(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, "broken-2024")
    window.go_to("export")
    page = window.pages["export"]
    qtbot.waitUntil(page.preview_ready)  # the preview is built on its own thread
    import subprocess

    from export.pdf_writer import pdf_bytes

    exported = tmp_path / "same.pdf"
    exported.write_bytes(pdf_bytes(window.controller.state))
    info = subprocess.run(["pdfinfo", str(exported)], capture_output=True, text=True).stdout
    assert page.preview_page_count() == int(info.split("Pages:")[1].split()[0])
    assert "草稿（未通过校验）" in page.status.text()
    monkeypatch.setattr(dialogs, "ask_export_draft", lambda parent, n: False)
    assert page.export(["pdf"], folder=str(tmp_path)) == []
    monkeypatch.setattr(dialogs, "ask_export_draft", lambda parent, n: True)
    written = page.export(["pdf", "xlsx"], folder=str(tmp_path))
    assert [p.suffix for p in written] == [".pdf", ".xlsx"]
    assert all(p.exists() for p in written)
    close_quietly(window)


def test_a_bad_file_gives_a_chinese_message_not_a_crash(qtbot, tmp_path, monkeypatch):
    bad = tmp_path / "坏文件.json"
    bad.write_text('{"schema_version": 1, "format": "2021", "meta": {"year": ', encoding="utf-8")
    window = open_window(qtbot)
    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, msg: shown.append(msg))
    assert not window.open_path(str(bad), ask=False)
    assert shown and "坏文件.json" in shown[0]
    assert window.controller.state.meta.agency == "江南市临江区人民政府"
    close_quietly(window)


def test_format_follows_the_year_on_the_meta_page(qtbot, monkeypatch):
    window = open_window(qtbot)
    meta = window.pages["meta"]
    asked = []
    monkeypatch.setattr(dialogs, "ask_change_format", lambda parent, year, old, new: asked.append(year) or True)
    meta.year.setValue(2020)
    assert asked == [2020]  # another format rebuilds every table: the user confirms first
    QApplication.processEvents()
    assert window.controller.state.format_id == "2019"
    assert "规范性文件" in [r.label for r in window.controller.state.spec.tables["s2"].blocks[0].rows]
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert window.controller.state.format_id == "2021"
    close_quietly(window)


def test_standard_dialog_buttons_speak_chinese(qtbot):
    from PySide6.QtCore import QCoreApplication

    app_module.make_app()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("QPlatformTheme", "Save") == "保存"


def test_a_narrative_mismatch_is_underlined_and_the_review_jumps_to_the_sentence(qtbot):
    window = open_window(qtbot)
    window.controller.set_blocks("s1", [Paragraph(text="2024年，本机关坚持依法公开。"),
                                        Paragraph(text="全年共收到政府信息公开申请120件，均按期答复。")])
    page = window.pages["s1"]
    assert len(page.editor.issue_ranges) == 1
    start, end, tip = page.editor.issue_ranges[0]
    assert "120" in page.editor.toPlainText()[start:end] and "F-7" in tip
    review = window.pages["review"]
    item = next(review.tree.topLevelItem(g).child(c) for g in range(review.tree.topLevelItemCount())
                for c in range(review.tree.topLevelItem(g).childCount())
                if review.tree.topLevelItem(g).child(c).data(0, Qt.ItemDataRole.UserRole + 10).rule == "F-7")
    review.tree.setCurrentItem(item)
    review.go_button.click()
    assert window.current_step() == "s1"
    assert "120" in page.editor.textCursor().selectedText()
    close_quietly(window)


def test_insert_standard_sentence_uses_the_tables(qtbot):
    window = open_window(qtbot, "yuexiu-2023")
    page = window.pages["s1"]
    assert page.suggest_button.isVisibleTo(page)
    from model.narrative.suggest import suggestions

    text = suggestions(window.controller.state, "s1")[1].text
    page.insert_suggestion(text)
    assert any(b.text == text for b in window.controller.state.blocks("s1"))
    close_quietly(window)


def test_new_report_dialog_chooses_the_format_from_the_year(qtbot):
    from gui.new_report_dialog import NewReportDialog

    dialog = NewReportDialog()
    qtbot.addWidget(dialog)
    dialog.agency.setText("某某区人民政府")
    dialog.year.setValue(2020)
    assert dialog.draft().format == "2019" and "按年度自动选择" in dialog.hint.text()
    dialog.year.setValue(2025)
    draft = dialog.draft()
    assert draft.format == "2021" and draft.meta.agency == "某某区人民政府"
    assert draft.meta.publication_date.year == 2026
    dialog.format.setCurrentIndex(dialog.format.findData("2019"))
    assert dialog.draft().format == "2019" and "应使用" in dialog.hint.text()


def test_new_report_dialog_takes_the_kind_from_the_agency_as_typed_until_the_user_picks_one(qtbot):
    from gui.new_report_dialog import NewReportDialog

    dialog = NewReportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.kind.currentData() == "department"
    ime = QInputMethodEvent()
    ime.setCommitString("某某县人民政府")  # typed through an input method
    dialog.agency.setFocus()
    QApplication.sendEvent(dialog.agency, ime)
    assert dialog.kind.currentData() == "government" and "按机关名称判断" in dialog.kind_hint.text()
    assert dialog.draft().meta.agency_kind == "government"  # before: 政府部门, and false “late” warnings (F-8)
    # the user picks the kind by keyboard; typing on in the name no longer changes it
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Up)
    assert dialog.kind.currentData() == "department"
    ime = QInputMethodEvent()
    ime.setCommitString("开发区管委会")  # a name the kind would follow to 本级人民政府
    QApplication.sendEvent(dialog.agency, ime)
    assert dialog.agency.text() == "某某县人民政府开发区管委会" and dialog.kind.currentData() == "department"


def test_ctrl_z_in_the_text_editor_undoes_the_last_typing(qtbot):
    window = MainWindow(ReportController(ReportState(load_draft(SEEDS / "yuexiu-2023.json"))))
    qtbot.addWidget(window); window.show(); qtbot.waitExposed(window)
    window.go_to("s6"); page = window.pages["s6"]; ed = page.editor; ed.setFocus()
    c = ed.textCursor(); c.movePosition(c.MoveOperation.End); ed.setTextCursor(c)
    ev = QInputMethodEvent(); ev.setCommitString("新增文字"); QApplication.sendEvent(ed, ev)
    qtbot.wait(600)
    assert "新增文字" in window.controller.state.blocks("s6")[-1].text
    qtbot.keyClick(ed, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "新增文字" not in window.controller.state.blocks("s6")[-1].text
    assert "新增文字" not in ed.toPlainText()
    qtbot.keyClick(ed, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert "新增文字" in window.controller.state.blocks("s6")[-1].text
    close_quietly(window)


def test_start_page_opens_a_sample_and_offers_every_way_to_begin(qtbot, monkeypatch):
    from gui.start_dialog import StartDialog

    window = open_window(qtbot)
    dialog = StartDialog(window.sample_paths(), window)
    qtbot.addWidget(dialog)
    assert set(dialog.buttons) == {"new", "open", "carry", "import", "rollup"}
    names = [dialog.samples.item(i).text() for i in range(dialog.samples.count())]
    assert names == ["broken-2024", "panyu-2020", "sample-2024", "yuexiu-2023"]
    dialog.samples.itemActivated.emit(dialog.samples.item(1))
    assert dialog.choice == "sample" and dialog.path.endswith("panyu-2020.json")
    window.start(dialog.choice, dialog.path)
    assert window.controller.state.format_id == "2019"
    assert window.step_list.item(2).text().startswith("二、主动公开政府信息情况")
    opened = []
    monkeypatch.setattr(window, "new_report", lambda: opened.append("new"))
    dialog2 = StartDialog(window.sample_paths(), window)
    qtbot.addWidget(dialog2)
    dialog2.buttons["new"].click()
    window.start(dialog2.choice)
    assert opened == ["new"]
    close_quietly(window)
