"""What the search index holds for a product, and keeping it current.

One document per product a buyer can find (a parent or a standalone product). Into it go the product's titles
and descriptions in both languages, its categories' names in both languages, its variants' colours (with the
English colour name) and sizes, every UPC and member SKU of the product and its variants, and the English and
Indonesian Snowball stems of all those words (the same stemmers PostgreSQL's `english` and `indonesian`
configurations use), so "wallets" meets "wallet" on SQLite's FTS5 as on PostgreSQL.

Wagtail's signal handlers re-index a product when it is saved; the receivers below re-index the parent when a
variant, a variant's attribute, a member's stockrecord (its SKU) or a category link changes. `paused()` turns
both off while the demo seed bulk-creates the catalogue; the seed then runs `update_index` once.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from modelsearch.tasks import insert_or_update_object_task
from oscar.core.loading import get_model

from . import text
from .text import VOCABULARY_CACHE_KEY

_paused = contextvars.ContextVar("guyub_search_index_paused", default=False)


@dataclass(frozen=True)
class Document:
    words: str
    codes: str
    stems: str


def indexed_products(Product):
    """The products that have a document, with what their document reads (update_index reads them in bulk)."""
    variants = Product.objects.prefetch_related("attribute_values__attribute", "stockrecords")
    return (
        Product.objects.exclude(structure=Product.CHILD)
        .select_related("product_class")
        .prefetch_related(
            "categories", "stockrecords", "attribute_values__attribute", Prefetch("children", queryset=variants)
        )
    )


def indexed_instance(product):
    """A variant has no document (its parent's carries it: see the receivers); nothing while paused."""
    if _paused.get() or product.structure == product.CHILD:
        return None
    return product


def document_for(product) -> Document:
    words: list[str] = []
    codes: list[str] = []
    for category in product.categories.all():
        words += [category.name, category.name_en]
    if product.product_class_id:
        words.append(product.product_class.name)
    items = [product, *product.children.all()] if product.structure == product.PARENT else [product]
    for item in items:
        codes.append(item.upc or "")
        codes += [record.partner_sku for record in item.stockrecords.all()]
        for value in item.attribute_values.all():
            shown = value.value_as_text
            words.append(shown)
            if value.attribute.code == text.COLOUR_CODE:
                words.append(text.colour_in_english(shown))
    words = list(dict.fromkeys(w for w in words if w))
    stems = text.stems_of(" ".join([product.title or "", product.title_en or "", *words]))
    # Codes go in as their parts ("GY-TAS-0011-2" → "gy tas 0011 2"), as the query's words are split: PostgreSQL's
    # parser would otherwise keep "-2" as a negative number, which the word "2" never meets.
    parts = dict.fromkeys(part for code in codes if code for part in text.words_of(code))
    return Document(words=" ".join(words), codes=" ".join(parts), stems=stems)


@contextlib.contextmanager
def paused():
    """No indexing inside (bulk seeding); run `update_index` afterwards."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def reindex_product(product_id) -> None:
    """Re-index one product (a parent or standalone), through Wagtail's own indexing task."""
    if product_id is None or _paused.get():
        return
    cache.delete(VOCABULARY_CACHE_KEY)
    insert_or_update_object_task.enqueue("catalogue", "product", str(product_id))


def _owner_id(product):
    return product.parent_id if product.structure == product.CHILD else product.pk


def _on_variant(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.structure == instance.CHILD:
        reindex_product(instance.parent_id)
    else:
        cache.delete(VOCABULARY_CACHE_KEY)


def _on_product_part(sender, instance, raw=False, created=True, **kwargs):
    """An attribute value, a stockrecord (only when made or removed: its SKU) or a category link changed."""
    if raw or (kwargs.get("signal") is post_save and sender.__name__ == "StockRecord" and not created):
        return
    try:
        product = instance.product
    except ObjectDoesNotExist:  # removed with its product (a cascade): the product's own signal covers it
        return
    if product is not None:
        reindex_product(_owner_id(product))


def _on_category(sender, instance, raw=False, **kwargs):
    if raw:
        return
    cache.delete(VOCABULARY_CACHE_KEY)
    for product_id in instance.product_set.values_list("pk", flat=True):
        reindex_product(product_id)


def connect() -> None:
    Product = get_model("catalogue", "Product")
    for model in (
        get_model("catalogue", "ProductAttributeValue"),
        get_model("catalogue", "ProductCategory"),
        get_model("partner", "StockRecord"),
    ):
        post_save.connect(_on_product_part, sender=model, dispatch_uid=f"guyub.search.{model.__name__}.save")
        post_delete.connect(_on_product_part, sender=model, dispatch_uid=f"guyub.search.{model.__name__}.delete")
    post_save.connect(_on_variant, sender=Product, dispatch_uid="guyub.search.variant.save")
    post_delete.connect(_on_variant, sender=Product, dispatch_uid="guyub.search.variant.delete")
    post_save.connect(_on_category, sender=get_model("catalogue", "Category"), dispatch_uid="guyub.search.category")
