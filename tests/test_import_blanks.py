"""Blank cells round-trip through our own exports: a report with unfilled cells, exported to PDF, Word or text
and imported again, has the same cells unfilled and every other number in its own column."""

import random
from pathlib import Path

import pytest

from export.writers import write_report
from model.drafts_io import load_draft
from model.importers import import_file
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_NAMES = ["sample-2024", "panyu-2020", "yuexiu-2023"]


def with_blanks(name: str, count: int, seed: int = 0) -> tuple[ReportState, list[str]]:
    state = ReportState(load_draft(SEEDS / f"{name}.json"))
    filled = [p for p in state.spec.input_paths if state.value(p) is not None]
    blank = random.Random(f"{name}/{seed}").sample(filled, count)
    state.set_values({p: None for p in blank})
    return state, blank


@pytest.mark.parametrize("kind", ["pdf", "docx", "txt"])
@pytest.mark.parametrize("name", SEED_NAMES)
def test_five_blank_cells_come_back_unfilled_and_nothing_slides(tmp_path, name, kind):
    state, blank = with_blanks(name, 5)
    path = tmp_path / f"report.{kind}"
    write_report(state, kind, path, allow_errors=True)
    draft, report = import_file(path)
    back = ReportState(draft)
    assert all(back.value(p) is None for p in blank)
    assert [(p, state.value(p), back.value(p)) for p in state.spec.input_paths if back.value(p) != state.value(p)] == []
    # the blanks are listed as not read, and marked for the user to check
    labels = {state.spec.cells[p].label for p in blank}
    assert labels <= set(report.missing) and set(blank) <= set(draft.import_unsure)


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_blank_in_table_four_and_in_a_first_column_keep_their_places(tmp_path, kind):
    # table 四 is one row of fifteen cells in the PDF and Word layout; a blank first cell has no number to its left
    state = ReportState(load_draft(SEEDS / "sample-2024.json"))
    blank = ["s4.review.corrected", "s4.litigation_after_review.pending", "s3.new.natural", "s2.rules.issued"]
    state.set_values({p: None for p in blank})
    path = tmp_path / f"report.{kind}"
    write_report(state, kind, path, allow_errors=True)
    back = ReportState(import_file(path)[0])
    assert [(p, state.value(p), back.value(p)) for p in state.spec.input_paths if back.value(p) != state.value(p)] == []


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_many_blank_cells_never_give_a_wrong_number(tmp_path, kind):
    # with 40 blanks a row may have too few numbers left to place: such cells may stay unfilled, never wrong
    for seed in range(2):
        state, blank = with_blanks("sample-2024", 40, seed)
        path = tmp_path / f"report{seed}.{kind}"
        write_report(state, kind, path, allow_errors=True)
        back = ReportState(import_file(path)[0])
        assert all(back.value(p) is None for p in blank)
        wrong = [p for p in state.spec.input_paths if back.value(p) is not None and back.value(p) != state.value(p)]
        assert wrong == []
