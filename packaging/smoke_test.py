"""Smoke test of a built bundle: runs the built programs, never the source, in a clean environment.

    uv run python packaging/smoke_test.py packaging/dist/nianbao

The same checks run on Linux (tests/test_bundle.py) and on Windows (.github/workflows/release.yml):
  1. `nianbao-cli --version` prints the version of pyproject.toml;
  2. `nianbao-cli check` passes on the sample report, saved under a Chinese file name with spaces;
  3. `nianbao-cli export` writes every format the program exports (PDF, Word, Excel, plain text, web page), and
     each file holds the report;
  4. the app (`nianbao`) opens offscreen on the sample, shows every page and quits with 0;
  5. 自检 (`--self-check`, gui/self_check.py): the built app opens its real window offscreen, a figure and a
     sentence are typed in, the draft is saved, reopened, exported to every format and printed to a PDF file;
     its lines are shown, and the time from the start of the program to its first window.
The environment has no virtual environment, no PYTHONPATH, and its own empty home, temp and app-data folders,
as on an office PC that never had Python. Prints one line per check; exits 1 at the first failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from export.writers import KIND_NAMES  # noqa: E402  (the checking side runs in the project's environment)

SAMPLE = ROOT / "seeds" / "sample-2024.json"
KINDS = tuple(KIND_NAMES)  # every format the program exports
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""


class SmokeFailure(Exception):
    pass


@dataclass
class Result:
    version: str
    exports: dict[str, Path]  # kind → written file
    gui_seconds: float
    self_check_lines: list[str]
    first_window_seconds: float  # program started → 自检's first window shown


def clean_env(home: Path) -> dict[str, str]:
    """Only what an office PC's own session has: system folders on PATH, a fresh home and per-user folders."""
    for sub in ("tmp", "config", "cache", "data", "AppData/Local", "AppData/Roaming", "Documents"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "TMPDIR": str(home / "tmp"), "TEMP": str(home / "tmp"), "TMP": str(home / "tmp"),
           "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    if sys.platform == "win32":
        system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        env.update(SYSTEMROOT=system_root, WINDIR=system_root, PATH=rf"{system_root}\System32;{system_root}",
                   USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData/Local"),
                   APPDATA=str(home / "AppData/Roaming"))
    else:
        env.update(PATH="/usr/bin:/bin", XDG_CONFIG_HOME=str(home / "config"), XDG_CACHE_HOME=str(home / "cache"),
                   XDG_DATA_HOME=str(home / "data"), XDG_RUNTIME_DIR=str(home / "tmp"))
        if os.environ.get("FONTCONFIG_PATH"):
            env["FONTCONFIG_PATH"] = os.environ["FONTCONFIG_PATH"]
    return env


def run(program: Path, args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(program), *args], env=env, cwd=cwd, capture_output=True, timeout=timeout)
    proc.stdout = proc.stdout.decode("utf-8", "replace")
    proc.stderr = proc.stderr.decode("utf-8", "replace")
    return proc


def expect(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode != 0:
        raise SmokeFailure(f"{what}: exit {proc.returncode}\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-4000:]}")


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader  # the checking side runs in the project's environment, the bundle does not

    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def zip_member(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(member).decode("utf-8")


def check_export(kind: str, path: Path, agency: str) -> None:
    """The file is a real document of its kind with the report in it, not just a file of that name."""
    if kind == "pdf":
        if not path.read_bytes().startswith(b"%PDF-") or agency not in pdf_text(path).replace("\n", ""):
            raise SmokeFailure(f"{path.name}: not a PDF with the agency's name in its text")
    elif kind == "docx":
        if agency not in zip_member(path, "word/document.xml"):
            raise SmokeFailure(f"{path.name}: word/document.xml lacks the agency's name")
    elif kind == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        numbers = [v for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
                   if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if not book.worksheets or not any(numbers):
            raise SmokeFailure(f"{path.name}: no sheet with the report's figures")
    elif kind == "txt":
        if agency not in path.read_text(encoding="utf-8-sig"):
            raise SmokeFailure(f"{path.name}: the text lacks the agency's name")
    elif kind == "html":
        text = path.read_text(encoding="utf-8")
        if "<html" not in text.lower() or agency not in text:
            raise SmokeFailure(f"{path.name}: not a web page with the agency's name")
    else:
        raise SmokeFailure(f"{path.name}: no check for exported .{kind} files yet (packaging/smoke_test.py)")


def smoke_test(bundle: Path, work: Path, log=print) -> Result:
    app, cli = bundle / f"nianbao{EXE_SUFFIX}", bundle / f"nianbao-cli{EXE_SUFFIX}"
    for program in (app, cli):
        if not program.is_file():
            raise SmokeFailure(f"{program} is missing: build the bundle first (packaging/build.py)")
    env = clean_env(work / "home")
    version = project_version()

    proc = run(cli, ["--version"], env, work)
    expect(proc, "--version")
    if version not in proc.stdout:
        raise SmokeFailure(f"--version printed {proc.stdout!r}, pyproject.toml says {version}")
    log(f"ok  --version: {proc.stdout.strip()}")

    # a draft in a folder and under a name with Chinese and spaces, as users name them
    folder = work / "年报 草稿"
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / "示例 报告 2024.json"
    shutil.copyfile(SAMPLE, draft)
    proc = run(cli, ["check", str(draft)], env, work)
    expect(proc, "check")
    log(f"ok  check: {proc.stdout.strip().splitlines()[-1]}")

    out = work / "导出 文件"
    out.mkdir(parents=True, exist_ok=True)
    proc = run(cli, ["export", str(draft), "--to", ",".join(KINDS), "--out", str(out)], env, work, timeout=300)
    expect(proc, "export")
    agency = json.loads(SAMPLE.read_text(encoding="utf-8"))["meta"]["agency"]
    exports: dict[str, Path] = {}
    for kind in KINDS:
        found = sorted(out.glob(f"*.{kind}"))
        if len(found) != 1:
            raise SmokeFailure(f"export wrote {len(found)} .{kind} files: {[p.name for p in out.iterdir()]}")
        check_export(kind, found[0], agency)
        exports[kind] = found[0]
    log(f"ok  export: {', '.join(p.name for p in exports.values())}")

    gui_env = dict(env, NIANBAO_SMOKE_TEST="1")
    started = time.monotonic()
    proc = run(app, [], gui_env, work)
    gui_seconds = time.monotonic() - started
    expect(proc, "app (offscreen)")
    if sys.platform != "win32" and "smoke test:" not in proc.stdout:  # the windowed Windows program has no stdout
        raise SmokeFailure(f"the app did not report its pages: {proc.stdout!r} {proc.stderr[-2000:]!r}")
    log(f"ok  app opened offscreen and closed: {proc.stdout.strip() or 'exit 0'}")

    # the console program on Windows: the windowed one has no stdout to report on
    lines, first_window = self_check(cli if sys.platform == "win32" else app, env, work)
    log(f"ok  self-check: first window {first_window:.2f} s after start; " + " | ".join(lines))
    return Result(version, exports, gui_seconds, lines, first_window)


def self_check(program: Path, env: dict[str, str], cwd: Path, timeout: float = 300) -> tuple[list[str], float]:
    """Runs `program --self-check`; its lines, and the seconds from starting it to its line saying the main
    window is shown (read as the line arrives)."""
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: a full stderr pipe would stall the program
        started = time.monotonic()
        proc = subprocess.Popen([str(program), "--self-check"], env=env, cwd=cwd, stdout=subprocess.PIPE,
                                stderr=stderr)
        lines: list[str] = []
        first_window = 0.0
        for raw in proc.stdout:  # the self-check writes UTF-8 to a pipe and flushes each line
            line = raw.decode("utf-8", "replace").rstrip()
            lines.append(line)
            if not first_window and "打开主窗口" in line:
                first_window = time.monotonic() - started
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        stderr.seek(0)
        errors = stderr.read().decode("utf-8", "replace")
    if proc.returncode != 0 or not lines or not lines[-1].startswith("自检通过"):
        raise SmokeFailure(f"self-check: exit {proc.returncode}\nstdout: {chr(10).join(lines)}\nstderr: {errors[-4000:]}")
    return lines, first_window


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="smoke test of a built bundle")
    parser.add_argument("bundle", type=Path, help="the bundle folder (…/dist/nianbao)")
    parser.add_argument("--work", type=Path, help="a folder for the test's files (default: a new temp folder)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="nianbao-smoke-"))
    try:
        smoke_test(args.bundle.resolve(), work.resolve())
    except (SmokeFailure, subprocess.TimeoutExpired) as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
