"""Where the books read the board's agreed price of a product: a port the catalog fills.

The books sit below the catalog (the pool and the shop post into them, and the catalog's prices are what they
post), so they may not import it. The catalog registers its price reader when its app is ready
(catalog/apps.py); the books ask through ``agreed_price``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

PriceSource = Callable[..., Decimal | None]  # (product, *, at) → the agreed unit price, None when not for sale
_source: PriceSource | None = None


def register_price_source(source: PriceSource) -> None:
    global _source
    _source = source


def agreed_price(product, *, at: datetime.datetime) -> Decimal | None:
    if _source is None:
        raise RuntimeError("No agreed-price source registered (the catalog app registers it when ready)")
    return _source(product, at=at)
