"""What the user waits for, measured as the user waits: whole processes, from start to exit.

    uv run python benchmarks/harness.py                      every row, 5 runs each
    uv run python benchmarks/harness.py --runs 7 --only check,export
    uv run python benchmarks/harness.py --root /path/to/other/checkout   the same rows for another version

Each row starts the program the way a user does (`python main.py check …`), several times after one warm-up run
that is not counted, and prints the median with min and max of the wall time, the CPU time and the peak memory of
the process (the operating system's own accounting of each finished child, os.wait4). CPU time includes the
processes the command starts and waits for (export renders the PDF and the Word file in processes of its own);
peak memory is that of the largest of them, not their sum. Our export of all four
formats is timed in turn with LibreOffice converting our DOCX of the same report to PDF, run by run, so that the
ratio is taken on the same machine load; the ratio printed is the median of the per-pair ratios.

The program runs as installed: bytecode compiled (kept in a folder of this run, as `uv sync --compile-bytecode` and
the bundle give; the uncounted warm-up run writes it), and the font cache of this run warm except in the row that
says it is cold. Two rows only explain the export figure and run only when named in --only: `export-1proc`, the
same export with every format rendered in the command's own process (no second process for the PDF and the Word
file), and `export-nopyc`, the export with no compiled bytecode (a fresh bytecode folder each run: what a first
run costs after an install without --compile-bytecode, or every run where bytecode cannot be written).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = ROOT / "seeds"
SEED = "yuexiu-2023.json"


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    status: int


@dataclass
class Row:
    name: str
    what: str
    goal: str
    runs: list[Run] = field(default_factory=list)

    def figures(self, attr: str) -> tuple[float, float, float]:
        values = [getattr(r, attr) for r in self.runs]
        return min(values), statistics.median(values), max(values)


def run_once(cmd: list[str], env: dict, cwd: Path, prepare=None) -> Run:
    """One whole process: wall time from start to reaped, its CPU and peak memory as the kernel counted them."""
    if prepare is not None:
        prepare()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 1024 / 1024
    return Run(wall, usage.ru_utime + usage.ru_stime, peak, proc.returncode)


def measure(rows: list[tuple[Row, list[str], dict, Path, object]], runs: int) -> None:
    """Warm up each command once, then run them in turn (A B A B …) so that load drifts hit them alike."""
    for row, cmd, env, cwd, prepare in rows:
        run_once(cmd, env, cwd, prepare)
    for _ in range(runs):
        for row, cmd, env, cwd, prepare in rows:
            row.runs.append(run_once(cmd, env, cwd, prepare))


def fmt_row(row: Row) -> str:
    if not row.runs:
        return f"| {row.what} | – | – | – | {row.goal} |"
    w = row.figures("wall")
    c = row.figures("cpu")
    m = row.figures("peak_mib")
    bad = sum(1 for r in row.runs if r.status != 0)
    note = f"（{bad} 次退出码非 0）" if bad else ""
    return (f"| {row.what}{note} | {w[1]:.3f} s ({w[0]:.3f}–{w[2]:.3f}) | {c[1]:.3f} s | {m[1]:.0f} MiB (max {m[2]:.0f}) "
            f"| {row.goal} |")


def program_env(work: Path, cache: Path) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["NIANBAO_CACHE_DIR"] = str(cache)
    env["NIANBAO_LOG_DIR"] = str(work / "logs")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def make_units(folder: Path, count: int) -> Path:
    """`count` unit drafts (the sample report under different agency names), made once per run."""
    sys.path.insert(0, str(ROOT))
    from model.drafts_io import load_draft, save_draft
    from model.state import ReportState

    folder.mkdir(parents=True, exist_ok=True)
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    for k in range(count):
        state.set_meta(agency=f"江南市第{k:05}局")  # a roll-up refuses two drafts of one agency
        save_draft(state.to_draft(), folder / f"u{k:05}.json")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description="整进程计时：用户等待的每一项")
    parser.add_argument("--runs", type=int, default=5, help="每项计数的运行次数（另有一次预热不计）")
    parser.add_argument("--only", default="", help="只测这些项，逗号分隔："
                        "check,export,export-cold,long-pdf,rollup100,rollup1000,rollup10000；"
                        "仅在点名时运行：export-1proc,export-nopyc")
    parser.add_argument("--root", default=str(ROOT), help="被测的程序目录（含 main.py），默认本目录")
    parser.add_argument("--python", default=sys.executable, help="运行程序的 Python")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    explaining = {"export-1proc", "export-nopyc"}  # rows that explain another row: only when asked for
    wanted = (lambda name: name in only if name in explaining else not only or name in only)
    py = args.python

    work = Path(tempfile.mkdtemp(prefix="nianbao-harness-"))
    try:
        cache = work / "cache"
        env = program_env(work, cache)
        seed = work / SEED
        shutil.copy(SEEDS / SEED, seed)
        out = work / "out"
        table: list[Row] = []

        def main_py(*words) -> list[str]:
            return [py, str(root / "main.py"), *map(str, words)]

        # bare interpreter: the floor every whole-process figure stands on
        bare = Row("bare", "`python -c pass`（参照：解释器本身）", "—")
        measure([(bare, [py, "-c", "pass"], env, work, None)], args.runs)
        table.append(bare)

        if wanted("check"):
            row = Row("check", f"`check` {SEED}", "≤ 0.25 s")
            measure([(row, main_py("check", seed), env, work, None)], args.runs)
            table.append(row)

        ratio_line = ""
        if any(wanted(name) for name in ("export", "export-cold", "export-1proc", "export-nopyc")):
            export = Row("export", f"`export` {SEED} 四种格式", "≤ 0.25 × LibreOffice")
            cold = Row("export-cold", f"`export` {SEED} 四种格式，字体缓存为空（首次导出）", "—")
            one = Row("export-1proc", f"`export` {SEED} 四种格式，全部在命令自己的进程里生成（对照）", "—")
            nopyc = Row("export-nopyc", f"`export` {SEED} 四种格式，字节码未预编译（对照）", "—")
            soffice = shutil.which("soffice") or shutil.which("libreoffice")
            lo = Row("lo", "LibreOffice 把同一份 DOCX 转为 PDF", "参照")
            pairs = []
            if wanted("export"):
                pairs.append((export, main_py("export", seed, "--out", out), env, work, None))
            if wanted("export-cold"):
                cold_env = dict(env, NIANBAO_CACHE_DIR=str(work / "cold-cache"))
                pairs.append((cold, main_py("export", seed, "--out", out / "cold"), cold_env, work,
                              lambda: shutil.rmtree(work / "cold-cache", ignore_errors=True)))
            if wanted("export-1proc"):
                pairs.append((one, main_py("export", seed, "--out", out / "one"),
                              dict(env, NIANBAO_EXPORT_WORKER="none"), work, None))
            if wanted("export-nopyc"):
                pairs.append((nopyc, main_py("export", seed, "--out", out / "nopyc"),
                              dict(env, PYTHONPYCACHEPREFIX=str(work / "nopyc")), work,
                              lambda: shutil.rmtree(work / "nopyc", ignore_errors=True)))
            docx = None
            if soffice:
                subprocess.run(main_py("export", seed, "--to", "docx", "--out", work / "docx"), env=env,
                               capture_output=True, check=True)
                docx = next((work / "docx").glob("*.docx"))
                profile = f"-env:UserInstallation=file://{work}/lo-profile"  # our own: never handed to another
                pairs.append((lo, [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir",
                                   str(work / "lo"), str(docx)], env, work, None))
            measure(pairs, args.runs)
            table += [r for r in (export, cold, one, nopyc) if r.runs]
            if docx is not None:
                table.append(lo)
                if export.runs:
                    ratios = [a.wall / b.wall for a, b in zip(export.runs, lo.runs)]
                    ratio_line = (f"导出四种格式 / LibreOffice 转 PDF（逐对之比）：中位数 {statistics.median(ratios):.2f}"
                                  f"（{min(ratios):.2f}–{max(ratios):.2f}），目标 ≤ 0.25")
            else:
                ratio_line = "未安装 LibreOffice：没有比值。"

        if wanted("long-pdf"):
            long_draft = work / "long-94.json"
            subprocess.run([py, str(HERE / "long_report.py"), "--pages", "94", "--out", str(long_draft)],
                           check=True, capture_output=True, cwd=ROOT)
            row = Row("long-pdf", "94 页报告（长文本 + 图片）导出 PDF", "≤ 2 s，≤ 300 MiB")
            measure([(row, main_py("export", long_draft, "--to", "pdf", "--allow-errors", "--out", out / "long"),
                      env, work, None)], args.runs)
            pdfs = list((out / "long").glob("*.pdf"))
            if pdfs:  # the page count the PDF really has (page objects, not the /Pages tree)
                pages = len(re.findall(rb"/Type /Page(?![s\w])", pdfs[0].read_bytes()))
                row.what = f"{pages} 页报告（长文本 + 图片）导出 PDF"
            table.append(row)

        for count, goal in ((100, "—"), (1000, "≤ 1.5 s"), (10000, "≤ 12 s，≤ 400 MiB")):
            name = f"rollup{count}"
            if not wanted(name):
                continue
            units = make_units(work / f"units{count}", count)
            row = Row(name, f"汇总 {count:,} 份草稿（`aggregate` 文件夹 → 草稿 + 核对表）", goal)
            target = work / f"rollup{count}.json"
            measure([(row, main_py("aggregate", units, "--out", target, "--xlsx", work / f"rollup{count}.xlsx",
                                   "--agency", "江南市", "--force"), env, work,
                      lambda t=target: (t.unlink(missing_ok=True), t.with_suffix(".xlsx").unlink(missing_ok=True)))],
                    args.runs)
            table.append(row)

        print(f"程序目录：{root}；Python：{py}；每项 {args.runs} 次（另预热 1 次）；"
              f"{os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}")
        print("| 用户等待的 | 墙钟中位数 (最小–最大) | CPU 中位数 | 峰值内存 | 目标 |")
        print("|---|---|---|---|---|")
        for row in table:
            print(fmt_row(row))
        if ratio_line:
            print(ratio_line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
