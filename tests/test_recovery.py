"""Several copies of the app at once: each window autosaves to its own recovery file under its own lock; only the
files of copies that are gone are offered back; a clean exit removes only its own file; a draft open elsewhere
warns before it opens twice. Other copies are simulated by windows in this process and by real subprocesses."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtTest import QTest

from gui import app as app_module
from gui import autosave, dialogs, recovery_dialog
from gui.main_window import MainWindow
from gui.recovery_dialog import RecoveryDialog
from model.drafts_io import load_draft, save_draft
from model.state import ReportState
from tests.gui_helpers import show_report

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SAMPLE = SEEDS / "sample-2024.json"

QStandardPaths.setTestModeEnabled(True)  # settings go to a test location

# Another copy of the app: opens a window (on a draft when one is named), types one value, autosaves, says
# where its recovery file is, and then runs until it is killed.
OTHER_COPY = r"""
import sys
sys.path.insert(0, sys.argv[1])
from gui.app import make_app
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.state import ReportState

app = make_app()
path = sys.argv[3] or None
window = MainWindow(ReportController(ReportState(load_draft(sys.argv[2])), path))
window.show()
window.controller.set_cell("s3.new.research", "77")
assert window.autosaver.save_now()
window.autosaver.flush()
print(window.autosaver.path, flush=True)
sys.stdin.readline()
"""


@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


@pytest.fixture
def other_copy():
    """Start another copy of the app as a real process; yields a function (draft path or None) → (process,
    its recovery file)."""
    started = []

    def start(draft: Path | None = None):
        proc = subprocess.Popen([sys.executable, "-c", OTHER_COPY, str(ROOT), str(SAMPLE), str(draft or "")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(proc)
        line = proc.stdout.readline().strip()
        assert line, proc.stderr.read()
        return proc, Path(line)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def open_window(qtbot, path=None) -> MainWindow:
    return show_report(qtbot, SAMPLE, path)


def crash(window: MainWindow) -> None:
    """What a kill leaves behind: the recovery file on disk, its lock free, no close event."""
    window.autosaver.flush()
    window.autosaver.stop()
    window.autosaver._owner_lock.unlock()
    window.autosaver.draft_lock.release()
    window.autosaver._finished = True


def load_draft_envelope(path: Path):
    from model.drafts_io import draft_from_data

    return draft_from_data(json.loads(path.read_text(encoding="utf-8"))["draft"], path.name)


def recovery_files(folder: Path) -> set[Path]:
    return set(folder.glob("*.json"))


def never_asked(monkeypatch) -> list:
    asked = []
    monkeypatch.setattr(recovery_dialog, "choose_recoveries",
                        lambda parent, recoveries: asked.append(recoveries) or ([], []))
    return asked


def test_two_windows_autosave_to_separate_files(qtbot, recovery_dir):
    first, second = open_window(qtbot), open_window(qtbot)
    first.controller.set_cell("s3.new.research", "11")
    second.controller.set_cell("s3.new.research", "22")
    assert first.autosaver.save_now() and second.autosaver.save_now()
    first.autosaver.flush()
    second.autosaver.flush()
    assert first.autosaver.path != second.autosaver.path
    assert recovery_files(recovery_dir) == {first.autosaver.path, second.autosaver.path}
    saved = {ReportState(load_draft_envelope(p)).value("s3.new.research")
             for p in (first.autosaver.path, second.autosaver.path)}
    assert saved == {11, 22}


def test_a_live_windows_file_is_never_offered_nor_deleted(qtbot, monkeypatch, recovery_dir):
    window = open_window(qtbot)
    window.controller.set_cell("s3.new.research", "9")
    assert window.autosaver.save_now()
    window.autosaver.flush()
    asked = never_asked(monkeypatch)
    started = app_module.build_windows(None)  # a second start while the first window still runs
    assert asked == []
    assert window.autosaver.path.exists()
    for other in started:
        other.close()
    assert window.autosaver.path.exists()


def test_a_live_process_file_is_never_offered_nor_deleted(qtbot, monkeypatch, recovery_dir, other_copy):
    proc, their_file = other_copy()
    assert their_file.exists() and their_file.parent == recovery_dir
    asked = never_asked(monkeypatch)
    assert autosave.orphaned_recoveries() == []
    for window in app_module.build_windows(None):
        window.close()
    assert asked == [] and their_file.exists() and proc.poll() is None


def test_a_killed_process_edits_are_offered_and_restored_at_next_start(qtbot, monkeypatch, recovery_dir,
                                                                       other_copy, tmp_path):
    draft = tmp_path / "本单位.json"
    save_draft(load_draft(SAMPLE), draft)
    proc, their_file = other_copy(draft)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    offered = []
    monkeypatch.setattr(recovery_dialog, "choose_recoveries",
                        lambda parent, recoveries: offered.extend(recoveries) or (list(recoveries), []))
    windows = app_module.build_windows(None)
    assert [r.path for r in offered] == [their_file]
    assert offered[0].original_path == str(draft)
    assert len(windows) == 1
    window = windows[0]
    qtbot.addWidget(window)
    assert window.controller.state.value("s3.new.research") == 77
    assert window.controller.dirty and window.controller.path == draft
    # the restored work is secured under the new window before the old file goes
    assert not their_file.exists()
    assert recovery_files(recovery_dir) == {window.autosaver.path}


def test_a_clean_exit_removes_only_its_own_file(qtbot, recovery_dir, other_copy):
    proc, their_file = other_copy()
    first, second = open_window(qtbot), open_window(qtbot)
    for window, value in ((first, "5"), (second, "6")):
        window.controller.set_cell("s3.new.research", value)
        assert window.autosaver.save_now()
        window.autosaver.flush()
    assert len(recovery_files(recovery_dir)) == 3
    assert first.close()
    assert recovery_files(recovery_dir) == {second.autosaver.path, their_file}


def test_saving_removes_only_its_own_file(qtbot, recovery_dir, tmp_path):
    first, second = open_window(qtbot, tmp_path / "a.json"), open_window(qtbot, tmp_path / "b.json")
    for window in (first, second):
        window.controller.set_cell("s3.new.research", "5")
        window.autosaver.save_now()
        window.autosaver.flush()
    assert first.save()
    first.autosaver.flush()
    assert recovery_files(recovery_dir) == {second.autosaver.path}


def test_recovery_dialog_lists_every_orphan_and_discards_only_when_asked(qtbot, monkeypatch, recovery_dir,
                                                                       tmp_path):
    crashed = []
    for agency, path in (("甲局", tmp_path / "甲.json"), ("乙局", None)):
        window = open_window(qtbot, path)
        window.controller.set_meta(agency=agency)
        window.autosaver.save_now()
        crash(window)
        crashed.append(window.autosaver.path)
    recoveries = autosave.orphaned_recoveries()
    assert [r.path for r in recoveries] == crashed
    dialog = RecoveryDialog(recoveries)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    assert [row[0] for row in rows] == ["甲局", "乙局"]
    assert all(row[1] == "2024 年度" and "年" in row[2] and ":" in row[2] for row in rows)
    assert rows[0][3] == str(tmp_path / "甲.json") and rows[1][3] == "（未保存的新报告）"
    # untick 乙局 (Space on its row), then discard the ticked 甲局 — only after saying yes
    dialog.table.setFocus()
    dialog.table.setCurrentCell(1, 0)
    QTest.keyClick(dialog.table.viewport(), Qt.Key.Key_Space)
    assert dialog.table.item(1, 0).checkState() == Qt.CheckState.Unchecked
    answers = [False, True]
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: answers.pop(0))
    QTest.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert crashed[0].exists() and dialog.table.rowCount() == 2  # 否: nothing discarded
    QTest.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert dialog.to_discard == [recoveries[0]] and dialog.table.rowCount() == 1
    QTest.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Rejected and dialog.to_restore == []
    for rec in dialog.to_discard:
        rec.discard()
    recoveries[1].release()
    assert not crashed[0].exists() and crashed[1].exists()
    assert [r.path for r in autosave.orphaned_recoveries()] == [crashed[1]]  # kept for the next start


def test_each_restored_report_opens_in_its_own_window(qtbot, monkeypatch, recovery_dir):
    for value in ("31", "32"):
        window = open_window(qtbot)
        window.controller.set_cell("s3.new.research", value)
        window.autosaver.save_now()
        crash(window)
    monkeypatch.setattr(recovery_dialog, "choose_recoveries", lambda parent, recs: (list(recs), []))
    windows = app_module.build_windows(None)
    for w in windows:
        qtbot.addWidget(w)
    assert sorted(w.controller.state.value("s3.new.research") for w in windows) == [31, 32]
    assert recovery_files(recovery_dir) == {w.autosaver.path for w in windows}


def test_opening_a_draft_open_in_another_window_warns(qtbot, monkeypatch, tmp_path):
    draft = tmp_path / "本单位.json"
    save_draft(load_draft(SAMPLE), draft)
    first = open_window(qtbot, draft)
    second = open_window(qtbot)
    warned = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: warned.append(text) or False)
    assert not second.open_path(str(draft))
    assert "本单位.json" in warned[0] and "另一个窗口" in warned[0]
    assert second.controller.path is None
    # reopening its own draft does not warn; after the first window closes, the draft is free again
    assert first.open_path(str(draft), ask=False) and len(warned) == 1
    assert first.close()
    assert second.open_path(str(draft)) and len(warned) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "recovery") == ["本单位.json"]


def test_opening_a_draft_open_in_another_process_warns_and_can_open_anyway(qtbot, monkeypatch, tmp_path,
                                                                          other_copy):
    draft = tmp_path / "本单位.json"
    save_draft(load_draft(SAMPLE), draft)
    proc, _ = other_copy(draft)
    window = open_window(qtbot)
    warned = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: warned.append(text) or True)
    assert window.open_path(str(Path(tmp_path) / "." / "本单位.json"))  # another spelling of the same file
    assert f"进程号 {proc.pid}" in warned[0]
    assert window.controller.path is not None and window.controller.path.resolve() == draft.resolve()


def test_autosave_never_touches_the_users_draft(qtbot, tmp_path):
    target = tmp_path / "draft.json"
    save_draft(load_draft(SAMPLE), target)
    before = target.read_bytes()
    window = open_window(qtbot, str(target))
    window.controller.set_cell("s3.new.research", "9")
    assert window.autosaver.save_now()
    window.autosaver.flush()
    assert target.read_bytes() == before
    envelope = json.loads(window.autosaver.path.read_text(encoding="utf-8"))
    assert envelope["original_path"] == str(target)



def recovered_value(window: MainWindow, path: str):
    window.autosaver.flush()
    return ReportState(load_draft_envelope(window.autosaver.path)).value(path)


def test_the_timed_autosave_secures_the_text_still_being_typed(qtbot):
    window = open_window(qtbot)
    window.go_to("s1")
    page = window.pages["s1"]
    page.editor.setFocus()
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    QTest.keyClicks(page.editor, " autosave-marker")
    window.autosaver.timer.timeout.emit()  # the 30-second tick
    window.autosaver.flush()
    assert "autosave-marker" in window.autosaver.path.read_text(encoding="utf-8")


def test_the_timed_autosave_never_closes_a_cell_being_typed_in(qtbot):
    window = open_window(qtbot)
    window.go_to("s3")
    page = window.pages["s3"]
    index = page.model.index_for_path("s3.new.research")
    page.view.setFocus()
    page.view.setCurrentIndex(index)
    QTest.keyClick(page.view, Qt.Key.Key_F2)
    editor = page.view.indexWidget(index)
    editor.selectAll()
    QTest.keyClicks(editor, "12")
    window.autosaver.timer.timeout.emit()  # the tick falls in the middle of typing 123
    assert page.view.indexWidget(index) is editor and editor.text() == "12"
    QTest.keyClicks(editor, "3")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert window.controller.state.value("s3.new.research") == 123
    window.autosaver._retry.timeout.emit()  # the postponed save, once the cell is left
    assert recovered_value(window, "s3.new.research") == 123


def test_a_cell_left_open_does_not_hold_back_the_rest_of_the_work(qtbot):
    window = open_window(qtbot)
    window.controller.set_cell("s3.new.research", "45")
    window.go_to("s3")
    page = window.pages["s3"]
    index = page.model.index_for_path("s3.new.other")
    page.view.setFocus()
    page.view.setCurrentIndex(index)
    QTest.keyClick(page.view, Qt.Key.Key_F2)
    editor = page.view.indexWidget(index)
    QTest.keyClicks(editor, "7")
    window.autosaver.timer.timeout.emit()
    for _ in range(autosave.MAX_RETRIES):
        window.autosaver._retry.timeout.emit()
    assert page.view.indexWidget(index) is editor
    assert recovered_value(window, "s3.new.research") == 45


def test_saving_as_a_draft_open_in_another_window_warns(qtbot, monkeypatch, tmp_path):
    draft = tmp_path / "本单位.json"
    save_draft(load_draft(SAMPLE), draft)
    before = draft.read_bytes()
    first = open_window(qtbot, draft)
    second = open_window(qtbot)
    second.controller.set_cell("s3.new.research", "88")
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggested: str(draft))
    warned = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: warned.append(text) or False)
    assert not second.save_as()
    assert "本单位.json" in warned[0] and "覆盖" in warned[0]
    assert draft.read_bytes() == before and second.controller.dirty
    assert first.close()
    assert second.save_as() and len(warned) == 1
    assert ReportState(load_draft(draft)).value("s3.new.research") == 88


def test_an_autosave_that_cannot_be_written_is_reported_in_the_status_bar(qtbot, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")  # a file where the recovery folder should be
    monkeypatch.setenv("NIANBAO_RECOVERY_DIR", str(blocked / "recovery"))
    window = open_window(qtbot)
    window.controller.set_cell("s3.new.research", "5")
    assert window.autosaver.save_now()
    window.autosaver.flush()
    message = window.statusBar().currentMessage()
    assert message.startswith("自动保存失败") and "请尽快手动保存" in message
    assert window.close()


def test_a_draft_named_at_start_that_is_open_elsewhere_asks_first(qtbot, monkeypatch, tmp_path):
    draft = tmp_path / "本单位.json"
    save_draft(load_draft(SAMPLE), draft)
    first = open_window(qtbot, draft)
    warned = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: warned.append(text) or False)
    windows = app_module.build_windows(str(draft))
    assert len(windows) == 1 and len(warned) == 1 and "本单位.json" in warned[0]
    qtbot.addWidget(windows[0])
    assert windows[0].controller.path is None and windows[0]._is_sample  # the sample instead, nothing shared
    assert first.controller.path == draft


def test_the_single_recovery_file_of_earlier_versions_is_offered_too(recovery_dir):
    from model.drafts_io import draft_to_json

    recovery_dir.mkdir(parents=True, exist_ok=True)
    envelope = {"original_path": None, "draft": json.loads(draft_to_json(load_draft(SAMPLE)))}
    (recovery_dir / "autosave.json").write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    [found] = autosave.orphaned_recoveries()
    assert found.path.name == "autosave.json" and found.draft is not None and found.place == "（未保存的新报告）"
    found.release()


def test_a_restored_report_never_saves_over_a_draft_another_window_has_open(qtbot, monkeypatch, tmp_path):
    draft = tmp_path / "本单位.json"
    save_draft(load_draft(SAMPLE), draft)
    crashed = open_window(qtbot, draft)
    crashed.controller.set_cell("s3.new.research", "61")
    crashed.autosaver.save_now()
    crash(crashed)
    live = open_window(qtbot, draft)  # opened again after the crash, and still open
    monkeypatch.setattr(recovery_dialog, "choose_recoveries", lambda parent, recs: (list(recs), []))
    [window] = app_module.build_windows(None)
    qtbot.addWidget(window)
    assert window.controller.state.value("s3.new.research") == 61
    assert window.controller.path is None  # 保存 asks where, instead of overwriting the live window's draft
    assert "正在另一个窗口中打开" in window.statusBar().currentMessage()
    assert live.controller.path == draft
