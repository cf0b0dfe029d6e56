"""The export page's first preview as the user waits for it: wall time from the click on “导出与打印” in the step
list to the preview's first page painted, and the longest the UI thread went without handling a timer tick
meanwhile (a frozen window), each run in a fresh process.

    uv run python benchmarks/gui_preview.py                      # this checkout
    uv run python benchmarks/gui_preview.py --before /tmp/old     # and an older checkout, side by side

Drafts: the sample (6 pages); the sample with 10 photo-like pictures; yuexiu-2023's tables under ~50 pages of text
with 40 pictures (benchmarks/long_report.py). The click comes 1 s after the window is up, in a fresh process: the
first preview includes loading the PDF writer and the fonts (from the font cache).
Goals (issue 15): 6 pages ≤ 0.3 s, 10 pictures ≤ 1 s, 50 pages + 40 pictures ≤ 3 s, UI never frozen > 100 ms.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import statistics
import sys
import tempfile
from pathlib import Path

from child_window import OPEN_WINDOW, before_and_now, print_comparison, run_child  # benchmarks/child_window.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"6 页": 0.3, "10 张图片": 1.0, "50 页 + 40 张图片": 3.0}
FROZEN_GOAL_MS = 100
IDLE_S = 1.0  # from the window shown to the click

CHILD = OPEN_WINDOW + r"""
from PySide6.QtPdf import QPdfPageRenderer
app.processEvents()
idle = QEventLoop()
QTimer.singleShot(int({idle} * 1000), idle.quit)
idle.exec()

page = window.pages["export"]
view = page.view
renderer = view.findChild(QPdfPageRenderer)
marks = {{"rendered": False, "painted": None}}
ticks = []

def rendered(number, *_):
    if number == 0:
        marks["rendered"] = True

renderer.pageRendered.connect(rendered)
loop = QEventLoop()

class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and marks["rendered"] and marks["painted"] is None:
            marks["painted"] = time.perf_counter()
            loop.quit()
        return False

painted = Painted()
view.viewport().installEventFilter(painted)
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
row = window.step_ids.index("export")
item = window.step_list.item(row)
window.step_list.scrollToItem(item)
center = window.step_list.visualItemRect(item).center()
timer.start()
app.processEvents()
t0 = time.perf_counter()
ticks.append(t0)
QTest.mouseClick(window.step_list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, center)
QTimer.singleShot(120_000, loop.quit)
loop.exec()
done = marks["painted"] or time.perf_counter()
ticks.append(done)
gaps = [b - a for a, b in zip(ticks, ticks[1:]) if a >= t0 - 0.01]
print(json.dumps({{"wall": done - t0, "frozen": max(gaps), "pages": page.preview_page_count(),
                   "ok": marks["painted"] is not None}}))
window.controller.undo_stack.setClean()
window.close()
"""


def _long_report():
    spec = importlib.util.spec_from_file_location("long_report", ROOT / "benchmarks" / "long_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _figure(picture: bytes, n: int) -> dict:
    return {"type": "figure", "caption": f"图{n}　政务公开工作现场", "image": base64.b64encode(picture).decode("ascii"),
            "mime": "image/jpeg"}


def make_drafts(folder: Path) -> dict[str, Path]:
    long_report = _long_report()
    drafts = {"6 页": ROOT / "seeds" / "sample-2024.json"}
    sample = json.loads((ROOT / "seeds" / "sample-2024.json").read_text(encoding="utf-8"))
    blocks = sample["narrative"].setdefault("s1", [])
    for i in range(10):
        blocks.append(_figure(long_report._picture(500 + i), i + 1))
    drafts["10 张图片"] = folder / "sample-10-pictures.json"
    drafts["10 张图片"].write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    long = long_report.long_draft(50)
    blocks = long["narrative"]["s1"]
    count = sum(1 for b in blocks if b["type"] == "figure")
    step = max(1, len(blocks) // 40)
    i = 0
    while count < 40:  # spread the missing pictures through the text
        blocks.insert(min(len(blocks), (i + 1) * step + i), _figure(long_report._picture(1000 + i), count + 1))
        count += 1
        i += 1
    drafts["50 页 + 40 张图片"] = folder / "long-50-40.json"
    drafts["50 页 + 40 张图片"].write_text(json.dumps(long, ensure_ascii=False), encoding="utf-8")
    return drafts


def run(root: Path, draft: Path, idle: float) -> dict:
    return run_child(root, draft, CHILD.format(root=str(root), draft=str(draft), idle=idle), 300)


def measure(root: Path, drafts: dict[str, Path], runs: int) -> dict:
    results = {}
    for name, draft in drafts.items():
        samples = [run(root, draft, IDLE_S) for _ in range(runs)]
        walls = [s["wall"] for s in samples]
        frozen = [s["frozen"] * 1000 for s in samples]
        results[name] = (statistics.median(walls), min(walls), max(walls), max(frozen), samples[0]["pages"],
                         all(s["ok"] for s in samples))
    return results


def cell(result) -> str:
    median, low, high, frozen, pages, ok = result
    return f"{median:.2f} s（{low:.2f}–{high:.2f}），最长卡顿 {frozen:.0f} ms，{pages} 页" + ("" if ok else "，未画出")


def main() -> None:
    args, columns = before_and_now("导出页首次预览：从点击到第一页画出的时间与界面最长卡顿", ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        drafts = make_drafts(Path(tmp))
        results = {label: measure(root, drafts, args.runs) for label, root in columns}
    print_comparison(f"首次预览：点击“导出与打印”到第一页画出（中位数，{args.runs} 次，min–max），其间界面最长卡顿"
                     f"（目标 ≤ {FROZEN_GOAL_MS} ms）", columns, results, cell, goal=lambda name: f"≤ {GOALS[name]} s")


if __name__ == "__main__":
    main()
