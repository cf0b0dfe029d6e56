"""`main.py audit FOLDER --out 核查结果.xlsx`: every published report read and checked, consecutive years of the
same agency paired for the cross-year rules, one workbook (summary + findings); a file that cannot be read is
listed and the run goes on."""

import shutil
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from model.drafts_io import load_draft, save_draft

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"  # the published reports as users meet them (README there)


def test_an_audit_of_a_folder_writes_summary_and_findings_and_lists_the_unreadable(tmp_path):
    folder = tmp_path / "各单位年报"
    folder.mkdir()
    for name in ("shuyang-fgj_2023.html", "hongze_2023.pdf", "hongze_2024.pdf", "shuyang_2025.txt", "shkewei_2024.md"):
        shutil.copy(CORPUS / name, folder / name)
    this_year = load_draft(ROOT / "seeds" / "sample-2024.json")
    last_year = this_year.model_copy(deep=True)
    last_year.meta.year = 2023
    last_year.tables["s3"]["carried_out"]["natural"] = 99  # 2024 says 14 were carried in
    save_draft(this_year, folder / "临江区2024.json")
    save_draft(last_year, folder / "临江区2023.json")
    (folder / "损坏的报告.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    out = tmp_path / "核查结果.xlsx"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "audit", str(folder), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "核查进度" in proc.stderr and "8/8" in proc.stderr
    assert "无法读取：损坏的报告.pdf" in proc.stderr and "Traceback" not in proc.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "问题清单"]
    rows = {r[1]: r for r in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    head = [c.value for c in wb["汇总"][1]]
    assert head[:9] == ["序号", "文件", "机关名称", "报告年度", "文件格式", "格式版本", "错误", "警告", "导入问题"]
    assert set(rows) == {p.name for p in folder.iterdir()}
    broken = rows["损坏的报告.pdf"]
    assert broken[-1] == "无法读取，未核查" and "损坏的报告.pdf" in broken[8]
    fgj = rows["shuyang-fgj_2023.html"]
    # its blank 法人 cells are listed; its 规范性文件 row is read as 行政规范性文件 (an alias), not listed
    assert fgj[2:5] == ("沭阳县发展和改革局", 2023, "网页") and "个单元格未能读取" in fgj[8]
    assert "规范性文件" not in fgj[8]
    # a report converted to Markdown is read as the import reads it: its label-less rows listed, not refused
    md = rows["shkewei_2024.md"]
    assert md[2:5] == ("上海市科委", 2024, "Markdown") and md[-1] != "无法读取，未核查" and "60 个单元格未能读取" in md[8]
    # consecutive years of one agency are paired, also when one names the city too
    assert rows["临江区2024.json"][9] == "临江区2023.json"
    assert rows["hongze_2024.pdf"][9] == "hongze_2023.pdf"
    findings = list(wb["问题清单"].iter_rows(min_row=2, values_only=True))
    cross = [f for f in findings if f[1] == "临江区2024.json" and f[4] == "S3-5"]
    assert cross and cross[0][5] == "警告" and "上年结转" in cross[0][7]
    assert rows["临江区2024.json"][6] == sum(1 for f in findings if f[1] == "临江区2024.json" and f[5] == "错误")
    assert all(f[6] and f[7] for f in findings)


def test_the_gui_audit_shows_progress_and_writes_the_workbook(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from gui import dialogs, transfer_dialogs

    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(CORPUS / "shuyang-fgj_2023.html", folder / "发改局2023.html")
    (folder / "说明.docx").write_bytes(b"not a zip")
    out = tmp_path / "核查结果.xlsx"
    shown = []
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(folder))
    monkeypatch.setattr(transfer_dialogs, "ask_audit_output", lambda *a: str(out))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, text: shown.append(text))
    parent = QWidget()
    qtbot.addWidget(parent)
    assert transfer_dialogs.open_audit_dialog(parent) == out
    rows = list(load_workbook(out)["汇总"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["发改局2023.html", "说明.docx"]
    assert shown and "已核查 1 份报告" in shown[0] and "无法读取：说明.docx" in shown[0]


def test_the_file_menu_offers_the_audit_and_leaves_the_open_report_alone(qtbot, tmp_path, monkeypatch):
    from gui import transfer_dialogs
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.drafts_io import load_draft
    from model.state import ReportState

    window = MainWindow(ReportController(ReportState(load_draft(ROOT / "seeds" / "sample-2024.json")), None))
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(transfer_dialogs, "open_audit_dialog", lambda parent: opened.append(parent))
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text().startswith("核查已发布的报告"))
    agency = window.controller.to_draft().meta.agency
    action.trigger()
    assert opened == [window]
    assert window.controller.to_draft().meta.agency == agency and not window.controller.dirty


def test_an_audit_holds_one_report_at_a_time_while_checking(tmp_path, monkeypatch):
    """Memory follows the largest report, not the number of reports: each report is checked from the folder it
    was set aside in, with last year's, and only its findings are kept."""
    import gc

    from model.audit import audit, report_files
    from model.draft import Draft
    from model.state import ReportState

    folder = tmp_path / "reports"
    folder.mkdir()
    draft = load_draft(ROOT / "seeds" / "sample-2024.json")
    for i in range(8):
        draft.meta.agency = f"临江区第{i // 2}局"
        draft.meta.year = 2023 + i % 2  # each agency twice, consecutive years: the cross-year rules run too
        save_draft(draft, folder / f"{i}.json")
    del draft

    def drafts_alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, Draft))

    before = drafts_alive()  # what earlier tests left behind in this process
    most_alive = 0
    real_init = ReportState.__init__

    def counting_init(self, *args, **kwargs):
        nonlocal most_alive
        most_alive = max(most_alive, drafts_alive() - before)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ReportState, "__init__", counting_init)
    reports = audit(report_files(folder), workers=1)
    assert [r.file for r in reports] == [f"{i}.json" for i in range(8)]
    assert [r.previous_file for r in reports[1::2]] == ["0.json", "2.json", "4.json", "6.json"]
    assert all(r.format_name and not r.unreadable for r in reports)
    assert most_alive <= 3  # the report, last year's inside it, and at most one the test runner holds


def write_reports(folder: Path, count: int) -> None:
    folder.mkdir()
    draft = load_draft(ROOT / "seeds" / "sample-2024.json")
    for i in range(count):
        draft.meta.agency = f"临江区第{i}局"
        save_draft(draft, folder / f"{i:02}.json")


def test_cancel_in_the_audit_progress_window_stops_reading_and_writes_nothing(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    import model.audit
    from gui import dialogs, transfer_dialogs
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.state import ReportState

    QStandardPaths.setTestModeEnabled(True)
    window = MainWindow(ReportController(ReportState(load_draft(ROOT / "seeds" / "sample-2024.json")), None))
    qtbot.addWidget(window)
    folder = tmp_path / "reports"
    write_reports(folder, 4)
    out = tmp_path / "核查结果.xlsx"
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(folder))
    monkeypatch.setattr(transfer_dialogs, "ask_audit_output", lambda *a: str(out))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, text: shown.append(text))
    opened: list[str] = []
    real_import = model.audit._import_one
    monkeypatch.setattr(model.audit, "_import_one", lambda path: opened.append(path.name) or real_import(path))
    progress_seen: list[int] = []
    real_audit = model.audit.audit

    def audit_and_cancel(files, on_progress=None, **kw):
        def progress(done, total, name):
            progress_seen.append(done)
            if done == 3:  # the user presses 取消 on the progress window
                dialog = window.findChild(QProgressDialog)
                dialog.show()
                QTest.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
            on_progress(done, total, name)
        return real_audit(files, on_progress=progress, **kw)

    monkeypatch.setattr(model.audit, "audit", audit_and_cancel)
    file_menu = window.menuBar().actions()[0].menu()
    next(a for a in file_menu.actions() if a.text().startswith("核查已发布的报告")).trigger()
    assert progress_seen == [1, 2, 3] and opened == ["00.json", "01.json", "02.json"]  # the fourth is never read
    assert not out.exists() and not list(tmp_path.glob("*.xlsx*"))
    assert shown == ["已取消核查：没有写出核查结果。"]
    window.controller.undo_stack.setClean()
    window.close()


class _Stop(Exception):
    pass


def test_a_stopped_audit_reads_no_further_than_the_files_being_read_in_its_processes(tmp_path, monkeypatch):
    """Files are read by several processes: once the audit is stopped, each process finishes the one file it is
    reading and the files not yet started are never read (they were read in batches of four before, and all of
    them were read before the audit stopped)."""
    import time

    import model.audit
    from model.audit import audit, report_files

    folder = tmp_path / "reports"
    write_reports(folder, 16)
    marks = tmp_path / "read"
    marks.mkdir()
    stopped = tmp_path / "stopped"
    real_import = model.audit._import_one

    def import_one(path):  # runs in the worker processes (forked with this patch)
        (marks / path.name).touch()
        if path.name >= "02":  # the third file on waits until the audit has been stopped, as a slow file would
            deadline = time.monotonic() + 10
            while not stopped.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return real_import(path)

    monkeypatch.setattr(model.audit, "_import_one", import_one)

    def stop_after_two(done, total, name):
        if done == 2:
            stopped.touch()
            raise _Stop

    try:
        audit(report_files(folder), on_progress=stop_after_two, workers=2)
    except _Stop:
        pass
    else:
        raise AssertionError("the audit was not stopped")
    assert len(list(marks.iterdir())) <= 2 + 2  # the two read, and at most one file in each of the two processes
