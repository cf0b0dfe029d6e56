"""Which files a roll-up reads: folders are listed (not recursively), the same file named twice or two files
with identical content are read once, and drafts marked as earlier roll-ups are set aside. Every file that is
not summed is reported with the reason, in Chinese.

Files are read one at a time and each unit is kept only as its row (model.rollup_unit): a folder of ten
thousand units needs the memory of one draft plus the rows. Many files are read by two processes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from model.drafts_io import DraftError, load_draft
from model.rollup_unit import unit_row

DRAFT_SUFFIX = ".json"
# seeds/ keeps each sample's expected check result beside it; those files are not drafts
EXPECTED_SUFFIX = ".expected.json"


# Reading is spread over two processes only when there are enough files to repay starting them.
PARALLEL_FROM = 200
READ_WORKERS = 2
@dataclass
class Skipped:
    name: str
    reason: str
    # True when the summary may lack a unit because of it (an unreadable draft); False when leaving it out is
    # certainly right (the same file again, an earlier roll-up, a file that is not a draft)
    incomplete: bool = False

    def line(self) -> str:
        return f"未计入“{self.name}”：{self.reason}"


@dataclass
class GatheredFiles:
    units: list = field(default_factory=list)  # model.rollup_unit.UnitRow of each draft to sum, in order
    skipped: list[Skipped] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)  # resolved input folders
    earlier_rollups: list[Path] = field(default_factory=list)  # resolved paths of marked roll-ups set aside
    unreadable_paths: list[Path] = field(default_factory=list)

    def read_paths(self) -> list[Path]:
        """Every file a unit was or might have been read from: an output must never replace one of these."""
        return [u.path for u in self.units] + self.unreadable_paths


def list_candidates(inputs: list[str]) -> tuple[list[tuple[str, Path]], list[Skipped], list[Path]]:
    """(shown name, path) of every file to try, what was passed over while listing folders, and the folders.

    A folder contributes the .json files directly inside it (any case of the suffix); its subfolders and other
    files are reported, not read, so that a roll-up never picks up archived or unrelated drafts by surprise.
    Hidden files (a leading dot: system files, temporary files of an interrupted save) are passed over silently.
    """
    files: list[tuple[str, Path]] = []
    passed: list[Skipped] = []
    folders: list[Path] = []
    for item in inputs:
        p = Path(item)
        if not p.is_dir():
            files.append((item, p))
            continue
        folders.append(p.resolve())
        try:
            children = sorted(p.iterdir(), key=lambda c: c.name)
        except OSError as exc:
            passed.append(Skipped(item, f"无法读取文件夹：{exc.strerror or exc}", incomplete=True))
            continue
        for child in children:
            shown = str(p / child.name)
            if child.name.startswith("."):
                continue
            if child.is_dir():
                passed.append(Skipped(shown, "是子文件夹，只汇总所给文件夹中直接存放的草稿；如需汇总，请把它也列入"))
            elif child.name.lower().endswith(EXPECTED_SUFFIX):
                passed.append(Skipped(shown, "是样例的预期校验结果，不是草稿"))
            elif child.suffix.lower() != DRAFT_SUFFIX:
                passed.append(Skipped(shown, "不是草稿文件（.json）；已发布的报告或 Excel 请先用“导入”转为草稿"))
            else:
                files.append((shown, child))
    return files, passed, folders


def gather(inputs: list[str], on_progress: Callable[[int, int], None] | None = None,
           parallel: bool = False, meanwhile: Callable[[], None] | None = None) -> GatheredFiles:
    """Every draft of `inputs` read into its row, with the files that are not summed and why.
    `on_progress(done, total)` after each file read; `parallel`: many files are read by two processes;
    `meanwhile()` runs once while they read (before reading, when the files are read here)."""
    candidates, passed, folders = list_candidates(inputs)
    out = GatheredFiles(skipped=passed, folders=folders)
    first_of: dict[Path, str] = {}
    plan: list[tuple[str, Path, Path, str | None]] = []  # (shown, path, resolved, the name it repeats or None)
    for shown, path in candidates:
        resolved = path.resolve()
        plan.append((shown, path, resolved, first_of.get(resolved)))
        first_of.setdefault(resolved, shown)
    to_read = [(shown, str(path)) for shown, path, _, again in plan if again is None]
    results = _read_all(to_read, parallel, meanwhile or (lambda: None))
    by_content: dict[str, str] = {}
    done = 0
    for shown, _, resolved, again in plan:
        if again is not None:
            out.skipped.append(Skipped(shown, f"与“{again}”是同一个文件，只计一次"))
            continue
        kind, digest, found = next(results)
        done += 1
        if on_progress is not None:
            on_progress(done, len(to_read))
        if kind == "unreadable":
            out.skipped.append(Skipped(shown, found, incomplete=True))
            out.unreadable_paths.append(resolved)
            continue
        if digest in by_content:
            out.skipped.append(Skipped(shown, f"与“{by_content[digest]}”内容完全相同，只计一次"))
            continue
        by_content[digest] = shown
        if kind == "earlier":
            out.skipped.append(Skipped(shown, f"是此前生成的汇总报告（汇总了 {found} 个单位），不再重复计入"))
            out.earlier_rollups.append(resolved)
            continue
        found.path = resolved
        out.units.append(found)
    return out


def _read_all(files: list[tuple[str, str]], parallel: bool, meanwhile: Callable[[], None]) -> Iterator[tuple]:
    """read_unit of each (shown, path), in order."""
    workers = min(READ_WORKERS, os.cpu_count() or 1)
    if not parallel or workers < 2 or len(files) < PARALLEL_FROM:
        meanwhile()
        return (read_unit(shown, path) for shown, path in files)
    return _read_in_processes(files, workers, meanwhile)


def _read_in_processes(files: list[tuple[str, str]], workers: int,
                       meanwhile: Callable[[], None]) -> Iterator[tuple]:
    # each process reads its own files whole; only the rows come back
    with ProcessPoolExecutor(workers) as pool:
        rows = pool.map(read_unit, [s for s, _ in files], [p for _, p in files], chunksize=32)
        meanwhile()  # every file is handed out and the processes have started: this process is free
        yield from rows


def read_unit(shown: str, path_text: str) -> tuple:
    """("unit", SHA-256, UnitRow), ("earlier", SHA-256, how many units it summed) for a marked roll-up, or
    ("unreadable", "", why). Runs in a reading process when there are many files."""
    path = Path(path_text)
    try:
        draft = load_draft(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except DraftError as exc:
        return "unreadable", "", _without_file_name(str(exc), path.name)
    except OSError as exc:
        return "unreadable", "", f"无法读取：{exc.strerror or exc}"
    if draft.rollup is not None:
        return "earlier", digest, len(draft.rollup.units)
    return "unit", digest, unit_row(shown, draft, adopt=True, sha256=digest)


def _without_file_name(message: str, name: str) -> str:
    """DraftError messages start with 文件“name”; the skip line names the file already."""
    prefix = f"文件“{name}”"
    return message[len(prefix):].lstrip("，：") if message.startswith(prefix) else message
