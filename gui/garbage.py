"""Python's full garbage collections kept away from the user's typing: a loaded report is frozen out of them, and
its garbage collected when the window is idle."""

from __future__ import annotations

import gc


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
