"""Spreadsheet cells written by the shop (price sheets, board reports, bank-transfer files): a text cell a
spreadsheet would run as a formula is written with a leading apostrophe. Plain Python, no Django."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """The value `escape_cell` wrote (a quote before anything else is the user's own and stays)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text
