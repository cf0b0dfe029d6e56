"""F-7: figures quoted in the narrative are compared with the tables, without false alarms."""

from decimal import Decimal
from pathlib import Path

import pytest

from model.draft import Paragraph
from model.drafts_io import load_draft
from model.narrative.figures import find_figures, quantities
from model.narrative.numerals import chinese_to_int, parse_number
from model.narrative.rule import narrative_findings
from model.narrative.suggest import suggestions
from model.spec import get_format
from model.state import ReportState
from tests.data.narrative_corpus import CORPUS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QTY = quantities(get_format("2021"))


@pytest.mark.parametrize("text,value", [("一百二十三", 123), ("两千", 2000), ("三千零五", 3005), ("十二", 12),
                                        ("十", 10), ("一万二千", 12000), ("零", 0), ("二十万", 200000)])
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


def test_arabic_numbers_with_commas_and_full_width_digits():
    assert parse_number("1,234") == 1234 and parse_number("１２") == 12 and parse_number("6.5") == Decimal("6.5")


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 60
    assert sum(1 for _, e in CORPUS if not e) >= 25  # plenty of sentences whose numbers must be left alone


@pytest.mark.parametrize("text,expected", CORPUS, ids=[t[:16] for t, _ in CORPUS])
def test_each_corpus_sentence_gives_exactly_its_figures(text, expected):
    found = {f.quantity.key: f.number for f in find_figures(text, QTY)}
    assert found == {k: Decimal(str(v)) for k, v in expected.items()}


def sample_state():
    return ReportState(load_draft(SEEDS / "sample-2024.json"))


def f7(state):
    return [i for i in state.issues if i.rule == "F-7"]


def test_the_seeds_and_the_sample_raise_no_narrative_warning():
    for name in ("panyu-2020", "yuexiu-2023", "sample-2024", "broken-2024"):
        assert f7(ReportState(load_draft(SEEDS / f"{name}.json"))) == [], name


def test_the_sample_narrative_is_recognised_not_ignored():
    keys = {f.quantity.key for *_, f in narrative_findings(sample_state())}
    assert {"received", "handled", "disclosed", "carried_out", "review", "litigation", "docs_in_force", "fees"} <= keys


def test_120_in_the_text_against_118_in_the_table_gives_one_warning_naming_both():
    state = sample_state()
    values = {f"s3.new.{c}": 0 for c in ("commercial", "research", "public_welfare", "legal_service", "other")}
    values["s3.new.natural"] = 118
    state.set_values(values)
    state.set_blocks("s1", [Paragraph(text="2024年，本机关坚持依法公开。"), Paragraph(text="全年共收到政府信息公开申请120件，均按期答复。")])
    issues = f7(state)
    assert len(issues) == 1
    issue = issues[0]
    assert "120" in issue.message and "118" in issue.message and issue.severity == "warning"
    section, block, start, end = issue.anchor.split(":")
    text = state.blocks("s1")[int(block)].text
    assert section == "s1" and "120" in text[int(start):int(end)]
    assert issue.cells == ("s3.new.total",)
    state.set_blocks("s1", [Paragraph(text="全年共收到政府信息公开申请118件，均按期答复。")])
    assert f7(state) == []


def test_every_planted_mismatch_is_found_and_nothing_else():
    state = sample_state()
    planted = {"received": "共收到政府信息公开申请300件", "disclosed": "予以公开130件", "review": "行政复议7件",
               "docs_in_force": "现行有效行政规范性文件40件", "fees": "行政事业性收费126.5万元",
               "licensing": "行政许可处理决定15000件"}
    innocent = [t for t, e in CORPUS if not e]
    blocks = [Paragraph(text=t) for t in innocent] + [Paragraph(text=t + "。") for t in planted.values()]
    state.set_blocks("s1", blocks)
    found = {tuple(i.cells) for i in f7(state)}
    assert len(f7(state)) == len(planted)
    assert ("s3.disclosed.total",) in found and ("s2.fees.fee_amount",) in found


def test_text_claiming_no_applications_while_the_table_has_some():
    state = sample_state()
    state.set_blocks("s6", [Paragraph(text="本年度未收到政府信息公开申请。本年度未收取信息处理费。")])
    issues = f7(state)
    assert len(issues) == 1 and "312" in issues[0].message


def test_a_zero_table_with_text_claiming_activity():
    state = ReportState(load_draft(SEEDS / "yuexiu-2023.json"))
    state.set_blocks("s5", [Paragraph(text="本年度共收到政府信息公开申请3件，已全部办结。")])
    assert len(f7(state)) == 1


def test_unfilled_cells_make_the_rule_wait():
    state = ReportState.new("测试局", 2024)
    state.set_blocks("s1", [Paragraph(text="共收到政府信息公开申请120件。")])
    assert f7(state) == []


@pytest.mark.parametrize("seed", range(6))
def test_generated_sentences_parse_back_to_the_same_figures(seed):
    import random

    rng = random.Random(seed)
    state = sample_state()
    values = {p: rng.randint(0, 40) for p in state.spec.input_paths if p.startswith(("s3.", "s4."))}
    state.set_values(values)
    texts = [s.text for s in suggestions(state, "s1")]
    assert texts
    state.set_blocks("s1", [Paragraph(text=t) for t in texts])
    found = list(narrative_findings(state))
    assert found and f7(state) == []
    keys = {f.quantity.key for *_, f in found}
    assert {"received", "handled", "carried_in"} <= keys


def test_zero_tables_suggest_the_no_application_sentence():
    state = ReportState(load_draft(SEEDS / "yuexiu-2023.json"))
    texts = [s.text for s in suggestions(state, "s1")]
    assert any("未收到政府信息公开申请" in t for t in texts)
    assert any("未发生" in t for t in texts)
    assert suggestions(state, "s6")[0].text == "本年度未收取信息处理费。"


def test_a_quoted_disclosure_rate_is_checked_at_the_precision_written():
    state = sample_state()  # (137 + 38) / 315 = 55.555…%
    state.set_blocks("s6", [Paragraph(text="本年度未收取信息处理费。全年公开率为55.6%，公开率约56%。")])
    assert f7(state) == []
    state.set_blocks("s6", [Paragraph(text="本年度未收取信息处理费。全年公开率为60%。")])
    issues = f7(state)
    assert len(issues) == 1 and "60%" in issues[0].message and "56%" in issues[0].message


@pytest.mark.parametrize("text,expected", [
    ("全年予以公开及部分公开175件，占55.6%。", {"disclosed_and_partial": 175, "disclosure_rate": "55.6"}),
    ("予以公开和部分公开的共175件，占比55.6%。", {"disclosed_and_partial": 175, "disclosure_rate": "55.6"}),
    ("本年度发生行政复议和行政诉讼案件共17件。", {"review_and_litigation": 17}),
    ("全年未发生因政府信息公开引起的行政复议及行政诉讼。", {}),
    ("本年度未发生政府信息公开行政复议和行政诉讼。", {"review_and_litigation": 0}),
    ("部门预决算公开率100%。", {}),
    ("重点领域信息主动公开率达100%。", {}),
    ("全年依申请公开率为55.6%。", {"disclosure_rate": "55.6"}),
])
def test_combined_figures_and_rates_bound_to_their_own_subject(text, expected):
    found = {f.quantity.key: f.number for f in find_figures(text, QTY)}
    assert found == {k: Decimal(str(v)) for k, v in expected.items()}


def test_a_combined_figure_in_the_text_is_checked_against_the_sum_of_its_cells():
    state = sample_state()  # 予以公开 137 + 部分公开 38 = 175 of 315; 行政复议 9 + 行政诉讼 8 = 17
    ok = "本年度未收取信息处理费。全年予以公开及部分公开175件，占55.6%；行政复议、行政诉讼共17件。"
    state.set_blocks("s6", [Paragraph(text=ok)])
    assert f7(state) == []
    state.set_blocks("s6", [Paragraph(text="本年度未收取信息处理费。全年予以公开及部分公开170件，占60%；行政复议、行政诉讼共18件。")])
    messages = [i.message for i in f7(state)]
    assert len(messages) == 3, messages
    assert any("170" in m and "175" in m for m in messages)
    assert any("60%" in m and "56%" in m for m in messages)
    assert any("18" in m and "表四 行政复议与行政诉讼（三栏总计之和）为 17" in m for m in messages)


def test_another_rate_is_not_read_as_the_disclosure_rate():
    state = sample_state()
    state.set_blocks("s6", [Paragraph(text="本年度未收取信息处理费。部门预决算公开率100%，重点领域信息主动公开率100%。")])
    assert f7(state) == []


def test_a_figure_told_for_another_body_is_not_read_as_the_agencys():
    # 淮安市洪泽区人民政府 2024: the office that answers on the government's behalf states its own share
    text = "2024 年，区政府办代表区政府受理政府信息公开申请 17 件，均已在法定期限内予以答复。"
    assert find_figures(text, QTY) == []


def test_applications_received_counted_with_last_years_carried_over_are_not_contradicted():
    # 沭阳县人民政府 2025: “共受理政府信息公开申请 749 件” = 新收 713 + 上年结转 36 (办理 718 + 结转下一年 31)
    state = sample_state()  # 新收 312 (自然人 268, 法人 44), 上年结转 17 (自然人 14, 法人 3)
    state.set_blocks("s6", [Paragraph(text="本年度未收取信息处理费。共受理申请329件，其中自然人申请282件，法人或其他组织申请47件。")])
    assert f7(state) == []
    state.set_blocks("s6", [Paragraph(text="本年度未收取信息处理费。共受理申请330件。")])
    assert len(f7(state)) == 1
