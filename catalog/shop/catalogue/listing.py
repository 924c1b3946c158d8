"""The one way the storefront lists products: what to prefetch, and pricing the page in one go (issue 16).

Every page that shows product tiles — the home page's new products, an artisan's profile, the catalogue and
its categories, the product page and its "recently viewed" tiles — builds its queryset with ``listing()`` (or
hands already loaded products to ``prepare()``) and passes the page's products through ``prime()`` before the
template asks for prices. The strategy (catalog/shop/partner/strategy.py) then answers each price, stock choice
and availability from memory: a page costs the same few queries for 4 products or 40.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

# What no tile reads of a variant or a stockrecord: left out of the listing's rows. Each datetime costs a
# converter call per row on SQLite, and the long texts are copied for nothing (~1.5 ms for a page of 20 products
# with their variants at 5,000 products). A template that did read one would cost a query per object, which the
# pages' query-count tests would catch (tests/catalog/test_page_queries.py).
_VARIANT_UNREAD = ("description", "description_en", "meta_title", "meta_description", "date_created", "date_updated")
_STOCKRECORD_UNREAD = ("date_created", "date_updated")


def prefetched(instance, name: str):
    """The rows a prefetch put on ``instance`` for the relation ``name`` (an evaluated queryset, iterated as it
    is), or None when it was not prefetched. ``instance.<name>.all()`` would answer the same, but builds a
    manager and clones a queryset per call, and the strategy and the tiles ask per variant, several times."""
    return getattr(instance, "_prefetched_objects_cache", {}).get(name)


def _public_children() -> Prefetch:
    # Oscar's own attribute: ``get_public_children()`` (and so Oscar's strategy) reads it without a query.
    variants = Product.objects.public().defer(*_VARIANT_UNREAD)
    return Prefetch("children", queryset=variants, to_attr="_prefetched_public_children")


def listing(queryset: QuerySet | None = None) -> QuerySet:
    """Browsable products with what a product tile reads: class, images and public variants (their
    stockrecords and agreed prices come in ``prime``)."""
    if queryset is None:
        queryset = Product.objects.browsable()
    return queryset.select_related("product_class").prefetch_related(_public_children(), "images")


def page_products(products: Iterable) -> list:
    """The products of a page and their public variants (what the strategy prices)."""
    products = list(products)
    return products + [child for p in products if p.is_parent for child in p.get_public_children()]


def prime(request, products: Iterable) -> list:
    """The stockrecords of a page's products and variants (one query for all of them) and their agreed prices
    (one more); returns the products as a list, so the template iterates these very objects."""
    products = list(products)
    everything = page_products(products)
    prefetch_related_objects(everything, Prefetch("stockrecords", StockRecord.objects.defer(*_STOCKRECORD_UNREAD)))
    prime_prices = getattr(getattr(request, "strategy", None), "prime", None)
    if prime_prices is not None:  # Oscar's stock strategy (the benchmark's baseline) has no prices to prime
        prime_prices(everything)
    return products


def prepare(request, products: Iterable) -> list:
    """``listing`` + ``prime`` for products already loaded elsewhere (Oscar's recently viewed products)."""
    products = list(products)
    prefetch_related_objects(products, "product_class", _public_children(), "images")
    return prime(request, products)


def detail(queryset: QuerySet) -> QuerySet:
    """The product page: ``listing`` plus each variant's own pictures (the picker shows the chosen colour)."""
    children = Prefetch(
        "children",
        queryset=Product.objects.public().prefetch_related("images"),
        to_attr="_prefetched_public_children",
    )
    return queryset.select_related("product_class", "parent").prefetch_related(children, "images")
