"""The demo's simpan-pinjam: a year of simpanan pokok and wajib (a few members behind), some sukarela, two borrower
groups with loans funded from members' sukarela — kelompok Mawar repaid in full (one missed day covered by the
group), kelompok Melati in arrears, and last year's SHU.

``seed_savings()`` is idempotent (fixed keys; it stops when its first posting exists) and runs before the books'
months are closed, so the history sits in its own months. The demo workshops all "joined" on the day the demo was
made; to have a year of savings the ones that joined within the last 13 months are dated back to 13 months ago.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from books.models import Posting
from common.roles import treasurer_group
from inventory.models import Member

from . import rules, services
from .models import LoanProduct, SavingsRule

PREFIX = "seed-savings"
POKOK, WAJIB = 100_000, 20_000


def _k(*parts) -> str:
    return ":".join([PREFIX, *map(str, parts)])


@transaction.atomic
def seed_savings() -> dict[str, int]:
    created = {"savings postings": 0, "loans": 0}
    if Posting.objects.filter(idempotency_key__startswith=f"{PREFIX}:").exists():
        return created
    users = get_user_model().objects
    board1, board2 = users.get(email="board1@guyub.example"), users.get(email="board2@guyub.example")
    board1.groups.add(treasurer_group())  # board1 is the demo's bendahara
    today = timezone.localdate()
    start = rules.add_months(today.replace(day=1), -13)
    Member.objects.filter(joined__gt=start).update(joined=start)
    if not SavingsRule.objects.exists():
        for kind, amount in (("pokok", POKOK), ("wajib", WAJIB)):
            services.rule_add(kind=kind, amount=amount, effective_from=datetime.date(2020, 1, 1), user=board1)
    members = list(Member.objects.active().select_related("partner").order_by("code"))
    before = Posting.objects.count()
    if len(members) < 6:
        return created
    size = max(2, min(5, (len(members) - 2) // 2))
    mawar, melati, funders = members[:size], members[size : 2 * size], members[2 * size : 2 * size + 2]
    behind = {m.code for m in members[2 * size + 2 :][-3:]}  # outside the groups: stopped paying wajib lately
    events = []  # (date, order, action): run in date order, so every passbook reads in time order

    def deposit(m, kind, amount, on, *key):
        events.append(
            (
                on,
                len(events),
                lambda: services.deposit(
                    member=m, kind=kind, amount=amount, channel="cash", idempotency_key=_k(*key), user=board1, on=on
                ),
            )
        )

    months = rules.months_due(start, today)
    for i, m in enumerate(members):
        deposit(m, "pokok", POKOK, start.replace(day=rules.MEETING_DAY), m.code, "pokok")
        paid = months[:-2] if m.code in behind else months
        if i < 12:
            for month in paid:
                deposit(m, "wajib", WAJIB, month.replace(day=rules.MEETING_DAY), m.code, "wajib", month)
        elif paid:
            deposit(m, "wajib", WAJIB * len(paid), paid[-1].replace(day=rules.MEETING_DAY), m.code, "wajib")
    for i, m in enumerate(funders + melati):
        for n, month in enumerate(months[::3]):
            deposit(m, "sukarela", 50_000 + 10_000 * i, month.replace(day=rules.MEETING_DAY), m.code, "suk", n)
    product = services.product_add(
        name="Paket usaha kelompok",
        min_amount=25_000,
        max_amount=100_000,
        instalments=6,
        frequency=LoanProduct.Frequency.DAILY,
        jasa_percent="0.80",
        jasa_method="flat",
        for_groups=True,
        user=board1,
    )
    services.product_add(
        name="Pinjaman anggota",
        min_amount=100_000,
        max_amount=5_000_000,
        instalments=10,
        frequency=LoanProduct.Frequency.MEETING,
        jasa_percent="1.50",
        jasa_method="declining",
        user=board1,
    )
    day_mawar, day_melati = today - datetime.timedelta(days=60), today - datetime.timedelta(days=10)
    plans = (
        ("mawar", "Kelompok Mawar", "RT 03 Keparakan Kidul", mawar, day_mawar, None),
        ("melati", "Kelompok Melati", "RT 07 Keparakan Kidul", melati, day_melati, melati[-1]),
    )
    for code, name, where, borrowers, day0, missing in plans:
        events.append(
            (
                day0,
                len(events),
                lambda a=(code, name, where, borrowers, funders, product, day0, board1, board2), m=missing: _group_loan(
                    *a, missing=m
                ),
            )
        )
    events.append(
        (
            today - datetime.timedelta(days=20),
            len(events),
            lambda: services.withdraw(
                member=funders[1],
                amount=30_000,
                channel="cash",
                idempotency_key=_k(funders[1].code, "withdraw"),
                user=board1,
                on=today - datetime.timedelta(days=20),
            ),
        )
    )
    for _on, _order, action in sorted(events, key=lambda e: (e[0], e[1])):
        action()
    created["loans"] = 2
    # last year's SHU, from the savings (the books' demo sales come later): prepared by board1, approved by board2
    run = services.shu_prepare(
        year=today.year - 1, surplus=5_000_000, savings_percent="40", sales_percent="30", user=board1
    )
    services.shu_approve(run=run, user=board2)
    created["savings postings"] = Posting.objects.count() - before
    return created


def _group_loan(code, name, where, borrowers, funders, product, day0, treasurer, checker, *, missing):
    group = services.group_create(
        code=code, name=name, neighbourhood=where, leader=borrowers[0], members=borrowers, user=treasurer
    )
    loan = services.loan_apply(
        product=product,
        group=group,
        shares=[(m, 25_000) for m in borrowers],
        fundings=[(funders[0], 15_000 * len(borrowers)), (funders[1], 10_000 * len(borrowers))],
        user=treasurer,
        on=day0,
        purpose="Paket usaha: kulit, sol, benang",
    )
    services.loan_approve(loan=loan, user=treasurer)
    services.loan_approve(loan=loan, user=checker)
    services.loan_disburse(loan=loan, channel="cash", user=treasurer, on=day0)
    for day in range(1, 7):
        on = day0 + datetime.timedelta(days=day)
        for m in borrowers:
            share = loan.shares.get(member=m)
            if missing is None and day == 3 and m == borrowers[-1]:
                continue  # misses day 3; the group pays it the next day
            if missing is not None and m == missing and day > 2:
                continue  # stopped paying: in arrears
            if missing is None and day == 4 and m == borrowers[-1]:
                others = [b for b in borrowers if b != m]
                services.repay(
                    share=share,
                    amount=4_200,
                    channel="cash",
                    idempotency_key=_k(code, m.code, "cover"),
                    user=treasurer,
                    on=on,
                    covered_by=others,
                )
            services.repay(
                share=share, amount=4_200, channel="cash", idempotency_key=_k(code, m.code, day), user=treasurer, on=on
            )
    return loan
