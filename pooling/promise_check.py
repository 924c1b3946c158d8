"""The promise side of the books: every open order line is covered by held stock, work being made for it, or
capacity reserved for it (an open routing request). ``inventory_check`` checks the stock ledger; this checks
what buyers were promised. The board sees every line that is not covered (``manage.py promise_check``, /pool/board/).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from oscar.core.loading import get_model

from common import order_status

from .models import RoutingRequest, WorkOrder

OrderLine = get_model("order", "Line")


@dataclass(frozen=True)
class Coverage:
    line: object
    held: int
    making: int
    reserved: int

    @property
    def uncovered(self) -> int:
        return max(0, self.line.quantity - self.held - self.making - self.reserved)


def coverage(lines) -> list[Coverage]:
    """Held units, units being made (offered, accepted or made, not yet handed over) and reserved capacity
    (an open request's units not yet offered) for each line, in a fixed number of queries."""
    lines = list(lines)
    requests = {r.order_line_id: r for r in RoutingRequest.objects.filter(order_line__in=lines)}
    units = defaultdict(int)
    for row in (
        WorkOrder.objects.filter(request__in=list(requests.values()), state__in=WorkOrder.LIVE)
        .values("request_id", "state")
        .annotate(s=Sum("quantity"))
    ):
        units[(row["request_id"], row["state"])] = row["s"]
    out = []
    for line in lines:
        request = requests.get(line.pk)
        making = reserved = 0
        if request is not None and request.status != RoutingRequest.Status.WITHDRAWN:
            making = sum(units[(request.pk, state)] for state in WorkOrder.UNFINISHED)
            live = making + units[(request.pk, WorkOrder.State.HANDED_OVER)]
            if request.status == RoutingRequest.Status.OPEN:
                reserved = max(0, request.quantity - live)
        out.append(Coverage(line, line.num_allocated or 0, making, reserved))
    return out


def open_lines():
    return (
        OrderLine.objects.exclude(order__status__in=order_status.FINISHED)
        .filter(stockrecord__isnull=False)
        .select_related("order", "product")
        .order_by("order_id", "pk")
    )


def uncovered_lines() -> list[Coverage]:
    """Open order lines that neither stock, work nor reserved capacity covers: a promise nobody keeps yet."""
    return [row for row in coverage(open_lines()) if row.uncovered]
