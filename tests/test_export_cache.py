"""The font cache changes how fast an export is, never what it writes.

Each export runs as the user runs it (`main.py export`, a new process, so nothing is remembered but the cache
folder): first with an empty cache, then with the cache that run left, then with every cache entry damaged. All
three write the same report: the PDF's text and embedded fonts, the DOCX's XML, the workbook's cell values.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "yuexiu-2023.json"


def _export(out: Path, cache: Path) -> dict[str, Path]:
    env = dict(os.environ, NIANBAO_CACHE_DIR=str(cache))
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(SEED), "--out", str(out)],
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return {p.suffix[1:]: p for p in out.iterdir()}


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pdf_fonts(path: Path) -> list[str]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [line.split()[0] + " " + " ".join(line.split()[-5:-2]) for line in lines[2:]]  # name, emb sub uni


def _docx_xml(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml") and n != "docProps/core.xml"}


def _xlsx_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


def _content(files: dict[str, Path]) -> dict:
    return {"pdf text": _pdf_text(files["pdf"]), "pdf fonts": _pdf_fonts(files["pdf"]),
            "docx": _docx_xml(files["docx"]), "xlsx": _xlsx_values(files["xlsx"]),
            "txt": files["txt"].read_text(encoding="utf-8")}


def test_cold_warm_and_damaged_cache_write_the_same_report(tmp_path):
    cache = tmp_path / "cache"
    cold = _content(_export(tmp_path / "cold", cache))
    entries = sorted((cache / "fonts").iterdir())
    # one entry per font file the PDF uses: the fonts the report is set in are parsed once, then read back
    assert len(entries) >= len({f.split()[0].split("+")[1] for f in cold["pdf fonts"]})
    assert cold["pdf fonts"] and all(f.endswith("yes yes yes") for f in cold["pdf fonts"])
    assert "政府信息公开工作年度报告" in cold["pdf text"]

    warm = _content(_export(tmp_path / "warm", cache))
    assert warm == cold

    # a cache cut short by a crash, or overwritten with junk: ignored, the fonts parsed again, the entries rebuilt
    for i, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if i % 2 else b"not a cache entry")
    damaged = _content(_export(tmp_path / "damaged", cache))
    assert damaged == cold
    rebuilt = sorted((cache / "fonts").iterdir())
    assert [p.name for p in rebuilt] == [p.name for p in entries]
    assert all(p.stat().st_size > 1000 for p in rebuilt)


_CHANGED_FONT = """
import os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from export import font_cache
from export.fonts import _file_index

copy = Path(sys.argv[2])
font = next(p for name, p in sorted(_file_index().items()) if name.endswith((".ttf", ".ttc")))
copy.write_bytes(font.read_bytes())
not_stored = ("_ttf_data", "_pdfScale", "_pos")
first = font_cache.load_ttfont("nb-test-a", copy, 0)
assert not isinstance(first.face, font_cache._FaceFromCache)
again = font_cache.load_ttfont("nb-test-b", copy, 0)
assert isinstance(again.face, font_cache._FaceFromCache)
parsed = {k: v for k, v in first.face.__dict__.items() if k not in not_stored}
restored = {k: getattr(again.face, k) for k in parsed}
assert restored == parsed  # every table as reportlab parsed it
kind = lambda v: dict if isinstance(v, dict) else type(v)  # character map and widths: dicts unpacked entry by entry
assert [kind(v) for v in restored.values()] == [kind(v) for v in parsed.values()]
assert again.face._pdfScale(1000) == first.face._pdfScale(1000)
assert again.face._ttf_data == first.face._ttf_data  # read from the file when a subset is made
os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 10**9))
changed = font_cache.load_ttfont("nb-test-c", copy, 0)
assert not isinstance(changed.face, font_cache._FaceFromCache)
print("ok")
"""


def _pdf_without_dates(path: Path) -> bytes:
    """The PDF's bytes but its creation and modification times and the ID reckoned from them."""
    data = re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", path.read_bytes())
    return re.sub(rb"/ID\s*\[<[0-9a-fA-F]+>\s*<[0-9a-fA-F]+>\]", b"", data)


def test_embedded_font_subsets_are_kept_and_embedded_byte_for_byte_again(tmp_path):
    cache = tmp_path / "cache"
    _export(tmp_path / "first", cache)  # the fonts are parsed and kept
    second = _export(tmp_path / "second", cache)  # the subsets are built from the kept fonts, and kept too
    subsets = sorted((cache / "font-subsets").iterdir())
    assert subsets and all(p.stat().st_size > 1000 for p in subsets)
    inodes = {p.name: p.stat().st_ino for p in subsets}

    third = _export(tmp_path / "third", cache)
    assert _pdf_without_dates(third["pdf"]) == _pdf_without_dates(second["pdf"])
    # read back, not built and written again (a written entry is a new file)
    assert {p.name: p.stat().st_ino for p in (cache / "font-subsets").iterdir()} == inodes

    for i, entry in enumerate(subsets):  # cut short or junk: built again, the same bytes embedded
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if i % 2 else b"not a subset")
    damaged = _export(tmp_path / "damaged", cache)
    assert _pdf_without_dates(damaged["pdf"]) == _pdf_without_dates(second["pdf"])
    assert sorted(p.name for p in (cache / "font-subsets").iterdir()) == sorted(inodes)
    assert all(p.stat().st_size > 1000 for p in (cache / "font-subsets").iterdir())


def test_changed_font_file_is_parsed_again(tmp_path):
    """An entry is used only for the file it was made from: a font updated in place (other size or time) is
    parsed again. Run in its own process, as fonts are parsed once per process and are large."""
    env = dict(os.environ, NIANBAO_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-c", _CHANGED_FONT, str(ROOT), str(tmp_path / "copy.ttc")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_a_restored_face_reads_its_big_tables_only_when_used_and_knows_its_characters_without_them(tmp_path,
                                                                                                   monkeypatch):
    """Restoring a face reads no table a report may never need: the horizontal metrics (read only to build a
    subset that is not cached yet), the character map (the set of characters is read from its packed keys)."""
    from export import font_cache, fonts

    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    chinese = [p for p in fonts._file_index().values() if p.suffix.lower() in (".ttf", ".ttc")]
    assert chinese, "no TrueType font installed"
    path = max(chinese, key=lambda p: p.stat().st_size)  # a CJK font: tens of thousands of glyphs
    parsed = font_cache.load_ttfont("nb-test-parsed", path, 0)  # parsed, and stored in the cache
    restored = font_cache.load_ttfont("nb-test-restored", path, 0)
    face = restored.face
    assert isinstance(face, font_cache._FaceFromCache)
    assert font_cache.code_points(face) == frozenset(parsed.face.charToGlyph)
    assert "charToGlyph" not in vars(face) and "hmetrics" not in vars(face)  # neither was built for that
    assert face.hmetrics == parsed.face.hmetrics  # and each is the parsed one when used
    assert face.charToGlyph == parsed.face.charToGlyph


def test_a_code_point_table_answers_lookups_entry_by_entry_and_is_the_whole_dict_when_seen_whole():
    import pickle
    from array import array

    from export.font_cache import _CodePointMap

    plain = {32: 250.0, 0x4E2D: 1000.0, 0x6587: 1000.0, 0x20000: 1000.0}
    keys = sorted(plain)
    table = _CodePointMap(array("q", keys), array("d", [plain[k] for k in keys]))
    assert 0x4E2D in table and 0x4E00 not in table and "中" not in table
    assert table.get(0x6587) == 1000.0 and table.get(0x4E00, 7.0) == 7.0 and table[32] == 250.0
    assert bool(table) and dict.__len__(table) == 3  # only what was looked up is unpacked
    try:
        table[0x4E00]
    except KeyError:
        pass
    else:
        raise AssertionError("a code point the face lacks must raise KeyError")
    assert len(table) == 4 and table == plain and dict(table) == plain and sorted(table) == keys
    assert set(table.items()) == set(plain.items()) and pickle.loads(pickle.dumps(table)) == plain
    table[0x4E00] = 500.0  # set by a caller: kept, and seen by lookups
    assert table.get(0x4E00) == 500.0 and len(table) == 5
