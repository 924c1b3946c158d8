"""The demo cooperative's material loans: the board's prices and settings, and a few loans in each state.

``seed_loans()`` is idempotent: prices and settings are get-or-create, and every loan action carries a
fixed key, so a second run finds its own events and changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from inventory.models import Material, MaterialBalance, Member

from . import services
from .models import LoanSettings, MaterialLoan, MaterialPrice

# Rupiah per unit, roughly Yogyakarta's market for the demo materials.
PRICES = {
    "kulit-sapi-a": 32000,
    "kulit-sapi-b": 24000,
    "kulit-kambing": 28000,
    "kulit-domba": 26000,
    "sol-karet": 15000,
    "gesper": 4000,
    "mata-ayam": 300,
    "ritsleting": 2500,
    "benang": 500,
    "lem": 60000,
}


def seed_loans() -> dict[str, int]:
    created = {"prices": 0, "loans": 0}
    LoanSettings.current()
    for code, price in PRICES.items():
        material = Material.objects.filter(code=code).first()
        if material is not None:
            _, new = MaterialPrice.objects.get_or_create(material=material, defaults={"price": Decimal(price)})
            created["prices"] += new
    members = list(Member.objects.active().order_by("code")[2:6])  # leave m01/m02 free for trying it out
    if len(members) < 4:
        return created
    today = timezone.localdate()
    # (borrower, lender, how far the loan goes)
    for n, (borrower, lender, stage) in enumerate(
        [(members[0], members[1], "open"), (members[2], members[3], "requested")]
    ):
        row = (
            MaterialBalance.objects.filter(member=lender, quantity__gte=2)
            .select_related("material")
            .order_by("material__code")
            .first()
        )
        if row is None:
            continue
        quantity = (row.quantity / 4).quantize(Decimal(1).scaleb(-row.material.places)) or Decimal(1)
        key = f"demo-loan-{n}"
        is_new = not MaterialLoan.objects.filter(request_key=key).exists()
        loan = services.loan_request(
            borrower=borrower,
            lender=lender,
            material=row.material,
            quantity=quantity,
            needed_by=today + datetime.timedelta(days=3),
            idempotency_key=key,
        )
        created["loans"] += is_new
        if stage == "open":  # a second run replays each keyed action and changes nothing
            for action, member in [("accept", lender), ("hand_over", lender), ("receive", borrower)]:
                services.ACTIONS[action](loan=loan, member=member, idempotency_key=f"{key}-{action}")
    return created
