"""The Linux bundle: built with packaging/build.py (the command the release workflow runs), then checked from
the built programs, never the source, in an environment without the project's Python (packaging/smoke_test.py).

Slow (about two minutes on two cores, most of it PyInstaller): the bundle is kept in test-output/bundle and
rebuilt only when a source file, the lock file or the packaging changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

from model.drafts_io import load_draft
from model.state import ReportState
from tests.test_packaging import SELF_CHECK_STEPS

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import smoke_test  # noqa: E402  (packaging/smoke_test.py)

# the build command of .github/workflows/release.yml (tests/test_packaging.py holds them equal)
BUILD_COMMAND = ["uv", "run", "--frozen", "--group", "build", "python", "packaging/build.py"]
SMOKE_SCRIPT = "packaging/smoke_test.py"
CACHE = ROOT / "test-output" / "bundle"
SOURCES = ["main.py", "pyproject.toml", "uv.lock", "model", "export", "gui", "resources", "seeds", "packaging"]

pytestmark = pytest.mark.slow


def sources_key() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            rel = f.relative_to(ROOT).as_posix()
            if "__pycache__" in rel or rel.startswith(("packaging/dist/", "packaging/build/")):
                continue
            digest.update(rel.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.fixture(scope="module")
def bundle() -> Path:
    """The bundle of the current sources, built once per change into its own folder: test runs at the same time
    in one checkout never build into, or delete, a folder another run is using."""
    key = sources_key()[:16]
    built = CACHE / key / "dist" / "nianbao"
    if (built / "nianbao").is_file():
        return built
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=CACHE))
    uv = os.environ.get("UV") or shutil.which("uv") or "uv"  # `uv run pytest` tells its own path in UV
    proc = subprocess.run([uv, *BUILD_COMMAND[1:], "--dist", str(work / "dist"), "--work", str(work / "work")],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    shutil.rmtree(work / "work", ignore_errors=True)
    try:
        os.rename(work, CACHE / key)  # all at once; if another run finished first, its bundle is the same
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
    for old in CACHE.iterdir():  # earlier builds nobody has used for an hour
        if old.name != key and time.time() - old.stat().st_mtime > 3600:
            shutil.rmtree(old, ignore_errors=True)
    os.utime(CACHE / key)
    return built


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")


def test_the_built_programs_show_their_version_check_export_and_open_the_app(bundle, tmp_path):
    lines: list[str] = []
    result = smoke_test.smoke_test(bundle, tmp_path, log=lines.append)
    assert result.version == smoke_test.project_version()
    assert [line.split(":")[0] for line in lines] == ["ok  --version", "ok  check", "ok  export",
                                                      "ok  app opened offscreen and closed", "ok  self-check"]
    # the exported documents are the report: every heading of its format in the PDF's text and in the Word file
    draft = load_draft(smoke_test.SAMPLE)
    state = ReportState(draft)
    headings = [s.heading for s in state.spec.sections]
    pdf = pdftotext(result.exports["pdf"]).replace(" ", "")
    docx_xml = zipfile.ZipFile(result.exports["docx"]).read("word/document.xml").decode("utf-8")
    txt = result.exports["txt"].read_text(encoding="utf-8-sig")
    for heading in headings:
        assert heading.replace(" ", "") in pdf
        assert heading in txt
    assert draft.meta.agency in docx_xml
    # the app showed every step: 基本信息, each section of the format, 审核, 导出与打印
    assert f"{state.title()}; {len(headings) + 3} steps shown" in lines[-2]
    # 自检 of the built app: its window filled, saved, reopened, exported to every format and printed
    assert [line.split("：")[0] for line in result.self_check_lines[1:-1]] == \
        [f"通过  {step}" for step in SELF_CHECK_STEPS]
    assert result.self_check_lines[-1].startswith(f"自检通过：{len(SELF_CHECK_STEPS)} 项全部正常")
    assert 0 < result.first_window_seconds


def test_the_bundle_carries_its_data_and_leaves_out_what_the_app_never_loads(bundle):
    internal = bundle / "_internal"
    files = [p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()]
    # formats, schema, samples and the version travel inside the bundle
    assert (internal / "resources" / "version.txt").read_text().strip() == smoke_test.project_version()
    for name in ("resources/formats", "seeds"):
        source = sorted(p.name for p in (ROOT / name).iterdir() if p.is_file())
        assert sorted(p.name for p in (internal / name).iterdir() if p.is_file()) == source
    # the Word file is made of the stored parts (resources/docx); python-docx, which only makes those parts
    # (packaging/make_docx_parts.py), is not in the bundle: the app never loads it
    stored = sorted(p.relative_to(ROOT / "resources" / "docx").as_posix()
                    for p in (ROOT / "resources" / "docx").rglob("*") if p.is_file())
    assert stored and sorted(p.relative_to(internal / "resources" / "docx").as_posix()
                             for p in (internal / "resources" / "docx").rglob("*") if p.is_file()) == stored
    assert not (internal / "docx").exists()
    # Qt: Chinese translations only; no QML/Quick; QtNetwork stays (QtPdf needs it)
    translations = [f.rsplit("/", 1)[1] for f in files if "/Qt/translations/" in f]
    assert translations and all("zh_CN" in name for name in translations)
    assert any(name.startswith("qtbase_zh_CN") for name in translations)
    libraries = [f.rsplit("/", 1)[1] for f in files if "/Qt/lib/" in f]
    assert not [n for n in libraries if "Qml" in n or "Quick" in n]
    assert any(n.startswith("libQt6Network") for n in libraries) and any(n.startswith("libQt6Pdf") for n in libraries)
    assert any(n.startswith("libQt6Test") for n in libraries)  # 自检 types into the window through QtTest
    # the window icon in every size it is drawn in, and the .exe's icon file
    assert sorted(p.name for p in (internal / "resources").glob("icon-*.png")) == \
        sorted(p.name for p in (ROOT / "resources").glob("icon-*.png"))
    # the GTK 3 theme and the build machine's GTK it brought; OpenSSL; Pillow's AVIF codec; lxml's objectify
    assert not [f for f in files if "/plugins/platformthemes/" in f and "gtk" in f]
    top = [f.rsplit("/", 1)[1] for f in files if f.count("/") == 1]
    assert not [n for n in top if n.startswith(("libgtk-3", "libgdk-3", "libcairo", "libpango", "libcrypto", "libssl"))]
    assert not [f for f in files if "/PIL/_avif" in f or "libavif" in f or "/lxml/objectify" in f]
    platforms = sorted(f.rsplit("/", 1)[1] for f in files if "/plugins/platforms/" in f)
    assert "libqxcb.so" in platforms and "libqoffscreen.so" in platforms
    # nothing of the development tools, and names a portable zip can carry on any Windows code page
    assert not [f for f in files if f.startswith(("_internal/pytest", "_internal/PyInstaller", "_internal/hypothesis"))]
    assert all(f.isascii() for f in files)
