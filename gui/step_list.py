"""The list of steps on the left: one line per step, a drawn sign and colour for its state, the current step
marked, so the state of the whole report is seen at a glance."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QListWidgetItem, QStyle, QStyledItemDelegate

TitleRole = Qt.ItemDataRole.UserRole + 10
StateTextRole = Qt.ItemDataRole.UserRole + 11
StateKindRole = Qt.ItemDataRole.UserRole + 12

# what the sign looks like for each kind of state, and its colour
KIND_COLOURS = {
    "empty": QColor("#9a9a9a"),    # 未开始: a hollow circle
    "started": QColor("#2f6fb5"),  # 填写中: a half-filled circle
    "done": QColor("#2a8a3a"),     # 已完成, 可以导出: a green disc with a tick
    "warning": QColor("#d08000"),  # N 个警告: an orange triangle with !
    "error": QColor("#c0302a"),    # N 个错误: a red disc with !
}


def state_kind(text: str) -> str:
    """The kind of sign for a step's state as the window words it."""
    if "错误" in text:
        return "error"
    if "警告" in text:
        return "warning"
    if text == "未开始":
        return "empty"
    if text == "填写中":
        return "started"
    return "done"


def show_step_state(item: QListWidgetItem, title: str, state_text: str) -> None:
    """Put a step's title and state on its item; the item's text keeps both for screen readers and search."""
    item.setText(f"{title}\n{state_text}")
    item.setData(TitleRole, title)
    item.setData(StateTextRole, state_text)
    item.setData(StateKindRole, state_kind(state_text))
    item.setToolTip(f"{title}：{state_text}")


def draw_sign(painter: QPainter, rect: QRect, kind: str) -> None:
    """The state's sign, drawn (no picture files): circle, half circle, tick, triangle or exclamation."""
    colour = KIND_COLOURS[kind]
    size = min(rect.width(), rect.height())
    box = QRectF(rect.x() + (rect.width() - size) / 2 + 1, rect.y() + (rect.height() - size) / 2 + 1,
                 size - 2, size - 2)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    white = QPen(QColor("white"), max(1.5, size / 8))
    white.setCapStyle(Qt.PenCapStyle.RoundCap)
    if kind == "empty":
        painter.setPen(QPen(colour, max(1.2, size / 10)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(box.adjusted(1, 1, -1, -1))
    elif kind == "started":
        painter.setPen(QPen(colour, max(1.2, size / 10)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(box.adjusted(1, 1, -1, -1))
        painter.setBrush(QBrush(colour))
        painter.drawPie(box.adjusted(1, 1, -1, -1), 90 * 16, 180 * 16)
    elif kind == "done":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawEllipse(box)
        tick = QPainterPath(QPointF(box.left() + box.width() * 0.27, box.top() + box.height() * 0.52))
        tick.lineTo(box.left() + box.width() * 0.44, box.top() + box.height() * 0.69)
        tick.lineTo(box.left() + box.width() * 0.74, box.top() + box.height() * 0.33)
        painter.setPen(white)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(tick)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        if kind == "warning":
            painter.drawPolygon(QPolygonF([QPointF(box.center().x(), box.top()), box.bottomRight(),
                                           box.bottomLeft()]))
        else:
            painter.drawEllipse(box)
        x = box.center().x()
        painter.setPen(white)
        painter.drawLine(QPointF(x, box.top() + box.height() * 0.3), QPointF(x, box.top() + box.height() * 0.6))
        painter.drawPoint(QPointF(x, box.top() + box.height() * 0.78))
    painter.restore()


class StepDelegate(QStyledItemDelegate):
    """Draws a step as: sign, title (shortened with … when long), state word in its colour on the right; the
    current step on the highlight colour with a bar at its left edge."""

    MARGIN = 6

    def sizeHint(self, option, index):  # noqa: N802
        height = option.fontMetrics.height() + 12
        return QSize(option.rect.width() or 200, height)

    def sign_rect(self, rect: QRect) -> QRect:
        """Where the state's sign is drawn in a row."""
        return QRect(rect.left() + self.MARGIN + 4, rect.top() + 5, rect.height() - 10, rect.height() - 10)

    def paint(self, painter: QPainter, option, index) -> None:
        title = index.data(TitleRole) or (index.data(Qt.ItemDataRole.DisplayRole) or "").split("\n")[0]
        state_text = index.data(StateTextRole) or ""
        kind = index.data(StateKindRole) or "empty"
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        palette = option.palette
        if selected:
            painter.fillRect(rect, palette.highlight())
            painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), QColor("#1d4f91"))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette.alternateBase())
        sign = self.sign_rect(rect)
        draw_sign(painter, sign, kind)
        metrics = option.fontMetrics
        state_font = QFont(option.font)
        state_font.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        painter.setFont(state_font)
        state_width = painter.fontMetrics().horizontalAdvance(state_text) + self.MARGIN
        state_rect = QRect(rect.right() - state_width - self.MARGIN, rect.top(), state_width, rect.height())
        text_colour = palette.highlightedText().color() if selected else KIND_COLOURS[kind]
        if kind in ("empty", "started") and not selected:
            text_colour = QColor("#666666")
        painter.setPen(text_colour)
        painter.drawText(state_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), state_text)
        painter.setFont(option.font)
        left = sign.right() + self.MARGIN + 2
        title_rect = QRect(left, rect.top(), state_rect.left() - left - self.MARGIN, rect.height())
        painter.setPen(palette.highlightedText().color() if selected else palette.text().color())
        shown = metrics.elidedText(title, Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.restore()
