"""Product search: Wagtail's search backend finds the products, the database gives their facets, one page is built.

A fixed number of queries whatever the number of hits or the page size:
1. the full-text search (Wagtail: FTS5 on SQLite, tsvector on PostgreSQL) over parents and standalone products,
   in relevance order, with only the columns sorting needs;
2.–4. for the hits: per variant its free stock over the member stockrecords and its agreed unit price in force
   (one query), colour and size values, categories (one query each, over all hits: counts and pages are over
   products, never variants);
then the page's products through the catalogue's own listing queryset and price priming (catalogue views).
Facets combine: values of one facet widen (OR), facets narrow each other (AND); each facet counts the hits that
pass every *other* facet, so a buyer sees what choosing a value would give.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import chain

from django.db.models import BigIntegerField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone
from oscar.core.loading import get_model
from wagtail.search.backends import get_search_backend

from catalog.models import AgreedPrice
from catalog.pricing import rules
from common.language import reader_is_english

from . import text
from .idset import InIds, raw_rows

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")

# Price bands in rupiah: (code, from, below).
PRICE_BANDS = [
    ("0-100000", None, Decimal(100_000)),
    ("100000-250000", Decimal(100_000), Decimal(250_000)),
    ("250000-500000", Decimal(250_000), Decimal(500_000)),
    ("500000-", Decimal(500_000), None),
]
IN_STOCK, MADE_TO_ORDER = "in-stock", "made-to-order"
SORTS = ("relevance", "price-asc", "price-desc", "newest", "title")
FACETS = ("category", "price", "size", "colour", "availability")


@dataclass(slots=True)  # slots: thousands per broad search, built and read in loops (less memory, faster reads)
class Hit:
    pk: int
    title: str
    title_en: str
    date_created: datetime | None
    rank: int
    is_parent: bool = True
    categories: set = field(default_factory=set)  # category pks as text (facet values)
    colours: set = field(default_factory=set)
    sizes: set = field(default_factory=set)
    free: int = 0
    price: Decimal | None = None
    purchasable: bool = False
    facets: tuple = ()  # the values of each of FACETS, in order (set by `settle` once the hit is described)

    @property
    def availability(self) -> str | None:
        if not self.purchasable:
            return None
        return IN_STOCK if self.free > 0 else MADE_TO_ORDER

    @property
    def price_band(self) -> str | None:
        if self.price is None:
            return None
        for code, low, below in PRICE_BANDS:
            if (low is None or self.price >= low) and (below is None or self.price < below):
                return code
        return None

    def settle(self) -> None:
        """Note the facets' values once the hit's facts are in (facet counting reads them for every facet)."""
        band, availability = self.price_band, self.availability
        self.facets = (
            self.categories,
            () if band is None else (band,),
            self.sizes,
            self.colours,
            () if availability is None else (availability,),
        )


@dataclass
class Outcome:
    query: str
    searched: str  # the words actually searched (the correction when one was applied)
    corrected: bool = False
    suggestion: str | None = None
    pks: list = field(default_factory=list)  # every matching product, filtered and sorted
    counts: dict = field(default_factory=dict)  # facet → {value: count}
    category_names: dict = field(default_factory=dict)  # category pk → (name, name_en)


def search(query: str, *, selected: dict[str, list[str]], sort: str = "relevance", now=None) -> Outcome:
    now = now or timezone.now()
    words = text.query_words(query)
    outcome = Outcome(query=query, searched=" ".join(words))
    sort = sort if words or sort != "relevance" else "newest"
    hits, scope = _find(words, sort=sort)
    if words and not hits:
        corrected = text.suggestion(words)
        if corrected:
            outcome.suggestion = corrected
            hits, scope = _find(text.query_words(corrected), sort=sort)
            if hits:
                outcome.corrected, outcome.searched = True, corrected
    if not hits:
        return outcome
    _describe(hits, scope, now, outcome)
    counts, found = _facet_counts(list(hits.values()), [set(selected.get(name) or ()) for name in FACETS])
    outcome.counts = dict(zip(FACETS, counts))
    outcome.pks = [h.pk for h in sorted(found, key=_sort_key(sort))]
    return outcome


def _facet_counts(hits: list[Hit], chosen: list[set]) -> tuple[list[dict], list[Hit]]:
    """Per facet (as FACETS) {value: count} over the hits that pass every *other* facet's chosen values, and the
    hits that pass them all (the results)."""
    if not any(chosen):  # nothing chosen (the usual first page): every facet counts every hit
        return [_count(hits, i) for i in range(len(FACETS))], hits
    found, only_failed = [], [[] for _name in FACETS]  # passing all; failing this facet only
    for hit in hits:
        failed = [i for i, values in enumerate(hit.facets) if chosen[i] and chosen[i].isdisjoint(values)]
        if not failed:
            found.append(hit)
        elif len(failed) == 1:  # it counts in that facet: choosing one of its values there would show it
            only_failed[failed[0]].append(hit)
    return [_count(found + only_failed[i], i) for i in range(len(FACETS))], found


def _count(hits: list[Hit], facet: int) -> dict:
    # Counter adds up in C: a colour word's 5,000 hits have ~25,000 facet values.
    return dict(Counter(chain.from_iterable(hit.facets[facet] for hit in hits)))


def _base():
    return Product.objects.filter(structure__in=[Product.PARENT, Product.STANDALONE], is_public=True)


def _find(words: list[str], *, sort: str):
    """The hits in relevance order, with the columns their sort needs (titles, dates) and no more, and their pks
    (sub-queries of the full-text match instead of the list plan badly on SQLite)."""
    dated, titled = sort == "newest", sort == "title"
    fields = ["structure", *(["date_created"] if dated else []), *(["title", "title_en"] if titled else [])]
    queryset = _base()
    if words:
        results = get_search_backend().search(
            text.search_query(words), queryset.only("pk", *fields), order_by_relevance=True
        )
        ranked = getattr(results, "ranked_values", None)  # ours on SQLite: rows, no model instances
        if ranked is not None:
            rows = ranked(*fields)
        else:  # Wagtail's own backends (PostgreSQL): their results are products
            rows = [(p.pk, *(getattr(p, f) for f in fields)) for p in results]
    else:
        rows = queryset.order_by("-date_created", "-pk").values_list("pk", *fields)
    hits = {}
    parent = Product.PARENT
    for n, (pk, structure, *rest) in enumerate(rows):
        hit = Hit(pk, "", "", None, n, structure == parent)  # positional: a broad search builds thousands
        if dated:
            hit.date_created = rest.pop(0)
        if titled:
            hit.title, hit.title_en = rest
        hits[pk] = hit
    return hits, list(hits)


def _describe(hits: dict[int, Hit], scope, now, outcome: Outcome) -> None:
    """Stock, colours, sizes, categories and prices of the hits; `scope` selects them (rows of products that
    matched but are not hits, e.g. not public, are skipped)."""
    parents = [pk for pk in scope if hits[pk].is_parent]
    standalone = [pk for pk in scope if not hits[pk].is_parent]
    _stock_and_prices(hits, parents, standalone, now)
    _colours_and_sizes(hits, parents, standalone)
    _categories(hits, scope, outcome)
    for hit in hits.values():
        hit.settle()


def _stock_and_prices(hits: dict[int, Hit], parents: list, standalone: list, now) -> None:
    """Per variant of the hits (a standalone product is its own variant), in one query: its free stock added up
    over every member's stockrecord (None: no member holds it, so it is not for sale) and its agreed unit price
    in force now, as catalog.pricing.rules decides (the latest started; ties: the later agreed). Only unit
    agreements: tiers never lower a price for one unit. A parent sells "from" its cheapest variant on sale."""
    # An empty count is 0 free (as net_stock_level): SQLite's MAX() would make the whole sum NULL, "not held".
    free = Greatest(Coalesce(F("num_in_stock"), 0) - Coalesce(F("num_allocated"), 0), Value(0))
    stock = StockRecord.objects.filter(product_id=OuterRef("pk")).order_by().values("product_id")
    price = (
        AgreedPrice.objects.valid()
        .filter(product_id=OuterRef("pk"), min_quantity=rules.UNIT, effective_from__lte=now)
        .order_by("-effective_from", "-pk")
        .values("amount")[:1]
    )
    # Each list is one query parameter (idset.py), and each keeps its column's index (an empty one drops out).
    variants = (
        Product.objects.filter(InIds("parent_id", parents) | InIds("pk", standalone), is_public=True)
        .annotate(
            free=Subquery(stock.annotate(units=Sum(free)).values("units")),
            # Whole rupiah (RUPIAH: no decimal places) read as integers: the driver's Decimal converter costs
            # more than the query for a few thousand variants' prices.
            price=Cast(Subquery(price), BigIntegerField()),
        )
        .order_by()  # in any order (added up per product): no sort by the products' default ordering
        .values_list("pk", Coalesce("parent_id", "pk"), "free", "price")
    )
    cheapest: dict[int, int] = {}  # owner → its cheapest variant's whole-rupiah price (a Decimal once, below)
    for _item, owner, item_free, amount in raw_rows(variants):
        if item_free is None or owner not in hits:
            continue
        hits[owner].free += item_free
        if amount is not None:  # for sale where a member holds it (a stockrecord, even without free stock)
            if owner not in cheapest or amount < cheapest[owner]:
                cheapest[owner] = amount
    for owner, amount in cheapest.items():
        hit = hits[owner]
        hit.purchasable, hit.price = True, Decimal(amount)


def _colours_and_sizes(hits: dict[int, Hit], parents: list, standalone: list) -> None:
    owned = InIds("product__parent_id", parents) | InIds("product_id", standalone)
    for owner, code, value in raw_rows(
        ProductAttributeValue.objects.filter(owned, attribute__code__in=[text.COLOUR_CODE, text.SIZE_CODE])
        .values_list(Coalesce("product__parent_id", "product_id"), "attribute__code", "value_text")
        .distinct()
    ):
        if value and owner in hits:
            (hits[owner].colours if code == text.COLOUR_CODE else hits[owner].sizes).add(value)


def _categories(hits: dict[int, Hit], scope, outcome: Outcome) -> None:
    names, labels = outcome.category_names, {}
    for product, category, name, name_en in raw_rows(
        ProductCategory.objects.filter(InIds("product_id", scope))
        .order_by()  # unordered: no join to the products for their default ordering, no sort
        .values_list("product_id", "category_id", "category__name", "category__name_en")
    ):
        if product not in hits:
            continue
        if category not in names:
            names[category], labels[category] = (name, name_en), str(category)  # as values travel in the URL
        hits[product].categories.add(labels[category])


def _sort_key(sort: str):
    if sort == "price-asc":
        return lambda h: (h.price is None, h.price or 0, h.rank)
    if sort == "price-desc":
        return lambda h: (h.price is None, -(h.price or 0), h.rank)
    if sort == "newest":
        return lambda h: (-h.date_created.timestamp(), -h.pk)
    if sort == "title":
        english = reader_is_english()
        return lambda h: (((h.title_en if english and h.title_en else h.title) or "").casefold(), h.pk)
    return lambda h: h.rank
