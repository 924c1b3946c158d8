"""Refunds from the dashboard: through Stripe for card orders, through Midtrans for e-wallet and QRIS payments,
recorded (sent back by staff) for bank transfers and Midtrans virtual accounts, which Midtrans cannot refund.

Staff refund a whole order (an amount) or some lines (quantities; the amount is what those units cost).
A card refund calls Stripe first, with an idempotency key derived from what was already refunded, then records
the result in one transaction with a compare-and-set on the refunded total: a repeated request is answered by
Stripe with the same refund, and a charge.refunded webhook for the same refund records nothing more.
A transfer refund is only recorded: staff send the money back from the bank.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency

from catalog.shop.checkout import midtrans_gateway, stripe_gateway
from catalog.shop.payment.models import BankTransfer, CardPayment, MidtransPayment

from . import midtrans, services


class RefundError(ValueError):
    """Why a refund cannot be made; shown to staff."""


def _whole_rupiah(amount) -> Decimal:
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.to_integral_value():
        raise RefundError(_("A refund must be a positive whole number of rupiah."))
    return amount


def refund_order(*, order, amount, lines=None, quantities=None, user=None):
    """Refund ``amount`` rupiah of ``order`` (optionally tied to line quantities); returns the payment event."""
    amount = _whole_rupiah(amount)
    card = order.card_payments.filter(status=CardPayment.CAPTURED).first()
    if card is not None:
        return _refund_card(order=order, card=card, amount=amount, lines=lines, quantities=quantities, user=user)
    transfer = BankTransfer.objects.filter(order=order, status=BankTransfer.PAID).first()
    if transfer is not None:
        return _refund_transfer(
            order=order, transfer=transfer, amount=amount, lines=lines, quantities=quantities, user=user
        )
    gateway_payment = MidtransPayment.objects.filter(order=order, status=MidtransPayment.PAID).first()
    if gateway_payment is not None:
        return _refund_midtrans(
            order=order, payment=gateway_payment, amount=amount, lines=lines, quantities=quantities, user=user
        )
    raise RefundError(_("Nothing has been paid for this order, so there is nothing to refund."))


def _check_amount(amount, refundable):
    if amount > refundable:
        raise RefundError(_("At most %(amount)s can still be refunded.") % {"amount": currency(refundable, "IDR")})


def _refund_card(*, order, card, amount, lines, quantities, user):
    before = card.amount_refunded
    _check_amount(amount, card.refundable)
    try:
        result = stripe_gateway.refund(
            intent_id=card.intent_id, order_number=order.number, amount=amount, key=f"{before:.0f}+{amount:.0f}"
        )
    except stripe_gateway.GatewayError as error:
        raise RefundError(_("Stripe did not accept the refund: %s") % error) from error
    with transaction.atomic():
        if not _claim(card, before, amount):
            # A webhook (or a concurrent click) recorded this refund first; it is not recorded twice.
            return order.payment_events.filter(event_type__code=services.REFUNDED_EVENT[0]).last()
        message = f"Refunded {amount:.0f} to the card through Stripe ({result['id']})."
        return _record(order, amount, result["id"], services.CARD_SOURCE, message, lines, quantities, user)


def _refund_transfer(*, order, transfer, amount, lines, quantities, user):
    with transaction.atomic():
        transfer.refresh_from_db()
        _check_amount(amount, transfer.refundable)
        if not _claim(transfer, transfer.amount_refunded, amount):
            raise RefundError(_("Another refund was recorded at the same moment; reload and check."))
        message = f"Refund of {amount:.0f} recorded: send it back to the buyer by bank transfer."
        return _record(order, amount, transfer.reference, services.TRANSFER_SOURCE, message, lines, quantities, user)


def _refund_midtrans(*, order, payment, amount, lines, quantities, user):
    """E-wallets and QRIS: Midtrans' refund API first (the key makes a repeated request one refund), then
    recorded with a compare-and-set on the refunded total. Virtual accounts cannot be refunded by Midtrans:
    recorded as a manual refund for staff to send back by bank transfer."""
    before = payment.amount_refunded
    _check_amount(amount, payment.refundable)
    through_gateway = payment.payment_type in midtrans_gateway.REFUNDABLE_TYPES
    reference = payment.transaction_id or payment.gateway_order_id
    if through_gateway:
        try:
            result = midtrans_gateway.refund(
                order_id=payment.gateway_order_id,
                amount=amount,
                key=f"{order.number}-{before:.0f}+{amount:.0f}",
                reason="Guyub refund",
            )
        except midtrans_gateway.GatewayError as error:
            raise RefundError(_("Midtrans did not accept the refund: %s") % error) from error
        reference = str(result.get("refund_key") or reference)[:128]
        message = f"Refunded {amount:.0f} through Midtrans ({payment.payment_type}, {reference})."
    else:
        message = (
            f"Refund of {amount:.0f} recorded: Midtrans cannot refund {payment.payment_type or 'this payment'}, "
            "send it back to the buyer by bank transfer."
        )
    with transaction.atomic():
        if not _claim(payment, before, amount):
            raise RefundError(_("Another refund was recorded at the same moment; reload and check."))
        return _record(order, amount, reference, midtrans.MIDTRANS_SOURCE, message, lines, quantities, user)


def _claim(payment, before, amount) -> bool:
    """Compare-and-set the payment's refunded total from ``before`` to ``before + amount``: False when another
    refund (a webhook, a concurrent click) changed it first."""
    rows = type(payment).objects.filter(pk=payment.pk, amount_refunded=before)
    return rows.update(amount_refunded=before + amount) == 1


def _record(order, amount, reference, source_name, message, lines, quantities, user):
    """The refund's payment event (tied to the refunded line quantities, if any) and the note staff read."""
    event = services.record_payment_event(
        order,
        amount=amount,
        reference=reference,
        source_name=source_name,
        kind=services.REFUNDED_EVENT,
        lines=lines or [],
        quantities=quantities or [],
    )
    services.note(order, message, user)
    return event
