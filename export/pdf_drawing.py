"""The drawing of our exported PDF's pages as plain data, for painting them again as vectors (printing).

Our PDFs come from reportlab and use few operators: text in simple TrueType subsets (Tf/Tm/Td/Tc/Tw/Tj/TJ), lines and
rectangles, colours, transparency through ExtGState, and pictures through image XObjects. Each page is read into a
list of shapes in PDF user space (points, y upwards): glyph runs that name the font FILE the subset was cut from
(so that a printer gets the same glyphs as real text), paths, pictures, clips and save/restore marks.

A page using anything else (a font whose file is not known here, inline images, shadings, patterns, a form) is not
replayed: it is reported as a reason, and the caller prints that page another way. No Qt here: the painting lives
in gui/pdf_replay.py.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

Matrix = tuple[float, float, float, float, float, float]  # PDF [a b c d e f]
Colour = tuple[float, float, float, float]  # r, g, b, alpha in 0..1
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector order: `cm` makes CTM' = M × CTM)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


@dataclass(frozen=True)
class FontFace:
    """A font file and the face inside it (collections hold several) that a PDF font subset was cut from."""
    path: str
    index: int
    postscript_name: str


@dataclass
class GlyphRun:
    """Characters of one font at one size. `matrix` maps text space (before the font size) to user space;
    each character sits at (x, rise) in text space; `scale_x` is the horizontal scaling (Tz / 100)."""
    matrix: Matrix
    face: FontFace
    size: float
    text: list[str]
    xs: list[float]
    rise: float
    scale_x: float
    fill: Colour


@dataclass
class Path:
    """Segments ('m', x, y), ('l', x, y), ('c', x1, y1, x2, y2, x3, y3), ('h',), ('re', x, y, w, h) in the space
    of `matrix`, filled and/or stroked."""
    matrix: Matrix
    segments: list[tuple]
    fill: Colour | None
    even_odd: bool
    stroke: Colour | None
    line_width: float
    cap: int
    join: int
    miter: float
    dash: tuple[list[float], float]


@dataclass
class Clip:
    matrix: Matrix
    segments: list[tuple]
    even_odd: bool


@dataclass
class Picture:
    """An image drawn into the unit square of `matrix` (its first row at the top). `kind` is 'jpeg' (data is the
    file) or 'raw' (8-bit samples, `components` per pixel); `alpha` is an 8-bit soft mask of the same size."""
    matrix: Matrix
    kind: str
    data: bytes
    width: int
    height: int
    components: int
    alpha: bytes | None
    opacity: float


@dataclass
class Save:
    pass


@dataclass
class Restore:
    pass


@dataclass
class PageDrawing:
    width: float
    height: float
    items: list = field(default_factory=list)

    def text(self) -> str:
        return "".join("".join(item.text) for item in self.items if isinstance(item, GlyphRun))


class NotReplayable(Exception):
    """The page uses something this reader does not draw; the message says what (for the log)."""


def registered_font_faces() -> dict[str, FontFace]:
    """reportlab's registered TrueType fonts by the name their subsets carry in a PDF ("UMingCN-0"), with the file
    each came from: every font our PDF writer can embed in this process."""
    from export import reportlab_import  # noqa: F401 — first: see that module
    from reportlab.pdfbase import pdfmetrics

    from export.render_lock import REPORTLAB_LOCK

    with REPORTLAB_LOCK:  # another thread may be registering a font meanwhile
        fonts = list(pdfmetrics._fonts.values())
    faces: dict[str, FontFace] = {}
    for font in fonts:
        face = getattr(font, "face", None)
        path = getattr(face, "filename", None)
        if not isinstance(getattr(face, "name", None), bytes) or not isinstance(path, str):
            continue
        suffix = face.subfontNameX.decode("latin-1") if isinstance(face.subfontNameX, bytes) else ""
        index = int(suffix[1:]) if suffix[1:].isdigit() else 0
        name = face.name.decode("latin-1")
        faces[name + suffix] = FontFace(path, index, name)
    return faces


# -- fonts -------------------------------------------------------------------------------------------------------

@dataclass
class _Font:
    face: FontFace
    first_char: int
    widths: list[float]
    to_unicode: dict[int, str]

    def width(self, code: int) -> float:
        i = code - self.first_char
        return float(self.widths[i]) if 0 <= i < len(self.widths) else 0.0


def _hex_text(hexdigits: str) -> str:
    raw = bytes.fromhex(hexdigits)
    return raw.decode("utf-16-be", errors="replace")


def parse_to_unicode(cmap: str) -> dict[int, str]:
    """A ToUnicode CMap's bfchar and bfrange entries (one-byte codes, as in simple fonts)."""
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, dest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(code, 16)] = _hex_text(dest)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dest in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            lo_i, hi_i = int(lo, 16), int(hi, 16)
            if dest.startswith("["):
                for n, d in enumerate(re.findall(r"<([0-9A-Fa-f]+)>", dest)):
                    out[lo_i + n] = _hex_text(d)
            else:
                start = bytes.fromhex(dest[1:-1])
                base = int.from_bytes(start, "big")
                for n in range(hi_i - lo_i + 1):
                    out[lo_i + n] = (base + n).to_bytes(len(start), "big").decode("utf-16-be", errors="replace")
    return out


def _font(resource, faces: dict[str, FontFace]) -> _Font:
    font = resource.get_object()
    subtype = font.get("/Subtype")
    base = str(font.get("/BaseFont", ""))[1:] if str(font.get("/BaseFont", "")).startswith("/") else \
        str(font.get("/BaseFont", ""))
    if subtype != "/TrueType":
        raise NotReplayable(f"字体 {base} 的类型 {subtype} 无法按矢量重绘")
    name = base.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", base) else base
    face = faces.get(name)
    if face is None:
        raise NotReplayable(f"找不到字体 {base} 的字体文件")
    if "/ToUnicode" not in font:
        raise NotReplayable(f"字体 {base} 没有 ToUnicode 表")
    to_unicode = parse_to_unicode(font["/ToUnicode"].get_object().get_data().decode("latin-1"))
    widths = [float(w) for w in font.get("/Widths", [])]
    return _Font(face, int(font.get("/FirstChar", 0)), widths, to_unicode)


# -- pictures ----------------------------------------------------------------------------------------------------

def _filters(stream) -> list[str]:
    f = stream.get("/Filter")
    if f is None:
        return []
    return [str(x) for x in f] if isinstance(f, list) else [str(f)]


def _picture(xobject, matrix: Matrix, opacity: float) -> Picture:
    if xobject.get("/ImageMask") or "/Decode" in xobject or int(xobject.get("/BitsPerComponent", 8)) != 8:
        raise NotReplayable("图片的编码方式无法按矢量重绘")
    space = xobject.get("/ColorSpace")
    components = {"/DeviceRGB": 3, "/DeviceGray": 1}.get(str(space))
    if components is None:
        raise NotReplayable(f"图片的颜色空间 {space} 无法按矢量重绘")
    width, height = int(xobject["/Width"]), int(xobject["/Height"])
    filters = _filters(xobject)
    data = xobject.get_data()  # Flate undone; DCT data stays the JPEG file
    kind = "jpeg" if filters and filters[-1] == "/DCTDecode" else "raw"
    if kind == "raw" and len(data) < width * height * components:
        raise NotReplayable("图片数据不完整")
    alpha = None
    if "/SMask" in xobject:
        mask = xobject["/SMask"].get_object()
        if (int(mask.get("/Width", 0)), int(mask.get("/Height", 0))) != (width, height) or _filters(mask)[-1:] == ["/DCTDecode"]:
            raise NotReplayable("图片的透明遮罩无法按矢量重绘")
        alpha = mask.get_data()
        if len(alpha) < width * height:
            raise NotReplayable("图片的透明遮罩不完整")
    return Picture(matrix, kind, data, width, height, components, alpha, opacity)


# -- the page ----------------------------------------------------------------------------------------------------

@dataclass
class _State:
    ctm: Matrix = IDENTITY
    fill: tuple[float, float, float] = (0.0, 0.0, 0.0)
    stroke: tuple[float, float, float] = (0.0, 0.0, 0.0)
    fill_alpha: float = 1.0
    stroke_alpha: float = 1.0
    line_width: float = 1.0
    cap: int = 0
    join: int = 0
    miter: float = 10.0
    dash: tuple[list[float], float] = ((), 0.0)
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale_x: float = 1.0
    leading: float = 0.0
    font: str | None = None  # the page's resource name of the font (/F1 …)
    size: float = 0.0
    rise: float = 0.0
    render_mode: int = 0

    def copy(self) -> "_State":
        return _State(**self.__dict__)


def _raw(operand) -> bytes:
    """The bytes of a string operand as written in the file (pypdf decodes some as text)."""
    original = getattr(operand, "original_bytes", None)
    if original is not None:
        return bytes(original)
    if isinstance(operand, bytes):
        return bytes(operand)
    return str(operand).encode("latin-1", errors="replace")


def _colour(values, space_components: int) -> tuple[float, float, float]:
    v = [float(x) for x in values]
    if space_components == 1 and len(v) == 1:
        return (v[0], v[0], v[0])
    if space_components == 3 and len(v) == 3:
        return (v[0], v[1], v[2])
    if space_components == 4 and len(v) == 4:
        c, m, y, k = v
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    raise NotReplayable("颜色无法按矢量重绘")


_SPACES = {"/DeviceGray": 1, "/DeviceRGB": 3, "/DeviceCMYK": 4}


def page_drawing(page, faces: dict[str, FontFace]) -> PageDrawing:
    """One pypdf page as shapes; raises NotReplayable (with the reason) for what it does not draw."""
    from pypdf.generic import ContentStream

    box = page.mediabox
    if float(box.left) != 0 or float(box.bottom) != 0 or int(page.get("/Rotate", 0) or 0) % 360:
        raise NotReplayable("页面的坐标原点或旋转无法按矢量重绘")
    drawing = PageDrawing(float(box.width), float(box.height))
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else {}
    fonts_res = resources.get("/Font")
    fonts_res = fonts_res.get_object() if fonts_res is not None else {}
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else {}
    ext = resources.get("/ExtGState")
    ext = ext.get_object() if ext is not None else {}
    fonts: dict[str, _Font] = {}
    contents = page.get_contents()
    if contents is None:
        return drawing
    if not isinstance(contents, ContentStream):
        contents = ContentStream(contents, page.pdf)

    items = drawing.items
    state = _State()
    stack: list[_State] = []
    fill_space = stroke_space = 3
    path: list[tuple] = []
    clip_pending: bool | None = None  # W / W* seen: even-odd or not, applied when the path ends
    tm = tlm = IDENTITY

    def end_path(fill: bool, even_odd: bool, stroke: bool) -> None:
        nonlocal path, clip_pending
        if path and (fill or stroke):
            items.append(Path(state.ctm, path,
                              state.fill + (state.fill_alpha,) if fill else None, even_odd,
                              state.stroke + (state.stroke_alpha,) if stroke else None,
                              state.line_width, state.cap, state.join, state.miter, state.dash))
        if clip_pending is not None:
            items.append(Clip(state.ctm, path, clip_pending))
            clip_pending = None
        path = []

    def font_named(key: str | None) -> _Font:
        if key is None:
            raise NotReplayable("文字没有指定字体")
        if key not in fonts:
            if key not in fonts_res:
                raise NotReplayable(f"页面引用了不存在的字体 {key}")
            fonts[key] = _font(fonts_res[key], faces)
        return fonts[key]

    def show(data: bytes) -> None:
        nonlocal tm
        font = font_named(state.font)
        if state.render_mode != 0:
            raise NotReplayable("文字的描边或裁剪方式无法按矢量重绘")
        text, xs = [], []
        x = 0.0
        for code in data:
            ch = font.to_unicode.get(code)
            if ch is None:
                raise NotReplayable(f"字体 {font.face.postscript_name} 中编码 {code} 没有对应的文字")
            if not ch.isspace():
                text.append(ch)
                xs.append(x)
            advance = font.width(code) / 1000 * state.size + state.char_spacing
            if code == 32:
                advance += state.word_spacing
            x += advance * state.scale_x
        if text:
            items.append(GlyphRun(multiply(tm, state.ctm), font.face, state.size, text, xs, state.rise,
                                  state.scale_x, state.fill + (state.fill_alpha,)))
        tm = multiply((1, 0, 0, 1, x, 0), tm)

    def next_line(tx: float, ty: float) -> None:
        nonlocal tm, tlm
        tlm = multiply((1, 0, 0, 1, tx, ty), tlm)
        tm = tlm

    for operands, op in contents.operations:
        op = op.decode("latin-1") if isinstance(op, bytes) else str(op)
        if op == "q":
            stack.append(state.copy())
            items.append(Save())
        elif op == "Q":
            if stack:
                state = stack.pop()
                items.append(Restore())
        elif op == "cm":
            state.ctm = multiply(tuple(float(v) for v in operands), state.ctm)
        elif op == "w":
            state.line_width = float(operands[0])
        elif op == "J":
            state.cap = int(operands[0])
        elif op == "j":
            state.join = int(operands[0])
        elif op == "M":
            state.miter = float(operands[0])
        elif op == "d":
            state.dash = ([float(v) for v in operands[0]], float(operands[1]))
        elif op in ("ri", "i"):
            pass
        elif op == "gs":
            params = ext.get(operands[0])
            params = params.get_object() if params is not None else {}
            for key in params:
                if key == "/ca":
                    state.fill_alpha = float(params[key])
                elif key == "/CA":
                    state.stroke_alpha = float(params[key])
                elif key == "/LW":
                    state.line_width = float(params[key])
                elif key in ("/Type", "/SA", "/OP", "/op", "/OPM", "/FL", "/SM", "/RI", "/AIS"):
                    pass
                elif key == "/BM" and str(params[key]) in ("/Normal", "/Compatible"):
                    pass
                else:
                    raise NotReplayable(f"图形状态 {key} 无法按矢量重绘")
        elif op == "g":
            state.fill, fill_space = _colour(operands, 1), 1
        elif op == "G":
            state.stroke, stroke_space = _colour(operands, 1), 1
        elif op == "rg":
            state.fill, fill_space = _colour(operands, 3), 3
        elif op == "RG":
            state.stroke, stroke_space = _colour(operands, 3), 3
        elif op == "k":
            state.fill, fill_space = _colour(operands, 4), 4
        elif op == "K":
            state.stroke, stroke_space = _colour(operands, 4), 4
        elif op in ("cs", "CS"):
            n = _SPACES.get(str(operands[0]))
            if n is None:
                raise NotReplayable(f"颜色空间 {operands[0]} 无法按矢量重绘")
            black = {1: (0.0, 0.0, 0.0), 3: (0.0, 0.0, 0.0), 4: (0.0, 0.0, 0.0)}[n]
            if op == "cs":
                fill_space, state.fill = n, black
            else:
                stroke_space, state.stroke = n, black
        elif op in ("sc", "scn"):
            state.fill = _colour(operands, fill_space)
        elif op in ("SC", "SCN"):
            state.stroke = _colour(operands, stroke_space)
        # paths
        elif op == "m":
            path.append(("m", float(operands[0]), float(operands[1])))
        elif op == "l":
            path.append(("l", float(operands[0]), float(operands[1])))
        elif op == "c":
            path.append(("c",) + tuple(float(v) for v in operands))
        elif op in ("v", "y"):
            last = next((s for s in reversed(path) if s[0] != "h"), None)
            if last is None:
                raise NotReplayable("曲线没有起点")
            cur = (last[-2], last[-1]) if last[0] != "re" else (last[1], last[2])
            x1, y1, x2, y2 = (float(v) for v in operands)
            path.append(("c",) + ((cur[0], cur[1], x1, y1, x2, y2) if op == "v" else (x1, y1, x2, y2, x2, y2)))
        elif op == "h":
            path.append(("h",))
        elif op == "re":
            path.append(("re",) + tuple(float(v) for v in operands))
        elif op in ("W", "W*"):
            clip_pending = op == "W*"
        elif op == "n":
            end_path(False, False, False)
        elif op in ("f", "F"):
            end_path(True, False, False)
        elif op == "f*":
            end_path(True, True, False)
        elif op == "S":
            end_path(False, False, True)
        elif op == "s":
            path.append(("h",))
            end_path(False, False, True)
        elif op == "B":
            end_path(True, False, True)
        elif op == "B*":
            end_path(True, True, True)
        elif op == "b":
            path.append(("h",))
            end_path(True, False, True)
        elif op == "b*":
            path.append(("h",))
            end_path(True, True, True)
        # text
        elif op == "BT":
            tm = tlm = IDENTITY
        elif op == "ET":
            pass
        elif op == "Tc":
            state.char_spacing = float(operands[0])
        elif op == "Tw":
            state.word_spacing = float(operands[0])
        elif op == "Tz":
            state.scale_x = float(operands[0]) / 100
        elif op == "TL":
            state.leading = float(operands[0])
        elif op == "Ts":
            state.rise = float(operands[0])
        elif op == "Tr":
            state.render_mode = int(operands[0])
        elif op == "Tf":
            state.font, state.size = str(operands[0]), float(operands[1])  # read when text is shown with it
        elif op == "Tm":
            tm = tlm = tuple(float(v) for v in operands)
        elif op == "Td":
            next_line(float(operands[0]), float(operands[1]))
        elif op == "TD":
            state.leading = -float(operands[1])
            next_line(float(operands[0]), float(operands[1]))
        elif op == "T*":
            next_line(0.0, -state.leading)
        elif op == "Tj":
            show(_raw(operands[0]))
        elif op == "'":
            next_line(0.0, -state.leading)
            show(_raw(operands[0]))
        elif op == '"':
            state.word_spacing, state.char_spacing = float(operands[0]), float(operands[1])
            next_line(0.0, -state.leading)
            show(_raw(operands[2]))
        elif op == "TJ":
            for part in operands[0]:
                if isinstance(part, (int, float)) or type(part).__name__ in ("FloatObject", "NumberObject"):
                    tm = multiply((1, 0, 0, 1, -float(part) / 1000 * state.size * state.scale_x, 0), tm)
                else:
                    show(_raw(part))
        elif op == "Do":
            xobject = xobjects.get(operands[0])
            xobject = xobject.get_object() if xobject is not None else None
            if xobject is None or xobject.get("/Subtype") != "/Image":
                raise NotReplayable(f"对象 {operands[0]} 不是图片，无法按矢量重绘")
            items.append(_picture(xobject, state.ctm, state.fill_alpha))
        elif op in ("BMC", "BDC", "EMC", "MP", "DP", "BX", "EX"):
            pass
        else:
            raise NotReplayable(f"绘图指令 {op} 无法按矢量重绘")
    return drawing


def pdf_drawings(pdf: bytes, faces: dict[str, FontFace] | None = None) -> list[PageDrawing | NotReplayable]:
    """Every page of a PDF as shapes, or the reason it cannot be replayed (then that page is printed as an image)."""
    from pypdf import PdfReader

    faces = registered_font_faces() if faces is None else faces
    reader = PdfReader(io.BytesIO(pdf))
    out: list[PageDrawing | NotReplayable] = []
    for page in reader.pages:
        try:
            out.append(page_drawing(page, faces))
        except NotReplayable as exc:
            out.append(exc)
        except Exception as exc:  # noqa: BLE001 — a page this reader misreads is printed as an image instead
            out.append(NotReplayable(f"读取页面时出错：{type(exc).__name__}：{exc}"))
    return out
