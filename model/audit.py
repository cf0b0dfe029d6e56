"""Auditing many published reports at once, as a supervising office checks its units' reports every year.

Every report in a folder is read (published page, PDF, Word, text, workbook or draft), every check is run,
and reports of the same agency for consecutive years are paired so the cross-year rules run too. A file that
cannot be read is listed with the reason and the run goes on. Reading and checking are spread over the
machine's cores.

Reports stream: each one read is written to a temporary folder as a draft and only its agency and year are
kept; once every report is read and last year's of each is known, each is checked from that folder with its
predecessor, and only its findings are kept. Memory follows the largest report, not the number of reports.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterator

READABLE = {".html", ".htm", ".mhtml", ".mht", ".pdf", ".docx", ".txt", ".md", ".markdown", ".xlsx", ".json"}
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
               ".docx": "Word", ".txt": "纯文本", ".md": "Markdown", ".markdown": "Markdown", ".xlsx": "Excel", ".json": "草稿"}


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


def _read_one(path_text: str, spool: str) -> tuple[str, tuple[str, int] | None, list[str], str]:
    """(file name, (agency, year) of the draft written to the spool folder or None, import problems, why
    unreadable) — runs in a worker process."""
    path = Path(path_text)
    name, draft, problems, why = _import_one(path)
    if draft is None:
        return name, None, problems, why
    try:
        Path(spool, f"{_spool_name(path_text)}.json").write_text(draft.model_dump_json(), encoding="utf-8")
    except OSError as exc:
        return name, None, problems, f"无法写入临时文件夹“{spool}”：{exc.strerror or exc}。"
    return name, (draft.meta.agency, draft.meta.year), problems, why


def _spool_name(path_text: str) -> str:
    """A file name for the report's draft in the spool folder: two reports never share one."""
    import hashlib

    return hashlib.sha256(path_text.encode("utf-8", "surrogateescape")).hexdigest()


def _import_one(path: Path):
    """(file name, Draft or None, import problems, why unreadable)."""
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
            return path.name, draft, [], ""
        from model.importers import ImportError_, import_file

        try:
            draft, report = import_file(path)
        except ImportError_ as exc:
            return path.name, None, [], str(exc)
        problems = []
        if report.missing:
            problems.append(f"{len(report.missing)} 个单元格未能读取")
        if report.uncertain:
            problems.append(f"{len(report.uncertain)} 个单元格无法确定，需人工核对")
        problems += report.ambiguous
        return path.name, draft, problems, ""
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


def _last_year(index: int, keys: dict[int, tuple[str, int]]) -> int | None:
    """The report of the same agency for the year before: the same name, or one name ending with the other
    (洪泽区人民政府 / 淮安市洪泽区人民政府); None when there is none or more than one could be meant.
    `keys`: index → (agency, year) of every report read."""
    agency, year = keys[index]
    name = _same_agency(agency)
    if len(name) < 4:
        return None
    candidates = [i for i, (_, y) in keys.items() if y == year - 1]
    exact = [i for i in candidates if _same_agency(keys[i][0]) == name]
    if len(exact) == 1:
        return exact[0]
    near = [i for i in candidates if len(other := _same_agency(keys[i][0])) >= 4
            and (other.endswith(name) or name.endswith(other))]
    return near[0] if len(near) == 1 and not exact else None


def _check_one(spool: str, path_text: str, previous_text: str | None) -> tuple[str, list[Finding]]:
    """(format name, findings) of one report read from the spool, with last year's report if any — runs in
    a worker process."""
    from model.state import ReportState

    draft = _from_spool(spool, path_text)
    if previous_text is not None:
        draft.previous = _from_spool(spool, previous_text)
    state = ReportState(draft, adopt=True)
    return state.spec.name, [Finding(x.rule, x.severity, x.message, _where(state, x)) for x in state.issues]


def _from_spool(spool: str, path_text: str):
    from model.draft import Draft

    draft = Draft.model_validate_json(Path(spool, f"{_spool_name(path_text)}.json").read_bytes())
    draft.previous = None  # the folder decides last year's report, not what a draft carried
    return draft


def audit(files: list[Path], on_progress: Callable[[int, int, str], None] | None = None,
          workers: int | None = None, on_check: Callable[[int, int, str], None] | None = None) -> list[AuditedReport]:
    """One AuditedReport per file, in the files' order.

    `on_progress(done, total, name)` after each file read, `on_check(done, total, name)` after each report
    checked. Either may raise to stop the audit (取消): the exception comes out of here once the files being read
    at that moment are done (one file each), the others are never read, and the spool folder is removed."""
    total = len(files)
    workers = workers or min(os.cpu_count() or 1, 8)
    texts = [str(p) for p in files]
    with tempfile.TemporaryDirectory(prefix="nianbao-audit-") as spool:
        pool = ProcessPoolExecutor(workers) if workers > 1 and total > 4 else None
        try:
            out: list[AuditedReport] = []
            keys: dict[int, tuple[str, int]] = {}
            for i, (name, key, problems, why) in enumerate(_mapped(pool, workers, _read_one, texts, repeat(spool))):
                entry = AuditedReport(name, _KIND_WORDS.get(Path(name).suffix.lower(), Path(name).suffix),
                                      unreadable=why, import_problems=problems)
                if key is not None:
                    keys[i] = key
                    entry.agency, entry.year = key
                out.append(entry)
                if on_progress:
                    on_progress(i + 1, total, name)
            read = sorted(keys)
            last_years = {i: _last_year(i, keys) for i in read}
            previous = [None if last_years[i] is None else texts[last_years[i]] for i in read]
            checked = _mapped(pool, workers, _check_one, repeat(spool), [texts[i] for i in read], previous)
            for done, (i, (format_name, findings)) in enumerate(zip(read, checked), 1):
                out[i].format_name, out[i].findings = format_name, findings
                if last_years[i] is not None:
                    out[i].previous_file = out[last_years[i]].file
                if on_check:
                    on_check(done, len(read), out[i].file)
        finally:
            if pool is not None:
                pool.shutdown()  # waits only for the file each process is reading
    return out


def _mapped(pool: ProcessPoolExecutor | None, workers: int, fn, *arguments) -> Iterator:
    """fn over the arguments, results in order: in the pool's processes when there is one.

    No more calls are handed to the pool than it has processes, each for one file: a call handed over cannot be
    taken back, so a stopped audit waits only for the file each process is reading, and starts no other."""
    if pool is None:
        yield from map(fn, *arguments)
        return
    calls = iter(zip(*arguments))
    running: dict[Future, int] = {}
    results: dict[int, object] = {}
    handed = given = 0
    while True:
        while len(running) < workers and (call := next(calls, None)) is not None:
            running[pool.submit(fn, *call)] = handed
            handed += 1
        if given in results:
            yield results.pop(given)
            given += 1
        elif running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                results[running.pop(future)] = future.result()
        else:
            return
