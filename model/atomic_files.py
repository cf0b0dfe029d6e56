"""Writing files atomically: a temporary file in the same folder, flushed, then renamed over the target, the folder
flushed after — so a crash or a full disk never leaves a half-written file — and the Chinese words for what the
operating system refused."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path


class WriteError(OSError):
    """A write that failed; its strerror (and str()) is a Chinese sentence, so callers that print
    exc.strerror show the user Chinese whatever the system said."""

    def __str__(self) -> str:
        return f"无法写入“{self.filename}”：{self.strerror}" if self.filename else str(self.strerror)


_OS_ERRORS = {
    errno.ENOSPC: "磁盘空间不足", errno.EACCES: "没有写入或读取这个位置的权限", errno.EPERM: "没有权限进行这个操作",
    errno.EROFS: "所在的磁盘或文件夹是只读的", errno.ENAMETOOLONG: "文件名或路径过长",
    errno.ENOENT: "文件或文件夹不存在", errno.EISDIR: "这是一个文件夹，不是文件", errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EFBIG: "文件超过了系统允许的大小", errno.EIO: "磁盘读写出错", errno.EEXIST: "文件已存在",
    errno.EBUSY: "文件正被其他程序使用", errno.EMFILE: "同时打开的文件过多", errno.ELOOP: "符号链接层数过多（可能指向自身）",
    errno.EXDEV: "不能跨磁盘移动文件", errno.EINVAL: "文件名或参数无效",
}
if hasattr(errno, "EDQUOT"):
    _OS_ERRORS[errno.EDQUOT] = "超出了磁盘配额"


def os_error_text(exc: OSError) -> str:
    """What a failed file operation means, in Chinese (the system's own strerror is English)."""
    if isinstance(exc, WriteError):
        return str(exc.strerror)
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    if isinstance(exc, PermissionError):
        return _OS_ERRORS[errno.EACCES]
    return f"系统错误（错误码 {exc.errno}）" if exc.errno else "系统错误"


# Temporary files of ours: short, so that a target name of up to 255 bytes can still be saved beside one.
_TEMP_PREFIX, _TEMP_SUFFIX = ".nb-", ".tmp"
_OUR_TEMP = re.compile(r"\.nb-[a-z0-9_]{8}\.tmp")
STALE_TEMP_SECONDS = 10 * 60  # a save takes seconds; an older temporary file was left by a crash


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write a file so that it is either the old one or the new one, never half of each.

    A symlink is followed (its target is written, the link stays); a read-only file is refused, not
    replaced. The data goes to a temporary file beside the target, is flushed to disk, renamed over the
    target, and the folder is flushed so that the rename survives a power cut (POSIX). Errors are
    WriteError with a Chinese reason."""
    target = Path(os.path.realpath(path))
    folder = target.parent
    try:
        mode = _mode_for(target)
    except OSError as exc:
        raise WriteError(exc.errno, os_error_text(exc), str(path)) from exc
    remove_stale_temporary_files(folder, target.name)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=folder)
        os.chmod(tmp, mode)  # mkstemp creates the file private (0600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        tmp = None
        _fsync_folder(folder)
    except OSError as exc:
        raise WriteError(exc.errno, os_error_text(exc), str(path)) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _mode_for(target: Path) -> int:
    """The permissions the new file gets: the old file's, or what a newly created file would have.
    A read-only file raises: the user (or an administrator) made it so, and saving must not undo that."""
    try:
        st = target.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise WriteError(errno.EACCES, "文件是只读的，没有覆盖；请先取消只读属性，或另存为其他文件", str(target))
    return stat.S_IMODE(st.st_mode)


def remove_stale_temporary_files(folder: str | Path, name: str | None = None) -> None:
    """Remove temporary files left in a folder by an interrupted save: ours only, and old enough that no save
    can still be writing them. Called on every save (for that folder and target name) and usable at start.
    The older naming (".<name>.<8 characters>.tmp") is recognised for the target's name, or for any file
    this program writes when no name is given."""
    target = re.escape(name) if name else r".+\.(?:json|pdf|docx|xlsx|txt)"
    older = re.compile(rf"\.{target}\.[a-z0-9_]{{8}}\.tmp")
    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not (_OUR_TEMP.fullmatch(entry.name) or older.fullmatch(entry.name)):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:
            pass


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for flushing; os.replace of a flushed file is what it offers
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems do not flush folders; the file itself is already on disk
    finally:
        os.close(fd)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
