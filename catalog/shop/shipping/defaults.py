"""The rate table a new database starts with (staff change it in the admin afterwards); docs/shipping.md
explains the zones. Costs are whole rupiah per started kilogram, rounded to Rp 500."""

from catalog.shop.address.regions import JAVA

ZONES = [
    # code, name, countries, postcode prefixes, provinces, position
    ("yogya-kota", "Kota Yogyakarta", "ID", "551", "", 1),
    ("diy", "DI Yogyakarta", "ID", "55", "DI Yogyakarta", 2),
    ("jawa", "Jawa", "ID", "1,4,5,6", "\n".join(sorted(JAVA - {"DI Yogyakarta"})), 3),
    ("luar-jawa", "Luar Jawa", "ID", "", "", 4),
    ("singapura", "Singapura", "SG", "", "", 10),
    ("malaysia", "Malaysia", "MY", "", "", 11),
    ("internasional", "Internasional", "*", "", "", 12),
]
SERVICES = [
    # code, courier, service, position
    ("jne-reg", "jne", "REG", 1),
    ("jne-yes", "jne", "YES", 2),
    ("jnt-ez", "jnt", "EZ", 3),
    ("sicepat-reg", "sicepat", "REG", 4),
    ("pos-kilat", "pos", "Kilat Khusus", 5),
    ("pos-ems", "pos", "EMS", 6),
]
# Per zone: JNE REG's price for the first kilogram and its days; export zones go by Pos Indonesia EMS only.
DOMESTIC = {"yogya-kota": (8000, "1"), "diy": (10000, "1–2"), "jawa": (15000, "2–3"), "luar-jawa": (36000, "3–6")}
EXPORT = {
    "singapura": (260000, 90000, "5–8"),
    "malaysia": (240000, 85000, "5–9"),
    "internasional": (420000, 160000, "7–14"),
}
# Per domestic service: price factor against JNE REG, and days (None: the zone's).
FACTORS = {
    "jne-reg": (1.0, None),
    "jne-yes": (1.8, "1"),
    "jnt-ez": (0.95, None),
    "sicepat-reg": (0.9, None),
    "pos-kilat": (0.85, None),
}
BAND_KG = (1, 2, 3, 4, 5)


def _round(amount: float) -> int:
    return int(round(amount / 500.0)) * 500


def cards():
    """(zone code, service code, days, extra kg cost, [(up to grams, cost)])."""
    for zone, (first_kg, days) in DOMESTIC.items():
        for service, (factor, service_days) in FACTORS.items():
            per_kg = _round(first_kg * factor)
            bands = [(kg * 1000, per_kg * kg) for kg in BAND_KG]
            yield zone, service, service_days or days, per_kg, bands
    for zone, (first_kg, next_kg, days) in EXPORT.items():
        bands = [(kg * 1000, first_kg + next_kg * (kg - 1)) for kg in BAND_KG]
        yield zone, "pos-ems", days, next_kg, bands


def ensure_default_table(apps, using="default") -> bool:
    """Fill an empty rate table with the defaults (after migrate and after a test flush). Returns whether it did."""
    ShippingZone = apps.get_model("shipping", "ShippingZone")
    if ShippingZone.objects.using(using).exists():
        return False
    CourierService = apps.get_model("shipping", "CourierService")
    RateCard = apps.get_model("shipping", "RateCard")
    RateBand = apps.get_model("shipping", "RateBand")
    zones = {
        code: ShippingZone.objects.using(using).create(
            code=code, name=name, countries=countries, postcode_prefixes=prefixes, provinces=provinces, position=pos
        )
        for code, name, countries, prefixes, provinces, pos in ZONES
    }
    services = {}
    for code, courier, service, pos in SERVICES:
        services[code], _ = CourierService.objects.using(using).get_or_create(
            code=code, defaults={"courier": courier, "service": service, "position": pos}
        )
    bands = []
    for zone, service, days, extra, card_bands in cards():
        card = RateCard.objects.using(using).create(
            zone=zones[zone], service=services[service], days=days, extra_kg_cost=extra
        )
        bands += [RateBand(card=card, up_to_grams=up_to, cost=cost) for up_to, cost in card_bands]
    RateBand.objects.using(using).bulk_create(bands)
    return True
