"""Oscar's order models; the order also remembers the buyer's language so later emails speak it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder


class Order(AbstractOrder):
    # Emails go out long after the request (transfer confirmed, shipped): keep the language the buyer used.
    language = models.CharField(_("Language"), max_length=10, blank=True, default="")


class Line(AbstractLine):
    # The promise the buyer saw when ordering: routing must meet it or flag the line for the board.
    promised_week = models.DateField(_("Promised ship week"), null=True, blank=True)
    promised_to_make = models.PositiveIntegerField(
        _("Units promised as made to order"),
        default=0,
        help_text=_("Units the buyer accepted as made to order (the rest were ready to ship)."),
    )


from oscar.apps.order.models import *  # noqa: E402,F401,F403  (Oscar's documented fork pattern: ours first)
