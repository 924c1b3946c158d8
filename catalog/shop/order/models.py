"""Oscar's order models; the order also remembers the buyer's language so later emails speak it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractBillingAddress, AbstractShippingAddress
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder

from catalog.shop.address.models import IndonesianAddressFields


class Order(AbstractOrder):
    # Emails go out long after the request (transfer confirmed, shipped): keep the language the buyer used.
    language = models.CharField(_("Language"), max_length=10, blank=True, default="")
    # Entered after the parcel left (catalog/shop/shipping/waybills.py): the courier and its waybill number.
    waybill_courier = models.CharField(_("Courier"), max_length=20, blank=True, default="")
    waybill_number = models.CharField(_("Waybill number"), max_length=40, blank=True, default="")


class Line(AbstractLine):
    # The promise the buyer saw when ordering: routing must meet it or flag the line for the board.
    promised_week = models.DateField(_("Promised ship week"), null=True, blank=True)
    promised_to_make = models.PositiveIntegerField(
        _("Units promised as made to order"),
        default=0,
        help_text=_("Units the buyer accepted as made to order (the rest were ready to ship)."),
    )


class ShippingAddress(IndonesianAddressFields, AbstractShippingAddress):
    class Meta(AbstractShippingAddress.Meta):
        abstract = False


class BillingAddress(IndonesianAddressFields, AbstractBillingAddress):
    class Meta(AbstractBillingAddress.Meta):
        abstract = False


from oscar.apps.order.models import *  # noqa: E402,F401,F403  (Oscar's documented fork pattern: ours first)
