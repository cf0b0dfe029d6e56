"""Which files a roll-up reads: folders are listed (not recursively), the same file named twice or two files
with identical content are read once, and drafts marked as earlier roll-ups are set aside. Every file that is
not summed is reported with the reason, in Chinese."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from model.draft import Draft
from model.drafts_io import DraftError, load_draft

DRAFT_SUFFIX = ".json"
# seeds/ keeps each sample's expected check result beside it; those files are not drafts
EXPECTED_SUFFIX = ".expected.json"


@dataclass
class UnitFile:
    """One unit's draft as read from disk; `name` is the file as the user named it (folder/file)."""

    name: str
    path: Path  # resolved
    sha256: str
    draft: Draft


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
    units: list[UnitFile] = field(default_factory=list)
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


def gather(inputs: list[str]) -> GatheredFiles:
    candidates, passed, folders = list_candidates(inputs)
    out = GatheredFiles(skipped=passed, folders=folders)
    by_path: dict[Path, str] = {}
    by_content: dict[str, str] = {}
    for shown, path in candidates:
        resolved = path.resolve()
        if resolved in by_path:
            out.skipped.append(Skipped(shown, f"与“{by_path[resolved]}”是同一个文件，只计一次"))
            continue
        by_path[resolved] = shown
        try:
            draft = load_draft(path)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except DraftError as exc:
            out.skipped.append(Skipped(shown, _without_file_name(str(exc), path.name), incomplete=True))
            out.unreadable_paths.append(resolved)
            continue
        except OSError as exc:
            out.skipped.append(Skipped(shown, f"无法读取：{exc.strerror or exc}", incomplete=True))
            out.unreadable_paths.append(resolved)
            continue
        if digest in by_content:
            out.skipped.append(Skipped(shown, f"与“{by_content[digest]}”内容完全相同，只计一次"))
            continue
        by_content[digest] = shown
        if draft.rollup is not None:
            out.skipped.append(Skipped(shown, f"是此前生成的汇总报告（汇总了 {len(draft.rollup.units)} 个单位），"
                                              "不再重复计入"))
            out.earlier_rollups.append(resolved)
            continue
        out.units.append(UnitFile(shown, resolved, digest, draft))
    return out


def _without_file_name(message: str, name: str) -> str:
    """DraftError messages start with 文件“name”; the skip line names the file already."""
    prefix = f"文件“{name}”"
    return message[len(prefix):].lstrip("，：") if message.startswith(prefix) else message
