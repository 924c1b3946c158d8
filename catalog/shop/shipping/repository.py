"""Oscar's shipping repository: what the checkout offers for a basket and an address.

Pickup at the gallery is always offered, free. With an address, every courier service the rate source
(rates.py: the staff's table, or a live provider) quotes for the basket's packed weight is offered too,
cheapest first. Without one (the basket page), pickup is the default.
"""

from django.conf import settings
from oscar.apps.shipping import repository

from . import rates, rules
from .methods import CourierMethod, Pickup


def destination_of(address) -> rules.Destination:
    country = getattr(address, "country_id", "") or ""
    return rules.Destination(
        country=str(country), postcode=(address.postcode or "").strip(), province=(address.state or "").strip()
    )


def basket_weight(basket) -> int:
    """Chargeable grams of the basket's parcel (packed weights, product class defaults, volumetric weight)."""
    items = [
        (line.quantity, line.product.shipping_size())
        for line in basket.all_lines()
        if line.product.get_product_class() is None or line.product.get_product_class().requires_shipping
    ]
    return rules.parcel_weight(items, settings.GUYUB_SHIPPING_DEFAULT_WEIGHT_GRAMS)


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        methods = [Pickup()]
        if shipping_addr is not None and getattr(shipping_addr, "country_id", None):
            quotes = rates.quote(destination_of(shipping_addr), basket_weight(basket))
            methods += [CourierMethod(q) for q in quotes if q.code != rules.PICKUP]
        return sorted(methods, key=lambda m: (m.cost, m.code != rules.PICKUP, m.code))
