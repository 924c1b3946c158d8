"""The waybill page: the shipping member or staff enters the courier and waybill number of an order."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from common.access import access

from . import waybills


def _safe_next(request) -> str:
    """Where to go back to after saving: only a path on this site (never an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


def _order_to_ship(request, order_number):
    """The order, for staff or a member workshop that fulfils one of its lines; 404 to anyone else (an order
    number is not something to probe)."""
    order = get_object_or_404(waybills.Order, number=order_number)
    if not waybills.may_enter_waybill(request.user, order):
        raise Http404
    return order


@access(context=_order_to_ship, takes=("order_number",))
def waybill(request, order):
    initial = {"courier": order.waybill_courier or waybills.courier_of(order), "waybill": order.waybill_number}
    form = waybills.WaybillForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shipped = waybills.record_waybill(
                order=order,
                courier=form.cleaned_data["courier"],
                waybill=form.cleaned_data["waybill"],
                user=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("Order shipped; the buyer has been emailed.") if shipped else _("Waybill saved.")
            )
            return redirect(_safe_next(request) or request.path)
    return render(request, "guyub_shipping/waybill.html", {"order": order, "form": form})
