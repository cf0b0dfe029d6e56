"""The command line's contract, as a user meets it: exit 0 success, 1 findings, 2 unreadable; never a
traceback; every refusal one Chinese line naming the file and the place; no output written over an input."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import main
from model.state import ReportState
from model.values import ValueError_, parse_value

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "sample-2024.json"
NATURAL = "一、本年新收政府信息公开申请数量 / 自然人"
ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,:'][ ]?[A-Za-z]{2,}|\w*(?:Error|Exception)\b|Traceback|Input should")


@pytest.fixture(autouse=True)
def crash_logs_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(main.LOG_DIR_ENV, str(tmp_path / "logs"))


def run(argv, capsys) -> tuple[int, str, str]:
    try:
        code = main.main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_chinese_line(err: str, *fragments: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    line = lines[0]
    assert re.search(r"[\u4e00-\u9fff]", line), line
    for fragment in fragments:
        assert fragment in line, line
    assert not ENGLISH.search(line.replace(fragments[0] if fragments else "", "")), line
    assert len(line) < 400, line
    return line


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def with_natural(raw_json_value: str) -> str:
    """The sample draft with 表三 一、本年新收 / 自然人 written as the given JSON text."""
    text = sample_text()
    before = '"new": {\n        "natural": 268'
    assert before in text
    return text.replace(before, '"new": {\n        "natural": ' + raw_json_value)


# -- 11.2 values in a draft file -------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [
    '"²"', '"①"', '"١٢"', '"𝟙𝟚"', '"１２"', '"12,345"', '"9' + "9" * 4299 + '"', "9" * 4300, "9" * 4301,
    "9" * 100_000, "NaN", "Infinity", "268.0",
])
def test_odd_numbers_in_a_draft_are_refused_with_the_cell_named(tmp_path, capsys, raw):
    path = tmp_path / "草稿.json"
    path.write_text(with_natural(raw), encoding="utf-8")
    code, out, err = run(["check", path], capsys)
    assert code == 2
    one_chinese_line(err, "草稿.json", NATURAL)


def test_fullwidth_digits_are_typed_but_a_draft_file_holds_ascii_digits(tmp_path, capsys):
    state = ReportState.new("某局", 2024)
    state.set_value("s3.new.natural", "１２")  # what a Chinese input method types
    assert state.value("s3.new.natural") == 12
    path = tmp_path / "全角.json"
    path.write_text(with_natural('"１２"'), encoding="utf-8")
    code, _, err = run(["check", path], capsys)
    assert code == 2
    assert "半角数字" in one_chinese_line(err, "全角.json", NATURAL)


@pytest.mark.parametrize("text,kind", [
    ("²", "count"), ("①", "count"), ("١٢", "count"), ("𝟙", "count"), ("٣.٥", "amount"), ("1_000", "amount"),
    ("9" * 5000, "count"), ("9" * 5000, "amount"),
])
def test_parse_value_refuses_what_is_not_a_plain_number(text, kind):
    with pytest.raises(ValueError_) as info:
        parse_value(text, kind)
    assert re.search(r"[\u4e00-\u9fff]", str(info.value)) and len(str(info.value)) < 120


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_refused(tmp_path, capsys, depth):
    path = tmp_path / "深.json"
    path.write_text(sample_text().replace('"units": {}', '"units": ' + "[" * depth + "]" * depth), encoding="utf-8")
    code, _, err = run(["check", path], capsys)
    assert code == 2
    one_chinese_line(err, "深.json", "嵌套")


@pytest.mark.parametrize("version", ["0", "-1", "true", "1.0", "9" * 5000])
def test_schema_version_is_checked(tmp_path, capsys, version):
    path = tmp_path / "版本.json"
    path.write_text(sample_text().replace('"schema_version": 1', f'"schema_version": {version}', 1), encoding="utf-8")
    code, _, err = run(["check", path], capsys)
    assert code == 2
    one_chinese_line(err, "版本.json", "草稿版本")


@pytest.mark.parametrize("change,fragments", [
    (lambda d: d.update(schema_version=0), ["草稿版本"]),
    (lambda d: d.update(format="2099"), ["格式版本"]),
    (lambda d: d["tables"]["s3"]["new"].update(natural="²"), [NATURAL]),
])
def test_the_previous_year_draft_is_validated_like_any_draft(tmp_path, capsys, change, fragments):
    draft = json.loads(sample_text())
    previous = json.loads(sample_text())
    previous["meta"]["year"] = 2023
    change(previous)
    draft["previous"] = previous
    path = tmp_path / "两年.json"
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(["check", path], capsys)
    assert code == 2
    one_chinese_line(err, "两年.json", "上年报告", *fragments)


@pytest.mark.parametrize("old,new,fragments", [
    ('"year": 2024', '"year": 2024.5', ["报告年度", "应为整数"]),
    ('"type": "paragraph"', '"type": "table"', ["开头部分 → 第 1 项", "段落类型"]),
    ('"units": {}', '"units": {"s2.fees.fee_amount": null}', ["计量单位", "应为文字"]),
])
def test_validation_messages_are_chinese_and_name_the_place(tmp_path, capsys, old, new, fragments):
    text = sample_text()
    assert old in text
    path = tmp_path / "坏.json"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, _, err = run(["check", path], capsys)
    assert code == 2
    one_chinese_line(err, "坏.json", *fragments)


# -- 11.1 unexpected errors and command-line mistakes ---------------------------------------------------
def test_an_unexpected_error_is_one_chinese_line_and_a_log_with_the_traceback(tmp_path, capsys, monkeypatch):
    import model.commands

    def broken(args):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(model.commands, "run_check", broken)
    code, _, err = run(["check", SAMPLE], capsys)
    assert code == 2
    line = one_chinese_line(err, "程序内部错误", "sample-2024.json")
    log = Path(re.search(r"已写入“(.+?)”", line).group(1))
    assert log.parent == tmp_path / "logs"
    assert "RuntimeError: something nobody foresaw" in log.read_text(encoding="utf-8")
    assert "Traceback" in log.read_text(encoding="utf-8")
    with pytest.raises(RuntimeError):
        main.main(["--debug", "check", str(SAMPLE)])


@pytest.mark.parametrize("argv,fragment", [
    (["check"], "缺少必填参数"),
    (["new", "--year", "明年", "--out", "x.json"], "应为整数"),
    (["export", "x.json", "--to"], "缺少取值"),
    (["check", "x.json", "--colour"], "无法识别的参数"),
    (["new", "--year", "2024", "--format", "2020", "--out", "x.json"], "无效"),
])
def test_command_line_mistakes_are_one_chinese_line(capsys, argv, fragment):
    code, _, err = run(argv, capsys)
    assert code == 2
    assert fragment in err and len(err.strip().splitlines()) == 1 and "usage" not in err


@pytest.mark.parametrize("year", ["2101"])
def test_a_year_without_a_format_is_refused(tmp_path, capsys, year):
    code, _, err = run(["new", "--year", year, "--agency", "某局", "--out", tmp_path / "n.json"], capsys)
    assert code == 2
    one_chinese_line(err)
    assert not (tmp_path / "n.json").exists()


# -- 11.5 outputs never replace inputs -------------------------------------------------------------------
def test_new_does_not_replace_an_existing_draft_without_force(tmp_path, capsys):
    path = tmp_path / "已填写.json"
    path.write_text(sample_text(), encoding="utf-8")
    code, _, err = run(["new", "--year", "2025", "--agency", "某局", "--out", path], capsys)
    assert code == 2
    one_chinese_line(err, "已填写.json", "--force")
    assert path.read_text(encoding="utf-8") == sample_text()
    code, out, _ = run(["new", "--year", "2025", "--agency", "某局", "--out", path, "--force"], capsys)
    assert code == 0 and json.loads(path.read_text(encoding="utf-8"))["meta"]["agency"] == "某局"


@pytest.mark.parametrize("alias", ["same", "dot", "symlink", "hardlink"])
def test_new_from_never_writes_over_last_years_draft(tmp_path, capsys, alias):
    source = tmp_path / "2024.json"
    source.write_text(sample_text(), encoding="utf-8")
    out = _alias(source, alias, tmp_path)
    code, _, err = run(["new", "--year", "2025", "--from", source, "--out", out, "--force"], capsys)
    assert code == 2
    one_chinese_line(err, "覆盖")
    assert source.read_text(encoding="utf-8") == sample_text()


@pytest.mark.parametrize("alias", ["same", "symlink", "hardlink"])
def test_import_never_writes_over_its_source(tmp_path, capsys, alias):
    source = tmp_path / "报告.txt"
    source.write_bytes((ROOT / "seeds" / "yuexiu-2023.txt").read_bytes())
    out = _alias(source, alias, tmp_path)
    code, _, err = run(["import", source, "--out", out], capsys)
    assert code == 2
    one_chinese_line(err, "覆盖")
    assert source.read_bytes() == (ROOT / "seeds" / "yuexiu-2023.txt").read_bytes()


def test_import_does_not_replace_an_existing_file_without_force(tmp_path, capsys):
    source = ROOT / "seeds" / "yuexiu-2023.txt"
    out = tmp_path / "已有的草稿.json"
    out.write_text(sample_text(), encoding="utf-8")
    code, _, err = run(["import", source, "--out", out], capsys)
    assert code == 2
    one_chinese_line(err, "--force")
    assert out.read_text(encoding="utf-8") == sample_text()
    code, _, _ = run(["import", source, "--out", out, "--force"], capsys)
    from model.drafts_io import load_draft

    assert code == 0 and load_draft(out).meta.agency == "广州市越秀区来穗人员服务管理局"


def test_export_never_writes_over_its_draft(tmp_path, capsys):
    first = tmp_path / "first"
    assert run(["export", SAMPLE, "--to", "txt", "--out", first, "--allow-errors"], capsys)[0] == 0
    (name,) = [p.name for p in first.iterdir()]
    # a draft that happens to have the name its text export gets, exported into its own folder
    folder = tmp_path / "second"
    folder.mkdir()
    draft = folder / name
    draft.write_text(sample_text(), encoding="utf-8")
    code, _, err = run(["export", draft, "--to", "txt", "--out", folder, "--allow-errors"], capsys)
    assert code == 2
    one_chinese_line(err, "覆盖")
    assert draft.read_text(encoding="utf-8") == sample_text()


# -- 15 export in two processes: the same files, the same messages, nothing half written -------------------------------
def test_export_writes_no_file_when_one_format_fails(tmp_path, capsys, monkeypatch):
    import export.xlsx_writer

    def broken(state, doc):
        raise RuntimeError("workbook failed")

    monkeypatch.setattr(export.xlsx_writer, "render_xlsx", broken)
    out = tmp_path / "out"
    code, stdout, err = run(["export", SAMPLE, "--out", out], capsys)
    assert code == 2
    one_chinese_line(err, "程序内部错误", "sample-2024.json")
    assert not stdout  # nothing announced as exported
    assert list(out.iterdir()) == []  # the PDF and the Word file rendered before it are not written either


_FAILING_PDF = """
import os, sys
sys.path.insert(0, sys.argv[1])
import export.pdf_writer

def broken(doc, fonts=None):
    raise RuntimeError(f"PDF failed in process {os.getpid()}")

export.pdf_writer.render_pdf = broken
import main
sys.exit(main.main(["export", sys.argv[2], "--out", sys.argv[3]]))
"""


def _export_in_processes(tmp_path, script: str, draft: Path, *args: str):
    """Run an export script (sys.argv: repository, draft, output folder, *args) with the PDF and Word file in
    processes of their own, as users run it."""
    import subprocess
    import sys

    env = dict(os.environ, **{main.LOG_DIR_ENV: str(tmp_path / "logs")})
    env.pop("NIANBAO_EXPORT_WORKER", None)
    return subprocess.run([sys.executable, "-c", script, str(ROOT), str(draft), str(tmp_path / "out"), *args],
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)


def test_a_failure_in_the_pdf_process_is_one_chinese_line_with_its_traceback_logged(tmp_path):
    out = tmp_path / "out"
    proc = _export_in_processes(tmp_path, _FAILING_PDF, SAMPLE)
    assert proc.returncode == 2
    line = one_chinese_line(proc.stderr, "程序内部错误", "sample-2024.json")
    log_file = Path(re.search(r"已写入“(.+?)”", line).group(1))
    command_pid = int(re.search(r"-(\d+)\.log$", log_file.name).group(1))  # the log is named by the command's process
    log = log_file.read_text(encoding="utf-8")
    failed_in = int(re.search(r"PDF failed in process (\d+)", log).group(1))
    assert failed_in != command_pid  # rendered by a second process, and what went wrong there reaches the log
    assert "Traceback" in log
    assert list(out.iterdir()) == []


_SPAWN_COUNTED = """
import multiprocessing, os, stat, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
wrapper = Path(sys.argv[4])
wrapper.write_text(f'#!/bin/sh\\necho started >> "{sys.argv[5]}"\\nexec "{sys.executable}" "$@"\\n')
wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
multiprocessing.set_executable(str(wrapper))  # every spawned process is counted
import main
sys.exit(main.main(["export", sys.argv[2], "--out", sys.argv[3]]))
"""


@pytest.mark.skipif(os.name != "posix", reason="the counting wrapper is a POSIX shell script")
def test_the_spawned_pdf_process_of_windows_writes_the_same_files(tmp_path):
    """Windows has no fork(): the PDF process is spawned (multiprocessing). Run that way here, it must be used and
    write what rendering everything in one process writes."""
    import subprocess
    import sys
    import zipfile

    marker = tmp_path / "spawned"
    results = {}
    for how in ("spawn", "none"):
        env = dict(os.environ, NIANBAO_EXPORT_WORKER=how, **{main.LOG_DIR_ENV: str(tmp_path / "logs")})
        proc = subprocess.run([sys.executable, "-c", _SPAWN_COUNTED, str(ROOT), str(SAMPLE), str(tmp_path / how),
                               str(tmp_path / f"python-{how}"), str(marker)], env=env, capture_output=True, text=True,
                              encoding="utf-8", timeout=300)
        assert proc.returncode == 0, proc.stderr
        results[how] = proc.stdout.replace(str(tmp_path / how), "OUT")
        if how == "spawn":  # the worker (and multiprocessing's resource tracker) were spawned
            spawned = marker.read_text().split()
            assert spawned and set(spawned) == {"started"}
    assert marker.read_text().split() == spawned  # and nothing when everything is rendered here
    assert results["spawn"] == results["none"]
    for a in sorted((tmp_path / "spawn").iterdir()):
        b = tmp_path / "none" / a.name
        if a.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
                assert za.namelist() == zb.namelist()
                for name in za.namelist():
                    if name != "docProps/core.xml":  # its times differ
                        assert za.read(name) == zb.read(name), name
        elif a.suffix == ".pdf":
            dated = rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[<[0-9a-fA-F]+>\s*<[0-9a-fA-F]+>\]"
            assert re.sub(dated, b"", a.read_bytes()) == re.sub(dated, b"", b.read_bytes())
        else:
            assert a.read_bytes() == b.read_bytes()


def _alias(path: Path, how: str, folder: Path) -> Path:
    if how == "same":
        return path
    if how == "dot":
        return folder / "." / path.name
    other = folder / f"另一个名字{path.suffix}"
    if how == "symlink":
        if os.name != "posix":
            pytest.skip("symlinks need privileges on Windows")
        other.symlink_to(path)
    else:
        os.link(path, other)
    return other


_PRIORITIES_NOTED = """
import os, sys
sys.path.insert(0, sys.argv[1])
import export.docx_writer, export.pdf_writer
note = open(sys.argv[4], "a")

def noting(kind, render):
    def noted(*args, **kwargs):
        note.write(f"{kind} {os.getpid()} {os.getpriority(os.PRIO_PROCESS, 0)}\\n")
        note.flush()
        return render(*args, **kwargs)
    return noted

export.docx_writer.render_docx = noting("docx", export.docx_writer.render_docx)
export.pdf_writer.render_pdf = noting("pdf", export.pdf_writer.render_pdf)
note.write(f"command {os.getpid()} {os.getpriority(os.PRIO_PROCESS, 0)}\\n")
note.flush()
import main
sys.exit(main.main(["export", sys.argv[2], "--out", sys.argv[3]]))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the Word file has a process of its own only where fork() is")
def test_the_word_process_gives_way_to_the_processes_the_export_waits_for(tmp_path):
    """On a two-processor machine the export waits for this process (reading the report) and the PDF's: the Word
    file's process, which finishes sooner, runs at a lower priority so that it never slows them down."""
    note = tmp_path / "priorities"
    proc = _export_in_processes(tmp_path, _PRIORITIES_NOTED, SAMPLE, str(note))
    assert proc.returncode == 0, proc.stderr
    seen = {kind: (int(pid), int(nice)) for kind, pid, nice in (line.split() for line in note.read_text().splitlines())}
    assert set(seen) == {"command", "pdf", "docx"}
    assert len({pid for pid, _ in seen.values()}) == 3  # three processes
    assert seen["pdf"][1] == seen["command"][1]
    assert seen["docx"][1] > seen["command"][1]
    assert len(list((tmp_path / "out").iterdir())) == 4  # and every file is written


_TEARDOWN_NOTED = """
import atexit, runpy, sys
marker = sys.argv.pop(1)

class NotedWhenFreed:
    def __del__(self, open=open, path=marker + ".freed"):  # bound now: the teardown clears the builtins late
        open(path, "w").close()

kept = NotedWhenFreed()  # freed only when Python tears the process down object by object
atexit.register(lambda: open(marker + ".exit-handler", "w").close())
sys.argv = ["main.py"] + sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_a_finished_command_runs_its_exit_handlers_and_prints_everything_then_ends_without_teardown(tmp_path):
    """Freeing every loaded module's objects one by one took ~40 ms after an export: a finished command's process
    ends at once — after its exit handlers, with all of its output delivered and its exit code kept."""
    import subprocess
    import sys

    marker = str(tmp_path / "marker")
    proc = subprocess.run([sys.executable, "-c", _TEARDOWN_NOTED, marker, "export", str(SAMPLE), "--out",
                           str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("已导出") == 4 and proc.stdout.endswith("\n")
    assert Path(marker + ".exit-handler").exists()
    assert not Path(marker + ".freed").exists()
    broken = subprocess.run([sys.executable, "-c", _TEARDOWN_NOTED, marker + "2", "check",
                             str(tmp_path / "missing.json")], cwd=ROOT, capture_output=True, text=True,
                            encoding="utf-8", timeout=300)
    assert broken.returncode == 2 and "找不到" in broken.stderr  # the code and the message of a refusal are kept


BROKEN = ROOT / "seeds" / "broken-2024.json"  # a report with errors


_EXPORT = """
import sys
sys.path.insert(0, sys.argv[1])
import main
sys.exit(main.main(["export", sys.argv[2], "--out", sys.argv[3], *sys.argv[4:]]))
"""


def _export_all(tmp_path, draft, *extra):
    return _export_in_processes(tmp_path, _EXPORT, draft, *extra), tmp_path / "out"


def test_a_report_with_errors_exported_to_every_format_is_refused_and_nothing_is_written(tmp_path):
    proc, out = _export_all(tmp_path, BROKEN)
    assert proc.returncode == 1
    assert "报告还有 4 个错误，未导出正式文件" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_a_report_with_errors_exported_to_every_format_as_a_draft_is_marked_in_each(tmp_path):
    import subprocess
    import zipfile

    proc, out = _export_all(tmp_path, BROKEN, "--allow-errors")
    assert proc.returncode == 0, proc.stderr
    files = {p.suffix: p for p in out.iterdir()}
    assert set(files) == {".pdf", ".docx", ".xlsx", ".txt"}
    pages = subprocess.run(["pdftotext", "-layout", str(files[".pdf"]), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert pages and all("草稿（未通过校验）" in p for p in pages)  # the mark on every page
    with zipfile.ZipFile(files[".docx"]) as z:
        assert "草稿（未通过校验）" in "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert "草稿（未通过校验）" in files[".txt"].read_text(encoding="utf-8")


_CHECKS_TIMED = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
import model.checks, export.pdf_writer
note = sys.argv[4]
real_checks, real_pdf = model.checks.run_checks, export.pdf_writer.render_pdf

def slow_checks(state):
    found = real_checks(state)
    time.sleep(1.0)  # checks that take long: the pages must not wait for them
    open(note, "a").write(f"checked {time.monotonic()}\\n")
    return found

def noted_pdf(doc, fonts=None):
    open(note, "a").write(f"pages {time.monotonic()}\\n")
    return real_pdf(doc, fonts)

model.checks.run_checks = slow_checks
export.pdf_writer.render_pdf = noted_pdf
import main
sys.exit(main.main(["export", sys.argv[2], "--out", sys.argv[3]]))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the PDF process is forked (its prepare step runs unnoted)")
def test_the_pdf_pages_are_set_while_the_report_is_checked(tmp_path):
    note = tmp_path / "note"
    proc = _export_in_processes(tmp_path, _CHECKS_TIMED, SAMPLE, str(note))
    assert proc.returncode == 0, proc.stderr
    times = {}
    for line in note.read_text().splitlines():
        what, when = line.split()
        times.setdefault(what, []).append(float(when))
    # the small page the PDF process sets while it waits, then the report's pages — before the checks ended
    assert len(times["pages"]) == 2 and len(times["checked"]) == 1
    assert max(times["pages"]) < times["checked"][0]
    assert len(list((tmp_path / "out").iterdir())) == 4
