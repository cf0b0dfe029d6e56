"""reportlab's page-layout engine (platypus), imported without compiling a pattern this program never uses.

Importing reportlab.platypus compiles, as a constant of reportlab.platypus.paragraph, `uri_pat`: a case-insensitive
URL pattern over most of Unicode that reportlab's Paragraph uses to break long URLs. Compiling it costs about 30 ms —
a tenth of a whole export — and this program never uses reportlab's Paragraph (export.linebreak sets every line). So
while platypus is imported, that one pattern is made an object that compiles it on its first use; every other
pattern is compiled as usual, and a reportlab whose pattern reads differently is simply imported as it is.
"""

from __future__ import annotations

import re
import sys
import threading

# How reportlab's URL pattern begins (reportlab 4.x); nothing else reportlab compiles begins like this.
_URL_PATTERN_START = "(^(?:[a-z0-9\\.\\-\\+]*)://)"

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


def import_platypus() -> None:
    """Import reportlab.platypus (once per process), deferring the URL pattern's compilation."""
    if "reportlab.platypus" in sys.modules:
        return
    with _IMPORT_LOCK:
        if "reportlab.platypus" in sys.modules:
            return
        real_compile = re.compile

        def compile_deferring_url_pattern(pattern, flags=0):
            if isinstance(pattern, str) and pattern.startswith(_URL_PATTERN_START):
                return CompiledOnFirstUse(pattern, flags)
            return real_compile(pattern, flags)

        re.compile = compile_deferring_url_pattern
        try:
            import reportlab.platypus  # noqa: F401
        finally:
            re.compile = real_compile


import_platypus()
