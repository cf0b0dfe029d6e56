"""Speed of the exporters on sample-2024, fonts already registered, and our PDF against LibreOffice's.

    uv run python benchmarks/export.py
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from export.fonts import find_fonts  # noqa: E402
from export.writers import write_report  # noqa: E402
from model.drafts_io import load_draft  # noqa: E402
from model.state import ReportState  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "seeds" / "sample-2024.json"


def best(fn, runs=5) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def main() -> None:
    state = ReportState(load_draft(SAMPLE))
    t = time.perf_counter()
    find_fonts()
    print(f"查找并注册字体（每个进程一次）：{time.perf_counter() - t:.3f} s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for kind in ("pdf", "docx", "xlsx", "txt"):
            write_report(state, kind, tmp / f"warm.{kind}")  # imports and caches
        per = {k: best(lambda k=k: write_report(state, k, tmp / f"s.{k}")) for k in ("pdf", "docx", "xlsx", "txt")}
        total = sum(per.values())
        for k, v in per.items():
            print(f"  {k}: {v * 1000:.0f} ms")
        print(f"四种格式合计：{total:.3f} s（目标 ≤ 0.5 s），其中 PDF {per['pdf']:.3f} s（目标 ≤ 0.2 s）")
        if shutil.which("soffice"):
            profile = f"-env:UserInstallation=file://{tmp}/lo-profile"
            cmd = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp / "lo"), str(tmp / "s.docx")]
            subprocess.run(cmd, capture_output=True, timeout=300)  # first run creates the profile
            lo = best(lambda: subprocess.run(cmd, capture_output=True, timeout=300), runs=3)
            print(f"LibreOffice 把我们的 DOCX 转为 PDF：{lo:.3f} s；本程序直接生成 PDF：{per['pdf']:.3f} s；"
                  f"快 {lo / per['pdf']:.1f} 倍（目标 ≥ 3 倍）")
        else:
            print("未安装 LibreOffice，跳过对比。")


if __name__ == "__main__":
    main()
