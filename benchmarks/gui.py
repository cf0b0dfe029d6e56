"""What a user of the desktop app waits for, measured as the user waits (issue 15's GUI rows).

    uv run python benchmarks/gui.py                   every row, 5 runs each
    uv run python benchmarks/gui.py --runs 7 --only start,typing

Every run is a process of its own, started afresh (offscreen, with its own settings and recovery folders), and
its peak memory is the kernel's count for that process (os.wait4). Times are taken from real events:

- start: from the moment the process is started to the first paint of the start page (`main.py` with no file:
  the page a user sees first) — the whole process, interpreter start and imports included; beside it a bare Qt
  window in the same way, and `main.py sample.json` to the first paint of the report window;
- page switch: Ctrl+PgDown / Ctrl+PgUp through every step but 导出 (the preview has rows of its own) with 10
  unsaved pictures in 一 and an edit before each switch, from the key to the new page painted (autosave secures
  the work at every page change), once the window has built its pages in idle time;
- open: 文件 → 打开 (Ctrl+O) of a draft with 10 photos, from the key to the window painted and idle;
- memory: peak of the process with the sample open and every page shown; after the PDF preview; with a draft of
  50 pages and 40 pictures open and every page shown;
- typing: keys typed into 一 of the 50-page draft with 40 pictures, from QTest.keyClick to the key processed and
  painted; and the longest the window stays busy when the typing is handed to the report after a pause.

Each row prints the median with min and max over the runs, and the goal of issue 15.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT))

ROWS = {
    # name: (what, goal, unit, goal value)
    "bare": ("空白 Qt 窗口：进程启动到首次绘制（参照）", "—", "s", None),
    "start": ("启动到显示开始页：进程启动到首次绘制", "≤ 0.6 s", "s", 0.6),
    "start_file": ("打开草稿启动（main.py 示例.json）：进程启动到主窗口首次绘制", "≤ 0.6 s", "s", 0.6),
    "switch": ("切换页面（一中有 10 张未保存的图片，每次切换前改一处）：按键到新页面绘制完成（中位数）", "≤ 30 ms", "ms", 30),
    "switch_max": ("　同上，最慢的一次", "≤ 30 ms", "ms", 30),
    "open": ("从菜单打开有 10 张图片的草稿：Ctrl+O 到窗口绘制完成", "≤ 0.5 s", "s", 0.5),
    "mem_sample": ("内存峰值：打开示例、显示每一页", "≤ 120 MiB", "MiB", 120),
    "mem_preview": ("内存峰值：示例 + PDF 预览", "≤ 180 MiB", "MiB", 180),
    "mem_long": ("内存峰值：50 页 + 40 张图片、显示每一页", "≤ 400 MiB", "MiB", 400),
    "typing": ("50 页 + 40 张图片时在“一”中打字：每个按键到处理并绘制完成（中位数）", "≤ 16 ms", "ms", 16),
    "typing_max": ("　同上，最慢的一个按键", "≤ 16 ms", "ms", 16),
    "typing_commit": ("　停顿后把文字交给报告时窗口忙碌的时间", "≤ 16 ms", "ms", 16),
}


# -- drafts used by the rows ---------------------------------------------------------------------------------
def draft_with_pictures(path: Path, pictures: int) -> Path:
    """The sample with `pictures` different photo-like 1200×800 JPEGs in 一."""
    from benchmarks.long_report import _picture

    draft = json.loads((SEEDS / "sample-2024.json").read_text(encoding="utf-8"))
    blocks = draft["narrative"].setdefault("s1", [])
    for i in range(pictures):
        blocks.append({"type": "figure", "caption": f"图{i + 1}　政务公开工作现场",
                       "image": base64.b64encode(_picture(1000 + i)).decode("ascii"), "mime": "image/jpeg"})
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    return path


def long_draft(path: Path) -> Path:
    from benchmarks.long_report import long_draft as make

    path.write_text(json.dumps(make(50, 40), ensure_ascii=False), encoding="utf-8")
    return path


# -- what runs in each child process -------------------------------------------------------------------------
START_CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QDialog

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.isWindow() and {wanted}:
            print(time.perf_counter(), flush=True)
            os._exit(0)
        return False

def watch():
    app = QApplication.instance()
    if getattr(app, "_first_paint", None) is None:
        app._first_paint = FirstPaint()
        app.installEventFilter(app._first_paint)

# the first event loop the app runs is watched: the application's, or a dialog's run before it
_app_exec, _dialog_exec = QApplication.exec, QDialog.exec
def app_exec(self=None, *args):
    watch()
    return _app_exec()
def dialog_exec(self, *args):
    watch()
    return _dialog_exec(self)
QApplication.exec = app_exec
QDialog.exec = dialog_exec
sys.argv = ["main.py", *{args!r}]
import runpy
runpy.run_path({main!r}, run_name="__main__")
"""

BARE_CHILD = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.isWindow():
            print(time.perf_counter(), flush=True)
            os._exit(0)
        return False

app = QApplication(sys.argv[:1])
f = FirstPaint()
app.installEventFilter(f)
w = QWidget()
w.resize(800, 600)
w.show()
app.exec()
"""


def _app_and_window(path: str | None):
    """A window on a draft, shown at 1280×720 and active, as after the user opened it."""
    import warnings

    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication

    QStandardPaths.setTestModeEnabled(True)
    from gui import dialogs
    from gui.app import make_app
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.drafts_io import load_draft
    from model.state import ReportState

    dialogs.ask_save_changes = lambda parent, name: "discard"
    app = make_app()
    draft = load_draft(path or SEEDS / "sample-2024.json")
    window = MainWindow(ReportController(ReportState(draft), path))
    window.resize(1280, 720)
    window.show()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)
    settle(app)
    return app, window


def settle(app, rounds: int = 3) -> None:
    for _ in range(rounds):
        app.processEvents()


class PaintClock:
    """The time of the last paint of any widget of the window.

    It watches the widgets, each one (and each new one when it is polished, before its first paint), not the whole
    application: a Python filter on the application meets every object, and PySide builds a Python type for each
    kind it meets for the first time (the toolbar's animation when 撤销 first becomes enabled: ~20 ms of enum
    types at the first hand-over of typing), a cost the app itself, which never touches those objects from
    Python, does not have."""

    def __init__(self, app):
        from PySide6.QtCore import QEvent, QObject

        clock = self

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802
                kind = event.type()
                if kind == QEvent.Type.Paint:
                    clock.last = time.perf_counter()
                elif kind == QEvent.Type.ChildPolished and event.child().isWidgetType():
                    clock.watch(event.child())
                return False

        self.last = 0.0
        self._filter = Filter()
        for window in app.topLevelWidgets():
            self.watch(window)

    def watch(self, widget) -> None:
        from PySide6.QtWidgets import QWidget

        for w in (widget, *widget.findChildren(QWidget)):
            w.installEventFilter(self._filter)  # installed once: Qt moves a filter installed again to the front


def child_switch(_work: Path, pictures: Path) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from model.drafts_io import load_draft

    app, window = _app_and_window(None)
    # ten pictures put into 一 and not saved: every page change secures them in the recovery file
    figures = load_draft(pictures).narrative["s1"]
    window.controller.set_blocks("s1", list(window.controller.state.blocks("s1")) + [
        b for b in figures if b.type == "figure"], description="插入图片", merge=False)
    window.go_to("meta")
    settle(app)
    # as a user who looks at the window for a moment: the pages not shown yet are built meanwhile
    from PySide6.QtTest import QTest as _QTest

    for _ in range(200):
        built = getattr(window.pages, "built", lambda: window.pages)()  # (a version that builds every page at once)
        if len(built) >= len([s for s in window.step_ids if s not in ("review", "export")]):
            break
        _QTest.qWait(50)
    clock = PaintClock(app)
    times = []
    agency = window.controller.state.meta.agency
    keys = [Qt.Key.Key_PageDown] * (len(window.step_ids) - 2) + [Qt.Key.Key_PageUp] * (len(window.step_ids) - 2)
    for i, key in enumerate(keys):
        # an edit before each switch, so that every switch has unsaved work to secure (an idle switch writes nothing)
        window.controller.set_meta(agency=f"{agency}{i}")
        settle(app)
        t = time.perf_counter()
        QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        settle(app)
        times.append(max(clock.last, t) - t)
    window.autosaver.flush()
    window.controller.undo_stack.setClean()
    window.close()
    return {"switch": statistics.median(times) * 1000, "switch_max": max(times) * 1000}


def child_open(_work: Path, pictures: Path) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gui import dialogs

    app, window = _app_and_window(None)
    dialogs.ask_open_path = lambda parent, folder="": str(pictures)
    clock = PaintClock(app)
    t = time.perf_counter()
    QTest.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    settle(app, 5)
    elapsed = max(clock.last, time.perf_counter() if clock.last < t else clock.last) - t
    assert window.controller.path is not None and window.controller.path.name == pictures.name, "未能打开草稿"
    window.controller.undo_stack.setClean()
    window.close()
    return {"open": elapsed}


def _show_every_page(app, window) -> None:
    for step in window.step_ids:
        if step != "export":
            window.go_to(step)
            settle(app)


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_mem_sample(_work: Path, _pictures: Path) -> dict:
    app, window = _app_and_window(None)
    _show_every_page(app, window)
    figures = {"mem_sample": _peak_mib()}
    window.go_to("export")
    page = window.pages["export"]
    deadline = time.perf_counter() + 60
    while page.preview_page_count() == 0 and time.perf_counter() < deadline:
        settle(app)
        time.sleep(0.01)
    settle(app)
    figures["mem_preview"] = _peak_mib()
    window.controller.undo_stack.setClean()
    window.close()
    return figures


def child_mem_long(work: Path, _pictures: Path) -> dict:
    app, window = _app_and_window(str(work / "long-50-40.json"))
    _show_every_page(app, window)
    window.controller.undo_stack.setClean()
    window.close()
    return {"mem_long": _peak_mib()}


def child_typing(work: Path, _pictures: Path) -> dict:
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    app, window = _app_and_window(str(work / "long-50-40.json"))
    window.go_to("s1")
    settle(app)
    page = window.pages["s1"]
    editor = page.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.Down, n=40)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    editor.setTextCursor(cursor)
    settle(app)
    clock = PaintClock(app)
    keys, commits = [], []
    original_commit = page.commit

    def timed_commit(*args, **kwargs):
        t = time.perf_counter()
        original_commit(*args, **kwargs)
        settle(app)  # what the report's change makes the window do (issues, step list, hidden pages)
        commits.append(time.perf_counter() - t)

    page._commit_timer.timeout.disconnect()
    page._commit_timer.timeout.connect(timed_commit)
    for word in range(6):
        for ch in "abcdefghij":
            t = time.perf_counter()
            QTest.keyClick(editor, ch)
            settle(app)
            keys.append(max(clock.last, t) - t)
        QTest.qWait(page.COMMIT_MS + 150)  # a pause: the typing goes to the report
    window.controller.undo_stack.setClean()
    window.close()
    return {"typing": statistics.median(keys) * 1000, "typing_max": max(keys) * 1000,
            "typing_commit": max(commits) * 1000 if commits else 0.0}


CHILDREN = {"switch": child_switch, "open": child_open, "mem_sample": child_mem_sample, "mem_long": child_mem_long,
            "typing": child_typing}


# -- the parent: runs, medians, table ------------------------------------------------------------------------
def _env(work: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_LOGGING_RULES": "qt.qpa.*=false",
           "XDG_CONFIG_HOME": str(work / "config"), "XDG_DATA_HOME": str(work / "data"),
           "XDG_CACHE_HOME": str(work / "cache"), "NIANBAO_RECOVERY_DIR": str(work / "recovery"),
           "HOME": str(work / "home")}
    for d in ("config", "data", "cache", "recovery", "home"):
        (work / d).mkdir(exist_ok=True)
    return env


def _run(cmd: list[str], env: dict) -> tuple[float, str, float]:
    """Start a process; (perf_counter at start, its stdout, its peak memory in MiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"运行失败（退出码 {proc.returncode}）：{' '.join(cmd[:3])}\n{errors[-2000:]}")
    return t0, text, usage.ru_maxrss / 1024


def measure(names: list[str], runs: int, work: Path, pictures: Path) -> dict[str, list[float]]:
    env = _env(work)
    results: dict[str, list[float]] = {name: [] for name in ROWS}
    py = sys.executable
    jobs = []
    if "start" in names:
        jobs.append(("bare", [py, "-c", BARE_CHILD]))
        for name, wanted, args in (("start", "type(obj).__name__ == 'StartDialog'", []),
                                   ("start_file", "type(obj).__name__ == 'MainWindow'",
                                    [str(SEEDS / "sample-2024.json")])):
            jobs.append((name, [py, "-c", START_CHILD.format(root=str(ROOT), main=str(ROOT / "main.py"),
                                                             wanted=wanted, args=args)]))
    for name in ("switch", "open", "mem_sample", "mem_long", "typing"):
        if name in names:
            jobs.append((name, [py, str(Path(__file__)), "--child", name, "--work", str(work),
                                "--pictures-draft", str(pictures)]))
    for name, cmd in jobs:
        _run(cmd, env)  # warm-up, not counted: the disk cache, compiled bytecode
        for _ in range(runs):
            t0, text, _peak = _run(cmd, env)
            lines = [line for line in text.splitlines() if line.strip()]
            if name in ("bare", "start", "start_file"):
                results[name].append(float(lines[-1]) - t0)
            else:
                for key, value in json.loads(lines[-1]).items():
                    results[key].append(value)
    return results


def print_table(results: dict[str, list[float]]) -> None:
    print(f"| 用户等待的 | 中位数 | 最小 – 最大 | 目标 | 达标 |")
    print("|---|---|---|---|---|")
    for name, (what, goal, unit, limit) in ROWS.items():
        values = results.get(name) or []
        if not values:
            continue
        med = statistics.median(values)
        fmt = (lambda v: f"{v:.2f} s") if unit == "s" else (lambda v: f"{v:.1f} {unit}") if unit == "ms" \
            else (lambda v: f"{v:.0f} {unit}")
        ok = "—" if limit is None else ("是" if med <= limit else "否")
        print(f"| {what} | {fmt(med)} | {fmt(min(values))} – {fmt(max(values))} | {goal} | {ok} |")


def main() -> None:
    parser = argparse.ArgumentParser(description="桌面程序的速度与内存，按用户等待的方式测量")
    parser.add_argument("--runs", type=int, default=5, help="每行运行次数（默认 5，另有 1 次不计的预热）")
    parser.add_argument("--only", default="start,switch,open,mem_sample,mem_long,typing",
                        help="只测这些行（逗号分隔）：start,switch,open,mem_sample,mem_long,typing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--pictures-draft", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        print(json.dumps(CHILDREN[args.child](Path(args.work), Path(args.pictures_draft))))
        sys.stdout.flush()
        os._exit(0)  # the measured process ends here: no teardown of Qt in the figures
    names = args.only.split(",")
    with tempfile.TemporaryDirectory(prefix="nianbao-gui-bench-") as tmp:
        work = Path(tmp)
        pictures = draft_with_pictures(work / "ten-pictures.json", 10)
        long_draft(work / "long-50-40.json")
        results = measure(names, args.runs, work, pictures)
    print_table(results)


if __name__ == "__main__":
    main()
