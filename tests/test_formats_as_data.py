"""Formats are data: the command line offers the format files there are, and format ids written into Python are
counted so that none is added (the list below is what remains to be moved into the format files)."""

import re
from pathlib import Path

import main
import model.spec

ROOT = Path(__file__).resolve().parent.parent
# file → how many format-id literals it still holds, and why it is not data yet
REMAINING = {
    "model/importers/text.py": 3,  # detection of the format from a published text's table labels
    "model/importers/xlsx.py": 2,  # detection of the format from a workbook's labels
    "model/importers/html.py": 1,  # the six headings are read with one format before the tables decide
    "model/migrate.py": 4,  # the 2019 → 2021 cell mapping
    "model/carry_forward.py": 2,  # 上一年项目数量 carried only within the 2019 format
    "model/narrative/suggest.py": 1,  # the 2019 format's section 六 suggestion
}
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


def test_no_format_id_is_written_into_python_beyond_what_remains():
    assert _format_id_literals() == REMAINING


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
