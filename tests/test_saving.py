"""Saving a draft is durable and tidy: the target of a symlink is written, a read-only file is refused, long
names can be saved, temporary files are short and cleaned up, the file and then its folder reach the disk,
and disk errors are explained in Chinese."""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path

import pytest

import main
from model import atomic_files, drafts_io
from model.drafts_io import WriteError, load_draft, save_draft
from model.state import ReportState

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "seeds" / "sample-2024.json"
posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinks, modes and folder fsync as POSIX has them")


def a_draft(agency: str = "某局"):
    return ReportState.new(agency, 2024).to_draft()


@posix_only
def test_saving_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "真正的草稿.json"
    save_draft(a_draft("旧名称"), target)
    link = tmp_path / "快捷方式.json"
    link.symlink_to(target)
    save_draft(a_draft("新名称"), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert load_draft(target).meta.agency == "新名称"


@posix_only
def test_a_read_only_draft_is_refused_not_replaced(tmp_path, capsys):
    path = tmp_path / "只读.json"
    save_draft(a_draft("原来的"), path)
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(WriteError) as info:
        save_draft(a_draft("新的"), path)
    assert "只读" in str(info.value) and "只读" in info.value.strerror
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    code = main.main(["new", "--year", "2024", "--agency", "新的", "--out", str(path), "--force"])
    err = capsys.readouterr().err
    assert code == 2 and "只读" in err and len(err.strip().splitlines()) == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["只读.json"]


def test_a_name_of_254_bytes_can_be_saved(tmp_path):
    name = "政" * 83 + ".json"  # 83 × 3 + 5 = 254 bytes in UTF-8, the most most file systems allow is 255
    assert len(name.encode("utf-8")) == 254
    path = tmp_path / name
    save_draft(a_draft(), path)
    assert load_draft(path).meta.agency == "某局"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_temporary_files_are_short_and_beside_the_target(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((Path(src), Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic_files.os, "replace", spy)
    save_draft(a_draft(), tmp_path / ("长" * 80 + ".json"))
    (src, dst), = seen
    assert src.parent == dst.parent == tmp_path
    assert len(src.name.encode("utf-8")) <= 16


def test_stale_temporary_files_of_ours_are_removed_on_the_next_save(tmp_path):
    old = time.time() - 3600
    stale = [tmp_path / ".nb-abcd1234.tmp", tmp_path / ".d.json.k2j4h5g6.tmp"]  # ours, the older naming too
    fresh = tmp_path / ".nb-zzzz9999.tmp"  # another save may be writing it right now
    others = [tmp_path / "notes.tmp", tmp_path / ".other.tmp"]  # not ours
    for path in stale + [fresh] + others:
        path.write_bytes(b"x" * 100)
    for path in stale + others:
        os.utime(path, (old, old))
    save_draft(a_draft(), tmp_path / "d.json")
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"d.json", fresh.name} | {p.name for p in others}


def test_stale_temporary_files_can_be_cleaned_up_at_start(tmp_path):
    old = time.time() - 3600
    ours = [tmp_path / ".nb-q1w2e3r4.tmp", tmp_path / ".报告.pdf.a1b2c3d4.tmp", tmp_path / ".2024.json.zz99yy88.tmp"]
    others = [tmp_path / ".cache.a1b2c3d4.tmp", tmp_path / "数据.tmp"]
    for path in ours + others:
        path.write_bytes(b"x")
        os.utime(path, (old, old))
    drafts_io.remove_stale_temporary_files(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {p.name for p in others}


@posix_only
def test_the_file_is_flushed_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        return real_fsync(fd)

    def replace(src, dst):
        events.append("rename")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic_files.os, "fsync", fsync)
    monkeypatch.setattr(atomic_files.os, "replace", replace)
    save_draft(a_draft(), tmp_path / "d.json")
    assert events == ["file", "rename", "folder"]


@pytest.mark.parametrize("code,words", [
    (errno.ENOSPC, "磁盘空间不足"), (errno.EACCES, "权限"), (errno.EROFS, "只读"),
    (getattr(errno, "EDQUOT", errno.ENOSPC), "磁盘"),
])
def test_disk_errors_are_explained_in_chinese(tmp_path, monkeypatch, capsys, code, words):
    def fail(*args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic_files.os, "replace", fail)
    out = tmp_path / "新草稿.json"
    assert main.main(["new", "--year", "2024", "--agency", "某局", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and "新草稿.json" in err and os.strerror(code) not in err
    assert len(err.splitlines()) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []
