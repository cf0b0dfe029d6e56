"""Chinese line breaking and justification (GB/T 15834 practice, W3C clreq), independent of any PDF library.

Input: a paragraph's text, a width function (character → advance in points) and the line widths. Output: lines,
each a list of pieces with their x offsets, justified to the full width except for a paragraph's last line.

- No line starts with closing punctuation (，。、；：？！”’）》】」』…— …) and none ends with opening punctuation
  (“‘（《【「『 …): such a character travels with its neighbour, so a break either pushes a character down to the
  next line or, when punctuation in the line can give up half its width, pulls one up. Nothing hangs into the
  margin.
- Numbers, Latin words, URLs and units such as 12.5% are single pieces and never split (unless one alone is wider
  than a line).
- Justification spreads the slack over the gaps between pieces, so the inside of a number or a word keeps its
  natural spacing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

# clreq / GB/T 15834: characters that may not start a line.
CANNOT_START = set("，。、；：？！）》」』】〕〗〙〛”’…—·％‰℃°′″～,.;:?!)]}%、〉｝］〞｠")
# Characters that may not end a line.
CANNOT_END = set("（《「『【〔〖〘〚“‘〈｛［〝｟([{")
# Full-width punctuation whose glyph fills half its box: compressible by half when a line must take one more piece.
_CLOSING_HALF = set("，。、；：？！）》」』】〕〗〙〛”’〉｝］")
_OPENING_HALF = set("（《「『【〔〖〘〚“‘〈｛［")
# Runs that are never split: numbers with their decimal point, per cent and thousands separators, Latin words,
# URLs and e-mail addresses.
_UNBREAKABLE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/@_+\-=?&#~%‰℃]*[0-9A-Za-z%‰℃/]|[0-9A-Za-z]|——|……")

WidthOf = Callable[[str], float]


@dataclass
class Piece:
    text: str
    x: float  # offset from the line's start, after justification
    width: float  # natural advance of the text (a compressed punctuation mark's box stays full; see squeeze)
    squeeze: float = 0.0  # points taken off this piece's box by punctuation compression


@dataclass
class Line:
    pieces: list[Piece] = field(default_factory=list)
    width: float = 0.0  # the width the line was set to
    natural: float = 0.0  # natural width of its pieces
    justified: bool = False

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)

    @property
    def end(self) -> float:
        """Where the last piece's box ends."""
        if not self.pieces:
            return 0.0
        last = self.pieces[-1]
        return last.x + last.width


def _tokens(text: str) -> list[str]:
    """Smallest pieces: one CJK character, or one unbreakable Latin/number run, or one space."""
    out: list[str] = []
    i = 0
    while i < len(text):
        m = _UNBREAKABLE.match(text, i)
        if m:
            out.append(m.group())
            i = m.end()
        else:
            out.append(text[i])
            i += 1
    return out


def _clusters(tokens: list[str]) -> list[list[str]]:
    """Group tokens that may not be separated by a line break: an opening mark with what follows it, a closing mark
    with what precedes it."""
    clusters: list[list[str]] = []
    glue_next = False
    for tok in tokens:
        starts_closing = tok[0] in CANNOT_START
        if clusters and (glue_next or starts_closing) and not tok.isspace():
            clusters[-1].append(tok)
        else:
            clusters.append([tok])
        glue_next = tok[-1] in CANNOT_END
    return clusters


_URL_BREAK_AFTER = re.compile(r"[/.\-_?&=#]")
PULL_UP_SLACK = 2.0  # ems of slack a push may leave before punctuation is compressed to pull a cluster up instead
LOOSE = 0.2  # a line with more than this share of its width as slack is too loose to leave when a word can break


def _url_head(cluster: list[str], w: Callable[[str], float], room: float,
              width: float) -> tuple[list[str], list[str]] | None:
    """Split a cluster holding a long Latin run (a URL) after a separator so that its head fills `room`;
    None when the line would not be too loose anyway or no such split exists."""
    if room <= LOOSE * width:
        return None
    used = 0.0
    for k, tok in enumerate(cluster):
        if len(tok) > 10 and tok.isascii():
            best = None
            for m in _URL_BREAK_AFTER.finditer(tok):
                cut = m.end()
                if 0 < cut < len(tok) and used + w(tok[:cut]) <= room:
                    best = cut
            if best is None:
                return None
            return cluster[:k] + [tok[:best]], [tok[best:]] + cluster[k + 1:]
        used += w(tok)
        if used > room:
            return None
    return None


def _squeezable(tok: str, width_of: WidthOf) -> float:
    if len(tok) == 1 and (tok in _CLOSING_HALF or tok in _OPENING_HALF):
        return width_of(tok) / 2
    return 0.0


def break_lines(text: str, width_of: WidthOf, width: float, first_indent: float = 0.0,
                justify: bool = True) -> list[Line]:
    """Break one paragraph. The first line is `first_indent` narrower (its pieces start at first_indent)."""
    tokens = [t for t in _tokens(text.replace("\n", " ")) if t]
    widths: dict[str, float] = {}

    def w(tok: str) -> float:
        if tok not in widths:
            widths[tok] = sum(width_of(ch) for ch in tok)
        return widths[tok]

    clusters = _clusters(tokens)
    lines: list[list[str]] = []
    current: list[str] = []
    used = 0.0
    avail = width - first_indent
    i = 0
    while i < len(clusters):
        cl = clusters[i]
        if not current and cl[0].isspace():
            i += 1  # no line starts with a space
            continue
        cw = sum(w(t) for t in cl)
        if used + cw <= avail + 1e-6:
            current.extend(cl)
            used += cw
            i += 1
            continue
        # a mark that ends the line keeps its full box (nothing past the margin): only inner marks give way
        inner = sum(_squeezable(t, w) for t in current[1:] + cl[:-1])
        if current and current[0] not in _OPENING_HALF:
            inner += _squeezable(current[0], w)
        # Pushing the cluster down is preferred: compressed punctuation shows in faces that centre their marks.
        # Pull up only when pushing would leave a loose line.
        loose = avail - used > PULL_UP_SLACK * width_of("中")
        if current and loose and used + cw - avail <= inner + 1e-6:
            current.extend(cl)  # pull up: compress punctuation inside the line
            used += cw
            i += 1
            lines.append(current)
        elif current and (head := _url_head(cl, w, avail - used, width)):
            # a long URL or word would leave the line very loose: break it after one of its separators
            current.extend(head[0])
            lines.append(current)
            clusters[i] = head[1]
        elif current:
            lines.append(current)  # push down: the cluster starts the next line
        else:
            # one cluster wider than a line (a long URL, a run of digits): broken by character into lines all at
            # once, so that a run of any length costs time in proportion to it; its last part goes on as a
            # cluster, so what follows may share its line
            chunks = _by_character("".join(cl), width_of, avail, width)
            lines.extend(list(chunk) for chunk in chunks[:-1])
            if len(chunks) == 1:
                lines.append(list(chunks[0]))  # one character wider than a line
                i += 1
            else:
                clusters[i] = [chunks[-1]]
        current, used = [], 0.0
        avail = width
    if current:
        lines.append(current)

    out: list[Line] = []
    for n, toks in enumerate(lines):
        while toks and toks[-1].isspace():
            toks = toks[:-1]
        start = first_indent if n == 0 else 0.0
        line_width = width - start
        last = n == len(lines) - 1
        out.append(_place(toks, w, line_width, start, justify and not last))
    return out


def _by_character(text: str, width_of: WidthOf, first: float, width: float) -> list[str]:
    """Text cut into parts that each fit a line (the first `first` wide, the others `width`); a part holds at
    least one character."""
    chunks: list[str] = []
    k, room = 0, first
    while k < len(text):
        start, used = k, 0.0
        while k < len(text) and used + width_of(text[k]) <= room:
            used += width_of(text[k])
            k += 1
        if k == start:
            k += 1
        chunks.append(text[start:k])
        room = width
    return chunks


def _place(tokens: list[str], w: Callable[[str], float], line_width: float, start: float, justify: bool) -> Line:
    natural = sum(w(t) for t in tokens)
    pieces = [Piece(t, 0.0, w(t)) for t in tokens]
    over = natural - line_width
    if over > 1e-6:
        # compress inner punctuation, closing marks first (their empty half is on the right)
        for k, p in enumerate(pieces[:-1]):
            if k == 0 and p.text in _OPENING_HALF:
                continue  # its box would start in the left margin
            if over <= 1e-6:
                break
            s = min(_squeezable(p.text, w), over)
            if s:
                p.squeeze = s
                over -= s
    gaps = len(pieces) - 1
    squeezed = sum(p.squeeze for p in pieces)
    slack = line_width - (natural - squeezed)
    extra = slack / gaps if justify and gaps > 0 else 0.0
    x = start
    for p in pieces:
        if p.squeeze and p.text in _OPENING_HALF:
            p.x = x - p.squeeze  # its empty half is on the left
        else:
            p.x = x
        x += p.width - p.squeeze + extra
    return Line(pieces, line_width, natural - squeezed, justify and gaps > 0)


def title_breaks(title: str, agency: str) -> list[int]:
    """Where a report's title may break, most wanted first: after “YYYY年”, then after the agency's name."""
    breaks = []
    year = re.search(r"\d{4}\s*年", title)
    if year:
        breaks.append(year.end())
    at = title.find(agency) if agency else -1
    if at >= 0:
        breaks.append(at + len(agency))
    return breaks


def break_title(text: str, width_of: WidthOf, width: float, breaks: list[int]) -> list[str]:
    """Lines of a title, broken only at the given offsets (meaningful boundaries), most wanted first.

    Two lines broken at the first wanted offset whose lines both fit win (published reports break after
    “YYYY年”, the upper line the longer: 倒梯形). Otherwise the fewest lines (at most three), then the most even,
    at any of the offsets; the last resort is characters inside the part before the first offset (a very long
    agency name), still balanced. A title longer than three lines comes back whole, for break_lines to set line
    by line. Widths are summed once, so the time grows with the title's length, never faster."""
    ends = [0.0]  # ends[k]: width of text[:k]
    for ch in text:
        ends.append(ends[-1] + width_of(ch))
    total = ends[-1]
    if total <= width:
        return [text]
    for cut in breaks:
        if 0 < cut < len(text):
            if ends[cut] <= width and total - ends[cut] <= width:
                return [text[:cut], text[cut:]]
    if total > _TITLE_LINES * width + 1e-6:
        return [text]
    cuts = sorted({b for b in breaks if 0 < b < len(text)})
    best = _best_split(text, ends, width, cuts)
    if best is None:
        best = _best_split(text, ends, width, list(range(1, len(text))), protected=cuts)
    return best or [text]


_TITLE_LINES = 3  # most lines a title is balanced over
_NEAREST = 40  # cuts tried around each even break point


def _best_split(text: str, ends: list[float], width: float, cuts: list[int],
                protected: list[int] | None = None) -> list[str] | None:
    from bisect import bisect_left
    from itertools import product

    def ok_cut(c: int) -> bool:
        return text[c] not in CANNOT_START and text[c - 1] not in CANNOT_END and not (
            text[c - 1].isdigit() and text[c].isdigit())

    cuts = [c for c in cuts if ok_cut(c)]
    if protected:
        # break by characters only inside the part before the first boundary (the name), never in what follows
        cuts = sorted({c for c in cuts if c < min(protected)} | set(protected))
    total = ends[-1]
    for n in range(1, _TITLE_LINES):
        # the most even lines break near k/(n+1) of the width: only the cuts nearest those points are tried
        near = []
        for k in range(1, n + 1):
            at = bisect_left(cuts, True, key=lambda c: ends[c] >= total * k / (n + 1))
            near.append(cuts[max(0, at - _NEAREST // 2):at + _NEAREST // 2])
        best, best_score = None, None
        for combo in product(*near):
            if any(a >= b for a, b in zip(combo, combo[1:])):
                continue
            bounds = [0, *combo, len(text)]
            lens = [ends[b] - ends[a] for a, b in zip(bounds, bounds[1:])]
            if max(lens) > width + 1e-6:
                continue
            # even lines; an upper line shorter than the next costs a little more than the reverse
            score = sum(abs(a - b) * (1.0 if a >= b else 1.5) for a, b in zip(lens, lens[1:]))
            if best_score is None or score < best_score:
                best, best_score = [text[a:b] for a, b in zip(bounds, bounds[1:])], score
        if best is not None:
            return best
    return None
