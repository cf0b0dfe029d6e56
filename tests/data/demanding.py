"""A demanding draft for the typesetting tests of every writer.

Built from the sample seed: every table number ×10,000 (cells then hold 7–8 digits), ten sub-headed sections of
realistic narrative with numbers, Latin words, percentages, quotes and brackets at awkward places, a tall and a
tiny picture, and characters that few fonts have (Ext-B 𠀀, 鿰, an emoji, a private-use character).
"""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from pathlib import Path

from model.draft import Figure, Heading, Paragraph
from model.drafts_io import load_draft
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
SCALE = 10_000
RARE = "𠀀鿰😀\ue000"  # Ext-B, a CJK Unified Ideograph of Unicode 14, an emoji, a private-use character
RARE_NAMES = "镕堃喆珺"  # in GBK fonts, not in GB2312-only ones

SUB_HEADINGS = ["（一）主动公开情况", "（二）依申请公开办理情况", "（三）政府信息管理情况", "（四）平台建设情况",
                "（五）监督保障情况", "（六）政策解读与回应关切", "（七）政务新媒体管理",
                "（八）“互联网+政务服务”建设", "（九）基层政务公开标准化规范化", "（十）重点领域信息公开"]

# Sentences chosen to put closing punctuation, numbers, Latin words and units near line ends.
_SENTENCES = [
    "全年通过政府门户网站主动公开政府信息85620条，同比增长12.5%，其中政策文件1236件、部门文件4387件。",
    "“越秀发布”微信公众号推送信息2103条，关注人数超过6.5万，较上年增长23.75%；",
    "依托广东政务服务网（https://www.gdzwfw.gov.cn）公开办事指南3568项，办事指南准确率达100%。",
    "组织《中华人民共和国政府信息公开条例》专题培训14次，参训人员3200人次，覆盖全部街道和部门。",
    "严格落实“先审查、后公开”和“一事一审”制度，全年审查拟公开信息12873条，未发生失泄密事件。",
    "对PDF、OFD、DOCX等格式的附件统一规范，确保可下载、可检索、可复制（扫描件另附文字版）。",
    "按照“谁公开、谁审查、谁负责”的原则，明确各科室信息公开责任人和联络员共计126名；",
    "开展“政府开放日”活动8场，邀请人大代表、政协委员、企业代表和群众代表共计465人次参加。",
    "全年受理12345政务服务便民热线转办件27436件，按时办结率99.87%，群众满意率98.6%。",
    "对标国务院办公厅《政府网站与政务新媒体检查指标》，开展季度自查4次，整改问题37个……",
]


def _paragraph(i: int, length: int) -> str:
    out = ""
    k = i
    while len(out) < length:
        out += _SENTENCES[k % len(_SENTENCES)]
        k += 3
    return out


def _png(width: int, height: int) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _scaled(value):
    if isinstance(value, Decimal):
        return value * SCALE
    if isinstance(value, int) and not isinstance(value, bool):
        return value * SCALE
    return value


def demanding_state(base: str = "sample-2024") -> ReportState:
    """The demanding draft as a ReportState; about ten pages of narrative in 一."""
    state = ReportState(load_draft(SEEDS / f"{base}.json"))
    state.set_meta(agency=f"广州市越秀区{RARE_NAMES}街道办事处")
    state.set_values({path: _scaled(value) for path, value in state.inputs.items()})
    blocks: list = [Paragraph(text=_paragraph(0, 160))]
    for i, heading in enumerate(SUB_HEADINGS):
        blocks.append(Heading(text=heading))
        blocks.append(Paragraph(text=_paragraph(i, 330)))
        blocks.append(Paragraph(text=_paragraph(i + 1, 210)))
        if i == 3:
            blocks.append(Figure(caption="政务服务平台首页截图（长图）", image=_png(400, 2400), mime="image/png"))
        if i == 6:
            blocks.append(Figure(caption="政务新媒体图标", image=_png(60, 60), mime="image/png"))
    blocks.append(Paragraph(text=f"部分群众姓名含生僻字（如“{RARE}”），已按原样录入并在公开前核对。"))
    state.set_blocks("s1", blocks)
    return state
