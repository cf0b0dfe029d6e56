"""Reports from the web: how much of a crawled one-line text is read right, how fast a portal page imports,
how long an audit of many reports takes.

    uv run python benchmarks/web.py [--audit N]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from export.writers import write_report  # noqa: E402
from model.drafts_io import load_draft  # noqa: E402
from model.importers import ImportError_, import_file  # noqa: E402
from model.importers.text import import_text, official_headings  # noqa: E402
from model.state import ReportState  # noqa: E402
from timing import timed  # noqa: E402  (benchmarks/timing.py, beside this script)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CORPUS = ROOT / "tests" / "data" / "corpus"


def seed_states() -> dict[str, ReportState]:
    return {p.stem: ReportState(load_draft(p)) for p in sorted(SEEDS.glob("*.json"))
            if not p.stem.endswith(".expected") and not p.stem.startswith("broken")}


def crawled_forms(text: str) -> dict[str, str]:
    """The text as a crawler leaves a portal page: one line, cells run together without separators; and the
    same with the six headings put on lines of their own."""
    one_line = re.sub(r"\s+", "", text)
    own_lines = one_line
    for _, heading in official_headings():
        own_lines = own_lines.replace(heading, f"\n{heading}\n")
    return {"一行": one_line, "标题各占一行": own_lines}


def crawled_accuracy() -> None:
    """Cells right / wrong (a number that is not the original's) / unfilled, over every seed's TXT export."""
    totals: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, state in seed_states().items():
            out = Path(tmp) / f"{name}.txt"
            write_report(state, "txt", out, allow_errors=True)
            text = out.read_text(encoding="utf-8")
            for form, crawled in crawled_forms(text).items():
                counts = totals.setdefault(form, [0, 0, 0, 0, 0])
                inputs = [p for p in state.spec.cells if p not in state.spec.computed_paths]
                counts[3] += len(inputs)
                try:
                    draft, _ = import_text(crawled, name)
                except ImportError_:
                    counts[4] += 1
                    counts[2] += len(inputs)
                    continue
                got = ReportState(draft)
                for p in inputs:
                    if got.value(p) is None:
                        counts[2] += 1
                    elif got.value(p) == state.value(p):
                        counts[0] += 1
                    else:
                        counts[1] += 1
    for form, (right, wrong, unfilled, total, refused) in totals.items():
        print(f"爬取文本（{form}）：正确 {right}/{total}（{right / total:.1%}），错误 {wrong}（{wrong / total:.1%}），"
              f"未填 {unfilled}；整份拒绝 {refused} 份")


def portal_page_speed() -> None:
    page = CORPUS / "shuyang-fgj_2023.html"
    if not page.exists():
        print(f"（没有找到 {page}，跳过门户网页导入计时）")
        return
    import_file(page)  # modules loaded once, as in a running app
    print(f"导入门户网页 {page.name}（{page.stat().st_size // 1024} KB）：{timed(lambda: import_file(page)):.3f} s"
          "（目标 ≤ 0.3 s）")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--audit", type=int, default=0, help="核查 N 份报告所用的时间（整个进程）")
    args = parser.parse_args()
    crawled_accuracy()
    portal_page_speed()
    if args.audit:
        audit_speed(args.audit)


def audit_speed(n: int) -> None:
    """A folder of n reports (the corpus and seed exports repeated), audited by `main.py audit` in its own
    process: the time a supervisor waits."""
    sources = [p for p in sorted(CORPUS.glob("*")) if p.suffix in (".html", ".pdf", ".txt", ".md")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        for name, state in seed_states().items():
            for kind in ("txt", "xlsx"):
                out = Path(tmp) / f"{name}.{kind}"
                write_report(state, kind, out, allow_errors=True)
                sources.append(out)
        for i in range(n):
            src = sources[i % len(sources)]
            shutil.copy(src, folder / f"{i:04d}-{src.name}")
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "audit", str(folder), "--out",
                               str(Path(tmp) / "核查结果.xlsx")], capture_output=True, text=True)
        elapsed = time.perf_counter() - t
    print(f"核查 {n} 份报告（整个进程）：{elapsed:.1f} s（目标 500 份 ≤ 60 s），退出码 {proc.returncode}")
    if proc.returncode == 2:
        print(proc.stderr[-2000:])


if __name__ == "__main__":
    main()
