"""The `aggregate` command: exit 0 summed, 1 summed but some units have errors or could not be read, 2 cannot
sum (nothing to sum, mixed years, the same unit twice, an amount that cannot be converted exactly, an output
that would replace an input or land in the folder being read)."""

from __future__ import annotations

import sys
from pathlib import Path

from model.drafts_io import DraftError, load_draft, save_draft
from model.paths import OutputRefused, refuse_overwriting_inputs
from model.rollup import DuplicateUnits, RollupError, aggregate_units
from model.rollup_inputs import GatheredFiles, gather
from model.state import ReportState


def run_aggregate(args) -> int:
    gathered = gather(args.inputs, on_progress=_progress_bar, parallel=True,
                      meanwhile=_load_workbook_writer if args.xlsx else None)
    for item in gathered.skipped:
        print(item.line(), file=sys.stderr)
    if not gathered.units:
        print("错误：没有可以汇总的草稿。", file=sys.stderr)
        return 2
    force = getattr(args, "force", False)
    try:
        keep = _kept_names(getattr(args, "keep", None) or [], gathered)
    except RollupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        for target in (args.out, args.xlsx):
            if target:
                _refuse_output(target, gathered, force, is_draft=target == args.out)
        if args.xlsx and Path(args.xlsx).resolve() == Path(args.out).resolve():
            raise OutputRefused(f"汇总草稿和核对表不能写到同一个文件“{args.out}”。")
    except OutputRefused as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        result = aggregate_units(gathered.units, agency=args.agency or "", keep=keep)
    except DuplicateUnits as exc:
        print(f"错误：{exc}如确需从中选一份，用 --keep 文件 指明计入哪一份。", file=sys.stderr)
        return 2
    except RollupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    for item in result.left_out:
        print(item.line(), file=sys.stderr)
    workbook = None
    if args.xlsx:
        from export.rollup_xlsx import render_rollup_xlsx

        workbook = render_rollup_xlsx(result, gathered.skipped)
    try:
        save_draft(result.draft, args.out)
    except OSError as exc:
        print(f"错误：无法写入“{args.out}”：{exc.strerror or exc}。", file=sys.stderr)
        return 2
    if workbook is not None:
        from model.drafts_io import atomic_write_bytes

        try:
            atomic_write_bytes(args.xlsx, workbook)
        except OSError as exc:
            print(f"错误：汇总草稿已写入“{args.out}”，但无法写入核对表“{args.xlsx}”：{exc.strerror or exc}。",
                  file=sys.stderr)
            return 2
    print(f"已汇总 {len(result.units)} 个单位的报告，写入 {args.out}" + (f"，核对表 {args.xlsx}" if args.xlsx else ""))
    summary = result.summary or ReportState(result.draft)
    sum_errors = [i for i in summary.errors() if i.rule not in ("F-2",)]  # F-2: text still to be written
    print(f"汇总报告的表格：{'勾稽关系正确' if not sum_errors else '有 ' + str(len(sum_errors)) + ' 个错误'}；文字部分留待编写。")
    not_counted = [s for s in gathered.skipped + result.left_out if s.incomplete]
    if not_counted:
        print(f"有 {len(not_counted)} 个文件未计入，汇总可能不完整，请核对：" + "、".join(s.name for s in not_counted))
    if result.units_with_errors:
        print(f"以下 {len(result.units_with_errors)} 个单位的报告本身有错误，请核对：" + "、".join(result.units_with_errors))
    return 1 if not_counted or result.units_with_errors else 0


def _load_workbook_writer() -> None:
    """The workbook's modules (openpyxl and the exporter, a quarter of a second) load while the units are read."""
    import export.rollup_xlsx  # noqa: F401


def _kept_names(keep: list[str], gathered: GatheredFiles) -> list[str]:
    """--keep names files as the user likes; match them with the units by the file on disk."""
    names = []
    for item in keep:
        resolved = Path(item).resolve()
        match = [u.name for u in gathered.units if u.path == resolved]
        if not match:
            raise RollupError(f"--keep 指定的“{item}”不是参与汇总的草稿。")
        names += match
    return names


def _refuse_output(target: str, gathered: GatheredFiles, force: bool, is_draft: bool) -> None:
    """Never onto a file that was read; not inside a folder that was read, nor over an existing file that is
    not an earlier summary, unless --force."""
    refuse_overwriting_inputs(target, gathered.read_paths())
    resolved = Path(target).resolve()
    # checked before anything is written, so that a bad --xlsx does not leave the draft written alone
    if resolved.is_dir():
        raise OutputRefused(f"“{target}”是一个文件夹；请给出要写入的文件名。")
    if not resolved.parent.is_dir():
        raise OutputRefused(f"“{target}”所在的文件夹“{resolved.parent}”不存在。")
    for folder in gathered.folders:
        if resolved.is_relative_to(folder) and not force:
            raise OutputRefused(f"“{target}”位于所汇总的文件夹“{folder}”内；汇总结果默认不写入所读的文件夹，"
                                "请另选位置，或加 --force 确认写入。")
    if is_draft and resolved.exists() and not force and not _is_earlier_summary(resolved):
        raise OutputRefused(f"“{target}”已存在，且不是此前生成的汇总报告；请另选文件名，或加 --force 确认覆盖。")


def _is_earlier_summary(path: Path) -> bool:
    try:
        return load_draft(path).rollup is not None
    except DraftError:
        return False


def _progress_bar(done: int, total: int) -> None:
    if total < 20:
        return
    if done < total and 100 * done // total == 100 * (done - 1) // total:
        return  # the bar moves by whole percents: a line per file was a noticeable share of a large roll-up
    width = 30
    filled = width * done // total
    print(f"\r汇总进度 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end="" if done < total else "\n",
          file=sys.stderr, flush=True)
