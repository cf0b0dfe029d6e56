"""1,000 edits through the real widgets plus five new / open / import cycles, in a subprocess (tests/soak_driver.py)
so that a fatal error fails this test instead of ending the test run."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DRIVER = Path(__file__).resolve().parent / "soak_driver.py"
MIB = 1024


def run_driver(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    return subprocess.run([sys.executable, str(DRIVER), *args], capture_output=True, text=True, env=env,
                          timeout=600)


@pytest.mark.soak
def test_a_thousand_edits_and_five_reopenings_leave_the_app_alive_quiet_and_lean():
    result = run_driver("--edits", "1000", "--cycles", "5")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == ""
    cycles = [dict((k, float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", line))
              for line in result.stdout.splitlines() if line.startswith("cycle=")]
    assert [int(c["cycle"]) for c in cycles] == list(range(6))
    assert cycles[-1]["edits"] >= 1000
    assert result.stdout.rstrip().endswith("done")
    after_first, after_all = cycles[1]["rss_kb"], cycles[-1]["rss_kb"]
    assert after_all - after_first <= 60 * MIB, f"RSS {after_first / MIB:.0f} → {after_all / MIB:.0f} MiB"
