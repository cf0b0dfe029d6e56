"""The `audit` command: exit 0 every report read and none has errors, 1 some report has errors or could not be
read, 2 nothing audited (no folder, no files, the workbook cannot be written)."""

from __future__ import annotations

import sys
from pathlib import Path

from model.drafts_io import atomic_write_bytes, os_error_text


def _progress(done: int, total: int, name: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done == total else ""
    print(f"\r核查进度 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=sys.stderr,
          flush=True)


def run_audit(args) -> int:
    from export.audit_xlsx import render_audit_xlsx
    from model.audit import audit, report_files

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"错误：找不到文件夹“{folder}”。", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.is_dir():
        print(f"错误：输出“{out}”是一个文件夹，请给出 .xlsx 文件名。", file=sys.stderr)
        return 2
    if out.suffix.lower() != ".xlsx":
        print(f"错误：核查结果应写成 .xlsx 工作簿，“{out.name}”不是。", file=sys.stderr)
        return 2
    try:
        files = report_files(folder, skip={out.resolve()})
    except OSError as exc:
        print(f"错误：无法读取文件夹“{folder}”：{os_error_text(exc)}。", file=sys.stderr)
        return 2
    if not files:
        print(f"错误：文件夹“{folder}”中没有文件。", file=sys.stderr)
        return 2
    reports = audit(files, on_progress=_progress)
    try:
        atomic_write_bytes(out, render_audit_xlsx(reports))
    except OSError as exc:
        print(f"错误：无法写入“{out}”：{os_error_text(exc)}。", file=sys.stderr)
        return 2
    unreadable = [r for r in reports if r.unreadable]
    with_errors = [r for r in reports if not r.unreadable and r.errors]
    print(f"已核查 {len(reports) - len(unreadable)} 份报告，写入 {out}：{len(with_errors)} 份有错误，"
          f"{sum(r.warnings for r in reports)} 个警告。")
    for r in unreadable:
        print(f"无法读取：{r.file}：{r.unreadable}", file=sys.stderr)
    return 1 if unreadable or with_errors else 0
