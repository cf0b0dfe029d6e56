"""A long report for speed and memory measurements: yuexiu-2023's tables under a long narrative with pictures.

    uv run python benchmarks/long_report.py --pages 94 --out /tmp/long-94.json
    uv run python benchmarks/long_report.py --pages 50 --pictures 40 --out /tmp/long-50.json

About a third of the pages carry a picture (a photo-like 1200×800 JPEG, as staff paste from a camera or a phone,
each different so nothing can be shared between them); the rest is body text in sub-headed paragraphs, varied so
that line breaking has real work on every page. The page count is approximate (the tables and headings take their
own room); the harness prints the count the PDF really has.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import random
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CHARS_PER_PAGE = 22 * 28  # GB/T 9704 body: 22 lines of 28 characters
PICTURE_PAGES = 1.0  # a picture at the text block's width (or 60 % of its height), with its caption and the room it leaves at a page foot

SENTENCES = [
    "全年主动公开政府信息{n}条，其中政策文件{m}条，动态信息{k}条，均已按规定在门户网站政府信息公开专栏发布。",
    "围绕来穗人员积分制入户、积分制入学、居住证办理等群众关注的事项，及时发布办事指南和政策解读{m}篇。",
    "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件。",
    "组织开展政务公开业务培训{k}场次，参训人员{n}人次，进一步提升工作人员依法公开意识和业务能力。",
    "优化依申请公开办理流程，规范受理、登记、审核、答复各环节，确保在法定期限内答复申请人。",
    "加强政府信息公开平台建设，对门户网站栏目进行梳理整合，新增专题栏目{m}个，更新信息{n}条。",
    "通过政务新媒体发布各类信息{n}条，阅读量累计{k}万人次，政务公开的覆盖面和影响力进一步扩大。",
]


def _picture(seed: int) -> bytes:
    """A 1200×800 JPEG with gradients and noise, different for each seed (compresses like a photo)."""
    from PIL import Image

    rnd = random.Random(seed)
    img = Image.radial_gradient("L").resize((1200, 800))
    noise = Image.effect_noise((1200, 800), 40 + seed % 20)
    r = Image.blend(img, noise, 0.5)
    g = Image.blend(Image.linear_gradient("L").resize((1200, 800)), noise, 0.3 + rnd.random() * 0.3)
    b = Image.effect_noise((1200, 800), 60)
    buf = io.BytesIO()
    Image.merge("RGB", (r, g, b)).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _paragraph(rnd: random.Random, chars: int) -> str:
    out = ""
    while len(out) < chars:
        out += rnd.choice(SENTENCES).format(n=rnd.randint(10, 9999), m=rnd.randint(1, 99), k=rnd.randint(1, 500))
    return out


def long_draft(pages: int, pictures: int | None = None) -> dict:
    """About `pages` pages with `pictures` pictures (by default one on every third page)."""
    draft = json.loads((SEEDS / "yuexiu-2023.json").read_text(encoding="utf-8"))
    rnd = random.Random(pages)
    pictures = max(1, pages // 3) if pictures is None else pictures
    text_pages = max(1.0, pages - 4 - pictures * PICTURE_PAGES)  # the three tables and the closing take ~4 pages
    paragraphs = int(text_pages * CHARS_PER_PAGE / 230)
    blocks = list(draft["narrative"].get("s1", []))
    for i in range(paragraphs):
        if i % 6 == 0:
            blocks.append({"type": "heading", "text": f"（{i // 6 + 1}）第{i // 6 + 1}项重点工作推进情况"})
        blocks.append({"type": "paragraph", "text": _paragraph(rnd, 200)})
        if pictures and i % max(1, paragraphs // pictures) == 0 and _figures(blocks) < pictures:
            blocks.append({"type": "figure", "caption": f"图{_figures(blocks) + 1}"
                           "　政务公开工作现场", "image": base64.b64encode(_picture(i)).decode("ascii"),
                           "mime": "image/jpeg"})
    while _figures(blocks) < pictures:  # more pictures than paragraphs: the rest at the end
        blocks.append({"type": "figure", "caption": f"图{_figures(blocks) + 1}　政务公开工作现场",
                       "image": base64.b64encode(_picture(len(blocks))).decode("ascii"), "mime": "image/jpeg"})
    draft["narrative"]["s1"] = blocks
    return draft


def _figures(blocks: list[dict]) -> int:
    return sum(1 for b in blocks if b["type"] == "figure")


def main() -> None:
    parser = argparse.ArgumentParser(description="生成一份长篇年报草稿（长文本 + 图片），用于测速")
    parser.add_argument("--pages", type=int, default=94, help="大约的页数")
    parser.add_argument("--pictures", type=int, default=None, help="图片张数（默认每三页一张）")
    parser.add_argument("--out", required=True, help="输出的草稿 .json")
    args = parser.parse_args()
    Path(args.out).write_text(json.dumps(long_draft(args.pages, args.pictures), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
