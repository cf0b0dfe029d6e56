"""A longer soak than the test: many edits through the real widgets and new / open / import cycles, with the
memory (RSS) after each cycle and the time taken; then what one autosave costs the window with 10 pictures
in the report (on the UI thread only a snapshot of the draft is taken; its JSON, the write and the fsync run on
a worker thread).

    uv run python benchmarks/soak.py                 3,000 edits, 5 cycles
    uv run python benchmarks/soak.py --edits 10000 --cycles 10
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DRIVER = ROOT / "tests" / "soak_driver.py"


def autosave_cost() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["NIANBAO_RECOVERY_DIR"] = tempfile.mkdtemp(prefix="nianbao-autosave-")
    from gui.app import make_app
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.drafts_io import load_draft
    from model.state import ReportState

    make_app()
    from benchmarks.gui import draft_with_pictures

    pictures = draft_with_pictures(Path(os.environ["NIANBAO_RECOVERY_DIR"]) / "ten-pictures.json", 10)
    window = MainWindow(ReportController(ReportState(load_draft(pictures))))
    on_ui, on_disk = [], []
    for i in range(30):
        window.controller.set_cell("s3.new.research", str(i + 1))
        t = time.perf_counter()
        window.autosaver.save_now()
        on_ui.append(time.perf_counter() - t)
        window.autosaver.flush()
        on_disk.append(time.perf_counter() - t)
    print(f"一次自动保存（10 张图片）：界面线程占用中位数 {statistics.median(on_ui) * 1000:.1f} ms，"
          f"写入并同步到磁盘中位数 {statistics.median(on_disk) * 1000:.1f} ms")
    window.controller.undo_stack.setClean()
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=3000)
    parser.add_argument("--cycles", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(DRIVER), "--edits", str(args.edits), "--cycles", str(args.cycles)],
                            capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    wall = time.perf_counter() - started
    rows = [dict(re.findall(r"(\w+)=([\d.]+)", line)) for line in result.stdout.splitlines()
            if line.startswith("cycle=")]
    for row in rows:
        print(f"第 {row['cycle']} 轮后：已编辑 {row['edits']} 次，内存 {int(row['rss_kb']) / 1024:.0f} MiB，"
              f"用时 {float(row['seconds']):.1f} s")
    if len(rows) > 1:
        first, last = int(rows[1]["rss_kb"]), int(rows[-1]["rss_kb"])
        print(f"第 1 轮后到最后：内存 {first / 1024:.0f} → {last / 1024:.0f} MiB（增加 {(last - first) / 1024:.1f} MiB，"
              f"上限 60 MiB）；整个进程 {wall:.1f} s")
    print(f"退出码 {result.returncode}；标准错误输出 {len(result.stderr.splitlines())} 行")
    if result.stderr:
        print(result.stderr[-2000:], file=sys.stderr)
    autosave_cost()
    return result.returncode or (1 if result.stderr else 0)


if __name__ == "__main__":
    sys.exit(main())
