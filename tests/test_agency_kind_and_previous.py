"""`new` and `import` judge the agency kind from the name (a 人民政府 or 管委会 publishes by 31 March) and say so;
`check --previous` accepts only last year's report."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.agency_kind import agency_kind_from_name
from model.drafts_io import load_draft, save_draft
from model.importers import import_file
from model.state import ReportState

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"  # the published reports as users meet them (README there)


def run(*args):
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("name,kind", [
    ("淮安市洪泽区人民政府", "government"), ("沭阳县人民政府", "government"), ("#沐阳县人民政府", "government"),
    ("南京经济技术开发区管理委员会", "government"), ("临江新区管委会", "government"), ("江宁区东山街道人民政府 ", "government"),
    ("淮安市人民政府办公室", "department"), ("沭阳县发展和改革局", "department"), ("番禺区来穗人员服务管理局", "department"),
])
def test_the_kind_follows_the_end_of_the_agency_name(name, kind):
    assert agency_kind_from_name(name) == kind


def test_new_for_a_peoples_government_sets_and_shows_its_deadline(tmp_path):
    proc = run("new", "--year", 2024, "--agency", "淮安市洪泽区人民政府", "--out", tmp_path / "a.json")
    assert proc.returncode == 0
    assert "机关类型：本级人民政府（按机关名称“淮安市洪泽区人民政府”判断，报告应于次年3月31日前公布" in proc.stdout
    state = ReportState(load_draft(tmp_path / "a.json"))
    assert state.meta.agency_kind == "government"
    state.set_meta(publication_date=__import__("datetime").date(2025, 3, 20))
    assert "F-8" not in {i.rule for i in state.issues}  # no false “late” for a government's report in March


def test_new_for_a_department_keeps_31_january(tmp_path):
    proc = run("new", "--year", 2024, "--agency", "沭阳县发展和改革局", "--out", tmp_path / "a.json")
    assert "机关类型：政府部门" in proc.stdout and "次年1月31日" in proc.stdout
    assert load_draft(tmp_path / "a.json").meta.agency_kind == "department"


@pytest.mark.parametrize("name,kind", [("huaian_2024.pdf", "government"), ("hongze_2024.pdf", "government"),
                                       ("shuyang-fgj_2023.html", "department")])
def test_an_imported_report_gets_the_kind_of_its_agency_and_the_report_says_so(name, kind):
    draft, report = import_file(CORPUS / name)
    assert draft.meta.agency_kind == kind
    assert any(line.startswith("机关类型：") and draft.meta.agency in line for line in report.lines())


def test_check_refuses_a_previous_report_that_is_not_last_years(tmp_path):
    proc = run("check", "seeds/sample-2024.json", "--previous", "seeds/panyu-2020.json")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("错误：“panyu-2020.json”是 2020 年度的报告，而“sample-2024.json”是 2024 年度的："
                                   "--previous 应为上一年度（2023 年度）的报告。")
    later = load_draft(ROOT / "seeds" / "sample-2024.json")
    later.meta.year = 2025
    save_draft(later, tmp_path / "later.json")
    proc = run("check", "seeds/sample-2024.json", "--previous", tmp_path / "later.json")
    assert proc.returncode == 2 and "2025 年度的报告" in proc.stderr


def test_check_accepts_last_years_report(tmp_path):
    last = load_draft(ROOT / "seeds" / "sample-2024.json")
    last.meta.year = 2023
    save_draft(last, tmp_path / "last.json")
    proc = run("check", "seeds/sample-2024.json", "--previous", tmp_path / "last.json", "--json")
    assert proc.returncode == 0, proc.stderr
    assert {i["rule"] for i in json.loads(proc.stdout)} >= {"S3-5"}  # the cross-year rules ran
