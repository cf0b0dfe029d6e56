"""Mutation check of the rules: for each check of each format file, remove it from a copy of the format file
and run a test selection against that copy; a check whose removal leaves the selection green is not proven by
any test. Prints the kill count per format.

    uv run python benchmarks/rule_mutation.py                       # this checkout's committed HEAD
    uv run python benchmarks/rule_mutation.py --ref e28c29a         # an earlier commit
    uv run python benchmarks/rule_mutation.py --tests tests/test_model.py tests/test_seeds.py

Each mutant runs in a fresh copy of the commit (git archive) with this checkout's Python environment, so
the working tree is never touched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TESTS = ["tests/test_model.py", "tests/test_spec.py", "tests/test_seeds.py", "tests/test_narrative.py",
                 "tests/test_cli_contract.py", "tests/test_rule_matrix.py", "tests/test_format_validation.py"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD")
    parser.add_argument("--tests", nargs="+", default=DEFAULT_TESTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        archive = subprocess.run(["git", "archive", args.ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        tests = [t for t in args.tests if (src / t).exists()]
        print(f"提交 {args.ref}，测试：{' '.join(tests)}")
        for fmt in sorted((src / "resources" / "formats").glob("*.json")):
            original = fmt.read_text(encoding="utf-8")
            raw = json.loads(original)
            survivors, killed = [], 0
            for check in raw["checks"]:
                mutant = dict(raw, checks=[c for c in raw["checks"] if c["id"] != check["id"]])
                fmt.write_text(json.dumps(mutant, ensure_ascii=False), encoding="utf-8")
                proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
                                      cwd=src, capture_output=True, text=True)
                if proc.returncode == 0:
                    survivors.append(check["id"])
                else:
                    killed += 1
                fmt.write_text(original, encoding="utf-8")
                shutil.rmtree(src / ".pytest_cache", ignore_errors=True)
            print(f"格式 {fmt.stem}：删去 {len(raw['checks'])} 项检查中的每一项，测试发现 {killed} 项；"
                  f"未被发现：{'、'.join(survivors) or '无'}")


if __name__ == "__main__":
    main()
