"""Text put into XML that the writers compose as strings (Word, Excel): & < > escaped, and " too in attributes.

xml.sax.saxutils.escape does the same, but importing it imports urllib.request (with http and email), which the
export processes otherwise never load.
"""

from __future__ import annotations


def xml_text(text: str) -> str:
    """Text as the content of an element."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """Text as the value of an attribute in double quotes."""
    return xml_text(text).replace('"', "&quot;")
