"""Distance between workshops: one rule for the routing engine (its cost per km) and the suggested lenders.

Plain Python (no Django). Members are a few km apart in one kampung, so an equirectangular projection around
the cooperative's centre is exact to well under 1 %; the engine works in that plane (km), and the distance
between two members is the straight line there.
"""

from __future__ import annotations

import math

# Kampung Keparakan Kidul, Yogyakarta: the plane's origin (the seed's cooperative centre).
CENTRE = (-7.8105, 110.3775)
KM_PER_DEGREE = 111.32


def to_km(latitude, longitude) -> tuple[float, float]:
    """(latitude, longitude) as (x, y) km east and north of the centre."""
    lat, lon = float(latitude), float(longitude)
    x = (lon - CENTRE[1]) * KM_PER_DEGREE * math.cos(math.radians(CENTRE[0]))
    y = (lat - CENTRE[0]) * KM_PER_DEGREE
    return (round(x, 4), round(y, 4))


def plane_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two points already in the plane (`to_km`), as the engine measures it."""
    return math.hypot(b[0] - a[0], b[1] - a[1])


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two (latitude, longitude) points, in km."""
    return plane_km(to_km(*a), to_km(*b))
