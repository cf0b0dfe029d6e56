"""The draft: what the user typed, and nothing derived from it.

A draft is what a .json file holds: meta data, narrative blocks, the input cells of the tables (counts as
integers, amounts as exact decimal strings), totals only where a source stated a value that differs from the
computed one (an imported published report), acknowledgements of warnings, and optionally last year's report
for the cross-year rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
# Cells an import could not determine: far above the 200 cells of a format.
MAX_IMPORT_MARKS = 1000

CellMap = dict[str, dict[str, dict[str, Union[int, str]]]]  # table → row → column → value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Paragraph(_Model):
    type: Literal["paragraph"] = "paragraph"
    text: str = ""


class Heading(_Model):
    """A sub-head such as “（一）紧抓重点，认真落实政府信息公开工作要点”."""

    type: Literal["heading"] = "heading"
    text: str = ""


class Figure(_Model):
    """A picture with its caption; the image travels inside the draft (base64) so the file is self-contained."""

    type: Literal["figure"] = "figure"
    caption: str = ""
    image: str | None = Field(default=None, description="base64-encoded PNG or JPEG")
    mime: Literal["image/png", "image/jpeg"] | None = None


Block = Annotated[Union[Paragraph, Heading, Figure], Field(discriminator="type")]


class Meta(_Model):
    agency: str = ""
    year: int = Field(ge=2000, le=2100)
    publication_date: dt.date | None = None
    contact: str = ""
    agency_kind: Literal["department", "government"] = Field(
        default="department",
        description="department: 县级以上人民政府部门 (deadline 31 January); government: 本级人民政府 (31 March)",
    )


class RollupSource(_Model):
    """One unit's draft as it went into a roll-up."""

    agency: str = ""
    file: str = Field(default="", description="the unit's file name when it was summed")
    sha256: str = Field(default="", description="SHA-256 of the unit's file, to recognise the same file later")


class RollupInfo(_Model):
    """Marks a draft as a roll-up, so that a later roll-up of the same folder does not sum it again."""

    units: list[RollupSource] = Field(default_factory=list)


class Draft(_Model):
    schema_version: int = Field(default=SCHEMA_VERSION, ge=1, le=SCHEMA_VERSION,
                                description="version of the draft file layout; newer files need a newer program")
    format: str
    meta: Meta
    preamble: list[Block] = Field(default_factory=list)
    narrative: dict[str, list[Block]] = Field(default_factory=dict)
    tables: CellMap = Field(default_factory=dict)
    stated_totals: CellMap = Field(
        default_factory=dict,
        description="totals as a source printed them where they differ from the computed value, "
                    "or \"空白\" where the source printed the total's cell blank",
    )
    units: dict[str, str] = Field(default_factory=dict, description="cell path → unit, where not the column's")
    acknowledgements: dict[str, str] = Field(default_factory=dict, description="issue key → explanation")
    previous: "Draft | None" = Field(default=None, description="last year's report, for the cross-year rules")
    rollup: RollupInfo | None = Field(default=None, description="set on a roll-up: the units it sums")
    import_unsure: dict[str, str] = Field(
        default_factory=dict,
        description="cell path → why an import could not determine it; marked in the tables until filled",
    )

    @field_validator("import_unsure", mode="before")
    @classmethod
    def _readable_marks(cls, value):
        # hints an import left for the user, not figures of the report: a damaged list is dropped rather than
        # refusing the whole draft
        if not isinstance(value, dict):
            return {}
        marks = {k: v[:500] for k, v in value.items() if isinstance(k, str) and len(k) <= 200 and isinstance(v, str)}
        return dict(list(marks.items())[:MAX_IMPORT_MARKS])

    @model_validator(mode="after")
    def _drop_marks_of_filled_cells(self):
        # a cell the user has filled is no longer one the import left open; checked whenever the cells are set
        # (loading, saving), not on every edit, so undoing the edit brings the mark back
        if self.import_unsure and self.tables:
            for path in [p for p in self.import_unsure if _stored(self.tables, p)]:
                del self.import_unsure[path]
        return self


def _stored(tables: CellMap, path: str) -> bool:
    table, _, rest = path.partition(".")
    row, _, column = rest.partition(".")
    return column in tables.get(table, {}).get(row, {})


Draft.model_rebuild()


def blocks_text(blocks: list) -> str:
    """All text of a list of blocks, figure captions included, one block a line."""
    out = []
    for b in blocks:
        out.append(b.caption if b.type == "figure" else b.text)
    return "\n".join(out)
