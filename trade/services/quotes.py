"""Quotes: a revision prepared by staff (trade prices from the board's agreed tiers, packing, shipping, payment
terms, validity and the dry-run plan), a price override approved by the board, sent to the buyer, expired."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from catalog.pricing import rules as price_rules
from catalog.selectors import agreements_by_product
from common.errors import Refusal
from common.roles import is_board, is_board_or_staff

from ..models import Quote, QuoteLine, QuoteRequest
from .fields import money, text
from .rfq import plan_for
from .shipping import shipping_estimate


def trade_price(product, quantity: int, *, at=None, agreements: dict | None = None) -> Decimal | None:
    """The board's agreed price for ``quantity`` units (the trader tier it reaches), None: no agreed price.
    ``agreements``: ``agreements_by_product`` already read for several products (one query for a whole quote)."""
    at = at or timezone.now()
    if agreements is None:
        agreements = agreements_by_product([product.pk], until=at)
    quote = price_rules.quote(agreements.get(product.pk, []), at, quantity)
    return quote.amount if quote else None


@transaction.atomic
def prepare_quote(
    *,
    request: QuoteRequest,
    by,
    valid_until: datetime.date,
    deposit_percent: int = 30,
    packing=0,
    shipping=None,
    notes: str = "",
    prices: dict[int, object] | None = None,
) -> Quote:
    """A new revision (earlier draft or sent revisions are kept, marked replaced): trade prices from the agreed
    tiers unless overridden per product (an override needs the board's approval before sending), and the
    dry-run plan as it is now. Shipping: the shipping app's rate table for the packed weight to the buyer's
    country (``shipping_estimate``) unless staff give an amount (``shipping``), which overrides it."""
    if not is_board_or_staff(by):
        raise Refusal(gettext("Only shop staff or the board prepare quotes."), field="request")
    request = QuoteRequest.objects.select_for_update().get(pk=request.pk)
    if request.quotes.filter(status=Quote.Status.ACCEPTED).exists():
        raise Refusal(gettext("This request was already accepted."), field="request")
    if not isinstance(valid_until, datetime.date) or valid_until < timezone.localdate():
        raise Refusal(gettext("The quote must be valid until today or later."), field="valid_until")
    if isinstance(deposit_percent, bool) or not isinstance(deposit_percent, int) or not 0 <= deposit_percent <= 100:
        raise Refusal(gettext("The deposit is a whole percentage from 0 to 100."), field="deposit_percent")
    packing = money(packing, "packing")
    estimate = shipping_estimate(request)
    if shipping is None or (isinstance(shipping, str) and not shipping.strip()):
        if estimate["cost"] is None:
            raise Refusal(
                gettext("No shipping rate for this destination and weight: enter the shipping cost."),
                field="shipping",
            )
        shipping = estimate["cost"]
    shipping = money(shipping, "shipping")
    lines = _priced_lines(request, prices or {})
    revision = (request.quotes.aggregate(n=Max("revision"))["n"] or 0) + 1
    request.quotes.filter(status__in=[Quote.Status.DRAFT, Quote.Status.SENT]).update(status=Quote.Status.SUPERSEDED)
    quote = Quote.objects.create(
        request=request,
        revision=revision,
        valid_until=valid_until,
        deposit_percent=deposit_percent,
        packing=packing,
        shipping=shipping,
        shipping_quoted=estimate["cost"],
        shipping_service=estimate["service"],
        shipping_grams=estimate["grams"],
        notes=text(notes, "notes", max_length=5000, required=False),
        plan=plan_for(request).as_json(),
        prepared_by=by,
    )
    for line in lines:
        line.quote = quote
    QuoteLine.objects.bulk_create(lines)
    return quote


def _priced_lines(request: QuoteRequest, prices: dict) -> list[QuoteLine]:
    lines = []
    wanted = list(request.lines.select_related("product"))
    at = timezone.now()
    agreements = agreements_by_product([line.product_id for line in wanted], until=at)
    for line in wanted:
        agreed = trade_price(line.product, line.quantity, at=at, agreements=agreements)
        if agreed is None:
            raise Refusal(
                gettext("“%(product)s” has no agreed price.") % {"product": line.product.get_title()},
                field=f"price_{line.product_id}",
            )
        given = prices.get(line.product_id)
        unit = agreed if given in (None, "") else money(given, f"price_{line.product_id}", positive=True)
        lines.append(QuoteLine(product=line.product, quantity=line.quantity, trade_price=agreed, unit_price=unit))
    return lines


@transaction.atomic
def approve_override(*, quote: Quote, by) -> Quote:
    if not is_board(by):
        raise Refusal(gettext("Only the board approves prices other than the agreed ones."), field="prices")
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != Quote.Status.DRAFT or not quote.has_override:
        raise Refusal(gettext("This quote has no price override waiting for approval."), field="prices")
    quote.override_approved_by = by
    quote.save(update_fields=["override_approved_by"])
    return quote


@transaction.atomic
def send_quote(*, quote: Quote, by) -> Quote:
    if not is_board_or_staff(by):
        raise Refusal(gettext("Only shop staff or the board send quotes."), field="quote")
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != Quote.Status.DRAFT:
        raise Refusal(gettext("Only a draft quote can be sent."), field="quote")
    if quote.has_override and quote.override_approved_by_id is None:
        raise Refusal(
            gettext("A price differs from the agreed trade price: the board must approve it first."), field="prices"
        )
    quote.status, quote.sent_at = Quote.Status.SENT, timezone.now()
    quote.save(update_fields=["status", "sent_at"])
    return quote


def expire_quotes(*, today: datetime.date | None = None) -> int:
    """Sent quotes past their validity date expire (a revision can be sent again)."""
    today = today or timezone.localdate()
    return Quote.objects.filter(status=Quote.Status.SENT, valid_until__lt=today).update(status=Quote.Status.EXPIRED)
