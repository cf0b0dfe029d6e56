"""The program's version: pyproject.toml in a source checkout, resources/version.txt in a built bundle.

A bundle has no pyproject.toml, so packaging/build.py writes the version into resources/version.txt of the
bundle; the source tree never has that file, so a checkout always reports what pyproject.toml says.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_VERSION = ROOT / "resources" / "version.txt"
PYPROJECT = ROOT / "pyproject.toml"
UNKNOWN = "未知版本"
APP_NAME = "政务公开年报助手"  # the product name users see (window titles, Windows version information)


def pyproject_version(path: Path = PYPROJECT) -> str:
    with open(path, "rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


@cache
def version() -> str:
    """e.g. "0.1.0"; UNKNOWN when neither file can be read (never an exception: it is shown, not relied on)."""
    try:
        return BUNDLED_VERSION.read_text(encoding="utf-8").strip() or UNKNOWN
    except OSError:
        pass
    try:
        return pyproject_version()
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return UNKNOWN
