"""Mutated drafts through `check` and `export --allow-errors`, as many as asked: tracebacks, exit codes, slow runs.

    uv run python benchmarks/fuzz_drafts.py                      10,000 drafts through check, 499 through export
    uv run python benchmarks/fuzz_drafts.py --check 2000 --export 100 --seed 7

The cases come from tests/test_fuzz_drafts.py (the same generator the test suite samples). Each command runs
in this process (as `main.main(argv)`), which is what makes 10,000 cases take minutes, not hours; anything
escaping main() is counted as a traceback and grouped by the place it came from.
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_fuzz_drafts import contract_violations, make_case, run_in_process  # noqa: E402

SLOW_SECONDS = 20


class CaseStopped(BaseException):
    """A case that ran past the time limit; a BaseException so that no `except Exception` in the program
    under test swallows it."""


def _stop(signum, frame):
    raise CaseStopped()


def run(command: str, count: int, seed: int, offset: int, tmp: Path, limit: float) -> dict:
    codes: collections.Counter = collections.Counter()
    crashes: collections.Counter = collections.Counter()
    internal, english, other, slow = 0, 0, 0, []
    longest = (0.0, "")
    examples: dict[str, str] = {}
    for i in range(offset, offset + count):
        case = make_case(i, seed)
        path = tmp / f"草稿-{i:05d}.json"
        path.write_bytes(case.data)
        argv = ["check", str(path)] if command == "check" else \
            ["export", str(path), "--allow-errors", "--out", str(tmp / "out")]
        start = time.perf_counter()
        if limit and hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            outcome = run_in_process(argv)
        finally:
            if limit and hasattr(signal, "setitimer"):
                signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.perf_counter() - start
        if outcome.crash and outcome.crash.startswith("CaseStopped"):
            outcome.crash, outcome.code = None, "stopped"
        codes[outcome.code] += 1
        if seconds > SLOW_SECONDS:
            slow.append(f"{case.name} {seconds:.1f} s" + ("（已停止）" if outcome.code == "stopped" else ""))
        if seconds > longest[0]:
            longest = (seconds, case.name)
        if outcome.crash:
            crashes[outcome.crash] += 1
            examples.setdefault(outcome.crash, case.name)
        for problem in (contract_violations(outcome, path.name) if outcome.code != "stopped" else []):
            if problem.startswith("internal"):
                internal += 1
            elif problem.startswith("English"):
                english += 1
            elif not problem.startswith(("traceback", "exit code None")):
                other += 1
                examples.setdefault(problem[:60], case.name)
        path.unlink()
        if (i - offset + 1) % 1000 == 0:
            print(f"  {command}: {i - offset + 1} / {count}", file=sys.stderr, flush=True)
    return {"codes": codes, "crashes": crashes, "internal": internal, "english": english, "other": other,
            "slow": slow, "longest": longest, "examples": examples}


def report(command: str, count: int, r: dict) -> None:
    print(f"\n{command}：{count} 个变异草稿")
    print(f"  未捕获的异常（traceback）：{sum(r['crashes'].values())}（{len(r['crashes'])} 处）")
    for place, n in r["crashes"].most_common():
        print(f"    {n:>5}  {place}   例：{r['examples'][place]}")
    print(f"  程序内部错误（已转为退出码 2 并记录日志）：{r['internal']}")
    print(f"  退出码 2 的消息含英文：{r['english']}")
    print(f"  其他不合约定（多行、无中文、退出码异常）：{r['other']}")
    print("  退出码：" + "，".join(f"{code}: {n}" for code, n in sorted(r["codes"].items(), key=str)))
    print(f"  超过 {SLOW_SECONDS} s：{len(r['slow'])}" + "".join(f"\n    {s}" for s in r["slow"][:10]))
    print(f"  最长一次：{r['longest'][0]:.2f} s（{r['longest'][1]}）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, default=10_000, help="drafts through check")
    parser.add_argument("--export", type=int, default=499, help="drafts through export --allow-errors")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=120,
                        help="seconds after which a case is stopped and counted as slow (0: no limit)")
    args = parser.parse_args()
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _stop)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        if args.check:
            report("check", args.check, run("check", args.check, args.seed, 0, Path(tmp), args.limit))
        if args.export:
            report("export --allow-errors", args.export,
                   run("export", args.export, args.seed, 100_000, Path(tmp), args.limit))
        print(f"\n共用时 {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
