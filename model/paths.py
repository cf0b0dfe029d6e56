"""Where a command may write: never over one of its own inputs.

A path compared by its text is not enough: "./a.json", "a.json", a symlink to it and a hard link to it are the
same file, so an existing output is compared with each input by device and inode (os.path.samefile). An
output that does not exist yet cannot be any input.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable


class OutputRefused(Exception):
    """An output path that would replace an input; str() is one Chinese sentence naming both."""


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both names lead to the same file on disk (through symlinks and hard links too)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        # one of them does not exist (or cannot be looked at): then they can only be the same by name
        try:
            return Path(a).resolve() == Path(b).resolve()
        except (OSError, RuntimeError):
            return False


def refuse_overwriting_inputs(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """Raise OutputRefused when `out` is one of `inputs` (same file on disk, however it is named)."""
    for source in inputs:
        if source is None:
            continue
        if same_file(out, source):
            if Path(out).name == Path(source).name:
                raise OutputRefused(f"输出文件“{out}”就是输入文件，写入会覆盖它；请用 --out 另选一个文件名。")
            raise OutputRefused(f"输出文件“{out}”与输入文件“{source}”是同一个文件，写入会覆盖它；"
                                f"请用 --out 另选一个文件名。")
