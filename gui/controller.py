"""The one owner of the report being edited in the window.

Every edit goes through here: it is applied to the ReportState as an undoable command, and the resulting
Changes are broadcast once through `changed`; views refresh only what the Changes name. Views never talk to
each other and never do arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from pydantic import ValidationError

from model.draft import Draft, Meta
from model.drafts_io import describe_validation_error, save_draft
from model.edits import (Acknowledge, ChangeFormat, Edit, SetBlocks, SetMeta, SetPrevious, SetStated,
                         SetValues)
from model.state import Changes, EditError, ReportState
from model.values import Value

_TEXT_MERGE_ID = 1001


class _Step(QUndoCommand):
    """One model edit (model.edits) on the window's undo stack; the first redo is the edit itself."""

    def __init__(self, controller: "ReportController", edit: Edit):
        super().__init__(edit.description)
        self._controller = controller
        self.edit = edit
        self._done_once = False

    def _show(self, changes) -> None:
        if self.edit.rebuilds_document:
            self._controller.documentChanged.emit()
        self._controller._emit(changes)

    def redo(self) -> None:
        changes = self.edit.apply(self._controller.state)
        self._show(changes)
        if self._done_once:
            self._controller.history_place = self.edit.place
            self._controller.historyShown.emit(changes)
        self._done_once = True

    def undo(self) -> None:
        changes = self.edit.undo(self._controller.state)
        self._show(changes)
        self._controller.history_place = self.edit.place
        self._controller.historyShown.emit(changes)

    def id(self) -> int:  # noqa: A003 — Qt's name
        return _TEXT_MERGE_ID if isinstance(self.edit, SetBlocks) and self.edit.typing_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 — Qt's name
        # A burst of typing in one text section is one undo step (the key names the section and the burst).
        merged = self.edit.merged_with(other.edit) if isinstance(other, _Step) else None
        if merged is None:
            return False
        self.edit = merged
        return True


def _is_within(obj: QObject, owner: QObject) -> bool:
    """Whether obj is owner or one of its descendants (an object already deleted by Qt counts as within)."""
    try:
        while obj is not None:
            if obj is owner:
                return True
            obj = obj.parent()
    except RuntimeError:  # the C++ object is gone: its connections went with it
        return True
    return False


class ReportController(QObject):
    changed = Signal(object)  # model.state.Changes
    documentChanged = Signal()  # a different report was loaded (new / open / recover / format change)
    fileStateChanged = Signal()  # path or unsaved-flag changed
    # Asks every page to hand over the editor that is open (a cell being typed in, a line edit, the text
    # editor) so that what is saved, exported or printed is what the user sees. Pages connect a slot that
    # commits synchronously; commit_pending_edits() emits it.
    commitRequested = Signal()
    # An undo or redo changed these places (model.state.Changes): the window shows the page and the place;
    # history_place names the field when the Changes cannot (which field of 基本信息).
    historyShown = Signal(object)

    def __init__(self, state: ReportState, path: str | Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self.path: Path | None = Path(path) if path else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._typing_run = 0  # text edits merge into one undo step only within one burst of typing
        self.history_place: str | None = None
        # who listens through listen(), with their connections: detach() finds a page's listeners here
        # instead of asking every object inside the page
        self._listeners: list[tuple[QObject, list]] = []

    def _clean_changed(self, _clean: bool) -> None:
        self.fileStateChanged.emit()

    # -- document ------------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def replace_state(self, state: ReportState, path: str | Path | None) -> None:
        """Switch to another report (new, open, recovered); history starts afresh."""
        self.state = state
        self.path = Path(path) if path else None
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.documentChanged.emit()
        self.fileStateChanged.emit()

    def commit_pending_edits(self) -> None:
        """Commit every open editor into the report before saving, exporting, printing, switching page or
        quitting. Connected slots run synchronously, so the state is complete when this returns."""
        self.commitRequested.emit()

    def listen(self, owner: QObject, **slots) -> None:
        """Connect a view's slots to this controller's signals by name (changed=…, documentChanged=…,
        commitRequested=…); detach(owner) removes them all at once."""
        connections = [(name, getattr(self, name).connect(slot)) for name, slot in slots.items()]
        # views Qt has deleted meanwhile are forgotten (their connections went with them)
        self._listeners = [(o, c) for o, c in self._listeners if shiboken6.isValid(o)]
        self._listeners.append((owner, connections))

    def detach(self, owner: QObject) -> None:
        """Disconnect a view and everything inside it that listened through listen(). A page being replaced
        is deleted later, and until then it must neither hear edits of the new report nor keep it alive."""
        kept = []
        for listener, connections in self._listeners:
            if _is_within(listener, owner):
                for _name, connection in connections:
                    QObject.disconnect(connection)
            else:
                kept.append((listener, connections))
        self._listeners = kept

    def mark_unsaved(self) -> None:
        """A recovered or imported report has never been saved where the user expects it."""
        self.undo_stack.resetClean()
        self.fileStateChanged.emit()

    def save(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path else self.path
        if target is None:
            raise ValueError("no path")
        save_draft(self.state.to_draft(), target)
        self.path = target
        self.undo_stack.setClean()
        self.fileStateChanged.emit()
        return target

    def to_draft(self) -> Draft:
        return self.state.to_draft()

    # -- edits ---------------------------------------------------------------------------------------
    def _emit(self, changes: Changes) -> None:
        if changes:
            self.changed.emit(changes)

    def _push(self, edit: Edit) -> None:
        self.undo_stack.push(_Step(self, edit))

    def set_cell(self, path: str, text: str) -> None:
        """Set one input cell from what the user typed. Raises EditError (Chinese) and changes nothing when
        the text is not a valid value for the cell."""
        if self.state.is_computed(path):
            raise EditError(f"{self.state.spec.cells[path].label}是自动计算的合计，不能直接填写")
        new = self.state.parse(path, text)
        old = self.state.inputs.get(path)
        if new == old and type(new) is type(old):
            return
        label = self.state.spec.cells[path].label
        self._push(SetValues(f"填写“{label}”", new={path: new}, old={path: old}))

    def set_cells(self, values: dict[str, Value | None], description: str) -> None:
        """Set several already-parsed input cells as one undo step (paste, fill with 0)."""
        old = {p: self.state.inputs.get(p) for p in values}
        if all(old[p] == v for p, v in values.items()):
            return
        self._push(SetValues(description, new=dict(values), old=old))

    def fill_empty_with_zero(self, table_id: str | None = None) -> int:
        empty = self.state.unfilled(table_id)
        if empty:
            zero = {p: self.state.parse(p, "0") for p in empty}
            self.set_cells(zero, "空白填 0")
        return len(empty)

    def set_stated(self, path: str, value: Value | None) -> None:
        self._push(SetStated("采用计算值" if value is None else "修改原报告合计", path=path, new=value,
                             old=self.state.stated.get(path)))

    def set_meta(self, **fields) -> None:
        """Change meta fields; raises EditError when a value is invalid."""
        old = {k: getattr(self.state.meta, k) for k in fields}
        if all(old[k] == v for k, v in fields.items()):
            return
        # validate before pushing, so that a refused edit leaves no undo step behind
        try:
            Meta.model_validate({**self.state.meta.model_dump(), **fields})
        except ValidationError as exc:
            raise EditError(f"基本信息填写有误：{describe_validation_error(exc)}") from None
        self._push(SetMeta("修改基本信息", place=f"meta:{next(iter(fields))}", new=dict(fields), old=old))

    def set_blocks(self, section_id: str, blocks: list, description: str = "编辑文字", merge: bool = True) -> None:
        # a block holds only strings, which are never changed in place: a copy of each block is a safe snapshot
        # (a deep copy walks every picture's text on every pause in typing)
        old = tuple(b.model_copy() for b in self.state.blocks(section_id))
        new = tuple(b.model_copy() for b in blocks)
        if old == new:
            return
        key = f"text:{section_id}:{self._typing_run}" if merge else None
        self._push(SetBlocks(description, section_id=section_id, new=new, old=old, typing_key=key))

    def end_typing_run(self) -> None:
        """The next text edit starts a new undo step (after a pause, a cursor move, another kind of edit, a
        page switch)."""
        self._typing_run += 1

    def acknowledge(self, issue_key: str, explanation: str | None) -> None:
        self._push(Acknowledge("说明警告", issue_key=issue_key, new=explanation,
                               old=self.state.acknowledgements.get(issue_key)))

    def set_previous(self, previous: Draft | None) -> None:
        old = self.state.previous.to_draft() if self.state.previous is not None else None
        self._push(SetPrevious("关联上年报告", new=previous, old=old))

    def change_format(self, format_id: str) -> None:
        """Moving to another format rebuilds every page; it can be undone like any edit."""
        self._push(ChangeFormat("更改格式版本", format_id=format_id, before=self.state.to_draft()))
