"""The few catalogue words stored in Indonesian only (product types, attribute names, colours, sizes), in English
for an English reader (issue 15: no "Tas", "Hitam", "Ukuran" on English pages). Plain data, no database."""

from __future__ import annotations

from common.language import reader_is_english

COLOURS_EN = {"Coklat": "Brown", "Hitam": "Black", "Coklat Tua": "Dark brown", "Tan": "Tan"}
WORDS_EN = {
    **COLOURS_EN,
    "Ukuran": "Size",
    "Warna": "Colour",
    "Sandal": "Sandal",
    "Tas": "Bag",
    "Sabuk": "Belt",
    "Sepatu": "Shoe",
    "Dompet": "Wallet",
}
# CSS colours for the colour swatches.
SWATCHES = {"Coklat": "#7a4a22", "Hitam": "#1f1a17", "Coklat Tua": "#4a2a18", "Tan": "#c89b6a"}


def in_reader_language(word) -> str:
    word = "" if word is None else str(word)
    return WORDS_EN.get(word, word) if reader_is_english() else word
