"""Oscar's order models; the order also remembers the buyer's language so later emails speak it."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractOrder


class Order(AbstractOrder):
    # Emails go out long after the request (transfer confirmed, shipped): keep the language the buyer used.
    language = models.CharField(_("Language"), max_length=10, blank=True, default="")


from oscar.apps.order.models import *  # noqa: E402,F401,F403  (Oscar's documented fork pattern: ours first)
