"""The report model: values, edits, recomputation, rules, drafts on disk, and the new/check commands."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import atomic_files, drafts_io
from model.draft import Draft, Meta, Paragraph
from model.drafts_io import DraftError, load_draft, save_draft
from model.schema import SCHEMA_PATH, schema_text
from model.spec import get_format
from model.state import EditError, ReportState
from model.values import ValueError_, parse_value

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
COLS = ["natural", "commercial", "research", "public_welfare", "legal_service", "other"]


# -- values ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text,kind,expected", [
    ("12", "count", 12), (" ３４ ", "count", 34), ("1,234", "count", 1234), ("-3", "signed_count", -3),
    ("2.9786", "amount", Decimal("2.9786")), ("5949.088667", "amount", Decimal("5949.088667")),
    ("", "count", None), ("  ", "amount", None),
])
def test_values_are_parsed_exactly(text, kind, expected):
    assert parse_value(text, kind) == expected


@pytest.mark.parametrize("text,kind,fragment", [
    ("abc", "count", "不是数字"), ("-1", "count", "负数"), ("1.5", "count", "不是整数"),
    ("1.1234567", "amount", "最多保留 6 位小数"), ("1e20", "amount", "普通的金额写法"), ("1e20", "count", "不是整数"),
    ("99999999999", "count", "过大"), ("-2", "amount", "负数"),
])
def test_bad_values_are_refused_with_a_chinese_reason(text, kind, fragment):
    with pytest.raises(ValueError_, match=fragment):
        parse_value(text, kind)


# -- state -------------------------------------------------------------------------------------------
def zero_state(year=2024):
    state = ReportState.new("测试局", year)
    state.fill_empty_with_zero()
    return state


def test_an_edit_recomputes_row_and_grand_totals_and_says_what_changed():
    state = zero_state()
    changes = state.set_value("s3.disclosed.commercial", "5")
    assert state.value("s3.disclosed.total") == 5
    assert state.value("s3.total.commercial") == 5
    assert state.value("s3.total.total") == 5
    assert changes.cells == {"s3.disclosed.commercial", "s3.disclosed.total", "s3.total.commercial", "s3.total.total"}
    assert changes.issues  # S3-1 now fires
    assert {i.rule for i in state.issues} >= {"S3-1"}


def test_a_refused_edit_leaves_the_state_unchanged():
    state = zero_state()
    state.set_value("s3.new.natural", "3")
    before = state.to_draft()
    with pytest.raises(EditError, match="一、本年新收政府信息公开申请数量 / 自然人"):
        state.set_value("s3.new.natural", "三")
    with pytest.raises(EditError, match="自动计算"):
        state.set_value("s3.new.total", "3")
    assert state.to_draft() == before


def test_an_unfilled_cell_is_not_zero_and_rules_wait_for_it():
    state = ReportState.new("测试局", 2024)
    state.set_values({"s3.new.natural": 5})
    assert state.value("s3.carried_in.natural") is None
    assert state.value("s3.new.total") is None  # a total of unfilled cells is unknown, not 0
    assert "S3-1" not in {i.rule for i in state.issues}
    assert {"S3-4", "F-2"} <= {i.rule for i in state.issues}


def test_fill_empty_with_zero_per_table_and_per_report():
    state = ReportState.new("测试局", 2024)
    state.fill_empty_with_zero("s4")
    assert state.unfilled("s4") == [] and state.unfilled("s3")
    state.set_value("s3.new.natural", "2")
    state.fill_empty_with_zero()
    assert state.unfilled() == [] and state.value("s3.new.natural") == 2


def test_stated_totals_show_and_are_checked():
    state = zero_state()
    state.set_stated("s4.review.total", 3)
    assert state.value("s4.review.total") == 3
    issue = next(i for i in state.issues if i.rule == "S4-1")
    assert issue.cells[0] == "s4.review.total" and "总计为 3" in issue.message
    state.set_stated("s4.review.total", None)
    assert "S4-1" not in {i.rule for i in state.issues}


def test_changing_format_maps_other_handling():
    state = zero_state(2020)
    state.set_value("s3.other_handling.natural", "4")
    state.set_value("s3.new.natural", "4")
    state.change_format("2021")
    assert state.format_id == "2021"
    assert state.value("s3.other_other.natural") == 4
    # the two new （六） rows of 2021 have no counterpart: left unfilled and reported, never guessed
    assert "s3.other_no_correction.natural" in state.unfilled("s3")
    assert state.value("s3.total.natural") is None
    state.fill_empty_with_zero("s3")
    assert state.value("s3.total.natural") == 4


# -- rules -------------------------------------------------------------------------------------------
def rules(state):
    return sorted({i.rule for i in state.issues})


def complete_state(year=2024):
    state = zero_state(year)
    state.set_meta(publication_date=__import__("datetime").date(year + 1, 1, 20))
    for sid, text in (("s1", "总体情况。"), ("s5", "上年度问题已整改。"), ("s6", "本年度未收取信息处理费。")):
        state.set_blocks(sid, [Paragraph(text=text)])
    return state


def test_a_complete_zero_report_passes_every_rule():
    assert rules(complete_state()) == []


def test_each_arithmetic_rule_fires_on_a_minimal_case_with_its_cells():
    state = complete_state()
    state.set_value("s3.new.research", "2")
    s31 = [i for i in state.issues if i.rule == "S3-1"]
    assert len(s31) == 1 and "科研机构" in s31[0].message  # the 总计 column echo is not reported again
    assert set(s31[0].cells) == {"s3.new.research", "s3.carried_in.research", "s3.total.research", "s3.carried_out.research"}
    state.set_value("s3.disclosed.research", "2")
    assert rules(state) == []
    state.set_stated("s3.total.research", 5)
    assert "S3-2" in rules(state)
    state.set_stated("s3.total.research", None)
    state.set_stated("s3.partial.total", 1)
    # the printed row total breaks its row, and with it the 总计 column of （七）
    assert rules(state) == ["S3-2", "S3-3"]


def test_s2_5_needs_total_published_at_least_new_published():
    state = complete_state(2020)
    state.set_value("s2.rules.new_published", "3")
    assert rules(state) == ["S2-5"]


@pytest.mark.parametrize("change,rule", [
    (dict(year=2020), "F-1"), (dict(agency=""), "F-2"),
])
def test_whole_report_rules(change, rule):
    state = complete_state()
    state.set_meta(**change)
    assert rule in rules(state)


def test_f4_f5_f6_f8_on_text_and_dates():
    import datetime as dt

    state = complete_state()
    state.set_blocks("preamble", [Paragraph(text="统计期限自2023年1月1日起至2023年12月31日止。")])
    state.set_blocks("s6", [Paragraph(text="无。")])
    state.set_blocks("s5", [Paragraph(text="存在宣传不足的问题。")])
    state.set_meta(publication_date=dt.date(2025, 2, 10))
    assert rules(state) == ["F-4", "F-5", "F-6", "F-8"]
    state.set_meta(agency_kind="government")  # 本级人民政府: 31 March
    assert "F-8" not in rules(state)


def test_cross_year_rules_need_last_years_report():
    last = complete_state(2023)
    last.set_values({"s3.new.natural": 3, "s3.carried_out.natural": 3, "s2.normative_docs.in_force": 40})
    state = complete_state()
    state.set_values({"s2.normative_docs.in_force": 45, "s2.normative_docs.issued": 2})
    assert not {"S3-5", "S2-1"} & set(rules(state))
    state.set_previous(last.to_draft())
    issues = {i.rule: i for i in state.issues}
    assert "S3-5" in issues and "上年报告的四、结转下年度继续办理为 3" in issues["S3-5"].message
    assert "S2-1" in issues and "应为 42" in issues["S2-1"].message
    assert issues["S3-5"].related_cells == ("previous:s3.carried_out.natural",)


def test_2019_cross_year_rule_s2_4():
    last = complete_state(2019)
    last.set_values({"s2.licensing.prev_count": 10, "s2.licensing.change": -2})
    state = complete_state(2020)
    state.set_values({"s2.licensing.prev_count": 9})
    state.set_previous(last.to_draft())
    assert "S2-4" in rules(state)
    state.set_values({"s2.licensing.prev_count": 8})
    assert "S2-4" not in rules(state)


# -- drafts on disk ----------------------------------------------------------------------------------
def test_save_and_load_is_exact(tmp_path):
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    path = tmp_path / "d.json"
    save_draft(state.to_draft(), path)
    assert load_draft(path) == state.to_draft()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1 and data["format"] == "2021"
    assert "total" not in data["tables"]["s3"]["new"]  # totals are never stored


def test_a_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "d.json"
    path.write_text("old", encoding="utf-8")
    monkeypatch.setattr(atomic_files.os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        save_draft(ReportState.new("某局", 2024).to_draft(), path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]


def seed_text():
    return (SEEDS / "sample-2024.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("mutate,fragment", [
    (lambda t: t[: len(t) // 2], "不完整"),
    (lambda t: "{nonsense}", "JSON 格式错误"),
    (lambda t: "", "是空的"),
    (lambda t: t.replace('"year": 2024', '"year": "abc"'), "报告年度：应为整数"),
    (lambda t: t.replace('"new": {\n        "natural": 268', '"new": {\n        "natural": "x"'), "一、本年新收政府信息公开申请数量 / 自然人"),
    (lambda t: t.replace('"carried_in": {', '"nowhere": {', 1), "s3.nowhere"),
    (lambda t: t.replace('"schema_version": 1', '"schema_version": 9'), "更新版本"),
    (lambda t: t.replace('"format": "2021"', '"format": "2099"'), "格式版本"),
    (lambda t: "[1, 2]", "不是年报草稿"),
])
def test_bad_draft_files_give_one_chinese_sentence(tmp_path, mutate, fragment):
    path = tmp_path / "坏.json"
    path.write_text(mutate(seed_text()), encoding="utf-8")
    with pytest.raises(DraftError) as info:
        load_draft(path)
    message = str(info.value)
    assert fragment in message and "坏.json" in message and "\n" not in message


def test_non_utf8_and_missing_files(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes("{\"名\": 1}".encode("gbk"))
    with pytest.raises(DraftError, match="UTF-8"):
        load_draft(path)
    with pytest.raises(DraftError, match="找不到"):
        load_draft(tmp_path / "none.json")


def test_json_schema_file_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()


# -- commands ----------------------------------------------------------------------------------------
def run(*args):
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")


def test_check_broken_lists_exactly_the_four_errors_with_cells():
    proc = run("check", "seeds/broken-2024.json", "--json")
    assert proc.returncode == 1
    issues = json.loads(proc.stdout)
    assert sorted(i["rule"] for i in issues) == ["S3-1", "S3-2", "S3-3", "S4-1"]
    by_rule = {i["rule"]: i for i in issues}
    assert "s3.new.legal_service" in by_rule["S3-1"]["cells"]
    assert by_rule["S3-2"]["cells"][0] == "s3.total.natural"
    assert by_rule["S3-3"]["cells"][0] == "s3.disclosed.total"
    assert by_rule["S4-1"]["cells"][0] == "s4.review.total"
    assert all(i["severity"] == "error" for i in issues)


def test_check_prints_issues_grouped_by_section_in_chinese():
    proc = run("check", "seeds/broken-2024.json")
    assert proc.returncode == 1
    assert "【三、收到和处理政府信息公开申请情况】" in proc.stdout and "[错误 S3-1]" in proc.stdout
    assert "共 4 个错误、0 个警告" in proc.stdout


def test_check_a_truncated_seed_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "truncated.json"
    bad.write_text(seed_text()[:500], encoding="utf-8")
    proc = run("check", str(bad))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "truncated.json" in proc.stderr and "Traceback" not in proc.stderr


def test_new_chooses_the_format_from_the_year(tmp_path):
    for year, fmt in ((2025, "2021"), (2020, "2019")):
        out = tmp_path / f"{year}.json"
        proc = run("new", "--year", str(year), "--agency", "某某局", "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        draft = load_draft(out)
        assert draft.format == fmt and draft.meta.agency == "某某局" and draft.meta.year == year
    out = tmp_path / "override.json"
    assert run("new", "--year", "2021", "--agency", "某局", "--format", "2019", "--out", str(out)).returncode == 0
    assert load_draft(out).format == "2019"
    assert "F-1" in run("check", str(out), "--json").stdout


# -- properties --------------------------------------------------------------------------------------
counts = st.integers(min_value=0, max_value=5000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_valid_inputs_always_satisfy_every_sum_rule(data):
    spec = get_format(data.draw(st.sampled_from(["2019", "2021"])))
    state = ReportState(Draft(format=spec.id, meta=Meta(agency="某局", year=2020 if spec.id == "2019" else 2024)))
    values = {}
    for path in spec.input_paths:
        kind = spec.cells[path].column.kind
        if kind == "amount":
            values[path] = Decimal(data.draw(st.integers(0, 10**9))) / Decimal(10**6)
        elif kind == "signed_count":
            values[path] = data.draw(st.integers(-500, 500))
        else:
            values[path] = data.draw(counts)
    # make 四、结转下年度 balance the intake so that S3-1 holds too
    details = [r.id for r in spec.tables["s3"].blocks[0].rows if r.group and r.id != "total"]
    for c in COLS:
        handled = sum(values[f"s3.{r}.{c}"] for r in details)
        values[f"s3.new.{c}"] = handled + values[f"s3.carried_out.{c}"] - values[f"s3.carried_in.{c}"]
        if values[f"s3.new.{c}"] < 0:
            values[f"s3.carried_in.{c}"] -= values[f"s3.new.{c}"]
            values[f"s3.new.{c}"] = 0
    state.set_values(values)
    assert not {"S3-1", "S3-2", "S3-3", "S4-1"} & {i.rule for i in state.issues}


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.sampled_from(get_format("2019").input_paths), st.integers(0, 10**6), max_size=40),
       st.integers(0, 10**12), st.text(max_size=200))
def test_save_then_load_is_exact_for_random_drafts(tmp_path_factory, cells, micro, text):
    spec = get_format("2019")
    state = ReportState(Draft(format="2019", meta=Meta(agency="某局", year=2020)))
    values = {p: v for p, v in cells.items() if spec.cells[p].column.kind != "amount"}
    values["s2.procurement.procurement_amount"] = Decimal(micro) / Decimal(10**6)
    state.set_values(values)
    state.set_blocks("s1", [Paragraph(text=text)])
    path = tmp_path_factory.mktemp("rt") / "d.json"
    save_draft(state.to_draft(), path)
    again = ReportState(load_draft(path))
    assert again.to_draft() == state.to_draft()
    assert again.value("s2.procurement.procurement_amount") == Decimal(micro) / Decimal(10**6)


def test_model_and_export_never_import_qt():
    code = ("import pkgutil, importlib, sys, model, export\n"
            "for pkg in (model, export):\n"
            "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
            "        importlib.import_module(m.name)\n"
            "print(sorted(n for n in sys.modules if n.startswith('PySide6')))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


# -- a total printed blank ---------------------------------------------------------------------------
def test_a_total_printed_blank_is_kept_apart_from_zero_and_from_not_printed(tmp_path):
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    state.set_stated("s3.total.natural", "空白")
    # the cell shows, sums and exports the computed value; the rules that compare totals see no difference
    assert state.value("s3.total.natural") == 270 and state.value("s3.total.total") == 315
    assert [(i.rule, i.cells, i.section) for i in state.issues] == [("F-14", ("s3.total.natural",), "s3")]
    assert state.issues[0].message.startswith("表三“（七）总计 / 自然人”：原表此合计栏为空白，应为 270。")
    path = tmp_path / "blank.json"
    save_draft(state.to_draft(), path)
    assert json.loads(path.read_text(encoding="utf-8"))["stated_totals"] == {"s3": {"total": {"natural": "空白"}}}
    again = ReportState(load_draft(path))
    assert again.stated == {"s3.total.natural": "空白"} and [i.rule for i in again.issues] == ["F-14"]
    # a printed 0 is a stated number (S3-2 compares it), and no stated total at all is the seed as it was
    state.set_stated("s3.total.natural", 0)
    assert "F-14" not in {i.rule for i in state.issues} and "S3-2" in {i.rule for i in state.issues}
    state.set_stated("s3.total.natural", None)
    assert state.issues == ReportState(load_draft(SEEDS / "sample-2024.json")).issues


def test_a_blank_is_a_stated_total_only_for_a_total():
    draft = json.loads((SEEDS / "sample-2024.json").read_text(encoding="utf-8"))
    draft["tables"]["s3"]["new"]["natural"] = "空白"
    with pytest.raises(DraftError, match="s3.new.natural"):
        drafts_io.parse_draft(json.dumps(draft, ensure_ascii=False).encode("utf-8"), "x.json")


def test_the_export_prints_the_computed_value_of_a_total_printed_blank(tmp_path):
    from export.document import build_document
    from export.txt_writer import render_text

    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    state.set_stated("s3.total.total", "空白")
    line = next(ln for ln in render_text(build_document(state)).splitlines() if ln.startswith("（七）总计"))
    assert line.split()[-1] == "315"


def _sample_export():
    from export.document import build_document
    from export.txt_writer import render_text

    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    return state, build_document(state), render_text(build_document(state))


def test_a_published_text_whose_total_column_is_blank_imports_as_stated_blanks():
    import re

    from model.importers.text import import_text

    state, _, text = _sample_export()
    lines, in_s3 = [], False
    for line in text.splitlines():
        in_s3 = (in_s3 or line.startswith("三、收到")) and not line.startswith("四、政府信息公开")
        if in_s3 and len(re.findall(r"(?<!\S)\d+(?!\S)", line)) == 7:  # a row of table 三: its 总计 left blank
            line = re.sub(r"\d+$", lambda m: " " * len(m.group()), line)
        lines.append(line)
    draft, report = import_text("\n".join(lines))
    blank = {f"s3.{r}.total" for r, cols in draft.stated_totals["s3"].items() if cols == {"total": "空白"}}
    assert "s3.total.total" in blank and len(blank) == 25
    assert draft.tables == state.to_draft().tables  # every detail read as printed, no total guessed into them
    imported = ReportState(draft)
    f14 = [i for i in imported.issues if i.rule == "F-14"]
    assert len(f14) == 25 and all(i.severity == "warning" and len(i.cells) == 1 for i in f14)
    assert "表三“（七）总计 / 总计”：原表此合计栏为空白，应为 315。" in [i.message.split("表中")[0] for i in f14]
    assert "（七）总计 / 总计：原文为空白，按明细应为 315" in report.stated


def test_a_workbook_whose_totals_are_blank_imports_them_as_stated_blanks(tmp_path):
    import io

    import openpyxl

    from export.xlsx_writer import render_xlsx
    from model.importers import import_file

    state, doc, _ = _sample_export()
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(state, doc)))
    (cell,) = [row[-1] for ws in wb.worksheets for row in ws.iter_rows()
               if any(c.value == "（七）总计" for c in row)]
    assert cell.value == 315
    cell.value = None
    # table 四 is one row of fifteen numbers: the fifth is 行政复议's 总计
    (four,) = [row for ws in wb.worksheets for row in ws.iter_rows() if sum(isinstance(c.value, int) for c in row) == 15]
    review_total = [c for c in four if isinstance(c.value, int)][4]
    assert review_total.value == 9
    review_total.value = None
    wb.save(tmp_path / "blank.xlsx")
    draft, _ = import_file(tmp_path / "blank.xlsx")
    assert draft.stated_totals == {"s3": {"total": {"total": "空白"}}, "s4": {"review": {"total": "空白"}}}
    assert [i.cells for i in ReportState(draft).issues if i.rule == "F-14"] == [("s3.total.total",),
                                                                                 ("s4.review.total",)]


def test_the_window_shows_a_total_printed_blank_like_other_stated_totals(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from gui.table_model import STATED_FG
    from tests.modal_helpers import on_menu

    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    state.set_stated("s3.total.total", "空白")
    window = MainWindow(ReportController(state))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_to("s3")
    page = window.pages["s3"]
    index = page.model.index_for_path("s3.total.total")
    assert page.model.data(index) == "315"  # the computed value, in the stated totals' dark red
    assert page.model.data(index, Qt.ItemDataRole.ForegroundRole).color() == STATED_FG
    assert "原表此合计栏为空白，应为 315" in page.model.data(index, Qt.ItemDataRole.ToolTipRole)
    # right-click on the cell offers 采用计算值, which drops the stated blank (one undoable edit)
    offered = []

    def choose_adopt(menu):
        offered.extend(a.text() for a in menu.actions())
        action = next(a for a in menu.actions() if a.text() == "采用计算值")
        menu.setActiveAction(action)
        QTest.keyClick(menu, Qt.Key.Key_Return)

    failures: list[str] = []
    on_menu(choose_adopt, failures)
    page.view.scrollTo(index)
    pos = page.view.visualRect(index).center()
    viewport = page.view.viewport()
    QApplication.sendEvent(viewport, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, viewport.mapToGlobal(pos)))
    assert not failures and "采用计算值" in offered
    assert window.controller.state.stated == {} and "F-14" not in {i.rule for i in window.controller.state.issues}
    window.controller.undo_stack.undo()
    assert window.controller.state.stated == {"s3.total.total": "空白"}
    window.controller.undo_stack.setClean()
    window.close()


def test_a_format_change_rebuilds_the_state_and_a_refused_draft_leaves_it_as_it_was():
    state = zero_state(2020)
    state.set_value("s3.other_handling.natural", "4")
    changes = state.change_format("2021")
    assert changes.format and state.spec is get_format("2021") and state.value("s3.other_other.natural") == 4
    assert "s3.other_handling.natural" not in state.spec.cells and state.stated == {}
    broken = state.to_draft()
    broken.tables["s3"]["new"]["natural"] = -1
    with pytest.raises(EditError, match="s3.new.natural"):
        state.rebuild(broken)
    assert state.spec is get_format("2021") and state.value("s3.other_other.natural") == 4
    assert state.value("s3.new.natural") == 0


def test_a_state_built_unchecked_runs_its_checks_when_first_asked_with_the_same_findings(monkeypatch):
    import model.checks

    draft = load_draft(SEEDS / "broken-2024.json")
    eager = ReportState(draft)
    runs = []
    real = model.checks.run_checks
    monkeypatch.setattr(model.checks, "run_checks", lambda state: runs.append(1) or real(state))
    lazy = ReportState(draft, checked=False)
    assert runs == []
    assert [(i.key, i.message) for i in lazy.errors()] == [(i.key, i.message) for i in eager.errors()]
    assert [(i.key, i.message) for i in lazy.warnings()] == [(i.key, i.message) for i in eager.warnings()]
    assert runs == [1]  # once, when first asked
