"""Keys for every action: mnemonics for menu items that have no shortcut, and toolbar tooltips that name the keys."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu


def give_mnemonics(menu: QMenu) -> None:
    """Every item of a menu can be chosen from the keyboard: an item with neither a shortcut nor a mnemonic gets
    the first letter free in its menu, shown as Windows programs in Chinese show it: 开始页(&A)…"""
    taken = {text[i + 1].upper() for a in menu.actions() for text in [a.text()]
             for i in range(len(text) - 1) if text[i] == "&" and text[i + 1] != "&"}
    free = (c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in taken)
    for action in menu.actions():
        text = action.text()
        if action.isSeparator() or "&" in text.replace("&&", "") or (not action.shortcut().isEmpty()
                                                                        and action.menu() is None):
            continue
        letter = next(free, None)
        if letter is None:
            return
        stem, dots = (text[:-1], "…") if text.endswith("…") else (text, "")
        action.setText(f"{stem}(&{letter}){dots}")


def _mnemonic(text: str) -> str:
    at = text.replace("&&", "").find("&")
    return text.replace("&&", "")[at + 1].upper() if 0 <= at < len(text.replace("&&", "")) - 1 else ""


def keyboard_hint(action: QAction) -> str:
    """A toolbar button's tooltip: what it does and the keys that do it (its shortcut, or its menu's)."""
    name = action.text().split("(&")[0].replace("&", "").rstrip("…")
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    if key:
        return f"{name}（{key}）"
    for menu in action.associatedObjects():
        if isinstance(menu, QMenu) and _mnemonic(menu.title()) and _mnemonic(action.text()):
            return f"{name}（Alt+{_mnemonic(menu.title())}，再按 {_mnemonic(action.text())}）"
    return name
