import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

# Qt must never try to open a display in tests; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

# What the program keeps across runs (parsed fonts, loaded format files) goes, for a test run, to a folder of that
# run: tests never read the user's cache nor leave entries of their temporary format files in it.
if "NIANBAO_CACHE_DIR" not in os.environ:
    os.environ["NIANBAO_CACHE_DIR"] = tempfile.mkdtemp(prefix="nianbao-test-cache-")
    atexit.register(shutil.rmtree, os.environ["NIANBAO_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

SEEDS = ROOT / "seeds"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(autouse=True)
def recovery_dir(tmp_path, monkeypatch) -> Path:
    """Recovery files and locks of every test go to its own folder, never to the user's."""
    folder = tmp_path / "recovery"
    monkeypatch.setenv("NIANBAO_RECOVERY_DIR", str(folder))
    return folder


def pytest_configure(config):
    config.addinivalue_line("markers", "soak: a long run of the real app in a subprocess (tests/test_soak.py)")


def pytest_sessionfinish(session, exitstatus):
    # Clipboard contents set by a test are still owned by Qt when Python tears PySide6 down, and the process
    # then ends with a segmentation fault after every test passed. Empty the clipboard while Qt is alive.
    if "PySide6.QtGui" in sys.modules:
        from PySide6.QtGui import QGuiApplication

        if QGuiApplication.instance() is not None:
            QGuiApplication.clipboard().clear()
