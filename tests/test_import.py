"""Import of published reports and filled workbooks, carry-forward, cross-year checks and roll-up."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from export.writers import write_report
from gui import dialogs
from model.carry_forward import carry_forward
from model.compare import year_over_year
from model.draft import Paragraph
from model.drafts_io import load_draft
from model.importers import ImportError_, import_file
from model.importers.text import import_text
from model.state import ReportState

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def normalised_blocks(blocks):
    return [(b.type, re.sub(r"\s+", "", b.caption if b.type == "figure" else b.text)) for b in blocks]


def same_numbers(a, b):
    sa, sb = ReportState(a), ReportState(b)
    return [p for p in sa.spec.cells if sa.value(p) != sb.value(p)]


@pytest.mark.parametrize("name", ["panyu-2020", "yuexiu-2023"])
def test_importing_a_seed_text_gives_its_hand_transcription(name):
    draft, report = import_file(SEEDS / f"{name}.txt")
    expected = load_draft(SEEDS / f"{name}.json")
    assert report.complete and report.cells_read == report.cells_expected
    assert draft.format == expected.format and draft.meta == expected.meta
    assert ReportState(draft).to_draft().tables == ReportState(expected).to_draft().tables
    for sid in ("s1", "s5", "s6"):
        assert normalised_blocks(draft.narrative[sid]) == normalised_blocks(expected.narrative[sid]), sid
    assert draft.preamble == expected.preamble == []


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx"])
def test_what_nianbao_exports_imports_back_to_the_same_numbers(tmp_path, kind):
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    path = write_report(state, kind, tmp_path / f"sample.{kind}").path
    draft, report = import_file(path)
    assert report.complete, report.lines()
    assert same_numbers(draft, state.to_draft()) == []
    assert draft.meta.agency == "江南市临江区人民政府" and draft.meta.year == 2024
    if kind != "xlsx":
        assert normalised_blocks(draft.narrative["s5"]) == normalised_blocks(state.blocks("s5"))


def test_text_with_another_line_break_pattern_still_imports():
    text = (SEEDS / "yuexiu-2023.txt").read_text(encoding="utf-8")
    # no blank lines at all, and every table cell on a line of its own
    variant = "\n".join(line for line in text.split("\n") if line.strip())
    variant = re.sub(r"(?m)^((?:\d+ )+\d+)$", lambda m: "\n".join(m.group(1).split()), variant)
    draft, report = import_text(variant, "变体")
    assert report.complete
    assert same_numbers(draft, load_draft(SEEDS / "yuexiu-2023.json")) == []


def published_with(numbers_line: str, total_line: str, fourth: str = "0 0 0 0 0 0 0") -> str:
    text = (SEEDS / "yuexiu-2023.txt").read_text(encoding="utf-8")
    text = text.replace("一、本年新收政府信息公开申请数量 0 0 0 0 0 0 0", f"一、本年新收政府信息公开申请数量 {numbers_line}")
    text = text.replace("（一）予以公开 0 0 0 0 0 0 0", f"（一）予以公开 {numbers_line}")
    text = text.replace("（七）总计 0 0 0 0 0 0 0", f"（七）总计 {total_line}")
    return text.replace("行政规范性文件 0 0 0", "行政规范性文件 / — 不适用")


def test_dashes_become_zero_with_a_note_and_a_wrong_printed_total_is_kept_and_flagged():
    draft, report = import_text(published_with("3 1 0 0 0 0 4", "3 1 0 0 0 0 5"), "有误的报告")
    state = ReportState(draft)
    assert state.value("s3.new.natural") == 3 and state.value("s3.disclosed.commercial") == 1
    assert state.value("s3.total.total") == 5  # what the report printed, not "fixed"
    assert state.derived["s3.total.total"] == 4
    assert any("原文 5" in s for s in report.stated)
    assert "S3-2" in report.rules_broken
    assert len(report.normalised) == 3 and state.value("s2.normative_docs.issued") == 0


def test_nothing_usable_is_refused_with_a_reason(tmp_path):
    junk = tmp_path / "随便.txt"
    junk.write_text("这是一段与年报无关的文字。", encoding="utf-8")
    with pytest.raises(ImportError_, match="各部分标题"):
        import_file(junk)
    proc = subprocess.run([sys.executable, "main.py", "import", str(junk), "--out", str(tmp_path / "x.json")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "各部分标题" in proc.stderr and not (tmp_path / "x.json").exists()


def test_import_command_exit_codes(tmp_path):
    run = lambda src, out: subprocess.run([sys.executable, "main.py", "import", str(src), "--out", str(out)],
                                          cwd=ROOT, capture_output=True, text=True)
    ok = run(SEEDS / "panyu-2020.txt", tmp_path / "p.json")
    assert ok.returncode == 0 and "读取 198 / 198" in ok.stdout
    partial = tmp_path / "partial.txt"
    partial.write_text((SEEDS / "yuexiu-2023.txt").read_text(encoding="utf-8").replace("行政处罚 0", "行政处罚"),
                       encoding="utf-8")
    some = run(partial, tmp_path / "q.json")
    assert some.returncode == 1 and "未能读取" in some.stdout and (tmp_path / "q.json").exists()


def test_a_filled_workbook_with_a_moved_row_and_a_blank_row_imports_correctly(tmp_path):
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    path = write_report(state, "xlsx", tmp_path / "filled.xlsx").path
    wb = load_workbook(path)
    ws = wb["三、依申请公开"]
    ws.insert_rows(8)  # an extra blank row in the middle
    # move the 予以公开 row to the bottom, below everything
    src = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "（一）予以公开")
    dest = ws.max_row + 3
    ws.cell(dest, 2).value = "（一）予以公开"
    for c in range(4, 11):
        ws.cell(dest, c).value = ws.cell(src, c).value + 1 if c < 10 else None
        ws.cell(src, c).value = None
    ws.cell(src, 2).value = None
    wb.save(path)
    draft, report = import_file(path)
    got = ReportState(draft)
    assert got.value("s3.disclosed.natural") == 119 and got.value("s3.disclosed.other") == 5
    assert got.value("s3.partial.natural") == 31


def test_carry_forward_into_next_year():
    last = load_draft(SEEDS / "sample-2024.json")
    draft = carry_forward(last, 2025)
    state = ReportState(draft)
    assert draft.meta.agency == last.meta.agency and draft.meta.year == 2025 and draft.format == "2021"
    for c in ("natural", "commercial", "research", "public_welfare", "legal_service", "other"):
        assert state.value(f"s3.carried_in.{c}") == ReportState(last).value(f"s3.carried_out.{c}")
    assert state.previous is not None and state.previous.meta.year == 2024
    assert state.blocks("s5")[0].text.startswith("上年度问题整改情况：2024年度报告提出的问题")
    assert "部分部门主动公开的及时性有待提高" in state.blocks("s5")[0].text
    # S3-5 holds as carried; change 上年结转 and it fires
    state.fill_empty_with_zero()
    assert "S3-5" not in {i.rule for i in state.issues}
    state.set_value("s3.carried_in.natural", "3")
    assert "S3-5" in {i.rule for i in state.issues}


def test_carry_a_2020_report_into_2021_maps_the_format():
    last = load_draft(SEEDS / "panyu-2020.json")
    state = ReportState(carry_forward(last, 2021))
    assert state.format_id == "2021"
    assert state.value("s3.carried_in.natural") == 0
    assert state.previous.format_id == "2019"
    state.fill_empty_with_zero()
    assert not {"S2-1", "S2-2"} & {i.rule for i in state.issues}  # last year's format has no 现行有效件数


def test_2019_carry_forward_adds_last_years_change_to_the_item_count():
    last = ReportState(load_draft(SEEDS / "panyu-2020.json"))
    last.set_values({"s2.licensing.prev_count": 12, "s2.licensing.change": -2})
    state = ReportState(carry_forward(last.to_draft(), 2020, format_id="2019"))
    assert state.value("s2.licensing.prev_count") == 10


def test_year_over_year_comparison_and_its_sheet(tmp_path):
    last = load_draft(SEEDS / "sample-2024.json")
    state = ReportState(carry_forward(last, 2025))
    state.fill_empty_with_zero()
    state.set_value("s3.new.natural", "300")
    rows = {r.label: r for r in year_over_year(state)}
    assert rows["本年新收政府信息公开申请"].last_year == 312
    assert rows["本年新收政府信息公开申请"].this_year == 300
    wb = load_workbook(write_report(state, "xlsx", tmp_path / "c.xlsx", allow_errors=True).path)
    assert "与上年对比" in wb.sheetnames


def test_new_from_last_years_draft_command(tmp_path):
    out = tmp_path / "2025.json"
    proc = subprocess.run([sys.executable, "main.py", "new", "--from", "seeds/sample-2024.json", "--year", "2025",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["previous"]["meta"]["year"] == 2024
    assert data["tables"]["s3"]["carried_in"]["natural"] == 12


def test_check_with_previous_runs_the_cross_year_rules(tmp_path):
    draft = load_draft(SEEDS / "sample-2024.json")
    draft.meta.year = 2025
    draft.meta.publication_date = None
    path = tmp_path / "t.json"
    from model.drafts_io import save_draft

    save_draft(draft, path)
    proc = subprocess.run([sys.executable, "main.py", "check", str(path), "--previous", "seeds/sample-2024.json", "--json"],
                          cwd=ROOT, capture_output=True, text=True)
    rules = {i["rule"] for i in json.loads(proc.stdout)}
    assert {"S3-5", "S2-1"} <= rules


def test_gui_start_from_last_year_and_roll_up(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    from gui.controller import ReportController
    from gui.main_window import MainWindow

    window = MainWindow(ReportController(ReportState(load_draft(SEEDS / "sample-2024.json"))))
    qtbot.addWidget(window)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "ask_source_path", lambda *a: str(SEEDS / "sample-2024.json"))
    monkeypatch.setattr(dialogs, "ask_year", lambda parent, y: y)
    window.start_from_last_year()
    assert window.controller.state.meta.year == 2025 and window.controller.dirty
    assert window.controller.state.value("s3.carried_in.natural") == 12
    folder = tmp_path / "units"
    folder.mkdir()
    for i in range(2):
        (folder / f"u{i}.json").write_text((SEEDS / "sample-2024.json").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(folder))
    monkeypatch.setattr(dialogs, "ask_agency", lambda *a: "江南市")
    monkeypatch.setattr(dialogs, "show_info", lambda *a: None)
    window.roll_up()
    assert window.controller.state.value("s3.new.total") == 312  # two identical copies count once
    assert window.controller.state.meta.agency == "江南市"
    monkeypatch.setattr(dialogs, "ask_source_path", lambda *a: str(SEEDS / "yuexiu-2023.txt"))
    monkeypatch.setattr(dialogs, "show_report", lambda *a: True)
    window.import_report()
    assert window.controller.state.meta.agency == "广州市越秀区来穗人员服务管理局"
    window.controller.undo_stack.setClean()
    window.close()


def test_paragraph_prompt_is_only_a_prompt():
    draft = carry_forward(load_draft(SEEDS / "yuexiu-2023.json"), 2024)
    assert isinstance(draft.narrative["s5"][0], Paragraph)
    assert "政策宣传解读的针对性、实效性仍需进一步加强" in draft.narrative["s5"][0].text


def test_the_comparison_shows_the_figures_the_format_file_names_also_against_an_older_format():
    state = ReportState(carry_forward(load_draft(SEEDS / "sample-2024.json"), 2025))
    state.fill_empty_with_zero()
    assert [r.label for r in year_over_year(state)] == [f.label for f in state.spec.data.year_over_year]
    # last year in the 2019 form: figures that form lacks are blank for last year, never taken from other cells
    older = ReportState(carry_forward(load_draft(SEEDS / "panyu-2020.json"), 2021))
    older.fill_empty_with_zero()
    rows = {r.label: r for r in year_over_year(older)}
    assert rows["行政事业性收费（万元）"].last_year is None and rows["行政事业性收费（万元）"].this_year == 0
    assert rows["行政许可处理决定"].last_year == older.previous.value("s2.licensing.decisions")
