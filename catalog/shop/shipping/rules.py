"""Shipping rules without a database: which zone an address falls in, what a parcel weighs for a courier, and
what a weight band table charges. Plain Python (the table itself is in models.py, staff edit it)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from urllib.parse import quote

PICKUP = "pickup"
VOLUMETRIC_DIVISOR = 6000  # cm³ per kg, what Indonesian couriers use: volumetric grams = l × w × h / 6

# Couriers and where a buyer follows a waybill ({waybill} is replaced).
COURIERS = {
    "jne": ("JNE", "https://www.jne.co.id/tracking-package?awb={waybill}"),
    "jnt": ("J&T Express", "https://jet.co.id/track?awb={waybill}"),
    "sicepat": ("SiCepat", "https://www.sicepat.com/checkAwb?awb={waybill}"),
    "pos": ("Pos Indonesia", "https://www.posindonesia.co.id/id/tracking?barcode={waybill}"),
}


def tracking_url(courier: str, waybill: str) -> str:
    entry = COURIERS.get((courier or "").lower())
    if not entry or not waybill:
        return ""
    return entry[1].format(waybill=quote(waybill.strip(), safe=""))


@dataclass(frozen=True)
class Destination:
    country: str  # ISO 3166-1 alpha-2
    postcode: str = ""
    province: str = ""


@dataclass(frozen=True)
class Zone:
    code: str
    countries: tuple[str, ...]  # "*": every country no other zone names
    postcode_prefixes: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    code: str  # e.g. "jne-reg"
    courier: str  # "JNE"
    service: str  # "REG"
    cost: int  # whole rupiah
    days: str  # "2–3"

    def as_dict(self) -> dict:
        return asdict(self)


def find_zone(zones: list[Zone], destination: Destination) -> Zone | None:
    """The zone of a destination. In a country: the longest postcode prefix that matches wins; then a zone that
    lists the province; then the country's catch-all zone (no prefixes, no provinces). Other countries: the zone
    naming the country, else the "*" zone."""
    country = destination.country.upper()
    postcode = destination.postcode.strip()
    in_country = [z for z in zones if country in z.countries]
    best, best_len = None, 0
    for zone in in_country:
        for prefix in zone.postcode_prefixes:
            if prefix and postcode.startswith(prefix) and len(prefix) > best_len:
                best, best_len = zone, len(prefix)
    if best is not None:
        return best
    province = destination.province.strip().lower()
    if province:
        for zone in in_country:
            if province in (p.lower() for p in zone.provinces):
                return zone
    for zone in in_country:
        if not zone.postcode_prefixes and not zone.provinces:
            return zone
    return next((z for z in zones if "*" in z.countries), None)


def parcel_weight(items: list[tuple[int, tuple]], default_grams: int) -> int:
    """Chargeable grams of a parcel: per unit the larger of the packed weight (``default_grams`` when unknown)
    and the volumetric weight (when all three dimensions are known), times the quantity. At least 1 g."""
    total = 0
    for quantity, (weight, length, width, height) in items:
        grams = weight if weight is not None else default_grams
        if length and width and height:
            grams = max(grams, math.ceil(length * width * height * 1000 / VOLUMETRIC_DIVISOR))
        total += grams * max(quantity, 0)
    return max(total, 1)


def band_cost(bands: list[tuple[int, int]], extra_kg_cost: int, weight_grams: int) -> int | None:
    """What a rate card charges for ``weight_grams``: the band (up-to grams, cost) that covers it; above the
    top band, the top band plus ``extra_kg_cost`` per started kilogram. Never less than a lighter parcel pays
    (a cheaper heavier band typed by mistake does not make weight cheaper). None: no bands."""
    if not bands:
        return None
    bands = sorted(bands)
    cost = 0
    for up_to, band in bands:
        cost = max(cost, band)
        if weight_grams <= up_to:
            return cost
    top = bands[-1][0]
    return cost + math.ceil((weight_grams - top) / 1000) * extra_kg_cost


def cheapest_first(quotes: list[Quote]) -> list[Quote]:
    return sorted(quotes, key=lambda q: (q.cost, q.code != PICKUP, q.code))
