"""Every seed draft is held to its expected-results file: totals and the rules it triggers."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.drafts_io import load_draft
from model.state import ReportState

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROOT = SEEDS.parent
NAMES = ["panyu-2020", "yuexiu-2023", "sample-2024", "broken-2024"]


def _expected(name):
    path = SEEDS / f"{name}.expected.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


@pytest.mark.parametrize("name", NAMES)
def test_seed_loads_and_matches_its_expected_results(name):
    state = ReportState(load_draft(SEEDS / f"{name}.json"))
    expected = _expected(name)
    assert expected is not None, f"{name}.expected.json is missing"
    assert state.format_id == expected["format"]
    assert state.title() == expected["title"]
    for path, value in expected["totals"].items():
        assert state.value(path) == value, path
    assert sorted({i.rule for i in state.issues}) == expected["rules"]
    assert len(state.errors()) == expected["errors"]
    assert len(state.warnings()) == expected["warnings"]


@pytest.mark.parametrize("name", NAMES)
def test_check_command_exit_code_follows_the_errors(name):
    expected = _expected(name)
    proc = subprocess.run([sys.executable, "main.py", "check", f"seeds/{name}.json"], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == (1 if expected["errors"] else 0), proc.stdout + proc.stderr


def test_panyu_keeps_the_procurement_row_of_the_2019_format():
    state = ReportState(load_draft(SEEDS / "panyu-2020.json"))
    assert state.value("s2.procurement.procurement_count") == 1
    assert str(state.value("s2.procurement.procurement_amount")) == "2.9786"
    assert state.unit("s2.procurement.procurement_amount") == "万元"


def test_seed_texts_are_the_documents_as_given():
    shared = ROOT.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("the original seed documents are not beside this checkout")
    assert (SEEDS / "panyu-2020.txt").read_bytes() == (shared / "000_1ab8be5cea4113a1.txt").read_bytes()
    assert (SEEDS / "yuexiu-2023.txt").read_bytes() == (shared / "001_af8b077c4603f902.txt").read_bytes()
