"""The paths that make the desktop app fast, tested by what they do (the times themselves are measured by
benchmarks/gui.py, never asserted here): the start page comes before the report model, a report opens with one
page built and no preview rendered, pictures are decoded at the size they are shown, autosave turns the draft into
JSON off the UI thread and always writes the latest state, an edit does not redraw hidden pages, and stale
temporary files of a crashed save are swept when a draft is opened.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui import autosave as autosave_module
from gui import dialogs
from gui.main_window import MainWindow
from gui.narrative_page import SHOWN_IMAGE_WIDTH
from model.drafts_io import STALE_TEMP_SECONDS
from model.state import ReportState
from tests.gui_helpers import close_quietly, commit_text, show_report

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(autouse=True)
def never_block_on_a_dialog(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")

    def show_error(parent, title, message):
        raise AssertionError(f"{title}：{message}")

    monkeypatch.setattr(dialogs, "show_error", show_error)


def open_window(qtbot, path: Path | None = None) -> MainWindow:
    return show_report(qtbot, path or "sample-2024", path, size=(1280, 720))


def photo(width: int = 1200, height: int = 800) -> str:
    """A JPEG as a phone gives it, base64 as a draft holds it."""
    from PIL import Image

    buf = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(buf, "JPEG", quality=80)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def draft_with_photos(tmp_path: Path, count: int) -> Path:
    data = json.loads((SEEDS / "sample-2024.json").read_text(encoding="utf-8"))
    image = photo()
    data["narrative"]["s1"] = data["narrative"].get("s1", []) + [
        {"type": "figure", "caption": f"图{i + 1}　现场", "image": image, "mime": "image/jpeg"} for i in range(count)]
    path = tmp_path / "photos.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# -- start -----------------------------------------------------------------------------------------------------
def test_the_start_page_is_on_screen_before_the_report_model_is_loaded(tmp_path):
    """`main.py` without a file: when the start page runs, neither the report model nor any page is imported
    (they are what makes the first window slow); after it, the sample's window is there."""
    child = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from PySide6.QtWidgets import QApplication, QDialog
seen = {{}}
def exec_(dialog):
    seen["loaded"] = sorted(m for m in ("model.state", "model.draft", "pydantic", "gui.main_window",
                                         "gui.narrative_page", "reportlab") if m in sys.modules)
    seen["title"] = dialog.windowTitle()
    return QDialog.DialogCode.Rejected
QDialog.exec = exec_
def app_exec(self=None):
    windows = [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
    print(seen["loaded"], seen["title"], any("示例" in t for t in windows))
    return 0
QApplication.exec = app_exec
sys.argv = ["main.py"]
import main
raise SystemExit(main.main([]))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[] 开始 True"


# -- opening ---------------------------------------------------------------------------------------------------
def test_opening_a_draft_builds_the_page_shown_and_renders_no_preview(qtbot, tmp_path, monkeypatch):
    import export.pdf_writer

    rendered = []
    real = export.pdf_writer.pdf_bytes
    monkeypatch.setattr(export.pdf_writer, "pdf_bytes", lambda *a, **k: rendered.append(1) or real(*a, **k))
    window = open_window(qtbot)
    window.go_to("s3")
    assert window.open_path(str(draft_with_photos(tmp_path, 3)))
    QApplication.processEvents()
    assert rendered == []  # before: the preview of the new report was rendered while the old pages went
    assert list(window.pages.built()) == ["s3"]
    # every other page is there when asked for, showing the new report
    window.go_to("s1")
    figures = [b for b in window.controller.state.blocks("s1") if b.type == "figure"]
    assert window.pages["s1"].editor.shown_pictures()[-3:] == [f.image for f in figures][-3:]
    assert sorted(window.pages.built()) == ["s1", "s3"]
    close_quietly(window)


def test_a_photo_is_shown_decoded_at_the_width_it_is_drawn_and_saved_whole(qtbot, tmp_path):
    path = draft_with_photos(tmp_path, 1)
    window = open_window(qtbot, path)
    window.go_to("s1")
    editor = window.pages["s1"].editor
    names = list(editor.pictures)
    image = editor.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(names[-1]))
    ratio = max(1.0, editor.devicePixelRatioF())
    assert 0 < image.width() <= SHOWN_IMAGE_WIDTH * ratio < 1200  # before: the whole 1200×800 photo in memory
    assert abs(image.width() / image.height() - 1.5) < 0.02
    window.controller.commit_pending_edits()
    saved = [b for b in window.controller.to_draft().narrative["s1"] if b.type == "figure"][-1]
    assert saved.image == json.loads(path.read_text(encoding="utf-8"))["narrative"]["s1"][-1]["image"]
    close_quietly(window)


# -- autosave --------------------------------------------------------------------------------------------------
def test_autosave_turns_the_draft_into_json_off_the_ui_thread(qtbot, tmp_path, monkeypatch):
    threads = []
    real = autosave_module.recovery_bytes
    monkeypatch.setattr(autosave_module, "recovery_bytes",
                        lambda *args: threads.append(threading.current_thread()) or real(*args))
    window = open_window(qtbot, draft_with_photos(tmp_path, 2))
    window.controller.set_cell("s3.new.research", "5")
    window.go_to("s1")  # a page change secures the work, once the page is painted
    qtbot.waitUntil(lambda: bool(threads), timeout=5_000)
    window.autosaver.flush()
    assert threads and all(t is not threading.main_thread() for t in threads)
    envelope = json.loads(window.autosaver.path.read_text(encoding="utf-8"))
    recovered = autosave_module.draft_from_data(envelope["draft"], "恢复文件")
    assert ReportState(recovered).value("s3.new.research") == 5
    assert recovered == window.controller.to_draft()  # pictures and all, as the window holds them
    close_quietly(window)


def test_autosave_never_queues_old_states_and_always_writes_the_last(qtbot, monkeypatch):
    gate = threading.Event()
    written = []
    real = autosave_module.atomic_write_bytes

    def slow_write(path, data):
        gate.wait(10)  # a slow disk: the first write holds the worker
        written.append(json.loads(data)["draft"])
        real(path, data)

    monkeypatch.setattr(autosave_module, "atomic_write_bytes", slow_write)
    window = open_window(qtbot)
    for value in ("1", "2", "3", "4"):
        window.controller.set_cell("s3.new.research", value)
        assert window.autosaver.save_now()
    gate.set()
    window.autosaver.flush()
    values = [ReportState(autosave_module.draft_from_data(d, "恢复文件")).value("s3.new.research") for d in written]
    assert values[-1] == 4 and len(values) <= 2  # the one under way, then the latest; never 2 and 3 one by one
    close_quietly(window)


def test_an_autosave_that_cannot_be_written_is_said_in_chinese_at_once(qtbot, monkeypatch):
    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autosave_module, "atomic_write_bytes", full_disk)
    window = open_window(qtbot)
    window.controller.set_cell("s3.new.research", "5")
    window.autosaver.save_now()
    qtbot.waitUntil(lambda: "自动保存失败" in window.statusBar().currentMessage(), timeout=5000)
    assert "请尽快手动保存" in window.statusBar().currentMessage()
    close_quietly(window)


# -- typing ----------------------------------------------------------------------------------------------------
def test_typing_redraws_the_issues_of_the_page_shown_only(qtbot, monkeypatch):
    window = open_window(qtbot)
    window.go_to("s5")
    window.go_to("s1")
    hidden, shown = window.pages["s5"], window.pages["s1"]
    calls = {"s5": 0, "s1": 0}
    for sid, page in (("s5", hidden), ("s1", shown)):
        real = page._refresh_issues
        monkeypatch.setattr(page, "_refresh_issues", lambda real=real, sid=sid: (calls.__setitem__(sid, calls[sid] + 1),
                                                                               real()))
    editor = shown.editor
    editor.setFocus()
    QTest.keyClicks(editor, "abc")
    shown.commit()
    assert calls["s1"] >= 1 and calls["s5"] == 0  # before: every narrative page redrew its issues on each edit
    window.controller.set_blocks("s5", [])  # an edit that gives 五 an issue while it is hidden
    assert calls["s5"] == 0
    window.go_to("s5")
    assert calls["s5"] == 1  # shown: up to date
    assert hidden.issue_list.count() >= 1
    assert any(i.section == "s5" for i in window.controller.state.issues)
    close_quietly(window)


# -- stale temporary files -------------------------------------------------------------------------------------
def stale_and_fresh_temporaries(folder: Path) -> tuple[Path, Path]:
    stale, fresh = folder / ".nb-abcd1234.tmp", folder / ".nb-wxyz5678.tmp"
    for f in (stale, fresh):
        f.write_text("{", encoding="utf-8")
    old = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    return stale, fresh


def test_opening_a_draft_from_the_menu_removes_a_crashed_save_s_old_temporary_file(qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "drafts"
    folder.mkdir()
    draft = folder / "report.json"
    draft.write_bytes((SEEDS / "sample-2024.json").read_bytes())
    stale, fresh = stale_and_fresh_temporaries(folder)
    window = open_window(qtbot)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda parent, folder="": str(draft))
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.path == draft
    assert not stale.exists() and fresh.exists()  # a save that may still be writing is left alone
    close_quietly(window)


def test_starting_on_a_draft_removes_a_crashed_save_s_old_temporary_file(qtbot, tmp_path):
    from gui import app as app_module

    folder = tmp_path / "drafts"
    folder.mkdir()
    draft = folder / "report.json"
    draft.write_bytes((SEEDS / "sample-2024.json").read_bytes())
    stale, fresh = stale_and_fresh_temporaries(folder)
    [window] = app_module.build_windows(str(draft))
    qtbot.addWidget(window)
    assert not stale.exists() and fresh.exists()
    close_quietly(window)


# -- the start page's recent files -----------------------------------------------------------------------------
def test_the_start_page_names_a_big_recent_draft_without_reading_it_whole(tmp_path, monkeypatch):
    from gui.start_dialog import describe_recent

    path = draft_with_photos(tmp_path, 12)  # pictures after the meta (a real draft's run to megabytes)
    assert path.stat().st_size > 256 * 1024
    real = Path.read_text

    def read_text(self, *args, **kwargs):
        if self == path:
            raise AssertionError("the whole draft was read to list it")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    assert describe_recent(str(path)).startswith("江南市临江区人民政府　2024 年度　最后保存")


def test_the_review_list_is_rebuilt_when_shown_not_on_every_edit_elsewhere(qtbot, monkeypatch):
    window = open_window(qtbot)
    window.go_to("review")
    review = window.pages["review"]
    window.go_to("s3")
    rebuilt = []
    real = review.refresh
    monkeypatch.setattr(review, "refresh", lambda: (rebuilt.append(1), real()))
    page = window.pages["s3"]
    for value in ("7", "8", "9"):  # edits that change the issues while 审核 is hidden
        window.controller.set_cell("s3.new.natural", value)
    assert rebuilt == []  # before: the hidden list was rebuilt on each of them
    window.go_to("review")
    assert rebuilt == [1]
    shown = {review.tree.topLevelItem(i).text(0) for i in range(review.tree.topLevelItemCount())}
    assert shown and page is window.pages["s3"]
    texts = [review.tree.topLevelItem(i).child(j).text(0) for i in range(review.tree.topLevelItemCount())
             for j in range(review.tree.topLevelItem(i).childCount())]
    assert any("（9）" in t and "勾稽关系不成立" in t for t in texts), texts  # the error of the last edit
    close_quietly(window)


def test_find_builds_only_the_pages_that_hold_text(qtbot):
    window = open_window(qtbot)
    QTest.keyClick(window.step_list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window._find_replace
    commit_text(dialog.find_edit, "政务")
    assert "共找到" in dialog.count_label.text()
    tables = {s.id for s in window.controller.state.spec.sections if s.kind == "table"}
    built = set(window.pages.built())
    assert not built & (tables | {"review", "export"}), built  # before: Ctrl+F built every page, 导出与打印 too
    dialog.close()
    close_quietly(window)
