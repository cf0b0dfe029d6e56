"""Which publication deadline applies to an agency, judged from its name (条例第四十九条).

A 人民政府 (乡镇 to 省) publishes its own report by 31 March; so does a 管理委员会 (开发区、新区管委会), which
reports as a government does. Every other agency (局, 委, 办公室 — 人民政府办公室 included) is a 政府部门
with 31 January. Used when a report is created or imported, so that a government's report does not get false
“late” warnings; the user can still change it.
"""

from __future__ import annotations

import re

GOVERNMENT_ENDINGS = ("人民政府", "管委会", "管理委员会")
KIND_NAMES = {"government": "本级人民政府", "department": "政府部门"}
DEADLINE_WORDS = {"government": "次年3月31日", "department": "次年1月31日"}


def agency_kind_from_name(agency: str) -> str:
    """"government" when the name ends with 人民政府 / 管委会 / 管理委员会, else "department"."""
    name = re.sub(r"[\s#*（）()]+$", "", re.sub(r"^[\s#*]+", "", agency or ""))
    return "government" if name.endswith(GOVERNMENT_ENDINGS) else "department"


def describe_agency_kind(agency: str, kind: str) -> str:
    """The line that shows the user what was inferred, and that it can be changed."""
    return (f"机关类型：{KIND_NAMES[kind]}（按机关名称“{agency}”判断，报告应于{DEADLINE_WORDS[kind]}前公布；"
            f"如不对，请在基本信息中更改）")
