"""Stockrecords are read-only in the Django admin: stock and allocations change only through movements
(inventory services), prices only through the board's agreement (/prices/). Partners stay editable."""

from oscar.apps.partner.admin import *  # noqa: F401,F403  (registers Oscar's classes first)
from oscar.core.loading import get_model

from common.admin import make_read_only

make_read_only(get_model("partner", "StockRecord"))
