"""The window's pages, each built the first time it is needed, so that opening a report builds one page, or
ahead of its first visit while the window is idle, laid out off screen; and work that waits for a page to be
painted (AfterNextPaint)."""

from __future__ import annotations

import gc
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QWidget


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


class AfterNextPaint(QObject):
    """Runs `slot` once, right after `widget` and its children are next painted (or after `at_latest_ms` when
    nothing paints it: a hidden window). For work that follows a user's action but is not part of its answer,
    so that it starts once the answer is on screen."""

    def __init__(self, widget: QWidget, slot, at_latest_ms: int):
        super().__init__(widget)
        self._widget = widget
        self._slot = slot
        self._done = False
        widget.installEventFilter(self)
        QTimer.singleShot(at_latest_ms, self, self._run)

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint and not self._done:
            # the widget paints before its children, in one go: a call queued now runs when they are done
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        self.deleteLater()
        self._slot()


def keep_out_of_collections() -> None:
    """Keep every object there is now (the report just loaded) out of Python's full collections: one walks
    every object (25–55 ms with a report of 50 pages and 40 pictures), and Python runs the first one soon after
    a load, between two keys of the user's typing if the user types at once. Freezing moves no memory and
    takes no time; the garbage among the frozen objects waits for settle_garbage."""
    gc.freeze()


def settle_garbage() -> None:
    """Collect the garbage of loading (the report before, if any) now, while the window is idle, and keep what
    is left out of later full collections again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


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
