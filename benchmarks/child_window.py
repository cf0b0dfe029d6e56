"""The opening of a benchmark's child process: the report window on a draft, offscreen, at 1280 × 720, with its own
settings (Qt's test mode). A script's child code is this followed by its own part; both are filled in with
str.format (root, draft and the script's own fields)."""

OPEN_WINDOW = r"""
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QEventLoop, QObject, QStandardPaths, Qt, QTimer
QStandardPaths.setTestModeEnabled(True)
from PySide6.QtTest import QTest
from gui.app import make_app
app = make_app()
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.state import ReportState

window = MainWindow(ReportController(ReportState(load_draft({draft!r})), None))
window.resize(1280, 720)
window.show()
"""


def run_child(root, draft, code: str, timeout: float) -> dict:
    """Run a child's code (filled in already) in the checkout at root; its result is the last line of JSON it
    prints. A child that prints none stops the benchmark with its error output."""
    import json
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=timeout,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"测量失败（{root}，{draft.name}）：\n{out.stderr[-2000:]}")
    return json.loads(lines[-1])


def before_and_now(description: str, here):
    """The command line of a benchmark that compares this checkout (here) with an earlier one in the same run:
    its arguments, and the columns (label, checkout) to measure, the earlier first."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--before", type=Path, help="较早版本的检出目录，同一次运行中对比")
    parser.add_argument("--runs", type=int, default=5, help="每项运行次数（取中位数）")
    args = parser.parse_args()
    return args, ([("之前", args.before)] if args.before else []) + [("现在", here)]


def print_comparison(heading: str, columns, results: dict, cell, goal=None) -> None:
    """The heading with the machine's load, then a table: a row per draft, a column per checkout (and the goal
    of each draft when `goal(name)` gives it)."""
    import os

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{heading}；结束时负载 {load:.1f}")
    heads = ["草稿"] + (["目标"] if goal else []) + [label for label, _ in columns]
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for name in results[columns[-1][0]]:
        cells = [name] + ([goal(name)] if goal else []) + [cell(results[label][name]) for label, _ in columns]
        print("| " + " | ".join(cells) + " |")
