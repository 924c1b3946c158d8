"""Pricing and availability for the cooperative's shop (Oscar loads this module by the partner app label).

The cooperative sells as one shop: a variant is available when any member holds it (the line is taken from
the member with the most free stock) and, beyond the free stock, when members with the skill can still make it
within the routing horizon (made to order; see availability.py). The price is the board's agreed price in force
at the moment of the request, whichever member fulfils the line: the stockrecord's own price is never read.
Without an agreed price a product is not for sale. Basket lines get the trader tier price once their quantity
reaches the tier (Oscar hands the line to `fetch_for_line`, the hook it provides for line-dependent prices), so
the basket, the checkout and the order all charge the same price.
"""

from dataclasses import replace
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone
from oscar.apps.partner import availability, prices, strategy

from catalog import price_book
from catalog.pricing import rules
from catalog.shop.catalogue import listing
from common.roles import is_trade_buyer
from inventory import ledger
from pooling.selectors import weekly_spare_by_class

from .availability import CooperativeAvailability


class Selector:
    def strategy(self, request=None, user=None, now=None, **kwargs):
        # One strategy per request (Oscar's basket middleware asks first; anything later in the same request
        # gets the same one), so the agreed prices and stock it has read are read once per request.
        if request is None or now is not None:
            return CooperativeStrategy(request, now=now)
        strategy_ = getattr(request, "_cooperative_strategy", None)
        if strategy_ is None:
            strategy_ = request._cooperative_strategy = CooperativeStrategy(request)
        return strategy_


def _parent_is_loaded(product) -> bool:
    return type(product)._meta.get_field("parent").is_cached(product)


class StockRecordsOnce:
    """A product's stockrecords, read once per strategy (one request): from the listing's or the basket's
    prefetch, else one query whose answer the strategy keeps (the stock choice and the availability both read
    them). Never kept on the product itself: a product object outlives the request in tests and tasks."""

    def stockrecords(self, product) -> list:
        prefetched = listing.prefetched(product, "stockrecords")
        if prefetched is not None:
            # The prefetched rows as they are: ``product.stockrecords.all()`` would build a manager and clone the
            # queryset on every call, and a listing asks for each variant's stockrecords several times per tile.
            return list(prefetched)
        read = self.__dict__.setdefault("_stockrecords_read", {})
        if product.pk not in read:
            read[product.pk] = list(product.stockrecords.all())
        return read[product.pk]


class AgreedUnitPrice(prices.FixedPrice):
    """The agreed price for a line or product (Indonesian shop prices include tax: tax is zero on top).

    Carries the quote, so templates can say "trader price from 12 units" or "from" for a parent product.
    """

    def __init__(self, amount: Decimal, *, quote=None, is_from_price: bool = False):
        super().__init__(currency=settings.OSCAR_DEFAULT_CURRENCY, excl_tax=amount, tax=Decimal("0"))
        self.quote = quote
        self.is_from_price = is_from_price

    @property
    def tier_min_quantity(self):
        return self.quote.tier_min_quantity if self.quote else None

    @property
    def unit_amount(self):
        return self.quote.unit_amount if self.quote else self.excl_tax

    @property
    def next_tier(self):
        return self.quote.next_tier if self.quote else None


class UseMostStockedRecord(StockRecordsOnce):
    """Pick the member stockrecord with the most free stock (ties: the oldest record)."""

    def select_stockrecord(self, product):
        records = self.stockrecords(product)
        if not records:
            return None
        return max(records, key=lambda r: (r.net_stock_level, -r.pk))


class AgreedPricing:
    """Pricing mixin: the board's agreement in force at `self.now` (read once per product per request)."""

    def prime(self, products) -> None:
        """Look up the agreements of the products not looked up yet: from what this worker has read under the
        price book's current token, else in one query (a listing page primes all of its products first, so each
        price is a lookup)."""
        products = list(products)
        note_classes = getattr(self, "note_classes", None)
        if note_classes is not None:
            note_classes(products)
        missing = [p.id for p in products if p.id not in self._agreed]
        if missing:
            self._agreed.update(price_book.agreements(missing, token=self._price_book_token))

    @cached_property
    def _price_book_token(self) -> str:
        return price_book.current_token()  # once per request: a price approved meanwhile shows on the next page

    def quote(self, product, quantity: int = 1):
        key = (product.id, quantity)  # ``id``, not ``pk``: the property costs a lookup, and a listing asks often
        if key in self._quotes:  # a tile asks for its variants' quotes several times (price, availability)
            return self._quotes[key]
        if product.id not in self._agreed:
            self.prime([product])
        quote = rules.quote(self._agreed[product.id], self.now, quantity)
        if quote is not None and (quote.tier_min_quantity or quote.next_tier) and not self.sees_trader_tiers:
            # Trader tiers and their minimum quantities are for approved trade accounts only (issue 20).
            quote = replace(quote, amount=quote.unit_amount, tier_min_quantity=None, next_tier=None)
        self._quotes[key] = quote
        return quote

    @cached_property
    def sees_trader_tiers(self) -> bool:
        """Read once per request, and only when a product on the page has a tier (so pages without tiers
        cost no query)."""
        return is_trade_buyer(getattr(self, "user", None))

    def pricing_policy(self, product, stockrecord):
        quote = self.quote(product)
        if quote is None:
            return prices.Unavailable()
        return AgreedUnitPrice(quote.amount, quote=quote)

    def availability_policy(self, product, stockrecord, quantity=None):
        if self.quote(product) is None:
            return availability.Unavailable()
        return super().availability_policy(product, stockrecord, quantity=quantity)


class MadeToOrder(StockRecordsOnce):
    """Availability mixin: free stock across every member, then what skilled members can still make."""

    def availability_policy(self, product, stockrecord, quantity=None):
        if not stockrecord:
            return availability.Unavailable()
        product_class = product.get_product_class()
        if not product_class.track_stock:
            return availability.Available()
        free = sum(max(0, r.net_stock_level) for r in self.stockrecords(product))
        return CooperativeAvailability(
            free=free, spare=lambda: self._spare_for(product_class), first_week=self._first_week, quantity=quantity
        )

    @cached_property
    def _first_week(self):
        # Lead times count from the week of `self.now` (fixed per request, read for every product).
        return ledger.week_start(timezone.localtime(self.now).date())

    def _spare_for(self, product_class) -> list[int]:
        # The spare capacity of this class and of every other class on the page (the primed products'), in one
        # read: a basket or a listing with variants of several classes beyond stock costs the same few queries
        # as one.
        if product_class.pk not in self._spare:
            wanted = {product_class.pk} | (self._page_classes() - set(self._spare))
            self._spare.update(weekly_spare_by_class(wanted, first_week=self._first_week))
        return self._spare[product_class.pk]

    def note_classes(self, products) -> None:
        """Remember a page's products for ``_spare_for`` (their classes are worked out only if a made-to-order
        answer needs the capacity: a listing in stock never does)."""
        self._page_products.extend(products)

    def _page_classes(self) -> set:
        """The product classes of the products primed so far (read without a query)."""
        classes = set()
        for product in self._page_products:
            if product.product_class_id:
                classes.add(product.product_class_id)
            elif product.parent_id and _parent_is_loaded(product) and product.parent.product_class_id:
                classes.add(product.parent.product_class_id)
        return classes


class CooperativeStrategy(UseMostStockedRecord, AgreedPricing, MadeToOrder, strategy.Structured):
    """One agreed price for the buyer whichever member's stock fulfils the line."""

    def __init__(self, request=None, now=None):
        super().__init__(request)
        # One moment per request: every line and product on a page is priced by the same agreement.
        self.now = now or timezone.now()
        self._agreed: dict = {}
        self._quotes: dict = {}  # (product pk, quantity) → quote, for this request's moment
        self._spare: dict = {}  # product class pk → spare units per week (made-to-order capacity)
        self._page_products: list = []  # the products primed so far (for their classes: _page_classes)

    def fetch_for_parent(self, product):
        # One walk over the variants instead of Oscar's three (pick each variant's stockrecord, then price them,
        # then ask each one's availability): a parent shows "from" the cheapest agreed price of a variant a member
        # holds, and is on sale when one of those is (in stock or made to order); it never shows a stockrecord.
        # The listing, category, home and search tiles are parents (issue 16).
        children = product.get_public_children()
        if isinstance(children, QuerySet):  # not prefetched: their stockrecords in one query, as Oscar does
            children = children.prefetch_related("stockrecords")
        children = list(children)
        self.prime(children)
        cheapest, on_sale = None, False
        for child in children:
            records = self.stockrecords(child)
            quote = self.quote(child) if records else None
            if quote is None:
                continue
            if cheapest is None or quote.unit_amount < cheapest:
                cheapest = quote.unit_amount
            if not on_sale:  # free stock sells it whatever the class; else ask the policy (made to order)
                free = sum(max(0, record.net_stock_level) for record in records)
                on_sale = free > 0 or self.availability_policy(child, records[0]).is_available_to_buy
        return strategy.PurchaseInfo(
            price=prices.Unavailable() if cheapest is None else AgreedUnitPrice(cheapest, is_from_price=True),
            availability=availability.Available() if on_sale else availability.Unavailable(),
            stockrecord=None,
        )

    def prime_lines(self, lines) -> None:
        """Read what pricing a basket's lines needs for all of them at once: their stockrecords, product
        classes, the parents' images (the mini-basket's thumbnails) and agreed prices. Oscar's
        ``Basket.all_lines()`` prefetches only the lines' own images and attributes."""
        products = [line.product for line in lines if listing.prefetched(line.product, "stockrecords") is None]
        if products:
            prefetch_related_objects(products, "stockrecords", "product_class", "parent__product_class")
            # A variant without pictures of its own shows its parent's: read those for such variants only.
            bare = [p for p in products if p.parent_id and not listing.prefetched(p, "images")]
            if bare:
                prefetch_related_objects(bare, "parent__images")
            self.prime(products)

    def fetch_for_line(self, line, stockrecord=None):
        product = line.product
        basket = line.basket if line.basket_id else None  # the basket the lines were read from: no query
        if basket is not None and basket.id is not None:
            self.prime_lines(basket.all_lines())
        stockrecord = self.select_stockrecord(product)
        quote = self.quote(product, max(line.quantity or 1, 1))
        price = AgreedUnitPrice(quote.amount, quote=quote) if quote else prices.Unavailable()
        # The line's availability speaks of its quantity: "3 ready to ship; the other 5 are made to order…".
        return strategy.PurchaseInfo(
            price=price,
            availability=self.availability_policy(product, stockrecord, quantity=line.quantity),
            stockrecord=stockrecord,
        )
