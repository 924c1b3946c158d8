"""Pricing and availability for the cooperative's shop (Oscar loads this module by the partner app label).

The cooperative sells as one shop: a variant is available when any member holds it (the line is taken from
the member with the most free stock) and, beyond the free stock, when members with the skill can still make it
within the routing horizon (made to order; see availability.py). The price is the board's agreed price in force at the moment of the
request, whichever member fulfils the line: the stockrecord's own price is never read. Without an agreed
price a product is not for sale. Basket lines get the trader tier price once their quantity reaches the tier
(Oscar hands the line to `fetch_for_line`, the hook it provides for line-dependent prices), so the basket,
the checkout and the order all charge the same price.
"""
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.utils import timezone
from oscar.apps.partner import availability, prices, strategy

from catalog.pricing import rules

from .availability import CooperativeAvailability


class Selector:
    def strategy(self, request=None, user=None, now=None, **kwargs):
        return CooperativeStrategy(request, now=now)


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


class UseMostStockedRecord:
    """Pick the member stockrecord with the most free stock (ties: the oldest record)."""

    def select_stockrecord(self, product):
        records = list(product.stockrecords.all())  # uses prefetched records when the view prefetched them
        if not records:
            return None
        return max(records, key=lambda r: (r.net_stock_level, -r.pk))


class AgreedPricing:
    """Pricing mixin: the board's agreement in force at `self.now` (read once per product per request)."""

    def prime(self, products) -> None:
        """Read the agreements of the products not read yet, in one query (a listing page primes all of its
        products first, so each price is a lookup)."""
        from catalog.selectors import agreements_by_product

        missing = [p.pk for p in products if p.pk not in self._agreed]
        if missing:
            self._agreed.update(agreements_by_product(missing, until=self.now))

    def quote(self, product, quantity: int = 1):
        self.prime([product])
        return rules.quote(self._agreed[product.pk], self.now, quantity)

    def pricing_policy(self, product, stockrecord):
        quote = self.quote(product)
        if quote is None:
            return prices.Unavailable()
        return AgreedUnitPrice(quote.amount, quote=quote)

    def parent_pricing_policy(self, product, children_stock):
        # "From" the cheapest variant a member holds, like Oscar's Structured strategy shows a parent.
        self.prime([child for child, _record in children_stock])
        amounts = [
            quote.unit_amount for child, record in children_stock
            if record is not None and (quote := self.quote(child)) is not None
        ]
        if not amounts:
            return prices.Unavailable()
        return AgreedUnitPrice(min(amounts), is_from_price=True)

    def availability_policy(self, product, stockrecord, quantity=None):
        if self.quote(product) is None:
            return availability.Unavailable()
        return super().availability_policy(product, stockrecord, quantity=quantity)


class MadeToOrder:
    """Availability mixin: free stock across every member, then what skilled members can still make."""

    def availability_policy(self, product, stockrecord, quantity=None):
        if not stockrecord:
            return availability.Unavailable()
        product_class = product.get_product_class()
        if not product_class.track_stock:
            return availability.Available()
        free = sum(max(0, r.net_stock_level) for r in product.stockrecords.all())  # prefetched on listings
        return CooperativeAvailability(free=free, spare=lambda: self._spare_for(product_class),
                                       first_week=self._first_week, quantity=quantity)

    def parent_availability_policy(self, product, children_stock):
        # A parent is on sale when one of its variants is (in stock or made to order).
        for child, stockrecord in children_stock:
            if self.availability_policy(child, stockrecord).is_available_to_buy:
                return availability.Available()
        return availability.Unavailable()

    @cached_property
    def _first_week(self):
        # Lead times count from the week of `self.now` (fixed per request, read for every product).
        from inventory import ledger

        return ledger.week_start(timezone.localtime(self.now).date())

    def _spare_for(self, product_class) -> list[int]:
        from pooling.selectors import weekly_spare

        if product_class.pk not in self._spare:
            self._spare[product_class.pk] = weekly_spare(product_class, first_week=self._first_week)
        return self._spare[product_class.pk]


class CooperativeStrategy(UseMostStockedRecord, AgreedPricing, MadeToOrder, strategy.Structured):
    """One agreed price for the buyer whichever member's stock fulfils the line."""

    def __init__(self, request=None, now=None):
        super().__init__(request)
        # One moment per request: every line and product on a page is priced by the same agreement.
        self.now = now or timezone.now()
        self._agreed: dict = {}
        self._spare: dict = {}  # product class pk → spare units per week (made-to-order capacity)

    def fetch_for_line(self, line, stockrecord=None):
        product = line.product
        stockrecord = self.select_stockrecord(product)
        quote = self.quote(product, max(line.quantity or 1, 1))
        price = AgreedUnitPrice(quote.amount, quote=quote) if quote else prices.Unavailable()
        # The line's availability speaks of its quantity: "3 ready to ship; the other 5 are made to order…".
        return strategy.PurchaseInfo(
            price=price, availability=self.availability_policy(product, stockrecord, quantity=line.quantity),
            stockrecord=stockrecord,
        )
