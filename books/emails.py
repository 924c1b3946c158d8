"""The month's statement by email when the board closes a month: one email per member with entries, to its owner,
in the owner's language, with the statement as a PDF attached.

The owner's language is the one it last shopped in (``Order.language`` of its latest order with one), else the
cooperative's (Indonesian). All statements are read in a fixed number of queries and sent over one connection."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from oscar.core.loading import get_model

from . import ledger, selectors
from .pdf import statement_pdf

logger = logging.getLogger("guyub.books")


def owner_languages(user_ids) -> dict[int, str]:
    """User id → the language it last used at checkout (only known codes); others are absent."""
    Order = get_model("order", "Order")
    codes = {code for code, _name in settings.LANGUAGES}
    found: dict[int, str] = {}
    rows = (
        Order.objects.filter(user_id__in=set(user_ids))
        .exclude(language="")
        .order_by("user_id", "-date_placed", "-pk")
        .values_list("user_id", "language")
    )
    for user_id, language in rows:
        if user_id not in found and language in codes:
            found[user_id] = language
    return found


def statement_messages(month: datetime.date) -> list[EmailMessage]:
    """One email per member with entries in ``month`` whose owner has an email address."""
    statements = [s for s in selectors.month_statements(month) if s.member.owner.email]
    languages = owner_languages(s.member.owner_id for s in statements)
    messages = []
    for statement in statements:
        member = statement.member
        with translation.override(languages.get(member.owner_id, settings.LANGUAGE_CODE)):
            label = ledger.month_label(statement.month)
            subject = gettext("Guyub statement for %(month)s: %(code)s") % {"month": label, "code": member.code}
            body = render_to_string("books/email/statement.txt", {"statement": statement, "member": member})
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [member.owner.email])
            message.attach(f"guyub-{member.code}-{label}.pdf", statement_pdf(statement), "application/pdf")
        messages.append(message)
    return messages


def send_month_statements(month: datetime.date) -> int:
    """Email every member its statement of ``month``; the number sent."""
    messages = statement_messages(month)
    if not messages:
        return 0
    sent = get_connection(fail_silently=False).send_messages(messages) or 0
    logger.info("books: emailed %s statements for %s", sent, ledger.month_label(month))
    return sent
