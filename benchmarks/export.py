"""Where the time of `export` goes: the CPU time of each step, as the two processes of the command take them.

    uv run python benchmarks/export.py                      yuexiu-2023, 5 runs
    uv run python benchmarks/export.py --draft seeds/sample-2024.json --runs 9

`benchmarks/harness.py` times the whole command as the user waits for it; this explains that figure. Each run is
a fresh interpreter that does what `main.py export` does, step by step, and reports each step's CPU time
(time.process_time): the command's own process (arguments, the model, reading the draft, the layout, Excel, text),
the PDF process (reportlab, the fonts, the pages) and the Word process, which `export` runs side by side (Word in
the command's own process where a process cannot be forked). Bytecode is compiled
and the font cache warm, as in the harness; the medians of the runs are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One run: every step in the order the export command takes it, each step's CPU time in milliseconds.
_STEPS = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
steps, last = [], time.process_time()
def step(name, side):
    global last
    now = time.process_time()
    steps.append((side, name, (now - last) * 1000))
    last = now
import argparse, main
main.build_parser().parse_args(["export", sys.argv[2]])
import export.commands
step("解释器之后：命令行参数、export 命令模块", "命令进程")
from model.drafts_io import load_draft
from model.state import ReportState
from export import document as d
step("导入模型（pydantic、格式文件）", "命令进程")
state = ReportState(load_draft(sys.argv[2]), checked=False)
step("读草稿、计算", "命令进程")
doc = d.build_document(state, draft_mark=False)
step("排版（共用的版面，交给 PDF、Word 进程）", "命令进程")
state.errors()
step("校验（与 PDF、Word 同时）", "命令进程")
from export.docx_writer import render_docx
step("导入 Word 模块、读固定部分", "Word 进程")
render_docx(doc)
step("生成 Word", "Word 进程")
from export.xlsx_writer import render_xlsx
render_xlsx(state, doc)
step("生成 Excel（含导入）", "命令进程")
from export.txt_writer import write_text
write_text(doc)
step("生成纯文本（含导入）", "命令进程")
from export.fonts import find_fonts, missing_glyphs
from export.pdf_writer import prepare_pdf, render_pdf
step("导入 reportlab 与 PDF 模块", "PDF 进程")
fonts = find_fonts()
step("字体（缓存中读取、注册）", "PDF 进程")
prepare_pdf()
step("小样（等版面时排一页不保存的小样）", "PDF 进程")
missing_glyphs(doc, fonts)
render_pdf(doc, fonts)
step("生成 PDF（版面到达之后）", "PDF 进程")
print(json.dumps(steps, ensure_ascii=False))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description="export 各步骤的 CPU 时间")
    parser.add_argument("--draft", default=str(ROOT / "seeds" / "yuexiu-2023.json"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-export-steps-") as work:
        env = dict(os.environ, PYTHONPYCACHEPREFIX=str(Path(work) / "pycache"), NIANBAO_CACHE_DIR=str(Path(work) / "cache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cmd = [sys.executable, "-c", _STEPS, str(ROOT), str(Path(args.draft).resolve())]
        subprocess.run(cmd, env=env, check=True, capture_output=True)  # compiles bytecode, fills the font cache
        subprocess.run(cmd, env=env, check=True, capture_output=True)  # the fonts' subsets, as a repeated export
        runs = [json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout)
                for _ in range(args.runs)]
    print(f"{Path(args.draft).name}：每步 CPU 时间，{args.runs} 次的中位数（ms）；解释器启动本身另计（见 harness 的 python -c pass）")
    totals: dict[str, float] = {}
    for i, (side, name, _) in enumerate(runs[0]):
        ms = statistics.median(run[i][2] for run in runs)
        totals[side] = totals.get(side, 0.0) + ms
        print(f"  {side}  {name:<28} {ms:7.1f}")
    for side, ms in totals.items():
        print(f"  {side}合计 {ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
