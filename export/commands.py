"""The `export` command: exit 0 written, 1 refused because of errors, 2 input unreadable.

The layout is built once and every format renders it; the PDF (the slowest, most of it imports and fonts that do
not depend on the report) renders in a second process started before the report is read (export.render_worker).
The report is checked while the other processes set its pages; errors found then refuse the export (or, when
allowed, set it again marked as a draft). Files are written only when every format has rendered, each atomically,
in the order asked for.
"""

from __future__ import annotations

import sys
from pathlib import Path

from export.render_worker import start_worker

# The formats worth a process of their own when others are exported with them, and how such a process may start.
# The PDF's imports and fonts take longer than reading the report, so they run while this process reads it; the
# Word file's imports and rendering run beside both where a process costs only a fork (a spawned interpreter on
# Windows would cost more than the document).
_IN_WORKER = {"pdf": ("fork", "spawn"), "docx": ("fork",)}
# The Word file takes less time than the PDF once the layout is there, so the export never waits for it: its
# process gives way to the two the export waits for (this one reading the report, the PDF's importing reportlab),
# which on a two-processor machine is what decides how long the export takes.
_GIVING_WAY = {"docx"}


def run_export(args) -> int:
    from export.writers import KINDS

    kinds = list(dict.fromkeys(k.strip().lower() for k in args.to.split(",") if k.strip()))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        print(f"错误：不支持的导出格式 {'、'.join(unknown) or '（未指定）'}，可选 {','.join(KINDS)}。", file=sys.stderr)
        return 2
    # What the PDF and Word processes need as well as this one (the layout's classes, the atomic writes, and with
    # them dataclasses, inspect, decimal, tempfile …) is imported before they are forked: once, not three times —
    # about 20 ms less for each of them, and this process needs it all anyway.
    import export.document  # noqa: F401
    import model.atomic_files  # noqa: F401

    workers = {k: start_worker(k, how, give_way=k in _GIVING_WAY)
               for k, how in _IN_WORKER.items() if k in kinds and len(kinds) > 1}
    workers = {k: w for k, w in workers.items() if w is not None}
    try:
        return _export(args, kinds, workers)
    finally:
        for worker in workers.values():
            worker.close()


def _export(args, kinds: list[str], workers: dict) -> int:
    from export import document as d
    from export.filenames import export_file_name
    from export.writers import KIND_NAMES, ExportRefused, render, save_rendered
    from model.drafts_io import DraftError, load_draft, os_error_text
    from model.paths import OutputRefused, refuse_overwriting_inputs
    from model.state import ReportState

    try:
        state = ReportState(load_draft(args.file), checked=False)  # checked below, while the pages are set
    except DraftError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"错误：无法创建输出文件夹“{out}”：{os_error_text(exc)}。", file=sys.stderr)
        return 2
    targets = {}
    for kind in kinds:
        target = out / export_file_name(state.title(), kind)  # {机关}{年度}年…报告.pdf, never a path
        try:
            refuse_overwriting_inputs(target, [args.file])
        except OutputRefused as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        targets[kind] = target
    # The pages of a report without errors are handed to the other processes before the report is checked, and
    # are set there while it is: an export waits for the checks only when they find errors — then nothing set
    # so far is kept, and the report is refused or (--allow-errors) set again here, marked as a draft.
    doc = d.build_document(state, draft_mark=False)
    for kind, worker in workers.items():
        worker.send(state, doc)
    errors = state.errors()
    if errors:
        for kind in list(workers):
            workers.pop(kind).close()
        if not args.allow_errors:
            print(str(ExportRefused(errors)), file=sys.stderr)
            return 1
        doc = d.build_document(state, draft_mark=True)
    rendered = {kind: render(state, kind, doc) for kind in kinds if kind not in workers}
    for kind, worker in workers.items():
        rendered[kind] = worker.result()
    fonts_reported = False
    missing: list[str] = []
    for kind in kinds:
        try:
            result = save_rendered(targets[kind], kind, doc, errors, rendered[kind])
        except OSError as exc:
            print(f"错误：无法写入“{targets[kind]}”：{os_error_text(exc)}。", file=sys.stderr)
            return 2
        print(f"已导出{KIND_NAMES[kind]}：{result.path}")
        if kind == "pdf" and not fonts_reported:
            print("  使用字体：" + "，".join(result.fonts_used))
            fonts_reported = True
        for note in result.notes:
            print(f"  {note}")
        missing += result.missing_chars
    if missing and not getattr(args, "accept_missing_glyphs", False):
        # the files are written, but a blank in a published report is a finding the user must decide on
        print(f"注意：PDF 中有 {len(missing)} 个字（{''.join(missing)}）本机没有字体可以显示，印出来是空白（位置见上）。"
              "请改用常用字或安装含这些字的字体后重新导出；确认接受空白请加 --accept-missing-glyphs。", file=sys.stderr)
        return 1
    return 0
