"""Mutated inputs through `import`: exit codes, tracebacks, time and peak memory of every run.

    uv run python benchmarks/fuzz_imports.py 2000                 # this checkout
    uv run python benchmarks/fuzz_imports.py 2000 --repo /tmp/base # another checkout of the project

Inputs are built from the seeds (report texts, and the PDF, Word and Excel files this checkout exports) and
mutated deterministically: byte flips, truncation, renamed extensions, zip bombs, a huge declared sheet,
deeply nested XML, too many zip members, PDF stream bombs, empty and random files. Each import runs in a
process of its own (forked from one that has loaded the program, so start-up is paid once) with a 60 s
limit and a 4 GiB address-space cap; its peak resident memory is the kernel's ru_maxrss and includes the
loaded program itself.

The contract checked: exit 0, 1 or 2; no traceback; a message on stderr in Chinese when the exit is 2.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_S = 60
SLOW_S = 20
HEAVY_BYTES = 1 << 30
ADDRESS_SPACE_CAP = 4 << 30
_PRODUCT_NAMES = {"Word", "Excel", "Office", "Unicode", "JPEG", "gzip"}


# ---------------------------------------------------------------- inputs


def originals(folder: Path) -> dict[str, bytes]:
    """The unmutated inputs: two published report texts and this checkout's exports of the sample."""
    sys.path.insert(0, str(ROOT))
    from export.writers import write_report
    from model.drafts_io import load_draft
    from model.state import ReportState

    out = {name: (ROOT / "seeds" / name).read_bytes() for name in ("panyu-2020.txt", "yuexiu-2023.txt")}
    state = ReportState(load_draft(ROOT / "seeds" / "sample-2024.json"))
    for kind in ("pdf", "docx", "xlsx"):
        path = write_report(state, kind, folder / f"sample.{kind}", allow_errors=True).path
        out[f"sample.{kind}"] = Path(path).read_bytes()
    return out


def _rezip(data: bytes, replace: dict[str, bytes], *, drop: str | None = None, extra: int = 0) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename == drop:
                continue
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for i in range(extra):
            dst.writestr(f"extra/item{i}.xml", b"")
    return buf.getvalue()


def _bomb_member(data: bytes, member: str, size: int) -> bytes:
    """The package with *member* replaced by *size* bytes that compress to almost nothing."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename == member:
                bomb = zipfile.ZipInfo(member)
                bomb.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(bomb, "w", force_zip64=True) as out:
                    head = src.read(member)[:2000]
                    out.write(head)
                    chunk = b" " * (1 << 20)
                    for _ in range((size - len(head)) // len(chunk)):
                        out.write(chunk)
            else:
                dst.writestr(info, src.read(info.filename))
    return buf.getvalue()


def _lying_sizes(data: bytes, member: str) -> bytes:
    """The central directory says *member* is 100 bytes; its stream inflates to far more."""
    blob = bytearray(data)
    name = member.encode()
    at = blob.rfind(b"PK\x01\x02" + bytes(0), 0)
    while at != -1:
        n = int.from_bytes(blob[at + 28:at + 30], "little")
        if blob[at + 46:at + 46 + n] == name:
            blob[at + 24:at + 28] = (100).to_bytes(4, "little")
            break
        at = blob.rfind(b"PK\x01\x02", 0, at)
    return bytes(blob)


def _huge_sheet(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    sheet = next(n for n in src.namelist() if n.startswith("xl/worksheets/sheet"))
    xml = src.read(sheet).decode()
    xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
    xml = xml.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>')
    if "<mergeCells" not in xml:
        xml = xml.replace("</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>')
    return _rezip(data, {sheet: xml.encode()})


def _nested(data: bytes, member: str, depth: int) -> bytes:
    xml = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           + "<w:body>" + "<w:p>" * depth + "</w:p>" * depth + "</w:body></w:document>")
    return _rezip(data, {member: xml.encode()})


def _pdf_stream_bomb(size: int) -> bytes:
    import zlib

    stream = zlib.compress(b"BT /F1 12 Tf 0 0 Td (x) Tj ET\n" * (size // 30), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _many_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(595, 842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_case(i: int, base: dict[str, bytes], rng: random.Random) -> tuple[str, str, bytes]:
    """(kind of mutation, file name, content) of case *i*; every 50th case is a heavy one."""
    names = sorted(base)
    name = names[i % len(names)]
    data = base[name]
    stem, suffix = name.rsplit(".", 1)
    if i % 50 == 49:
        heavy = (i // 50) % 8
        if heavy == 0:
            return "zip bomb docx 1 GB", "bomb.docx", _bomb_member(base["sample.docx"], "word/document.xml", 1 << 30)
        if heavy == 1:
            return "zip bomb xlsx 600 MB", "bomb.xlsx", _bomb_member(base["sample.xlsx"], "xl/worksheets/sheet1.xml", 600 << 20)
        if heavy == 2:
            return "huge declared sheet", "huge.xlsx", _huge_sheet(base["sample.xlsx"])
        if heavy == 3:
            return "deeply nested xml", "deep.docx", _nested(base["sample.docx"], "word/document.xml", 100_000)
        if heavy == 4:
            return "too many zip members", "many.docx", _rezip(base["sample.docx"], {}, extra=60_000)
        if heavy == 5:
            return "pdf stream bomb", "bomb.pdf", _pdf_stream_bomb(400 << 20)
        if heavy == 6:
            return "pdf 5000 pages", "pages.pdf", _many_pages(5000)
        bomb = _bomb_member(base["sample.docx"], "word/document.xml", 300 << 20)
        return "lying zip sizes", "lying.docx", _lying_sizes(bomb, "word/document.xml")
    kind = i % 7
    blob = bytearray(data)
    if kind in (0, 1):
        for _ in range(rng.randint(1, 40)):
            blob[rng.randrange(len(blob))] = rng.randrange(256)
        return "byte flips", name, bytes(blob)
    if kind == 2:
        return "truncated", name, bytes(blob[: rng.randrange(len(blob))])
    if kind == 3:
        other = rng.choice([s for s in ("txt", "pdf", "docx", "xlsx") if s != suffix])
        return "renamed", f"{stem}.{other}", data
    if kind == 4 and suffix in ("docx", "xlsx"):
        members = zipfile.ZipFile(io.BytesIO(data)).namelist()
        member = rng.choice(members)
        if rng.random() < 0.5:
            return "member dropped", name, _rezip(data, {}, drop=member)
        content = zipfile.ZipFile(io.BytesIO(data)).read(member)
        cut = content[: rng.randrange(len(content) + 1)]
        return "member truncated", name, _rezip(data, {member: cut})
    if kind == 5:
        choice = rng.randrange(4)
        if choice == 0:
            return "empty", name, b""
        if choice == 1:
            return "random bytes", name, rng.randbytes(rng.randint(1, 20000))
        if choice == 2:
            return "invalid utf-8 text", f"{stem}.txt", data[:5000] + b"\xff\xfe\x80" + data[5000:]
        return "huge text", "huge.txt", base["panyu-2020.txt"] * 600
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(blob))
        blob[at:at] = rng.randbytes(rng.randint(1, 50))
    return "bytes inserted", name, bytes(blob)


# ---------------------------------------------------------------- running


def _is_chinese_message(stderr: str) -> bool:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    if not lines:
        return False
    last = lines[-1]
    # file and part names and the names of formats are not English text
    stripped = re.sub(r"“[^”]*”|[\w./\[\]-]+\.(?:xml|rels)\b|\.[a-z]{3,4}\b", "", last)
    english = [w for w in re.findall(r"[A-Za-z]{4,}", stripped) if w not in _PRODUCT_NAMES]
    return bool(re.search(r"[\u4e00-\u9fff]", last)) and not english


def run_cases(repo: Path, cases: list[dict], out_dir: Path) -> list[dict]:
    """Fork one child per case from a process that has loaded *repo*'s program; measure each child."""
    import resource
    import signal

    sys.path.insert(0, str(repo))
    os.chdir(repo)
    import main as program  # noqa: F401  (the checkout's CLI, loaded once)
    import model.importers.commands  # noqa: F401

    results = []
    for case in cases:
        stderr_path = out_dir / f"{case['i']}.err"
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 2)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))
                signal.alarm(TIME_LIMIT_S)
                code = program.main(["import", case["path"], "--out", str(out_dir / f"{case['i']}.json")])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code if isinstance(code, int) else 1)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        stderr = stderr_path.read_text(encoding="utf-8", errors="replace")
        exit_code = os.waitstatus_to_exitcode(status)
        results.append({**case, "exit": exit_code, "seconds": round(wall, 2), "rss": usage.ru_maxrss * 1024,
                        "traceback": "Traceback" in stderr or exit_code < 0,
                        "chinese": exit_code not in (2,) or _is_chinese_message(stderr),
                        "message": stderr.strip().splitlines()[-1][:200] if stderr.strip() else ""})
    return results


def build_cases(folder: Path, count: int, seed: int) -> list[dict]:
    base = originals(folder)
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        what, name, data = make_case(i, base, rng)
        path = folder / "in" / str(i) / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        cases.append({"i": i, "what": what, "path": str(path), "size": len(data)})
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=200, help="how many mutated inputs")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose import is run")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--inputs", type=Path, help="keep the inputs in this folder; reuse them if already there "
                        "(so two checkouts are run on the same files)")
    parser.add_argument("--json", type=Path, help="write every case's result here")
    parser.add_argument("--runner", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runner:
        job = json.loads(args.runner.read_text(encoding="utf-8"))
        results = run_cases(Path(job["repo"]), job["cases"], Path(job["out"]))
        args.runner.with_suffix(".out").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        return

    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.inputs or Path(tmp)
        manifest = folder / "cases.json"
        if manifest.exists():
            cases = json.loads(manifest.read_text(encoding="utf-8"))[: args.count]
        else:
            cases = build_cases(folder, args.count, args.seed)
            manifest.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
        out = Path(tmp) / "out"
        out.mkdir()
        job = Path(tmp) / "job.json"
        job.write_text(json.dumps({"repo": str(args.repo.resolve()), "cases": cases, "out": str(out)}),
                       encoding="utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--runner", str(job)], check=True,
                       cwd=args.repo)
        results = json.loads(job.with_suffix(".out").read_text(encoding="utf-8"))
        total = time.perf_counter() - started

    tracebacks = [r for r in results if r["traceback"]]
    slow = [r for r in results if r["seconds"] > SLOW_S]
    heavy = [r for r in results if r["rss"] > HEAVY_BYTES]
    bad_exit = [r for r in results if r["exit"] not in (0, 1, 2)]
    not_chinese = [r for r in results if not r["chinese"] and not r["traceback"]]
    print(f"检查目录：{args.repo}　用例：{len(results)}　用时 {total:.0f} s")
    print(f"退出码：{dict(sorted(Counter(r['exit'] for r in results).items()))}")
    print(f"traceback：{len(tracebacks)}　> {SLOW_S} s：{len(slow)}　> 1 GiB：{len(heavy)}　"
          f"退出码不在 0/1/2：{len(bad_exit)}　退出码 2 但提示不是中文：{len(not_chinese)}")
    print(f"最慢 {max(r['seconds'] for r in results):.1f} s，内存峰值最高 {max(r['rss'] for r in results) / 2**20:.0f} MiB")
    groups = Counter(r["message"] for r in tracebacks)
    for message, n in groups.most_common(20):
        print(f"  {n:5d} × {message}")
    for r in sorted({r["i"]: r for r in slow + heavy}.values(), key=lambda r: -r["seconds"])[:20]:
        print(f"  {r['what']}: {r['seconds']} s, {r['rss'] / 2**20:.0f} MiB, 退出码 {r['exit']}")
    for r in not_chinese[:10]:
        print(f"  非中文提示（{r['what']}）：{r['message']}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
