"""The report as one self-contained web page, for the government portal's CMS editor.

Everything a CMS keeps when HTML is pasted into it: inline styles only (no style sheet, no classes, no
scripts), tables with real borders and the official rowspan/colspan, pictures embedded as data: URIs, UTF-8.
The page is built as an element tree with lxml and serialised by it, so every text is escaped.
"""

from __future__ import annotations

import base64
import io

import lxml.html
from lxml.html import builder as E

from export import document as d
from model.importers.html import MISSING_PICTURE, UNREADABLE_PICTURE

_FONT = "font-family:'仿宋_GB2312','仿宋',FangSong,serif;font-size:16pt;line-height:1.8;"
_BODY = "max-width:800px;margin:0 auto;padding:24px;color:#000;background:#fff;"
_TITLE = "font-family:'方正小标宋简体','宋体',SimSun,serif;font-size:22pt;text-align:center;font-weight:normal;"
_H1 = "font-family:'黑体',SimHei,sans-serif;font-size:16pt;font-weight:normal;margin:16px 0 4px;text-indent:2em;"
_H2 = "font-family:'楷体_GB2312','楷体',KaiTi,serif;font-size:16pt;font-weight:normal;margin:8px 0 4px;text-indent:2em;"
_P = "margin:0;text-indent:2em;text-align:justify;"
_MARK = "color:#c00;font-size:14pt;font-weight:bold;text-align:center;border:2px solid #c00;padding:4px;"
_TABLE = "border-collapse:collapse;width:100%;margin:8px 0;font-family:'宋体',SimSun,serif;font-size:10.5pt;"
_CELL = "border:1px solid #000;padding:3px 4px;vertical-align:middle;"
_ALIGN = {"value": "text-align:center;", "computed": "text-align:center;", "label": "text-align:left;",
          "head": "text-align:center;", "group": "text-align:center;", "block": "text-align:left;font-weight:bold;",
          "note": "text-align:center;"}
_MIME = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
_NO_PICTURE = ("margin:8px auto;padding:24px 8px;max-width:60%;text-align:center;text-indent:0;color:#666;"
               "border:1px dashed #999;font-size:12pt;")


def _table(layout: d.TableLayout):
    rows = []
    for row in layout.rows:
        cells = []
        for cell in row:
            if cell is None:
                continue  # covered by a rowspan/colspan above or to the left
            attrs = {"style": _CELL + _ALIGN.get(cell.role, "")}
            if cell.rowspan > 1:
                attrs["rowspan"] = str(cell.rowspan)
            if cell.colspan > 1:
                attrs["colspan"] = str(cell.colspan)
            cells.append(E.TD(cell.printed_text, **attrs))
        rows.append(E.TR(*cells))
    return E.TABLE(E.TBODY(*rows), border="1", cellspacing="0", cellpadding="3", style=_TABLE)


def _readable(image: bytes) -> bool:
    """Whether a browser can show the picture: a PNG/JPEG that Pillow can read through (a truncated or
    damaged file would show as a broken-image icon on the portal)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as picture:
            picture.verify()
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def _figure(fig: d.Figure) -> list:
    out = []
    mime = next((m for magic, m in _MIME if fig.image and fig.image.startswith(magic)), None)
    if fig.image and mime and _readable(fig.image):
        src = f"data:{mime};base64,{base64.b64encode(fig.image).decode('ascii')}"
        out.append(E.P(E.IMG(src=src, alt=fig.caption, style="max-width:100%;"), style="text-align:center;margin:8px 0;"))
    else:
        # never a broken <img>: a visible box says the picture is missing (a draft export only: the check
        # F-9 refuses a final export with such a figure), and the import reads it back as a figure
        out.append(E.P(UNREADABLE_PICTURE if fig.image else MISSING_PICTURE, style=_NO_PICTURE))
    if fig.caption:
        out.append(E.P(fig.caption, style="text-align:center;margin:0 0 8px;font-size:12pt;"))
    return out


def render_html_element(doc: d.Document):
    report = []
    for el in doc.body:
        if isinstance(el, d.Heading):
            report.append(E.P(el.text, style=_H1 if el.level == 1 else _H2))
        elif isinstance(el, d.Paragraph):
            report.append(E.P(el.text, style=_P))
        elif isinstance(el, d.Figure):
            report.extend(_figure(el))
        elif isinstance(el, d.TableLayout):
            report.append(_table(el))
    if doc.agency:
        report.append(E.P(doc.agency, style="margin:24px 0 0;text-align:right;"))
    if doc.date_text:
        report.append(E.P(doc.date_text, style="margin:0;text-align:right;"))
    body = []
    if doc.draft_mark:
        body.append(E.P(d.DRAFT_MARK, style=_MARK))
    body.append(E.H1(doc.title, style=_TITLE))
    body.append(E.DIV(*report))
    return E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(doc.title)), E.BODY(*body, style=_BODY + _FONT),
                  lang="zh-CN")


def render_html(doc: d.Document) -> bytes:
    """One UTF-8 .html file."""
    return lxml.html.tostring(render_html_element(doc), doctype="<!DOCTYPE html>", encoding="utf-8",
                              method="html")


def body_html(doc: d.Document) -> str:
    """What goes on the clipboard for “复制网页版”: the page's body, as CMS editors take pasted HTML."""
    return render_html(doc).decode("utf-8")
