"""The workbook and the text export as a user meets them: the draft mark, units beside numbers that stay numbers,
and text tables that fit a CMS editor, keep every header label and still import back."""

import re
import unicodedata
from pathlib import Path

import pytest
from openpyxl import load_workbook

from export import document as d
from export.writers import write_report
from model.drafts_io import load_draft
from model.importers import import_file
from model.state import ReportState
from tests.data.demanding import demanding_state

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def columns(line: str) -> int:
    """Columns a line takes in an editor: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)


def state_of(name: str) -> ReportState:
    return demanding_state() if name == "demanding" else ReportState(load_draft(SEEDS / f"{name}.json"))


def test_a_workbook_with_errors_is_marked_as_a_draft_on_every_sheet_and_page(tmp_path):
    state = state_of("broken-2024")
    path = write_report(state, "xlsx", tmp_path / "b.xlsx", allow_errors=True).path
    wb = load_workbook(path)
    for ws in wb.worksheets:
        banner = [c for row in ws.iter_rows(max_row=3) for c in row if isinstance(c.value, str) and d.DRAFT_MARK in c.value]
        assert banner, ws.title
        assert banner[0].font.color.rgb.endswith("C00000") and banner[0].font.bold
        assert any(str(rng).startswith(banner[0].coordinate) for rng in ws.merged_cells.ranges) or ws.max_column == 1
        assert d.DRAFT_MARK in ws.oddHeader.center.text and d.DRAFT_MARK in ws.oddFooter.left.text, ws.title
    assert d.DRAFT_MARK in wb.properties.title
    # the marked workbook still imports back
    draft, report = import_file(path)
    assert report.complete and ReportState(draft).value("s3.new.natural") == state.value("s3.new.natural")
    clean = load_workbook(write_report(state_of("sample-2024"), "xlsx", tmp_path / "c.xlsx").path)
    for ws in clean.worksheets:
        assert not ws.oddHeader.center.text
        assert not any(d.DRAFT_MARK in str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_the_2019_procurement_amount_shows_its_unit_and_stays_a_number(tmp_path):
    state = state_of("panyu-2020")
    wb = load_workbook(write_report(state, "xlsx", tmp_path / "p.xlsx").path)
    ws = wb.worksheets[0]
    row = next(r for r in ws.iter_rows() if r[0].value == "政府集中采购")
    amount = next(c for c in row[1:] if isinstance(c.value, float))
    assert amount.value == 2.9786
    assert amount.number_format.endswith('"万元"') and amount.number_format.startswith("0.0000")
    text = write_report(state, "txt", tmp_path / "p.txt").path.read_text(encoding="utf-8-sig")
    assert "采购总金额（单位：万元）" in text
    # 2021's fee heading already names its unit: no second one
    wb21 = load_workbook(write_report(state_of("sample-2024"), "xlsx", tmp_path / "s.xlsx").path)
    fees = [c for r in wb21.worksheets[0].iter_rows() for c in r if isinstance(c.value, float)]
    assert fees and all("万元" not in c.number_format for c in fees)


def header_labels(layout: d.TableLayout) -> list[str]:
    return [cell.text for _, _, cell in layout.cells() if cell.role in ("head", "note", "block", "group")]


@pytest.mark.parametrize("name", ["sample-2024", "panyu-2020", "yuexiu-2023", "demanding"])
def test_text_tables_fit_100_columns_keep_every_header_label_and_import_back(tmp_path, name):
    state = state_of(name)
    path = write_report(state, "txt", tmp_path / f"{name}.txt", allow_errors=True).path
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    tables = [el for el in d.build_document(state).body if isinstance(el, d.TableLayout)]
    sections = state.spec.sections
    last = sections.index(state.spec.section_by_id[tables[-1].section])
    start = lines.index(state.spec.section_by_id[tables[0].section].heading)
    end = lines.index(sections[last + 1].heading)  # the narrative section after the tables
    widest = max(columns(line) for line in lines[start:end])
    assert widest <= 100, widest
    table_text = "\n".join(lines[start:end])
    for layout in tables:
        for label in header_labels(layout):
            assert label in table_text, label
    draft, report = import_file(path)
    assert report.complete, report.lines()
    got = ReportState(draft)
    assert [p for p in state.spec.cells if got.value(p) != state.value(p)] == []
    assert re.sub(r"\s", "", draft.meta.agency) == state.meta.agency


def test_the_workbook_is_written_without_importing_openpyxl(tmp_path):
    """Importing openpyxl and building its object model took longer than the rest of an export's workbook: the
    export writes SpreadsheetML itself (what it writes is read back with openpyxl by the tests above)."""
    import subprocess
    import sys

    script = ("import sys; sys.path.insert(0, sys.argv[1]); from model.drafts_io import load_draft; "
              "from model.state import ReportState; from export.writers import write_report; "
              "write_report(ReportState(load_draft(sys.argv[2])), 'xlsx', sys.argv[3], allow_errors=True); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openpyxl'))")
    out = tmp_path / "b.xlsx"
    proc = subprocess.run([sys.executable, "-c", script, str(SEEDS.parent), str(SEEDS / "broken-2024.json"), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    assert load_workbook(out).sheetnames[:2] == ["二、主动公开", "三、依申请公开"]
