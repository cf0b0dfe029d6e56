"""The `import` command: exit 0 every table cell read, 1 some missing or ambiguous, 2 nothing usable."""

from __future__ import annotations

import sys
from pathlib import Path

from model.drafts_io import os_error_text, save_draft
from model.importers import ImportError_, import_file
from model.paths import OutputRefused, refuse_overwriting_inputs


def run_import(args) -> int:
    try:
        refuse_overwriting_inputs(args.out, [args.source])
    except OutputRefused as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if Path(args.out).exists() and not getattr(args, "force", False):
        kind = "文件夹" if Path(args.out).is_dir() else "文件"
        print(f"错误：{kind}“{args.out}”已存在，导入不会覆盖它；要覆盖请加 --force，或换一个 --out 文件名。", file=sys.stderr)
        return 2
    try:
        draft, report = import_file(args.source)
    except ImportError_ as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        save_draft(draft, args.out)
    except OSError as exc:
        print(f"错误：无法写入“{args.out}”：{os_error_text(exc)}。", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    print(f"已写入草稿：{Path(args.out)}")
    return 0 if report.complete else 1
