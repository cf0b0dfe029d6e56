"""A long session of the real app, as a clerk works: the main window built offscreen and driven with key and mouse
events — digits typed into table cells and confirmed with Enter, English typed and Chinese committed through the
input method in the narrative, the agency and contact fields edited, pages switched by clicking the step list —
with new / open / import cycles in between. Run in its own process by tests/test_soak.py and benchmarks/soak.py,
so that a fatal error ends this process, not the test run.

    python tests/soak_driver.py --edits 1000 --cycles 5

Prints one line per cycle, `cycle=N edits=E rss_kb=K seconds=S`, and `done` at the end. Every message box is
answered by this script; an error box is printed to stderr, which the test treats as a failure.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
WORK = Path(tempfile.mkdtemp(prefix="nianbao-soak-"))
os.environ["NIANBAO_RECOVERY_DIR"] = str(WORK / "recovery")  # never the user's recovery folder

from PySide6.QtCore import QStandardPaths, Qt, QTimer, qInstallMessageHandler  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit  # noqa: E402

QStandardPaths.setTestModeEnabled(True)  # settings (recent files, geometry) go to a test location

from gui import dialogs  # noqa: E402
from gui.app import build_window, make_app  # noqa: E402
from model.drafts_io import draft_to_json  # noqa: E402

SEEDS = ROOT / "seeds"
CHINESE = ["主动公开", "依申请公开", "政府信息", "行政复议", "（一）", "规章", "，", "。", "年度报告", "数据"]


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def answer_dialogs(draft: Path, text_report: Path) -> None:
    """The dialogs a clerk answers during the session: open this draft, import that report, discard changes."""
    def error(parent, title, message):
        print(f"error dialog: {title}: {message}", file=sys.stderr, flush=True)

    dialogs.ask_save_changes = lambda parent, name: "discard"
    dialogs.ask_open_path = lambda parent, folder="": str(draft)
    dialogs.ask_source_path = lambda parent, title: str(text_report)
    dialogs.show_report = lambda parent, title, text: True
    dialogs.show_info = lambda parent, title, message: None
    dialogs.show_error = error
    dialogs.confirm = lambda parent, title, message: True


# The offscreen platform has no window manager and says so for every new top-level window; that is about the
# test platform, not the app. Every other Qt message still reaches stderr.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def forward_qt_messages(mode, context, message: str) -> None:
    if message != OFFSCREEN_NOISE:
        print(message, file=sys.stderr, flush=True)


def commit_ime(widget, text: str) -> None:
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


class Session:
    def __init__(self, window, rng: random.Random):
        self.window = window
        self.rng = rng
        self.edits = 0

    # -- moving around ----------------------------------------------------------------------------------
    def click_step(self, step: str) -> None:
        w = self.window
        row = w.step_ids.index(step)
        rect = w.step_list.visualItemRect(w.step_list.item(row))
        w.step_list.scrollToItem(w.step_list.item(row))
        rect = w.step_list.visualItemRect(w.step_list.item(row))
        QTest.mouseClick(w.step_list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         rect.center())
        QApplication.processEvents()
        assert w.current_step() == step, (step, w.current_step())

    def steps_of(self, kind: str) -> list[str]:
        spec = self.window.controller.state.spec
        return [s.id for s in spec.sections if s.kind == kind and s.id in self.window.step_ids]

    # -- edits ------------------------------------------------------------------------------------------
    def edit_cell(self) -> None:
        tables = [sid for sid in self.steps_of("table")]
        step = self.rng.choice(tables)
        self.click_step(step)
        page = self.window.pages[step]
        state = self.window.controller.state
        path = self.rng.choice(state.spec.table_inputs(page.model.table_id if hasattr(page.model, "table_id")
                                                       else state.spec.section_by_id[step].table))
        index = page.model.index_for_path(path)
        page.view.setFocus()
        page.view.scrollTo(index)
        page.view.setCurrentIndex(index)
        QTest.keyClick(page.view, Qt.Key.Key_F2)
        editor = page.view.indexWidget(index) or QApplication.focusWidget()
        assert isinstance(editor, QLineEdit), editor
        editor.selectAll()
        QTest.keyClicks(editor, str(self.rng.randint(0, 400)))
        QTest.keyClick(editor, Qt.Key.Key_Return)
        self.edits += 1

    def edit_text(self) -> None:
        step = self.rng.choice(self.steps_of("narrative"))
        self.click_step(step)
        editor = self.window.pages[step].editor
        editor.setFocus()
        cursor = editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        editor.setTextCursor(cursor)
        if self.rng.random() < 0.5:
            QTest.keyClicks(editor, self.rng.choice(["ok ", "2024 ", "abc", "12.5"]))
        else:
            commit_ime(editor, self.rng.choice(CHINESE))
        if self.rng.random() < 0.2:
            QTest.keyClick(editor, Qt.Key.Key_Backspace)
        if self.rng.random() < 0.1:
            QTest.keyClick(editor, Qt.Key.Key_Return)
        self.edits += 1

    def edit_meta(self) -> None:
        self.click_step("meta")
        page = self.window.pages["meta"]
        field = self.rng.choice([page.agency, page.contact])
        field.setFocus()
        field.selectAll()
        commit_ime(field, self.rng.choice(["某某区人民政府办公室", "某某市发展和改革局", "区政务服务数据管理局"]))
        QTest.keyClicks(field, str(self.rng.randint(1, 99)))
        QTest.keyClick(field, Qt.Key.Key_Return)
        self.edits += 1

    def edit(self) -> None:
        roll = self.rng.random()
        if roll < 0.55:
            self.edit_cell()
        elif roll < 0.9:
            self.edit_text()
        else:
            self.edit_meta()
        QApplication.processEvents()

    def check_screen_is_saved(self) -> None:
        """What every text page shows is what the report holds, and the recovery file holds the report."""
        state = self.window.controller.state
        for step in self.steps_of("narrative"):
            shown = [b.model_dump() for b in self.window.pages[step].blocks()]
            assert shown == [b.model_dump() for b in state.blocks(step)], step
        if self.window.controller.dirty:
            envelope = json.loads(self.window.autosaver.path.read_text(encoding="utf-8"))
            assert envelope["draft"] == json.loads(draft_to_json(state.to_draft()))

    # -- new / open / import ------------------------------------------------------------------------------
    def new_report(self) -> None:
        def fill_dialog():
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, QDialog), dialog
            commit_ime(dialog.agency, "某某县人民政府办公室")
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

        QTimer.singleShot(0, fill_dialog)
        self.window.new_action.trigger()
        assert self.window.controller.state.meta.agency == "某某县人民政府办公室"

    def open_draft(self) -> None:
        self.window.open_action.trigger()
        assert self.window.controller.path is not None

    def import_text(self) -> None:
        action = next(a for a in self.window.findChildren(type(self.window.open_action))
                      if a.text().startswith("导入已发布的报告"))
        action.trigger()
        assert self.window.controller.dirty


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=1000, help="edits in all, spread over the cycles")
    parser.add_argument("--cycles", type=int, default=5, help="new / open / import cycles after the first")
    parser.add_argument("--seed", type=int, default=20241)
    args = parser.parse_args()

    draft = WORK / "本单位草稿.json"
    shutil.copy(SEEDS / "sample-2024.json", draft)
    text_report = WORK / "已发布的报告.txt"
    shutil.copy(SEEDS / "yuexiu-2023.txt", text_report)
    answer_dialogs(draft, text_report)

    qInstallMessageHandler(forward_qt_messages)
    app = make_app([sys.argv[0]])
    window = build_window(str(draft))
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowExposed(window)
    session = Session(window, random.Random(args.seed))
    # cycle 0 edits the first report; each later cycle edits a new report, an opened draft and an import
    phases = [[]] + [[session.new_report, session.open_draft, session.import_text] for _ in range(args.cycles)]
    slots = 1 + 3 * args.cycles
    per_slot = -(-args.edits // slots)
    started = time.perf_counter()
    for cycle, starts in enumerate(phases):
        for begin in starts or [None]:
            if begin is not None:
                begin()
                QApplication.processEvents()
            for _ in range(min(per_slot, args.edits - session.edits)):
                session.edit()
        window.autosaver.save_now()  # hands every open editor to the report first
        window.autosaver.flush()
        session.check_screen_is_saved()
        gc.collect()
        QApplication.processEvents()
        print(f"cycle={cycle} edits={session.edits} rss_kb={rss_kb()} seconds={time.perf_counter() - started:.1f}",
              flush=True)
    window.controller.undo_stack.setClean()
    window.close()
    app.processEvents()
    shutil.rmtree(WORK, ignore_errors=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
