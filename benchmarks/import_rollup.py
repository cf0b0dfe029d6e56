"""Speed of import and roll-up: a 10-page report text, a PDF, and 1,000 drafts summed (read, summed, workbook
made: where a roll-up's time goes; the whole command is timed by benchmarks/harness.py's rollup rows).

    uv run python benchmarks/import_rollup.py
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from export.writers import write_report  # noqa: E402
from model.drafts_io import load_draft, save_draft  # noqa: E402
from model.importers import import_file  # noqa: E402
from model.importers.text import import_text  # noqa: E402
from export.rollup_xlsx import render_rollup_xlsx  # noqa: E402
from model.rollup import aggregate_units  # noqa: E402
from model.rollup_inputs import gather  # noqa: E402
from model.state import ReportState  # noqa: E402
from timing import timed  # noqa: E402  (benchmarks/timing.py, beside this script)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def main() -> None:
    base = (SEEDS / "panyu-2020.txt").read_text(encoding="utf-8")
    i = base.find("（二）突出亮点")
    filler = base[i: base.find("二、主动公开")]
    text = base.replace(filler, filler * 4)  # about ten pages of text
    pages = len(text.replace("\n", "")) / (22 * 28)
    print(f"导入约 {pages:.0f} 页的报告文本：{timed(lambda: import_text(text)):.3f} s（目标 ≤ 0.2 s）")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        state = ReportState(load_draft(SEEDS / "sample-2024.json"))
        pdf = write_report(state, "pdf", tmp / "s.pdf").path
        print(f"导入 PDF（{pdf.stat().st_size // 1024} KB）：{timed(lambda: import_file(pdf)):.3f} s（目标 ≤ 1 s）")
        units = tmp / "units"
        units.mkdir()
        for k in range(1000):
            state.set_meta(agency=f"江南市第{k:04}局")  # a roll-up refuses two drafts of one agency
            save_draft(state.to_draft(), units / f"u{k:04}.json")
        t = time.perf_counter()
        gathered = gather([str(units)], parallel=True)  # as `aggregate` reads a folder: listed, read, checked
        loaded = time.perf_counter() - t
        assert len(gathered.units) == 1000
        t = time.perf_counter()
        result = aggregate_units(gathered.units, agency="江南市")
        summed = time.perf_counter() - t
        t = time.perf_counter()
        render_rollup_xlsx(result, gathered.skipped)
        workbook = time.perf_counter() - t
        print(f"汇总 1000 份草稿：读取 {loaded:.2f} s + 汇总 {summed:.2f} s + 核对表 {workbook:.2f} s = "
              f"{loaded + summed + workbook:.2f} s（整个命令的目标 ≤ 1.5 s，见 harness.py）")


if __name__ == "__main__":
    main()
