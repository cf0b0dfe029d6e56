"""政务公开年报助手 — start the app, or run one of its commands.

    uv run main.py                      open the app on the sample report
    uv run main.py FILE.json            open the app on a draft
    uv run main.py new|check|export|import|aggregate …   (see --help)
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys

from model.user_cache import LOG_DIR_ENV, log_dir  # noqa: F401 — LOG_DIR_ENV is how tests point the logs elsewhere


# Each command's handler lives with the code it drives; it is imported only when the command runs, so that
# `check` does not pay for reportlab and no command pays for Qt.
HANDLERS = {
    "new": "model.commands:run_new",
    "check": "model.commands:run_check",
    "export": "export.commands:run_export",
    "import": "model.importers.commands:run_import",
    "aggregate": "export.rollup_command:run_aggregate",
    "audit": "export.audit_command:run_audit",
}


COMMAND_WORDS = {"new": "新建草稿", "check": "校验", "export": "导出", "import": "导入", "aggregate": "汇总", "audit": "核查"}


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its error line in Chinese: one line, exit 2, no English usage text."""

    _MESSAGES = [
        (r"the following arguments are required: (.*)", "缺少必填参数：{0}"),
        (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
        (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", "参数 {0} 的取值 {1} 无效（可选：{2}）"),
        (r"argument (\S+): invalid int value: (.*)", "参数 {0} 应为整数，实际为 {1}"),
        (r"argument (\S+): expected one argument", "参数 {0} 后面缺少取值"),
        (r"argument (\S+): ignored explicit argument (.*)", "参数 {0} 不接受取值 {1}"),
        (r"ambiguous option: (\S+) could match (.*)", "参数 {0} 有歧义，可能是 {1}"),
    ]

    def error(self, message: str):
        for pattern, words in self._MESSAGES:
            m = re.fullmatch(pattern, message)
            if m:
                message = words.format(*m.groups())
                break
        else:
            message = "命令行参数有误"
        print(f"错误：{message}。用 “{self.prog} --help” 查看用法。", file=sys.stderr)
        raise SystemExit(2)


class VersionAction(argparse.Action):
    """--version: the version is read (pyproject.toml, tomllib) only when asked for, not on every command's start."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from model.version import APP_NAME, version

        print(f"{APP_NAME} {version()}")
        parser.exit()


class _FormatIds:
    """The format ids as argparse choices (the files in resources/formats), listed only when `new --format` is
    checked or help is shown: parsing any other command's arguments does not import the model."""

    def _ids(self) -> list[str]:
        from model.spec import format_ids

        return format_ids()

    def __contains__(self, value) -> bool:
        return value in self._ids()

    def __iter__(self):
        return iter(self._ids())


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="main.py", description="政务公开年报助手：政府信息公开工作年度报告的填报、校验与导出")
    parser.add_argument("--debug", action="store_true",
                        help="出现程序内部错误时显示完整的错误信息（traceback），供维护人员排查")
    parser.add_argument("--version", action=VersionAction, help="显示版本号后退出")
    parser.add_argument("--self-check", action="store_true",
                        help="自检：在临时文件夹中打开示例报告，自动填写、保存、重新打开、导出全部格式并打印到 PDF 文件，"
                             "逐项报告结果（全部正常时退出码为 0）；不改动本机的草稿和设置")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("new", help="新建年报草稿")
    p.add_argument("--year", type=int, required=True, help="报告年度，如 2025")
    p.add_argument("--agency", help="机关名称（从上年报告结转时可省略）")
    p.add_argument("--format", choices=_FormatIds(), metavar="格式",
                   help="格式版本（%(choices)s）；省略时按年度自动选择")
    p.add_argument("--from", dest="previous", metavar="LAST.json", help="从上年报告结转（草稿或导入后的草稿）")
    p.add_argument("--out", required=True, help="输出的草稿文件 .json")
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")

    p = sub.add_parser("check", help="校验草稿，列出错误和警告")
    p.add_argument("file", help="草稿文件 .json")
    p.add_argument("--json", action="store_true", help="以 JSON 列表输出")
    p.add_argument("--previous", metavar="LAST.json", help="上年报告草稿，用于跨年度校验")

    p = sub.add_parser("export", help="导出 PDF、Word、Excel、纯文本")
    p.add_argument("file", help="草稿文件 .json")
    p.add_argument("--to", default="pdf,docx,xlsx,txt", help="格式，逗号分隔：pdf,docx,xlsx,txt,html")
    p.add_argument("--out", default=".", help="输出文件夹")
    p.add_argument("--allow-errors", action="store_true", help="有错误时仍导出（标注“草稿（未通过校验）”）")
    p.add_argument("--accept-missing-glyphs", action="store_true",
                   help="PDF 中有本机字体都没有的字（印为空白）时仍以退出码 0 结束")

    p = sub.add_parser("import", help="从已发布的报告（.txt/.pdf/.docx）或填好的 Excel 导入为草稿")
    p.add_argument("source", help="来源文件")
    p.add_argument("--out", required=True, help="输出的草稿文件 .json")
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")

    p = sub.add_parser("aggregate", help="汇总多个单位的草稿")
    p.add_argument("inputs", nargs="+", help="草稿文件或文件夹")
    p.add_argument("--out", required=True, help="汇总草稿 .json")
    p.add_argument("--xlsx", help="同时写出汇总核对表 .xlsx")
    p.add_argument("--agency", help="汇总报告的机关名称")
    p.add_argument("--keep", action="append", metavar="FILE",
                   help="同一单位（机关名称和年度相同）有多份草稿时，指定计入哪一份；可多次使用")
    p.add_argument("--force", action="store_true", help="允许写入所汇总的文件夹，或覆盖已有的非汇总文件")

    p = sub.add_parser("audit", help="核查一个文件夹中已发布的报告（网页、PDF、Word、文本、Excel、草稿），写出核查结果工作簿")
    p.add_argument("folder", help="存放各单位报告的文件夹")
    p.add_argument("--out", required=True, help="核查结果 .xlsx")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --debug may stand anywhere on the line; the commands themselves never see it
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    if argv == ["--self-check"]:
        from gui.self_check import run_self_check

        return run_self_check()
    if not argv or (argv[0] not in HANDLERS and not argv[0].startswith("-")):
        from gui.app import run_app

        return run_app(argv[0] if argv else None)
    _printable_output()
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    try:
        module, func = HANDLERS[args.command].split(":")
        code = getattr(importlib.import_module(module), func)(args)
        global _command_finished
        _command_finished = True
        return code
    except KeyboardInterrupt:
        print("错误：操作已中断，未完成的文件没有写入。", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # whoever read our output stopped early (`check … | head`): nothing went wrong here, and Python must
        # not complain in English when it flushes the closed pipe at exit
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 0
    except Exception as exc:  # noqa: BLE001 — the last line of defence: the user sees one line, we get a log
        if debug:
            raise
        spec_error = sys.modules.get("model.spec") and getattr(sys.modules["model.spec"], "SpecError", None)
        if spec_error and isinstance(exc, spec_error):
            # a format file that checks itself on load names its own fault (file and JSON path): not ours to log
            print(f"错误：{exc}。请改正该格式文件（或从 NIANBAO_FORMATS_DIR 指定的文件夹中移走它）后重试。", file=sys.stderr)
            return 2
        print(internal_error_message(args, exc), file=sys.stderr)
        return 2


_command_finished = False  # a command (not the window) ran to its end in this process


def end_finished_command(code: int) -> None:
    """End the process of a command that ran to its end at once, after what an orderly exit does that matters here:
    the exit handlers (temporary folders, multiprocessing's helpers) and flushing the output. Python's own teardown
    would then free the objects of every loaded module one by one — about 40 ms after an export, a seventh of the
    whole command — for memory the operating system takes back at once. Returns (the orderly exit follows) when no
    command finished, or while another thread still runs (the orderly exit waits for it)."""
    threading = sys.modules.get("threading")
    if not _command_finished or not isinstance(code, int) or (threading and threading.active_count() > 1):
        return
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass  # a reader that went away (`… | head`): nothing more can be told
    os._exit(code)


def _printable_output() -> None:
    # a console whose code page lacks a character (𠀀 in an agency name on a GBK console) must not turn
    # printing a result into a crash
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def write_crash_log(args, exc: BaseException) -> Path:
    import datetime as dt  # here: only a crash needs them, and every command's start would pay for them
    import traceback
    from pathlib import Path

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"time: {dt.datetime.now().isoformat()}\ncommand: {sys.argv[0]} {vars(args)}\n"
            f"python: {sys.version}\n\n" + "".join(traceback.format_exception(exc)))
    for folder in (log_dir(), Path(__import__("tempfile").gettempdir()) / "nianbao-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"error-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    raise OSError("no writable log folder")


def internal_error_message(args, exc: BaseException) -> str:
    """One Chinese line for an error nobody foresaw; the traceback goes to a log file named in the line."""
    what = COMMAND_WORDS.get(args.command, "命令")
    source = getattr(args, "file", None) or getattr(args, "source", None)
    where = f"（文件“{os.path.basename(source)}”）" if isinstance(source, str) else ""
    if isinstance(exc, MemoryError):
        return f"错误：内存不足，{what}未完成{where}。请关闭其他程序后重试。"
    if isinstance(exc, RecursionError):
        return f"错误：内容嵌套过深，{what}未完成{where}。"
    try:
        log = write_crash_log(args, exc)
        saved = f"详细记录已写入“{log}”，请将该文件发给维护人员"
    except OSError:
        saved = "无法写入详细记录；加 --debug 重新运行可看到详细信息"
    return f"错误：程序内部错误，{what}未完成{where}。{saved}。"


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # the bundled program on Windows starts export's second process (export.render_worker) by running itself
        # again; this hands that run to the worker instead of the command line
        import multiprocessing

        multiprocessing.freeze_support()
    exit_code = main()
    end_finished_command(exit_code)
    sys.exit(exit_code)
