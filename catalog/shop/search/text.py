"""Words: stems, the buyer's query as a Wagtail search query, and "did you mean" from the shop's own vocabulary.

Matching is Wagtail's (SQLite FTS5 or PostgreSQL full text); this module only shapes the words it is given:
- each query word becomes `word OR english-stem OR indonesian-stem` (Snowball stemmers; the documents carry the
  stems too), so plurals find their singular in English; Indonesian reduplication (`tas-tas`) reads as one word;
- a word the index has never seen is corrected against the vocabulary of titles, category and colour names
  (difflib's ratio, cached), which gives the "did you mean" suggestion.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from django.core.cache import cache
from oscar.core.loading import get_model
from wagtail.search.query import And, Or, PlainText

COLOUR_CODE = "warna"
SIZE_CODE = "ukuran"
# The colours the workshops use, Indonesian (as stored on variants) → English (shown to English readers, indexed).
COLOURS_EN = {
    "Coklat": "Brown",
    "Coklat Tua": "Dark brown",
    "Coklat Muda": "Light brown",
    "Hitam": "Black",
    "Tan": "Tan",
    "Putih": "White",
    "Merah": "Red",
    "Merah Marun": "Maroon",
    "Krem": "Cream",
    "Abu-abu": "Grey",
    "Biru": "Blue",
    "Biru Dongker": "Navy",
    "Hijau": "Green",
    "Kuning": "Yellow",
    "Natural": "Natural",
}
MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_REDUPLICATION = re.compile(r"\b(\w+)-\1\b", re.UNICODE)  # tas-tas, sepatu-sepatu → one word


def colour_in_english(value: str) -> str:
    return COLOURS_EN.get(value, value)


@lru_cache(maxsize=2)
def _stemmer(language: str):
    # Imported at the first search or index update, not at boot: the package loads all of its ~30 languages
    # (39 modules, ~2.5 MiB) and a worker serving the home page or a product needs none of them (issue 16).
    import snowballstemmer

    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=4096)
def stem_variants(word: str) -> tuple[str, ...]:
    """The word and its English and Indonesian stems, without repeats."""
    return tuple(dict.fromkeys([word, _stemmer("english").stemWord(word), _stemmer("indonesian").stemWord(word)]))


def words_of(value: str) -> list[str]:
    return _WORD.findall(_REDUPLICATION.sub(r"\1", (value or "").casefold()))


def stems_of(value: str) -> str:
    """Every stem of the text's words that differs from the word itself (what a document adds to its words)."""
    words = set(words_of(value))
    return " ".join(sorted({s for w in words for s in stem_variants(w)[1:] if s and s not in words}))


def query_words(query: str) -> list[str]:
    return words_of(query)[:MAX_WORDS]


def search_query(words: list[str]):
    """All the words (AND), each as itself or one of its stems (OR): Wagtail's query objects, any backend."""
    parts = []
    for word in words:
        variants = [PlainText(v) for v in stem_variants(word) if v]
        parts.append(variants[0] if len(variants) == 1 else Or(variants))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


# --- "did you mean" --------------------------------------------------------------------------------------------
VOCABULARY_SECONDS = 600
VOCABULARY_CACHE_KEY = "guyub:search:vocabulary:v1"  # cleared by documents.py when the catalogue changes


def vocabulary() -> frozenset[str]:
    """Words of product titles (both languages), category names and colours; cached, cleared on catalogue edits."""
    words = cache.get(VOCABULARY_CACHE_KEY)
    if words is None:
        words = _build_vocabulary()
        cache.set(VOCABULARY_CACHE_KEY, words, VOCABULARY_SECONDS)
    return words


def _build_vocabulary() -> frozenset[str]:
    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")
    ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
    texts: set[str] = set(COLOURS_EN) | set(COLOURS_EN.values())
    titles = Product.objects.exclude(structure=Product.CHILD).values_list("title", "title_en").distinct()
    for title, title_en in titles:
        texts.update((title, title_en))
    for name, name_en in Category.objects.values_list("name", "name_en"):
        texts.update((name, name_en))
    texts.update(
        ProductAttributeValue.objects.filter(attribute__code=COLOUR_CODE)
        .values_list("value_text", flat=True)
        .distinct()
    )
    return frozenset(w for t in texts if t for w in words_of(t) if w.isalpha() and len(w) >= 3)


def suggestion(words: list[str]) -> str | None:
    """The query with each unknown word replaced by the closest known one; None when nothing changes."""
    known = vocabulary()
    corrected, changed = [], False
    for word in words:
        if word in known or not word.isalpha() or len(word) < 3 or any(v in known for v in stem_variants(word)):
            corrected.append(word)
            continue
        match = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        if match:
            corrected.append(match[0])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None
