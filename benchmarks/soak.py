"""A longer soak than the test: many edits through the real widgets and new / open / import cycles, with the
memory (RSS) after each cycle and the time taken.

    uv run python benchmarks/soak.py                 3,000 edits, 5 cycles
    uv run python benchmarks/soak.py --edits 10000 --cycles 10
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

DRIVER = Path(__file__).resolve().parent.parent / "tests" / "soak_driver.py"


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
    return result.returncode or (1 if result.stderr else 0)


if __name__ == "__main__":
    sys.exit(main())
