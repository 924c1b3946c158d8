"""Checks of the text and money fields the trade services take: a clear Refusal naming the field."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext

from common.errors import Refusal


def text(value, field: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise Refusal(gettext("This field is required."), field=field)
    if len(value) > max_length:
        raise Refusal(gettext("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


def money(value, field: str, *, positive: bool = False) -> Decimal:
    if isinstance(value, str):  # "150000" or "150.000" (Indonesian thousands); never decimals
        raw = value.strip()
        amount = Decimal(raw.replace(".", "")) if re.fullmatch(r"\d+|\d{1,3}(\.\d{3})+", raw) else None
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral_value() or amount < 0:
        raise Refusal(gettext("Enter a whole number of rupiah, not negative."), field=field)
    if positive and amount == 0:
        raise Refusal(gettext("The price must be more than zero."), field=field)
    if amount >= Decimal(10) ** 13:
        raise Refusal(gettext("That amount is too large."), field=field)
    return amount
