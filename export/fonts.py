"""Finding Chinese fonts by role and registering them with reportlab.

Roles are those of GB/T 9704: 仿宋 (body), 黑体 (一、 heads), 楷体 (（一） heads), 宋体 (page numbers),
小标宋 (title). Office PCs have the real faces; Linux machines get the documented stand-ins. reportlab silently
drops characters a font lacks, so every character is checked against the chosen font and routed to a
fallback font when missing (the fixed chain, then any installed font fontconfig finds with it); what was used and
substituted is reported to the user, and so is every character no font has, with its section and sentence.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from export import reportlab_import  # noqa: F401 — first: see that module
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError

from export.font_cache import code_points, load_ttfont
from export.render_lock import REPORTLAB_LOCK

ROLES = ("仿宋", "黑体", "楷体", "宋体", "小标宋")

# (file name, subfont index, display name), most wanted first. Windows and macOS names first, Linux stand-ins last.
_CANDIDATES: dict[str, list[tuple[str, int, str]]] = {
    "仿宋": [("仿宋_GB2312.ttf", 0, "仿宋_GB2312"), ("FangSong_GB2312.ttf", 0, "仿宋_GB2312"),
             ("simfang.ttf", 0, "仿宋"), ("Fangsong.ttf", 0, "仿宋"), ("STFANGSO.TTF", 0, "华文仿宋"),
             ("uming.ttc", 0, "AR PL UMing CN"), ("wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei")],
    "黑体": [("simhei.ttf", 0, "黑体"), ("STHeiti Light.ttc", 0, "华文黑体"), ("wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"),
             ("wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"), ("uming.ttc", 0, "AR PL UMing CN")],
    "楷体": [("楷体_GB2312.ttf", 0, "楷体_GB2312"), ("KaiTi_GB2312.ttf", 0, "楷体_GB2312"), ("simkai.ttf", 0, "楷体"),
             ("Kaiti.ttc", 0, "楷体"), ("ukai.ttc", 0, "AR PL UKai CN"), ("LXGWWenKai-Regular.ttf", 0, "霞鹜文楷"),
             ("uming.ttc", 0, "AR PL UMing CN")],
    "宋体": [("simsun.ttc", 0, "宋体"), ("Songti.ttc", 0, "宋体"), ("uming.ttc", 0, "AR PL UMing CN"),
             ("wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei")],
    "小标宋": [("FZXBSJW.TTF", 0, "方正小标宋简体"), ("方正小标宋简体.ttf", 0, "方正小标宋简体"),
               ("FZXiaoBiaoSong-B05S.ttf", 0, "方正小标宋简体"), ("simsun.ttc", 0, "宋体"), ("simhei.ttf", 0, "黑体"),
               ("uming.ttc", 0, "AR PL UMing CN"), ("wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei")],
}
# Wide-coverage faces tried for characters the role's font lacks: the common faces first, then the Windows faces
# for CJK Extension B (rare name characters). Any other installed font that has a character comes after these.
_FALLBACKS = [("wqy-zenhei.ttc", 0, "WenQuanYi Zen Hei"), ("simsun.ttc", 1, "新宋体"), ("uming.ttc", 0, "AR PL UMing CN"),
              ("wqy-microhei.ttc", 0, "WenQuanYi Micro Hei"), ("simhei.ttf", 0, "黑体"), ("ukai.ttc", 0, "AR PL UKai CN"),
              ("simsunb.ttf", 0, "SimSun-ExtB"), ("mingliub.ttc", 0, "MingLiU-ExtB"), ("mingliub.ttc", 1, "PMingLiU-ExtB"),
              ("simsun.ttc", 0, "宋体"), ("msyh.ttc", 0, "微软雅黑"), ("seguiemj.ttf", 0, "Segoe UI Emoji"),
              ("seguisym.ttf", 0, "Segoe UI Symbol")]
LAST_RESORT = "STSong-Light"


def font_dirs() -> list[Path]:
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif platform.system() == "Darwin":
        dirs += [Path("/System/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts"),
                 Path.home() / "Library" / "Fonts"]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local" / "share" / "fonts",
                 Path.home() / ".fonts"]
    return [d for d in dirs if d.is_dir()]


@cache
def _file_index() -> dict[str, Path]:
    """Lower-cased file name → path, over every font folder (recursively on Linux and macOS)."""
    index: dict[str, Path] = {}
    for d in font_dirs():
        try:
            files = d.rglob("*") if not sys.platform.startswith("win") else d.iterdir()
            for p in files:
                if p.suffix.lower() in (".ttf", ".ttc", ".otf"):
                    index.setdefault(p.name.lower(), p)
        except OSError:
            continue
    return index


@dataclass
class RegisteredFont:
    name: str  # reportlab font name
    display: str  # what the user is told
    path: Path | None
    glyphs: frozenset[int] | None  # code points the font has; None = unknown (CID font)

    def has(self, ch: str) -> bool:
        return self.glyphs is None or ord(ch) in self.glyphs


def _register(file_name: str, index: int, display: str, require_chinese: bool = True) -> RegisteredFont | None:
    path = _file_index().get(file_name.lower())
    if path is None:
        return None
    return _register_path(path, index, display, require_chinese)


def _register_path(path: Path, index: int, display: str, require_chinese: bool = True) -> RegisteredFont | None:
    name = f"nb-{path.stem}-{index}".replace(" ", "_")
    try:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(load_ttfont(name, path, index))
        font = pdfmetrics.getFont(name)
        glyphs = code_points(font.face)
    except (TTFError, OSError, KeyError, ValueError, AssertionError):
        return None
    if require_chinese and (ord("中") not in glyphs or ord("0") not in glyphs):
        return None  # fonts without Chinese or without digits cannot set a report
    return RegisteredFont(name, display, path, glyphs)


@dataclass
class FontSet:
    roles: dict[str, RegisteredFont]
    fallbacks: list[RegisteredFont]
    notes: list[str] = field(default_factory=list)

    def used(self) -> list[str]:
        return [f"{role}：{font.display}" for role, font in self.roles.items()]

    def fallback_for(self, ch: str) -> RegisteredFont | None:
        """The first fallback face that has the character, then any installed font that has it."""
        for f in self.fallbacks:
            if f.has(ch):
                return f
        if ch not in self._found:
            self._found[ch] = _installed_font_with(ch)
        return self._found[ch]

    _found: dict[str, RegisteredFont | None] = field(default_factory=dict)


def _installed_font_with(ch: str) -> RegisteredFont | None:
    """Ask fontconfig (Linux, macOS with fontconfig) for installed fonts that have the character; the first that
    reportlab can embed wins. Without fontconfig, only the fixed fallbacks are tried."""
    with REPORTLAB_LOCK:
        return _installed_font_with_unlocked(ch)


def _installed_font_with_unlocked(ch: str) -> RegisteredFont | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None or sys.platform.startswith("win"):
        return None
    try:
        out = subprocess.run([fc_list, "-f", "%{file}\t%{index}\t%{family[0]}\n", f":charset={ord(ch):x}"],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in sorted(out.splitlines()):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].lower().endswith((".ttf", ".ttc")):
            continue  # OpenType/CFF fonts cannot be embedded by reportlab
        try:
            index = int(parts[1])
        except ValueError:
            continue
        font = _register_path(Path(parts[0]), index, parts[2], require_chinese=False)
        if font is not None and font.has(ch):
            return font
    return None


def find_fonts() -> FontSet:
    """Choose one font per role (registered once per process) and the fallbacks."""
    with REPORTLAB_LOCK:
        return _find_fonts()


@cache
def _find_fonts() -> FontSet:
    roles: dict[str, RegisteredFont] = {}
    notes: list[str] = []
    substituted: list[str] = []
    registered: dict[tuple[str, int], RegisteredFont | None] = {}

    def get(cand):
        key = (cand[0].lower(), cand[1])
        if key not in registered:
            registered[key] = _register(*cand)
        return registered[key]

    for role in ROLES:
        for cand in _CANDIDATES[role]:
            font = get(cand)
            if font is not None:
                if cand[2] not in (role, f"{role}_GB2312", "方正小标宋简体"):
                    substituted.append(f"{role}→{font.display}")
                roles[role] = RegisteredFont(font.name, font.display, font.path, font.glyphs)
                break
    if substituted:
        notes.append("系统中没有以下公文字体，已用相近字体代替：" + "，".join(substituted))
    fallbacks = []
    for cand in _FALLBACKS:
        font = registered.get((cand[0].lower(), cand[1])) or _register(*cand, require_chinese=False)
        if font is not None and font not in fallbacks:
            fallbacks.append(font)
    if len(roles) < len(ROLES):
        pdfmetrics.registerFont(UnicodeCIDFont(LAST_RESORT))
        cid = RegisteredFont(LAST_RESORT, "STSong-Light（未嵌入）", None, None)
        for role in ROLES:
            if role not in roles:
                roles[role] = cid
                notes.append(f"警告：系统中没有可嵌入的中文字体，{role}使用未嵌入的 STSong-Light，"
                             "其他电脑上可能无法正确显示。请安装仿宋、黑体、楷体等字体后重新导出。")
    return FontSet(roles, fallbacks, notes)


def _drawn(ch: str) -> bool:
    """A character that prints something (private-use characters do, in the fonts that define them)."""
    return (ch.isprintable() or 0xE000 <= ord(ch) <= 0xF8FF) and not ch.isspace()


@dataclass
class MissingGlyph:
    char: str
    place: str  # 标题, “一、总体情况”, “三、……”的表格, 落款 …
    sentence: str  # the sentence (or cell text) it is in


def missing_glyphs(doc, fonts: FontSet) -> list[MissingGlyph]:
    """Every character of the document that no installed font can draw, with its section and sentence, in the
    order of the document (one entry per character and sentence)."""
    from export import document as d

    body = fonts.roles["仿宋"]
    out: list[MissingGlyph] = []
    seen: set[tuple[str, str]] = set()

    def look(text: str, place: str):
        for ch in dict.fromkeys(text):
            if _drawn(ch) and not body.has(ch) and fonts.fallback_for(ch) is None:
                sentence = _sentence_with(text, ch)
                if (ch, sentence) not in seen:
                    seen.add((ch, sentence))
                    out.append(MissingGlyph(ch, place, sentence))

    look(doc.title, "标题")
    section = ""
    for el in doc.body:
        if isinstance(el, d.Heading):
            if el.level == 1:
                section = f"“{el.text}”"
            look(el.text, section or "正文开头")
        elif isinstance(el, d.Paragraph):
            look(el.text, section or "正文开头")
        elif isinstance(el, d.Figure):
            look(el.caption, f"{section}的图片说明")
        elif isinstance(el, d.TableLayout):
            for _, _, cell in el.cells():
                look(cell.text, f"{section}的表格")
    look(doc.agency, "落款")
    look(doc.date_text, "落款")
    return out


def _sentence_with(text: str, ch: str) -> str:
    for sentence in re.split(r"(?<=[。！？；!?;])", text):
        if ch in sentence:
            sentence = sentence.strip()
            return sentence if len(sentence) <= 60 else sentence[:57] + "……"
    return text[:60]


def missing_glyph_notes(glyphs: list[MissingGlyph]) -> list[str]:
    """Chinese export notes naming each character no font has, where it is, and what to do."""
    if not glyphs:
        return []
    chars = "".join(dict.fromkeys(g.char for g in glyphs))
    notes = [f"警告：以下字符在本机所有字体中都没有，PDF 中这些位置会是空白：{chars}。"
             "请改用常用字，或安装含这些字的字体（如 SimSun-ExtB）后重新导出。"]
    for g in glyphs:
        notes.append(f"  “{g.char}”（U+{ord(g.char):04X}）位于{g.place}，句子：“{g.sentence}”")
    return notes
