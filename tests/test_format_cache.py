"""Format files as loaded are kept across runs, and never stand in for a file or code that changed."""

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from model import format_cache, spec
from model.spec import FormatSpec, SpecError

ROOT = Path(__file__).resolve().parent.parent
FORMAT_2021 = ROOT / "resources" / "formats" / "2021.json"


def _run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture
def cache_env(tmp_path) -> dict:
    return dict(os.environ, NIANBAO_CACHE_DIR=str(tmp_path / "cache"))


# A fresh process loads a format and says whether pydantic had to validate the file (its validator built).
_LOAD = ("import model.spec as s\n"
         "f = s.get_format('{id}')\n"
         "print(s.FormatFile.__pydantic_complete__, len(f.cells), f.row('{table}', '{row}').label)\n")


def test_a_second_run_takes_the_loaded_format_from_the_cache_without_validating_it(cache_env):
    table = spec.get_format("2021").tables
    first_table = next(iter(table.values()))
    row = first_table.blocks[0].rows[0]
    code = _LOAD.format(id="2021", table=first_table.id, row=row.id)
    first = _run(code, cache_env)
    second = _run(code, cache_env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    validated_first, cells, label = first.stdout.split()
    assert validated_first == "True"
    assert second.stdout.split() == ["False", cells, label]  # the same format, not validated again
    assert label == row.label and int(cells) == len(spec.get_format("2021").cells)


def test_an_edited_format_file_is_loaded_again_even_with_its_old_modification_time(tmp_path, cache_env):
    folder = tmp_path / "formats"
    folder.mkdir()
    raw = json.loads(FORMAT_2021.read_text(encoding="utf-8"))
    raw["id"] = "2031"
    raw["first_year"], raw["last_year"] = 2031, None
    table = raw["tables"][0]
    row = table["blocks"][0]["rows"][0]
    target = folder / "2031.json"
    target.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    env = dict(cache_env, NIANBAO_FORMATS_DIR=str(folder))
    code = _LOAD.format(id="2031", table=table["id"], row=row["id"])
    assert _run(code, env).stdout.split()[2] == row["label"]
    stat = target.stat()
    row["label"] = row["label"] + "（改）"
    target.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = _run(code, env)
    assert again.stdout.split() == ["True", again.stdout.split()[1], row["label"]]


def test_a_broken_format_file_is_refused_on_every_run_never_cached(tmp_path, cache_env):
    folder = tmp_path / "formats"
    folder.mkdir()
    raw = json.loads(FORMAT_2021.read_text(encoding="utf-8"))
    raw["id"] = "2031"
    del raw["title_suffix"]
    (folder / "2031.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    env = dict(cache_env, NIANBAO_FORMATS_DIR=str(folder))
    code = "import model.spec as s\ntry:\n    s.get_format('2031')\nexcept s.SpecError as e:\n    print(e)\n"
    for _ in range(2):
        out = _run(code, env).stdout
        assert "2031.json" in out and "title_suffix" in out


def _loads_counted(calls: list):
    def load(data: bytes) -> FormatSpec:
        calls.append(1)
        return spec._parse_file(data, FORMAT_2021.name)
    return load


def test_a_corrupt_entry_is_a_miss_and_is_written_again(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    data, calls = FORMAT_2021.read_bytes(), []
    first = format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
    entry = format_cache._entry_path(FORMAT_2021)
    entry.write_bytes(entry.read_bytes()[:500])  # a write cut short
    again = format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
    third = format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
    assert len(calls) == 2  # the cut entry was loaded again and replaced; the third run took the new entry
    assert first.cells.keys() == again.cells.keys() == third.cells.keys()


class _RunsCode:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (shutil.copyfile, (str(FORMAT_2021), str(self.marker)))


def test_a_tampered_entry_cannot_run_code(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    data, calls, marker = FORMAT_2021.read_bytes(), [], tmp_path / "ran"
    entry = format_cache._entry_path(FORMAT_2021)
    entry.parent.mkdir(parents=True)
    entry.write_bytes(pickle.dumps((format_cache._key(data, spec), _RunsCode(marker))))
    loaded = format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
    assert not marker.exists()
    assert calls == [1] and isinstance(loaded, FormatSpec)


def test_changed_loading_code_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    data, calls = FORMAT_2021.read_bytes(), []
    format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
    format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
    assert len(calls) == 1
    real = format_cache._code_of
    monkeypatch.setattr(format_cache, "_code_of", lambda module: real(module) + b"\n# changed\n")
    format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
    assert len(calls) == 2


def test_a_cache_folder_that_cannot_be_written_leaves_loading_working(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(blocker))
    data, calls = FORMAT_2021.read_bytes(), []
    for _ in range(2):
        loaded = format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec)
        assert loaded.cells
    assert len(calls) == 2


def test_a_file_that_does_not_load_raises_and_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(SpecError):
        format_cache.cached_load(FORMAT_2021, b"{not json", _loads_counted([]), spec, FormatSpec)
    assert not format_cache._entry_path(FORMAT_2021).exists()


def test_code_that_cannot_be_read_loads_the_file_without_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(format_cache, "_code_of", lambda module: None)
    data, calls = FORMAT_2021.read_bytes(), []
    for _ in range(2):
        assert format_cache.cached_load(FORMAT_2021, data, _loads_counted(calls), spec, FormatSpec).cells
    assert len(calls) == 2 and not format_cache._entry_path(FORMAT_2021).exists()
