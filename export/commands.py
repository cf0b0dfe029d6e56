"""The `export` command: exit 0 written, 1 refused because of errors, 2 input unreadable."""

from __future__ import annotations

import sys
from pathlib import Path

from export.filenames import export_file_name
from export.writers import KIND_NAMES, KINDS, ExportRefused, write_report
from model.drafts_io import DraftError, load_draft, os_error_text
from model.paths import OutputRefused, refuse_overwriting_inputs
from model.state import ReportState


def run_export(args) -> int:
    kinds = [k.strip().lower() for k in args.to.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        print(f"错误：不支持的导出格式 {'、'.join(unknown) or '（未指定）'}，可选 {','.join(KINDS)}。", file=sys.stderr)
        return 2
    try:
        state = ReportState(load_draft(args.file))
    except DraftError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"错误：无法创建输出文件夹“{out}”：{os_error_text(exc)}。", file=sys.stderr)
        return 2
    fonts_reported = False
    missing: list[str] = []
    for kind in kinds:
        target = out / export_file_name(state.title(), kind)  # {机关}{年度}年…报告.pdf, never a path
        try:
            refuse_overwriting_inputs(target, [args.file])
        except OutputRefused as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        try:
            result = write_report(state, kind, target, allow_errors=args.allow_errors)
        except ExportRefused as exc:
            print(str(exc), file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"错误：无法写入“{target}”：{os_error_text(exc)}。", file=sys.stderr)
            return 2
        print(f"已导出{KIND_NAMES[kind]}：{result.path}")
        if kind == "pdf" and not fonts_reported:
            print("  使用字体：" + "，".join(result.fonts_used))
            fonts_reported = True
        for note in result.notes:
            print(f"  {note}")
        missing += result.missing_chars
    if missing and not args.accept_missing_glyphs:
        # the files are written, but a blank in a published report is a finding the user must decide on
        print(f"注意：PDF 中有 {len(missing)} 个字（{''.join(missing)}）本机没有字体可以显示，印出来是空白（位置见上）。"
              "请改用常用字或安装含这些字的字体后重新导出；确认接受空白请加 --accept-missing-glyphs。", file=sys.stderr)
        return 1
    return 0
