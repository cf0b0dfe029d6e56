"""Every rule of every format is proven: for each rule a draft that breaks only that rule (the user sees the
stated message) and a near-miss that passes.

The rules are enumerated from the format files (and the placeholder rule, which every format shares), so a
rule added to a format file without cases in tests/data/rule_cases/<format>.json fails this suite. The
mutation test removes each check in turn from a copy of its format file and proves that some case notices.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import model.state
from model.draft import Draft, Figure, Meta, Paragraph
from model.placeholders import _data as placeholder_data
from model.spec import FORMATS_DIR, FormatFile, FormatSpec, format_ids, get_format
from model.state import ReportState

CASES_DIR = Path(__file__).resolve().parent / "data" / "rule_cases"


def _case_file(fid: str) -> dict:
    path = CASES_DIR / f"{fid}.json"
    assert path.is_file(), f"格式 {fid} 没有规则用例文件 {path.name}"
    return json.loads(path.read_text(encoding="utf-8"))


def _rule_ids(spec: FormatSpec) -> list[str]:
    """Every check of the format (by check id, so each item of a split rule such as S2-4 is proven on its
    own) and the placeholder rule every format shares."""
    return [c.id for c in spec.data.checks] + [placeholder_data()["check"]["id"]]


def _rule_of(spec: FormatSpec, check_id: str) -> str:
    """The rule id users see for a check id."""
    for c in spec.data.checks:
        if c.id == check_id:
            return c.rule_id
    return check_id


def _blocks(texts):
    return [Paragraph(text=t) for t in texts]


def build_state(fid: str, case: dict, spec: FormatSpec | None = None) -> ReportState:
    """A complete, clean report of the format (every cell 0, every section written, published in time) with
    the case's edits applied."""
    data = _case_file(fid)
    base = data["base"]
    meta = dict(base["meta"], **case.get("meta", {}))
    if meta.get("publication_date"):
        meta["publication_date"] = dt.date.fromisoformat(meta["publication_date"])
    spec = spec or get_format(fid)
    texts = dict(base["text"], **case.get("text", {}))
    draft = Draft(format=fid, meta=Meta(**meta), preamble=_blocks(texts.pop("preamble", [])),
                  narrative={sid: _blocks(t) for sid, t in texts.items()})
    for sid, caption in case.get("figures", {}).items():
        draft.narrative.setdefault(sid, []).append(Figure(caption=caption))
    state = ReportState(draft)
    state.fill_empty_with_zero()
    state.set_values({p: v for p, v in case.get("cells", {}).items()})
    for path, value in case.get("stated", {}).items():
        state.set_stated(path, value)
    if "previous" in case or "previous_text" in case:
        last = ReportState(Draft(format=fid, meta=Meta(agency=meta["agency"], year=base["previous_year"])))
        last.fill_empty_with_zero()
        last.set_values(case.get("previous", {}))
        for sid, texts in case.get("previous_text", {}).items():
            last.set_blocks(sid, _blocks(texts))
        state.set_previous(last.to_draft())
    return state


def _cases(breaks: bool | None = None):
    for fid in format_ids():
        for i, case in enumerate(_case_file(fid)["cases"]):
            if breaks is None or case["breaks"] == breaks:
                yield pytest.param(fid, case, id=f"{fid}-{case['rule']}-{'breaks' if case['breaks'] else 'passes'}-{i}")


@pytest.mark.parametrize("fid", format_ids())
def test_every_rule_of_the_format_has_a_breaking_case_and_a_near_miss(fid):
    spec = get_format(fid)
    cases = _case_file(fid)["cases"]
    missing = []
    for rule in _rule_ids(spec):
        for breaks in (True, False):
            if not any(c["rule"] == rule and c["breaks"] == breaks for c in cases):
                missing.append(f"{rule}（{'违反' if breaks else '接近但通过'}）")
    assert not missing, f"格式 {fid} 的这些规则没有用例：{'、'.join(missing)}"
    unknown = {c["rule"] for c in cases} - set(_rule_ids(spec))
    assert not unknown, f"用例名称了格式 {fid} 没有的规则：{sorted(unknown)}"


@pytest.mark.parametrize("fid", format_ids())
def test_the_clean_base_report_passes_every_rule(fid):
    state = build_state(fid, {})
    assert [(i.rule, i.message) for i in state.issues] == []


@pytest.mark.parametrize("fid,case", list(_cases(breaks=True)))
def test_a_case_that_breaks_a_rule_fires_exactly_that_rule_with_its_message(fid, case):
    spec = get_format(fid)
    state = build_state(fid, case)
    rule = _rule_of(spec, case["rule"])
    fired = {i.rule for i in state.issues}
    assert fired == {rule, *case.get("also", [])}, case["name"]
    messages = [i.message for i in state.issues if i.rule == rule]
    assert messages == case["messages"], case["name"]
    check_ids = {i.key.split(":")[0] for i in state.issues if i.rule == rule}
    assert check_ids == {case["rule"]}, f"{case['name']}：应由检查项 {case['rule']} 报出"


@pytest.mark.parametrize("fid,case", list(_cases(breaks=False)))
def test_a_near_miss_passes(fid, case):
    state = build_state(fid, case)
    assert [(i.rule, i.message) for i in state.issues] == [], case["name"]


def _without_check(fid: str, check_id: str) -> FormatSpec:
    raw = json.loads((FORMATS_DIR / f"{fid}.json").read_text(encoding="utf-8"))
    raw["checks"] = [c for c in raw["checks"] if c["id"] != check_id]
    return FormatSpec(FormatFile.model_validate(raw))


def _case_still_holds(fid: str, case: dict) -> bool:
    state = build_state(fid, case)
    if not case["breaks"]:
        return not state.issues
    spec = state.spec
    rule = _rule_of(get_format(fid), case["rule"])
    return {i.rule for i in state.issues} == {rule, *case.get("also", [])} and \
        [i.message for i in state.issues if i.rule == rule] == case["messages"]


@pytest.mark.parametrize("fid", format_ids())
def test_removing_any_check_from_the_format_file_makes_a_case_fail(fid, monkeypatch):
    """The mutation check: a format whose file lost a check must not pass the matrix."""
    cases = _case_file(fid)["cases"]
    survivors = []
    for check in get_format(fid).data.checks:
        mutated = _without_check(fid, check.id)
        monkeypatch.setattr(model.state, "get_format", lambda f, m=mutated: m if f == fid else get_format(f))
        relevant = [c for c in cases if c["rule"] == check.id] or cases
        if all(_case_still_holds(fid, c) for c in relevant):
            survivors.append(check.id)
        monkeypatch.undo()
    assert survivors == [], f"格式 {fid} 删去这些检查后用例仍全部通过：{survivors}"


# -- rather miss than accuse: the checks that read text raise nothing on real reports ------------------------
TEXT_RULES = {"F-7", "F-10", "F-11", "F-12", "F-13", "S2-6"}
CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"  # the published reports as users meet them
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
# what the published texts really contain: the 番禺 2020 report goes 一是 … 三是 (its 二是 is missing)
TRUE_FINDINGS = {"panyu-2020": ["F-11"]}


def _text_rule_issues(state: ReportState) -> list[str]:
    return [f"{i.rule} {i.message}" for i in state.issues if i.rule in TEXT_RULES - {"F-7"}]


@pytest.mark.parametrize("name", ["panyu-2020", "yuexiu-2023", "sample-2024", "broken-2024"])
def test_the_new_checks_raise_nothing_false_on_the_seeds(name):
    from model.drafts_io import load_draft

    state = ReportState(load_draft(SEEDS_DIR / f"{name}.json"))
    assert sorted({i.rule for i in state.issues} & TEXT_RULES) == TRUE_FINDINGS.get(name, [])


def test_the_new_checks_raise_nothing_on_the_narrative_corpus():
    from tests.data.narrative_corpus import CORPUS

    for fid in format_ids():
        state = build_state(fid, {})
        state.set_blocks("s1", [Paragraph(text=t) for t, _ in CORPUS])
        assert _text_rule_issues(state) == []


@pytest.mark.parametrize("name", ["hongze_2023.pdf", "hongze_2024.pdf", "huaian_2024.pdf", "shuyang-fgj_2023.html",
                                  "shuyang_2025.txt"])
def test_the_text_checks_raise_nothing_false_on_published_reports(name):
    from model.importers import import_file

    draft, _ = import_file(CORPUS_DIR / name)
    state = ReportState(draft)
    assert [f"{i.rule} {i.message}" for i in state.issues if i.rule in TEXT_RULES] == []
