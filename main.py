"""政务公开年报助手 — start the app, or run one of its commands.

    uv run main.py                      open the app on the sample report
    uv run main.py FILE.json            open the app on a draft
    uv run main.py new|check|export|import|aggregate …   (see --help)
"""

from __future__ import annotations

import argparse
import importlib
import sys

# Each command's handler lives with the code it drives; it is imported only when the command runs, so that
# `check` does not pay for reportlab and no command pays for Qt.
HANDLERS = {
    "new": "model.commands:run_new",
    "check": "model.commands:run_check",
    "export": "export.commands:run_export",
    "import": "model.importers.commands:run_import",
    "aggregate": "export.rollup_command:run_aggregate",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="政务公开年报助手：政府信息公开工作年度报告的填报、校验与导出")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser("new", help="新建年报草稿")
    p.add_argument("--year", type=int, required=True, help="报告年度，如 2025")
    p.add_argument("--agency", help="机关名称（从上年报告结转时可省略）")
    p.add_argument("--format", choices=["2019", "2021"], help="格式版本；省略时按年度自动选择")
    p.add_argument("--from", dest="previous", metavar="LAST.json", help="从上年报告结转（草稿或导入后的草稿）")
    p.add_argument("--out", required=True, help="输出的草稿文件 .json")

    p = sub.add_parser("check", help="校验草稿，列出错误和警告")
    p.add_argument("file", help="草稿文件 .json")
    p.add_argument("--json", action="store_true", help="以 JSON 列表输出")
    p.add_argument("--previous", metavar="LAST.json", help="上年报告草稿，用于跨年度校验")

    p = sub.add_parser("export", help="导出 PDF、Word、Excel、纯文本")
    p.add_argument("file", help="草稿文件 .json")
    p.add_argument("--to", default="pdf,docx,xlsx,txt", help="格式，逗号分隔：pdf,docx,xlsx,txt")
    p.add_argument("--out", default=".", help="输出文件夹")
    p.add_argument("--allow-errors", action="store_true", help="有错误时仍导出（标注“草稿（未通过校验）”）")

    p = sub.add_parser("import", help="从已发布的报告（.txt/.pdf/.docx）或填好的 Excel 导入为草稿")
    p.add_argument("source", help="来源文件")
    p.add_argument("--out", required=True, help="输出的草稿文件 .json")

    p = sub.add_parser("aggregate", help="汇总多个单位的草稿")
    p.add_argument("inputs", nargs="+", help="草稿文件或文件夹")
    p.add_argument("--out", required=True, help="汇总草稿 .json")
    p.add_argument("--xlsx", help="同时写出汇总核对表 .xlsx")
    p.add_argument("--agency", help="汇总报告的机关名称")
    p.add_argument("--keep", action="append", metavar="FILE",
                   help="同一单位（机关名称和年度相同）有多份草稿时，指定计入哪一份；可多次使用")
    p.add_argument("--force", action="store_true", help="允许写入所汇总的文件夹，或覆盖已有的非汇总文件")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0] not in HANDLERS and not argv[0].startswith("-")):
        from gui.app import run_app

        return run_app(argv[0] if argv else None)
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    module, func = HANDLERS[args.command].split(":")
    return getattr(importlib.import_module(module), func)(args)


if __name__ == "__main__":
    sys.exit(main())
