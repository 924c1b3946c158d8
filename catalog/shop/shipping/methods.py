"""Oscar shipping methods: pickup at the gallery (free), and one per courier service quoted for the parcel."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods
from oscar.core import prices

from . import rules


def days_text(days: str) -> str:
    """The estimate as buyers read it: "2–3 days" ("2–3 hari")."""
    if not days:
        return ""
    if days == "1":
        return str(_("1 day"))
    return str(_("%(days)s days") % {"days": days})


class Pickup(methods.Free):
    code = rules.PICKUP
    name = _("Pick up at the gallery")
    description = _("Free. Collect your order at our gallery in Keparakan Kidul, Yogyakarta, once it is ready.")
    courier, service, cost, days = "", "", 0, "0"


class CourierMethod(methods.Base):
    """A courier service at the price quoted for this basket's parcel and address (whole rupiah)."""

    def __init__(self, quote: rules.Quote):
        self.quote = quote
        self.code = quote.code
        self.courier, self.service, self.cost, self.days = quote.courier, quote.service, quote.cost, quote.days
        self.name = f"{quote.courier} {quote.service}"

    @property
    def description(self):
        return days_text(self.days)

    def calculate(self, basket):
        charge = Decimal(self.cost)
        return prices.Price(currency=basket.currency, excl_tax=charge, incl_tax=charge)
