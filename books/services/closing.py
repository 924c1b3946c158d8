"""The board's rules of the money books: closing a month, the fee from a day on, dues, the payout minimum and the
pool share."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import ledger
from ..models import BooksSettings, ClosedMonth, FeeRate
from .postings import _refuse, _require_board, _rupiah, last_closed_month, refusal


@transaction.atomic
def month_close(*, month: datetime.date, user, today: datetime.date | None = None) -> ClosedMonth:
    """The board closes a month: its postings and statements are final; later events go into the next one."""
    _require_board(user)
    BooksSettings.current(lock=True)  # one close at a time
    why = ledger.closable(ledger.month_start(month), last_closed_month(), today or timezone.localdate())
    if why:
        last = last_closed_month()
        raise _refuse(
            gettext(why) % {"month": ledger.month_label(ledger.next_month(last)) if last else ""}, field="month"
        )
    return _close(ledger.month_start(month), user)


def _close(month: datetime.date, user) -> ClosedMonth:
    closed = ClosedMonth.objects.create(month=month, closed_by=user)
    transaction.on_commit(lambda: _email_statements(closed.month))  # once the close is final
    return closed


@transaction.atomic
def close_due_months(*, today: datetime.date | None = None) -> list[ClosedMonth]:
    """The clock closes last month on the 10th if the board has not (``closed_by`` empty: nobody did). Run
    hourly; a month the board already closed, or a second run, closes nothing."""
    BooksSettings.current(lock=True)  # one close at a time, the board's included
    months = ledger.months_due_to_close(today or timezone.localdate(), last_closed_month())
    return [_close(month, None) for month in months]


def _email_statements(month: datetime.date) -> None:
    # Imported here, not at the top: the job module runs these services and imports them at its top.
    from ..tasks import email_month_statements

    email_month_statements.enqueue(ledger.month_label(month))


@transaction.atomic
def fee_rate_add(*, percent, effective_from: datetime.date, product_class=None, user) -> FeeRate:
    """A new fee from a day on (never inside a closed month: what was posted there stays as it was)."""
    _require_board(user)
    try:
        percent = ledger.fee_percent(percent)
    except ledger.BooksError as error:
        raise refusal(error) from None
    last = last_closed_month()
    if effective_from is None or (last is not None and effective_from < ledger.next_month(last)):
        raise _refuse(gettext("A fee can start only in an open month."), field="effective_from")
    return FeeRate.objects.create(
        percent=percent, effective_from=effective_from, product_class=product_class, created_by=user
    )


@transaction.atomic
def books_settings_update(*, monthly_dues, payout_minimum, pool_share_percent, user) -> BooksSettings:
    _require_board(user)
    row = BooksSettings.current(lock=True)
    row.monthly_dues = _rupiah(monthly_dues, "monthly_dues")
    row.payout_minimum = _rupiah(payout_minimum, "payout_minimum")
    row.pool_share_percent = pool_share_percent
    row.updated_by = user
    try:
        row.full_clean(exclude=["updated_by"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise _refuse(messages[0], field=field) from None
    row.save()
    return row
