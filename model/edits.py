"""Every change a user makes to a report, as a value that can be applied and taken back.

An edit records the old value next to the new one when it is made, so applying and undoing it are plain
functions of the report state: the window keeps a list of these (its undo history), and the model can be
tested, replayed or undone without any window. Each `apply` / `undo` returns the state's Changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model.draft import Block, Draft
from model.state import Changes, ReportState
from model.values import Value


@dataclass(frozen=True)
class Edit:
    description: str  # what the undo menu says: 撤销“填写‘自然人’”

    # the window rebuilds every page after an edit that gives the report another shape (a format change)
    rebuilds_document = False
    # the field of 基本信息 the edit changed, when Changes cannot name it ("meta:contact")
    place: str | None = None

    def apply(self, state: ReportState) -> Changes:
        raise NotImplementedError

    def undo(self, state: ReportState) -> Changes:
        raise NotImplementedError

    def merged_with(self, later: Edit) -> Edit | None:
        """One edit doing this and then `later`, when the two are one step for the user; else None."""
        return None


@dataclass(frozen=True)
class SetValues(Edit):
    """Input cells set (typing, paste, 空白填 0, clearing a block); None is unfilled."""

    new: dict[str, Value | None] = field(default_factory=dict)
    old: dict[str, Value | None] = field(default_factory=dict)

    def apply(self, state: ReportState) -> Changes:
        return state.set_values(dict(self.new))

    def undo(self, state: ReportState) -> Changes:
        return state.set_values(dict(self.old))


@dataclass(frozen=True)
class SetStated(Edit):
    """A total as a published source printed it (None drops it: 采用计算值)."""

    path: str = ""
    new: Value | str | None = None
    old: Value | str | None = None

    def apply(self, state: ReportState) -> Changes:
        return state.set_stated(self.path, self.new)

    def undo(self, state: ReportState) -> Changes:
        return state.set_stated(self.path, self.old)


@dataclass(frozen=True)
class SetMeta(Edit):
    new: dict = field(default_factory=dict)
    old: dict = field(default_factory=dict)

    def apply(self, state: ReportState) -> Changes:
        return state.set_meta(**self.new)

    def undo(self, state: ReportState) -> Changes:
        return state.set_meta(**self.old)


@dataclass(frozen=True)
class SetBlocks(Edit):
    """A text section's blocks replaced. Edits with the same typing key are one burst of typing: one step."""

    section_id: str = ""
    new: tuple[Block, ...] = ()
    old: tuple[Block, ...] = ()
    typing_key: str | None = None

    def apply(self, state: ReportState) -> Changes:
        return state.set_blocks(self.section_id, list(self.new))

    def undo(self, state: ReportState) -> Changes:
        return state.set_blocks(self.section_id, list(self.old))

    def merged_with(self, later: Edit) -> Edit | None:
        if (isinstance(later, SetBlocks) and self.typing_key is not None and later.typing_key == self.typing_key
                and later.section_id == self.section_id):
            return SetBlocks(self.description, section_id=self.section_id, new=later.new, old=self.old,
                             typing_key=self.typing_key)
        return None


@dataclass(frozen=True)
class Acknowledge(Edit):
    """A warning explained (None withdraws the explanation)."""

    issue_key: str = ""
    new: str | None = None
    old: str | None = None

    def apply(self, state: ReportState) -> Changes:
        return state.acknowledge(self.issue_key, self.new)

    def undo(self, state: ReportState) -> Changes:
        return state.acknowledge(self.issue_key, self.old)


@dataclass(frozen=True)
class SetPrevious(Edit):
    """Last year's report attached, replaced or removed."""

    new: Draft | None = None
    old: Draft | None = None

    def apply(self, state: ReportState) -> Changes:
        return state.set_previous(self.new)

    def undo(self, state: ReportState) -> Changes:
        return state.set_previous(self.old)


@dataclass(frozen=True)
class ChangeFormat(Edit):
    """The report moved to another format; undo rebuilds it from the draft as it was."""

    format_id: str = ""
    before: Draft | None = None
    rebuilds_document = True

    def apply(self, state: ReportState) -> Changes:
        return state.change_format(self.format_id)

    def undo(self, state: ReportState) -> Changes:
        return state.rebuild(self.before)
