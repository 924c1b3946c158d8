"""The board's pages in the workspace: the member picker and the CSV onboarding."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from common.access import board_view

from . import selectors
from .forms import ImportForm
from .imports import IMPORTERS, run_import
from .models import Member


@board_view
def pick(request):
    member = get_object_or_404(Member, code=request.GET.get("code", ""))
    return redirect("inventory:member", code=member.code)


@board_view
def import_csv(request):
    """Upload → dry-run preview (nothing written) → confirm → applied all-or-nothing."""
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "members")})
    result = None
    if request.method == "POST" and form.is_valid():
        confirm = "confirm" in request.POST
        result = run_import(
            form.cleaned_data["kind"], form.cleaned_data["content"], dry_run=not confirm, user=request.user
        )
        if result.applied:
            messages.success(request, _("Imported %(count)s rows.") % {"count": len(result.rows)})
            return redirect("inventory:import")
        form = ImportForm(initial={"kind": form.cleaned_data["kind"], "content": form.cleaned_data["content"]})
    return render(
        request,
        "inventory/import.html",
        {
            "form": form,
            "result": result,
            "columns": {k: (i.required, i.optional) for k, i in IMPORTERS.items()},
        },
    )


@board_view
def ledger_check(request):
    """Every stockrecord and material balance against the sum of its movements (also `manage.py inventory_check`)."""
    stock_off, materials_off = selectors.stock_discrepancies(), selectors.material_discrepancies()
    # Counted here: the template's `add` filter cannot sum two lengths (it returned "" and the page said 0).
    return render(
        request,
        "inventory/ledger_check.html",
        {
            "stock_off": stock_off,
            "materials_off": materials_off,
            "off_count": len(stock_off) + len(materials_off),
        },
    )
