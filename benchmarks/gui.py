"""Speed of the desktop app offscreen: start to first window, one cell edit to repainted totals, page switches,
opening the PDF preview.

    uv run python benchmarks/gui.py
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STARTUP = """
import time, sys
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from gui.app import make_app, build_window
app = make_app()
w = build_window(None)
w.show()
app.processEvents()
print(time.perf_counter() - t0)
w.controller.undo_stack.setClean()
"""


def main() -> None:
    runs, walls = [], []
    for _ in range(3):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", STARTUP.format(root=str(ROOT))], capture_output=True, text=True,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        walls.append(time.perf_counter() - t)
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    print(f"启动到显示主窗口：进程内 {statistics.median(runs):.3f} s，含解释器启动与退出的整个进程 "
          f"{statistics.median(walls):.3f} s（目标 ≤ 1.0 s）")

    from PySide6.QtCore import QStandardPaths
    QStandardPaths.setTestModeEnabled(True)
    from gui.app import make_app, build_window

    app = make_app()
    window = build_window(str(ROOT / "seeds" / "sample-2024.json"))
    window.show()
    window.go_to("s3")
    app.processEvents()
    page = window.pages["s3"]
    idx = page.model.index_for_path("s3.disclosed.natural")
    edits = []
    for i in range(100):
        t = time.perf_counter()
        page.model.setData(idx, str(100 + i % 30))
        page.view.viewport().repaint()
        edits.append(time.perf_counter() - t)
    print(f"改一个单元格到合计重绘完成：中位数 {statistics.median(edits) * 1000:.1f} ms（目标 ≤ 16 ms）")
    switches = []
    for _ in range(5):
        for step in window.step_ids[:-1]:
            t = time.perf_counter()
            window.go_to(step)
            window.stack.currentWidget().repaint()
            switches.append(time.perf_counter() - t)
    print(f"切换页面：中位数 {statistics.median(switches) * 1000:.1f} ms，最慢 {max(switches) * 1000:.1f} ms（目标 ≤ 50 ms）")
    export = window.pages["export"]
    export.refresh_preview()  # fonts registered once per process
    t = time.perf_counter()
    export.refresh_preview()
    print(f"打开 PDF 预览（{export.preview_page_count()} 页）：{time.perf_counter() - t:.3f} s（目标 ≤ 0.5 s）")
    window.controller.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
