"""The quote's shipping estimate: the shipping app's cheapest rate for the order's packed weight to the buyer's
country (its zones: export to Singapore, Malaysia, elsewhere; Indonesian zones by the country catch-all)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from oscar.core.loading import get_model

from catalog.shop.shipping import rates as shipping_rates, rules as shipping_rules

from ..models import QuoteRequest

Country = get_model("address", "Country")

# Country names trade buyers type that the address book may not spell the same way.
_COUNTRY_NAMES = {"singapore": "SG", "singapura": "SG", "malaysia": "MY", "indonesia": "ID"}


def country_code(text: str) -> str:
    """ISO 3166-1 alpha-2 code of a country as typed ("Singapore", "SG", "Republic of Singapore"); "" unknown
    (the shipping app's "*" zone then quotes, the international rate)."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) == 2 and text.isalpha():
        return text.upper()
    found = (
        Country.objects.filter(models.Q(printable_name__iexact=text) | models.Q(name__iexact=text))
        .values_list("iso_3166_1_a2", flat=True)
        .first()
    )
    if found:
        return found
    lowered = text.lower()
    return next((code for name, code in _COUNTRY_NAMES.items() if name in lowered), "")


def packed_grams(request: QuoteRequest) -> int:
    """Chargeable grams of the whole order: each variant's packed weight (or its parent's, its class's, the
    shop default) or volumetric weight, times the quantity (the shipping app's rule)."""
    items = [
        (line.quantity, line.product.shipping_size())
        for line in request.lines.select_related("product", "product__parent", "product__product_class")
    ]
    return shipping_rules.parcel_weight(items, settings.GUYUB_SHIPPING_DEFAULT_WEIGHT_GRAMS)


def shipping_estimate(request: QuoteRequest) -> dict:
    """The cheapest rate to the buyer's country for the packed weight. ``cost`` None: no rate."""
    grams = packed_grams(request)
    country = country_code(request.account.country) or country_code(request.destination) or "ZZ"
    quotes = shipping_rates.quote(shipping_rules.Destination(country=country), grams)
    best = quotes[0] if quotes else None
    return {
        "grams": grams,
        "country": country,
        "cost": Decimal(best.cost) if best else None,
        "service": f"{best.courier} {best.service}".strip() if best else "",
        "days": best.days if best else "",
    }
