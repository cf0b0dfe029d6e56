"""What an export pays for before it sees the report: nothing it never uses."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fresh(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_reportlab_url_pattern_is_not_compiled_by_the_pdf_writers_import():
    out = _fresh(
        "import export.pdf_writer, re\n"
        "import reportlab.platypus.paragraph as p\n"
        "print(isinstance(p.uri_pat, re.Pattern), getattr(p.uri_pat, '_compiled', 'compiled'))\n")
    assert out.split() == ["False", "None"]


def test_the_deferred_url_pattern_matches_as_reportlab_compiled_it():
    out = _fresh(
        "import export.pdf_writer, re, json\n"
        "import reportlab.platypus.paragraph as p\n"
        "urls = ['http://www.gov.cn/zhengce/', 'HTTPS://例子.中国/路径?x=1', 'ftp://10.0.0.1:21/a', 'no url', 'mailto:x@y']\n"
        "real = re.compile(p.uri_pat.pattern, p.uri_pat.flags)\n"
        "print(json.dumps([[bool(p.uri_pat.match(u)), bool(real.match(u))] for u in urls]))\n")
    pairs = __import__("json").loads(out)
    assert [a for a, _ in pairs] == [b for _, b in pairs]
    assert [a for a, _ in pairs][:3] == [True, True, True]


def test_reportlabs_cjk_wrapping_pattern_is_not_compiled_either_and_still_works():
    out = _fresh("import export.pdf_writer, re\n"
                 "import reportlab.lib.textsplit as t\n"
                 "print(isinstance(t.rx, re.Pattern), t.rx.split('中a文') == re.split('([\\u2e80-\\uffff])', '中a文'))\n")
    assert out.split() == ["False", "True"]


def test_reportlab_is_imported_without_urllib_request_which_is_real_when_imported_later():
    out = _fresh("import sys, export.pdf_writer, export.fonts\n"
                 "print('urllib.request' in sys.modules, 'ssl' in sys.modules)\n"
                 "import urllib.request\n"
                 "print(hasattr(urllib.request, 'build_opener'))\n"
                 "import reportlab.lib.utils as u\n"
                 "req = u.Request('http://example.invalid/x', headers={'A': 'b'})\n"  # reportlab's name: the real one
                 "print(type(req).__module__, req.get_header('A'))\n")
    assert out.split() == ["False", "False", "True", "urllib.request", "b"]


def test_other_patterns_compile_as_usual_after_the_import():
    out = _fresh("import export.pdf_writer, re\n"
                 "print(type(re.compile('(^(?:[a-z0-9]*)://)')).__name__, re.compile.__qualname__)\n")
    assert out.split() == ["Pattern", "compile"]  # re.compile is re's own again once platypus is imported


_RENDER = """
import sys
sys.path.insert(0, {root!r})
from reportlab import rl_config
rl_config.invariant = 1  # no time stamps or random ids: equal files for equal pages
from model.drafts_io import load_draft
from model.state import ReportState
from export.writers import export_layout
import export.pdf_writer as pw
doc, _ = export_layout(ReportState(load_draft({draft!r})), allow_errors=True)
fonts = pw.find_fonts()
if {prepare}:
    pw.prepare_pdf()
loaded = set(sys.modules)
data = pw.render_pdf(doc, fonts)
sys.stdout.buffer.write(repr((sorted(set(sys.modules) - loaded), len(data))).encode() + b"\\n")
open({out!r}, "wb").write(data)
"""


def test_the_pdf_process_loads_ahead_what_the_reports_pages_need_and_the_pages_are_the_same(tmp_path):
    """An export's PDF process prepares while the report is read (export.pdf_writer.prepare_pdf): once the layout
    arrives, setting the pages loads nothing more — and the file is byte for byte the one set without it."""
    draft = str(ROOT / "seeds" / "yuexiu-2023.json")  # text, tables and two photos
    outputs = {}
    for prepare in (False, True):
        out = tmp_path / f"{prepare}.pdf"
        code = _RENDER.format(root=str(ROOT), draft=draft, prepare=prepare, out=str(out))
        imported, _ = eval(_fresh(code))  # noqa: S307 — our own subprocess's repr
        outputs[prepare] = (imported, out.read_bytes())
    assert outputs[False][0]  # without it, the pages import (picture decoders, …) as they are set
    assert outputs[True][0] == []
    assert outputs[True][1] == outputs[False][1]
