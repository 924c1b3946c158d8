"""After the parcel left: the shipping member or staff records the courier and waybill number. Recording it
on an order that is paid or in production also marks it shipped (stock consumed, the buyer emailed, with the
tracking link); on an order already shipped it is only recorded (shown on the buyer's order page)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from catalog.shop.order import services as order_services, statuses
from inventory.models import Member

from . import rules

Order = get_model("order", "Order")
WAYBILL_STATUSES = (statuses.PAID, statuses.IN_PRODUCTION, statuses.SHIPPED, statuses.COMPLETE)


class WaybillForm(forms.Form):
    courier = forms.ChoiceField(label=_("Courier"), choices=[(k, v[0]) for k, v in rules.COURIERS.items()])
    waybill = forms.RegexField(
        label=_("Waybill number (resi)"),
        regex=r"^[A-Za-z0-9\-]{6,40}$",
        error_messages={"invalid": _("A waybill number has 6 to 40 letters and digits.")},
    )


def courier_of(order) -> str:
    """The courier the buyer chose at checkout ("jne-reg" → "jne"), or "" for pickup."""
    code = (order.shipping_code or "").split("-")[0]
    return code if code in rules.COURIERS else ""


def may_enter_waybill(user, order) -> bool:
    """Staff, or a member workshop that fulfils a line of the order."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    partners = order.lines.values("partner_id")
    return Member.objects.for_user(user).filter(partner_id__in=partners).exists()


def record_waybill(*, order, courier: str, waybill: str, user=None) -> bool:
    """Store the waybill; ship the order when it was waiting to ship. Returns whether the order shipped now."""
    waybill = waybill.strip().upper()
    if courier not in rules.COURIERS:
        raise ValidationError({"courier": _("Unknown courier.")})
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in WAYBILL_STATUSES:
            raise ValidationError({"waybill": _("This order cannot be shipped yet (it is not paid).")})
        Order.objects.filter(pk=order.pk).update(waybill_courier=courier, waybill_number=waybill)
        order.waybill_courier, order.waybill_number = courier, waybill
        shipped = False
        if order.status in (statuses.PAID, statuses.IN_PRODUCTION):
            shipped = order_services.mark_shipped(order=order, user=user)
        order_services.note(order, f"Waybill {rules.COURIERS[courier][0]} {waybill}", user)
    return shipped
