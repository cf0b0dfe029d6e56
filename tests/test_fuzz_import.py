"""Mutated and hostile inputs through import: a draft, or one Chinese line naming the file — never a traceback,
and the zip bombs, huge sheets and PDF bombs refused within the time and memory the import promises.

The inputs come from the generator of benchmarks/fuzz_imports.py (the long run with a case count); here a
fixed sample of it runs on every `pytest`.
"""

import io
import json
import os
import random
import subprocess
import sys
import zipfile
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
# VmHWM is this program's own peak; ru_maxrss of a forked child also counts the parent's memory at the fork
peak_kib = next((int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")), None)
print(json.dumps({"results": out, "peak_kib": peak_kib}, ensure_ascii=False))
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
    report = json.loads(stdout.read_text(encoding="utf-8"))
    results = {Path(r["source"]).name: r for r in report["results"]}
    for name, r in results.items():
        assert "Traceback" not in r["stderr"], (name, r["stderr"])
        assert r["seconds"] < SECONDS_LIMIT, name
        if name == "huge.xlsx":
            assert r["exit"] in (0, 1), r["stderr"]
        else:
            assert r["exit"] == 2 and _is_chinese_message(r["stderr"]), (name, r["stderr"])
    # the peak of the whole program, every bomb included (KiB); ru_maxrss where /proc is not there
    peak_kib = report["peak_kib"] if report["peak_kib"] is not None else usage.ru_maxrss
    assert peak_kib * 1024 < MEMORY_LIMIT
    assert "（上限 64 MB）" in results["bomb.docx"]["stderr"] and "word/document.xml" in results["bomb.docx"]["stderr"]
    assert "600 页" in results["pages.pdf"]["stderr"]
    assert "上限 5000" in results["many.docx"]["stderr"]


def test_a_zip_member_that_inflates_past_its_declared_size_is_stopped(tmp_path, base):
    path = tmp_path / "lying.docx"
    path.write_bytes(_lying_sizes(_bomb_member(base["sample.docx"], "word/document.xml", 20 << 20),
                                  "word/document.xml"))
    with pytest.raises(ImportError_, match="word/document.xml"):
        import_file(path)



def _with_shared_strings(data: bytes) -> bytes:
    """The workbook as Excel and WPS save it: every text in xl/sharedStrings.xml, cells pointing at it."""
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    strings: list[str] = []
    replace = {}

    def shared(m):
        strings.append(m.group(2))
        return f'{m.group(1)} t="s"><v>{len(strings) - 1}</v></c>'

    for name in src.namelist():
        if name.startswith("xl/worksheets/sheet"):
            xml = src.read(name).decode("utf-8")
            replace[name] = re.sub(r'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t(?: [^>]*)?>([^<]*)</t></is></c>',
                                   shared, xml).encode("utf-8")
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    rels = src.read("xl/_rels/workbook.xml.rels").decode("utf-8").replace(
        "</Relationships>", '<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/sharedStrings"/></Relationships>')
    replace["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
    out = _rezip(data, replace)
    buf = io.BytesIO(out)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("xl/sharedStrings.xml", sst)
    assert strings
    return buf.getvalue()


def test_a_workbook_saved_with_shared_strings_reads_the_same(tmp_path, base):
    plain, shared = tmp_path / "plain.xlsx", tmp_path / "shared.xlsx"
    plain.write_bytes(base["sample.xlsx"])
    shared.write_bytes(_with_shared_strings(base["sample.xlsx"]))
    (d1, r1), (d2, r2) = import_file(plain), import_file(shared)
    assert r2.complete and r2.cells_read == r1.cells_read and d2.tables == d1.tables and d2.meta == d1.meta


def test_control_characters_in_an_imported_text_are_removed_and_reported(tmp_path):
    text = (ROOT / "seeds" / "panyu-2020.txt").read_text(encoding="utf-8")
    at = text.index("二、主动公开")
    path = tmp_path / "controls.txt"
    path.write_text(text[:at - 20] + "\x07\x1b\ufffe" + text[at - 20:], encoding="utf-8")
    draft, report = import_file(path)
    assert "导入的文字中删除了 2 个控制字符（U+0007、U+001B）。" in report.notes
    assert "导入的文字中删除了 1 个 Unicode 非字符（U+FFFE）。" in report.notes
    assert not any(ch in "\x07\x1b\ufffe" for block in draft.narrative["s1"] for ch in getattr(block, "text", ""))
