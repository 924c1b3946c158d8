"""Trade orders (issue 20): accounts, requests for quote, quotes and their acceptance. Each service runs in one
transaction and raises ``Refusal`` naming the field; nothing is half-applied."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_model

from catalog.pricing import rules as price_rules
from catalog.selectors import agreements_by_product
from catalog.shop.order import services as order_services, statuses, transfers
from catalog.shop.payment.models import BankTransfer
from catalog.shop.shipping import rates as shipping_rates, rules as shipping_rules
from common.errors import Refusal
from common.roles import is_board, is_board_or_staff, trade_buyer_group
from pooling.services import promises
from pooling.services.routing import reserve_order_line

from . import planning, sheet
from .models import BalanceTransfer, Message, Quote, QuoteLine, QuoteRequest, RequestLine, TradeAccount

Country = get_model("address", "Country")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")

DEPOSIT_DAYS = 7  # the deposit's bank transfer holds the reserved capacity this long


class PlanChanged(Refusal):
    """Capacity moved since the quote: the new plan is on the quote; the buyer accepts again or asks."""


def _text(value, field: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise Refusal(gettext("This field is required."), field=field)
    if len(value) > max_length:
        raise Refusal(gettext("At most %(n)s characters.") % {"n": max_length}, field=field)
    return value


# --- Accounts ---------------------------------------------------------------------------------


@transaction.atomic
def apply_for_account(*, user, company: str, contact: str, country: str, tax_number: str = "") -> TradeAccount:
    fields = {
        "company": _text(company, "company", max_length=200),
        "contact": _text(contact, "contact", max_length=200),
        "country": _text(country, "country", max_length=100),
        "tax_number": _text(tax_number, "tax_number", max_length=60, required=False),
    }
    account = TradeAccount.objects.filter(user=user).first()
    if account is not None and account.status == TradeAccount.Status.APPROVED:
        raise Refusal(gettext("Your trade account is already approved."), field="company")
    if account is None:
        return TradeAccount.objects.create(user=user, **fields)
    for name, value in fields.items():
        setattr(account, name, value)
    account.status = TradeAccount.Status.PENDING
    account.save()
    return account


@transaction.atomic
def decide_account(*, account: TradeAccount, by, approve: bool) -> TradeAccount:
    if not is_board_or_staff(by):
        raise Refusal(gettext("Only shop staff or the board decide on trade accounts."), field="status")
    account = TradeAccount.objects.select_for_update().get(pk=account.pk)
    account.status = TradeAccount.Status.APPROVED if approve else TradeAccount.Status.REJECTED
    account.decided_by, account.decided_at = by, timezone.now()
    account.save(update_fields=["status", "decided_by", "decided_at"])
    group = trade_buyer_group()
    if approve:
        account.user.groups.add(group)
    else:
        account.user.groups.remove(group)
    return account


# --- Requests for quote -----------------------------------------------------------------------


def read_csv(text: str) -> list[tuple[str, int]]:
    """The rows of an uploaded CSV, every SKU checked; one Refusal listing every bad row (nothing is kept)."""
    rows, errors = sheet.parse(text, max_units=planning.MAX_UNITS)
    messages = [
        gettext("Row %(row)s: %(error)s") % {"row": e.row, "error": gettext(e.message) % e.params} for e in errors
    ]
    known = planning.products_by_sku(sku for _row, sku, _q in rows)
    seen: dict[str, int] = {}
    for row, sku, _quantity in rows:
        problem = planning.sku_problem(known.get(sku), sku)
        if problem is None and sku in seen:
            problem = gettext("“%(sku)s” is already in row %(row)s.") % {"sku": sku, "row": seen[sku]}
        if problem:
            messages.append(gettext("Row %(row)s: %(error)s") % {"row": row, "error": problem})
        seen.setdefault(sku, row)
    if not rows and not messages:
        messages.append(gettext("The file has no rows of SKU and quantity."))
    if messages:
        raise Refusal(messages, field="csv")
    return [(sku, quantity) for _row, sku, quantity in rows]


@transaction.atomic
def create_request(
    *, account: TradeAccount, wanted, destination: str, notes: str = "", lines: list[tuple[str, int]]
) -> QuoteRequest:
    if not account.approved:
        raise Refusal(gettext("Your trade account is not approved yet."), field="account")
    if not isinstance(wanted, datetime.date) or wanted <= timezone.localdate():
        raise Refusal(gettext("The wanted date must be after today."), field="wanted")
    destination = _text(destination, "destination", max_length=255)
    notes = _text(notes, "notes", max_length=5000, required=False)
    if not lines:
        raise Refusal(gettext("Add at least one product and quantity."), field="lines")
    try:
        pairs = [
            (i, str(sku).strip(), planning.check_quantity(q, f"lines[{i}].quantity"))
            for i, (sku, q) in enumerate(lines)
        ]
        wanted_lines = planning.resolve(pairs)
    except planning.PlanRequestError as exc:
        raise Refusal(str(exc), field="lines") from exc
    request = QuoteRequest.objects.create(account=account, wanted=wanted, destination=destination, notes=notes)
    RequestLine.objects.bulk_create(
        RequestLine(request=request, product=w.product, quantity=w.quantity) for w in wanted_lines
    )
    return request


def plan_for(request: QuoteRequest):
    lines = [planning.Wanted(line.product, line.quantity) for line in request.lines.select_related("product")]
    return planning.dry_run(request.wanted, lines)


# --- Shipping estimate ------------------------------------------------------------------------

# Country names trade buyers type that the address book may not spell the same way.
_COUNTRY_NAMES = {"singapore": "SG", "singapura": "SG", "malaysia": "MY", "indonesia": "ID"}


def country_code(text: str) -> str:
    """ISO 3166-1 alpha-2 code of a country as typed ("Singapore", "SG", "Republic of Singapore"); "" unknown
    (the shipping app's "*" zone then quotes, the international rate)."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) == 2 and text.isalpha():
        return text.upper()
    found = (
        Country.objects.filter(models.Q(printable_name__iexact=text) | models.Q(name__iexact=text))
        .values_list("iso_3166_1_a2", flat=True)
        .first()
    )
    if found:
        return found
    lowered = text.lower()
    return next((code for name, code in _COUNTRY_NAMES.items() if name in lowered), "")


def packed_grams(request: QuoteRequest) -> int:
    """Chargeable grams of the whole order: each variant's packed weight (or its parent's, its class's, the
    shop default) or volumetric weight, times the quantity (the shipping app's rule)."""
    items = [
        (line.quantity, line.product.shipping_size())
        for line in request.lines.select_related("product", "product__parent", "product__product_class")
    ]
    return shipping_rules.parcel_weight(items, settings.GUYUB_SHIPPING_DEFAULT_WEIGHT_GRAMS)


def shipping_estimate(request: QuoteRequest) -> dict:
    """The shipping app's cheapest rate for the order's packed weight to the buyer's country (its zones: export
    to Singapore, Malaysia, elsewhere; Indonesian zones by the country catch-all). ``cost`` None: no rate."""
    grams = packed_grams(request)
    country = country_code(request.account.country) or country_code(request.destination) or "ZZ"
    quotes = shipping_rates.quote(shipping_rules.Destination(country=country), grams)
    best = quotes[0] if quotes else None
    return {
        "grams": grams,
        "country": country,
        "cost": Decimal(best.cost) if best else None,
        "service": f"{best.courier} {best.service}".strip() if best else "",
        "days": best.days if best else "",
    }


# --- Quotes -----------------------------------------------------------------------------------


def trade_price(product, quantity: int, *, at=None) -> Decimal | None:
    """The board's agreed price for ``quantity`` units (the trader tier it reaches), None: no agreed price."""
    at = at or timezone.now()
    quote = price_rules.quote(agreements_by_product([product.pk], until=at)[product.pk], at, quantity)
    return quote.amount if quote else None


def _money(value, field: str, *, positive: bool = False) -> Decimal:
    if isinstance(value, str):  # "150000" or "150.000" (Indonesian thousands); never decimals
        text = value.strip()
        amount = Decimal(text.replace(".", "")) if re.fullmatch(r"\d+|\d{1,3}(\.\d{3})+", text) else None
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
    packing = _money(packing, "packing")
    estimate = shipping_estimate(request)
    if shipping is None or (isinstance(shipping, str) and not shipping.strip()):
        if estimate["cost"] is None:
            raise Refusal(
                gettext("No shipping rate for this destination and weight: enter the shipping cost."),
                field="shipping",
            )
        shipping = estimate["cost"]
    shipping = _money(shipping, "shipping")
    prices = prices or {}
    lines = []
    for line in request.lines.select_related("product"):
        agreed = trade_price(line.product, line.quantity)
        if agreed is None:
            raise Refusal(
                gettext("“%(product)s” has no agreed price.") % {"product": line.product.get_title()},
                field=f"price_{line.product_id}",
            )
        given = prices.get(line.product_id)
        unit = agreed if given in (None, "") else _money(given, f"price_{line.product_id}", positive=True)
        lines.append(QuoteLine(product=line.product, quantity=line.quantity, trade_price=agreed, unit_price=unit))
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
        notes=_text(notes, "notes", max_length=5000, required=False),
        plan=plan_for(request).as_json(),
        prepared_by=by,
    )
    for line in lines:
        line.quote = quote
    QuoteLine.objects.bulk_create(lines)
    return quote


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


def _plan_key(plan: dict) -> tuple:
    return (plan.get("earliest"), tuple((x["sku"], x["ready_by_wanted"]) for x in plan.get("lines", [])))


def accept_quote(*, quote: Quote, user, now=None) -> Order:
    """The buyer accepts: re-plan first (if the members' capacity changed since the quote, the new plan is put
    on the quote and PlanChanged raised: nothing is committed); then, in one transaction, an Oscar order
    awaiting the deposit by bank transfer, and each line's capacity reserved and routed as any shop order's
    (``pooling.services``: routing requests, work orders offered after commit)."""
    now = now or timezone.now()
    quote = Quote.objects.select_related("request__account").get(pk=quote.pk)
    if quote.request.account.user_id != user.pk:
        raise Refusal(gettext("This quote is not yours."), field="quote")
    if quote.status == Quote.Status.SENT and quote.valid_until < timezone.localdate(now):
        Quote.objects.filter(pk=quote.pk, status=Quote.Status.SENT).update(status=Quote.Status.EXPIRED)
        raise Refusal(gettext("This quote has expired: ask us for a new one."), field="quote")
    if quote.status != Quote.Status.SENT:
        raise Refusal(gettext("This quote can no longer be accepted."), field="quote")
    fresh = plan_for(quote.request).as_json()
    if _plan_key(fresh) != _plan_key(quote.plan):
        _replanned(quote, fresh)
    try:
        with transaction.atomic():
            return _place(quote, user, fresh, now)
    except promises.PromiseBroken as exc:
        _replanned(quote, plan_for(quote.request).as_json())
        raise AssertionError("unreachable") from exc  # _replanned raises


def _replanned(quote: Quote, plan: dict):
    with transaction.atomic():
        Quote.objects.filter(pk=quote.pk).update(plan=plan)
    quote.plan = plan
    raise PlanChanged(
        gettext(
            "The members' capacity changed since we sent this quote. Please look at the new plan below and accept "
            "again, or write to us."
        ),
        field="plan",
    )


def _fulfiller(product, plan: dict):
    """The stockrecord of the member who collects the line: the biggest maker of the SKU that holds a record of
    the product, else any member's record of it."""
    records = {
        r.partner.member.code: r
        for r in StockRecord.objects.filter(product=product, partner__member__isnull=False).select_related(
            "partner__member"
        )
    }
    units: dict[str, int] = {}
    for maker in plan.get("makers", []):
        if maker["sku"] == product.upc:
            units[maker["member"]] = units.get(maker["member"], 0) + maker["units"]
    for code in sorted(units, key=lambda c: (-units[c], c)):
        if code in records:
            return records[code]
    return records[min(records)] if records else None


def _place(quote: Quote, user, plan: dict, now) -> Order:
    promises.lock_promises()
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.status != Quote.Status.SENT:
        raise Refusal(gettext("This quote can no longer be accepted."), field="quote")
    total = quote.total
    order = Order.objects.create(
        number=f"TR{quote.pk:06d}",
        site=Site.objects.get_current(),
        currency="IDR",
        user=user,
        total_incl_tax=total,
        total_excl_tax=total,
        shipping_incl_tax=quote.shipping + quote.packing,
        shipping_excl_tax=quote.shipping + quote.packing,
        shipping_method=gettext("Trade shipment"),
        status=statuses.AWAITING_PAYMENT,
        date_placed=now,
    )
    makers_weeks: dict[str, str] = {}
    for maker in plan.get("makers", []):
        makers_weeks[maker["sku"]] = max(makers_weeks.get(maker["sku"], ""), maker["week"])
    for qline in quote.lines.select_related("product"):
        record = _fulfiller(qline.product, plan)
        if record is None:
            raise Refusal(
                gettext("No member workshop sells “%(product)s”.") % {"product": qline.product.get_title()},
                field="quote",
            )
        week = makers_weeks.get(qline.product.upc)
        line = OrderLine.objects.create(
            order=order,
            partner=record.partner,
            partner_name=record.partner.name,
            partner_sku=record.partner_sku,
            stockrecord=record,
            product=qline.product,
            title=qline.product.get_title(),
            upc=qline.product.upc,
            quantity=qline.quantity,
            line_price_incl_tax=qline.total,
            line_price_excl_tax=qline.total,
            line_price_before_discounts_incl_tax=qline.total,
            line_price_before_discounts_excl_tax=qline.total,
            unit_price_incl_tax=qline.unit_price,
            unit_price_excl_tax=qline.unit_price,
            num_allocated=0,
            promised_week=datetime.date.fromisoformat(week) if week else None,
            promised_to_make=qline.quantity,
        )
        reserve_order_line(line=line)
    transfer = transfers.create_bank_transfer(order=order, now=now)
    BankTransfer.objects.filter(pk=transfer.pk).update(
        amount=quote.deposit, expires_at=now + datetime.timedelta(days=DEPOSIT_DAYS)
    )
    quote.status, quote.accepted_at, quote.order, quote.plan = Quote.Status.ACCEPTED, now, order, plan
    quote.save(update_fields=["status", "accepted_at", "order", "plan"])
    return order


# --- The balance before shipping ---------------------------------------------------------------


class BalanceDue(Refusal, PaymentError):
    """The trade order cannot ship: its balance transfer has not been confirmed. A ValidationError for the
    waybill form, a PaymentError for the dashboard's status change; the status change is rolled back."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def _new_reference(order_number: str) -> str:
    return "B" + transfers.new_reference(order_number)[:31]


@transaction.atomic
def request_balance(*, quote: Quote, by=None, now=None) -> BalanceTransfer | None:
    """The second bank transfer: the balance, asked once the deposit arrived, when the work is ready (``by``
    None: the system) or when staff ask. Asking again returns the same transfer; None: nothing is left to pay."""
    if by is not None and not is_board_or_staff(by):
        raise Refusal(gettext("Only shop staff or the board ask for the balance."), field="balance")
    quote = Quote.objects.select_for_update(of=("self",)).select_related("order").get(pk=quote.pk)
    existing = BalanceTransfer.objects.filter(quote=quote).first()
    if existing is not None:
        return existing
    if quote.order is None or quote.order.status not in (statuses.PAID, statuses.IN_PRODUCTION):
        raise Refusal(gettext("The balance is asked after the deposit has arrived."), field="balance")
    if quote.balance <= 0:
        return None
    transfer = BalanceTransfer.objects.create(
        quote=quote, reference=_new_reference(quote.order.number), amount=quote.balance, requested_by=by
    )
    order_services.note(
        quote.order, f"Balance transfer {transfer.reference} asked: {transfer.amount} IDR", by if by else None
    )
    return transfer


@transaction.atomic
def confirm_balance(*, quote: Quote, by, now=None) -> BalanceTransfer:
    """Staff saw the balance arrive: the order may ship."""
    if not is_board_or_staff(by):
        raise Refusal(gettext("Only shop staff or the board confirm transfers."), field="balance")
    transfer = BalanceTransfer.objects.select_for_update().filter(quote=quote).first()
    if transfer is None:
        raise Refusal(gettext("No balance transfer was asked for this order yet."), field="balance")
    if transfer.status != BalanceTransfer.PAID:
        transfer.status, transfer.paid_at, transfer.confirmed_by = BalanceTransfer.PAID, now or timezone.now(), by
        transfer.save(update_fields=["status", "paid_at", "confirmed_by"])
        order_services.note(quote.order, f"Balance transfer {transfer.reference} received", by)
    return transfer


def balance_due(order) -> str | None:
    """Why a trade order may not ship yet (its balance is not confirmed), or None."""
    quote = Quote.objects.filter(order=order).first()
    if quote is None or quote.balance <= 0:
        return None
    transfer = BalanceTransfer.objects.filter(quote=quote).first()
    if transfer is not None and transfer.paid:
        return None
    return gettext("Trade order %(number)s cannot ship before its balance transfer is confirmed.") % {
        "number": order.number
    }


def work_ready(order) -> bool:
    from pooling.selectors import order_progress

    lines = order_progress(order)
    return bool(lines) and all(p.in_stock + p.ready >= p.quantity for p in lines)


# --- Messages ---------------------------------------------------------------------------------


@transaction.atomic
def post_message(*, request: QuoteRequest, user, body: str) -> Message:
    staff = is_board_or_staff(user)
    if not staff and request.account.user_id != user.pk:
        raise Refusal(gettext("This request is not yours."), field="body")
    return Message.objects.create(
        request=request, author=user, from_cooperative=staff, body=_text(body, "body", max_length=5000)
    )
