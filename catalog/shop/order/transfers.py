"""Bank transfers: the reference and deadline given at placement, and the release of unpaid holds.

Most Indonesian buyers pay by transfer. The order is placed "Awaiting payment" with its stock held; the buyer
transfers the amount quoting the reference; staff confirm receipt (services.confirm_bank_transfer). Unpaid
orders give their stock back after GUYUB_BANK_TRANSFER_HOLD_HOURS (``release_expired_transfers``, enqueued by
``manage.py clock`` every 15 minutes, site/guyub/jobs/schedule.py; also a management command).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.shop.payment.models import BankTransfer

from . import services, statuses

logger = logging.getLogger("guyub.orders")
# No 0/O or 1/I: buyers copy the reference by hand into their banking app.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hold_hours() -> int:
    return int(getattr(settings, "GUYUB_BANK_TRANSFER_HOLD_HOURS", 24))


def new_reference(order_number: str) -> str:
    # The order number makes it unique; the random tail stops people guessing each other's references.
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(4))
    return f"GY{order_number.replace('-', '')}{tail}"


def create_bank_transfer(*, order, now=None) -> BankTransfer:
    """Inside the placement transaction: what the buyer must transfer, and until when the stock is held."""
    now = now or timezone.now()
    transfer = BankTransfer.objects.create(
        order=order,
        reference=new_reference(order.number),
        amount=order.total_incl_tax,
        expires_at=now + timedelta(hours=hold_hours()),
    )
    services.Source.objects.create(
        order=order,
        source_type=services.source_type(services.TRANSFER_SOURCE),
        currency=order.currency,
        amount_allocated=order.total_incl_tax,
        reference=transfer.reference,
    )
    _schedule_release(transfer)
    return transfer


def _schedule_release(transfer: BankTransfer) -> None:
    """With a backend that can defer (the database worker), also run the release right at the deadline;
    the periodic command covers backends that cannot (the in-process default)."""
    # Imported here, not at the top: the job module runs this module's release and imports it at its top.
    from .tasks import release_expired_transfers_task, schedule

    schedule(release_expired_transfers_task, at=transfer.expires_at + timedelta(seconds=5))


def release_expired_transfers(*, now=None) -> list[str]:
    """Cancel every order whose transfer deadline passed unpaid and release its stock. Returns order numbers.

    Each order is its own transaction; the compare-and-set on the transfer status means staff confirming a
    transfer at the same moment either wins (paid, nothing released) or loses (clear error for staff).
    """
    now = now or timezone.now()
    released = []
    due = BankTransfer.objects.filter(status=BankTransfer.AWAITING, expires_at__lte=now)
    for transfer_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            if not BankTransfer.objects.filter(pk=transfer_id, status=BankTransfer.AWAITING).update(
                status=BankTransfer.EXPIRED, released_at=now
            ):
                continue
            order = BankTransfer.objects.select_related("order").get(pk=transfer_id).order
            if order.status == statuses.AWAITING_PAYMENT:
                services.cancel_order(
                    order=order,
                    reason=f"No bank transfer received by {timezone.localtime(now):%Y-%m-%d %H:%M}: "
                    "order cancelled, stock released.",
                )
                released.append(order.number)
    if released:
        logger.info("Released %d unpaid transfer orders: %s", len(released), ", ".join(released))
    return released
