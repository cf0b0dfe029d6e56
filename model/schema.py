"""The JSON Schema of a draft file, generated from the pydantic model.

`uv run python -m model.schema` rewrites resources/draft.schema.json; a test keeps the committed file current.
"""

from __future__ import annotations

import json
from pathlib import Path

from model.draft import Draft

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "resources" / "draft.schema.json"


def schema_text() -> str:
    schema = Draft.model_json_schema()
    schema["title"] = "政府信息公开工作年度报告草稿"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"已写入 {SCHEMA_PATH}")
