"""Reading a web page saved as one file (.mhtml/.mht, as Edge and Chrome save it): a MIME message whose first
HTML part is the page and whose other parts are its pictures by address. The stdlib email package reads
the MIME structure and undoes the transfer encodings (quoted-printable, base64)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from model.importers.html import MAX_HTML_BYTES, MAX_PICTURE_BYTES, MAX_PICTURES, decode_html, import_html_text
from model.importers.report import ImportError_

# A page saved with its pictures, fonts and style sheets: real ones are 1–10 MB.
MAX_MHTML_BYTES = 96 << 20
MAX_PARTS = 2000


def looks_like_mhtml(head: bytes) -> bool:
    """Whether the first bytes are MIME headers of a multipart message rather than HTML."""
    text = head[:4096].decode("latin-1").lower()
    return "mime-version:" in text and "multipart/" in text and not text.lstrip().startswith("<")


def import_mhtml(path: Path):
    with path.open("rb") as f:
        raw = f.read(MAX_MHTML_BYTES + 1)
    if len(raw) > MAX_MHTML_BYTES:
        raise ImportError_(f"“{path.name}”超过 {MAX_MHTML_BYTES >> 20} MB，不像一份年报网页，已拒绝导入。")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    html_text = None
    resources: dict[str, bytes] = {}
    for n, part in enumerate(message.walk()):
        if n > MAX_PARTS:
            raise ImportError_(f"“{path.name}”中的部件超过 {MAX_PARTS} 个，不像一份年报网页，已拒绝导入。")
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        payload = part.get_payload(decode=True) or b""
        if kind == "text/html" and html_text is None:
            if len(payload) > MAX_HTML_BYTES:
                raise ImportError_(f"“{path.name}”中的网页超过 {MAX_HTML_BYTES >> 20} MB，已拒绝导入。")
            charset = part.get_content_charset()
            try:
                html_text = payload.decode(charset) if charset else decode_html(payload, path.name)
            except (LookupError, UnicodeDecodeError):
                html_text = decode_html(payload, path.name)
        elif kind.startswith("image/") and len(resources) < MAX_PICTURES * 2 and len(payload) <= MAX_PICTURE_BYTES:
            for address in (part.get("Content-Location"), part.get("Content-ID")):
                if address:
                    address = str(address).strip()
                    resources[address] = payload
                    if address.startswith("<") and address.endswith(">"):
                        resources["cid:" + address[1:-1]] = payload
    if html_text is None:
        raise ImportError_(f"“{path.name}”中没有网页内容（找不到 text/html 部分），不是浏览器保存的单个文件网页。")
    return import_html_text(html_text, path.name, resources=resources)
