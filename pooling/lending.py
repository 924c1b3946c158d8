"""Who could lend a material: the one ranking both the work card (a shortage for accepted work) and the loan
form (a member asks to borrow) show. Plain Python (no Django): the selectors feed it database rows.

A member can spare what it holds beyond what its own accepted work needs. Those who can cover most of the
request come first, then the nearest (material is carried by hand), then the most spare.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from common.geo import distance_km


@dataclass(frozen=True)
class Candidate:
    key: Hashable
    balance: Decimal
    needs: Decimal  # what its own accepted work needs of the material
    location: tuple[float, float]

    @property
    def spare(self) -> Decimal:
        return self.balance - self.needs


@dataclass(frozen=True)
class Suggestion:
    key: Hashable
    spare: Decimal
    distance_km: float
    covers: bool  # can lend the whole quantity


def rank_lenders(
    candidates: Iterable[Candidate], *, quantity: Decimal, origin: tuple[float, float], min_spare: Decimal = Decimal(0)
) -> list[Suggestion]:
    """Members with something (at least ``min_spare``) to spare beyond their own accepted work, best first."""
    out = []
    for c in candidates:
        if c.spare > 0 and c.spare >= min_spare:
            out.append(Suggestion(c.key, c.spare, round(distance_km(origin, c.location), 2), c.spare >= quantity))
    return sorted(out, key=lambda s: (-min(s.spare, quantity), s.distance_km, -s.spare, str(s.key)))
