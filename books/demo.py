"""The demo's money history: three closed months of sales by every workshop (with the fee), a refund, pool work, a
loan settled in money and dues, then one payout run — so statements and charts are not empty.

``seed_books()`` is idempotent: every posting carries a fixed key and the run is made only once. The history is
posted through ``books.services.post`` with the same fee and price rules the hooks use, but without placing
real shop orders (that would make ``make demo`` slow); its references name demo order numbers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from inventory.models import Member

from . import ledger, services
from .models import BankAccount, BooksSettings, ClosedMonth, FeeRate, PayoutRun, Posting
from .prices import agreed_price

BANKS = ("BRI", "BNI", "Mandiri", "BPD DIY", "BCA")


def seed_books(*, months: int = 3) -> dict[str, int]:
    created = {"postings": 0, "closed_months": 0, "payout_runs": 0}
    users = get_user_model().objects
    board1, board2 = users.get(email="board1@guyub.example"), users.get(email="board2@guyub.example")
    staff = users.get(email="staff@guyub.example")
    if not FeeRate.objects.exists():
        FeeRate.objects.create(percent=Decimal("5.00"), effective_from=datetime.date(2020, 1, 1), created_by=board1)
    members = list(Member.objects.active().select_related("partner").order_by("code"))
    for i, member in enumerate(members):
        if not member.bank_accounts.exists():
            BankAccount.objects.create(
                member=member,
                bank=BANKS[i % len(BANKS)],
                number=f"{7001000000 + i * 7919}",
                holder=member.owner.get_full_name() or member.name,
                requested_by=member.owner,
                status=BankAccount.Status.CONFIRMED,
                decided_by=board1,
                decided_at=timezone.now(),
            )
    if Posting.objects.filter(idempotency_key__startswith="demo:").exists():
        return created
    today = timezone.localdate()
    first = ledger.month_start(today)
    history = []
    for _ in range(months):
        first = ledger.month_start(first - datetime.timedelta(days=1))
        history.insert(0, first)
    records = list(
        get_model("partner", "StockRecord")
        .objects.filter(partner__member__in=members)
        .select_related("product__parent__product_class", "product__product_class", "partner__member")
        .order_by("pk")
    )
    prices, own = {}, {member.code: [] for member in members}
    for record in records:  # up to three priced records a workshop (pricing every record would be slow)
        mine = own[record.partner.member.code]
        if len(mine) < 3:
            prices[record.pk] = agreed_price(record.product, at=timezone.now())
            if prices[record.pk]:
                mine.append(record)
    for m, month in enumerate(history):
        label = f"{month:%y%m}"
        for n, member in enumerate(members):  # every workshop sold (or worked) every month
            day = month + datetime.timedelta(days=2 + n % 25)
            if own[member.code]:
                _sale(created, own[member.code][m % len(own[member.code])], label, n, m, day, prices)
            elif len(members) >= 2:  # nothing of its own priced: it made units for the next workshop
                other = members[(n + 1) % len(members)]
                amount = 2 * 150000 * 95 // 100
                _post(
                    created,
                    "work",
                    f"WO-DEMO-{label}-{n + 1:02d} / 2 × sandal",
                    {ledger.member_account(member.code): amount, ledger.member_account(other.code): -amount},
                    f"demo:work:{label}:{n}",
                    day,
                )
        if len(members) >= 4:
            maker, owner = members[(m + 2) % len(members)], members[(m + 3) % len(members)]
            amount = 3 * 150000 * 90 // 100
            _post(
                created,
                "pool",
                f"WO-DEMO-{label} / 3 × sandal",
                {ledger.member_account(maker.code): amount, ledger.member_account(owner.code): -amount},
                f"demo:pool:{label}",
                month + datetime.timedelta(days=18),
            )
        for member in members:
            dues = BooksSettings.current().monthly_dues
            _post(
                created,
                "dues",
                f"iuran {ledger.month_label(month)}",
                {ledger.member_account(member.code): -dues, ledger.DUES: dues},
                f"dues:{member.code}:{ledger.month_label(month)}",
                month,
            )
    if len(members) >= 2:
        lender, borrower = members[0], members[1]
        _post(
            created,
            "loan",
            "L-DEMO / kulit sapi A",
            {ledger.member_account(lender.code): 96000, ledger.member_account(borrower.code): -96000},
            "demo:loan:1",
            history[-1] + datetime.timedelta(days=20),
        )
    for month in history:
        if not ClosedMonth.objects.filter(month=month).exists():
            services.month_close(month=month, user=board1, today=today)
            created["closed_months"] += 1
    if not PayoutRun.objects.exists():
        try:
            run = services.payout_run_create(user=board1)
        except services.Refusal:
            return created
        services.payout_run_approve(run=run, user=board2)
        services.payout_run_export(run=run, user=staff)
        services.payout_run_mark_paid(run=run, bank_reference="BRI-DEMO-0001", user=staff)
        created["payout_runs"] += 1
    return created


def _sale(created, record, label, n, m, day, prices):
    """One demo sale of ``record`` with the fee withheld; the middle month's first sale is half refunded."""
    units = 1 + (n + m) % 3
    gross = int(prices[record.pk]) * units
    fee, _net = services.net_of_fee(gross, record.product.get_product_class(), on=day)
    reference = f"DEMO-{label}-{n + 1:02d} / {record.product.get_title()}"
    account = ledger.member_account(record.partner.member.code)
    _post(created, "sale", reference, {account: gross, ledger.BUYERS: -gross}, f"demo:sale:{label}:{n}", day)
    _post(created, "fee", reference, {account: -fee, ledger.FEES: fee}, f"demo:fee:{label}:{n}", day)
    if m == 1 and n == 0:  # one refund: half of the first sale of the middle month
        back, back_fee = gross // 2, fee // 2
        _post(
            created,
            "refund",
            reference,
            {account: back_fee - back, ledger.FEES: -back_fee, ledger.REFUNDS: back},
            f"demo:refund:{label}:{n}",
            day + datetime.timedelta(days=5),
        )


def _post(created, kind, reference, legs, key, day):
    if not any(legs.values()):
        return
    services.post(kind=kind, reference=reference, legs=legs, idempotency_key=key, on=day)
    created["postings"] += 1
