"""Roll-up (`main.py aggregate`, 文件 → 汇总多个单位): totals are exact or refused.

Each unit is counted once (the same file twice, identical units, earlier summaries), amounts in other units are
converted exactly or refused, the summary checks clean and its workbook reads back, and no output replaces an
input or lands in the folder being read unless asked. Commands run as the user runs them (main.main) and the
summary is then checked with `main.py check` and its workbook read back with openpyxl.
"""

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from gui import dialogs
from model.drafts_io import load_draft, save_draft
from model.rollup import RollupError, aggregate, convert_amount
from model.state import ReportState

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FEE = "s2.fees.fee_amount"  # the amount cell of the 2021 format
SEED_NAMES = ["sample-2024", "broken-2024", "panyu-2020", "yuexiu-2023"]


def amount_cell(draft) -> str:
    spec = ReportState(draft).spec
    return next(p for p in spec.input_paths if spec.cells[p].column.kind == "amount")


def seed_unit(agency: str, seed: str = "sample-2024", fee: str | None = None, unit: str | None = None,
              scale: int = 1):
    """A unit's draft made from a seed: its own agency name, pictures without an image file dropped (so that a
    unit made from a clean seed checks clean), figures times `scale`, the amount cell in `unit` if given."""
    draft = load_draft(SEEDS / f"{seed}.json")
    amount = amount_cell(draft)
    draft.meta.agency = agency
    draft.narrative = {k: [b for b in v if b.type != "figure" or b.image] for k, v in draft.narrative.items()}
    state = ReportState(draft)
    if scale != 1:
        state.set_values({p: v * scale for p, v in state.inputs.items()})
    if fee is not None:
        state.set_values({amount: Decimal(fee)})
    if unit is not None:
        state.set_unit(amount, unit)
    return state.to_draft()


def write_unit(path: Path, agency: str, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_draft(seed_unit(agency, **kw), path)
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main.main([str(a) for a in args])
    except SystemExit as exc:  # argparse refusing an option
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def check_summary(capsys, path: Path) -> list[dict]:
    """`main.py check --json` on the summary: it must load (exit 0 or 1, never 2); returns its errors."""
    code, out, err = run(capsys, "check", path, "--json")
    assert code in (0, 1), err
    return [i for i in json.loads(out) if i["severity"] == "error"]


def table_errors(errors: list[dict]) -> list[dict]:
    """Errors other than F-2 (text still to be written, which a fresh summary always has)."""
    return [e for e in errors if e["rule"] != "F-2"]


def value(path: Path, cell: str):
    return ReportState(load_draft(path)).value(cell)


ONE = ReportState(seed_unit("甲")).value("s3.new.total")


# -- scenario 1: identical units (same agency and year, different files) ----------------------------------
def test_two_drafts_of_one_agency_are_refused_naming_both_files(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "江南市教育局")
    write_unit(folder / "b.json", "江南市 教育局", scale=2)  # the same agency, typed with a space
    write_unit(folder / "c.json", "江南市卫健委")
    out = tmp_path / "汇总.json"
    code, _, err = run(capsys, "aggregate", folder, "--out", out)
    assert code == 2
    assert "同一单位" in err and "a.json" in err and "b.json" in err and "--keep" in err
    assert not out.exists()
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--keep", folder / "b.json", "--xlsx",
                       tmp_path / "s.xlsx")
    assert code == 0, err
    assert "a.json" in err and "只计入" in err
    assert value(out, "s3.new.total") == 3 * ONE  # b (twice the figures) and c, never a
    assert table_errors(check_summary(capsys, out)) == []
    assert load_workbook(tmp_path / "s.xlsx")["未计入的文件"]["A2"].value.endswith("a.json")


# -- scenario 2: the same file given twice ------------------------------------------------------------------
def test_the_same_file_named_twice_or_copied_is_counted_once(tmp_path, capsys):
    a = write_unit(tmp_path / "a.json", "甲局")
    b = write_unit(tmp_path / "b.json", "乙局")
    copy = tmp_path / "copy-of-a.json"
    copy.write_bytes(a.read_bytes())
    link = tmp_path / "link.json"
    os.symlink(a, link)
    out = tmp_path / "out" / "s.json"
    out.parent.mkdir()
    code, _, err = run(capsys, "aggregate", a, a, b, copy, link, tmp_path / "." / "a.json", "--out", out,
                       "--xlsx", out.with_suffix(".xlsx"))
    assert code == 0, err
    assert value(out, "s3.new.total") == 2 * ONE
    sheet = load_workbook(out.with_suffix(".xlsx"))["三、各单位明细"]
    assert [sheet.cell(row=r, column=1).value for r in (2, 3, 4)] == ["甲局", "乙局", "汇总"]
    assert err.count("只计一次") == 4
    assert "copy-of-a.json" in err and "内容完全相同" in err and "link.json" in err
    assert [u.file for u in load_draft(out).rollup.units] == ["a.json", "b.json"]
    assert table_errors(check_summary(capsys, out)) == []


# -- scenario 3: an earlier summary inside the folder -------------------------------------------------------
def test_an_earlier_summary_in_the_folder_is_not_summed_again(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局")
    write_unit(folder / "b.json", "乙局")
    out = folder / "汇总.json"
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--agency", "江南市")
    assert code == 2 and "--force" in err and not out.exists()  # not into the folder being read, unless told
    for _ in range(2):
        code, _, err = run(capsys, "aggregate", folder, "--out", out, "--agency", "江南市", "--force",
                           "--xlsx", folder / "汇总.xlsx")
        assert code == 0, err
        assert value(out, "s3.new.total") == 2 * ONE
        sheet = load_workbook(folder / "汇总.xlsx")["三、各单位明细"]
        assert sheet.max_row == 4 and sheet.cell(row=4, column=1).value == "汇总"  # two units and the total
    assert "汇总.json" in err and "此前生成的汇总报告" in err
    assert table_errors(check_summary(capsys, out)) == []


def test_an_earlier_summary_without_the_mark_is_caught(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局")
    write_unit(folder / "b.json", "乙局", scale=3)
    write_unit(folder / "old.json", "江南市", scale=4)  # an old summary of a and b, saved without the mark
    out = tmp_path / "s.json"
    # by its name: the agency the summary is made for
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--agency", "江南市")
    assert code == 1 and "old.json" in err and "像是此前的汇总报告" in err
    assert value(out, "s3.new.total") == 4 * ONE
    # by its figures: every one the sum of the others'
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--agency", "江南市人民政府", "--force")
    assert code == 1 and "old.json" in err and "恰好等于其余 2 个单位之和" in err
    assert value(out, "s3.new.total") == 4 * ONE


# -- scenario 4: amounts in 千元/亿元/元 ----------------------------------------------------------------------
def test_amounts_in_other_units_are_converted_exactly(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局", fee="126.5482", unit="千元")
    write_unit(folder / "b.json", "乙局", fee="126.5482", unit="亿元")
    write_unit(folder / "c.json", "丙局", fee="12345.67", unit="元")
    write_unit(folder / "d.json", "丁局", fee="0.5")
    out, xlsx = tmp_path / "s.json", tmp_path / "s.xlsx"
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--xlsx", xlsx)
    assert code == 0, err
    expected = Decimal("12.65482") + Decimal("1265482") + Decimal("1.234567") + Decimal("0.5")
    assert value(out, FEE) == expected
    assert load_draft(out).units == {}
    assert table_errors(check_summary(capsys, out)) == []
    sheet = load_workbook(xlsx)["二、各单位明细"]
    header = [c.value for c in sheet[1]]
    col = header.index(ReportState(load_draft(out)).spec.cells[FEE].label) + 1
    assert [sheet.cell(row=r, column=col).value for r in range(2, 7)] == [12.65482, 1265482, 1.234567, 0.5,
                                                                          float(expected)]
    assert "千元" in sheet.cell(row=2, column=col).comment.text


# -- scenario 5: an amount that would need more decimal places than a cell keeps -----------------------------
def test_an_amount_needing_more_places_is_refused_with_the_unit_named(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局", fee="12.3456", unit="元")  # 0.00123456 万元: eight places
    write_unit(folder / "b.json", "乙局")
    out, xlsx = tmp_path / "s.json", tmp_path / "s.xlsx"
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--xlsx", xlsx)
    assert code == 2
    assert "a.json" in err and "12.3456元" in err and "6 位小数" in err and "Traceback" not in err
    assert not out.exists() and not xlsx.exists()
    write_unit(folder / "a.json", "甲局", fee="12.34", unit="美元")
    code, _, err = run(capsys, "aggregate", folder, "--out", out)
    assert code == 2 and "a.json" in err and "美元" in err and not out.exists()


@pytest.mark.parametrize("seed", SEED_NAMES)
def test_every_seed_rolls_up_into_a_summary_that_checks_and_a_workbook_that_reads_back(seed, tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局", seed=seed)
    write_unit(folder / "b.json", "乙局", seed=seed, fee="1234.5", unit="元")
    write_unit(folder / "c.json", "丙局", seed=seed, fee="0.01", unit="亿元")
    out, xlsx = tmp_path / "s.json", tmp_path / "s.xlsx"
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--xlsx", xlsx, "--agency", "江南市")
    units = [ReportState(load_draft(folder / n)) for n in ("a.json", "b.json", "c.json")]
    assert code == (1 if any(u.errors() for u in units) else 0), err
    summary = ReportState(load_draft(out))
    amount = amount_cell(load_draft(out))
    assert summary.value(amount) == (units[0].value(amount) or 0) + Decimal("0.12345") + Decimal("100")
    if not any(table_errors([{"rule": i.rule} for i in u.errors()]) for u in units):
        assert table_errors(check_summary(capsys, out)) == []
    else:
        check_summary(capsys, out)
    wb = load_workbook(xlsx)
    for section in summary.spec.sections:
        if section.kind != "table":
            continue
        sheet = wb[f"{section.number}、各单位明细"]
        labels = [c.value for c in sheet[1]][2:]
        totals = [c.value for c in sheet[sheet.max_row]][2:]
        assert sheet.cell(row=sheet.max_row, column=1).value == "汇总" and sheet.max_row == 5
        for label, shown in zip(labels, totals):
            path = next(p for p in summary.spec.table_cells(section.table) if summary.spec.cells[p].label == label)
            expected = summary.value(path)
            assert (Decimal(repr(shown)) if isinstance(shown, float) else shown) == expected, label


# -- scenario 6: --out onto a unit, or into the folder being read --------------------------------------------
def test_the_summary_never_replaces_a_unit_or_lands_in_the_folder_unasked(tmp_path, capsys):
    folder = tmp_path / "units"
    u1 = write_unit(folder / "u1.json", "甲局")
    write_unit(folder / "u2.json", "乙局")
    before = u1.read_bytes()
    for extra in ([], ["--force"]):
        code, _, err = run(capsys, "aggregate", folder, "--out", u1, *extra)
        assert code == 2 and "u1.json" in err
        assert u1.read_bytes() == before
    code, _, err = run(capsys, "aggregate", folder, "--out", tmp_path / "s.json", "--xlsx", folder / "s.xlsx")
    assert code == 2 and "--force" in err and not (folder / "s.xlsx").exists()
    other = write_unit(tmp_path / "someone.json", "丙局")  # someone else's draft, not a summary
    code, _, err = run(capsys, "aggregate", folder, "--out", other)
    assert code == 2 and "已存在" in err and load_draft(other).meta.agency == "丙局"
    code, _, err = run(capsys, "aggregate", folder, "--out", other, "--force")
    assert code == 0 and load_draft(other).rollup is not None


# -- what a folder holds ------------------------------------------------------------------------------------
def test_upper_case_json_counts_and_subfolders_and_other_files_are_reported(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "A.JSON", "甲局")
    write_unit(folder / "b.json", "乙局")
    write_unit(folder / "archive" / "c.json", "丙局")
    (folder / "notes.txt").write_text("各单位报送情况", encoding="utf-8")
    (folder / ".b.json.1a2b.tmp").write_text("{", encoding="utf-8")  # an interrupted save's temp file
    out = tmp_path / "s.json"
    code, _, err = run(capsys, "aggregate", folder, "--out", out)
    assert code == 0, err
    assert value(out, "s3.new.total") == 2 * ONE
    assert "archive" in err and "子文件夹" in err and "notes.txt" in err and ".tmp" not in err


def test_exit_code_one_when_a_unit_cannot_be_read_and_two_when_nothing_can(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局")
    (folder / "bad.json").write_text("{\"schema_version\": 1,", encoding="utf-8")
    out = tmp_path / "s.json"
    code, out_text, err = run(capsys, "aggregate", folder, "--out", out)
    assert code == 1 and "bad.json" in err and "未计入" in out_text
    (folder / "a.json").unlink()
    code, _, err = run(capsys, "aggregate", folder, "--out", tmp_path / "t.json")
    assert code == 2 and "没有可以汇总的草稿" in err


def test_convert_amount_is_exact_or_refuses():
    assert convert_amount(Decimal("1"), "亿元", "万元") == Decimal("10000")
    assert format(convert_amount(Decimal("100"), "元", "万元"), "f") == "0.0100"
    assert convert_amount(Decimal("12.3400"), "元", "万元") == Decimal("0.001234")
    with pytest.raises(RollupError, match="6 位小数"):
        convert_amount(Decimal("0.001"), "元", "万元")
    with pytest.raises(RollupError, match="港元"):
        convert_amount(Decimal("1"), "港元", "万元")


# -- moved from tests/test_import.py -------------------------------------------------------------------------
def unit(name, scale):
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    state.set_values({p: v * scale for p, v in state.inputs.items()})
    state.set_values({FEE: Decimal("0.000001") * scale})
    state.set_meta(agency=f"{name}局")
    return name, state.to_draft()


def test_a_roll_up_of_three_units_is_their_exact_sum():
    # scales 1, 2, 4: with 3, the third unit's figures would be exactly the sum of the others', which is how an
    # earlier summary saved without the mark is recognised
    units = [unit("甲", 1), unit("乙", 2), unit("丙", 4)]
    result = aggregate(units, agency="江南市")
    summary = ReportState(result.draft)
    states = [ReportState(d) for _, d in units]
    for path in summary.spec.input_paths:
        assert summary.value(path) == sum(s.value(path) for s in states), path
    assert summary.value(FEE) == Decimal("0.000007")
    assert not {"S3-1", "S3-2", "S3-3", "S4-1"} & {i.rule for i in summary.issues}


def test_a_roll_up_refuses_mixed_years_and_lists_units_with_errors():
    with pytest.raises(RollupError, match="同一年度"):
        aggregate([("a.json", load_draft(SEEDS / "sample-2024.json")), ("b.json", load_draft(SEEDS / "yuexiu-2023.json"))])
    broken = load_draft(SEEDS / "broken-2024.json")
    broken.meta.agency = "另一个单位"
    result = aggregate([("好.json", seed_unit("甲局")), ("坏.json", broken)])
    assert result.units_with_errors == ["坏.json"]


def test_aggregate_command_with_workbook(tmp_path, capsys):
    folder = tmp_path / "units"
    for i in range(3):
        write_unit(folder / f"u{i}.json", f"第{i}局")
    code, _, err = run(capsys, "aggregate", folder, "--out", tmp_path / "s.json", "--xlsx", tmp_path / "s.xlsx",
                       "--agency", "江南市")
    assert code == 0, err
    summary = ReportState(load_draft(tmp_path / "s.json"))
    assert summary.value("s3.new.total") == 3 * ONE
    wb = load_workbook(tmp_path / "s.xlsx")
    assert "三、各单位明细" in wb.sheetnames and wb["三、各单位明细"].max_row == 5


# -- the desktop app ----------------------------------------------------------------------------------------
def test_gui_roll_up_lists_what_it_did_not_count(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    from gui.controller import ReportController
    from gui.main_window import MainWindow

    window = MainWindow(ReportController(ReportState(load_draft(SEEDS / "sample-2024.json"))))
    qtbot.addWidget(window)
    folder = tmp_path / "units"
    a = write_unit(folder / "a.json", "甲局")
    write_unit(folder / "b.json", "乙局")
    (folder / "a-copy.json").write_bytes(a.read_bytes())
    write_unit(folder / "old" / "c.json", "丙局")
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(folder))
    monkeypatch.setattr(dialogs, "ask_agency", lambda *a: "江南市")
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, msg: shown.append(msg))
    monkeypatch.setattr(dialogs, "show_error", lambda parent, title, msg: shown.append(msg))
    window.roll_up()
    assert window.controller.state.value("s3.new.total") == 2 * ONE
    assert window.controller.state.meta.agency == "江南市"
    assert "a-copy.json" in shown[0] and "只计一次" in shown[0] and "子文件夹" in shown[0]
    write_unit(folder / "a2.json", "甲局", scale=2)
    window.roll_up()
    assert "同一单位" in shown[1] and "a2.json" in shown[1] and shown[1].count(".json”") == 2
    assert window.controller.state.value("s3.new.total") == 2 * ONE
    window.controller.undo_stack.setClean()
    window.close()


def test_the_workbook_holds_units_with_any_characters_in_their_names(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲\x0b局\x1b")
    write_unit(folder / "b\x7f.json", "乙局\ufffe" + "很长的名称" * 60)
    out, xlsx = tmp_path / "s.json", tmp_path / "s.xlsx"
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--xlsx", xlsx, "--agency", "江南市")
    assert code == 0, err
    sheet = load_workbook(xlsx)["三、各单位明细"]
    assert [sheet.cell(row=r, column=1).value[:3] for r in (2, 3, 4)] == ["甲\n局", "乙局很", "汇总"]
    assert sheet.cell(row=3, column=2).value.endswith("b.json")


def test_a_workbook_that_cannot_be_written_is_refused_before_the_draft_is_written(tmp_path, capsys):
    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局")
    out = tmp_path / "s.json"
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--xlsx", tmp_path / "missing" / "s.xlsx")
    assert code == 2 and "missing" in err and "不存在" in err and not out.exists()


# -- many units: read one at a time, only the checks the summary reports --------------------------------------
def test_a_roll_up_holds_one_unit_draft_at_a_time(tmp_path, capsys, monkeypatch):
    """Memory follows the largest unit, not the number of units: each draft is dropped once its figures are
    kept, so a folder of thousands of units never has them all in memory."""
    import weakref

    from model import rollup_inputs

    folder = tmp_path / "units"
    for i in range(12):
        write_unit(folder / f"u{i:02}.json", f"第{i}局")
    loaded: list[weakref.ref] = []
    most_alive = 0
    real_load = rollup_inputs.load_draft

    def load_and_count(path):
        nonlocal most_alive
        draft = real_load(path)
        loaded.append(weakref.ref(draft))
        most_alive = max(most_alive, sum(1 for r in loaded if r() is not None))
        return draft

    monkeypatch.setattr(rollup_inputs, "load_draft", load_and_count)
    out = tmp_path / "s.json"
    code, _, err = run(capsys, "aggregate", folder, "--out", out, "--xlsx", tmp_path / "s.xlsx")
    assert code == 0, err
    assert len(loaded) == 12 and most_alive <= 2
    assert value(out, "s3.new.total") == 12 * ONE
    assert load_workbook(tmp_path / "s.xlsx")["三、各单位明细"].max_row == 14


def test_units_are_checked_for_errors_only_and_still_listed_with_them(tmp_path, capsys, monkeypatch):
    """The summary names the units with errors and nothing else of their checks: the narrative rules (F-7 reads
    every figure quoted in the text) run when a unit itself is opened, not for each unit of a roll-up."""
    from model.rule_registry import BUILTINS

    folder = tmp_path / "units"
    write_unit(folder / "a.json", "甲局")
    write_unit(folder / "b.json", "乙局", scale=2)
    broken = load_draft(SEEDS / "broken-2024.json")
    broken.meta.agency = "丙局"
    save_draft(broken, folder / "c.json")
    assert ReportState(broken).errors()
    read_for: list[str] = []
    real_rule = BUILTINS["narrative_matches_tables"]

    def narrative_rule(state, check):
        read_for.append(state.meta.agency)
        return real_rule(state, check)

    monkeypatch.setitem(BUILTINS, "narrative_matches_tables", narrative_rule)
    code, out_text, err = run(capsys, "aggregate", folder, "--out", tmp_path / "s.json", "--agency", "江南市")
    assert code == 1, err
    assert "以下 1 个单位的报告本身有错误" in out_text and "c.json" in out_text
    assert not {"甲局", "乙局", "丙局"} & set(read_for)


def test_gui_roll_up_can_be_cancelled_while_the_units_are_read(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    import model.rollup_inputs as rollup_inputs
    from gui.controller import ReportController
    from gui.main_window import MainWindow

    QStandardPaths.setTestModeEnabled(True)
    window = MainWindow(ReportController(ReportState(load_draft(SEEDS / "sample-2024.json"))))
    qtbot.addWidget(window)
    folder = tmp_path / "units"
    for i in range(12):
        write_unit(folder / f"u{i:02}.json", f"第{i}局")
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(folder))
    monkeypatch.setattr(dialogs, "ask_agency", lambda *a: pytest.fail("asked for the agency after 取消"))
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, msg: shown.append(msg))
    read = []
    real_gather = rollup_inputs.gather

    def gather_and_cancel(inputs, on_progress=None, **kw):
        def progress(done, total):
            read.append(done)
            if done == 3:  # the user presses 取消 on the progress window
                dialog = window.findChild(QProgressDialog)
                dialog.show()
                QTest.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
            on_progress(done, total)
        return real_gather(inputs, on_progress=progress, **kw)

    monkeypatch.setattr(rollup_inputs, "gather", gather_and_cancel)
    before = window.controller.state.value("s3.new.total")
    window.roll_up()
    assert read == [1, 2, 3]  # before: 取消 did nothing and all 12 were read and summed
    assert shown and "已取消汇总" in shown[0]
    assert window.controller.state.value("s3.new.total") == before and not window.controller.dirty
    window.close()
