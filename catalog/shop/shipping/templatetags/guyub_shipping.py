from django import template

from catalog.shop.shipping import rules
from catalog.shop.shipping.waybills import WaybillForm, courier_of

register = template.Library()


@register.filter
def tracking_url(order) -> str:
    """Where the buyer follows the parcel (the courier's tracking page), or ""."""
    return rules.tracking_url(order.waybill_courier, order.waybill_number)


@register.filter
def courier_name(order) -> str:
    return rules.COURIERS.get(order.waybill_courier, (order.waybill_courier,))[0]


@register.inclusion_tag("guyub_shipping/order_waybill.html")
def order_waybill_panel(order):
    """The buyer's order page: courier, waybill and tracking link once the parcel left."""
    return {"order": order}


@register.inclusion_tag("guyub_shipping/staff_waybill.html", takes_context=True)
def order_waybill_staff_panel(context, order):
    form = WaybillForm(initial={"courier": order.waybill_courier or courier_of(order), "waybill": order.waybill_number})
    return {"order": order, "form": form, "csrf_token": context.get("csrf_token"), "request": context.get("request")}
