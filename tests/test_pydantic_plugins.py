"""A package installed beside the program never hooks into how drafts and format files are validated."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _plugin_package(folder: Path, marker: Path) -> None:
    """An installed package that declares a pydantic plugin (entry point group "pydantic") and notes its loading."""
    (folder / "spy_plugin.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "class SpyPlugin:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = SpyPlugin()\n", encoding="utf-8")
    info = folder / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n", encoding="utf-8")


def test_a_pydantic_plugin_installed_beside_the_program_is_never_loaded(tmp_path):
    packages, marker = tmp_path / "site", tmp_path / "plugin-loaded"
    packages.mkdir()
    _plugin_package(packages, marker)
    env = dict(os.environ, PYTHONPATH=str(packages))
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    # the spy is found where pydantic looks for plugins, so a plugin loader would load it
    found = subprocess.run([sys.executable, "-c", "from importlib.metadata import entry_points;"
                            "print([e.name for e in entry_points(group='pydantic')])"],
                           env=env, capture_output=True, text=True, check=True)
    assert "spy" in found.stdout
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "check", str(ROOT / "seeds" / "sample-2024.json")],
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "sample-2024.json" in proc.stdout
    assert not marker.exists()
