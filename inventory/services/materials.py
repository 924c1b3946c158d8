"""Raw materials: every change of a member's balance is a MaterialMovement written in the same transaction.

A decrease is one conditional UPDATE (``quantity >= amount``), so concurrent requests never take the
balance below zero; the table's CHECK constraint backs it up. Balances are updated in primary-key order.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Round
from django.utils.translation import gettext

from common.idempotency import run_once

from .. import ledger
from ..models import Material, MaterialBalance, MaterialMovement, Member
from .common import InventoryError, movement_reason, refusal, replay_of, ruled, write_once

# Kinds a member records alone; the two-sided kinds go through material_transfer so both legs exist.
ONE_SIDED = {
    MaterialMovement.Kind.OPENING,
    MaterialMovement.Kind.PURCHASE,
    MaterialMovement.Kind.CONSUMED,
    MaterialMovement.Kind.ADJUSTED,
}


def shortage_error(shortfalls: list[ledger.Shortfall]) -> InventoryError:
    """One sentence per short material, naming it and how much is missing."""
    lines = []
    for s in shortfalls:
        material: Material = s.key
        lines.append(
            gettext("Not enough %(material)s: %(short)s short (needed %(needed)s, have %(available)s).")
            % {
                "material": material.display_name,
                "short": material.format(s.short),
                "needed": material.format(s.needed),
                "available": material.format(s.available),
            }
        )
    return InventoryError(" ".join(lines), code="MaterialShortage", shortfalls=shortfalls)


def balance_row(*, member_id: int, material_id: int, create: bool) -> MaterialBalance | None:
    if create:
        return MaterialBalance.objects.get_or_create(member_id=member_id, material_id=material_id)[0]
    return MaterialBalance.objects.filter(member_id=member_id, material_id=material_id).first()


def apply_movement(movement: MaterialMovement, balance: MaterialBalance | None = None) -> MaterialMovement:
    """Write a movement and its effect on the balance (inside the caller's transaction)."""
    delta = movement.delta
    if abs(delta) > ledger.MAX_BALANCE:  # what the table's check refuses, refused in words first
        raise refusal(ledger.balance_too_large(movement.material.format(abs(delta))))
    movement.save()
    if balance is None:
        balance = balance_row(member_id=movement.member_id, material_id=movement.material_id, create=delta > 0)
    rows = MaterialBalance.objects.filter(pk=balance.pk) if balance else MaterialBalance.objects.none()
    if delta < 0:
        rows = rows.filter(quantity__gte=-delta)
    else:
        rows = rows.filter(quantity__lte=ledger.MAX_BALANCE - delta)  # the balance stays within its bound
    # Round: SQLite keeps decimals as floating point; rounding each result to the column's places keeps
    # every stored balance the nearest float to an exact 2-place value, so comparisons stay exact.
    if rows.update(quantity=Round(F("quantity") + delta, 2)) != 1:
        have = (
            MaterialBalance.objects.filter(pk=balance.pk).values_list("quantity", flat=True).first()
            if balance
            else None
        )
        if delta > 0:
            raise refusal(ledger.balance_too_large(movement.material.format((have or Decimal(0)) + delta)))
        raise shortage_error([ledger.Shortfall(movement.material, -delta, have or Decimal(0))])
    return movement


def material_move(
    *,
    member: Member,
    material: Material,
    kind: str,
    quantity,
    idempotency_key: str,
    reason: str = "",
    user=None,
    source: str = "",
    production=None,
) -> MaterialMovement:
    """Record a one-sided change of a member's material: opening, purchase, consumed, or adjusted
    (signed quantity, reason required). Loans, returns and hand-overs: material_transfer."""
    if kind not in ONE_SIDED:
        raise InventoryError(gettext("Use a transfer to move material between members."))
    delta = ruled(ledger.material_delta, kind, quantity, material.places)
    reason = movement_reason(reason, adjusted=kind == MaterialMovement.Kind.ADJUSTED)
    movement = MaterialMovement(
        member=member,
        material=material,
        kind=kind,
        delta=delta,
        reason=reason,
        production=production,
        idempotency_key=idempotency_key,
        created_by=user,
        source=source,
    )
    return write_once(apply_movement, movement, compare=("member_id", "material_id", "kind", "delta"))


def material_transfer(
    *,
    from_member: Member,
    to_member: Member,
    material: Material,
    quantity,
    purpose: str,
    idempotency_key: str,
    reason: str = "",
    user=None,
    source: str = "",
) -> tuple[MaterialMovement, MaterialMovement]:
    """Move material between two members as two balanced movements in one transaction.

    ``purpose`` picks the pair of kinds (ledger.TRANSFER_PURPOSES): "loan" (lent/borrowed), "return"
    (returned/return_received), "settlement" (settled/settled) or "transfer" (a plain hand-over).
    Returns (the giver's movement, the receiver's movement); both share ``transfer``.
    """
    if purpose not in ledger.TRANSFER_PURPOSES:
        raise InventoryError(gettext("Unknown transfer purpose %(purpose)s.") % {"purpose": purpose})
    out_kind, in_kind = ledger.TRANSFER_PURPOSES[purpose]
    amount = ruled(material.quantity, quantity)
    if from_member.pk == to_member.pk:
        raise refusal(ledger.SameAccount())

    def apply():
        giver = balance_row(member_id=from_member.pk, material_id=material.pk, create=False)
        taker = balance_row(member_id=to_member.pk, material_id=material.pk, create=True)
        group = uuid.uuid4()
        common = {
            "material": material,
            "transfer": group,
            "reason": reason.strip(),
            "created_by": user,
            "source": source,
        }
        out_leg = MaterialMovement(
            member=from_member,
            kind=out_kind,
            delta=-amount,
            counterpart=to_member,
            idempotency_key=idempotency_key,
            **common,
        )
        in_leg = MaterialMovement(
            member=to_member,
            kind=in_kind,
            delta=amount,
            counterpart=from_member,
            idempotency_key=f"{idempotency_key}/in",
            **common,
        )
        legs = [(out_leg, giver), (in_leg, taker)]
        for leg, balance in sorted(legs, key=lambda pair: pair[1].pk if pair[1] else 0):  # lock order: pk
            apply_movement(leg, balance)
        return out_leg

    replay = replay_of(
        MaterialMovement,
        idempotency_key,
        member_id=from_member.pk,
        material_id=material.pk,
        kind=out_kind,
        delta=-amount,
        counterpart_id=to_member.pk,
    )
    out_leg = run_once(replay=replay, apply=apply)
    return out_leg, MaterialMovement.objects.get(transfer=out_leg.transfer, kind=in_kind, member=to_member)
