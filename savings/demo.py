"""The demo's simpan-pinjam: a year of simpanan pokok and wajib (a few members behind), some sukarela, two borrower
groups with loans in kind (each borrower a paket usaha of the cooperative's materials) funded from members'
sukarela — kelompok Mawar repaid in full (one missed day covered by the group), kelompok Melati in arrears, and
last year's SHU.

``seed_savings()`` is idempotent (fixed keys; it stops when its first posting exists) and runs before the books'
months are closed, so the history sits in its own months. The demo workshops all "joined" on the day the demo was
made or over the years before; the simpan-pinjam unit (its amounts) started 13 months ago, and the workshops that
joined since are dated back to then, so every member has a year of savings.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from books.models import Posting
from common.roles import treasurer_group
from inventory import services as inventory
from inventory.models import Material, Member

from . import rules, services
from .models import LoanProduct, SavingsRule

PREFIX = "seed-savings"
POKOK, WAJIB = 100_000, 20_000
PACKAGE = (("kulit-sapi-b", "4", 4_000), ("sol-karet", "2", 3_000), ("benang", "30", 100))  # a paket usaha


# The loan product of the seed's group loans: a paket usaha given in kind, repaid in six daily instalments.
GROUP_PACKAGE = {
    "name": "Paket usaha kelompok",
    "min_amount": 25_000,
    "max_amount": 100_000,
    "instalments": 6,
    "frequency": LoanProduct.Frequency.DAILY,
    "jasa_percent": "0.80",
    "jasa_method": "flat",
    "for_groups": True,
    "in_kind": True,
}


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
        # The board set the amounts when the unit started, 13 months ago: members who joined years before owe
        # wajib from then on, not since they joined.
        for kind, amount in (("pokok", POKOK), ("wajib", WAJIB)):
            services.rule_add(kind=kind, amount=amount, effective_from=start, user=board1)
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
    product = services.product_add(**GROUP_PACKAGE, user=board1)
    package = _coop_materials(funders[0], len(mawar) + len(melati))
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
                    *a, missing=m, package=package
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


def _coop_materials(store: Member, packages: int) -> list:
    """The cooperative buys the materials of ``packages`` paket usaha, kept at ``store``'s workshop: (material,
    quantity, price per unit) of one package, worth Rp 25.000."""
    out = []
    for code, quantity, price in PACKAGE:
        material = Material.objects.get(code=code)
        inventory.material_move(
            member=store,
            material=material,
            kind="purchase",
            quantity=Decimal(quantity) * packages,
            idempotency_key=_k("paket", code),
            reason="Bahan paket usaha koperasi",
            source="demo",
        )
        out.append((material, quantity, price))
    return out


def _group_loan(code, name, where, borrowers, funders, product, day0, treasurer, checker, *, missing, package):
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
        package=package,
        stock_from=funders[0],  # keeps the cooperative's materials
        coop_stock=True,
    )
    services.loan_approve(loan=loan, user=treasurer)
    services.loan_approve(loan=loan, user=checker)
    services.loan_disburse(loan=loan, user=treasurer, on=day0)
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
