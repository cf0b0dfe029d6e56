"""Formats are data: the command line offers the format files there are, no format id is written into Python,
and a third format made of one data file (and its sample) in a folder outside resources/ goes through every
command and the window without any change to the program."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import main
import model.spec

ROOT = Path(__file__).resolve().parent.parent
_LITERAL = re.compile(r"""["'](?:%s)["']""")


def _format_id_literals() -> dict[str, int]:
    ids = "|".join(re.escape(f) for f in model.spec.format_ids())
    pattern = re.compile(_LITERAL.pattern % ids)
    found = {}
    for path in [ROOT / "main.py", *sorted((ROOT / "model").rglob("*.py")), *sorted((ROOT / "export").rglob("*.py")),
                 *sorted((ROOT / "gui").rglob("*.py"))]:
        n = len(pattern.findall(path.read_text(encoding="utf-8")))
        if n:
            found[path.relative_to(ROOT).as_posix()] = n
    return found


def test_no_format_id_is_written_into_python():
    # detection cues, the migration between formats, carry-forward, figures and suggestions are declared in
    # the format files; years as data (ranges, dialogs' bounds) are not format ids
    assert _format_id_literals() == {}


def test_new_offers_every_format_file(monkeypatch):
    monkeypatch.setattr(model.spec, "format_ids", lambda: ["2019", "2021", "2027"])
    args = main.build_parser().parse_args(["new", "--year", "2027", "--agency", "某局", "--format", "2027",
                                           "--out", "x.json"])
    assert args.format == "2027"


def test_the_window_takes_the_rules_about_unfilled_cells_from_the_format_file():
    rule_id = re.compile(r"""["'](?:S\d-\d|F-\d+)["']""")
    found = {p.relative_to(ROOT).as_posix(): rule_id.findall(p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "gui").rglob("*.py"))}
    assert {p: ids for p, ids in found.items() if ids} == {}


# -- a third format, data only ---------------------------------------------------------------------------
RENAMED = ("rules", "规章", "政府规章")  # row id, its label in the 2021 format, its label in the third format
ADDED = {"id": "policy_interpretations", "label": "政策解读材料"}


def _third_format(base: Path) -> tuple[Path, Path]:
    """A format “2027” in a folder of `base`: the 2021 format with one row renamed and one row added (and its
    rules), for the years from 2027; and a sample draft beside that folder. Nothing under resources/ is touched."""
    folder = base / "formats"
    data = json.loads((ROOT / "resources" / "formats" / "2021.json").read_text(encoding="utf-8"))
    data.update(id="2027", name="2027年版格式", notice="（新格式试行）", first_year=2027, last_year=None)
    (s2,) = [t for t in data["tables"] if t["id"] == "s2"]
    rows = s2["blocks"][0]["rows"]
    (renamed,) = [r for r in rows if r["id"] == RENAMED[0]]
    assert renamed["label"] == RENAMED[1]
    renamed["label"] = RENAMED[2]
    rows.append(dict(ADDED))
    for check in data["checks"]:
        if check.get("for_each", {}).get("row") == ["rules", "normative_docs"]:
            check["for_each"]["row"].append(ADDED["id"])
    data["detection"]["cues"] = [*data["detection"]["cues"], ADDED["label"]]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2027.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    sample = json.loads((ROOT / "seeds" / "sample-2024.json").read_text(encoding="utf-8"))
    sample["format"] = "2027"
    words = json.dumps({k: sample[k] for k in ("meta", "preamble", "narrative")}, ensure_ascii=False)
    for old, new in (("2025", "2028"), ("2024", "2027"), ("2023", "2026")):
        words = words.replace(old, new)
    sample.update(json.loads(words))
    sample["tables"]["s2"][RENAMED[0]] = {"issued": 2, "abolished": 0, "in_force": 15}
    sample["tables"]["s2"][ADDED["id"]] = {"issued": 9, "abolished": 1, "in_force": 37}
    sample_path = base / "sample-2027.json"
    sample_path.write_text(json.dumps(sample, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder, sample_path


def _run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600)


def test_a_third_format_made_of_data_goes_through_every_command(tmp_path):
    formats, sample_path = _third_format(tmp_path)
    env = dict(os.environ, NIANBAO_FORMATS_DIR=str(formats))
    draft_path = tmp_path / "draft.json"

    made = _run(env, "new", "--year", "2027", "--agency", "江南市临江区人民政府", "--out", str(draft_path))
    assert made.returncode == 0, made.stderr
    assert "2027年版格式" in made.stdout
    draft = json.loads(draft_path.read_text(encoding="utf-8"))
    assert draft["format"] == "2027"  # the newest format whose years include 2027, chosen without --format

    # fill in: the tables and text of the sample, as a user would type them
    sample = json.loads(sample_path.read_text(encoding="utf-8"))
    draft.update({k: sample[k] for k in ("preamble", "narrative", "tables")})
    draft["meta"].update(publication_date=sample["meta"]["publication_date"], contact=sample["meta"]["contact"])
    draft_path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")

    checked = _run(env, "check", "--json", str(draft_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    issues = json.loads(checked.stdout)
    assert [i for i in issues if i["severity"] == "error"] == []

    out = tmp_path / "out"
    exported = _run(env, "export", str(draft_path), "--to", "pdf,docx,xlsx,txt,html", "--out", str(out))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    files = {p.suffix: p for p in out.iterdir()}
    assert set(files) == {".pdf", ".docx", ".xlsx", ".txt", ".html"}
    txt = files[".txt"].read_text(encoding="utf-8")
    assert RENAMED[2] in txt and ADDED["label"] in txt

    for suffix in (".xlsx", ".txt"):
        back_path = tmp_path / f"back{suffix}.json"
        imported = _run(env, "import", str(files[suffix]), "--out", str(back_path))
        assert imported.returncode == 0, imported.stdout + imported.stderr
        back = json.loads(back_path.read_text(encoding="utf-8"))
        assert back["format"] == "2027", suffix
        assert back["tables"] == draft["tables"], suffix
        assert back["tables"]["s2"][ADDED["id"]] == {"issued": 9, "abolished": 1, "in_force": 37}


def test_the_window_shows_the_third_formats_rows(qtbot, tmp_path, monkeypatch):
    from gui.controller import ReportController
    from gui.main_window import MainWindow
    from model.drafts_io import load_draft
    from model.state import ReportState

    formats, sample_path = _third_format(tmp_path)
    monkeypatch.setenv("NIANBAO_FORMATS_DIR", str(formats))
    window = MainWindow(ReportController(ReportState(load_draft(sample_path))))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go_to("s2")
    model = window.pages["s2"].model
    shown = {model.data(model.index(r, c)) for r in range(model.rowCount()) for c in range(model.columnCount())}
    assert RENAMED[2] in shown and ADDED["label"] in shown and RENAMED[1] not in shown
    assert model.data(model.index_for_path(f"s2.{ADDED['id']}.in_force")) == "37"
    window.go_to("meta")
    formats = window.pages["meta"].format
    assert formats.itemData(formats.currentIndex()) == "2027"  # offered with the two national formats, chosen
    window.controller.undo_stack.setClean()
    window.close()


def test_a_folder_of_formats_cannot_replace_a_national_format(tmp_path, monkeypatch):
    folder = tmp_path / "formats"
    folder.mkdir()
    data = json.loads((ROOT / "resources" / "formats" / "2021.json").read_text(encoding="utf-8"))
    data["name"] = "冒名的格式"
    (folder / "2021.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("NIANBAO_FORMATS_DIR", str(folder))
    assert model.spec.get_format("2021").name == "2021年版格式"


def test_a_broken_format_file_in_the_folder_is_named_with_its_fault_not_an_internal_error(tmp_path):
    folder = tmp_path / "formats"
    folder.mkdir()
    data = json.loads((ROOT / "resources" / "formats" / "2021.json").read_text(encoding="utf-8"))
    data["id"] = "2027"
    data["checks"][1]["id"] = data["checks"][0]["id"]
    (folder / "2027.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, NIANBAO_FORMATS_DIR=str(folder), NIANBAO_LOG_DIR=str(tmp_path / "logs"))
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(ROOT / "seeds" / "sample-2024.json")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert f"格式文件 2027.json：checks[1].id：检查编号 {data['checks'][0]['id']} 重复" in proc.stderr
    assert "程序内部错误" not in proc.stderr and "Traceback" not in proc.stderr
