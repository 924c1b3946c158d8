"""Where shipping prices come from: a rate source quotes every courier service for a destination and a weight.

* ``TableRates``: the staff-edited zones and weight bands (models.py), the default and what the tests use;
* ``LiveRates``: a Biteship-style courier-rate HTTP API (``GUYUB_SHIPPING_RATES = "live"``), for Indonesian
  destinations. When it fails, is slow or answers nonsense, ``quote`` logs the reason and uses the table: the
  buyer always gets prices.

Pickup at the gallery is not a rate source's business: the repository always adds it (free).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Protocol

import requests
from django.conf import settings
from django.core.cache import cache

from . import rules
from .models import RateCard, ShippingZone

logger = logging.getLogger(__name__)
LIVE_CACHE_SECONDS = 600
# A provider's price at or above this is nonsense (and would not fit the order's money fields): use the table.
MAX_LIVE_PRICE = 10**8


class RateSource(Protocol):
    name: str

    def quote(self, *, destination: rules.Destination, weight_grams: int) -> list[rules.Quote]: ...


class TableRates:
    name = "table"

    def quote(self, *, destination: rules.Destination, weight_grams: int) -> list[rules.Quote]:
        zones = list(ShippingZone.objects.all())
        zone_rule = rules.find_zone([z.as_rule() for z in zones], destination)
        if zone_rule is None:
            return []
        cards = (
            RateCard.objects.filter(zone__code=zone_rule.code, service__is_active=True)
            .select_related("service")
            .prefetch_related("bands")
        )
        quotes = []
        for card in cards:
            cost = rules.band_cost(
                [(b.up_to_grams, b.cost) for b in card.bands.all()], card.extra_kg_cost, weight_grams
            )
            if cost is not None:
                service = card.service
                quotes.append(rules.Quote(service.code, service.courier_name, service.service, cost, card.days))
        return rules.cheapest_first(quotes)


class LiveRateError(Exception):
    pass


class LiveRates:
    """A Biteship-style API: POST ``{url}`` with the origin and destination postcodes, the couriers and the
    parcel's grams; the answer lists ``pricing`` entries (courier_code, courier_service_code, courier_name,
    courier_service_name, price, shipment_duration_range)."""

    name = "live"
    couriers = ("jne", "jnt", "sicepat", "pos")

    def __init__(self, *, url: str, key: str = "", timeout: float = 4.0, session: requests.Session | None = None):
        self.url, self.key, self.timeout = url, key, timeout
        self.session = session or requests.Session()

    def quote(self, *, destination: rules.Destination, weight_grams: int) -> list[rules.Quote]:
        if not self.url:
            raise LiveRateError("no GUYUB_SHIPPING_LIVE_URL")
        if destination.country.upper() != "ID":
            raise LiveRateError("the live provider quotes Indonesian destinations only")
        if not (destination.postcode.isascii() and destination.postcode.isdigit() and len(destination.postcode) == 5):
            raise LiveRateError("the destination has no five-digit postcode")  # e.g. an address saved before
        body = {
            "origin_postal_code": int(settings.GUYUB_SHIPPING_ORIGIN_POSTCODE),
            "destination_postal_code": int(destination.postcode),
            "couriers": ",".join(self.couriers),
            "items": [{"name": "parcel", "quantity": 1, "weight": int(weight_grams), "value": 0}],
        }
        headers = {"Authorization": self.key} if self.key else {}
        try:
            response = self.session.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except requests.Timeout as error:
            raise LiveRateError(f"timed out after {self.timeout:g} s") from error
        except requests.RequestException as error:
            raise LiveRateError(f"request failed: {error.__class__.__name__}") from error
        if response.status_code != 200:
            raise LiveRateError(f"HTTP {response.status_code}")
        try:
            data = response.json()
            quotes = [self._quote(entry) for entry in data["pricing"]]
        except (ValueError, KeyError, TypeError) as error:
            raise LiveRateError(f"unexpected answer: {error!r}"[:200]) from error
        if not quotes:
            raise LiveRateError("no courier answered")
        return rules.cheapest_first(quotes)

    @staticmethod
    def _quote(entry: dict) -> rules.Quote:
        courier = str(entry["courier_code"]).lower()
        service = str(entry["courier_service_code"])
        price = entry["price"]
        if isinstance(price, bool) or not isinstance(price, int) or not 0 <= price < MAX_LIVE_PRICE:
            raise ValueError(f"price {price!r} is not whole rupiah")
        days = str(entry.get("shipment_duration_range") or entry.get("duration") or "").replace(" - ", "–")
        name = rules.COURIERS.get(courier, (str(entry.get("courier_name") or courier),))[0]
        return rules.Quote(f"{courier}-{service.lower()}", name, service.upper(), price, days)


def live_source() -> LiveRates:
    return LiveRates(
        url=settings.GUYUB_SHIPPING_LIVE_URL,
        key=settings.GUYUB_SHIPPING_LIVE_KEY,
        timeout=settings.GUYUB_SHIPPING_LIVE_TIMEOUT,
    )


def quote(destination: rules.Destination, weight_grams: int) -> list[rules.Quote]:
    """Every courier service's price for the parcel, cheapest first (no pickup): from the live provider when
    it is configured and answers, otherwise from the table."""
    if settings.GUYUB_SHIPPING_RATES == "live":
        key = "shipping-live:" + hashlib.sha256(repr((destination, weight_grams)).encode()).hexdigest()
        quotes = cache.get(key)
        if quotes is not None:
            return quotes
        try:
            quotes = live_source().quote(destination=destination, weight_grams=weight_grams)
        except LiveRateError as error:
            logger.warning(
                "Live shipping rates failed for %s %s g (%s); using the rate table", destination, weight_grams, error
            )
        else:
            cache.set(key, quotes, LIVE_CACHE_SECONDS)
            return quotes
    return TableRates().quote(destination=destination, weight_grams=weight_grams)
