"""The routing board (/pool/board/): load heat map, work by state, unroutable units, overflow flows, fairness.
The board reads and changes the weights; staff may read the board but not change it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.access import board_or_staff_view, board_view
from common.errors import Refusal
from common.roles import is_board

from . import board as board_reads, fairness, services
from .forms import RoutingSettingsForm
from .models import RoutingSettings, WorkOrder
from .promise_check import uncovered_lines
from .services.sweep import lost_requests


@board_or_staff_view
def board(request):
    weeks, rows = board_reads.heat_map()
    heat = [(member, [(cell, board_reads.heat_colour(cell.utilisation)) for cell in cells]) for member, cells in rows]
    recent = WorkOrder.objects.select_related("member", "product__parent").order_by("-pk")[:30]
    return render(
        request,
        "pooling/board.html",
        {
            "weeks": weeks,
            "heat": heat,
            "by_state": board_reads.work_orders_by_state(),
            "unroutable": board_reads.unroutable()[:50],
            "late": board_reads.late_work()[:50],
            "flows": board_reads.flows()[:50],
            "uncovered": uncovered_lines()[:50],
            "stuck": lost_requests(now=timezone.now()).count(),
            "fairness": board_reads.fairness(),
            "settings": RoutingSettings.current(),
            "recent": recent,
            "can_change": is_board(request.user),
        },
    )


@board_view  # staff read the board; only the board sets the weights
def board_settings(request):
    form = RoutingSettingsForm(request.POST or None, instance=RoutingSettings.current())
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            services.routing_settings_update(
                fairness=data["fairness"],
                distance=data["distance"],
                preference=data["preference"],
                response_hours=data["response_hours"],
                user=request.user,
            )
            messages.success(request, _("Routing settings saved; they apply to the next routing."))
            return redirect("pooling:board")
        return render(request, "pooling/board_settings.html", {"form": form}, status=400)
    return render(request, "pooling/board_settings.html", {"form": form})


@board_view  # who earns what is the board's to read (staff see the money reports, not this ranking)
def fairness_report(request):
    """Earnings by share of load for a period of months (?start=YYYY-MM&end=YYYY-MM); ``?format=csv`` downloads
    every member's row. A month written wrongly is named in the answer (400), nothing is computed."""
    start, end = request.GET.get("start", ""), request.GET.get("end", "")
    as_csv = request.GET.get("format") == "csv"
    try:
        period = fairness.period(start=start, end=end, today=timezone.localdate())
    except Refusal as error:
        message = " ".join(error.messages)
        if as_csv:
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        context = {"error": message, "field": error.field, "start": start[:10], "end": end[:10]}
        return render(request, "pooling/fairness.html", context, status=400)
    report = fairness.build(period)
    if as_csv:
        response = HttpResponse(report.table().csv(), content_type="text/csv; charset=utf-8")
        filename = f"guyub-fairness-{period.first:%Y-%m}-{period.last:%Y-%m}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    context = {"report": report, "start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}"}
    return render(request, "pooling/fairness.html", context)
