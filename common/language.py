"""The reader's language. The site speaks Indonesian (the default) and English; texts kept in both (product and
material names, page bodies: a field and its `_en` twin) show the English one only to a reader who chose
English, and fall back to Indonesian when it is empty."""

from django.utils import translation


def reader_is_english() -> bool:
    return (translation.get_language() or "id").startswith("en")


def localised(obj, field: str) -> str:
    """``obj.<field>_en`` for an English reader when it is filled in, else ``obj.<field>``."""
    if reader_is_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")
