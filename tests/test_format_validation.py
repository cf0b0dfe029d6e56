"""A broken format file is refused on load with one Chinese sentence naming the file, the JSON path and the
fault; a rule a format names but no code provides is reported, never skipped."""

import json

import pytest

from model.checks import BUILTINS, run_checks
from model.draft import Draft, Meta
from model.spec import BUILTIN_PLACEHOLDERS, FORMATS_DIR, SpecError, get_format, load_format_file
from model.state import ReportState


def _raw(fid="2021"):
    return json.loads((FORMATS_DIR / f"{fid}.json").read_text(encoding="utf-8"))


def _check_index(raw, check_id):
    return next(i for i, c in enumerate(raw["checks"]) if c["id"] == check_id)


def _load_copy(tmp_path, raw, name="2027.json"):
    path = tmp_path / name
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return load_format_file(path)


def _group_cycle(raw):
    groups = raw["tables"][1]["groups"]
    assert [g["id"] for g in groups[:2]] == ["result", "withheld"]
    groups[0]["parent"] = "withheld"  # withheld's parent is result
    return "tables[1].groups[0]（result）.parent：分组的上级构成循环：result → withheld → result"


def _unknown_parent(raw):
    raw["tables"][1]["groups"][1]["parent"] = "nowhere"
    return "tables[1].groups[1]（withheld）.parent：没有上级分组 nowhere"


def _unknown_previous(raw):
    i = _check_index(raw, "S3-5")
    raw["checks"][i]["rhs"] = ["previous:s3.carried_away.{column}"]
    return f"checks[{i}]（S3-5）.rhs[0]：上年报告的项 previous:s3.carried_away.natural 不是本格式的单元格"


def _previous_without_declaring_it(raw):
    i = _check_index(raw, "S3-5")
    raw["checks"][i]["needs_previous"] = False
    return f"checks[{i}]（S3-5）.rhs[0]：用到了上年报告（previous:），但检查没有声明 needs_previous"


def _unknown_cell_in_equation(raw):
    i = _check_index(raw, "S4-1")
    raw["checks"][i]["rhs"][1] = "s4.{row}.corected"
    return f"checks[{i}]（S4-1）.rhs[1]：没有单元格 s4.review.corected"


def _malformed_term(raw):
    i = _check_index(raw, "S4-1")
    raw["checks"][i]["lhs"] = ["s4 review total"]
    return f"checks[{i}]（S4-1）.lhs[0]：无法识别的项 's4 review total'"


def _unknown_cell_in_computed(raw):
    raw["computed"][2]["sum"].append("s4.{row}.dismissed")
    return "computed[2]（s4_block_total）.sum[4]：没有单元格 s4.review.dismissed"


def _duplicate_check_id(raw):
    raw["checks"].append(dict(raw["checks"][_check_index(raw, "S4-1")]))
    return f"checks[{len(raw['checks']) - 1}].id：检查编号 S4-1 重复"


def _duplicate_section_id(raw):
    raw["sections"][5]["id"] = "s5"
    return "sections[5].id：部分编号 s5 重复"


def _duplicate_row_id(raw):
    raw["tables"][0]["blocks"][2]["rows"][1]["id"] = "penalty"
    return "tables[0]（s2）的行[4].id：行编号 penalty 重复"


def _duplicate_column_id(raw):
    raw["tables"][0]["blocks"][0]["columns"][1]["id"] = "issued"
    return "tables[0].blocks[0].columns[1].id：列编号 issued 重复"


def _unknown_builtin(raw):
    i = _check_index(raw, "F-5")
    raw["checks"][i]["function"] = "mentions_fees"
    return f"checks[{i}]（F-5）.function：程序中没有名为 'mentions_fees' 的检查"


def _unknown_placeholder(raw):
    i = _check_index(raw, "F-8")
    raw["checks"][i]["message"] += "{days}"
    return f"checks[{i}]（F-8）.message：用到了未知的占位符 days"


def _missing_field(raw):
    del raw["checks"][0]["severity"]
    return "checks[0].severity：缺少这一项"


def _unknown_field(raw):
    raw["checks"][0]["level"] = "error"
    return "checks[0].level：格式文件中不应有这一项"


def _migration_into_an_unknown_cell(raw):
    raw["migrate_from"][0]["cells"]["s3.other_handling.natural"] = "s3.other_elsewhere.natural"
    return "migrate_from[0].cells.s3.other_handling.natural：s3.other_elsewhere.natural 不是本格式可以填写的单元格"


def _migration_from_itself(raw):
    raw["migrate_from"][0]["format"] = raw["id"]
    return "migrate_from[0].format：不能从本格式迁移到本格式"


def _carry_forward_into_a_total(raw):
    raw["carry_forward"][0]["target"] = "s3.total.{column}"
    return "carry_forward[0]（s3_carried_in）.target：s3.total.natural 不是本格式可以填写的单元格"


def _carry_forward_from_a_malformed_cell(raw):
    raw["carry_forward"][0]["sum"] = ["s3 carried_out"]
    return "carry_forward[0]（s3_carried_in）.sum[0]：无法识别的单元格 's3 carried_out'"


def _figure_the_text_cannot_name(raw):
    raw["narrative_figures"]["appeals_won"] = {"label": "胜诉", "cells": ["s4.review.upheld"]}
    return "narrative_figures.appeals_won：程序中没有名为“appeals_won”的数字"


def _figure_of_an_unknown_cell(raw):
    raw["narrative_figures"]["disclosure_rate"]["denominator"] = ["s3.handled.total"]
    return "narrative_figures.disclosure_rate.denominator[0]：没有单元格 s3.handled.total"


def _unknown_suggestion(raw):
    raw["sections"][5]["suggestions"].append("weather")
    return "sections[5]（s6）.suggestions[1]：程序中没有名为 'weather' 的建议语句"


def _empty_detection_cue(raw):
    raw["detection"]["cues"].append(" ")
    return "detection.cues[6]：格式标志不能为空"


def _compared_figure_of_an_unknown_cell(raw):
    raw["year_over_year"][7]["cells"].append("s4.litigation.total")
    return "year_over_year[7]（行政诉讼）.cells[2]：没有单元格 s4.litigation.total"


@pytest.mark.parametrize("breaker", [
    _group_cycle, _unknown_parent, _unknown_previous, _previous_without_declaring_it, _unknown_cell_in_equation,
    _malformed_term, _unknown_cell_in_computed, _duplicate_check_id, _duplicate_section_id, _duplicate_row_id,
    _duplicate_column_id, _unknown_builtin, _unknown_placeholder, _missing_field, _unknown_field,
    _migration_into_an_unknown_cell, _migration_from_itself, _carry_forward_into_a_total,
    _carry_forward_from_a_malformed_cell, _figure_the_text_cannot_name, _figure_of_an_unknown_cell,
    _unknown_suggestion, _empty_detection_cue, _compared_figure_of_an_unknown_cell,
], ids=lambda f: f.__name__.strip("_"))
def test_a_broken_format_file_is_refused_naming_file_and_json_path(tmp_path, breaker):
    raw = _raw()
    expected = breaker(raw)
    with pytest.raises(SpecError) as caught:
        _load_copy(tmp_path, raw)
    assert str(caught.value).startswith("格式文件 2027.json：" + expected), str(caught.value)


def test_a_format_file_that_is_not_json_is_refused_by_name(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text('{"id": "2027",', encoding="utf-8")
    with pytest.raises(SpecError, match=r"^格式文件 2027\.json：（整个文件）：无法读取为 JSON"):
        load_format_file(path)


def test_the_official_format_files_load_clean():
    for fid in ("2019", "2021"):
        assert load_format_file(FORMATS_DIR / f"{fid}.json").data.checks


def test_every_declared_builtin_rule_is_provided_by_code():
    run_checks(ReportState(Draft(format="2021", meta=Meta(agency="临江区发展和改革局", year=2024))))  # registers all

    assert set(BUILTINS) == set(BUILTIN_PLACEHOLDERS)


def test_a_rule_the_code_does_not_provide_is_reported_not_skipped(monkeypatch):
    import model.rules_builtin  # noqa: F401

    state = ReportState(Draft(format="2021", meta=Meta(agency="临江区发展和改革局", year=2024)))
    monkeypatch.delitem(BUILTINS, "mentions_rectification")
    issues = [i for i in run_checks(state) if i.rule == "F-6"]
    assert [(i.severity, i.message) for i in issues] == [(
        "error", "格式文件 2021.json 的检查 F-6（说明上年度问题整改情况）无法运行：本程序没有提供名为"
                 " mentions_rectification 的检查。请使用与格式文件相配的程序版本。")]
    assert get_format("2021").source == "2021.json"


def test_every_suggestion_a_format_may_name_is_drafted_by_code():
    from model.narrative import suggest
    from model.spec import SUGGESTION_KINDS

    assert set(suggest._DRAFTERS) == SUGGESTION_KINDS
