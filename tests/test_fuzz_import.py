"""Mutated and hostile inputs through import: a draft, or one Chinese line naming the file — never a traceback,
and the zip bombs, huge sheets and PDF bombs refused within the time and memory the import promises.

The inputs come from the generator of benchmarks/fuzz_imports.py (the long run with a case count); here a
fixed sample of it runs on every `pytest`.
"""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.fuzz_imports import (_bomb_member, _huge_sheet, _is_chinese_message, _lying_sizes, _many_pages,
                                     _nested, _pdf_stream_bomb, _rezip, make_case, originals)
from model.importers import ImportError_, import_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 230  # light cases; at least 200 of them are run
MEMORY_LIMIT = 500 << 20
SECONDS_LIMIT = 20


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return originals(tmp_path_factory.mktemp("originals"))


def test_two_hundred_mutated_inputs_import_or_are_refused_in_one_chinese_line(tmp_path, base):
    rng = random.Random(11)
    run, broken = 0, []
    for i in range(SAMPLE):
        what, name, data = make_case(i, base, rng)
        if i % 50 == 49 or what == "huge text":
            continue  # the heavy cases run below, in a process of their own
        path = tmp_path / str(i) / name
        path.parent.mkdir()
        path.write_bytes(data)
        run += 1
        try:
            import_file(path)
        except ImportError_ as exc:
            message = str(exc)
            if "\n" in message or path.name not in message or not _is_chinese_message(message):
                broken.append(f"{i} {what}: {message}")
        except Exception as exc:  # the contract: nothing but ImportError_ leaves import_file
            broken.append(f"{i} {what}: {type(exc).__name__}: {exc}")
    assert run >= 200
    assert broken == []


def test_a_renamed_file_is_refused_by_what_it_really_is(tmp_path, base):
    cases = {"report.pdf": base["sample.docx"], "report.docx": base["panyu-2020.txt"],
             "report.txt": base["sample.pdf"], "report.xlsx": base["sample.docx"]}
    expected = {"report.pdf": "改为 .docx", "report.docx": "改为 .txt", "report.txt": "改为 .pdf",
                "report.xlsx": "改为 .docx"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ImportError_, match=expected[name]):
            import_file(tmp_path / name)
    (tmp_path / "old.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(ImportError_, match="旧版 Office"):
        import_file(tmp_path / "old.docx")
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(ImportError_, match="空文件"):
        import_file(tmp_path / "empty.pdf")


def test_a_sheet_is_read_from_its_real_cells_not_its_declared_dimension(tmp_path, base):
    path = tmp_path / "huge.xlsx"
    path.write_bytes(_huge_sheet(base["sample.xlsx"]))
    draft, report = import_file(path)
    assert draft.meta.agency == "江南市临江区人民政府" and report.cells_read > 0


def _bombs(base) -> dict[str, bytes]:
    return {
        "bomb.docx": _bomb_member(base["sample.docx"], "word/document.xml", 200 << 20),
        "bomb.xlsx": _bomb_member(base["sample.xlsx"], "xl/worksheets/sheet1.xml", 200 << 20),
        "lying.docx": _lying_sizes(_bomb_member(base["sample.docx"], "word/document.xml", 100 << 20),
                                   "word/document.xml"),
        "deep.docx": _nested(base["sample.docx"], "word/document.xml", 50_000),
        "many.docx": _rezip(base["sample.docx"], {}, extra=6_000),
        "bomb.pdf": _pdf_stream_bomb(100 << 20),
        "pages.pdf": _many_pages(600),
        "huge.xlsx": _huge_sheet(base["sample.xlsx"]),
    }


_RUNNER = """
import io, json, sys, time, contextlib, traceback
sys.path.insert(0, sys.argv[1])
import main
out = []
for source in sys.argv[2:]:
    err = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main.main(["import", source, "--out", source + ".json"])
        except BaseException:
            traceback.print_exc()
            code = -1
    out.append({"source": source, "exit": code, "seconds": time.perf_counter() - started, "stderr": err.getvalue()})
print(json.dumps(out, ensure_ascii=False))
"""


def test_bombs_are_refused_within_20_seconds_and_500_mib(tmp_path, base):
    sources = []
    for name, data in _bombs(base).items():
        path = tmp_path / name
        path.write_bytes(data)
        sources.append(str(path))
    stdout = tmp_path / "runner.out"
    with stdout.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-c", _RUNNER, str(ROOT), *sources], stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    results = {Path(r["source"]).name: r for r in json.loads(stdout.read_text(encoding="utf-8"))}
    for name, r in results.items():
        assert "Traceback" not in r["stderr"], (name, r["stderr"])
        assert r["seconds"] < SECONDS_LIMIT, name
        if name == "huge.xlsx":
            assert r["exit"] in (0, 1), r["stderr"]
        else:
            assert r["exit"] == 2 and _is_chinese_message(r["stderr"]), (name, r["stderr"])
    # ru_maxrss is in KiB on Linux: the peak of the whole process, every bomb included
    assert usage.ru_maxrss * 1024 < MEMORY_LIMIT
    assert "（上限 64 MB）" in results["bomb.docx"]["stderr"] and "word/document.xml" in results["bomb.docx"]["stderr"]
    assert "600 页" in results["pages.pdf"]["stderr"]
    assert "上限 5000" in results["many.docx"]["stderr"]


def test_a_zip_member_that_inflates_past_its_declared_size_is_stopped(tmp_path, base):
    path = tmp_path / "lying.docx"
    path.write_bytes(_lying_sizes(_bomb_member(base["sample.docx"], "word/document.xml", 20 << 20),
                                  "word/document.xml"))
    with pytest.raises(ImportError_, match="word/document.xml"):
        import_file(path)

