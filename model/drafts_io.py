"""Reading and writing .json drafts.

Writes are atomic (model.atomic_files), so a crash or a full disk never leaves a half-written draft. Reading never shows a traceback: every problem becomes a
DraftError whose message says in Chinese what is wrong and where.
"""

from __future__ import annotations

import json
import stat
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

# the atomic writes are here too for the callers that save drafts and exports with them
from model.atomic_files import (STALE_TEMP_SECONDS, WriteError, atomic_write_bytes,  # noqa: F401
                                atomic_write_text, os_error_text, remove_stale_temporary_files)
from model.draft import SCHEMA_VERSION, Draft
from model.spec import format_ids
from model.state import EditError, read_stored_cells
from model.validation_text import JsonConstant, LongInteger, describe_validation_error

MAX_DRAFT_BYTES = 200 * 1024 * 1024  # pictures make drafts large, but not this large


class DraftError(Exception):
    """A draft that cannot be read; str() is one Chinese sentence naming the file and the place."""


def draft_to_json(draft: Draft) -> str:
    data = draft.model_dump(mode="json", exclude_none=False)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def save_draft(draft: Draft, path: str | Path) -> None:
    atomic_write_text(path, draft_to_json(draft))


def load_draft(path: str | Path) -> Draft:
    path = Path(path)
    name = path.name
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DraftError(f"找不到文件“{path}”。") from None
    except OSError as exc:
        raise DraftError(f"无法读取文件“{name}”：{os_error_text(exc)}。") from None
    if stat.S_ISDIR(st.st_mode):
        raise DraftError(f"“{path}”是文件夹，不是年报草稿文件。")
    if not stat.S_ISREG(st.st_mode):
        # a device or a pipe (/dev/zero) would be read without end
        raise DraftError(f"“{path}”不是普通文件，不是年报草稿。")
    if st.st_size > MAX_DRAFT_BYTES:
        raise DraftError(f"文件“{name}”过大（{st.st_size // (1024 * 1024)} MB），不是年报草稿。")
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_DRAFT_BYTES + 1)  # a file growing while it is read is still bounded
    except OSError as exc:
        raise DraftError(f"无法读取文件“{name}”：{os_error_text(exc)}。") from None
    return parse_draft(raw, name)


def _json_int(text: str):
    return int(text) if len(text) <= 40 else LongInteger(text)


def parse_draft(raw: bytes, name: str = "草稿") -> Draft:
    if len(raw) > MAX_DRAFT_BYTES:
        raise DraftError(f"文件“{name}”过大（{len(raw) // (1024 * 1024)} MB），不是年报草稿。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftError(f"文件“{name}”不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节处），不是年报草稿。") from None
    if not text.strip():
        raise DraftError(f"文件“{name}”是空的。")
    try:
        # numbers with a fraction are read exactly (an amount of 2.9786 must not pass through a float)
        data = json.loads(text, parse_float=Decimal, parse_int=_json_int, parse_constant=JsonConstant)
    except json.JSONDecodeError as exc:
        # a draft always ends with its closing brace; one that does not was cut off while being copied or saved
        hint = "文件不完整（可能被截断）" if not text.rstrip().endswith("}") else "JSON 格式错误"
        raise DraftError(f"文件“{name}”第 {exc.lineno} 行第 {exc.colno} 列：{hint}，无法读取。") from None
    except RecursionError:
        raise DraftError(f"文件“{name}”嵌套层数过多（超过 {MAX_DEPTH} 层），不是年报草稿。") from None
    return draft_from_data(data, name)


MAX_DEPTH = 40  # a draft nests 6 levels deep, its previous-year draft 6 more; deeper is not a draft
MAX_NODES = 500_000  # values in one file; a 20-page report with both years has a few thousand


def _check_shape(data, name: str) -> None:
    """Depth and number of values bounded before anything walks the data recursively."""
    stack = [(data, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH:
            raise DraftError(f"文件“{name}”嵌套层数过多（超过 {MAX_DEPTH} 层），不是年报草稿。")
        if nodes > MAX_NODES:
            raise DraftError(f"文件“{name}”包含的项目过多（超过 {MAX_NODES:,} 个），不是年报草稿。")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def draft_from_data(data, name: str = "草稿") -> Draft:
    """Validate data read from a draft file (or a recovery file) and build the Draft; every problem is a
    DraftError naming the file and the place in it."""
    _check_shape(data, name)
    try:
        return _draft_from_data(data, name, ())
    except RecursionError:
        raise DraftError(f"文件“{name}”嵌套层数过多，不是年报草稿。") from None


def _draft_from_data(data, name: str, where: tuple[str, ...]) -> Draft:
    # "文件“a.json”" or, inside the embedded previous-year draft, "文件“a.json”中上年报告："
    prefix = f"中{' → '.join(where)}：" if where else ""
    if not isinstance(data, dict):
        raise DraftError(f"文件“{name}”{prefix}不是年报草稿（{'应为对象' if where else '最外层应为对象'}）。")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DraftError(f"文件“{name}”{prefix}缺少有效的 schema_version（草稿版本），不是年报草稿。")
    if version > SCHEMA_VERSION:
        raise DraftError(f"文件“{name}”{prefix}由更新版本的程序保存（草稿版本 {version}），请升级本程序后再打开。")
    data = migrate_data(dict(data), version)
    fmt = data.get("format")
    if not isinstance(fmt, str) or fmt not in format_ids():
        shown = fmt if isinstance(fmt, str) and len(fmt) <= 20 else "（无效）"
        raise DraftError(f"文件“{name}”{prefix}格式版本“{shown}”无法识别（应为 {'、'.join(format_ids())}）。")
    previous = data.pop("previous", None)
    if previous is not None:
        # last year's report is a draft like any other: validated the same way, its places named
        previous = _draft_from_data(previous, name, where + ("上年报告",))
    _canonical_cells(data, name, prefix)
    try:
        draft = Draft.model_validate(data)
    except ValidationError as exc:
        raise DraftError(f"文件“{name}”内容有误：{describe_validation_error(exc, where)}。") from None
    if previous is not None:
        draft.previous = previous
    return draft


def migrate_data(data: dict, version: int) -> dict:
    """Ordered upgrades of older draft files; each step takes version N to N+1."""
    steps: dict[int, callable] = {}
    while version < SCHEMA_VERSION:
        data = steps[version](data)
        version += 1
        data["schema_version"] = version
    return data


def _canonical_cells(data: dict, name: str, prefix: str) -> None:
    """Every stored cell checked against its kind before anything is computed, and kept as a draft keeps it
    (counts as integers, amounts as exact decimal strings), so that a bad value is named with its cell."""
    try:
        for key in ("tables", "stated_totals"):
            if key in data:
                data[key] = read_stored_cells(data["format"], data[key], key)
    except EditError as exc:
        raise DraftError(f"文件“{name}”{prefix or '中 '}{exc}。") from None
