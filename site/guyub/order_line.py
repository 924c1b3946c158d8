"""The buyer's page of one line of their own order (Oscar's customer:order-line), with a 404 for a line of
another order: Oscar's view looks the line up with .get() and would fail with a server error."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from oscar.core.loading import get_class, get_model

Order = get_model("order", "Order")
OscarOrderLineView = get_class("customer.views", "OrderLineView")


class OrderLineView(OscarOrderLineView):
    template_name = "oscar/customer/order/line_detail.html"

    def get_object(self, queryset=None):
        order = get_object_or_404(Order, user=self.request.user, number=self.kwargs["order_number"])
        line_id = self.kwargs["line_id"]
        line = order.lines.filter(id=line_id).first() if 0 < line_id < 2**63 else None
        if line is None:
            raise Http404
        return line
