"""Auditing many published reports at once, as a supervising office checks its units' reports every year.

Every report in a folder is read (published page, PDF, Word, text, workbook or draft), every check is run,
and reports of the same agency for consecutive years are paired so the cross-year rules run too. A file that
cannot be read is listed with the reason and the run goes on. Reading is spread over the machine's cores.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from model.draft import Draft

READABLE = {".html", ".htm", ".mhtml", ".mht", ".pdf", ".docx", ".txt", ".md", ".xlsx", ".json"}
# Files of a folder looked at: far above any unit count a supervising office has.
MAX_FILES = 20_000


@dataclass
class Finding:
    rule: str
    severity: str  # "error" | "warning"
    message: str
    where: str  # the section, and the cells or sentence it is about


@dataclass
class AuditedReport:
    file: str
    kind: str  # what the file is: 网页, PDF …
    agency: str = ""
    year: int | None = None
    format_name: str = ""
    unreadable: str = ""  # why the file could not be read; empty when it was
    import_problems: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    previous_file: str = ""  # last year's report of the same agency found in the folder

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


_KIND_WORDS = {".html": "网页", ".htm": "网页", ".mhtml": "网页（单个文件）", ".mht": "网页（单个文件）", ".pdf": "PDF",
               ".docx": "Word", ".txt": "纯文本", ".md": "纯文本（Markdown）", ".xlsx": "Excel", ".json": "草稿"}


def report_files(folder: Path, skip: set[Path] = frozenset()) -> list[Path]:
    """The files of the folder (not its subfolders), by name; hidden files and *skip* left out."""
    files = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith((".", "~$")) or not entry.is_file() or entry.resolve() in skip:
            continue
        files.append(entry)
        if len(files) > MAX_FILES:
            break
    return files


def _read_one(path_text: str) -> tuple[str, str | None, list[str], str]:
    """(file name, draft JSON or None, import problems, why unreadable) — runs in a worker process."""
    path = Path(path_text)
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        return path.name, None, [], f"不是年报文件（{suffix or '无扩展名'}），未核查：支持 .html、.mhtml、.pdf、.docx、.txt、.md、.xlsx、.json。"
    try:
        if suffix == ".json":
            from model.drafts_io import DraftError, load_draft

            try:
                draft = load_draft(path)
            except DraftError as exc:
                return path.name, None, [], str(exc)
            return path.name, draft.model_dump_json(), [], ""
        from model.importers import ImportError_, import_file
        from model.importers.text import import_text, read_text_file

        try:
            # a report converted to Markdown is text to the importer
            draft, report = import_text(read_text_file(path), path.name) if suffix == ".md" else import_file(path)
        except ImportError_ as exc:
            return path.name, None, [], str(exc)
        problems = []
        if report.missing:
            problems.append(f"{len(report.missing)} 个单元格未能读取")
        if report.uncertain:
            problems.append(f"{len(report.uncertain)} 个单元格无法确定，需人工核对")
        problems += report.ambiguous
        return path.name, draft.model_dump_json(), problems, ""
    except Exception:  # one broken file never stops the audit of the others
        return path.name, None, [], f"读取“{path.name}”时出错，文件可能已损坏。"


def _where(state, issue) -> str:
    place = state.spec.place_name(issue.section)
    if issue.cells:
        labels = [state.spec.cells[c].label for c in issue.cells[:3] if c in state.spec.cells]
        return f"{place}：{'；'.join(labels)}" + ("等" if len(issue.cells) > 3 else "")
    return place


def _same_agency(name: str) -> str:
    return "".join(name.split()).lstrip("#")


def _last_year(index: int, drafts: dict[int, Draft]) -> int | None:
    """The report of the same agency for the year before: the same name, or one name ending with the other
    (洪泽区人民政府 / 淮安市洪泽区人民政府); None when there is none or more than one could be meant."""
    draft = drafts[index]
    name = _same_agency(draft.meta.agency)
    if len(name) < 4:
        return None
    candidates = [i for i, d in drafts.items() if d.meta.year == draft.meta.year - 1]
    exact = [i for i in candidates if _same_agency(drafts[i].meta.agency) == name]
    if len(exact) == 1:
        return exact[0]
    near = [i for i in candidates if len(other := _same_agency(drafts[i].meta.agency)) >= 4
            and (other.endswith(name) or name.endswith(other))]
    return near[0] if len(near) == 1 and not exact else None


def audit(files: list[Path], on_progress: Callable[[int, int, str], None] | None = None,
          workers: int | None = None) -> list[AuditedReport]:
    """One AuditedReport per file, in the files' order."""
    from model.state import ReportState

    total = len(files)
    workers = workers or min(os.cpu_count() or 1, 8)
    read: list[tuple[str, str | None, list[str], str]] = []
    if workers > 1 and total > 4:
        with ProcessPoolExecutor(workers) as pool:
            for i, result in enumerate(pool.map(_read_one, [str(p) for p in files], chunksize=4), 1):
                read.append(result)
                if on_progress:
                    on_progress(i, total, result[0])
    else:
        for i, path in enumerate(files, 1):
            read.append(_read_one(str(path)))
            if on_progress:
                on_progress(i, total, path.name)
    out: list[AuditedReport] = []
    drafts: dict[int, Draft] = {}
    for i, (name, draft_json, problems, why) in enumerate(read):
        entry = AuditedReport(name, _KIND_WORDS.get(Path(name).suffix.lower(), Path(name).suffix),
                              unreadable=why, import_problems=problems)
        if draft_json is not None:
            draft = Draft.model_validate_json(draft_json)
            draft.previous = None  # the folder decides last year's report, not what a draft carried
            drafts[i] = draft
            entry.agency, entry.year = draft.meta.agency, draft.meta.year
        out.append(entry)
    last_years = {i: _last_year(i, drafts) for i in drafts}
    for i, draft in drafts.items():
        prev_index = last_years[i]
        if prev_index is not None:
            draft.previous = drafts[prev_index].model_copy(deep=True)
            out[i].previous_file = out[prev_index].file
        state = ReportState(draft)
        out[i].format_name = state.spec.name
        out[i].findings = [Finding(x.rule, x.severity, x.message, _where(state, x)) for x in state.issues]
    return out
