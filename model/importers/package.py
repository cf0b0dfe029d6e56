"""Opening a Word or Excel file (a zip package) without letting its content decide how much we read.

A .docx or .xlsx of a few kilobytes can declare or inflate to gigabytes (a “zip bomb”), hold tens of
thousands of members, or nest XML thousands of levels deep. Every member is checked by its declared size
before it is read, and read through a stream that stops at the limit whatever the stream really holds;
the XML is parsed incrementally (lxml iterparse, default depth and text-node limits), so memory depends on
the limits here and not on the file.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path
from typing import IO, Iterator

from model.importers.report import ImportError_

MAX_MEMBERS = 5000
# One XML part: an annual report's document.xml is 0.2–3 MB; 64 MB leaves room for any real report and keeps
# a parse within the time and memory the import promises.
MAX_XML_BYTES = 64 << 20
# All the XML an import reads from one package.
MAX_TOTAL_XML_BYTES = 128 << 20
_READ_CHUNK = 1 << 16

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
OFFICE_DOCUMENT_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"


class _BoundedStream:
    """A read-only stream of a zip member that refuses to deliver more than *limit* bytes."""

    def __init__(self, raw: IO[bytes], limit: int, describe: str):
        self._raw = raw
        self._left = limit
        self._describe = describe

    def read(self, n: int = -1) -> bytes:
        want = _READ_CHUNK if n is None or n < 0 else min(n, _READ_CHUNK)
        data = self._raw.read(want)
        self._left -= len(data)
        if self._left < 0:
            raise ImportError_(f"{self._describe}解压后超过 {MAX_XML_BYTES >> 20} MB，不像一份年报，已停止读取。")
        return data


class Package:
    """A checked zip package: member count bounded, every read bounded, errors in Chinese."""

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.kind = kind  # “Word 文档” / “Excel 工作簿”, for messages
        self._read_so_far = 0
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, EOFError) as exc:
            raise ImportError_(f"“{path.name}”已损坏，不是完整的{kind}（无法打开其中的压缩包目录）。") from exc
        if len(infos) > MAX_MEMBERS:
            raise ImportError_(f"“{path.name}”中有 {len(infos)} 个部件（上限 {MAX_MEMBERS}），不像年报的{kind}，已拒绝导入。")
        self._infos = {info.filename: info for info in infos}

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def has(self, member: str) -> bool:
        return member in self._infos

    def where(self, member: str) -> str:
        return f"“{self.path.name}”的部件 {member} "

    def open(self, member: str) -> _BoundedStream:
        info = self._infos.get(member)
        if info is None:
            raise ImportError_(f"“{self.path.name}”缺少部件 {member}，不是完整的{self.kind}。")
        if info.file_size > MAX_XML_BYTES:
            raise ImportError_(f"{self.where(member)}声明解压后有 {info.file_size / 2**20:.0f} MB"
                               f"（上限 {MAX_XML_BYTES >> 20} MB），不像一份年报，已拒绝导入。")
        self._read_so_far += info.file_size
        if self._read_so_far > MAX_TOTAL_XML_BYTES:
            raise ImportError_(f"“{self.path.name}”中的内容解压后超过 {MAX_TOTAL_XML_BYTES >> 20} MB，不像一份年报，已拒绝导入。")
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError) as exc:
            raise ImportError_(f"{self.where(member)}已损坏或加密，无法读取。") from exc
        return _BoundedStream(raw, MAX_XML_BYTES, self.where(member))

    def iterparse(self, member: str, tags: tuple[str, ...] | None = None,
                  events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, object]]:
        """lxml iterparse of one member; the caller clears what it has used. Parse errors become ImportError_."""
        from lxml import etree

        stream = self.open(member)
        try:
            yield from etree.iterparse(stream, events=events, tag=tags, resolve_entities=False, no_network=True,
                                       huge_tree=False, remove_comments=True, remove_pis=True)
        except etree.XMLSyntaxError as exc:
            line = f"第 {exc.lineno} 行" if getattr(exc, "lineno", None) else ""
            if "depth" in str(exc).lower():  # libxml2 stops at 256 levels; no real document comes close
                raise ImportError_(f"{self.where(member)}{line}的 XML 嵌套超过 256 层，不像一份年报，已拒绝导入。") from exc
            raise ImportError_(f"{self.where(member)}{line}的 XML 已损坏，无法读取。") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ImportError_(f"{self.where(member)}已损坏（解压失败），无法读取。") from exc

    def main_part(self, usual: str) -> str:
        """The package's main document part, from _rels/.rels; where that is missing or broken, the part
        every producer uses (*usual*: word/document.xml, xl/workbook.xml), as Word and Excel also accept."""
        try:
            for _, rel in self.iterparse("_rels/.rels", tags=(f"{{{RELS_NS}}}Relationship",)):
                if rel.get("Type") in (OFFICE_DOCUMENT, OFFICE_DOCUMENT_STRICT):
                    part = resolve("", rel.get("Target", ""))
                    if self.has(part):
                        return part
        except ImportError_:
            if not self.has(usual):
                raise
        if self.has(usual):
            return usual
        raise ImportError_(f"“{self.path.name}”中没有主文档部件，不是完整的{self.kind}。")

    def relationships(self, part: str) -> dict[str, str]:
        """{relationship id: target part} of *part*, from its .rels file."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if not self.has(rels):
            return {}
        out = {}
        for _, rel in self.iterparse(rels, tags=(f"{{{RELS_NS}}}Relationship",)):
            out[rel.get("Id", "")] = resolve(folder, rel.get("Target", ""))
        return out


def resolve(folder: str, target: str) -> str:
    """A relationship target as a member name: absolute (“/xl/…”) or relative to the source part's folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("./") if folder else posixpath.normpath(target)
