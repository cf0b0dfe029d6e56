"""The window's pages, each built the first time it is needed, so that opening a report builds one page."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QWidget


class LazyPages(Mapping):
    """The window's pages by step id, each built the first time it is asked for (shown, searched, printed).

    Opening a report builds only the page on screen; `built()` is what exists, for the window's own loops that
    must not build pages (closing them, asking them about unsaved input)."""

    def __init__(self, steps: list[str], build):
        self._steps = list(steps)
        self._build = build
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, sid: str) -> QWidget:
        if sid not in self._built:
            if sid not in self._steps:
                raise KeyError(sid)
            self._built[sid] = self._build(sid)
        return self._built[sid]

    def __contains__(self, sid) -> bool:
        return sid in self._steps

    def __iter__(self):
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def built(self) -> dict[str, QWidget]:
        return dict(self._built)
