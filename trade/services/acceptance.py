"""The buyer accepts a quote: the plan the quote showed is committed and an Oscar order placed awaiting the
deposit by bank transfer, in one transaction; or, when the members' capacity moved so that the quoted dates no
longer hold, nothing is committed and the buyer sees the new plan first. With no deposit agreed (0 %) there is
nothing to wait for: the order goes into production at once and no transfer is created that could expire and
cancel it; the whole total is the balance, asked before shipping (payments.request_balance).

The order has one line per product and maker, each line's stockrecord the maker's: the maker is offered exactly
its planned units and weeks (``pooling.services.reserve_planned_line``, booked as any routed work), makes them,
and on shipment the books credit each maker its own line (``books.services.post_order_shipped``), not one
member who collected everything."""

from __future__ import annotations

import datetime

from django.contrib.sites.models import Site
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from oscar.core.loading import get_model

from catalog.shop.order import services as order_services, statuses, transfers
from catalog.shop.payment.models import BankTransfer
from common.errors import Refusal
from inventory import ledger
from inventory.models import Member
from inventory.selectors import current_week
from inventory.services import InventoryError, stockrecord_for
from pooling.services import PlannedWork, lock_promises, reserve_planned_line

from ..models import Quote
from .rfq import plan_for

Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")

DEPOSIT_DAYS = 7  # the deposit's bank transfer holds the reserved capacity this long


class PlanChanged(Refusal):
    """Capacity moved since the quote: the new plan is on the quote; the buyer accepts again or asks."""


class _Replan(Exception):
    def __init__(self, plan: dict):
        self.plan = plan
        super().__init__("replan")


def accept_quote(*, quote: Quote, user, now=None) -> Order:
    """The buyer accepts. Under the promise lock the dry run runs again: when it gives the quoted makers, units
    and weeks, or other ones that still keep the quoted dates (a week went by, other work came in), that plan is
    committed; otherwise PlanChanged is raised, the new plan put on the quote and nothing else written.
    Accepting an accepted quote again returns its order and writes nothing."""
    now = now or timezone.now()
    quote = Quote.objects.select_related("request__account", "order").get(pk=quote.pk)
    if quote.request.account.user_id != user.pk:
        raise Refusal(gettext("This quote is not yours."), field="quote")
    if quote.status == Quote.Status.ACCEPTED and quote.order is not None:
        return quote.order
    if quote.status == Quote.Status.SENT and quote.valid_until < timezone.localdate(now):
        Quote.objects.filter(pk=quote.pk, status=Quote.Status.SENT).update(status=Quote.Status.EXPIRED)
        raise Refusal(gettext("This quote has expired: ask us for a new one."), field="quote")
    if quote.status != Quote.Status.SENT:
        raise Refusal(gettext("This quote can no longer be accepted."), field="quote")
    try:
        with transaction.atomic():
            return _commit(quote.pk, user, now)
    except _Replan as replan:
        _replanned(quote, replan.plan)
        raise AssertionError("unreachable") from replan  # _replanned raises PlanChanged


def plan_to_commit(quoted: dict, fresh: dict) -> dict | None:
    """The plan acceptance commits: the quoted one when the dry run still gives its makers, units and weeks;
    the fresh one when those moved but the quoted dates hold (each line at least as ready by the wanted date,
    everything by the quoted earliest date); None when the buyer must see the new plan first."""
    if _makers(fresh) == _makers(quoted):
        return quoted
    ready = {x["sku"]: x["ready_by_wanted"] for x in fresh.get("lines", [])}
    if any(ready.get(x["sku"], 0) < x["ready_by_wanted"] for x in quoted.get("lines", [])):
        return None
    was, now = quoted.get("earliest"), fresh.get("earliest")
    if was is not None and (now is None or now > was):
        return None
    return fresh


def _makers(plan: dict) -> list[tuple]:
    return sorted((m["member"], m["sku"], m["units"], m["week"]) for m in plan.get("makers", []))


def _commit(pk: int, user, now) -> Order:
    lock_promises()  # before any read of capacity: no placement or routing round moves it meanwhile
    quote = Quote.objects.select_for_update(of=("self",)).select_related("request", "order").get(pk=pk)
    if quote.status == Quote.Status.ACCEPTED and quote.order is not None:
        return quote.order  # a second click that waited for the first
    if quote.status != Quote.Status.SENT:
        raise Refusal(gettext("This quote can no longer be accepted."), field="quote")
    fresh = plan_for(quote.request).as_json()
    plan = plan_to_commit(quote.plan, fresh)
    if plan is None:
        raise _Replan(fresh)
    order = _order(quote, user, now)
    try:
        _lines(order, quote, plan)
    except InventoryError as exc:  # a maker's room went after all (the pool's own check): re-plan, commit nothing
        raise _Replan(fresh) from exc
    if quote.deposit > 0:
        transfer = transfers.create_bank_transfer(order=order, now=now)
        BankTransfer.objects.filter(pk=transfer.pk).update(
            amount=quote.deposit, expires_at=now + datetime.timedelta(days=DEPOSIT_DAYS)
        )
    else:
        _into_production(order)
    quote.status, quote.accepted_at, quote.order, quote.plan = Quote.Status.ACCEPTED, now, order, plan
    quote.save(update_fields=["status", "accepted_at", "order", "plan"])
    return order


def _into_production(order) -> None:
    """No deposit agreed: the order moves on as the deposit's arrival would move it (payments.transfer_received),
    in this transaction. A Rp 0 deposit transfer would never arrive, and its expiry would cancel the order and
    withdraw work the makers were already offered (a 0 % quote's work is not held)."""
    order_services.transition(order, to=statuses.PAID, allowed_from=[statuses.AWAITING_PAYMENT])
    order_services.transition(order, to=statuses.IN_PRODUCTION, allowed_from=[statuses.PAID])
    order_services.note(order, "No deposit agreed: the order is in production; the whole total is due before shipping.")


def _replanned(quote: Quote, plan: dict):
    with transaction.atomic():
        Quote.objects.filter(pk=quote.pk).update(plan=plan)
    quote.plan = plan
    if plan.get("earliest"):
        when = gettext("Everything can now be ready by %(date)s.") % {
            "date": date_format(datetime.date.fromisoformat(plan["earliest"]), "j M Y")
        }
    else:
        when = gettext("Not everything can now be made within the planning horizon.")
    raise PlanChanged(
        [
            gettext("The members' capacity changed since we sent this quote.") + " " + when,
            gettext("Nothing is reserved yet: please look at the new plan below and accept again, or write to us."),
        ],
        field="plan",
    )


def _order(quote: Quote, user, now) -> Order:
    total = quote.total
    return Order.objects.create(
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


def _due_week(wanted: datetime.date, work: list[PlannedWork]) -> datetime.date:
    """The week the line is due: the last one ready by the wanted date (its Sunday on or before it), or the
    plan's last week when that is later; never before this week. A re-routed decline must keep it."""
    by_wanted = ledger.week_start(wanted - datetime.timedelta(days=6))
    return max([by_wanted, current_week(), *(w.week for w in work)])


def _lines(order, quote: Quote, plan: dict) -> None:
    """One order line per product and maker, each offered its planned work; units the plan could not place stay
    with the biggest maker's line, unrouted (the board sees them on the promise check)."""
    work: dict[str, dict[str, list[PlannedWork]]] = {}
    for m in plan.get("makers", []):
        planned = PlannedWork(m["member"], m["units"], datetime.date.fromisoformat(m["week"]))
        work.setdefault(m["sku"], {}).setdefault(m["member"], []).append(planned)
    for qline in quote.lines.select_related("product"):
        makers = work.get(qline.product.upc, {})
        units = {code: sum(w.units for w in items) for code, items in makers.items()}
        codes = sorted(units, key=lambda code: (-units[code], code)) or [_any_maker(qline.product)]
        left = qline.quantity - sum(units.values())
        due = _due_week(quote.request.wanted, [w for items in makers.values() for w in items])
        members = {m.code: m for m in Member.objects.filter(code__in=codes).select_related("partner")}
        for n, code in enumerate(codes):
            quantity = units.get(code, 0) + (left if n == 0 else 0)
            record = stockrecord_for(member=members[code], product=qline.product)
            line = _line(order, qline, record, quantity, due)
            # Makers are offered the work once the deposit arrives (payments.transfer_received); until then their
            # weeks stay reserved for it. With no deposit they are offered it now (the order is in production).
            reserve_planned_line(
                line=line, member=members[code], work=makers.get(code, []), due_week=due, held=quote.deposit > 0
            )


def _any_maker(product) -> str:
    """A member to hold a line no maker was planned for (nothing fits the horizon): one that sells it."""
    code = (
        StockRecord.objects.filter(product=product, partner__member__isnull=False)
        .order_by("partner__member__code")
        .values_list("partner__member__code", flat=True)
        .first()
    )
    if code is None:
        raise Refusal(
            gettext("No member workshop sells “%(product)s”.") % {"product": product.get_title()}, field="quote"
        )
    return code


def _line(order, qline, record, quantity: int, due: datetime.date):
    total = qline.unit_price * quantity
    return OrderLine.objects.create(
        order=order,
        partner=record.partner,
        partner_name=record.partner.name,
        partner_sku=record.partner_sku,
        stockrecord=record,
        product=qline.product,
        title=qline.product.get_title(),
        upc=qline.product.upc,
        quantity=quantity,
        line_price_incl_tax=total,
        line_price_excl_tax=total,
        line_price_before_discounts_incl_tax=total,
        line_price_before_discounts_excl_tax=total,
        unit_price_incl_tax=qline.unit_price,
        unit_price_excl_tax=qline.unit_price,
        num_allocated=0,
        promised_week=due,
        promised_to_make=quantity,
    )
