"""Speed of the report model: one edit → recompute + all rules; load + validate a draft.

    uv run python benchmarks/model.py
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.drafts_io import load_draft  # noqa: E402
from model.state import ReportState  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "seeds" / "sample-2024.json"


def main() -> None:
    state = ReportState(load_draft(SAMPLE))
    times = []
    for i in range(500):
        t = time.perf_counter()
        state.set_value("s3.disclosed.natural", str(100 + i % 50))
        times.append(time.perf_counter() - t)
    print(f"一次编辑（重算全部合计并重跑全部规则，2021 年版）：中位数 {statistics.median(times) * 1000:.3f} ms"
          f"（目标 ≤ 1 ms），最慢 {max(times) * 1000:.3f} ms")
    loads = []
    for _ in range(100):
        t = time.perf_counter()
        ReportState(load_draft(SAMPLE))
        loads.append(time.perf_counter() - t)
    print(f"读取并校验一份草稿：中位数 {statistics.median(loads) * 1000:.2f} ms（目标 ≤ 20 ms）")


if __name__ == "__main__":
    main()
