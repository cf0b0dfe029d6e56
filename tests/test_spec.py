"""Every format file tests itself: ids unique, references resolve, no cycles, labels exact."""

import json
import string

import pytest

from model.spec import FORMATS_DIR, FormatFile, FormatSpec, SpecError, format_for_year, format_ids, get_format


def test_both_official_formats_are_present():
    assert format_ids() == ["2019", "2021"]


@pytest.mark.parametrize("year,expected", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2024, "2021")])
def test_format_is_chosen_from_the_report_year(year, expected):
    assert format_for_year(year).id == expected


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_every_format_file_validates(fid):
    spec = get_format(fid)
    assert [s.heading for s in spec.sections] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    # every check message only uses placeholders its kind provides (FormatSpec raises otherwise)
    for check in spec.data.checks:
        names = {f for _, f, _, _ in string.Formatter().parse(check.message) if f}
        assert names is not None


@pytest.mark.parametrize("fid,value_rows", [("2019", 23), ("2021", 25)])
def test_section_three_has_the_official_rows(fid, value_rows):
    spec = get_format(fid)
    rows = spec.tables["s3"].blocks[0].rows
    assert len(rows) == value_rows
    labels = [r.label for r in rows]
    assert labels[0] == "一、本年新收政府信息公开申请数量"
    assert "3.危及“三安全一稳定”" in labels
    assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
    cols = [c.label for c in spec.tables["s3"].blocks[0].columns]
    assert cols == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def test_format_markers_differ_as_the_notice_says():
    old, new = get_format("2019"), get_format("2021")
    old_cols = [c.label for c in old.tables["s2"].blocks[0].columns]
    new_cols = [c.label for c in new.tables["s2"].blocks[0].columns]
    assert old_cols == ["本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert new_cols == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert [b.title for b in old.tables["s2"].blocks][-1] == "第二十条第（九）项"
    assert "第二十条第（九）项" not in [b.title for b in new.tables["s2"].blocks]
    assert old.row("s2", "normative_docs").label == "规范性文件"
    assert new.row("s2", "normative_docs").label == "行政规范性文件"
    assert new.cells["s2.fees.fee_amount"].column.label == "本年收费金额（单位：万元）"


def _load_raw(fid):
    return json.loads((FORMATS_DIR / f"{fid}.json").read_text(encoding="utf-8"))


def test_a_cycle_in_computed_cells_is_refused():
    raw = _load_raw("2021")
    raw["computed"].append({"id": "loop", "for_each": {"column": ["natural"]},
                            "target": "s3.disclosed.{column}", "sum": ["s3.total.{column}"]})
    with pytest.raises(SpecError, match="计算项构成循环"):
        FormatSpec(FormatFile.model_validate(raw))


def test_an_unknown_cell_reference_is_refused():
    raw = _load_raw("2021")
    raw["checks"][2]["lhs"] = ["s3.nowhere.{column}"]
    with pytest.raises(SpecError, match="没有单元格 s3.nowhere.natural"):
        FormatSpec(FormatFile.model_validate(raw))


def test_an_unknown_message_placeholder_is_refused():
    raw = _load_raw("2021")
    raw["checks"][2]["message"] += "{nonsense}"
    with pytest.raises(SpecError, match="未知的占位符 nonsense"):
        FormatSpec(FormatFile.model_validate(raw))


def test_duplicate_check_ids_are_refused():
    raw = _load_raw("2019")
    raw["checks"].append(dict(raw["checks"][2]))
    with pytest.raises(SpecError, match="检查编号 S3-1 重复"):
        FormatSpec(FormatFile.model_validate(raw))


@pytest.mark.parametrize("fid", ["2019", "2021"])
def test_the_rules_about_what_is_not_filled_in_come_from_the_format_file(fid):
    assert get_format(fid).completeness_rules == {"F-2", "S3-4", "S4-2"}
    raw = _load_raw(fid)
    raw["checks"] = [c for c in raw["checks"] if c["id"] != "S4-2"]
    assert FormatSpec(FormatFile.model_validate(raw)).completeness_rules == {"F-2", "S3-4"}
