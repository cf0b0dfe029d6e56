"""Reading and writing .json drafts.

Writes are atomic (a temporary file in the same folder, flushed, then renamed over the target), so a crash or a
full disk never leaves a half-written draft. Reading never shows a traceback: every problem becomes a
DraftError whose message says in Chinese what is wrong and where.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from model.draft import SCHEMA_VERSION, Draft
from model.spec import format_ids

MAX_DRAFT_BYTES = 200 * 1024 * 1024  # pictures make drafts large, but not this large


class DraftError(Exception):
    """A draft that cannot be read; str() is one Chinese sentence naming the file and the place."""


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file private (0600); give it the mode a normally created file would have
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def draft_to_json(draft: Draft) -> str:
    data = draft.model_dump(mode="json", exclude_none=False)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def save_draft(draft: Draft, path: str | Path) -> None:
    atomic_write_text(path, draft_to_json(draft))


def load_draft(path: str | Path) -> Draft:
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DraftError(f"找不到文件“{path}”。") from None
    except OSError as exc:
        raise DraftError(f"无法读取文件“{name}”：{exc.strerror or exc}。") from None
    if size > MAX_DRAFT_BYTES:
        raise DraftError(f"文件“{name}”过大（{size // (1024 * 1024)} MB），不是年报草稿。")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DraftError(f"无法读取文件“{name}”：{exc.strerror or exc}。") from None
    return parse_draft(raw, name)


def parse_draft(raw: bytes, name: str = "草稿") -> Draft:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftError(f"文件“{name}”不是 UTF-8 编码的文本（第 {exc.start + 1} 个字节处），不是年报草稿。") from None
    if not text.strip():
        raise DraftError(f"文件“{name}”是空的。")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # a draft always ends with its closing brace; one that does not was cut off while being copied or saved
        hint = "文件不完整（可能被截断）" if not text.rstrip().endswith("}") else "JSON 格式错误"
        raise DraftError(f"文件“{name}”第 {exc.lineno} 行第 {exc.colno} 列：{hint}，无法读取。") from None
    return draft_from_data(data, name)


def draft_from_data(data, name: str = "草稿") -> Draft:
    if not isinstance(data, dict):
        raise DraftError(f"文件“{name}”不是年报草稿（最外层应为对象）。")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DraftError(f"文件“{name}”缺少有效的 schema_version，不是年报草稿。")
    if version > SCHEMA_VERSION:
        raise DraftError(f"文件“{name}”由更新版本的程序保存（草稿版本 {version}），请升级本程序后再打开。")
    data = migrate_data(data, version)
    fmt = data.get("format")
    if fmt not in format_ids():
        raise DraftError(f"文件“{name}”的格式版本“{fmt}”无法识别（应为 {'、'.join(format_ids())}）。")
    try:
        draft = Draft.model_validate(data)
    except ValidationError as exc:
        raise DraftError(f"文件“{name}”内容有误：{describe_validation_error(exc)}。") from None
    _check_cells(draft, name)
    return draft


def migrate_data(data: dict, version: int) -> dict:
    """Ordered upgrades of older draft files; each step takes version N to N+1."""
    steps: dict[int, callable] = {}
    while version < SCHEMA_VERSION:
        data = steps[version](data)
        version += 1
        data["schema_version"] = version
    return data


_FIELD_NAMES = {
    "meta": "基本信息", "agency": "机关名称", "year": "报告年度", "publication_date": "公布日期",
    "contact": "联系方式", "agency_kind": "机关类型", "narrative": "文字部分", "preamble": "开头部分",
    "tables": "表格", "stated_totals": "原报告合计", "previous": "上年报告", "format": "格式版本",
    "caption": "图片说明", "image": "图片", "text": "文字", "acknowledgements": "警告说明",
}

_ERROR_TYPES = {
    "missing": "缺少必填项", "int_parsing": "应为整数", "int_type": "应为整数", "string_type": "应为文字",
    "date_from_datetime_parsing": "应为日期（如 2024-01-30）", "date_parsing": "应为日期（如 2024-01-30）",
    "date_type": "应为日期", "extra_forbidden": "有无法识别的项目", "literal_error": "取值无效",
    "greater_than_equal": "数值过小", "less_than_equal": "数值过大", "dict_type": "应为对象",
    "list_type": "应为列表", "union_tag_invalid": "段落类型无效", "union_tag_not_found": "缺少段落类型",
    "model_type": "应为对象", "date_from_datetime_inexact": "应为日期",
}


def describe_validation_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = []
    for part in err.get("loc", ()):
        if isinstance(part, int):
            where.append(f"第 {part + 1} 段")
        else:
            where.append(_FIELD_NAMES.get(str(part), str(part)))
    what = _ERROR_TYPES.get(err.get("type", ""), err.get("msg", "取值无效"))
    place = " → ".join(where) if where else "文件"
    return f"{place}：{what}"


def _check_cells(draft: Draft, name: str) -> None:
    """Validate every cell value against its kind now, so that a bad value is named with its place."""
    from model.state import EditError, validate_cells

    try:
        validate_cells(draft)
    except EditError as exc:
        raise DraftError(f"文件“{name}”中 {exc}。") from None
