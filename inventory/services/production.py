"""Recording production: finished units in, materials out per the bill, in one transaction or not at all."""

from __future__ import annotations

from django.utils.translation import gettext

from common.idempotency import run_once

from .. import ledger, selectors
from ..models import MaterialBalance, MaterialMovement, Member, Production, StockMovement
from . import materials, stock
from .common import InventoryError, replay_of, ruled


def production_record(
    *, member: Member, product, quantity: int, idempotency_key: str, user=None, source: str = ""
) -> Production:
    """Add ``quantity`` units of a variant to the member's stock and consume its bill of materials.

    Refused as a whole when any material is short; the message names every short material and by how
    much. ``source`` links the production to what asked for it (e.g. "work-order:7", routing issue).
    """
    units = ruled(ledger.whole_units, quantity)
    _check_can_make(member, product)
    bill = selectors.bill_for(product)
    if not bill:
        raise InventoryError(
            gettext("%(product)s has no bill of materials yet; ask the board to add one.")
            % {"product": product.get_title()}
        )
    needs = ledger.consumption(bill, units)

    def apply():
        production = Production.objects.create(
            member=member,
            product=product,
            quantity=units,
            idempotency_key=idempotency_key,
            created_by=user,
            source=source,
        )
        # Lock the member's balances of these materials in pk order (a no-op on SQLite, where the
        # conditional updates below still guard), then name every shortfall at once.
        locked = {
            b.material_id: b
            for b in MaterialBalance.objects.select_for_update()
            .filter(member=member, material__in=list(needs))
            .order_by("pk")
        }
        have = {m: (locked[m.pk].quantity if m.pk in locked else 0) for m in needs}
        short = ledger.shortfalls(have, needs)
        if short:
            raise materials.shortage_error(short)
        for material, amount in sorted(needs.items(), key=lambda item: locked[item[0].pk].pk):
            materials.apply_movement(
                MaterialMovement(
                    member=member,
                    material=material,
                    kind=MaterialMovement.Kind.CONSUMED,
                    delta=-amount,
                    production=production,
                    idempotency_key=f"{idempotency_key}/m{material.pk}",
                    created_by=user,
                    source=source,
                ),
                locked[material.pk],
            )
        stock.apply_movement(
            StockMovement(
                stockrecord=stock.stockrecord_for(member=member, product=product),
                kind=StockMovement.Kind.PRODUCED,
                in_stock_delta=units,
                production=production,
                idempotency_key=f"{idempotency_key}/stock",
                created_by=user,
                source=source,
            )
        )
        return production

    replay = replay_of(Production, idempotency_key, member_id=member.pk, product_id=product.pk, quantity=units)
    return run_once(replay=replay, apply=apply)


def _check_can_make(member: Member, product) -> None:
    if product.is_parent:
        raise InventoryError(
            gettext("Pick a variant (size or colour) of %(product)s.") % {"product": product.get_title()}
        )
    product_class = product.get_product_class()
    if member.skills.filter(pk=product_class.pk).exists():
        return
    if stock.stockrecord_for(member=member, product=product, create=False) is not None:
        return
    raise InventoryError(
        gettext("%(member)s does not make %(class)s.") % {"member": member.name, "class": product_class.name}
    )
