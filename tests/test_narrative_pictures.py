"""Pictures in a text section are decoded when they are painted, not when the section is loaded."""

from __future__ import annotations

import base64
import io
import json

from PIL import Image
from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest

import gui.narrative_page as narrative_page
from tests.gui_helpers import SEEDS, close_quietly, show_report

PICTURES = 20


def _photo(i: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (40 + i * 9, 120, 200 - i * 5)).save(buffer, "JPEG", quality=80)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _draft_with_photos(tmp_path):
    draft = json.loads((SEEDS / "sample-2024.json").read_text(encoding="utf-8"))
    blocks = []
    for i in range(PICTURES):
        blocks.append({"type": "paragraph", "text": f"第{i + 1}段：本年度政务公开工作有序推进。" * 6})
        blocks.append({"type": "figure", "caption": f"图{i + 1}", "image": _photo(i), "mime": "image/jpeg"})
    draft["narrative"]["s1"] = blocks
    path = tmp_path / "photos.json"
    path.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_section_with_photos_loads_without_decoding_them_and_shows_those_on_screen(qtbot, tmp_path, monkeypatch):
    decoded = []
    real = narrative_page.picture_thumbnail
    monkeypatch.setattr(narrative_page, "picture_thumbnail",
                        lambda image, width: decoded.append(image) or real(image, width))
    window = show_report(qtbot, _draft_with_photos(tmp_path), size=(1280, 720))
    try:
        page = window.pages["s1"]  # built as the window's idle time builds it, before its first visit
        assert len(page.editor.pictures) == PICTURES
        assert decoded == []  # placed by their sizes, none decoded
        while window.stack.currentWidget() is not page:
            QTest.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: len(decoded) > 0)
        qtbot.wait(50)
        assert 0 < len(decoded) < PICTURES  # the ones on screen, not the other pages' worth
        first = min(page.editor.pictures, key=lambda name: int(name.split("-")[1]))
        image = page.editor.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(first))
        assert not image.isNull() and image.width() > 0
        assert image.pixelColor(image.width() // 2, image.height() // 2).red() > 30  # the photo, not a grey box
    finally:
        close_quietly(window)


def test_pages_are_not_built_in_idle_time_while_the_user_waits_for_the_preview(qtbot, monkeypatch):
    """A page built meanwhile would share Python with the preview's thread and hold the window up twice as long."""
    import time

    import export.pdf_writer

    real = export.pdf_writer.pdf_bytes

    def slow_preview(state, **kwargs):
        time.sleep(1.5)  # a long report's preview
        return real(state, **kwargs)

    monkeypatch.setattr(export.pdf_writer, "pdf_bytes", slow_preview)
    window = show_report(qtbot, SEEDS / "sample-2024.json", size=(1280, 720))
    try:
        row = window.step_list.count() - 1  # 导出与打印, clicked in the step list
        rect = window.step_list.visualItemRect(window.step_list.item(row))
        QTest.mouseClick(window.step_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        export_page = window.pages["export"]
        qtbot.waitUntil(export_page.building_preview)
        qtbot.wait(1200)  # longer than the window waits before building pages in idle time
        assert export_page.building_preview() and window.pages.laid_out == set()
        qtbot.waitUntil(export_page.preview_ready, timeout=10000)
        qtbot.waitUntil(lambda: len(window.pages.laid_out) > 0, timeout=5000)  # and built once it is shown
    finally:
        close_quietly(window)
