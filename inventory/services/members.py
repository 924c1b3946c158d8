"""Member profiles: the board edits everything; a member edits its own contact details only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from oscar.core.loading import get_model

from .. import ledger
from ..models import Member, MemberClassCapacity
from .common import InventoryError

Partner = get_model("partner", "Partner")


def _clean(member: Member) -> None:
    """The model's bounds (capacity, coordinates, joining date, lengths) as one refusal naming each field."""
    try:
        member.full_clean()
    except ValidationError as error:
        parts = []
        for field, messages in error.message_dict.items():
            label = member._meta.get_field(field).verbose_name if field != "__all__" else ""
            parts += [f"{label}: {m}" if label else m for m in messages]
        raise InventoryError(" ".join(parts), code="invalid") from None


def _check_name(name: str) -> str:
    limit = Partner._meta.get_field("name").max_length
    if len(name) > limit:
        raise InventoryError(gettext("The workshop name must be at most %(max)s characters.") % {"max": limit})
    return name


def _check_capacities(class_capacities: dict) -> None:
    for product_class, units in class_capacities.items():
        if units is None:
            continue
        if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= ledger.MAX_WEEKLY_CAPACITY:
            raise InventoryError(
                gettext("Weekly capacity for %(class)s must be a whole number from 0 to %(max)s.")
                % {"class": product_class.name, "max": ledger.MAX_WEEKLY_CAPACITY}
            )


CONTACT_FIELDS = ("phone", "address")
BOARD_FIELDS = ("workers", "phone", "address", "latitude", "longitude", "weekly_capacity", "joined", "status")


@transaction.atomic
def member_update_contact(*, member: Member, phone: str, address: str) -> Member:
    member.phone, member.address = phone.strip(), address.strip()
    _clean(member)
    member.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
    return member


@transaction.atomic
def member_update(
    *, member: Member, name: str | None = None, skills=None, class_capacities: dict | None = None, **fields
) -> Member:
    """The board's edit: profile fields, the workshop's name, skills, and per-class capacity overrides
    (``{product_class: units or None}``; None removes the override)."""
    unknown = set(fields) - set(BOARD_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    if name:
        _check_name(name)
    _check_capacities(class_capacities or {})
    for field, value in fields.items():
        setattr(member, field, value)
    _clean(member)
    member.save()
    if name and name != member.partner.name:
        Partner.objects.filter(pk=member.partner_id).update(name=name)
    if skills is not None:
        member.skills.set(skills)
    for product_class, units in (class_capacities or {}).items():
        if units is None:
            MemberClassCapacity.objects.filter(member=member, product_class=product_class).delete()
        else:
            MemberClassCapacity.objects.update_or_create(
                member=member, product_class=product_class, defaults={"weekly_capacity": units}
            )
    return member


@transaction.atomic
def member_create(*, code: str, name: str, owner_email: str, owner_name: str = "", skills=(), **fields) -> Member:
    """A new member workshop with its Oscar partner and owner account (a new owner sets a password
    through "forgot password"; no password is ever mailed or imported)."""
    User = get_user_model()
    _check_name(name)
    if len(owner_name) > 2 * User._meta.get_field("first_name").max_length:
        raise InventoryError(gettext("The owner's name is too long."))
    owner = User.objects.filter(email__iexact=owner_email).first()
    if owner is None:
        first, _, last = owner_name.strip().partition(" ")
        owner = User(email=owner_email.lower(), first_name=first, last_name=last)
        owner.set_unusable_password()
        owner.save()
    partner = Partner.objects.create(code=code, name=name)
    member = Member(partner=partner, code=code, owner=owner, **fields)
    _clean(member)
    member.save()
    member.skills.set(skills)
    return member
