"""Render the application icon from its SVG drawings into the files the app and the Windows build use.

    uv run python packaging/make_icon.py [--check]

resources/icon-small.svg (drawn on a 16-pixel grid) gives the 16 px picture, resources/icon.svg every larger
one. Writes resources/icon-<size>.png (the window icon, read by gui/app.py) and resources/icon.ico (the .exe's
icon, the Start-menu and desktop shortcuts and the uninstaller's entry). The files are kept in the repository, so
neither the app nor the bundle needs an SVG renderer; --check only tells whether they match the drawings.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
DRAWING = RESOURCES / "icon.svg"
SMALL_DRAWING = RESOURCES / "icon-small.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 256)  # what Windows asks an .exe for at 100–200 % scaling and in Explorer views
ICO = RESOURCES / "icon.ico"


def png_path(size: int) -> Path:
    return RESOURCES / f"icon-{size}.png"


def render(size: int) -> QImage:
    drawing = SMALL_DRAWING if size <= 16 else DRAWING
    renderer = QSvgRenderer(str(drawing))
    if not renderer.isValid():
        raise SystemExit(f"{drawing} is not a valid SVG drawing")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("Qt could not encode a PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .ico holding one PNG per size (read by Windows since Vista): a 6-byte header, one 16-byte entry per
    picture (width and height 0 mean 256), then the pictures."""
    sizes = sorted(pngs)
    offset = 6 + 16 * len(sizes)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    entries, pictures = b"", b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size
        # width, height, colours in palette (0: none), reserved, colour planes, bits per pixel, bytes, offset
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(pictures))
        pictures += data
    return header + entries + pictures


def read_ico(data: bytes) -> list[tuple[int, int, bytes]]:
    """(width, height, picture bytes) of every picture of an .ico; raises ValueError on anything malformed."""
    if len(data) < 6:
        raise ValueError("too short for an .ico header")
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    if reserved != 0 or kind != 1 or count == 0:
        raise ValueError(f"not an icon file (reserved {reserved}, type {kind}, {count} pictures)")
    pictures = []
    for n in range(count):
        width, height, _colours, _reserved, _planes, _bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * n)
        if offset + length > len(data):
            raise ValueError(f"picture {n + 1} lies beyond the end of the file")
        pictures.append((width or 256, height or 256, data[offset:offset + length]))
    return pictures


def wanted_files() -> dict[Path, bytes]:
    pngs = {size: png_bytes(render(size)) for size in PNG_SIZES}
    files = {png_path(size): data for size, data in pngs.items()}
    files[ICO] = ico_bytes({size: pngs[size] for size in ICO_SIZES})
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report whether the files match the drawings")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # QPainter on QImage needs a Gui app
    stale = []
    for path, data in wanted_files().items():
        if not path.is_file() or path.read_bytes() != data:
            stale.append(path)
            if not args.check:
                path.write_bytes(data)
    for path in stale:
        print(f"{'differs' if args.check else 'written'}: {path.relative_to(ROOT)}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
