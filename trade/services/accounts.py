"""Trade accounts: a buyer applies (company, contact, country, tax number optional); staff or the board decide.
Approval puts the user in the trade buyers' group, which is what shows trade prices."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from common.errors import Refusal
from common.roles import is_board_or_staff, trade_buyer_group

from ..models import TradeAccount
from .fields import text


@transaction.atomic
def apply_for_account(*, user, company: str, contact: str, country: str, tax_number: str = "") -> TradeAccount:
    fields = {
        "company": text(company, "company", max_length=200),
        "contact": text(contact, "contact", max_length=200),
        "country": text(country, "country", max_length=100),
        "tax_number": text(tax_number, "tax_number", max_length=60, required=False),
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
