"""What is wrong in a draft file, in Chinese: pydantic's validation errors as a place (the JSON path with
Chinese field names) and a reason, none of pydantic's English wording reaching the user.

Kept apart from reading and writing files so that the report state can word a refused edit the same way
without depending on file handling.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import ValidationError


class JsonConstant:
    """NaN or Infinity in a file: valid for Python's json module, not for JSON, and never a value of a draft."""

    def __init__(self, text: str):
        self.text = text


class LongInteger:
    """An integer too long to be any value of a draft (int() of 4,300 digits raises, and slowly before that)."""

    def __init__(self, text: str):
        self.digits = len(text.lstrip("-"))



_FIELD_NAMES = {
    "meta": "基本信息", "agency": "机关名称", "year": "报告年度", "publication_date": "公布日期",
    "contact": "联系方式", "agency_kind": "机关类型", "narrative": "文字部分", "preamble": "开头部分",
    "tables": "表格", "stated_totals": "原报告合计", "previous": "上年报告", "format": "格式版本",
    "caption": "图片说明", "image": "图片", "text": "文字", "acknowledgements": "警告说明",
    "units": "计量单位", "mime": "图片类型", "type": "段落类型", "schema_version": "草稿版本",
    "rollup": "汇总标记", "file": "文件名", "sha256": "文件校验值",
    "[key]": "名称",
}
_BLOCK_TAGS = {"paragraph", "heading", "figure", "function-after", "function-before", "function-wrap"}

_ERROR_TYPES = {
    "missing": "缺少必填项", "int_parsing": "应为整数", "int_type": "应为整数", "int_from_float": "应为整数",
    "int_parsing_size": "数值过大", "string_type": "应为文字", "string_too_long": "文字过长",
    "string_too_short": "文字过短", "string_unicode": "文字含无效字符", "string_pattern_mismatch": "格式不对",
    "date_from_datetime_parsing": "应为日期（如 2024-01-30）", "date_parsing": "应为日期（如 2024-01-30）",
    "date_type": "应为日期（如 2024-01-30）", "date_from_datetime_inexact": "应为日期（如 2024-01-30）",
    "extra_forbidden": "是无法识别的项目", "literal_error": "取值无效", "enum": "取值无效",
    "greater_than_equal": "数值过小", "greater_than": "数值过小", "less_than_equal": "数值过大",
    "less_than": "数值过大", "dict_type": "应为对象", "list_type": "应为列表", "model_type": "应为对象",
    "model_attributes_type": "应为对象", "union_tag_invalid": "段落类型无效（应为段落、小标题或图片）",
    "union_tag_not_found": "缺少段落类型", "none_required": "应为空", "bool_type": "应为是或否",
    "bool_parsing": "应为是或否", "recursion_loop": "嵌套层数过多", "too_long": "项目过多",
    "json_invalid": "JSON 格式错误", "value_error": "取值无效", "assertion_error": "取值无效",
}


def _kind_of(value) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, LongInteger)):
        return "整数"
    if isinstance(value, (float, Decimal)):
        return "小数"
    if isinstance(value, str):
        return "文字"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "对象"
    if isinstance(value, JsonConstant):
        return " NaN 或 Infinity"
    return "无效的值"


def describe_validation_error(exc: ValidationError, where: tuple[str, ...] = ()) -> str:
    """The first problem pydantic found, as a Chinese place (JSON path with Chinese field names) and reason;
    none of pydantic's own English wording reaches the user."""
    err = exc.errors(include_url=False)[0]
    place = list(where)
    for part in err.get("loc", ()):
        if isinstance(part, int):
            place.append(f"第 {part + 1} 项")
        elif str(part) in _BLOCK_TAGS or str(part).startswith(("function-", "lax-", "json-")):
            continue  # the validator's own step names, not places in the file
        else:
            place.append(_FIELD_NAMES.get(str(part), str(part)[:40]))
    kind = err.get("type", "")
    what = _ERROR_TYPES.get(kind)
    if what is None:
        what = "类型不对" if kind.endswith("_type") else "无法识别" if kind.endswith("_parsing") else "取值无效"
    value = err.get("input")
    if isinstance(value, LongInteger):
        what = f"数值过大（{value.digits:,} 位）"
    elif kind not in ("missing", "extra_forbidden", "union_tag_invalid", "union_tag_not_found"):
        what += f"（实际为{_kind_of(value)}）"
    return f"{' → '.join(place) if place else '文件'}：{what}"
