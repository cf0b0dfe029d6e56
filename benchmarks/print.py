"""打印 as the user waits for it: from the click on “打印…” (the system dialog accepted at once, a PDF file as the
printer) to the page saying the pages were sent, and the longest the UI thread went without handling a timer tick
meanwhile (a frozen window), each run in a fresh process. With --export, the same for 全部导出 (the folder chosen
at once): from the click to the page saying the files were written.

    uv run python benchmarks/print.py                       # this checkout
    uv run python benchmarks/print.py --before /tmp/old      # and an older checkout, side by side
    uv run python benchmarks/print.py --export               # 全部导出 instead of 打印

Drafts: the sample (6 pages) and yuexiu-2023's tables under ~50 pages of text with 40 pictures
(benchmarks/long_report.py). The click comes 2 s after the preview is on screen, as a user presses 打印 after looking
at it; what printing itself prepares (the pages read as shapes, the fonts) is part of the wait.
Goal (issue 15): the window never frozen > 100 ms.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

from child_window import OPEN_WINDOW, before_and_now, print_comparison, run_child  # benchmarks/child_window.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
FROZEN_GOAL_MS = 100

CHILD = OPEN_WINDOW + r"""
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
window.go_to("export")
page = window.pages["export"]
loop = QEventLoop()
def wait(done, limit=120.0):
    end = time.perf_counter() + limit
    while not done() and time.perf_counter() < end:
        QTimer.singleShot(10, loop.quit)
        loop.exec()
wait(page.preview_ready)
wait(lambda: False, 2.0)  # the view lays out and renders the pages on screen

def printer():
    p = QPrinter(QPrinter.PrinterMode.HighResolution)
    p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    p.setOutputFileName({target!r})
    return p

page.new_printer = printer
page.exec_print_dialog = lambda dialog: QPrintDialog.DialogCode.Accepted
from PySide6.QtWidgets import QPushButton
import gui.dialogs
gui.dialogs.ask_folder = lambda *args, **kwargs: os.path.dirname({target!r})
action = {action!r}
button = page.print_button if action == "print" else next(
    b for b in page.findChildren(QPushButton) if b.text() == "全部导出")
finished = "已发送" if action == "print" else "已导出"
ticks = []
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
timer.start()
app.processEvents()
t0 = time.perf_counter()
ticks.append(t0)
QTest.mouseClick(button, Qt.MouseButton.LeftButton)
wait(lambda: finished in page.status.text())
done = time.perf_counter()
ticks.append(done)
gaps = [b - a for a, b in zip(ticks, ticks[1:])]
print(json.dumps({{"wall": done - t0, "frozen": max(gaps), "ok": finished in page.status.text(),
                   "status": page.status.text()}}, ensure_ascii=False))
window.controller.undo_stack.setClean()
window.close()
"""


def make_drafts(folder: Path) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from benchmarks.long_report import long_draft

    long = folder / "long-50-40.json"
    long.write_text(json.dumps(long_draft(50, 40), ensure_ascii=False), encoding="utf-8")
    return {"示例（6 页）": ROOT / "seeds" / "sample-2024.json", "50 页 + 40 张图片": long}


def run(root: Path, draft: Path, target: Path, action: str) -> dict:
    code = CHILD.format(root=str(root), draft=str(draft), target=str(target), action=action)
    return run_child(root, draft, code, 600)


def measure(root: Path, drafts: dict[str, Path], runs: int, folder: Path, action: str) -> dict:
    results = {}
    for name, draft in drafts.items():
        samples = []
        for _ in range(runs):
            out = folder / f"out-{len(samples)}-{abs(hash(name))}"
            out.mkdir()
            samples.append(run(root, draft, out / "printed.pdf", action))
        walls = [s["wall"] for s in samples]
        frozen = [s["frozen"] * 1000 for s in samples]
        results[name] = (statistics.median(walls), statistics.median(frozen), max(frozen),
                         all(s["ok"] for s in samples))
    return results


def cell(result) -> str:
    wall, frozen, worst, ok = result
    return f"{wall:.2f} s，最长卡顿 {frozen:.0f} ms（最差 {worst:.0f} ms）" + ("" if ok else "，未完成")


def main() -> None:
    action = "export" if "--export" in sys.argv else "print"
    if action == "export":
        sys.argv.remove("--export")
    args, columns = before_and_now("打印（或 --export：全部导出）：从点击到完成的时间与界面最长卡顿", ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        drafts = make_drafts(Path(tmp))
        for label, _ in columns:
            (Path(tmp) / label).mkdir()
        results = {label: measure(root, drafts, args.runs, Path(tmp) / label, action) for label, root in columns}
    what = "打印到 PDF 打印机：点击“打印…”到打印完成" if action == "print" else "全部导出：点击“全部导出”到文件写出"
    print_comparison(f"{what}（中位数，{args.runs} 次），其间界面最长卡顿（目标 ≤ {FROZEN_GOAL_MS} ms）",
                     columns, results, cell)


if __name__ == "__main__":
    main()
