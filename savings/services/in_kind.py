"""Loans in kind (paket usaha): each borrower receives the same package of materials from one member's balance in
the material ledger (``inventory.services.material_transfer``), and owes its value as the loan's principal.

Whose materials they are decides who is paid for them: the cooperative's own (kept by that member, e.g. bought
for the paket usaha) are booked against ``coop:materials``; a member's own are bought by the cooperative, so
the member's account is credited with their value. The movements are written inside the disbursement's
transaction, each with a key derived from the loan, so a shortage refuses the whole disbursement and a retry
moves nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from books import ledger as books_ledger
from inventory import ledger as inventory_ledger
from inventory.models import Material, MaterialBalance, MaterialMovement, Member
from inventory.services import InventoryError, material_transfer
from inventory.services.common import refusal as inventory_refusal
from inventory.services.materials import shortage_error

from .. import rules
from ..models import Loan, LoanShare, PackageLine
from .base import MATERIALS, _amount, _refuse

MAX_LINES = 20


@dataclass(frozen=True)
class PackageItem:
    material: Material
    quantity: Decimal
    unit_price: int

    @property
    def value(self) -> int:
        return rules.line_value(self.quantity, self.unit_price)


def package_items(package: Sequence[tuple[Material, object, object]]) -> list[PackageItem]:
    """The package as checked items: each material once and offered, a quantity its unit allows, a whole-rupiah
    price per unit; refused naming the ``package`` field."""
    if not package:
        raise _refuse(gettext("A loan in kind needs its package: the materials, quantities and prices."), "package")
    if len(package) > MAX_LINES:
        raise _refuse(gettext("A package has at most %(max)s materials."), "package", max=MAX_LINES)
    items, seen = [], set()
    for material, quantity, unit_price in package:
        if not isinstance(material, Material) or not material.active:
            raise _refuse(gettext("Choose materials the cooperative keeps for the package."), "package")
        if material.pk in seen:
            raise _refuse(gettext("%(material)s is named twice in the package."), "package", material=material)
        seen.add(material.pk)
        try:
            amount = material.quantity(quantity)
        except inventory_ledger.LedgerError as error:
            message = inventory_refusal(error).messages[0]
            raise _refuse(f"{material.display_name}: {message}", "package") from None
        price = _amount(unit_price, "package")
        if price > rules.MAX_UNIT_PRICE:
            raise _refuse(
                gettext("A price per unit is at most %(max)s."),
                "package",
                max=books_ledger.format_rupiah(rules.MAX_UNIT_PRICE),
            )
        items.append(PackageItem(material, amount, price))
    if sum(i.value for i in items) <= 0:
        raise _refuse(gettext("The package is worth less than Rp 1."), "package")
    return items


def package_value(items: Sequence[PackageItem | PackageLine]) -> int:
    return sum(i.value for i in items)


def check_source(stock_from: Member | None, borrowers: Sequence[Member]) -> Member:
    if stock_from is None:
        raise _refuse(gettext("Name the member whose stock the materials come from."), "stock_from")
    if stock_from.pk in {m.pk for m in borrowers}:
        raise _refuse(gettext("The materials cannot come from a borrower's own stock."), "stock_from")
    if stock_from.status != Member.Status.ACTIVE:
        raise _refuse(gettext("The materials must come from an active member."), "stock_from")
    return stock_from


def save_package(loan: Loan, items: Sequence[PackageItem]) -> None:
    PackageLine.objects.bulk_create(
        [
            PackageLine(loan=loan, material=i.material, quantity=i.quantity, unit_price=i.unit_price, value=i.value)
            for i in items
        ]
    )


def counter_account(loan: Loan) -> str:
    """Who the package's value is booked against: the cooperative's materials, or the member it was bought from."""
    return MATERIALS if loan.coop_stock else books_ledger.member_account(loan.stock_from.code)


def _check_stock(loan: Loan, lines: Sequence[PackageLine], borrowers: int) -> None:
    """One refusal naming every material the holder is short of for all the packages (the transfers would refuse
    one at a time)."""
    have = dict(
        MaterialBalance.objects.filter(
            member=loan.stock_from, material__in=[line.material for line in lines]
        ).values_list("material_id", "quantity")
    )
    short = []
    for line in lines:
        needed = line.quantity * borrowers
        available = Decimal(str(have.get(line.material_id, 0)))
        if available < needed:
            short.append(inventory_ledger.Shortfall(line.material, needed, available))
    if short:
        message = shortage_error(short).messages[0]
        raise _refuse(
            gettext("%(member)s's stock does not cover the packages: %(short)s"),
            "package",
            member=loan.stock_from.code,
            short=message,
        )


def issue_packages(*, loan: Loan, shares: Sequence[LoanShare], user) -> list[MaterialMovement]:
    """Move every borrower's package from ``loan.stock_from`` (inside the caller's transaction: a refusal here
    undoes the money postings too)."""
    lines = list(loan.package.select_related("material").order_by("material__code"))
    if not lines or loan.stock_from is None:
        raise _refuse(gettext("This loan in kind has no package to give."), "package")
    _check_stock(loan, lines, len(shares))
    reason = gettext("Paket usaha %(loan)s") % {"loan": loan.reference}
    moved = []
    for share in shares:
        for line in lines:
            try:
                out_leg, _in_leg = material_transfer(
                    from_member=loan.stock_from,
                    to_member=share.member,
                    material=line.material,
                    quantity=line.quantity,
                    purpose="transfer",
                    # ≤ 80 characters: the loan's reference, the borrower's code and the material's id
                    idempotency_key=f"paket:{loan.reference}:{share.member.code}:{line.material_id}",
                    reason=reason,
                    user=user,
                    source=f"loan:{loan.reference}",
                )
            except InventoryError as error:
                raise _refuse(" ".join(error.messages), "package") from None
            moved.append(out_leg)
    return moved
