"""Reminders of loan instalments, by email to the member's owner in its language (as books/emails.py sends the
month's statement): an instalment falling due within ``rules.REMIND_DAYS_BEFORE`` days, and one in arrears.

Each instalment gets at most one reminder of each kind: the ``Reminder`` rows are written in the same transaction
that sends the member's email, so a run that fails to send writes nothing (the next run tries again), and a
second run — or a second worker racing on the unique (instalment, kind) — sends nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from books.emails import owner_languages
from inventory.models import Member

from .. import rules
from ..models import Instalment, Loan, Reminder
from .base import _today

logger = logging.getLogger("guyub.savings")


@dataclass(frozen=True)
class Due:
    instalment: Instalment
    kind: str  # Reminder.Kind
    on: datetime.date

    @property
    def days_late(self) -> int:
        return max(0, (self.on - self.instalment.due).days)


def reminders_due(on: datetime.date | None = None) -> dict[Member, list[Due]]:
    """Member → the unpaid instalments of its running loans that call for a reminder on ``on`` and have not had
    that kind of reminder yet, oldest first."""
    on = _today(on)
    rows = (
        Instalment.objects.filter(
            share__loan__status=Loan.Status.DISBURSED,
            paid_on__isnull=True,
            due__lte=on + datetime.timedelta(days=rules.REMIND_DAYS_BEFORE),
        )
        .select_related("share__loan", "share__member__partner", "share__member__owner")
        .prefetch_related("reminders")
        .order_by("share__member__code", "due", "share__loan__reference", "number")
    )
    out: dict[Member, list[Due]] = defaultdict(list)
    for row in rows:
        kind = rules.reminder_kind(row.due, on)
        if kind and row.remaining > 0 and kind not in {r.kind for r in row.reminders.all()}:
            out[row.share.member].append(Due(row, kind, on))
    return dict(out)


def _message(member: Member, items: list[Due], on: datetime.date, language: str) -> EmailMessage:
    with translation.override(language):
        late = [d for d in items if d.kind == Reminder.Kind.ARREARS]
        subject = (
            gettext("Guyub: instalments in arrears (%(code)s)")
            if late
            else gettext("Guyub: instalments due soon (%(code)s)")
        ) % {"code": member.code}
        body = render_to_string(
            "savings/email/reminder.txt",
            {
                "member": member,
                "late": late,
                "soon": [d for d in items if d.kind == Reminder.Kind.DUE_SOON],
                "total": sum(d.instalment.remaining for d in items),
                "meeting": rules.next_meeting(on - datetime.timedelta(days=1)),
            },
        )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [member.owner.email])


def send_reminders(*, on: datetime.date | None = None) -> int:
    """Email each member whose instalments are due soon or in arrears (once per instalment and kind); the number
    of emails sent. Members whose owner has no email address are skipped and remain due."""
    on = _today(on)
    due = {m: items for m, items in reminders_due(on).items() if m.owner.email}
    if not due:
        return 0
    languages = owner_languages(m.owner_id for m in due)
    connection = get_connection(fail_silently=False)
    sent = 0
    for member, items in due.items():
        email = member.owner.email
        message = _message(member, items, on, languages.get(member.owner_id, settings.LANGUAGE_CODE))
        try:
            with transaction.atomic():
                Reminder.objects.bulk_create(
                    [Reminder(instalment=d.instalment, kind=d.kind, sent_on=on, email=email) for d in items]
                )
                sent += connection.send_messages([message]) or 0  # a failure here rolls the rows back
        except IntegrityError:
            continue  # another run recorded (and sent) these first
    logger.info("savings: %s instalment reminders sent on %s", sent, on)
    return sent
