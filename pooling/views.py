"""The member's side of the pool (phone-first): its work orders and the overflow it posted.

Who may see what: a user acting for the workshop sees and answers its work; the board reads everything;
another workshop's artisan gets 404 for ids that are not its own (guessing ids reveals nothing); buyers
get nothing (403 on workshop pages, 404 on ids); anonymous users are sent to log in.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from common.roles import is_board
from inventory.access import member_view, workshops_of
from inventory.selectors import members_overview

from . import selectors, services
from .forms import DeclineForm, OverflowForm
from .models import RoutingRequest, WorkOrder
from .services import InventoryError, PoolingError


def _render(request, template, ws, **context):
    if ws.board and not ws.can_write:
        context["ws_members"] = members_overview()  # the workspace header's member picker
    return render(request, template, {"ws": ws, "member": ws.member, "tab": "work", **context})


@login_required
def index(request):
    """/pool/: the board's routing board, or the artisan's own work."""
    if is_board(request.user):
        return redirect("pooling:board")
    mine = list(workshops_of(request.user))
    if mine:
        return redirect("pooling:work", code=mine[0].code)
    if request.user.is_staff:
        return redirect("pooling:board")
    raise PermissionDenied


@member_view()
def work(request, ws):
    orders = list(selectors.member_work_orders(ws.member))
    for wo in orders:
        wo.shortages = selectors.material_shortages(wo)
    return _render(
        request,
        "pooling/work.html",
        ws,
        work_orders=orders,
        decline_form=DeclineForm(),
        overflow=selectors.member_overflow(ws.member)[:20],
    )


def _work_order(request, pk: int) -> tuple[WorkOrder, bool]:
    """(work order, may answer it): the member's own users answer, the board reads, others get 404."""
    wo = (
        WorkOrder.objects.select_related(
            "member__partner",
            "product__parent",
            "request__member",
            "request__product_class",
            "request__order_line__order",
        )
        .filter(pk=pk)
        .first()
    )
    if wo is None:
        raise Http404
    if workshops_of(request.user).filter(pk=wo.member_id).exists():
        return wo, True
    if is_board(request.user) or request.user.is_staff:
        return wo, False
    raise Http404


def _render_work_order(request, wo: WorkOrder, can_write: bool, decline_form: DeclineForm, status: int = 200):
    wo.shortages = selectors.material_shortages(wo)
    return render(
        request,
        "pooling/work_order.html",
        {"wo": wo, "can_write": can_write, "decline_form": decline_form, "member": wo.member},
        status=status,
    )


@login_required
def work_order(request, pk):
    wo, can_write = _work_order(request, pk)
    return _render_work_order(request, wo, can_write, DeclineForm())


ACTIONS = {
    "accept": services.work_order_accept,
    "made": services.work_order_made,
    "handed-over": services.work_order_hand_over,
}
DONE_MESSAGES = {
    "accept": gettext_lazy("Accepted: the work is in your plan for that week."),
    "made": gettext_lazy("Recorded as made: the units are in your stock and the materials are used."),
    "handed-over": gettext_lazy("Handed over: the units went where the work came from."),
    "decline": gettext_lazy("Declined: the work goes back to the pool."),
}


@login_required
@require_POST
def work_order_action(request, pk, action):
    wo, can_write = _work_order(request, pk)
    if not can_write:
        raise PermissionDenied
    if action not in (*ACTIONS, "decline"):
        raise Http404
    try:
        if action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                return _render_work_order(request, wo, True, form, status=400)
            services.work_order_decline(work_order=wo, reason=form.cleaned_data["reason"], user=request.user)
        else:
            ACTIONS[action](work_order=wo, user=request.user)
    except InventoryError as error:  # PoolingError too; e.g. production refused for short materials
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, DONE_MESSAGES[action])
    return redirect("pooling:work", code=wo.member.code)


@member_view()
def overflow_list(request, ws):
    form = None
    if ws.can_write:
        form = OverflowForm(request.POST or None, member=ws.member)
        if request.method == "POST" and form.is_valid():
            try:  # the form's fields are the service's: product, quantity, due_week, own_order, note
                posted = services.overflow_post(member=ws.member, user=request.user, **form.cleaned_data)
            except PoolingError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Posted to the pool: %(n)s units.") % {"n": posted.quantity})
                return redirect("pooling:overflow", pk=posted.pk)
    elif request.method == "POST":
        raise PermissionDenied
    status = 400 if form is not None and form.is_bound and form.errors else 200
    response = _render(
        request, "pooling/overflow_list.html", ws, form=form, overflow=selectors.member_overflow(ws.member)
    )
    response.status_code = status
    return response


@login_required
def overflow(request, pk):
    """One posted overflow: the poster sees who took what; the board sees all; others 404."""
    posted = (
        RoutingRequest.objects.filter(pk=pk, kind=RoutingRequest.Kind.OVERFLOW)
        .select_related("member__partner", "product", "product_class")
        .first()
    )
    if posted is None:
        raise Http404
    mine = workshops_of(request.user).filter(pk=posted.member_id).exists()
    if not (mine or is_board(request.user) or request.user.is_staff):
        raise Http404
    work_orders = posted.work_orders.select_related("member__partner").order_by("pk")
    return render(
        request, "pooling/overflow.html", {"posted": posted, "work_orders": work_orders, "member": posted.member}
    )
