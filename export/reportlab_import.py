"""reportlab, imported without the parts of its import this program never uses: a tenth of every export.

Two costs of importing reportlab serve features this program does not have, and are left out:

- reportlab.lib.utils imports urllib.request (with ssl, http.client and the email parser: about 20 ms) to read
  pictures and fonts given as URLs; this program hands reportlab bytes and file paths only. While that module is
  imported, urllib.request is a stand-in whose two names reportlab keeps (urlopen, Request) import the real module
  when first called; the stand-in is then removed, so whoever imports urllib.request later gets the real one.
- reportlab.platypus compiles two patterns as module constants — a case-insensitive URL pattern over most of
  Unicode (to break URLs in its Paragraph; about 30 ms) and a CJK character class (for its cjkwrap; 4 ms). This
  program sets every line itself (export.linebreak) and never uses either, so while platypus is imported those two
  are objects that compile their pattern when first used; every other pattern compiles as usual.

Each step is skipped when its module is already imported, and a reportlab whose code reads differently is simply
imported as it is (only slower). The modules of export/ that import reportlab import this module first.
"""

from __future__ import annotations

import re
import sys
import threading
import types

# How the two patterns read in reportlab 4.x; nothing else reportlab compiles begins like these.
_DEFERRED_PATTERNS = ("(^(?:[a-z0-9\\.\\-\\+]*)://)", "([\u2e80-\uffff])")

_IMPORT_LOCK = threading.Lock()


class CompiledOnFirstUse:
    """Stands for re.compile(pattern, flags) and compiles it when one of its methods is first asked for."""

    def __init__(self, pattern: str, flags: int):
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return getattr(self._compiled, name)


class _ImportedOnFirstCall:
    """Stands for a callable of urllib.request (urlopen, Request) and imports that module when first called."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, *args, **kwargs):
        import urllib.request

        return getattr(urllib.request, self.name)(*args, **kwargs)


def _import_utils() -> None:
    if "reportlab.lib.utils" in sys.modules or "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request", "urllib.request until reportlab calls it (export.reportlab_import)")
    stand_in.urlopen = _ImportedOnFirstCall("urlopen")
    stand_in.Request = _ImportedOnFirstCall("Request")
    sys.modules["urllib.request"] = stand_in
    try:
        import reportlab.lib.utils  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]


def import_platypus() -> None:
    """Import reportlab.platypus (once per process), its two unused patterns compiled only on first use."""
    if "reportlab.platypus" in sys.modules:
        return
    with _IMPORT_LOCK:
        if "reportlab.platypus" in sys.modules:
            return
        _import_utils()
        real_compile = re.compile

        def compile_deferring_unused(pattern, flags=0):
            if isinstance(pattern, str) and pattern.startswith(_DEFERRED_PATTERNS):
                return CompiledOnFirstUse(pattern, flags)
            return real_compile(pattern, flags)

        re.compile = compile_deferring_unused
        try:
            import reportlab.platypus  # noqa: F401
        finally:
            re.compile = real_compile


with _IMPORT_LOCK:
    _import_utils()
