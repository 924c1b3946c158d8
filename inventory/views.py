"""The artisan's workspace (phone-first). Views are thin: `access.member_view` decides who may see or
change the workshop in the URL, forms check input, services write, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.roles import is_board

from . import selectors, services
from .access import member_view, workshops_of
from .forms import ContactForm, MaterialRecordForm, MemberBoardForm, OwnOrderForm, ProductionForm, StockAdjustForm
from .models import Material, Member, OwnOrder, StockMovement
from .services import InventoryError


def _render(request, template, ws, tab, **context):
    if ws.board and not ws.can_write:
        context["ws_members"] = Member.objects.select_related("partner").order_by("code")  # the board's picker
    return render(request, template, {"ws": ws, "member": ws.member, "tab": tab, **context})


@login_required
def workspace_home(request):
    """One workshop: straight to it. The board (or a user of several workshops): a member picker."""
    mine = list(workshops_of(request.user).select_related("partner"))
    board = is_board(request.user)
    if len(mine) == 1 and not board:
        return redirect("inventory:member", code=mine[0].code)
    if not mine and not board:
        return render(request, "inventory/home.html", {"mine": [], "board": False}, status=403)
    members = selectors.members_overview() if board else []
    return render(request, "inventory/home.html", {"mine": mine, "board": board, "members": members})


@member_view()
def member_home(request, ws):
    week = selectors.capacity_calendar([ws.member], weeks=1)[ws.member][0]
    return _render(
        request,
        "inventory/member_home.html",
        ws,
        "home",
        week=week,
        lines=selectors.order_lines_for_member(ws.member)[:5],
        **selectors.stock_totals(ws.member),
    )


@member_view()
def stock(request, ws):
    return _render(request, "inventory/stock.html", ws, "stock", records=selectors.member_stock(ws.member))


@member_view(write=True)
def stock_adjust(request, ws, pk):
    record = get_object_or_404(selectors.member_stock(ws.member), pk=pk)  # another member's id: 404
    form = StockAdjustForm(request.POST or None)
    if form.is_valid():
        try:
            services.stock_move(
                stockrecord=record,
                kind=StockMovement.Kind.ADJUSTED,
                quantity=form.cleaned_data["change"],
                reason=form.cleaned_data["reason"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                user=request.user,
            )
        except InventoryError as error:
            form.add_error(None, error)
        else:
            record.refresh_from_db()
            messages.success(
                request,
                _("Stock of %(product)s is now %(units)s.")
                % {"product": record.product.get_title(), "units": record.num_in_stock},
            )
            return redirect("inventory:stock", code=ws.member.code)
    return _render(request, "inventory/stock_adjust.html", ws, "stock", record=record, form=form)


@member_view()
def materials(request, ws):
    return _render(request, "inventory/materials.html", ws, "materials", balances=selectors.member_materials(ws.member))


@member_view(write=True)
def material_record(request, ws, material_code):
    material = get_object_or_404(Material, code=material_code, active=True)
    form = MaterialRecordForm(request.POST or None, material=material)
    if form.is_valid():
        try:  # the form's fields are the service's: kind, quantity, reason, idempotency_key
            services.material_move(member=ws.member, material=material, user=request.user, **form.cleaned_data)
        except InventoryError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(material)s: you now have %(quantity)s.")
                % {
                    "material": material.display_name,
                    "quantity": material.format(selectors.material_balance(ws.member, material)),
                },
            )
            return redirect("inventory:materials", code=ws.member.code)
    return _render(
        request,
        "inventory/material_record.html",
        ws,
        "materials",
        material=material,
        form=form,
        balance=selectors.material_balance(ws.member, material),
    )


@member_view(write=True)
def produce(request, ws):
    form = ProductionForm(request.POST or None, member=ws.member)
    if form.is_valid():
        product, units = form.cleaned_data["product"], form.cleaned_data["quantity"]
        try:
            production = services.production_record(
                member=ws.member,
                product=product,
                quantity=units,
                idempotency_key=form.cleaned_data["idempotency_key"],
                user=request.user,
            )
        except InventoryError as error:
            form.add_error(None, error)
        else:
            used = ", ".join(
                f"{m.material.format(-m.delta)} {m.material.display_name}"
                for m in production.material_movements.select_related("material")
            )
            record = services.stockrecord_for(member=ws.member, product=product, create=False)
            messages.success(
                request,
                _("Recorded %(units)s × %(product)s. In stock now: %(stock)s. Used: %(used)s.")
                % {
                    "units": production.quantity,
                    "product": product.get_title(),
                    "stock": record.num_in_stock,
                    "used": used,
                },
            )
            return redirect("inventory:stock", code=ws.member.code)
    return _render(request, "inventory/produce.html", ws, "produce", form=form)


@member_view()
def history(request, ws):
    show = "materials" if request.GET.get("show") == "materials" else "stock"
    rows = selectors.material_history(ws.member) if show == "materials" else selectors.stock_history(ws.member)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return _render(request, "inventory/history.html", ws, "history", show=show, page=page)


def _capacity_page(request, ws, form):
    return _render(
        request,
        "inventory/capacity.html",
        ws,
        "capacity",
        form=form,
        calendar=selectors.capacity_calendar([ws.member], weeks=8)[ws.member],
        orders=selectors.own_orders(ws.member),
        overrides=ws.member.class_capacities.select_related("product_class"),
    )


@member_view()
def capacity(request, ws):
    return _capacity_page(request, ws, OwnOrderForm(member=ws.member) if ws.can_write else None)


@member_view(write=True)
@require_POST
def own_order_add(request, ws):
    form = OwnOrderForm(request.POST, member=ws.member)
    if form.is_valid():
        try:
            services.own_order_create(member=ws.member, user=request.user, **form.cleaned_data)
        except InventoryError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Order recorded; its units load the due week."))
            return redirect("inventory:capacity", code=ws.member.code)
    return _capacity_page(request, ws, form)


@member_view(write=True)
@require_POST
def own_order_close(request, ws, pk):
    order = get_object_or_404(OwnOrder, pk=pk, member=ws.member)
    try:
        services.own_order_close(order=order, status=request.POST.get("status", ""))
    except InventoryError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("inventory:capacity", code=ws.member.code)


@member_view()
def work(request, ws):
    # The work orders themselves are pooling's page (pooling.views.work); this tab points there.
    return _render(request, "inventory/work.html", ws, "work")


@member_view()
def order_lines(request, ws):
    page = Paginator(selectors.order_lines_for_member(ws.member), 30).get_page(request.GET.get("page"))
    return _render(request, "inventory/order_lines.html", ws, "orders", page=page)


@member_view()  # the board, or a user acting for the workshop (anyone else never gets here)
def profile(request, ws):
    """The board edits the whole profile; a user acting for the workshop edits its contact details."""
    form_class = MemberBoardForm if ws.board else ContactForm
    form = form_class(request.POST or None, instance=ws.member)
    if request.method == "POST" and form.is_valid():
        if ws.board:
            services.member_update(
                member=ws.member,
                name=form.cleaned_data["name"],
                skills=form.cleaned_data["skills"],
                class_capacities=form.class_capacities(),
                **form.profile_fields(),
            )
        else:
            services.member_update_contact(
                member=ws.member, phone=form.cleaned_data["phone"], address=form.cleaned_data["address"]
            )
        messages.success(request, _("Profile saved."))
        return redirect("inventory:profile", code=ws.member.code)
    return _render(request, "inventory/profile.html", ws, "profile", form=form)
