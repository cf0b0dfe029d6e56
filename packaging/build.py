"""Build the one-folder bundle: the one command used on Linux, by tests/test_bundle.py and by the Windows workflow.

    uv run --frozen --group build python packaging/build.py [--dist DIR] [--work DIR] [--zip] [--no-prune]
    uv run --frozen python packaging/build.py --print-version

Writes DIST/nianbao/ with two programs, `nianbao` (the app; windowed on Windows) and `nianbao-cli` (the
commands; a console program on Windows), and with --zip a portable zip beside it whose names are all ASCII.
The version comes from pyproject.toml: it goes into the bundle as resources/version.txt (a bundle has no
pyproject.toml) and, on Windows, into the programs' version information (Properties → 详细信息).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "nianbao.spec"
PRODUCT_NAME = "政务公开年报助手"
COMPANY_NAME = "政务公开年报助手项目"
BUNDLE_NAME = "nianbao"  # folder and program names: ASCII on purpose (zip extractors with GBK code pages)


def project() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """"1.2.3" → (1, 2, 3, 0): Windows version resources hold four numbers; anything after a number is dropped."""
    numbers = []
    for part in version.split(".")[:4]:
        leading = re.match(r"\d*", part).group()  # "3rc1" → 3
        numbers.append(min(int(leading or 0), 65535))
    return tuple((numbers + [0, 0, 0, 0])[:4])


# the two programs of the bundle: file name → what Properties → 详细信息 and Task Manager call it
PROGRAMS = {f"{BUNDLE_NAME}.exe": PRODUCT_NAME, f"{BUNDLE_NAME}-cli.exe": f"{PRODUCT_NAME}（命令行）"}


def version_info_text(version: str, description: str, exe_name: str = f"{BUNDLE_NAME}.exe") -> str:
    """The VSVersionInfo file PyInstaller's EXE(version=…) reads (a Python expression)."""
    v = version_tuple(version)
    strings = {
        "CompanyName": COMPANY_NAME,
        "FileDescription": PROGRAMS[exe_name],
        "FileVersion": version,
        "InternalName": exe_name.removesuffix(".exe"),
        "Comments": description,
        "OriginalFilename": exe_name,
        "ProductName": PRODUCT_NAME,
        "ProductVersion": version,
    }
    entries = ",\n".join(f"          StringStruct({k!r}, {val!r})" for k, val in strings.items())
    # 0x0804 = zh-CN, 1200 = UTF-16: Windows shows the Chinese strings as they are
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1, subtype=0x0,
                    date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
{entries}
    ])]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def version_info_name(exe_name: str) -> str:
    """version_info.txt for nianbao.exe, version_info_cli.txt for nianbao-cli.exe (read by nianbao.spec)."""
    suffix = exe_name.removesuffix(".exe").removeprefix(BUNDLE_NAME).replace("-", "_")
    return f"version_info{suffix}.txt"


def write_generated(folder: Path) -> str:
    meta = project()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "version.txt").write_text(meta["version"] + "\n", encoding="utf-8")
    for exe_name in PROGRAMS:
        (folder / version_info_name(exe_name)).write_text(
            version_info_text(meta["version"], meta.get("description", ""), exe_name), encoding="utf-8")
    return meta["version"]


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")
    machine = platform.machine().lower().replace("amd64", "x64").replace("x86_64", "x64")
    return f"{system}-{machine}"


def portable_zip(bundle: Path, version: str) -> Path:
    """nianbao-VERSION-PLATFORM-portable.zip holding nianbao/…; refuses any non-ASCII name inside."""
    target = bundle.parent / f"{BUNDLE_NAME}-{version}-{platform_tag()}-portable.zip"
    tmp = target.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(bundle.rglob("*")):
            name = path.relative_to(bundle.parent).as_posix()
            if not name.isascii():
                raise SystemExit(f"non-ASCII name in the bundle, the portable zip would break on GBK systems: {name}")
            if path.is_file():
                zf.write(path, name)
    os.replace(tmp, target)
    return target


def build(dist: Path, work: Path, prune: bool = True) -> Path:
    version = write_generated(work / "generated")
    env = dict(os.environ, NIANBAO_BUILD_GENERATED=str(work / "generated"), NIANBAO_PRUNE="1" if prune else "0")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)], check=True, env=env, cwd=ROOT)
    bundle = dist / BUNDLE_NAME
    print(f"bundle {bundle}: version {version}, {folder_size(bundle) / 2**20:.1f} MiB")
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dist", type=Path, default=HERE / "dist", help="where the bundle folder goes")
    parser.add_argument("--work", type=Path, default=HERE / "build", help="PyInstaller's work folder")
    parser.add_argument("--zip", action="store_true", help="also write the portable zip next to the bundle")
    parser.add_argument("--no-prune", action="store_true", help="keep every Qt part (to measure what pruning saves)")
    parser.add_argument("--print-version", action="store_true",
                        help="only print the version from pyproject.toml (the installer script is given it)")
    args = parser.parse_args(argv)
    if args.print_version:
        print(project()["version"])
        return 0
    bundle = build(args.dist.resolve(), args.work.resolve(), prune=not args.no_prune)
    if args.zip:
        archive = portable_zip(bundle, project()["version"])
        print(f"portable zip {archive}: {archive.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
