"""Requests for quote: typed lines or an uploaded CSV (all or nothing, errors by row), the dry-run plan of a
request as it is now, and the messages between the buyer and staff on it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from common.errors import Refusal
from common.roles import is_board_or_staff

from .. import planning, sheet
from ..models import Message, QuoteRequest, RequestLine, TradeAccount
from .fields import text

MAX_WANTED_DAYS = 2 * 365
MAX_CSV_BYTES = 200_000  # far above 500 rows of SKU and quantity (sheet.MAX_ROWS)


def read_csv(content: str) -> list[tuple[str, int]]:
    """The rows of an uploaded CSV, every SKU checked; one Refusal listing every bad row (nothing is kept)."""
    rows, errors = sheet.parse(content, max_units=planning.MAX_UNITS)
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
    if wanted > timezone.localdate() + datetime.timedelta(days=MAX_WANTED_DAYS):
        # The plan looks a year ahead at most; a date far beyond it would only be carried into due weeks.
        raise Refusal(gettext("The wanted date must be within two years."), field="wanted")
    destination = text(destination, "destination", max_length=255)
    notes = text(notes, "notes", max_length=5000, required=False)
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
    """The dry-run plan of the request over the members as they are now (writes nothing)."""
    lines = [planning.Wanted(line.product, line.quantity) for line in request.lines.select_related("product")]
    return planning.dry_run(request.wanted, lines)


@transaction.atomic
def post_message(*, request: QuoteRequest, user, body: str) -> Message:
    staff = is_board_or_staff(user)
    if not staff and request.account.user_id != user.pk:
        raise Refusal(gettext("This request is not yours."), field="body")
    return Message.objects.create(
        request=request, author=user, from_cooperative=staff, body=text(body, "body", max_length=5000)
    )
