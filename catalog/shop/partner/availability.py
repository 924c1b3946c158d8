"""Availability across the whole cooperative: stock any member holds, then made to order.

Oscar's ``StockRequired`` looks at one stockrecord and refuses anything beyond it. The cooperative sells as one
shop whose members make goods by hand, so a buyer may order:

- what members hold free in stock ("Ready to ship"; placement holds it, routing transfers it between members);
- beyond that, what members with the skill can still make within the routing horizon ("Made to order, ships in
  about N weeks"), from their spare capacity after the load they already carry.

The spare capacity is read lazily (one query set per product class per request, shared by the strategy), so a
listing of products in stock never computes it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import cached_property

from django.utils.translation import gettext, ngettext
from oscar.apps.partner import availability

from pooling.selectors import LeadTime, lead_for, promise_date


class CooperativeAvailability(availability.Base):
    CODE_IN_STOCK = "instock"
    CODE_MADE_TO_ORDER = "made-to-order"
    CODE_OUT_OF_STOCK = "outofstock"

    def __init__(
        self, *, free: int, spare: Callable[[], list[int]], first_week: datetime.date, quantity: int | None = None
    ):
        self.free = max(0, free)  # ready to ship
        self._spare = spare
        self.first_week = first_week
        self.quantity = quantity  # a basket line's quantity: the messages describe that line

    @cached_property
    def spare(self) -> list[int]:
        return list(self._spare())

    @property
    def makeable(self) -> int:
        """Units members can still make within the horizon."""
        return sum(self.spare)

    @property
    def max_quantity(self) -> int:
        return self.free + self.makeable

    @property
    def num_available(self) -> int:
        # Oscar caps basket quantities with this (the quantity input's max, its "only N" messages): what a buyer
        # may order, stock and made to order together. Reading it reads the capacity.
        return self.max_quantity

    def lead(self, quantity: int = 1) -> LeadTime:
        # Free stock covering the quantity answers without the capacity (lead_for's first rule never reads it):
        # the checkout preview's promise of a line in stock costs no capacity read (issue 16).
        spare = [] if quantity <= self.free else self.spare
        return lead_for(free=self.free, spare=spare, quantity=quantity, first_week=self.first_week)

    @property
    def dispatch_date(self):
        return self.lead(self.quantity or 1).due_week

    def is_purchase_permitted(self, quantity):
        if quantity <= self.free:  # answered from stock alone: the capacity is not read
            return True, ""
        if quantity <= self.max_quantity:
            return True, ""
        if self.max_quantity <= 0:
            return False, gettext("no stock available, and no member can make it within %(weeks)d weeks") % {
                "weeks": len(self.spare)
            }
        return False, gettext(
            "a maximum of %(max)d can be ordered (%(ready)d ready to ship, the rest made within %(weeks)d weeks)"
        ) % {"max": self.max_quantity, "ready": self.free, "weeks": len(self.spare)}

    @property
    def code(self):
        quantity = self.quantity or 1
        if quantity <= self.free:
            return self.CODE_IN_STOCK
        if quantity <= self.max_quantity:
            return self.CODE_MADE_TO_ORDER
        return self.CODE_OUT_OF_STOCK

    @property
    def short_message(self):
        code = self.code
        if code == self.CODE_IN_STOCK:
            return gettext("In stock")
        if code == self.CODE_MADE_TO_ORDER:
            return gettext("Made to order")
        return gettext("Unavailable")

    @property
    def message(self) -> str:
        quantity = self.quantity or 1
        if self.code == self.CODE_OUT_OF_STOCK:
            return gettext("Unavailable")
        if quantity <= self.free:
            if self.quantity is None:
                return gettext("Ready to ship (%d in stock)") % self.free
            return gettext("Ready to ship")
        lead = self.lead(quantity)
        if self.free <= 0:
            return lead.text
        if lead.weeks is None:
            return gettext("%(ready)d ready to ship; ask us for a date for the other %(made)d") % {
                "ready": self.free,
                "made": quantity - self.free,
            }
        # The promise names the same date as the product page, thank-you page, account and email (issue 15).
        return ngettext(
            "%(ready)d ready to ship; the other %(made)d is made to order and ships by %(date)s",
            "%(ready)d ready to ship; the other %(made)d are made to order and ship by %(date)s",
            quantity - self.free,
        ) % {"ready": self.free, "made": quantity - self.free, "date": promise_date(lead.due_week)}
