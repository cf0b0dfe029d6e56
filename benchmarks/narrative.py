"""Speed of the narrative check: all text sections of a 20-page report analysed against the tables; and with
--scale, how `check` time grows with the length of one narrative (20,000 to 320,000 characters): it must grow
linearly (320,000 characters ≤ 2 s).

    uv run python benchmarks/narrative.py
    uv run python benchmarks/narrative.py --scale
"""

import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.draft import Paragraph  # noqa: E402
from model.drafts_io import load_draft  # noqa: E402
from model.narrative.rule import _findings_of, narrative_matches_tables  # noqa: E402
from model.state import ReportState  # noqa: E402
from tests.data.narrative_corpus import CORPUS  # noqa: E402

SAMPLE = Path(__file__).resolve().parent.parent / "seeds" / "sample-2024.json"


def main() -> None:
    state = ReportState(load_draft(SAMPLE))
    sentences = [t for t, _ in CORPUS]
    blocks, chars = [], 0
    while chars < 20 * 22 * 28:  # 20 pages of 22 lines × 28 characters
        text = "".join(sentences[(len(blocks) * 3 + k) % len(sentences)] for k in range(3))
        blocks.append(Paragraph(text=text))
        chars += len(text)
    for sid in ("s1", "s5", "s6"):
        state.set_blocks(sid, blocks[: len(blocks) // 3] if sid != "s1" else blocks)
    check = next(c for c in state.spec.data.checks if c.id == "F-7")
    times = []
    for _ in range(30):
        _findings_of.cache_clear()  # measure reading the text afresh, as after the user typed in every block
        t = time.perf_counter()
        issues = narrative_matches_tables(state, check)
        times.append(time.perf_counter() - t)
    total_chars = sum(len(b.text) for sid in ("s1", "s5", "s6") for b in state.blocks(sid))
    print(f"分析约 {total_chars / (22 * 28):.0f} 页文字（{total_chars} 字）：中位数 {statistics.median(times) * 1000:.1f} ms"
          f"（目标 ≤ 20 ms），发现 {len(issues)} 处与表格不一致")


def scale(sizes=(20_000, 40_000, 80_000, 160_000, 320_000)) -> None:
    """`check` (in-process, as `main.py check` runs it) on drafts whose 一、总体情况 is one long paragraph of
    report sentences; the process is warmed once so that import time is not counted."""
    import main as app

    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    sentences = [t for t, _ in CORPUS]
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        app.main(["check", str(SAMPLE)])
        rows = []
        for size in sizes:
            text, i = "", 0
            while len(text) < size:
                text += sentences[i % len(sentences)]
                i += 1
            data["narrative"]["s1"] = [{"type": "paragraph", "text": text[:size]}]
            path = Path(tmp) / f"long-{size}.json"
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            t = time.perf_counter()
            code = app.main(["check", str(path)])
            rows.append((size, code, time.perf_counter() - t))
    for size, code, seconds in rows:
        print(f"{size:>8,} 字：check 用时 {seconds:6.2f} s（退出码 {code}）")
    print("目标：320,000 字 ≤ 2 s，用时随字数线性增长")


if __name__ == "__main__":
    scale() if "--scale" in sys.argv[1:] else main()
