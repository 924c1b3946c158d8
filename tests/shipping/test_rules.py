"""Zones and weight bands: the plain rules, and the seeded table through the rate source."""

import pytest
from hypothesis import given, settings, strategies as st

from catalog.shop.shipping import rates, rules
from catalog.shop.shipping.rules import Destination

ZONES = [
    rules.Zone("yogya-kota", ("ID",), ("551",)),
    rules.Zone("diy", ("ID",), ("55",), ("DI Yogyakarta",)),
    rules.Zone("jawa", ("ID",), ("1", "4", "5", "6"), ("Jawa Timur",)),
    rules.Zone("luar-jawa", ("ID",)),
    rules.Zone("singapura", ("SG",)),
    rules.Zone("internasional", ("*",)),
]


@pytest.mark.parametrize(
    "destination, zone",
    [
        (Destination("ID", "55152"), "yogya-kota"),  # Keparakan, Kota Yogyakarta
        (Destination("ID", "55281"), "diy"),  # Sleman
        (Destination("ID", "60111"), "jawa"),  # Surabaya
        (Destination("ID", "10110"), "jawa"),  # Jakarta
        (Destination("ID", "80361"), "luar-jawa"),  # Bali
        (Destination("ID", "", "Jawa Timur"), "jawa"),  # no postcode: the province decides
        (Destination("SG", "049315"), "singapura"),
        (Destination("NL", "1012"), "internasional"),
    ],
)
def test_zone_lookup_longest_prefix_then_province_then_catch_all(destination, zone):
    assert rules.find_zone(ZONES, destination).code == zone


def test_band_cost_covers_and_extends_past_the_top_band():
    bands = [(1000, 15000), (2000, 30000)]
    assert rules.band_cost(bands, 15000, 1) == 15000
    assert rules.band_cost(bands, 15000, 1000) == 15000
    assert rules.band_cost(bands, 15000, 1001) == 30000
    assert rules.band_cost(bands, 15000, 2001) == 45000
    assert rules.band_cost([], 0, 500) is None


@settings(max_examples=300, deadline=None)
@given(
    bands=st.lists(
        st.tuples(st.integers(1, 30000), st.integers(0, 2_000_000)), min_size=1, max_size=8, unique_by=lambda b: b[0]
    ),
    extra=st.integers(0, 200_000),
    a=st.integers(1, 60000),
    b=st.integers(1, 60000),
)
def test_cost_never_decreases_with_weight(bands, extra, a, b):
    """Whatever bands staff type (even a cheaper heavier band), a heavier parcel never costs less."""
    light, heavy = sorted((a, b))
    assert rules.band_cost(bands, extra, light) <= rules.band_cost(bands, extra, heavy)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(light=st.integers(1, 25000), more=st.integers(0, 25000))
def test_seeded_table_never_cheaper_for_heavier_parcels(light, more):
    for postcode in ("55152", "60111", "90111"):
        lighter = {
            q.code: q.cost
            for q in rates.TableRates().quote(destination=Destination("ID", postcode), weight_grams=light)
        }
        heavier = {
            q.code: q.cost
            for q in rates.TableRates().quote(destination=Destination("ID", postcode), weight_grams=light + more)
        }
        assert lighter.keys() == heavier.keys() and lighter
        assert all(lighter[code] <= heavier[code] for code in lighter)


@pytest.mark.django_db
def test_seeded_table_prices_surabaya_by_courier_cheapest_first():
    quotes = rates.TableRates().quote(destination=Destination("ID", "60111"), weight_grams=1200)
    codes = [q.code for q in quotes]
    assert {"jne-reg", "jne-yes", "jnt-ez", "sicepat-reg", "pos-kilat"} == set(codes)
    assert [q.cost for q in quotes] == sorted(q.cost for q in quotes)
    jne = next(q for q in quotes if q.code == "jne-reg")
    assert (jne.cost, jne.days) == (30000, "2–3")  # two started kilograms to Java
    assert all(isinstance(q.cost, int) for q in quotes)


@pytest.mark.django_db
def test_export_zones_offer_pos_ems():
    sg = rates.TableRates().quote(destination=Destination("SG", "049315"), weight_grams=800)
    other = rates.TableRates().quote(destination=Destination("NL", "1012AB"), weight_grams=800)
    assert [q.code for q in sg] == ["pos-ems"] and [q.code for q in other] == ["pos-ems"]
    assert sg[0].cost < other[0].cost


def test_parcel_weight_uses_defaults_and_volumetric_weight():
    assert rules.parcel_weight([(2, (300, None, None, None))], 500) == 600
    assert rules.parcel_weight([(1, (None, None, None, None))], 500) == 500
    assert rules.parcel_weight([(1, (300, 40, 30, 15))], 500) == 3000  # 18,000 cm³ / 6
