"""The trade order's money: the deposit (the order's own bank transfer, due on acceptance) and the balance
before shipping (asked when the work is ready or when staff ask).

Staff confirm both where they confirm any transfer: the bank statement upload or the order's "Paid" in the
dashboard (catalog.shop.order). The shop sits below trade and may not import it, so it reaches
``transfer_received`` through its transfer port (catalog/shop/order/transfer_port.py), which ``TransferSource``
fills (registered in trade/apps.py); the trade page's "balance arrived" button calls the same service."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from oscar.apps.payment.exceptions import PaymentError

from catalog.shop.order import services as order_services, statuses, transfer_port, transfers
from catalog.shop.payment.models import BankTransfer
from common.errors import Refusal
from common.roles import is_board_or_staff
from pooling.selectors import order_progress
from pooling.services import release_held_work

from ..models import BalanceTransfer, Quote


class BalanceDue(Refusal, PaymentError):
    """The trade order cannot ship: its balance transfer has not been confirmed. A ValidationError for the
    waybill form, a PaymentError for the dashboard's status change; the status change is rolled back."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def _new_reference(order_number: str) -> str:
    # "GY…" like every transfer reference, so the statement matcher finds it; "GYB" + the order number is never
    # the start of a deposit's reference ("GY" + the order number), nor the reverse.
    return transfers.new_reference("B" + order_number)


@transaction.atomic
def transfer_received(*, order, reference: str, by=None, now=None) -> bool:
    """A transfer of a trade order arrived (staff saw it on the bank statement, the dashboard or the trade page).
    The deposit (the order's own bank transfer, which the shop has just marked paid): the order goes into
    production. The balance: marked received and recorded as a payment of the order; the order may ship. False
    when ``reference`` is neither, the order is no trade order, or it was done already (a second confirmation
    changes nothing)."""
    quote = Quote.objects.select_related("order").filter(order_id=order.pk).first()
    if quote is None:
        return False
    order = quote.order
    if reference == BankTransfer.objects.filter(order=order).values_list("reference", flat=True).first():
        moved = order_services.transition(order, to=statuses.IN_PRODUCTION, allowed_from=[statuses.PAID])
        # The makers are asked now (whatever moved the order on; a cancelled order's work was withdrawn).
        offered = release_held_work(order=order, now=now)
        if moved:
            order_services.note(
                order, f"Deposit {reference} received: the order is in production ({offered} work orders offered).", by
            )
        return moved or offered > 0
    balance = BalanceTransfer.objects.select_for_update().filter(quote=quote, reference=reference).first()
    if balance is None or balance.paid or order.status == statuses.CANCELLED:
        return False
    balance.status, balance.paid_at, balance.confirmed_by = BalanceTransfer.PAID, now or timezone.now(), by
    balance.save(update_fields=["status", "paid_at", "confirmed_by"])
    order_services.record_payment_event(
        order, amount=balance.amount, reference=balance.reference, source_name=order_services.TRANSFER_SOURCE
    )
    order_services.note(order, f"Balance transfer {balance.reference} received: the order may ship.", by)
    return True


class TransferSource:
    """The trade app's side of the shop's transfer port: the balance transfers it keeps."""

    @staticmethod
    def _due(balance: BalanceTransfer | None) -> transfer_port.Due | None:
        if balance is None:
            return None
        order = balance.quote.order
        cancelled = order.status == statuses.CANCELLED
        return transfer_port.Due(
            reference=balance.reference,
            amount=balance.amount,
            order=order,
            awaiting=not balance.paid and not cancelled,
            status_label=statuses.status_label(order.status) if cancelled else str(balance.get_status_display()),
        )

    def find(self, references: list[str]) -> transfer_port.Due | None:
        found = BalanceTransfer.objects.select_related("quote__order").filter(reference__in=references)
        return self._due(found.first())

    def awaiting_for(self, order) -> transfer_port.Due | None:
        found = BalanceTransfer.objects.select_related("quote__order").filter(
            quote__order_id=order.pk, status=BalanceTransfer.AWAITING
        )
        return self._due(found.first())

    def received(self, *, order, reference: str, user) -> bool:
        return transfer_received(order=order, reference=reference, by=user)


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
    """Staff saw the balance arrive (the trade page's button): ``transfer_received``, as from the shop's flow."""
    if not is_board_or_staff(by):
        raise Refusal(gettext("Only shop staff or the board confirm transfers."), field="balance")
    transfer = BalanceTransfer.objects.filter(quote=quote).select_related("quote__order").first()
    if transfer is None:
        raise Refusal(gettext("No balance transfer was asked for this order yet."), field="balance")
    transfer_received(order=transfer.quote.order, reference=transfer.reference, by=by, now=now)
    transfer.refresh_from_db()
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
    lines = order_progress(order)
    return bool(lines) and all(p.in_stock + p.ready >= p.quantity for p in lines)
