"""Reading a report from a web page: a saved portal page (.html/.htm), or HTML from the clipboard.

The page is parsed with lxml.html, never with patterns. Portal chrome (menus, headers, footers, share
buttons, attachment lists) is left out by reading only the smallest element that holds the report's section
headings. Inside it every block element is one line, every picture a figure, and every table a grid with
rowspan/colspan resolved; the grids are matched to the format's tables by their row and column labels with
the same matching the Excel importer uses, so a blank cell stays unfilled and a label the format does not
know is reported, never guessed.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml import etree

from model.draft import Draft, Figure, Heading, Meta, Paragraph
from model.importers.report import MAX_TEXT_CHARS, ImportError_, ImportReport, mark_unsure_cells
from model.importers.text import _SUBHEAD, _TITLE, _meta, finish, format_of_import, squash
from model.importers.xlsx import _labelled_rows, _one_row
from model.spec import newest_format

# A saved portal page is 0.1–1 MB; pictures inlined as data: URIs can make it a few MB.
MAX_HTML_BYTES = 48 << 20
# Elements one page may hold: a portal page has 2,000–5,000.
MAX_ELEMENTS = 500_000
# Cells of one table grid after rowspan/colspan: the official tables have at most 30 × 15.
MAX_GRID_CELLS = 200_000
MAX_SPAN = 1000
# Pictures kept from one page, and the size of any one: a report has a handful of charts.
MAX_PICTURES = 200
MAX_PICTURE_BYTES = 20 << 20

_SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "form", "button", "select",
         "textarea", "iframe", "object", "embed", "svg", "head", "title", "meta", "link"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "blockquote", "pre", "center", "address", "figure", "figcaption", "main", "aside",
          "hr", "caption", "tr", "td", "th", "tbody", "thead", "tfoot"}
_SPACE = str.maketrans({"\xa0": " ", "\u3000": " ", "\u200b": "", "\ufeff": ""})
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_CAPTION = re.compile(r"^[（(]?图\s*\d*")
# What our HTML export shows in place of a picture the draft does not have (or cannot show): read back as a
# figure without its image, never as a sentence of the report.
MISSING_PICTURE = "（图片缺失）"
UNREADABLE_PICTURE = "（图片已损坏，无法显示）"
_MIME_BY_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@dataclass
class Picture:
    src: str
    alt: str


@dataclass
class Page:
    """What the report part of a page holds, in reading order: str lines, Picture and table grids (list)."""

    items: list = field(default_factory=list)
    title_candidates: list[str] = field(default_factory=list)


def decode_html(raw: bytes, name: str) -> str:
    """The page's text: by its byte order mark, then UTF-8 if it decodes, then the charset it declares,
    then GB 18030 (which reads GBK and GB2312 too)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(raw)
    for encoding in ([declared] if declared else []) + ["gb18030"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ImportError_(f"无法识别“{name}”的文字编码，请在浏览器中另存为 UTF-8 网页后再导入。")


def _declared_charset(raw: bytes) -> str | None:
    """The charset a <meta> declares, read by lxml from the page's start as Latin-1 (every byte a char)."""
    try:
        root = lxml.html.document_fromstring(raw[:8192].decode("latin-1"))
    except (etree.ParserError, ValueError):
        return None
    for meta in root.iter("meta"):
        if meta.get("charset"):
            return meta.get("charset").strip().lower()
        content = meta.get("content") or ""
        if (meta.get("http-equiv") or "").lower() == "content-type" and "charset=" in content.lower():
            return content.lower().split("charset=", 1)[1].split(";")[0].strip()
    return None


def parse_html(text: str, name: str):
    if len(text) > MAX_HTML_BYTES:
        raise ImportError_(f"“{name}”超过 {MAX_HTML_BYTES >> 20} MB，不像一份年报网页，已拒绝导入。")
    try:
        # bytes with a stated encoding: lxml refuses str that carries its own XML encoding declaration
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise ImportError_(f"“{name}”不是可读取的网页（没有内容）。") from exc
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise ImportError_(f"“{name}”中有 {count} 个网页元素（上限 {MAX_ELEMENTS}），不像一份年报网页，已拒绝导入。")
    return root


def _clean(text: str) -> str:
    return " ".join(text.translate(_SPACE).split())


def _text_of(el) -> str:
    """An element's visible text without the parts the page hides from readers (scripts, styles)."""
    parts: list[str] = []

    def walk(node):
        if isinstance(node.tag, str) and node.tag.lower() in _SKIP:
            return
        if isinstance(node.tag, str):
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)
            if node.tag.lower() in ("br", "p", "div", "li"):
                parts.append(" ")
    walk(el)
    return _clean("".join(parts))


def _span(value, default: int = 1) -> int:
    try:
        return max(1, min(MAX_SPAN, int(str(value).strip() or default)))
    except ValueError:
        return default


def _cell_value(text: str):
    """What an Excel cell holding the same would read as: numbers as numbers, a blank as nothing."""
    if not text:
        return None
    plain = text.replace(",", "").replace("，", "") if re.fullmatch(r"-?\d{1,3}([,，]\d{3})+(\.\d+)?", text) else text
    if _NUMBER.fullmatch(plain):
        return float(plain) if "." in plain else int(plain)
    return text


def table_grid(table, name: str) -> list[list]:
    """The table's rows with every rowspan/colspan cell repeated over the positions it covers, as the Excel
    importer fills merged ranges."""
    rows = [tr for tr in table.iter("tr") if _owning_table(tr) is table]
    grid: dict[tuple[int, int], object] = {}
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            value = _cell_value(_text_of(cell))
            rowspan, colspan = _span(cell.get("rowspan")), _span(cell.get("colspan"))
            rowspan = min(rowspan, len(rows) - r)
            if len(grid) + rowspan * colspan > MAX_GRID_CELLS:
                raise ImportError_(f"“{name}”中的表格过大（超过 {MAX_GRID_CELLS} 个单元格），不像一份年报，已拒绝导入。")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), value)
            c += colspan
            width = max(width, c)
    return [[grid.get((r, c)) for c in range(width)] for r in range(len(rows))]


def _owning_table(el):
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _heading_keys(spec) -> list[tuple[str, str, str]]:
    """(section id, numeral prefix, opening words) for each official heading: a page may word the rest of a
    heading its own way (“五、存在的主要问题及整改措施”)."""
    return [(s.id, f"{s.number}、", s.title[:4]) for s in spec.sections]


def _is_heading(line: str, prefix: str, opening: str) -> bool:
    flat = squash(line)
    return flat.startswith(prefix + opening) and len(flat) <= 40 and "。" not in flat


def _content_root(root, spec):
    """The smallest element holding the section headings found (at least three): the report without the
    portal around it."""
    keys = _heading_keys(spec)
    hits = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.lower() not in _BLOCK or el.tag.lower() in ("tr", "td", "th"):
            continue
        if any(isinstance(d.tag, str) and d.tag.lower() in _BLOCK for d in el.iterdescendants()):
            continue  # only the innermost blocks: a heading is one of them
        text = _text_of(el)
        if len(text) <= 40 and any(_is_heading(text, p, o) for _, p, o in keys):
            hits.append(el)
    if len(hits) < 3:
        return None
    for candidate in hits[0].iterancestors():
        if all(candidate in set(h.iterancestors()) for h in hits):
            return candidate
    return root


def _block_ancestor(el):
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag.lower() not in _BLOCK:
        node = node.getparent()
    return node if node is not None else el


def read_page(root, name: str, spec) -> Page:
    page = Page()
    content = _content_root(root, spec)
    if content is None:
        raise ImportError_(f"“{name}”中没有找到年报的各部分标题（一、总体情况 …… 六、其他需要报告的事项），"
                           "这不像一份政府信息公开工作年度报告的网页。")
    # the title: the page's own title line or metadata table before the report, else <title>
    for el in root.iter():
        if el is content:
            break
        if isinstance(el.tag, str) and el.tag.lower() in ("h1", "h2", "h3", "td", "div", "p", "strong", "title"):
            own = _clean(el.text or "")
            if own and _TITLE.search(own):
                page.title_candidates.append(own)
    line: list[str] = []

    def flush():
        text = _clean("".join(line))
        line.clear()
        if text:
            page.items.append(text)

    def walk(node):
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if not tag or tag in _SKIP:
            return
        if tag == "table":
            flush()
            if node.find(".//table") is not None:  # a layout table: its inner tables are the content
                _walk_children(node)
            else:
                page.items.append(table_grid(node, name))
            return
        if tag == "img":
            flush()
            if len([i for i in page.items if isinstance(i, Picture)]) < MAX_PICTURES:
                page.items.append(Picture(node.get("src") or "", _clean(node.get("alt") or node.get("title") or "")))
            return
        block = tag in _BLOCK or tag == "br"
        if block:
            flush()
        if node.text:
            line.append(node.text)
        _walk_children(node)
        if block:
            flush()

    def _walk_children(node):
        for child in node:
            walk(child)
            if child.tail:
                line.append(child.tail)

    walk(content)
    flush()
    return page


def _picture_bytes(src: str, resources: dict[str, bytes], base: Path | None) -> bytes | None:
    if src.startswith("data:"):
        head, _, data = src.partition(",")
        if ";base64" in head:
            try:
                return base64.b64decode(data, validate=False)
            except ValueError:
                return None
        return None
    if src in resources:
        return resources[src]
    if base is not None and src and "://" not in src and not src.startswith(("/", "\\")):
        candidate = (base / src.split("?")[0]).resolve()
        try:
            if candidate.is_file() and candidate.stat().st_size <= MAX_PICTURE_BYTES and \
                    base.resolve() in candidate.parents:
                return candidate.read_bytes()
        except OSError:
            return None
    return None


def _figure(picture: Picture, caption: str, resources, base) -> Figure:
    data = _picture_bytes(picture.src, resources, base)
    mime = next((m for magic, m in _MIME_BY_MAGIC if data and data.startswith(magic)), None)
    if data and mime and len(data) <= MAX_PICTURE_BYTES:
        return Figure(caption=caption, image=base64.b64encode(data).decode("ascii"), mime=mime)
    return Figure(caption=caption)


def import_html_text(text: str, name: str = "网页", *, resources: dict[str, bytes] | None = None,
                     base: Path | None = None) -> tuple[Draft, ImportReport]:
    """A draft from the HTML of a report page. *resources* are the page's pictures by address (from an
    .mhtml file); *base* is the folder of a saved page, whose “_files” pictures are read from disk."""
    report = ImportReport(name)
    root = parse_html(text, name)
    spec0 = newest_format()  # the formats share the six headings; the tables decide the format below
    page = read_page(root, name, spec0)
    lines = [i for i in page.items if isinstance(i, str)]
    if sum(len(x) for x in lines) > MAX_TEXT_CHARS:
        raise ImportError_(f"“{name}”的文字超过 {MAX_TEXT_CHARS} 个字符，不像一份年报，已拒绝导入。")
    # sections by heading, in order
    keys = _heading_keys(spec0)
    positions: dict[str, int] = {}
    start = 0
    for sid, prefix, opening in keys:
        for i in range(start, len(page.items)):
            item = page.items[i]
            if isinstance(item, str) and _is_heading(item, prefix, opening):
                positions[sid] = i
                start = i + 1
                break
    order = [sid for sid, _, _ in keys if sid in positions]
    head = page.items[: positions[order[0]]]
    sections: dict[str, list] = {}
    for k, sid in enumerate(order):
        end = positions[order[k + 1]] if k + 1 < len(order) else len(page.items)
        sections[sid] = page.items[positions[sid] + 1: end]
    title = page.title_candidates[-1] if page.title_candidates else ""
    if not title:
        titles = [_clean(t.text_content()) for t in root.iter("title")]
        title = next((t for t in titles if _TITLE.search(t)), "")
    head_lines = ([title] if title else []) + [i for i in head if isinstance(i, str)]
    s6_lines = [i for i in sections.get("s6", []) if isinstance(i, str)]
    agency, year, date, preamble_lines, s6_kept = _meta(head_lines, s6_lines, report)
    grids = [i for i in page.items if isinstance(i, list)]
    all_labels = "\n".join(str(v) for g in grids for row in g for v in row if isinstance(v, str))
    spec = format_of_import(all_labels, year, report)
    raw: dict[str, str] = {}
    used: set[int] = set()
    for section in spec.sections:
        if section.kind != "table":
            continue
        table = spec.tables[section.table]
        mine = [g for g in sections.get(section.id, []) if isinstance(g, list)]
        grid = _best_grid(mine or grids, table, used)
        if grid is None:
            report.missing.append(f"{section.heading}（整张表）")
            continue
        used.add(id(grid))
        if table.layout == "blocks_in_one_row":
            raw.update(_one_row(grid, spec, table, report))
        else:
            raw.update(_labelled_rows(grid, spec, table, report))
    narrative = {s.id: _narrative(sections.get(s.id, []), len(s6_kept) if s.id == "s6" else None,
                                  resources or {}, base)
                 for s in spec.narrative_sections() if s.id in sections}
    preamble = [Paragraph(text=x) for x in preamble_lines if x.strip()]
    draft = Draft(format=spec.id, meta=Meta(agency=agency, year=year or spec.data.first_year, publication_date=date),
                  preamble=preamble, narrative=narrative)
    # pasted from the clipboard, a page does not pass through import_file: record its open cells here too
    draft, report = finish(draft, raw, spec, report)
    return mark_unsure_cells(draft, report), report


def _labels_of(table) -> set[str]:
    out = set()
    for block in table.blocks:
        for row in block.rows:
            out.update(squash(x) for x in (row.label, *row.aliases))
        out.update(squash(c.label) for c in block.columns)
    return out


def _best_grid(grids: list[list], table, used: set[int]):
    labels = _labels_of(table)
    best, score = None, 0
    for grid in grids:
        if id(grid) in used:
            continue
        texts = {squash(v) for row in grid for v in row if isinstance(v, str)}
        s = len(texts & labels)
        if s > score:
            best, score = grid, s
    return best if score >= 3 else None


def _narrative(items: list, text_lines_kept: int | None, resources, base) -> list:
    """Blocks of a narrative section: a short （一）… line without a full stop is a sub-head, a picture a
    figure with the caption line after it (or its alt text). With *text_lines_kept* (section 六) the text
    lines after that many are the closing agency and date, which are the draft's meta."""
    if text_lines_kept is not None:
        kept_items, k = [], 0
        for item in items:
            if isinstance(item, str):
                if k < text_lines_kept:
                    kept_items.append(item)
                k += 1
            else:
                kept_items.append(item)
        items = kept_items
    blocks: list = []
    i = 0
    while i < len(items):
        item = items[i]
        placeholder = isinstance(item, str) and item in (MISSING_PICTURE, UNREADABLE_PICTURE)
        if placeholder:
            item = Picture("", "")
        if isinstance(item, Picture):
            caption = item.alt
            nxt = items[i + 1] if i + 1 < len(items) else None
            # after our placeholder the caption is the short line our export writes below it
            own_caption = placeholder and isinstance(nxt, str) and len(nxt) <= 60 and not _SUBHEAD.match(nxt) \
                and not nxt.endswith("。")
            if isinstance(nxt, str) and (own_caption or nxt == item.alt or _CAPTION.match(nxt) and len(nxt) <= 60):
                caption = nxt[1:-1] if nxt[:1] in "（(" and nxt[-1:] in "）)" else nxt
                i += 1
            blocks.append(_figure(item, caption, resources, base))
        elif isinstance(item, str):
            if _SUBHEAD.match(item) and "。" not in item and len(item) <= 40:
                blocks.append(Heading(text=item))
            else:
                blocks.append(Paragraph(text=item))
        i += 1
    return blocks


def import_html(path: Path) -> tuple[Draft, ImportReport]:
    with path.open("rb") as f:
        raw = f.read(MAX_HTML_BYTES + 1)
    if len(raw) > MAX_HTML_BYTES:
        raise ImportError_(f"“{path.name}”超过 {MAX_HTML_BYTES >> 20} MB，不像一份年报网页，已拒绝导入。")
    return import_html_text(decode_html(raw, path.name), path.name, base=path.parent)
