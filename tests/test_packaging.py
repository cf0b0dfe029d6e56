"""Packaging and the Windows-facing behaviour that can be checked on Linux: the installer script and the release
workflow agree with pyproject.toml and with the Linux build; the version; 帮助 → 关于; the crash dialog and log;
per-user folders (文档, fonts); high-DPI."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import threading
import tomllib
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
import build  # noqa: E402  (packaging/build.py)

from gui import crash, dialogs  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from tests.modal_helpers import on_modal  # noqa: E402
from model.spec import format_ids, get_format  # noqa: E402
from model.version import APP_NAME  # noqa: E402
from tests.gui_helpers import close_quietly, show_report  # noqa: E402

QStandardPaths.setTestModeEnabled(True)  # settings go to a test location

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]


# -- a reader for the small part of YAML the workflow uses (no YAML library in the project) -----------------
def read_workflow(text: str):
    """Mappings, lists of mappings, plain scalars and `|` blocks — enough for release.yml, and it fails loudly
    on anything else rather than guessing."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    pos = 0

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def scalar(value: str):
        value = value.split(" #")[0].strip()
        if value.startswith("[") and value.endswith("]"):
            return [v.strip().strip('"') for v in value[1:-1].split(",") if v.strip()]
        return value.strip('"')

    def block(level: int):
        nonlocal pos
        if lines[pos].lstrip().startswith("- "):
            items = []
            while pos < len(lines) and indent(lines[pos]) == level and lines[pos].lstrip().startswith("- "):
                # a list item is a mapping whose first key sits after "- "
                lines[pos] = " " * (level + 2) + lines[pos].lstrip()[2:]
                items.append(block(level + 2))
            return items
        mapping = {}
        while pos < len(lines) and indent(lines[pos]) == level and not lines[pos].lstrip().startswith("- "):
            key, _, rest = lines[pos].strip().partition(":")
            rest = rest.strip()
            pos += 1
            if rest == "|":
                body = []
                while pos < len(lines) and indent(lines[pos]) > level:
                    body.append(lines[pos].strip())
                    pos += 1
                mapping[key] = "\n".join(body)
            elif rest:
                mapping[key] = scalar(rest)
            elif pos < len(lines) and indent(lines[pos]) > level:
                mapping[key] = block(indent(lines[pos]))
            else:
                mapping[key] = None
        return mapping

    result = block(0)
    assert pos == len(lines), f"unread workflow line: {lines[pos]!r}"
    return result


WORKFLOW = read_workflow((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))


def runs(job: str) -> list[str]:
    return [step["run"] for step in WORKFLOW["jobs"][job]["steps"] if "run" in step]


# -- the installer script ----------------------------------------------------------------------------------
def read_iss(path: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "without a UTF-8 byte-order mark Inno Setup before 6.3 garbles the Chinese names"
    defines: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current = None
    for line in raw[3:].decode("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        m = re.fullmatch(r'#define\s+(\w+)\s+"(.*)"', line)
        if m:
            defines[m.group(1)] = m.group(2)
        elif re.fullmatch(r"\[(\w+)\]", line):
            current = line[1:-1]
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return defines, sections


def iss_setup(sections) -> dict[str, str]:
    return dict(line.split("=", 1) for line in sections["Setup"])


def iss_entries(sections, name: str) -> list[dict[str, str]]:
    """Inno Setup entry lines: `Key: value; Key: "a value with "" for a quote"; …` as one dict each."""
    entries = []
    for line in sections.get(name, []):
        entry = {}
        for m in re.finditer(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)(?:;|$)', line):
            value = m.group(2).strip()
            if value.startswith('"'):
                value = value[1:-1].replace('""', '"')
            entry[m.group(1)] = value
        entries.append(entry)
    return entries


def expand(text: str, defines: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], text)


DEFINES, SECTIONS = read_iss(PACKAGING / "nianbao.iss")
DEFINES["AppVersion"] = VERSION  # given by the workflow: iscc /DAppVersion=<build.py --print-version>


def test_installer_names_the_app_and_its_program_as_the_build_does():
    setup = {k: expand(v, DEFINES) for k, v in iss_setup(SECTIONS).items()}
    assert setup["AppName"] == APP_NAME == build.PRODUCT_NAME
    assert setup["AppVersion"] == VERSION and setup["AppVerName"] == f"{APP_NAME} {VERSION}"
    assert DEFINES["AppExe"] == f"{build.BUNDLE_NAME}.exe"
    # the installer takes the files where packaging/build.py puts them by default (relative to the script)
    files = iss_entries(SECTIONS, "Files")
    assert [PACKAGING / Path(expand(f["Source"], DEFINES).replace("\\", "/")).parent for f in files] \
        == [PACKAGING / "dist" / build.BUNDLE_NAME]
    assert (PACKAGING / setup["OutputDir"]) == PACKAGING / "dist"
    assert setup["OutputBaseFilename"].isascii()


def test_installer_is_per_user_for_windows_10_1809_with_chinese_wizard_and_shortcuts():
    setup = iss_setup(SECTIONS)
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["MinVersion"] == "10.0.17763"
    assert setup["DefaultDirName"].startswith("{localappdata}\\Programs\\")
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # never offers the all-users (admin) install
    languages = iss_entries(SECTIONS, "Languages")
    assert [lang["MessagesFile"] for lang in languages] == ["ChineseSimplified.isl"]
    icons = iss_entries(SECTIONS, "Icons")
    assert {i["Name"].split("\\")[0] for i in icons} == {"{autoprograms}", "{autodesktop}"}
    desktop = next(i for i in icons if i["Name"].startswith("{autodesktop}"))
    task = next(t for t in iss_entries(SECTIONS, "Tasks") if t["Name"] == desktop["Tasks"])
    assert "unchecked" in task["Flags"]  # the desktop shortcut is offered, not imposed


def test_installer_offers_open_with_for_json_without_taking_json_over():
    keys = [{k: expand(v, DEFINES) for k, v in e.items()} for e in iss_entries(SECTIONS, "Registry")]
    assert all(k["Root"] == "HKA" for k in keys)  # HKEY_CURRENT_USER in a per-user install
    json_keys = [k for k in keys if k["Subkey"].lower().startswith("software\\classes\\.json")]
    # only an entry in OpenWithProgids: never the default value of .json (that would change its default program)
    assert [(k["Subkey"], k["ValueName"]) for k in json_keys] == [("Software\\Classes\\.json\\OpenWithProgids",
                                                                  DEFINES["DraftProgId"])]
    assert "uninsdeletevalue" in json_keys[0]["Flags"]
    command = next(k for k in keys if k["Subkey"] == f"Software\\Classes\\{DEFINES['DraftProgId']}\\shell\\open\\command")
    assert command["ValueData"] == f'"{{app}}\\{DEFINES["AppExe"]}" "%1"'


def test_workflow_builds_with_the_same_python_lock_and_commands_as_the_linux_build():
    from tests.test_bundle import BUILD_COMMAND, SMOKE_SCRIPT

    python = (ROOT / ".python-version").read_text().strip()
    assert WORKFLOW["env"]["PYTHON_VERSION"] == python
    assert PYPROJECT["project"]["requires-python"] == f">={python}"
    assert WORKFLOW["jobs"]["windows"]["runs-on"] == "windows-2022"
    build_line = " ".join(BUILD_COMMAND)
    for job in ("windows", "linux"):
        commands = runs(job)
        assert "uv sync --frozen --group build" in commands  # the lock file as it is, never re-resolved
        assert f"{build_line} --zip" in commands
        smoke = [c for c in commands if SMOKE_SCRIPT in c]
        assert smoke == [f"uv run --frozen python {SMOKE_SCRIPT} packaging/dist/{build.BUNDLE_NAME}"]
        uploads = [s["with"] for s in WORKFLOW["jobs"][job]["steps"] if s.get("uses", "").startswith("actions/upload")]
        assert uploads and all(u["if-no-files-found"] == "error" for u in uploads)
    assert "packaging/dist/*-setup.exe" in WORKFLOW["jobs"]["windows"]["steps"][-1]["with"]["path"]


def test_workflow_gives_the_installer_the_pyproject_version_and_the_messages_file():
    commands = "\n".join(runs("windows"))
    assert "$version = uv run --frozen python packaging/build.py --print-version" in commands
    assert '"/DAppVersion=$version" packaging\\nianbao.iss' in commands
    assert "#error" in (PACKAGING / "nianbao.iss").read_text(encoding="utf-8-sig")  # no version, no installer
    # the messages file the .iss names is downloaded next to it, from a fixed commit, and refused unless its
    # SHA-256 is the one of the file checked for this script (LanguageID $0804, Inno Setup 6.5+ messages)
    assert "-OutFile packaging/ChineseSimplified.isl" in commands
    assert re.search(r"/issrc/[0-9a-f]{40}/", WORKFLOW["env"]["ISL_URL"])
    assert re.fullmatch(r"[0-9a-f]{64}", WORKFLOW["env"]["ISL_SHA256"])
    assert "Get-FileHash -Algorithm SHA256 packaging/ChineseSimplified.isl" in commands
    assert "-ne $env:ISL_SHA256) { throw" in commands
    # the compiler is looked for where Inno Setup 6 and 7 install it, not at one version's folder
    assert "Inno Setup 6\\ISCC.exe" not in commands and "Inno Setup *\\ISCC.exe" in commands


def test_every_file_the_installer_script_names_is_there_when_iscc_runs():
    """iscc resolves relative names against the script's folder: each one is in the repository, written by
    packaging/build.py (the bundle), or downloaded there by the workflow before iscc runs."""
    setup = {k: expand(v, DEFINES) for k, v in iss_setup(SECTIONS).items()}
    written_by_build = {PACKAGING / "dist" / build.BUNDLE_NAME}
    windows_steps = [step.get("run", "") for step in WORKFLOW["jobs"]["windows"]["steps"]]
    iscc_step = next(i for i, run in enumerate(windows_steps) if "nianbao.iss" in run)
    downloaded = {PACKAGING / m.group(1) for run in windows_steps[:iscc_step]
                  for m in re.finditer(r"-OutFile packaging/(\S+)", run)}
    named = [PACKAGING / setup["SetupIconFile"].replace("\\", "/")]
    named += [PACKAGING / lang["MessagesFile"] for lang in iss_entries(SECTIONS, "Languages")]
    named += [PACKAGING / Path(expand(f["Source"], DEFINES).replace("\\", "/")).parent
              for f in iss_entries(SECTIONS, "Files")]
    for path in named:
        path = Path(os.path.normpath(path))
        assert path.exists() or path in written_by_build or path in downloaded, f"{path} is named but never there"
    assert downloaded == {PACKAGING / "ChineseSimplified.isl"}


def test_print_version_is_the_pyproject_version(capsys):
    assert build.main(["--print-version"]) == 0
    assert capsys.readouterr().out.strip() == VERSION


def test_windows_version_information_carries_product_name_and_version():
    text = build.version_info_text(VERSION, PYPROJECT["project"]["description"])
    tree = ast.parse(text, mode="eval")  # PyInstaller evaluates this file as one Python expression
    strings = {node.args[0].value: node.args[1].value for node in ast.walk(tree)
               if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StringStruct"}
    assert strings["ProductName"] == APP_NAME
    assert strings["ProductVersion"] == strings["FileVersion"] == VERSION
    assert strings["OriginalFilename"] == "nianbao.exe"
    fixed = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "FixedFileInfo")
    filevers = ast.literal_eval(next(k.value for k in fixed.keywords if k.arg == "filevers"))
    assert filevers == build.version_tuple(VERSION) and len(filevers) == 4
    assert build.version_tuple("1.2.3rc1") == (1, 2, 3, 0)


def test_portable_zip_holds_the_bundle_folder_under_ascii_names(tmp_path):
    bundle = tmp_path / "dist" / "nianbao"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "nianbao").write_bytes(b"program")
    (bundle / "_internal" / "data.txt").write_text("x")
    archive = build.portable_zip(bundle, VERSION)
    assert archive.name.isascii() and VERSION in archive.name
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == ["nianbao/_internal/data.txt", "nianbao/nianbao"]
    (bundle / "示例.json").write_text("{}")
    with pytest.raises(SystemExit, match="non-ASCII"):
        build.portable_zip(bundle, VERSION)


# -- Windows version information, read by PyInstaller itself --------------------------------------------
VERSION_INFO_READER = r"""
import json, sys, types
# PyInstaller's version-file reader is plain Python; the module also imports the Windows-only helpers it uses
# for writing into an .exe, which the reading never touches
sys.modules.setdefault("pefile", types.ModuleType("pefile"))
import PyInstaller.compat
if not hasattr(PyInstaller.compat, "win32api"):
    PyInstaller.compat.win32api = None
from PyInstaller.utils.win32.versioninfo import load_version_info_from_text_file
result = {}
for path in sys.argv[1:]:
    info = load_version_info_from_text_file(path)
    tables = [t for kid in info.kids if type(kid).__name__ == "StringFileInfo" for t in kid.kids]
    translations = [v.kids for kid in info.kids if type(kid).__name__ == "VarFileInfo" for v in kid.kids]
    raw = info.toRaw()
    result[path] = {
        "file_version": [info.ffi.fileVersionMS >> 16, info.ffi.fileVersionMS & 0xFFFF,
                         info.ffi.fileVersionLS >> 16, info.ffi.fileVersionLS & 0xFFFF],
        "tables": {t.name: {s.name: s.val for s in t.kids} for t in tables},
        "translations": translations,
        "raw_has_product_name": "政务公开年报助手".encode("utf-16-le") in raw,
    }
print(json.dumps(result, ensure_ascii=False))
"""


def test_windows_version_information_is_read_by_pyinstaller_with_product_name_and_version(tmp_path):
    build.write_generated(tmp_path)
    files = {"nianbao.exe": tmp_path / "version_info.txt", "nianbao-cli.exe": tmp_path / "version_info_cli.txt"}
    uv = os.environ.get("UV") or "uv"
    proc = subprocess.run([uv, "run", "--frozen", "--group", "build", "python", "-c", VERSION_INFO_READER,
                           *map(str, files.values())], capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    read = json.loads(proc.stdout)
    for exe, path in files.items():
        info = read[str(path)]
        assert info["file_version"] == list(build.version_tuple(VERSION))
        assert list(info["tables"]) == ["080404b0"]  # zh-CN, UTF-16: shown in Chinese in Properties → 详细信息
        strings = info["tables"]["080404b0"]
        assert strings["ProductName"] == APP_NAME == "政务公开年报助手"
        assert strings["ProductVersion"] == strings["FileVersion"] == VERSION
        assert strings["OriginalFilename"] == exe
        assert APP_NAME in strings["FileDescription"]
        assert info["translations"] == [[0x0804, 1200]]
        assert info["raw_has_product_name"]  # the binary resource written into the .exe holds the name
    assert read[str(files["nianbao-cli.exe"])]["tables"]["080404b0"]["FileDescription"] != \
        read[str(files["nianbao.exe"])]["tables"]["080404b0"]["FileDescription"]


# -- the application icon ----------------------------------------------------------------------------------
ICON_SIZES = [16, 24, 32, 48, 64, 256]


def test_the_window_icon_is_set_in_every_size(qtbot):
    from gui.app import make_app

    app = make_app()
    window = open_window(qtbot)
    for icon in (app.windowIcon(), window.windowIcon()):
        assert not icon.isNull()
        sizes = {s.width() for s in icon.availableSizes()}
        assert set(ICON_SIZES) <= sizes
    # the title bar's 16 px picture is the one drawn for 16 px, not a blur of the large one
    small = window.windowIcon().pixmap(16, 16).toImage()
    drawn = QImage(str(ROOT / "resources" / "icon-16.png"))
    assert small.size() == drawn.size() and small.convertToFormat(drawn.format()) == drawn
    close_quietly(window)


def test_the_ico_holds_each_size_windows_asks_for_and_each_picture_is_the_icon():
    import make_icon  # packaging/make_icon.py

    pictures = make_icon.read_ico((ROOT / "resources" / "icon.ico").read_bytes())
    assert [(w, h) for w, h, _ in pictures] == [(s, s) for s in ICON_SIZES]
    for size, (_w, _h, data) in zip(ICON_SIZES, pictures):
        image = QImage.fromData(data)
        assert (image.width(), image.height()) == (size, size)
        assert image == QImage(str(ROOT / "resources" / f"icon-{size}.png"))
    # the red of the header and seal is there at 16 px: the mark reads in a title bar
    small = QImage.fromData(pictures[0][2])
    reds = sum(1 for x in range(16) for y in range(16)
               if small.pixelColor(x, y).red() > 180 and small.pixelColor(x, y).green() < 60)
    assert reds >= 20


def test_the_icon_files_are_the_drawings_rendered(tmp_path):
    proc = subprocess.run([sys.executable, str(PACKAGING / "make_icon.py"), "--check"], capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_exe_the_installer_its_shortcuts_and_the_uninstaller_carry_the_icon():
    spec = (PACKAGING / "nianbao.spec").read_text(encoding="utf-8")
    assert re.search(r'ICON = ROOT / "resources" / "icon\.ico"', spec) and "icon=str(ICON)" in spec
    setup = {k: expand(v, DEFINES) for k, v in iss_setup(SECTIONS).items()}
    assert (PACKAGING / setup["SetupIconFile"].replace("\\", "/")).resolve() == ROOT / "resources" / "icon.ico"
    app_exe = f"{{app}}\\{DEFINES['AppExe']}"
    assert setup["UninstallDisplayIcon"] == app_exe  # Windows 设置 → 应用 shows the .exe's icon
    for shortcut in iss_entries(SECTIONS, "Icons"):
        assert expand(shortcut["Filename"], DEFINES) == app_exe
        assert expand(shortcut["IconFilename"], DEFINES) == app_exe


# -- 自检 ----------------------------------------------------------------------------------------------------
SELF_CHECK_STEPS = ["打开主窗口", "程序图标", "填写表格", "输入文字", "保存草稿", "重新打开", "导出全部格式", "打印"]


def test_self_check_does_a_users_work_and_leaves_the_users_folders_alone(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(tmp_path))
    # as on a server without a desktop: no display and no platform chosen, the self-check goes off screen itself
    for name in ("NIANBAO_RECOVERY_DIR", "QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--self-check"], capture_output=True, text=True,
                          encoding="utf-8", cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("自检开始")
    assert [line.split("：")[0] for line in lines[1:-1]] == [f"通过  {step}" for step in SELF_CHECK_STEPS]
    assert lines[-1].startswith(f"自检通过：{len(SELF_CHECK_STEPS)} 项全部正常")
    assert "Traceback" not in proc.stderr
    # settings, recent files and recovery files went to its own temporary folder, which it removed
    assert not [p for p in home.rglob("*") if p.is_file() and "nianbao" in p.as_posix().lower()
                and "/cache/" not in p.as_posix()]
    assert not list(tmp_path.glob("nianbao-selfcheck-*"))


# -- version -----------------------------------------------------------------------------------------------
def test_version_comes_from_pyproject_in_a_checkout_and_from_version_txt_in_a_bundle(tmp_path, monkeypatch):
    from model import version as version_module

    version_module.version.cache_clear()
    assert version_module.version() == VERSION
    bundled = tmp_path / "version.txt"
    bundled.write_text("9.8.7\n", encoding="utf-8")
    monkeypatch.setattr(version_module, "BUNDLED_VERSION", bundled)
    version_module.version.cache_clear()
    try:
        assert version_module.version() == "9.8.7"
    finally:
        version_module.version.cache_clear()


def test_main_version_prints_the_version_and_exits_0():
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"{APP_NAME} {VERSION}"
    assert proc.stderr == ""


# -- GUI ---------------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def quiet_close(monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda parent, name: "discard")


@pytest.fixture
def log_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "日志 文件夹"
    monkeypatch.setenv("NIANBAO_LOG_DIR", str(folder))
    return folder


def open_window(qtbot) -> MainWindow:
    return show_report(qtbot, "sample-2024")


def menu_action(window, menu_title: str, text: str):
    for menu_action_ in window.menuBar().actions():
        if menu_action_.text().startswith(menu_title):
            # the menus show a keyboard mnemonic after the name: 关于(&A)
            return next(a for a in menu_action_.menu().actions() if a.text().split("(&")[0] == text)
    raise AssertionError(f"no menu {menu_title}")


def test_help_about_shows_version_formats_from_the_format_data_and_the_log_folder(qtbot, log_dir):
    window = open_window(qtbot)
    seen = {}

    def read_and_close(dialog):
        seen["title"] = dialog.windowTitle()
        seen["text"] = dialog.text.text()
        dialog.accept()

    failures: list[str] = []
    on_modal(read_and_close, failures)
    menu_action(window, "帮助", "关于").trigger()
    assert not failures
    assert seen["title"] == f"关于{APP_NAME}"
    assert f"版本 {VERSION}" in seen["text"]
    for fid in format_ids():
        data = get_format(fid).data
        assert data.name in seen["text"] and data.notice in seen["text"]
    assert str(log_dir) in seen["text"]
    close_quietly(window)


def first_editable_cell(page):
    model = page.model
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                return index
    raise AssertionError("no editable cell")


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_logged_shown_in_chinese_and_the_app_goes_on(qtbot, log_dir, recovery_dir, monkeypatch):
    window = open_window(qtbot)
    table = next(sid for sid, page in window.pages.items() if hasattr(page, "view") and hasattr(page, "model"))
    window.go_to(table)
    page = window.pages[table]
    index = first_editable_cell(page)
    page.view.setCurrentIndex(index)
    page.view.edit(index)
    editor = page.view.indexWidget(index) or page.view.focusWidget()
    editor.clear()
    qtbot.keyClicks(editor, "4321")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # an unsaved change the crash must not lose
    shown: list[str] = []
    monkeypatch.setattr(crash, "show_crash_dialog", shown.append)
    reporter = crash.install(QApplication.instance())
    try:
        def broken_slot():
            raise ValueError("测试用的意外错误")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
        # the log has the traceback, in the per-user log folder
        logs = list(log_dir.glob("error-*.log"))
        assert len(logs) == 1
        log_text = logs[0].read_text(encoding="utf-8")
        assert "Traceback" in log_text and "broken_slot" in log_text and "测试用的意外错误" in log_text
        assert f"version: {VERSION}" in log_text
        # the dialog says what happened, that the work is in the recovery file, and where the log is
        message = shown[0]
        assert "意外错误" in message and "测试用的意外错误" in message
        assert "恢复文件" in message and "没有丢失" in message
        assert str(logs[0]) in message
        # …and it is: the recovery file holds the typed figure
        recovered = [json.loads(p.read_text(encoding="utf-8")) for p in recovery_dir.glob("*.json")]
        assert any("4321" in json.dumps(r["draft"]) for r in recovered)
        # the app goes on: the window is there and still takes edits
        assert window.isVisible()
        window.controller.undo_stack.undo()
        assert window.controller.dirty is False or window.controller.undo_stack.canRedo()
    finally:
        reporter.uninstall()
    close_quietly(window)


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_worker_thread_is_shown_on_the_gui_thread(qtbot, log_dir, monkeypatch):
    shown: list[tuple[str, bool]] = []
    monkeypatch.setattr(crash, "show_crash_dialog",
                        lambda message: shown.append((message, threading.current_thread() is threading.main_thread())))
    reporter = crash.install(QApplication.instance())
    try:
        worker = threading.Thread(target=lambda: 1 / 0, name="worker")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
        assert shown[0][1], "the dialog must be shown from the GUI thread"
        assert "ZeroDivisionError" in shown[0][0]
        assert "thread worker" in next(log_dir.glob("error-*.log")).read_text(encoding="utf-8")
    finally:
        reporter.uninstall()


def test_the_app_and_the_commands_write_their_logs_to_one_per_user_folder(tmp_path):
    script = ("import sys; sys.path.insert(0, sys.argv[1]); import main; from gui.user_folders import log_folder; "
              "print(log_folder()); print(main.log_dir())")
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_LOG_DIR"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, env=env,
                          encoding="utf-8", timeout=60)
    gui_folder, cli_folder = proc.stdout.splitlines()
    assert gui_folder == cli_folder == str(tmp_path / "cache" / "nianbao" / "logs")


def test_save_and_export_start_in_documents(qtbot, tmp_path, monkeypatch):
    documents = tmp_path / "文档"
    documents.mkdir()
    real = QStandardPaths.writableLocation

    def locations(kind):
        return str(documents) if kind == QStandardPaths.StandardLocation.DocumentsLocation else real(kind)

    import gui.user_folders as user_folders
    monkeypatch.setattr(user_folders.QStandardPaths, "writableLocation", staticmethod(locations))
    window = open_window(qtbot)
    window._is_sample = True
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggested: asked.append(suggested) or None)
    window.save_as_action.trigger()
    assert Path(asked[0]).parent == documents
    from PySide6.QtCore import QSettings

    QSettings().remove("export/folder")
    window.go_to("export")
    assert Path(window.pages["export"]._default_folder()) == documents
    close_quietly(window)


def test_windows_fonts_are_searched_in_the_system_and_the_per_user_folder(tmp_path, monkeypatch):
    from export import fonts

    system = tmp_path / "Windows" / "Fonts"
    user = tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    system.mkdir(parents=True)
    user.mkdir(parents=True)
    (system / "simfang.ttf").write_bytes(b"")
    (user / "SimSunB.TTF").write_bytes(b"")  # installed "for this user only", in any letter case
    monkeypatch.setattr(fonts.sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    fonts._file_index.cache_clear()
    try:
        assert fonts.font_dirs() == [system, user]
        index = fonts._file_index()
        assert index["simfang.ttf"] == system / "simfang.ttf"
        assert index["simsunb.ttf"] == user / "SimSunB.TTF"
        # SimSun-ExtB is in the chain for characters of CJK Extension B (rare name characters)
        assert any(name == "simsunb.ttf" for name, _sub, _display in fonts._FALLBACKS)
    finally:
        monkeypatch.undo()
        fonts._file_index.cache_clear()


HIGH_DPI_CHECK = r"""
import sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from gui.app import make_app
from gui.controller import ReportController
from gui.main_window import MainWindow
from model.drafts_io import load_draft
from model.state import ReportState
app = make_app()
assert QGuiApplication.highDpiScaleFactorRoundingPolicy() == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
window = MainWindow(ReportController(ReportState(load_draft(sys.argv[2])), None))
window.resize(1280, 720)
window.show()
app.processEvents()
print("dpr", window.devicePixelRatio())
problems = []
hint = window.minimumSizeHint()
if hint.width() > 1280 or hint.height() > 720 or (window.width(), window.height()) != (1280, 720):
    problems.append(f"window needs {hint.width()}x{hint.height()}, is {window.width()}x{window.height()}")
for row in range(window.step_list.count()):
    window.step_list.setCurrentRow(row)
    app.processEvents()
    page = window.stack.currentWidget()
    need = page.minimumSizeHint()
    if need.width() > page.width() or need.height() > page.height():
        problems.append(f"{window.step_list.item(row).text()}: needs {need.width()}x{need.height()}, "
                        f"has {page.width()}x{page.height()}")
print("\n".join(problems) or "fits")
window.controller.undo_stack.setClean()
"""


def test_at_150_percent_every_page_fits_a_1280x720_window(tmp_path):
    env = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM="offscreen", NIANBAO_RECOVERY_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", HIGH_DPI_CHECK, str(ROOT), str(ROOT / "seeds" / "sample-2024.json")],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert lines[0] == "dpr 1.5"  # the factor is used as it is (PassThrough), not rounded to 2
    assert lines[1:] == ["fits"]
