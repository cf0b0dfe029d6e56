"""The window's pages, each built the first time it is needed, so that opening a report builds one page, or
ahead of its first visit while the window is idle, laid out off screen."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QWidget

from gui.garbage import keep_out_of_collections, settle_garbage


def lay_out_unseen(page: QWidget, geometry: QRect) -> None:
    """Do for a page not shown yet what its first show would do, at the size it will be shown: polish its
    widgets, lay them out, size a table's columns and rows to the width, and paint it once, off screen.

    A hidden widget defers all of this to its first show, where it costs a visible wait (table 三 laid out,
    painted, then laid out again once its scroll bar turned out to be needed, and painted a second time).
    Painting into a pixmap makes Qt do the work now; the layout requests that first paint posts (a scroll bar
    now needed) are handled at once and the page painted again, so the first show finds nothing left to
    change and paints once."""
    page.setGeometry(geometry)
    canvas = QPixmap(page.size())
    page.render(canvas)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    page.render(canvas)


class LazyPages(Mapping):
    """The window's pages by step id, each built the first time it is asked for (shown, searched, printed).

    Opening a report builds only the page on screen; `built()` is what exists, for the window's own loops that
    must not build pages (closing them, asking them about unsaved input). `build_unseen()` builds the next
    page ahead of its first visit and lays it out off screen, one page per call, for the window's idle time."""

    def __init__(self, steps: list[str], build):
        self._steps = list(steps)
        self._build = build
        self._built: dict[str, QWidget] = {}
        self.laid_out: set[str] = set()  # pages built ahead and laid out off screen at the size shown
        self.settled = False
        keep_out_of_collections()  # a new set of pages is made for a report just loaded

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

    def typing_in_progress(self) -> bool:
        """Whether the user is typing on one of the pages (see NarrativePage.typing_in_progress)."""
        return any(getattr(page, "typing_in_progress", lambda: False)() for page in self._built.values())

    def build_unseen(self, skip: tuple[str, ...], geometry: QRect) -> bool:
        """Do the next piece of idle work, one per call; False when there is none left. The first call collects
        the garbage of loading the report (settle_garbage); each next one builds the next page not yet built (but
        those in `skip`) and lays it out off screen at `geometry`. A page built on demand before this comes to it
        (a search) is laid out too, unless it was shown already: its show did that."""
        if not self.settled:
            self.settled = True
            settle_garbage()
            return True
        for sid in self._steps:
            if sid in skip or sid in self.laid_out:
                continue
            page = self[sid]
            self.laid_out.add(sid)
            shown_before = page.testAttribute(Qt.WidgetAttribute.WA_WState_Polished) and page.geometry() == geometry
            if page.isVisible() or shown_before:
                continue  # its show laid it out already
            lay_out_unseen(page, geometry)
            return True
        return False
