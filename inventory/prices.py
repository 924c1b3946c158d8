"""Members never send a price: the board sets one agreed price per product (catalog, /prices/). The rule lives
here, below the catalog, because the inventory's member-facing imports and forms apply it too."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from common.errors import Refusal

# Field names that would let a member set a price (stockrecord columns, Indonesian words, API fields).
_PRICE_NAME = re.compile(r"(price|harga)", re.IGNORECASE)

MEMBER_PRICE = _(
    "Members cannot set prices: the field “%(field)s” is refused. The board sets one agreed price for every member."
)


def refuse_member_price(fields: Iterable[str] | Mapping) -> None:
    """Refuse a member-facing form, CSV import or API payload that carries a price.

    Call it with the field or column names (or the submitted mapping) before saving anything a member sent,
    e.g. the inventory's opening-stock CSV: `refuse_member_price(reader.fieldnames)`. Raises a Refusal
    naming each offending field; returns None when there is none. The board alone sets prices (/prices/).
    """
    names = list(fields.keys()) if isinstance(fields, Mapping) else list(fields or [])
    offending = [n for n in names if isinstance(n, str) and _PRICE_NAME.search(n.strip())]
    if offending:
        # Words looked up when shown (in the reader's language), not when raised.
        raise Refusal({name: Refusal(MEMBER_PRICE, code="member_price", params={"field": name}) for name in offending})
