"""Painting our exported PDF's pages with QPainter as vectors: text as glyphs of the same font files the PDF
embedded, at the PDF's own positions, lines as lines, pictures as the PDF's pictures.

A printer (or a PDF printer such as “Microsoft Print to PDF”) then gets text it can print sharp and search, and a
6-page report stays small; what is printed is what is exported. The page's shapes come from export/pdf_drawing.py.
Fonts are found by their file: the face is looked up through Qt's font database (adding the file when it is not
installed) and accepted only when its PostScript name is the one the PDF subset carries.
"""

from __future__ import annotations

import io
import struct
import threading

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontDatabase, QGlyphRun, QImage, QPainter, QPainterPath, QPen,
                           QRawFont, QTransform)

from export.pdf_drawing import Clip, FontFace, GlyphRun, PageDrawing, Path, Picture, Restore, Save

POINT = 72.0


def postscript_name(name_table: bytes) -> str:
    """Name id 6 (PostScript name) of an sfnt 'name' table, '' when absent."""
    try:
        _fmt, count, strings = struct.unpack(">HHH", name_table[:6])
        for i in range(count):
            platform, encoding, _lang, name_id, length, offset = struct.unpack(
                ">HHHHHH", name_table[6 + 12 * i: 18 + 12 * i])
            if name_id != 6:
                continue
            raw = name_table[strings + offset: strings + offset + length]
            if platform == 3 or (platform == 0):
                return raw.decode("utf-16-be", errors="replace")
            return raw.decode("latin-1")
    except struct.error:
        return ""
    return ""


class FontBook:
    """QRawFonts of the font files a PDF embedded, one per face and size.

    Each thread that paints finds its own QRawFonts once (Qt's font engines belong to the thread that made them:
    the print thread and the UI thread, which paints 打印预览, never share one); the font files added to Qt's font
    database (whose functions are thread-safe) are added once per process."""

    _per_thread = threading.local()
    _added: dict[str, list[str]] = {}
    _adding = threading.Lock()

    @property
    def _faces(self) -> dict[FontFace, QRawFont | None]:
        faces = getattr(self._per_thread, "faces", None)
        if faces is None:
            faces = self._per_thread.faces = {}
        return faces

    def raw_font(self, face: FontFace, size: float) -> QRawFont | None:
        faces = self._faces
        base = faces.get(face, False)
        if base is False:
            base = faces[face] = self._find(face)
        if base is None:
            return None
        raw = QRawFont(base)
        raw.setPixelSize(size)
        return raw

    def _find(self, face: FontFace) -> QRawFont | None:
        for family in self._families(face):
            font = QFont(family)
            font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
            font.setPixelSize(100)
            raw = QRawFont.fromFont(font)
            if raw.isValid() and postscript_name(bytes(raw.fontTable("name"))) == face.postscript_name:
                return raw
        return None

    def _families(self, face: FontFace) -> list[str]:
        """Families that may be this face: those Qt reads from the file (installed or added now)."""
        with self._adding:  # two threads never add the same file twice
            if face.path not in self._added:
                font_id = QFontDatabase.addApplicationFont(face.path)
                self._added[face.path] = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            families = self._added[face.path]
        # a collection lists its faces in file order: try the face's own position first
        ordered = families[face.index:face.index + 1] + families
        return list(dict.fromkeys(ordered))


def _transform(m) -> QTransform:
    return QTransform(m[0], m[1], m[2], m[3], m[4], m[5])


def _colour(c) -> QColor:
    colour = QColor()
    colour.setRgbF(*(max(0.0, min(1.0, v)) for v in c))
    return colour


def _path(segments) -> QPainterPath:
    path = QPainterPath()
    for s in segments:
        kind = s[0]
        if kind == "m":
            path.moveTo(s[1], s[2])
        elif kind == "l":
            path.lineTo(s[1], s[2])
        elif kind == "c":
            path.cubicTo(s[1], s[2], s[3], s[4], s[5], s[6])
        elif kind == "h":
            path.closeSubpath()
        elif kind == "re":
            path.addRect(QRectF(s[1], s[2], s[3], s[4]))
    return path


_CAPS = {0: Qt.PenCapStyle.FlatCap, 1: Qt.PenCapStyle.RoundCap, 2: Qt.PenCapStyle.SquareCap}
_JOINS = {0: Qt.PenJoinStyle.MiterJoin, 1: Qt.PenJoinStyle.RoundJoin, 2: Qt.PenJoinStyle.BevelJoin}


def _decoded_jpeg(data: bytes) -> QImage:
    """A JPEG decoded by Pillow, which lets Python's other threads run while it decodes; Qt's decoder holds
    Python's lock throughout, so a photo decoded on the print thread would stall the window. JPEGs in other
    colour spaces (CMYK) are left to Qt."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.mode in ("RGB", "L"):
                picture.load()
                width, height = picture.size
                components = 3 if picture.mode == "RGB" else 1
                fmt = QImage.Format.Format_RGB888 if components == 3 else QImage.Format.Format_Grayscale8
                return QImage(picture.tobytes(), width, height, width * components, fmt).copy()
    except (OSError, ValueError, Image.DecompressionBombError):
        pass  # Qt tries it below, and an image it cannot read either is left out as before
    return QImage.fromData(data)


def _image(picture: Picture) -> QImage:
    if picture.kind == "jpeg":
        image = _decoded_jpeg(picture.data)
    else:
        fmt = QImage.Format.Format_RGB888 if picture.components == 3 else QImage.Format.Format_Grayscale8
        image = QImage(picture.data, picture.width, picture.height, picture.width * picture.components, fmt).copy()
    if picture.alpha is not None and not image.isNull():
        mask = QImage(picture.alpha, picture.width, picture.height, picture.width,
                      QImage.Format.Format_Grayscale8).copy()
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
        image.setAlphaChannel(mask)
    return image


class MissingFont(Exception):
    pass


def check_fonts(drawing: PageDrawing, book: FontBook) -> None:
    """Every font of the page can be drawn from its file (else the page is printed as an image)."""
    for face in {item.face for item in drawing.items if isinstance(item, GlyphRun)}:
        if book.raw_font(face, 10) is None:
            raise MissingFont(f"找不到字体 {face.postscript_name}（{face.path}）")


def paint_drawing(painter: QPainter, drawing: PageDrawing, page: QTransform, book: FontBook) -> None:
    """Paint one page. `page` maps PDF points with the origin at the page's top-left corner (y down) to the
    painter's device; the PDF's own y-up space is set up here."""
    flip = QTransform(1, 0, 0, -1, 0, drawing.height) * page
    painter.save()
    depth = 0  # the page's own q/Q, closed here if the page stops early
    try:
        for item in drawing.items:
            if isinstance(item, GlyphRun):
                raw = book.raw_font(item.face, item.size)
                if raw is None:
                    raise MissingFont(item.face.postscript_name)
                glyphs = raw.glyphIndexesForString("".join(item.text))
                if len(glyphs) != len(item.text):  # characters beyond U+FFFF: one glyph each, look up one by one
                    glyphs = [g for ch in item.text for g in raw.glyphIndexesForString(ch)[:1]]
                run = QGlyphRun()
                run.setRawFont(raw)
                run.setGlyphIndexes(glyphs)
                run.setPositions([QPointF(x / item.scale_x, -item.rise) for x in item.xs])
                painter.setTransform(QTransform(item.scale_x, 0, 0, -1, 0, 0) * _transform(item.matrix) * flip)
                painter.setPen(_colour(item.fill))
                painter.drawGlyphRun(QPointF(0, 0), run)
            elif isinstance(item, Path):
                painter.setTransform(_transform(item.matrix) * flip)
                path = _path(item.segments)
                path.setFillRule(Qt.FillRule.OddEvenFill if item.even_odd else Qt.FillRule.WindingFill)
                if item.fill is not None:
                    painter.fillPath(path, QBrush(_colour(item.fill)))
                if item.stroke is not None:
                    pen = QPen(_colour(item.stroke))
                    pen.setWidthF(item.line_width)
                    pen.setCosmetic(item.line_width == 0)
                    pen.setCapStyle(_CAPS.get(item.cap, Qt.PenCapStyle.FlatCap))
                    pen.setJoinStyle(_JOINS.get(item.join, Qt.PenJoinStyle.MiterJoin))
                    pen.setMiterLimit(item.miter)
                    dashes, offset = item.dash
                    if dashes and item.line_width > 0:
                        pattern = [max(d / item.line_width, 0.01) for d in dashes]
                        pen.setDashPattern(pattern * (2 if len(pattern) % 2 else 1))
                        pen.setDashOffset(offset / item.line_width)
                    painter.strokePath(path, pen)
            elif isinstance(item, Picture):
                image = _image(item)
                if image.isNull():
                    continue
                painter.setTransform(QTransform(1, 0, 0, -1, 0, 1) * _transform(item.matrix) * flip)
                painter.setOpacity(item.opacity)
                painter.drawImage(QRectF(0, 0, 1, 1), image)
                painter.setOpacity(1.0)
            elif isinstance(item, Clip):
                painter.setTransform(_transform(item.matrix) * flip)
                path = _path(item.segments)
                path.setFillRule(Qt.FillRule.OddEvenFill if item.even_odd else Qt.FillRule.WindingFill)
                painter.setClipPath(path, Qt.ClipOperation.IntersectClip)
            elif isinstance(item, Save):
                painter.save()
                depth += 1
            elif isinstance(item, Restore) and depth:
                painter.restore()
                depth -= 1
    finally:
        for _ in range(depth):
            painter.restore()
        painter.restore()
