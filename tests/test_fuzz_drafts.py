"""Mutated drafts through `check` and `export --allow-errors`: the exit-code contract holds for every input.

Each case is a seed draft changed the way damaged or hand-edited files are: values of the wrong type, keys
deleted, huge and odd numbers (², ①, ½, full-width digits, 5,000-digit integers, NaN), deep nesting, Unicode
digits, truncated bytes, other encodings, a damaged previous-year draft inside. The answer must be exit 0, 1
or 2, never a traceback, and an exit 2 must say in one Chinese line what is wrong, with no English library
text. benchmarks/fuzz_drafts.py runs the same generator for as many cases as asked.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_FILES = sorted(p for p in (ROOT / "seeds").glob("*.json") if not p.name.endswith(".expected.json"))

_BIG = "9" * 5000  # more digits than int() accepts from text
_ODD_VALUES = [
    "²", "①", "½", "１２３", "٣٤", "߃", "𝟙𝟚", "一百", "Ⅻ", "1e999", "1e-999999", "NaN", "-0", "+5", "0x1F",
    "1_000", "12,345", " 12 ", "1.0", "0.1234567", "１２．５", "-３", "9" * 4300, "9" * 4301, "0." + "1" * 5000,
    "", " ", "\u3000", "\x00", "12\n", 1.0, 1.5, -1, -0.0, 10**9 + 1, 2**63, 10**300, 1e308, float("nan"),
    float("inf"), float("-inf"), True, False, None, [], {}, [1], {"a": 1}, "__BIG__", "__DEEP__",
]
_ANY_VALUES = _ODD_VALUES + ["2021", "2019", 2024, "2024-13-45", "２０２４", "٢٠٢٤", "x" * 300_000, "图" * 2000]
_ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "gb18030", "big5", "shift_jis", "latin-1"]


@dataclass
class Case:
    name: str
    data: bytes


def _paths(node, prefix=()):
    """Every place in a JSON tree, as a tuple of keys."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


def _get(node, path):
    for p in path:
        node = node[p]
    return node


def _set(root, path, value):
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def _cell_paths(draft):
    out = []
    for key in ("tables", "stated_totals"):
        tables = draft.get(key) if isinstance(draft, dict) else None
        if not isinstance(tables, dict):
            continue
        for t, rows in tables.items():
            if isinstance(rows, dict):
                for r, cols in rows.items():
                    if isinstance(cols, dict):
                        out.extend((key, t, r, c) for c in cols)
    return out


_ODD_TEXT = ["", "\x00\x07\x0b\x0c\x1b", "\ufffe\uffff", "\ue000\uf8ff", "𠀀𪚥😀", "a\u0301", "\u202e反向",
             "<w:t>&amp;</w:t>", "=1+1", "收到申请" * 3000, "\n" * 500, "全年共收到政府信息公开申请999件。" * 200]
_SENTENCES = ["全年共收到政府信息公开申请{n}件。", "予以公开{n}件，部分公开{n}件。", "行政复议{n}件、行政诉讼{n}件。",
              "结转下年度继续办理{n}件。", "公开率为{n}%。", "行政事业性收费{n}万元。", "制发规范性文件{n}件，废止{n}件。"]
_OPTIONAL = ["preamble", "narrative", "tables", "stated_totals", "units", "acknowledgements", "previous", "rollup"]


def _readable_change(rng: random.Random, draft) -> str:
    """A change that leaves the draft readable, so that loading, the rules and the writers all get to run."""
    from model.spec import get_format

    op = rng.choice(["good_cell", "good_cell", "text", "drop", "meta_text", "ack"])
    if not isinstance(draft, dict):
        return "none"
    fmt = draft.get("format")
    if op == "good_cell" and fmt in ("2019", "2021") and isinstance(draft.get("tables"), dict):
        spec = get_format(fmt)
        for _ in range(rng.randint(1, 40)):
            path = rng.choice(spec.input_paths)
            t, r, c = path.split(".")
            kind = spec.cells[path].column.kind
            value = rng.choice([0, 1, rng.randint(0, 10**9), 10**9]) if kind != "amount" else \
                rng.choice(["0", "0.000001", "999999999999.999999", f"{rng.randint(0, 10**6)}.{rng.randint(0, 9999)}"])
            if kind == "signed_count":
                value = -value
            draft["tables"].setdefault(t, {}).setdefault(r, {})[c] = value
    elif op == "text" and isinstance(draft.get("narrative"), dict):
        text = "".join(rng.choice(_SENTENCES).format(n=rng.choice([rng.randint(0, 500), "三百一十二", "１２", "1,234"]))
                       for _ in range(rng.randint(1, 400)))
        draft["narrative"][rng.choice(["s1", "s5", "s6"])] = [{"type": "paragraph", "text": text + rng.choice(_ODD_TEXT)}]
    elif op == "drop":
        draft.pop(rng.choice(_OPTIONAL), None)
    elif op == "meta_text" and isinstance(draft.get("meta"), dict):
        draft["meta"][rng.choice(["agency", "contact"])] = rng.choice(_ODD_TEXT + ["局" * 300])
    elif op == "ack":
        draft["acknowledgements"] = {rng.choice(["S3-1", "F-7:s1:received:999", "", "x" * 200]): rng.choice(_ODD_TEXT)}
    return op


def _mutate(rng: random.Random, draft, depth: int = 0):
    ops = ["swap", "delete", "odd_cell", "odd_cell", "odd_any", "insert", "meta", "version", "format", "blocks",
           "units", "cell_key", "previous"]
    done = []
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 3)):
            done.append(_readable_change(rng, draft))
        if rng.random() < 0.6:
            return draft, done
    for _ in range(rng.choice([1, 1, 2, 3])):
        op = rng.choice(ops)
        places = list(_paths(draft))
        if op == "swap":
            path = rng.choice(places)
            draft = _set(draft, path, rng.choice(_ANY_VALUES))
        elif op == "delete":
            dicts = [p for p in places if isinstance(_get(draft, p), dict) and _get(draft, p)]
            if dicts:
                node = _get(draft, rng.choice(dicts))
                del node[rng.choice(list(node))]
        elif op == "odd_cell" and _cell_paths(draft):
            draft = _set(draft, rng.choice(_cell_paths(draft)), rng.choice(_ODD_VALUES))
        elif op == "odd_any":
            leaves = [p for p in places if p and not isinstance(_get(draft, p), (dict, list))]
            if leaves:
                draft = _set(draft, rng.choice(leaves), rng.choice(_ANY_VALUES))
        elif op == "insert":
            dicts = [p for p in places if isinstance(_get(draft, p), dict)]
            if dicts:
                _get(draft, rng.choice(dicts))[rng.choice(["x", "类型", "type", "s3", "__proto__", ""])] = \
                    rng.choice(_ANY_VALUES)
        elif op == "meta" and isinstance(draft, dict) and isinstance(draft.get("meta"), dict):
            draft["meta"][rng.choice(["year", "publication_date", "agency", "agency_kind", "contact"])] = \
                rng.choice(_ANY_VALUES)
        elif op == "version" and isinstance(draft, dict):
            draft["schema_version"] = rng.choice([0, -1, 2, 99, "1", 1.0, True, None, 10**30, "__BIG__"])
        elif op == "format" and isinstance(draft, dict):
            draft["format"] = rng.choice(["2019", "2021", "2020", "", 2021, None, [], "../2021"])
        elif op == "blocks" and isinstance(draft, dict) and isinstance(draft.get("narrative"), dict):
            block = rng.choice([
                {"type": "figure", "caption": "图", "image": rng.choice(["!!!", "iVBORw0KGgo=", "", None, 5]),
                 "mime": rng.choice(["image/png", "image/gif", None])},
                {"type": rng.choice(["table", "", None, 1]), "text": "x"},
                {"type": "paragraph", "text": rng.choice(_ANY_VALUES)},
                {"type": "paragraph", "text": "收到申请" + rng.choice(["９９９", "٩٩", "²", _BIG]) + "件"},
            ])
            draft["narrative"][rng.choice(["s1", "s5", "s6", "s9", "", "preamble"])] = [block]
        elif op == "units" and isinstance(draft, dict):
            draft["units"] = {rng.choice(["s2.fees.fee_amount", "s3.x", "a.b.c.d", "", "s3.new.natural"]):
                              rng.choice(["万元", "千元", "", 5, None])}
        elif op == "cell_key" and isinstance(draft, dict):
            draft.setdefault("tables", {})
            if isinstance(draft["tables"], dict):
                draft["tables"][rng.choice(["s3", "s3.new", "s9", ""])] = {
                    rng.choice(["new", "total", "new.natural", ""]): {rng.choice(["natural", "total", "x"]): 1}}
        elif op == "previous" and depth < 3 and isinstance(draft, dict):
            prev = json.loads(rng.choice(SEED_FILES).read_text(encoding="utf-8"))
            draft["previous"] = _mutate(rng, prev, depth + 1)[0] if rng.random() < 0.8 else prev
        done.append(op)
    return draft, done


def _dump(draft) -> str:
    text = json.dumps(draft, ensure_ascii=False, indent=1)
    text = text.replace('"__BIG__"', _BIG)
    deep = "[" * 100_000 + "]" * 100_000
    return text.replace('"__DEEP__"', deep)


def make_case(i: int, seed: int = 0) -> Case:
    """The i-th mutated draft; the same i and seed always give the same bytes."""
    rng = random.Random(f"{seed}:{i}")
    source = SEED_FILES[i % len(SEED_FILES)]
    draft = json.loads(source.read_text(encoding="utf-8"))
    kind = rng.random()
    if kind < 0.70:
        draft, ops = _mutate(rng, draft)
        return Case(f"{source.stem}:{'+'.join(ops)}", _dump(draft).encode("utf-8"))
    raw = source.read_bytes()
    if kind < 0.78:
        cut = rng.randrange(0, len(raw))
        return Case(f"{source.stem}:truncated@{cut}", raw[:cut])
    if kind < 0.86:
        encoding = rng.choice(_ENCODINGS)
        return Case(f"{source.stem}:{encoding}", raw.decode("utf-8").encode(encoding, errors="replace"))
    if kind < 0.92:
        data = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return Case(f"{source.stem}:bytes", bytes(data))
    depth = rng.choice([100, 1000, 10_000, 200_000])
    nest = rng.choice(["[", '{"a":'])
    close = "]" if nest == "[" else "}"
    where = rng.choice(["top", "meta", "tables", "previous"])
    deep = nest * depth + "1" + close * depth
    if where == "top":
        text = deep
    else:
        draft[where if where != "tables" else "tables"] = "__HOLE__"
        text = json.dumps(draft, ensure_ascii=False).replace('"__HOLE__"', deep)
    return Case(f"{source.stem}:deep-{where}-{depth}", text.encode("utf-8"))


# -- running one case and judging the answer ------------------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
# anchored at word starts and possessive, so that a message quoting 300,000 letters is scanned in linear time
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}+[ ,:'] ?[A-Za-z]{2,}|\b\w*(?:Error|Exception)\b|Traceback")
MAX_MESSAGE = 1000  # characters: one readable line, whatever the file held


@dataclass
class Outcome:
    code: int | None
    stdout: str
    stderr: str
    crash: str | None  # where an exception escaped: "ExcType at file:line"
    seconds: float = 0.0


def run_in_process(argv: list[str]) -> Outcome:
    import main

    out, err = io.StringIO(), io.StringIO()
    crash = None
    code = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main.main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 — anything escaping main is what we are looking for
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(ROOT) in f.filename]
            place = f"{Path(frames[-1].filename).relative_to(ROOT)}:{frames[-1].lineno}" if frames else "?"
            crash = f"{type(exc).__name__} at {place}"
    return Outcome(code, out.getvalue(), err.getvalue(), crash)


def run_in_subprocess(argv: list[str], timeout: float = 120) -> Outcome:
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    crash = "Traceback in stderr" if "Traceback (most recent call last)" in proc.stderr else None
    return Outcome(proc.returncode, proc.stdout, proc.stderr, crash)


def contract_violations(outcome: Outcome, file_name: str) -> list[str]:
    """What is wrong with an answer, in words for the test report; empty when the contract holds."""
    problems = []
    if outcome.crash:
        problems.append(f"traceback: {outcome.crash}")
    if outcome.code not in (0, 1, 2):
        problems.append(f"exit code {outcome.code}")
    if "程序内部错误" in outcome.stderr:
        problems.append(f"internal error: {outcome.stderr.strip()[:200]}")
    if outcome.code == 2 and not outcome.crash:
        lines = [ln for ln in outcome.stderr.splitlines() if ln.strip()]
        if len(lines) != 1:
            problems.append(f"{len(lines)} lines on stderr")
        if len(outcome.stderr) > MAX_MESSAGE:
            problems.append(f"message of {len(outcome.stderr):,} characters")
        # quoted text (“…”) is the user's own: a key or value from the file, a file name
        message = re.sub(r"“[^”]*”", "“”", " ".join(lines).replace(file_name, ""))
        if not _CJK.search(message):
            problems.append(f"no Chinese: {message[:200]}")
        if _ENGLISH.search(message):
            problems.append(f"English text: {message[:200]}")
    return problems


# -- the fast sample run by pytest -------------------------------------------------------------------------

CHECK_CASES = 520
EXPORT_CASES = 40
SUBPROCESS_CASES = 4


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(autouse=True)
def crash_logs_in_tmp(tmp_path, monkeypatch):
    # an internal error writes its traceback to a log; the tests keep those out of the user's cache folder
    import main

    monkeypatch.setenv(main.LOG_DIR_ENV, str(tmp_path / "logs"))


def _write(case_dir: Path, i: int) -> Path:
    path = case_dir / f"草稿-{i:05d}.json"
    path.write_bytes(make_case(i).data)
    return path


def test_generator_is_deterministic_and_varied():
    first = [make_case(i) for i in range(60)]
    assert [c.data for c in first] == [make_case(i).data for i in range(60)]
    kinds = {c.name.split(":")[1].split("-")[0].split("@")[0] for c in first}
    assert len(kinds) >= 8


def test_mutated_drafts_through_check_keep_the_contract(case_dir):
    failures = []
    codes = {0: 0, 1: 0, 2: 0}
    for i in range(CHECK_CASES):
        path = _write(case_dir, i)
        outcome = run_in_process(["check", str(path)])
        codes[outcome.code] = codes.get(outcome.code, 0) + 1
        problems = contract_violations(outcome, path.name)
        if problems:
            failures.append(f"#{i} {make_case(i).name}: {'; '.join(problems)}")
    assert not failures, f"{len(failures)} of {CHECK_CASES} broke the contract:\n" + "\n".join(failures[:40])
    # a sample that only ever hit one answer would test nothing
    assert codes[2] > 100 and codes[0] + codes[1] > 50, codes


def test_mutated_drafts_through_export_keep_the_contract(case_dir, tmp_path):
    failures = []
    for i in range(EXPORT_CASES):
        path = _write(case_dir, 10_000 + i)
        outcome = run_in_process(["export", str(path), "--allow-errors", "--to", "pdf,docx,xlsx,txt",
                                  "--out", str(tmp_path / str(i))])
        problems = contract_violations(outcome, path.name)
        if problems:
            failures.append(f"#{10_000 + i} {make_case(10_000 + i).name}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)


def test_mutated_drafts_in_a_real_process_keep_the_contract(case_dir, tmp_path):
    # chosen so that both a readable and an unreadable draft go through the real command line
    failures, codes = [], set()
    for i in range(SUBPROCESS_CASES):
        path = _write(case_dir, 20_000 + i)
        argv = ["check", str(path)] if i % 2 else ["export", str(path), "--allow-errors", "--to", "txt",
                                                   "--out", str(tmp_path)]
        outcome = run_in_subprocess(argv)
        codes.add(outcome.code)
        problems = contract_violations(outcome, path.name)
        if problems:
            failures.append(f"#{20_000 + i} {make_case(20_000 + i).name}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
