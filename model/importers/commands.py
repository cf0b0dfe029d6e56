"""The `import` command: exit 0 every table cell read, 1 some missing or ambiguous, 2 nothing usable."""

from __future__ import annotations

import sys
from pathlib import Path

from model.drafts_io import save_draft
from model.importers import ImportError_, import_file


def run_import(args) -> int:
    try:
        draft, report = import_file(args.source)
    except ImportError_ as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        save_draft(draft, args.out)
    except OSError as exc:
        print(f"错误：无法写入“{args.out}”：{exc.strerror or exc}。", file=sys.stderr)
        return 2
    print("\n".join(report.lines()))
    print(f"已写入草稿：{Path(args.out)}")
    return 0 if report.complete else 1
