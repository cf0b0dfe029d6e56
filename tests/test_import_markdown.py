"""Markdown import (.md): “#” headings and pipe tables, as converters leave a report; a row is read only when
its own cells name it, so a converter's label-less rows of numbers are listed, never given to a neighbour."""

from decimal import Decimal
from pathlib import Path

import pytest

from model.drafts_io import load_draft
from model.importers import ImportError_, import_file
from model.state import ReportState

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

S3_COLS = ["natural", "commercial", "research", "public_welfare", "legal_service", "other"]
# 上海市科学技术委员会 2024 (tests/data/corpus/shkewei_2024.md), hand-checked: each row of table 三 against the
# report's own totals — （七）总计 33 / 2 / 35, and the text: 同意公开 9，部分公开 0，不予公开 2，无法提供 10，
# 不予处理 0，其他处理 14，结转下年度 1. The label-less rows belong as listed here (so 3.补正后申请内容仍不明确 is
# 0: the “6 … 6” row under it is 2.没有现成信息需要另行制作's).
_S3 = {"new": (32, 2), "carried_in": (2,), "disclosed": (9,), "partial": (), "withheld_secret": (),
       "withheld_prohibited": (), "withheld_security": (), "withheld_third_party": (), "withheld_internal": (1,),
       "withheld_process": (1,), "withheld_enforcement_file": (), "withheld_query": (), "unable_not_held": (4,),
       "unable_needs_creation": (6,), "unable_unclear": (), "not_processed_petition": (),
       "not_processed_repeated": (), "not_processed_publication": (), "not_processed_massive": (),
       "not_processed_confirmation": (), "other_no_correction": (8, 2), "other_no_fee": (), "other_other": (4,),
       "carried_out": (1,)}
SHKEWEI_2024 = {
    "s2.rules.issued": 0, "s2.rules.abolished": 0, "s2.rules.in_force": 0,
    "s2.normative_docs.issued": 13, "s2.normative_docs.abolished": 0, "s2.normative_docs.in_force": 55,
    "s2.licensing.decisions": 97, "s2.penalty.p_decisions": 0, "s2.enforcement.p_decisions": 0,
    "s2.fees.fee_amount": 0,
    **{f"s3.{row}.{col}": (values + (0,) * 6)[i] for row, values in _S3.items() for i, col in enumerate(S3_COLS)},
    "s4.review.upheld": 1,
    **{f"s4.{g}.{c}": 0 for g in ("review", "litigation_direct", "litigation_after_review")
       for c in ("upheld", "corrected", "other", "pending") if (g, c) != ("review", "upheld")},
}


def listed(state, report) -> set[str]:
    said = set(report.missing) | set(report.uncertain)
    return {p for p, info in state.spec.cells.items() if info.label in said}


def test_the_converted_shkewei_report_imports_with_every_cell_exact_or_listed():
    draft, report = import_file(CORPUS / "shkewei_2024.md")
    state = ReportState(draft)
    assert draft.format == "2021" and draft.meta.agency == "上海市科委" and draft.meta.year == 2024
    flagged = listed(state, report)
    wrong = [(p, state.value(p), want) for p, want in SHKEWEI_2024.items()
             if p not in flagged and (state.value(p) is None or Decimal(str(state.value(p))) != Decimal(want))]
    assert wrong == []
    assert set(SHKEWEI_2024) == set(state.spec.input_paths)
    read = [p for p in SHKEWEI_2024 if p not in flagged]
    assert len(read) >= 100  # 106 of 166: 14 rows of table 三 have their label in their own cells
    # the label-less rows of numbers are listed, not placed; the listed cells are marked for the user
    assert state.value("s3.unable_unclear.natural") is None and "s3.unable_unclear.natural" in draft.import_unsure
    assert any("有一行数字没有行标签（6 0 0 0 0 0 6）" in a for a in report.ambiguous)
    # the 2019-form row label 规范性文件 is read as 行政规范性文件; table 四's fifteen figures are read
    assert state.value("s2.normative_docs.in_force") == 55 and state.value("s4.review.total") == 1
    # the blank 总计 of 结转下年度继续办理 is the report's own blank, not a number
    assert "s3.carried_out.total" not in draft.tables.get("s3", {}).get("carried_out", {})


def test_the_converted_report_keeps_its_text_in_the_right_sections():
    draft, report = import_file(CORPUS / "shkewei_2024.md")
    assert draft.preamble[0].text.startswith("根据《中华人民共和国政府信息公开条例》")
    s1 = draft.narrative["s1"]
    assert s1[0].text.startswith("上海市科委 2024 年深入贯彻")
    assert [b.text for b in s1 if b.type == "heading"][:2] == ["二、工作机制保障", "三、主动公开工作情况"]
    # its 五 heading is missing: the problems after table 四 go to 五, and the report says so
    assert [b.text for b in draft.narrative["s5"] if b.type == "heading"] == ["（一）主要问题", "（二）改进情况"]
    assert any("没有找到“五、存在的主要问题及改进情况”标题" in n for n in report.notes)
    assert draft.narrative["s6"][-1].text.endswith("市科委未发生政府信息公开收费事项。")


def _markdown(state) -> str:
    """A report as a converter that keeps the tables writes it: “#” headings, one pipe row per table row."""
    spec = state.spec
    out = [f"# {state.title()}", "", "## 一、总体情况", "本年度工作正常开展。"]
    for section in spec.sections[1:]:
        out += ["", f"## {section.heading}"]
        if section.kind == "narrative":
            out.append("无。")
            continue
        table = spec.tables[section.table]
        cells = lambda row, block: ["" if (v := state.value(f"{table.id}.{row.id}.{c.id}")) is None else str(v)
                                    for c in block.columns]
        if table.layout == "blocks_in_one_row":
            values = [v for block in table.blocks for row in block.rows for v in cells(row, block)]
            out += ["| " + " | ".join(["x"] * len(values)) + " |", "|" + "---|" * len(values),
                    "| " + " | ".join(values) + " |"]
            continue
        for block in table.blocks:
            out += ["| 信息内容 | " + " | ".join(c.label for c in block.columns) + " |",
                    "|---|" + "---|" * len(block.columns)]
            out += [f"| {row.label} | " + " | ".join(cells(row, block)) + " |" for row in block.rows]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("name", ["sample-2024", "panyu-2020", "yuexiu-2023"])
def test_a_cleanly_converted_report_gives_every_cell(tmp_path, name):
    state = ReportState(load_draft(SEEDS / f"{name}.json"))
    blank = state.spec.input_paths[3]
    state.set_values({blank: None})
    path = tmp_path / "report.md"
    path.write_text(_markdown(state), encoding="utf-8")
    draft, report = import_file(path)
    back = ReportState(draft)
    assert draft.format == state.format_id and draft.meta.agency == state.meta.agency
    assert [(p, state.value(p), back.value(p)) for p in state.spec.input_paths if back.value(p) != state.value(p)] == []
    assert state.spec.cells[blank].label in report.missing


def test_a_markdown_file_without_the_report_headings_is_refused_in_chinese(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# 会议纪要\n\n| 项目 | 数量 |\n|---|---|\n| 甲 | 1 |\n", encoding="utf-8")
    with pytest.raises(ImportError_, match="没有找到年报的各部分标题"):
        import_file(path)
